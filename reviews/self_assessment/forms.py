"""Forms for the host's self-assessment, the team's view and the judgement."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from core.forms import GovukFormMixin
from core.markup import clean_text
from core.versioning import VersionedFormMixin
from reviews.fieldwork.forms import _text_field
from reviews.self_assessment.models import Rag, SelfAssessment, SelfAssessmentEntry

RAG_CHOICES = [("", "Not rated yet"), *Rag.choices]


class HostSelfAssessmentForm(GovukFormMixin, VersionedFormMixin, forms.Form):
    """One rating and narrative per KLOE. Saving a draft needs nothing; submitting needs every rating."""

    def __init__(self, *args: Any, rows: list, version: int, submit: bool = False, **kwargs: Any):
        super().__init__(*args, version=version, **kwargs)
        self.rows = rows
        self.submit = submit
        for row in rows:
            self.fields[f"rating_{row.kloe.pk}"] = forms.ChoiceField(
                label=f"{row.kloe}: your rating",
                choices=RAG_CHOICES,
                required=False,
                initial=row.entry.host_rating,
                widget=forms.RadioSelect,
            )
            narrative = _text_field(f"{row.kloe}: why", rows=5)
            narrative.required = False
            narrative.initial = row.entry.host_narrative
            self.fields[f"narrative_{row.kloe.pk}"] = narrative

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for row in self.rows:
            key = f"narrative_{row.kloe.pk}"
            if key in data:
                data[key] = clean_text(data.get(key) or "")
            if self.submit and not data.get(f"rating_{row.kloe.pk}"):
                self.add_error(f"rating_{row.kloe.pk}", f"Choose a rating for {row.kloe}")
        return data

    def ratings(self) -> dict[int, tuple[str, str]]:
        return {
            row.kloe.pk: (
                self.cleaned_data.get(f"rating_{row.kloe.pk}") or "",
                self.cleaned_data.get(f"narrative_{row.kloe.pk}") or "",
            )
            for row in self.rows
        }


class TeamViewForm(GovukFormMixin, VersionedFormMixin, forms.Form):
    team_agreement = forms.ChoiceField(
        label="Does the team agree with the host's rating?",
        choices=SelfAssessmentEntry.Agreement.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether the team agrees"},
    )
    team_rating = forms.ChoiceField(
        label="The team's rating",
        choices=Rag.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the team's rating"},
    )
    team_reason = _text_field("Why", rows=4)

    def clean_team_reason(self) -> str:
        text = clean_text(self.cleaned_data.get("team_reason", ""))
        if not text:
            raise ValidationError("Say why")
        return text


class JudgementForm(GovukFormMixin, VersionedFormMixin, forms.Form):
    judgement = forms.ChoiceField(
        label="The self-assessment was",
        choices=SelfAssessment.Judgement.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how accurate the self-assessment was"},
    )
    judgement_reason = _text_field("In a sentence, why", rows=3)

    def clean_judgement_reason(self) -> str:
        text = clean_text(self.cleaned_data.get("judgement_reason", ""))
        if not text:
            raise ValidationError("Say why in a sentence")
        return text


class VersionOnlyForm(GovukFormMixin, VersionedFormMixin, forms.Form):
    """A confirmation (submit, reopen): only the version of the self-assessment the person saw."""

    version_required = True
