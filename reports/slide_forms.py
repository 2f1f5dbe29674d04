"""The lead reviewer's forms for the feedback presentation's slides."""

from __future__ import annotations

from django import forms

from core.forms import GovukFormMixin
from core.versioning import VersionedFormMixin
from reviews.fieldwork.forms import TOO_LONG
from reviews.fieldwork.models import TEXT_LIMIT

SLIDE_HELP = (
    "One point a line. Start a line with two spaces and “- ” for a point under the one above, and "
    "“7. ” for a numbered one on a numbered slide. Put **two stars** around words for bold. A long "
    "slide goes on to a second one by itself."
)
TITLE_LIMIT = 200


class SlideForm(GovukFormMixin, VersionedFormMixin, forms.Form):
    """A slide's title, text, place and whether it is shown."""

    version_required = True
    title = forms.CharField(
        label="Title of the slide",
        max_length=TITLE_LIMIT,
        error_messages={"required": "Enter the title of the slide", "max_length": TOO_LONG},
    )
    text = forms.CharField(
        label="Text of the slide",
        help_text=SLIDE_HELP,
        required=False,
        max_length=TEXT_LIMIT,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 12, "data-draft": "true"}),
        error_messages={"max_length": TOO_LONG},
    )
    position = forms.IntegerField(
        label="Place in the presentation",
        help_text="Slides are shown from the lowest number to the highest.",
        min_value=0,
        max_value=100_000,
        error_messages={
            "required": "Enter the slide's place, a whole number such as 35",
            "invalid": "Enter the slide's place as a whole number, such as 35",
            "min_value": "Enter a place of 0 or more",
            "max_value": "Enter a place of 100000 or less",
        },
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-5"}),
    )
    hidden = forms.BooleanField(label="Hide this slide from the presentation", required=False)


class AddSlideForm(GovukFormMixin, forms.Form):
    title = forms.CharField(
        label="Title of the new slide",
        max_length=TITLE_LIMIT,
        error_messages={"required": "Enter the title of the slide", "max_length": TOO_LONG},
    )
    text = forms.CharField(
        label="Text of the slide",
        help_text=SLIDE_HELP,
        required=False,
        max_length=TEXT_LIMIT,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 8, "data-draft": "true"}),
        error_messages={"max_length": TOO_LONG},
    )
