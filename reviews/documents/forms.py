"""Forms for asking for a document and uploading one."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

from core.forms import GovukFormMixin
from core.uploads import UploadRefused, inspect_upload
from core.versioning import VersionedFormMixin
from reviews.documents.models import DocumentRequest, PackItem
from reviews.setup.forms import DateField

MAX_PACK_ITEMS = 40


class DocumentRequestForm(GovukFormMixin, VersionedFormMixin, forms.ModelForm):
    """A new request, or a change to one (then with the version it was read at)."""

    due_date = DateField(label="Date needed by", required=False)

    class Meta:
        model = DocumentRequest
        fields = ["kind", "title", "notes", "due_date"]
        labels = {
            "kind": "Document",
            "title": "Name (needed for Other)",
            "notes": "Notes for the host",
        }
        widgets = {
            "kind": forms.RadioSelect,
            "title": forms.TextInput(attrs={"class": "govuk-input govuk-!-width-two-thirds"}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages = {"kind": {"required": "Choose the document you want"}}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(
            forms.ChoiceField, self.fields["kind"]
        ).choices = DocumentRequest.Kind.choices  # radios: no blank choice

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("kind") == DocumentRequest.Kind.OTHER and not data.get("title"):
            self.add_error("title", "Enter the name of the document you want")
        return data


class DocumentUploadForm(GovukFormMixin, forms.Form):
    file = forms.FileField(
        label="Choose a file",
        help_text="PDF, Word, Excel or PowerPoint.",
        error_messages={
            "required": "Choose a file to upload",
            "empty": "The file you chose is empty",
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields[
            "file"
        ].help_text = f"PDF, Word, Excel or PowerPoint, up to {settings.DOCUMENT_MAX_UPLOAD_MB} MB."

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        try:
            self.inspected = inspect_upload(upload, max_mb=settings.DOCUMENT_MAX_UPLOAD_MB)
        except UploadRefused as refused:
            raise ValidationError(str(refused)) from None
        return upload


def _pack_line_help() -> str:
    return (
        "One document a line. After the name, a | and what the host should send, if you want: "
        "Threshold document | The current levels of need document."
    )


class DocumentPackForm(GovukFormMixin, VersionedFormMixin, forms.Form):
    """An organisation's standard pack, one document a line: ``name | notes for the host``."""

    lines = forms.CharField(
        label="Documents in the pack",
        help_text=_pack_line_help(),
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 12}),
        error_messages={"required": "Enter at least one document"},
    )

    def clean_lines(self) -> str:
        text: str = self.cleaned_data["lines"]
        items: list[PackItem] = []
        problems: list[str] = []
        seen: dict[str, int] = {}
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            title, _, notes = line.partition("|")
            title, notes = " ".join(title.split()), " ".join(notes.split())
            if not title:
                problems.append(f"Line {number}: give the document's name before the |")
            elif len(title) > 200:
                problems.append(f"Line {number}: the name is longer than 200 characters")
            elif len(notes) > 1000:
                problems.append(f"Line {number}: the notes are longer than 1,000 characters")
            elif title.casefold() in seen:
                problems.append(
                    f"Line {number}: “{title[:60]}” is already on line {seen[title.casefold()]}"
                )
            else:
                seen[title.casefold()] = number
                items.append(PackItem(title=title, notes=notes))
        if problems:
            raise ValidationError(problems)
        if not items:
            raise ValidationError("Enter at least one document")
        if len(items) > MAX_PACK_ITEMS:
            raise ValidationError(f"A pack holds at most {MAX_PACK_ITEMS} documents")
        self.items = items
        return text


class RequestFromPackForm(GovukFormMixin, forms.Form):
    """Choose documents of the pack and one date needed by: one request each."""

    chosen = forms.MultipleChoiceField(
        label="Documents to request",
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Choose at least one document to request",
            "invalid_choice": "Choose only documents of the pack",
        },
    )
    due_date = DateField(label="Date needed by", required=False)

    def __init__(
        self, *args: Any, items: list[PackItem], requested: set[str], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.items = {item.title: item for item in items}
        field = cast(forms.MultipleChoiceField, self.fields["chosen"])
        field.choices = [
            (
                item.title,
                f"{item.title} (already requested)"
                if item.title.casefold() in requested
                else item.title,
            )
            for item in items
        ]
        if not self.is_bound:
            self.initial["chosen"] = [
                item.title for item in items if item.title.casefold() not in requested
            ]

    def chosen_items(self) -> list[PackItem]:
        return [self.items[title] for title in self.cleaned_data["chosen"]]
