"""Forms for fieldwork days and sessions."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError

from accounts.models import User
from core.forms import GovukFormMixin
from core.versioning import VersionedFormMixin
from reviews.schedule.models import ReviewDay, Session
from reviews.setup.forms import DateField, PersonChoiceField
from reviews.setup.models import (
    TEAM_ROLES,
    Kloe,
    Membership,
    Review,
    number_kloes,
)


class ReviewDayForm(GovukFormMixin, forms.ModelForm):
    date = DateField(label="Date of the day")

    class Meta:
        model = ReviewDay
        fields = ["date", "notes"]
        labels = {"notes": "Notes (optional)"}

    def __init__(self, *args: Any, review: Review, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.review = review

    def clean_date(self) -> dt.date:
        date = self.cleaned_data["date"]
        if self.review.days.filter(date=date).exclude(pk=self.instance.pk).exists():
            raise ValidationError(f"{date:%-d %B %Y} is already a day of this review")
        return date


TIME_FORMATS = ["%H:%M", "%H.%M", "%H%M"]


def _time_field(which: str, example: str) -> forms.TimeField:
    """A session's start or end time: hours and minutes, typed as 09:30, 09.30 or 0930."""
    return forms.TimeField(
        label=f"{which.capitalize()} time",
        help_text=f"24-hour clock, for example {example}",
        input_formats=TIME_FORMATS,
        widget=forms.TimeInput(
            format="%H:%M",
            attrs={"class": "govuk-input govuk-input--width-5", "inputmode": "numeric"},
        ),
        error_messages={
            "required": f"Enter the {which} time",
            "invalid": f"Enter the {which} time as hours and minutes, like {example}",
        },
    )


class SessionForm(GovukFormMixin, VersionedFormMixin, forms.ModelForm):
    one_line_fields = ("title", "place", "online_link")  # in email subjects and calendar entries
    start_time = _time_field("start", "09:30")
    end_time = _time_field("end", "11:00")
    reviewers = PersonChoiceField(
        label="Reviewers attending",
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    host_people = PersonChoiceField(
        label="Host contacts attending",
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    online_link = forms.URLField(
        label="Online link",
        max_length=500,
        required=False,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"class": "govuk-input", "spellcheck": "false"}),
        help_text="Optional. The Teams or Zoom link, starting https://",
        error_messages={"invalid": "Enter the link as a full web address, starting https://"},
    )
    kloes = forms.ModelMultipleChoiceField(
        label="Key lines of enquiry it serves",
        queryset=Kloe.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Session
        fields = [
            "day",
            "kind",
            "title",
            "start_time",
            "end_time",
            "place",
            "online_link",
            "reviewers",
            "host_people",
            "host_attendees",
            "kloes",
        ]
        labels = {"day": "Day", "kind": "Kind of session", "place": "Place (optional)"}
        error_messages = {
            "day": {
                "required": "Choose the day of the session",
                "invalid_choice": "Choose one of this review's days",
            },
            "kind": {"required": "Choose the kind of session"},
            "title": {"required": "Enter a title for the session"},
        }

    def __init__(self, *args: Any, review: Review, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.review = review
        day_field = cast(forms.ModelChoiceField, self.fields["day"])
        day_field.queryset = review.days.all()
        day_field.empty_label = "Choose a day"
        cast(forms.ChoiceField, self.fields["kind"]).choices = [
            ("", "Choose the kind of session"),
            *Session.Kind.choices,
        ]
        # Django's documented per-instance label: the field calls it with each day.
        day_field.label_from_instance = lambda day: f"{day.date:%A %-d %B %Y}"  # type: ignore[method-assign, assignment]
        members = Membership.objects.filter(review=review).select_related("user")
        team = [m.user_id for m in members if m.role in TEAM_ROLES]
        host = [m.user_id for m in members if m.role not in TEAM_ROLES]
        reviewers = cast(PersonChoiceField, self.fields["reviewers"])
        host_people = cast(PersonChoiceField, self.fields["host_people"])
        kloe_field = cast(forms.ModelMultipleChoiceField, self.fields["kloes"])
        reviewers.queryset = User.objects.filter(pk__in=team).order_by("full_name")
        host_people.queryset = User.objects.filter(pk__in=host).order_by("full_name")
        kloe_field.queryset = Kloe.objects.filter(framework__review=review)
        kloes = list(kloe_field.queryset)
        number_kloes(kloes)
        numbers = {k.pk: k.number for k in kloes}
        # As for the days: each line of enquiry labelled with its number.
        kloe_field.label_from_instance = lambda k: f"{numbers.get(k.pk, '')} {k.heading}"  # type: ignore[method-assign, assignment]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("start_time"), data.get("end_time")
        if start and end and end <= start:
            self.add_error("end_time", "The end time must be after the start time")
        return data
