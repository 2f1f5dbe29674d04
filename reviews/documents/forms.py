"""Forms for asking for a document and uploading one."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

from core.forms import GovukFormMixin
from core.uploads import UploadRefused, inspect_upload
from reviews.documents.models import DocumentRequest
from reviews.setup.forms import DateField


class DocumentRequestForm(GovukFormMixin, forms.ModelForm):
    due_date = DateField(label="Date needed by", required=False)

    class Meta:
        model = DocumentRequest
        fields = ["kind", "title", "notes", "due_date"]
        labels = {
            "kind": "Document",
            "title": "Name (needed for Other)",
            "notes": "Notes for the host",
        }
        widgets = {"kind": forms.RadioSelect, "notes": forms.Textarea(attrs={"rows": 3})}
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
