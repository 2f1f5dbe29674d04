"""Forms for the team's work: findings and evidence notes."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q

from core.forms import GovukFormMixin
from core.markup import clean_text
from core.versioning import VersionedFormMixin
from reviews.fieldwork.models import TEXT_LIMIT, EvidenceNote, Finding, Theme
from reviews.schedule.models import Session
from reviews.setup.models import Kloe, Review, number_kloes

TOO_LONG = f"Keep it under {TEXT_LIMIT:,} characters: split it into two"


class KloeChoiceField(forms.ModelChoiceField):
    default_error_messages = {"invalid_choice": "Choose a key line of enquiry of this review"}

    def label_from_instance(self, obj: Kloe) -> str:
        return str(obj)


class KloesChoiceField(forms.ModelMultipleChoiceField):
    default_error_messages = {
        "invalid_choice": "Choose key lines of enquiry of this review",
        "invalid_pk_value": "Choose key lines of enquiry of this review",
    }

    def label_from_instance(self, obj: Kloe) -> str:
        return str(obj)


class ThemesChoiceField(forms.ModelMultipleChoiceField):
    default_error_messages = {
        "invalid_choice": "Choose themes from the list",
        "invalid_pk_value": "Choose themes from the list",
    }


class NotesChoiceField(forms.ModelMultipleChoiceField):
    default_error_messages = {
        "invalid_choice": "Choose evidence notes of this review",
        "invalid_pk_value": "Choose evidence notes of this review",
    }

    def label_from_instance(self, obj: EvidenceNote) -> str:
        author = obj.author.full_name if obj.author else "Former team member"
        return f"{author}: {obj.text[:90]}"


def _text_field(label: str, help_text: str = "", rows: int = 6) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": rows, "data-draft": "true"}),
        error_messages={"max_length": TOO_LONG},
    )


class FindingForm(GovukFormMixin, VersionedFormMixin, forms.ModelForm):
    kloe = KloeChoiceField(
        label="Key line of enquiry",
        queryset=Kloe.objects.none(),
        required=False,
        empty_label="Overall (not one key line of enquiry)",
    )
    kind = forms.ChoiceField(
        label="Kind of finding",
        choices=Finding.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether this is a strength, area or recommendation"},
    )
    text = _text_field(
        "Finding",
        help_text="Use **two stars** around words for bold, and start a line with “- ” for a bullet.",
    )
    urgency = forms.ChoiceField(
        label="Urgency (recommendations only)",
        choices=Finding.Urgency.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    themes = ThemesChoiceField(
        label="Themes",
        help_text="For regional learning: what this finding is about. Choose any that fit.",
        queryset=Theme.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    evidence_notes = NotesChoiceField(
        label="Evidence notes behind it",
        queryset=EvidenceNote.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Finding
        fields = ["kloe", "kind", "text", "urgency", "is_key_headline", "themes", "evidence_notes"]

    def __init__(self, *args: Any, review: Review, may_agree: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.review = review
        kloes = review.numbered_kloes()
        kloe_field = cast(forms.ModelChoiceField, self.fields["kloe"])
        kloe_field.queryset = Kloe.objects.filter(framework__review=review)
        kloe_field.choices = [("", kloe_field.empty_label)] + [(k.pk, str(k)) for k in kloes]
        cast(
            NotesChoiceField, self.fields["evidence_notes"]
        ).queryset = EvidenceNote.objects.filter(review=review).select_related("author")
        # Themes on offer, and any no longer offered that this finding already has.
        offered = Q(is_active=True)
        if self.instance.pk:
            offered |= Q(findings=self.instance)
        cast(ThemesChoiceField, self.fields["themes"]).queryset = Theme.objects.filter(
            offered
        ).distinct()
        self.fields["text"].error_messages["required"] = "Enter the finding"
        if may_agree:
            self.fields["is_key_headline"].label = "Key headline (for the summary)"
        else:
            del self.fields["is_key_headline"]

    def clean_text(self) -> str:
        text = clean_text(self.cleaned_data.get("text", ""))
        if not text:
            raise ValidationError("Enter the finding")
        return text

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("kind") != Finding.Kind.RECOMMENDATION:
            data["urgency"] = ""
        return data


class MergeForm(GovukFormMixin, forms.Form):
    other = forms.ModelChoiceField(
        label="Merge into this finding",
        queryset=Finding.objects.none(),
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the finding to merge with",
            "invalid_choice": "Choose a finding of this review",
        },
    )

    def __init__(self, *args: Any, finding: Finding, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        other = cast(forms.ModelChoiceField, self.fields["other"])
        other.queryset = (
            Finding.objects.filter(review_id=finding.review_id)
            .exclude(pk=finding.pk)
            .select_related("kloe")
        )

        def label(f: Finding) -> str:
            return f"{f.get_kind_display()} ({f.heading_label}): {f.text[:90]}"

        # Django's documented per-instance label: the field calls it with each finding.
        other.label_from_instance = label  # type: ignore[method-assign, assignment]


class EvidenceNoteForm(GovukFormMixin, VersionedFormMixin, forms.ModelForm):
    session = forms.ModelChoiceField(
        label="Session",
        queryset=Session.objects.none(),
        required=False,
        empty_label="Not in a session",
        error_messages={"invalid_choice": "Choose a session of this review"},
    )
    kloes = KloesChoiceField(
        label="Key lines of enquiry",
        queryset=Kloe.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    text = _text_field("What you saw or heard", rows=5)

    class Meta:
        model = EvidenceNote
        fields = ["session", "kloes", "text"]

    def __init__(self, *args: Any, review: Review, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        sessions = Session.objects.filter(review=review).select_related("day")
        session_field = cast(forms.ModelChoiceField, self.fields["session"])
        session_field.queryset = sessions
        # As for MergeForm's findings: each session labelled with its day and time.
        session_field.label_from_instance = lambda s: (  # type: ignore[method-assign, assignment]
            f"{s.day.date:%a %-d %b} {s.start_time:%H:%M} {s.title}"
        )
        kloes = review.numbered_kloes()
        number_kloes(kloes)
        kloe_field = cast(KloesChoiceField, self.fields["kloes"])
        kloe_field.queryset = Kloe.objects.filter(framework__review=review)
        kloe_field.choices = [(k.pk, str(k)) for k in kloes]
        self.fields["text"].error_messages["required"] = "Enter what you saw or heard"

    def clean_text(self) -> str:
        text = clean_text(self.cleaned_data.get("text", ""))
        if not text:
            raise ValidationError("Enter what you saw or heard")
        return text


class NoteFilterForm(GovukFormMixin, forms.Form):
    kloe = forms.TypedChoiceField(label="Key line of enquiry", required=False, coerce=int)
    session = forms.TypedChoiceField(label="Session", required=False, coerce=int)
    author = forms.TypedChoiceField(label="Reviewer", required=False, coerce=int)

    def __init__(self, *args: Any, review: Review, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.TypedChoiceField, self.fields["kloe"]).choices = [("", "All")] + [
            (k.pk, str(k)) for k in review.numbered_kloes()
        ]
        cast(forms.TypedChoiceField, self.fields["session"]).choices = [("", "All")] + [
            (s.pk, f"{s.day.date:%a %-d %b} {s.start_time:%H:%M} {s.title}")
            for s in Session.objects.filter(review=review).select_related("day")
        ]
        team = review.memberships.filter(role__in=["lead_reviewer", "reviewer"]).select_related(
            "user"
        )
        cast(forms.TypedChoiceField, self.fields["author"]).choices = [("", "All")] + [
            (m.user_id, m.user.full_name or m.user.email) for m in team
        ]
