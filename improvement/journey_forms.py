"""Forms of the improvement journey: a priority, a board meeting with its RAG ratings, a journey
report's details and one of its sections."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from core.forms import GovukFormMixin
from core.markup import clean_text
from core.versioning import VersionedFormMixin
from improvement.forms import TOO_LONG, _cleaned, owner_field
from improvement.models import ImprovementPriority, JourneyReport, Rag
from reports.models import LetterTemplate
from reviews.fieldwork.models import TEXT_LIMIT, Finding
from reviews.setup.forms import DateField

LETTER = re.compile(r"^[A-Z]{1,3}$")


class FindingsField(forms.ModelMultipleChoiceField):
    default_error_messages = {
        "invalid_choice": "Choose only recommendations and findings of this authority's reviews",
        "invalid_pk_value": "Choose only recommendations and findings of this authority's reviews",
    }


class PriorityForm(GovukFormMixin, VersionedFormMixin, forms.ModelForm):
    letter = forms.CharField(
        label="Letter",
        help_text="A, B, C ... The priorities are listed in this order.",
        max_length=3,
        error_messages={
            "required": "Enter the priority's letter",
            "max_length": "Use 1 to 3 letters",
        },
    )
    title = forms.CharField(
        label="Priority",
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter the priority", "max_length": TOO_LONG},
    )
    owner = owner_field()
    measure = forms.CharField(
        label="Measure of success",
        help_text="How the board will know it has worked.",
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Enter the measure of success", "max_length": TOO_LONG},
    )
    findings = FindingsField(
        label="Recommendations and findings it answers",
        queryset=Finding.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = ImprovementPriority
        fields = ["letter", "title", "owner", "measure", "findings"]

    def __init__(
        self, *args: Any, findings: list[Finding], organisation: Any, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            self.instance.organisation = organisation
        self._organisation_id = organisation.pk
        field = self.fields["findings"]
        assert isinstance(field, FindingsField)
        field.queryset = Finding.objects.filter(pk__in=[f.pk for f in findings])
        field.choices = [
            (f.pk, f"{getattr(f, 'label', '')} – {' '.join(f.text.split())[:160]}")
            for f in findings
        ]

    def clean_letter(self) -> str:
        letter = (self.cleaned_data.get("letter") or "").strip().upper()
        if not LETTER.match(letter):
            raise ValidationError("Enter the letter as A to Z (or AA, AB ...)")
        clash = ImprovementPriority.objects.filter(
            organisation_id=self._organisation_id, letter=letter
        ).exclude(pk=self.instance.pk)
        if clash.exists():
            raise ValidationError(f"There is already a priority {letter}")
        return letter

    def clean_title(self) -> str:
        return _cleaned(self, "title", "Enter the priority")

    def clean_owner(self) -> str:
        return _cleaned(self, "owner", "Enter the owner: a name or a role")

    def clean_measure(self) -> str:
        return _cleaned(self, "measure", "Enter the measure of success")


class BoardMeetingForm(GovukFormMixin, forms.Form):
    date = DateField(label="Date of the meeting", help_text="For example, 14 5 2027")
    reviewed = forms.CharField(
        label="What the board reviewed",
        help_text="For example, 'the improvement plan, the scorecard and the March audits'.",
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter what the board reviewed", "max_length": TOO_LONG},
    )
    decisions = forms.CharField(
        label="Decisions",
        required=False,
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": TOO_LONG},
    )

    def __init__(self, *args: Any, priorities: list[ImprovementPriority], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.priorities = priorities
        for priority in priorities:
            self.fields[f"rating_{priority.pk}"] = forms.ChoiceField(
                label=f"Priority {priority.letter}: RAG rating",
                choices=Rag.choices,
                widget=forms.RadioSelect,
                error_messages={
                    "required": f"Choose a RAG rating for priority {priority.letter}",
                    "invalid_choice": f"Choose red, amber or green for priority {priority.letter}",
                },
            )
            self.fields[f"note_{priority.pk}"] = forms.CharField(
                label=f"Priority {priority.letter}: note (optional)",
                required=False,
                max_length=2000,
                error_messages={"max_length": "Keep the note under 2,000 characters"},
            )

    def clean_reviewed(self) -> str:
        return _cleaned(self, "reviewed", "Enter what the board reviewed")

    def clean_decisions(self) -> str:
        return _cleaned(self, "decisions", "", required=False)

    def clean_date(self) -> dt.date:
        date = self.cleaned_data["date"]
        if date.year < 2000 or date > dt.date.today() + dt.timedelta(days=1):
            raise ValidationError("The date of the meeting cannot be in the future")
        return date

    def rows(self) -> list[tuple[ImprovementPriority, Any, Any]]:
        return [(p, self[f"rating_{p.pk}"], self[f"note_{p.pk}"]) for p in self.priorities]

    def ratings(self) -> dict[int, tuple[str, str]]:
        data = self.cleaned_data
        return {
            p.pk: (data[f"rating_{p.pk}"], clean_text(data.get(f"note_{p.pk}") or ""))
            for p in self.priorities
        }


class ReportStructureForm(GovukFormMixin, VersionedFormMixin, forms.ModelForm):
    """The settings of a journey report's own copy of its committee report template: how its
    headings are numbered (its sections are the formset beside it)."""

    version_required = True

    class Meta:
        model = LetterTemplate
        fields = ["numbering"]
        labels = {"numbering": "Numbering of the headings"}
        widgets = {"numbering": forms.RadioSelect}


class JourneyReportForm(GovukFormMixin, VersionedFormMixin, forms.ModelForm):
    title = forms.CharField(
        label="Title",
        max_length=250,
        error_messages={"required": "Enter a title", "max_length": "Keep the title under 250"},
    )
    meeting_date = DateField(
        label="Date of the committee meeting",
        required=False,
        help_text="The report cites the reviews, audits and board meetings up to this date (up to "
        "today if it is left empty). For example, 15 9 2026",
    )
    approved_on = DateField(label="Report approved on", required=False)
    period_months = forms.IntegerField(
        label="Period the report covers, in months",
        min_value=1,
        max_value=60,
        initial=12,
        error_messages={
            "required": "Enter the number of months the report covers",
            "invalid": "Enter the number of months as a whole number",
            "min_value": "Enter a number of months from 1 to 60",
            "max_value": "Enter a number of months from 1 to 60",
        },
    )
    author_email = forms.EmailField(
        label="Author's email address",
        required=False,
        error_messages={"invalid": "Enter an email address, like name@example.gov.uk"},
    )

    class Meta:
        model = JourneyReport
        fields = list(JourneyReport.DETAILS)

    def clean_title(self) -> str:
        return _cleaned(self, "title", "Enter a title")

    def _plain(self, name: str) -> str:
        return clean_text(self.cleaned_data.get(name) or "")

    def clean_report_of(self) -> str:
        return self._plain("report_of")

    def clean_committee(self) -> str:
        return self._plain("committee")

    def clean_author_name(self) -> str:
        return self._plain("author_name")

    def clean_author_title(self) -> str:
        return self._plain("author_title")

    def clean_author_phone(self) -> str:
        return self._plain("author_phone")

    def clean_chief_officer_name(self) -> str:
        return self._plain("chief_officer_name")

    def clean_chief_officer_title(self) -> str:
        return self._plain("chief_officer_title")

    def clean_wards(self) -> str:
        return self._plain("wards")


class SectionForm(GovukFormMixin, forms.Form):
    text = forms.CharField(
        label="Text of the section",
        help_text=(
            "A blank line between paragraphs. Start a line with '- ' for a bullet, '### ' for a "
            "subheading; **bold** for bold."
        ),
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 16}),
        error_messages={"required": "Enter the text of the section", "max_length": TOO_LONG},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def clean_text(self) -> str:
        text = clean_text(self.cleaned_data.get("text") or "")
        if not text.strip():
            raise ValidationError("Enter the text of the section")
        return text
