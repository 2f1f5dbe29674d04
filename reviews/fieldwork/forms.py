"""Forms for the team's work: findings and evidence notes."""

from __future__ import annotations

from typing import Any, cast

from crispy_forms.layout import HTML, Layout
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q
from django.forms.utils import ErrorDict
from django.http import QueryDict

from core.forms import GovukFormMixin
from core.http import whole_number
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
        return f"{author}: {shorten(obj.text, 160)}"


def shorten(text: str, limit: int) -> str:
    """``text`` on one line, cut at the last whole word within ``limit`` characters (then "…")."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[: limit + 1].rsplit(" ", 1)[0] if " " in flat[: limit + 1] else flat[:limit]
    return cut.rstrip(" ,.;:-") + "…"


MARKUP_HINT = (
    "To make words bold, put two stars just before and just after them. To make a bulleted list, "
    "start each line of the list with a dash and a space."
)


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
    text = _text_field("Finding", help_text=MARKUP_HINT)
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

    def __init__(
        self,
        *args: Any,
        review: Review,
        may_agree: bool,
        notes_query: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.review = review
        kloes = review.numbered_kloes()
        kloe_field = cast(forms.ModelChoiceField, self.fields["kloe"])
        kloe_field.queryset = Kloe.objects.filter(framework__review=review)
        kloe_field.choices = [("", kloe_field.empty_label)] + [(k.pk, str(k)) for k in kloes]
        self._evidence_picker(review, notes_query)
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
        # The evidence notes' search box sits just above their list (templates/reviews/partials).
        names = [name for name in self.fields if name != "evidence_notes"]
        self.helper.layout = Layout(
            *names,
            HTML('{% include "reviews/partials/note_picker_search.html" %}'),
            "evidence_notes",
        )

    def _picker_kloe(self) -> str:
        """The key line of enquiry the finding is about, as typed or saved ("" for overall)."""
        if self.is_bound:
            return str(self.data.get(self.add_prefix("kloe"), ""))
        if self.instance.pk:
            return str(self.instance.kloe_id or "")
        return str(self.initial.get("kloe", "") or "")

    def _evidence_picker(self, review: Review, notes_query: str) -> None:
        """The evidence notes to tick: those of the finding's key line of enquiry first, newest first
        within each; with ``notes_query``, only the notes whose words contain it (and those already
        ticked, so that searching never unticks one). Every note of the review stays a valid choice."""
        field = cast(NotesChoiceField, self.fields["evidence_notes"])
        notes = EvidenceNote.objects.filter(review=review).select_related("author")
        field.queryset = notes
        kloe = self._picker_kloe()
        # NUL is no character of any note's words (and PostgreSQL refuses it in a query).
        self.notes_query = " ".join(notes_query.replace("\x00", " ").split())[:200]
        self.notes_search_id = (
            self.auto_id % "notes_query" if isinstance(self.auto_id, str) else "notes_query"
        )
        shown = notes.order_by("-created_at", "-pk")
        if (kloe_pk := whole_number(kloe)) is not None:
            on_kloe = EvidenceNote.kloes.through.objects.filter(
                evidencenote=OuterRef("pk"), kloe_id=kloe_pk
            )
            shown = shown.annotate(on_kloe=Exists(on_kloe)).order_by(
                "-on_kloe", "-created_at", "-pk"
            )
        if self.notes_query:
            ticked = [n for v in self._ticked_notes() if (n := whole_number(str(v))) is not None]
            shown = shown.filter(Q(text__icontains=self.notes_query) | Q(pk__in=ticked))
        self.notes_shown = [(note.pk, field.label_from_instance(note)) for note in shown]
        field.choices = self.notes_shown  # shown; any note of the review stays valid (queryset)

    def _ticked_notes(self) -> list[Any]:
        if self.is_bound:
            name = self.add_prefix("evidence_notes")
            if isinstance(self.data, QueryDict):
                return self.data.getlist(name)
            value = self.data.get(name) or []
            return list(value) if isinstance(value, (list, tuple)) else [value]
        if self.instance.pk:
            return [n.pk for n in self.instance.evidence_notes.all()]
        return []

    def hold_errors(self) -> None:
        """Show the form as typed without checking it (a search of the notes, not a save)."""
        self._errors = ErrorDict()
        self.cleaned_data = {}

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
    """Step one: the finding to merge with. Step two (``editing``): the merged words to check and
    change before anything is saved, with the versions of both findings as they were shown."""

    other = forms.ModelChoiceField(
        label="Merge into this finding",
        queryset=Finding.objects.none(),
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the finding to merge with",
            "invalid_choice": "Choose a finding of this review",
        },
    )
    text = _text_field("The merged finding", help_text=MARKUP_HINT, rows=10)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    other_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, finding: Finding, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.editing = editing
        if editing:
            self.fields["other"].widget = forms.HiddenInput()
            self.fields["text"].error_messages["required"] = "Enter the words of the merged finding"
        else:
            for name in ("text", "version", "other_version"):
                del self.fields[name]
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

    def clean_text(self) -> str:
        text = clean_text(self.cleaned_data.get("text", ""))
        if not text:
            raise ValidationError("Enter the words of the merged finding")
        return text


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
        if not self.instance.pk:  # the box the page's shortcut (Alt+Shift+N) goes to
            self.fields["text"].widget.attrs["data-note-box"] = "true"

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
