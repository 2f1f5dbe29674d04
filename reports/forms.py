from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.forms import BaseInlineFormSet, inlineformset_factory

from core import readiness
from core.forms import GovukDateField, GovukFormMixin
from core.uploads import UploadRefused, inspect_image
from core.versioning import VersionedFormMixin
from reports import catalogue, placeholders
from reports.compose import Section
from reports.models import LetterTemplate, TemplateSection
from reviews.fieldwork.forms import TOO_LONG
from reviews.fieldwork.models import TEXT_LIMIT

RELOAD = "The page was out of date: check the list again and confirm"

MARKUP_HELP = (
    "Leave a blank line between paragraphs. Start a line with “- ” for a bullet, “1. ” for a "
    "numbered item and “### ” for a subheading. Put **two stars** around words for bold."
)


class SectionForm(GovukFormMixin, VersionedFormMixin, forms.Form):
    version_required = True
    text = forms.CharField(
        label="Text of the section",
        help_text=MARKUP_HELP,
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 18, "data-draft": "true"}),
        error_messages={
            "required": "Enter the text of the section, or reset it to the generated text",
            "max_length": TOO_LONG,
        },
    )


class ResetForm(GovukFormMixin, VersionedFormMixin, forms.Form):
    """Only the version of the edit being reset."""

    version_required = True


class CommentForm(GovukFormMixin, forms.Form):
    section = forms.ChoiceField(
        label="Which part of the letter is it about?",
        error_messages={
            "required": "Choose the part of the letter",
            "invalid_choice": "Choose a part of the letter from the list",
        },
    )
    quote = forms.CharField(
        label="The passage (optional)",
        help_text="Copy the words your comment is about, so the team can find them.",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "The passage must be 2,000 characters or fewer"},
    )
    text = forms.CharField(
        label="Your comment",
        help_text="Say what is factually inaccurate and what it should say.",
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 5, "data-draft": "true"}),
        error_messages={"required": "Enter your comment", "max_length": TOO_LONG},
    )

    def __init__(self, *args: Any, sections: list[Section], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sections = {s.key: s for s in sections}
        cast(forms.ChoiceField, self.fields["section"]).choices = [
            ("", "Choose a part of the letter")
        ] + [(s.key, s.full_title) for s in sections]


class ReplyForm(GovukFormMixin, forms.Form):
    decision = forms.ChoiceField(
        label="Your decision",
        choices=[
            ("accept", "Accept: the letter will be corrected"),
            ("decline", "Decline: the letter stays as it is"),
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose whether you accept or decline the comment",
            "invalid_choice": "Choose accept or decline",
        },
    )
    reply = forms.CharField(
        label="Your reply to the host",
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Enter a reply, saying what you changed or why not",
            "max_length": TOO_LONG,
        },
    )


# Letter templates ---------------------------------------------------------------------------------

SIGNATURE_MAX_MB = 2
ONE_LINE = "Enter this on one line"


def _check_placeholders(
    form: forms.BaseForm, name: str, allowed: Collection[str] | None = None
) -> None:
    message = placeholders.error_message(form.cleaned_data.get(name) or "", allowed)
    if message:
        form.add_error(name, message)


def _check_one_line(form: forms.BaseForm) -> None:
    """Single-line fields refuse line breaks (a forged POST could send them; they would break the
    letter's lines, an email subject or a calendar line)."""
    for name, field in form.fields.items():
        value = form.cleaned_data.get(name)
        if (
            isinstance(field, forms.CharField)
            and isinstance(field.widget, forms.TextInput)
            and isinstance(value, str)
            and ("\n" in value or "\r" in value)
        ):
            form.add_error(name, ONE_LINE)


