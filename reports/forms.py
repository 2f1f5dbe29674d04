from __future__ import annotations

from typing import Any, cast

from django import forms

from core.forms import GovukFormMixin
from core.versioning import VersionedFormMixin
from reports.compose import Section
from reports.models import Letter
from reviews.fieldwork.forms import TOO_LONG
from reviews.fieldwork.models import TEXT_LIMIT

MARKUP_HELP = (
    "Leave a blank line between paragraphs. Start a line with “- ” for a bullet, “1. ” for a "
    "numbered item and “### ” for a subheading. Put **two stars** around words for bold."
)


class StyleForm(GovukFormMixin, forms.Form):
    style = forms.ChoiceField(
        label="Style of letter",
        choices=Letter.Style.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the style of letter",
            "invalid_choice": "Choose one of the styles",
        },
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


class IssueForm(forms.Form):
    """The issue button's form: the number of the latest version the page showed (0: none), so that a
    second press, a second lead reviewer or a retry issues nothing twice (``services.issue``)."""

    based_on = forms.IntegerField(min_value=0, max_value=1_000_000, required=False)