class TemplateCopyForm(GovukFormMixin, forms.Form):
    name = forms.CharField(
        label="Name of your copy",
        max_length=200,
        error_messages={
            "required": "Enter a name for your copy",
            "max_length": "The name must be 200 characters or fewer",
        },
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        _check_one_line(self)
        return data


class TemplateForm(GovukFormMixin, VersionedFormMixin, forms.ModelForm):
    """A template's settings: its name (a library template only), numbering, title, salutation,
    reference lines, sign-off, first-page footer and continuation marker."""

    version_required = True
    remove_signature = forms.BooleanField(label="Remove the signature image", required=False)

    SETTINGS = LetterTemplate.SETTINGS  # one list of the settings: the model's

    class Meta:
        model = LetterTemplate
        fields = ["name", "description", *LetterTemplate.SETTINGS]
        labels = {
            "name": "Name of the template",
            "description": "What it is for (optional)",
            "numbering": "Numbering of the headings",
            "title": "Title of the letter",
            "salutation": "Salutation",
            "enquiries_to": "Enquiries to",
            "sign_off": "Closing words",
            "signatory": "Who signs the letter",
            "signatory_title": "Their job title (optional: instead of the one the service knows)",
        }
        help_texts = {
            "title": "One line per line of the title, for example {review name} in {host}: "
            "{month and year}.",
            "salutation": "For example Dear {first name} or Dear {first name}, (with a comma).",
            "enquiries_name": "Only when a named person takes enquiries.",
            "signatory_name": "Only when a named person signs.",
            "signature": "A PNG or JPEG image of the signature, up to 2 MB (optional).",
            "sign_off": "For example Yours sincerely.",
        }
        widgets = {
            "numbering": forms.RadioSelect,
            "enquiries_to": forms.RadioSelect,
            "signatory": forms.RadioSelect,
            "continuation": forms.RadioSelect,
            "title": forms.Textarea(attrs={"rows": 2}),
            "description": forms.Textarea(attrs={"rows": 2}),
        }
        error_messages = {
            "name": {"required": "Enter the name of the template"},
            "salutation": {"required": "Enter the salutation, for example Dear {first name}"},
            "sign_off": {"required": "Enter the closing words, for example Yours sincerely"},
        }

    def __init__(self, *args: Any, library: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not library:  # a letter's own copy: its name is the template it came from
            del self.fields["name"]
            del self.fields["description"]
        self.fields["continuation"].required = False
        if not (self.instance.pk and self.instance.signature):
            del self.fields["remove_signature"]

    def clean_signature(self) -> Any:
        upload = self.cleaned_data.get("signature")
        if isinstance(upload, UploadedFile):
            try:
                inspected = inspect_image(upload, max_mb=SIGNATURE_MAX_MB)
            except UploadRefused as refused:
                raise forms.ValidationError(str(refused), code="signature_refused") from None
            if inspected.extension not in (".png", ".jpg"):
                raise forms.ValidationError(
                    "The signature must be a PNG or JPEG image", code="signature_refused"
                )
            upload.name = f"signature{inspected.extension}"
        return upload

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        _check_one_line(self)
        for name in ("title", "salutation"):
            _check_placeholders(self, name)
        if (
            data.get("enquiries_to") == LetterTemplate.EnquiriesTo.NAMED
            and not (data.get("enquiries_name") or "").strip()
        ):
            self.add_error("enquiries_name", "Enter the name of the person who takes enquiries")
        if (
            data.get("signatory") == LetterTemplate.Signatory.NAMED
            and not (data.get("signatory_name") or "").strip()
        ):
            self.add_error("signatory_name", "Enter the name of the person who signs")
        if data.get("remove_signature"):
            data["signature"] = False  # clears the file field
        return data


class TemplateSectionForm(GovukFormMixin, forms.ModelForm):
    class Meta:
        model = TemplateSection
        fields = [
            "position",
            "heading",
            "numbered",
            "subsection",
            "content",
            "block",
            "detail",
            "text",
            "show",
            "hidden",
        ]
        labels = {
            "position": "Order",
            "heading": "Heading (optional: none continues the section before)",
            "content": "What fills it",
            "block": "Generated text",
            "text": "Text (for “Text written here”)",
            "show": "When it shows",
        }
        widgets = {
            "content": forms.RadioSelect,
            "show": forms.RadioSelect,
            "text": forms.Textarea(attrs={"rows": 4}),
        }
        error_messages = {
            "position": {"invalid": "Enter the order as a whole number, like 3"},
        }

    def __init__(
        self, *args: Any, document: str = LetterTemplate.Document.LETTER, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        # A letter's generated texts and placeholders, or another document's (a committee report).
        self.blocks = dict(catalogue.block_choices(document))
        self.placeholder_names = catalogue.placeholder_names(document)
        if document != LetterTemplate.Document.LETTER:
            self.fields["hidden"].label = "Leave out of the report"
        self.fields["position"].required = False
        self.fields["position"].widget.attrs.update(
            {"class": "govuk-input govuk-input--width-3", "inputmode": "numeric"}
        )
        if self.instance.pk is None:  # a new section: blank goes at the end
            self.initial["position"] = None
            self.fields["position"].help_text = "Leave blank to add it at the end."
        # The model field has no choices (the catalogue is code, not data): a choice field here, so
        # that the list is on the page (setting ``choices`` on the model's CharField showed none).
        self.fields["block"] = forms.ChoiceField(
            label=self.fields["block"].label,
            required=False,
            choices=[("", "Choose the generated text"), *self.blocks.items()],
            error_messages={"invalid_choice": "Choose generated text from the list"},
        )
        self.fields["text"].help_text = (
            "Placeholders in braces are filled in from the review, for example {host} or "
            "{review dates}: the list is on this page."
            if self.placeholder_names is None
            else "Placeholders in braces are filled in, for example {host} or {date}: the list is "
            "on this page."
        )

    def clean_position(self) -> int:
        position = self.cleaned_data.get("position")
        return 10_000 if position is None else position

    def clean_block(self) -> str:
        block = self.cleaned_data.get("block") or ""
        if block and block not in self.blocks:
            raise forms.ValidationError("Choose generated text from the list")
        return block

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        _check_one_line(self)
        _check_placeholders(self, "heading", self.placeholder_names)
        content = data.get("content")
        if content == TemplateSection.Content.GENERATED and not data.get("block"):
            self.add_error("block", "Choose the generated text for this section")
        if content == TemplateSection.Content.FREE:
            if not (data.get("text") or "").strip():
                self.add_error("text", "Enter the text of this section")
            _check_placeholders(self, "text", self.placeholder_names)
        if content != TemplateSection.Content.GENERATED:
            data["block"] = ""
        return data


MAX_SECTIONS = 40


class BaseTemplateSectionFormSet(BaseInlineFormSet):
    default_error_messages = {
        "too_many_forms": "A letter can have at most %(num)d sections",
    }

    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = "Remove this section"

    def clean(self) -> None:
        super().clean()
        with_subsections = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            block = catalogue.BY_KEY.get(data.get("block") or "")
            if data.get("DELETE") or block is None:
                continue
            if block.subsections is not None:
                with_subsections.append(block.key)
        if len(with_subsections) > 1:
            raise forms.ValidationError(
                "A letter can have the detailed findings by key line of enquiry only once"
            )


TemplateSectionFormSet = inlineformset_factory(
    LetterTemplate,
    TemplateSection,
    form=TemplateSectionForm,
    formset=BaseTemplateSectionFormSet,
    extra=1,
    can_delete=True,
    can_order=False,
    max_num=MAX_SECTIONS,
    validate_max=True,
    absolute_max=MAX_SECTIONS + 10,
)


class LetterDateForm(GovukFormMixin, VersionedFormMixin, forms.Form):
    """The date the letter bears; empty: the day it is issued."""

    version_required = True
    date = GovukDateField(
        label="Date of the letter",
        required=False,
        help_text="For example 3 7 2026. Leave it empty to date the letter the day it is issued.",
    )


class ShareForm(GovukFormMixin, forms.Form):
    """Sharing the draft for the factual accuracy check: the date the host is asked to reply by."""

    reply_by = GovukDateField(
        label="Reply by",
        required=False,
        help_text="The date the host lead contact is asked to send any factual corrections by, "
        "for example 18 12 2026. Leave it empty for the default.",
    )

    def __init__(self, *args: Any, today: dt.date, default: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        self.default = default

    def clean_reply_by(self) -> dt.date:
        value = self.cleaned_data.get("reply_by") or self.default
        if value <= self.today:
            raise ValidationError("The reply-by date must be in the future", code="past")
        if value > self.today + dt.timedelta(days=366):
            raise ValidationError("The reply-by date must be within a year", code="far")
        return value


class TemplateChoiceForm(GovukFormMixin, forms.Form):
    template = forms.ModelChoiceField(
        label="Letter template",
        queryset=LetterTemplate.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": "Choose a letter template",
            "invalid_choice": "Choose one of the letter templates",
        },
    )
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, templates: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["template"]).queryset = templates


class IssueForm(forms.Form):
    """The "Before you issue" page's form.

    ``based_on``: the number of the latest version the page showed (0: none), so that a second press,
    a second lead reviewer or a retry issues nothing twice (``services.issue``). ``confirmed``: the
    warnings the lead reviewer confirms, one checkbox each; every warning there is now must be
    confirmed. A blocker (``core.readiness``) refuses the form whatever is sent."""

    based_on = forms.IntegerField(
        min_value=0,
        max_value=1_000_000,
        required=False,
        error_messages={"invalid": RELOAD, "min_value": RELOAD, "max_value": RELOAD},
    )
    confirmed = forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": RELOAD},
    )

    def __init__(
        self,
        *args: Any,
        blockers: Sequence[readiness.Check] = (),
        warnings: Sequence[readiness.Check] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.blockers = list(blockers)
        self.warnings = list(warnings)
        cast(forms.MultipleChoiceField, self.fields["confirmed"]).choices = [
            (c.key, c.text) for c in self.warnings
        ]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if self.blockers:
            raise forms.ValidationError(
                "The letter cannot be issued yet: " + "; ".join(c.text for c in self.blockers),
                code="blocked",
            )
        if "confirmed" in data:
            missing = [c for c in self.warnings if c.key not in data["confirmed"]]
            if missing:
                self.add_error(
                    "confirmed",
                    "Confirm each warning to issue the letter: "
                    + "; ".join(c.text for c in missing),
                )
        return data
