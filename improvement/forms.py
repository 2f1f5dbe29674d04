"""Forms after the letter: actions, progress, follow-up reviews, external reviews and themes."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

from core.forms import END_AFTER_START, GovukFormMixin, check_date_order
from core.markup import clean_text
from core.uploads import UploadRefused, inspect_upload
from core.versioning import VersionedFormMixin
from improvement.models import Action, ExternalReview
from reviews.fieldwork.models import TEXT_LIMIT, Finding, Theme
from reviews.setup.forms import DateField

TOO_LONG = f"Keep it under {TEXT_LIMIT:,} characters"


def _cleaned(form: forms.BaseForm, name: str, message: str, *, required: bool = True) -> str:
    text = clean_text(form.cleaned_data.get(name) or "")
    if required and not text:
        raise ValidationError(message)
    return text


class FindingChoiceField(forms.ModelChoiceField):
    default_error_messages = {
        "invalid_choice": "Choose a recommendation or area for consideration of this review"
    }

    def label_from_instance(self, obj: Finding) -> str:
        label = f"Recommendation {obj.number}" if obj.number else "Area for consideration"
        return f"{label}: {obj.text[:120]}"


def owner_field() -> forms.CharField:
    """Who owns an action of the plan or an improvement priority: a name or a role."""
    return forms.CharField(
        label="Owner",
        help_text="A name or a role, for example 'Head of Service, Front Door'.",
        max_length=200,
        error_messages={
            "required": "Enter the owner: a name or a role",
            "max_length": "Keep the owner under 200 characters",
        },
    )


class ActionForm(GovukFormMixin, VersionedFormMixin, forms.ModelForm):
    finding = FindingChoiceField(
        label="Recommendation or area for consideration",
        queryset=Finding.objects.none(),
        empty_label="Choose the recommendation or area this action answers",
        error_messages={"required": "Choose the recommendation or area this action answers"},
    )
    what = forms.CharField(
        label="What will be done",
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter what will be done", "max_length": TOO_LONG},
    )
    owner = owner_field()
    due_date = DateField(label="Due date", help_text="For example, 31 3 2027")
    measure = forms.CharField(
        label="Measure of success",
        help_text="How you will know it has worked.",
        required=False,
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": TOO_LONG},
    )
    status = forms.ChoiceField(
        label="Status",
        choices=Action.Status.choices,
        initial=Action.Status.NOT_STARTED,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the status", "invalid_choice": "Choose a status"},
    )

    class Meta:
        model = Action
        fields = ["finding", "what", "owner", "due_date", "measure", "status"]

    def __init__(self, *args: Any, findings: list[Finding], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(FindingChoiceField, self.fields["finding"])
        field.queryset = Finding.objects.filter(pk__in=[f.pk for f in findings])
        by_pk = {f.pk: f for f in findings}
        field.choices = [
            ("", field.empty_label),
            *((f.pk, field.label_from_instance(f)) for f in findings),
        ]
        self._numbered = by_pk
        if self.instance.pk:
            del self.fields["finding"]  # an action stays with its recommendation

    def clean_finding(self) -> Finding:
        finding = self.cleaned_data["finding"]
        return self._numbered.get(finding.pk, finding)

    def clean_what(self) -> str:
        return _cleaned(self, "what", "Enter what will be done")

    def clean_owner(self) -> str:
        return _cleaned(self, "owner", "Enter the owner: a name or a role")

    def clean_measure(self) -> str:
        return _cleaned(self, "measure", "", required=False)

    def clean_due_date(self) -> dt.date:
        due = self.cleaned_data["due_date"]
        if due.year < 2000 or due.year > 2100:
            raise ValidationError("Enter a due date between 2000 and 2100")
        return due


class ProgressForm(GovukFormMixin, VersionedFormMixin, forms.Form):
    version_required = True
    date = DateField(label="Date of this update", help_text="For example, 14 5 2027")
    text = forms.CharField(
        label="Progress",
        help_text="What has happened since the last update.",
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter the progress made", "max_length": TOO_LONG},
    )
    status = forms.ChoiceField(
        label="Status now",
        choices=Action.Status.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the status", "invalid_choice": "Choose a status"},
    )

    def __init__(self, *args: Any, action: Action, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "progress")
        super().__init__(*args, version=action.version, **kwargs)
        self.fields["status"].initial = action.status
        self.fields["date"].initial = dt.date.today()

    def clean_text(self) -> str:
        return _cleaned(self, "text", "Enter the progress made")

    def clean_date(self) -> dt.date:
        date = self.cleaned_data["date"]
        if date.year < 2000 or date > dt.date.today() + dt.timedelta(days=1):
            raise ValidationError("The date of the update cannot be in the future")
        return date


class FollowUpForm(GovukFormMixin, forms.Form):
    title = forms.CharField(
        label="Title of the follow-up review",
        max_length=250,
        error_messages={"required": "Enter a title", "max_length": "Keep the title under 250"},
    )
    start_date = DateField(label="Start date", required=False)
    end_date = DateField(label="End date", required=False)

    def clean_title(self) -> str:
        return _cleaned(self, "title", "Enter a title")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        check_date_order(self, data, "start_date", "end_date", END_AFTER_START)
        return data


class ExternalReviewForm(GovukFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label="Kind of review",
        choices=ExternalReview.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the kind of review", "invalid_choice": "Choose one"},
    )
    kind_other = forms.CharField(label="If other, what kind", max_length=120, required=False)
    date = DateField(label="Date of the review or its report")
    headline = forms.CharField(
        label="Headline",
        help_text="The judgement or main message, for example 'Good overall'.",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Enter the headline",
            "max_length": "Keep the headline under 2,000 characters",
        },
    )
    link = forms.URLField(
        label="Link to the report (optional)",
        max_length=500,
        required=False,
        assume_scheme="https",
        error_messages={"invalid": "Enter a web address, like https://reports.ofsted.gov.uk/..."},
    )
    letter = forms.FileField(
        label="Upload the letter or report (optional, PDF)",
        required=False,
        error_messages={"empty": "The file you chose is empty"},
    )

    def clean_kind_other(self) -> str:
        return _cleaned(self, "kind_other", "", required=False)

    def clean_headline(self) -> str:
        return _cleaned(self, "headline", "Enter the headline")

    def clean_date(self) -> dt.date:
        date = self.cleaned_data["date"]
        if date.year < 1990 or date > dt.date.today() + dt.timedelta(days=366):
            raise ValidationError("Enter the date of the review, for example 14 5 2025")
        return date

    def clean_letter(self) -> Any:
        upload = self.cleaned_data.get("letter")
        if not upload:
            return None
        try:
            inspected = inspect_upload(upload, max_mb=settings.DOCUMENT_MAX_UPLOAD_MB)
        except UploadRefused as refused:
            raise ValidationError(str(refused)) from None
        if inspected.extension != ".pdf":
            raise ValidationError("Upload the letter as a PDF")
        return upload

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("kind") == ExternalReview.Kind.OTHER and not data.get("kind_other"):
            self.add_error("kind_other", "Enter the kind of review")
        return data


class ThemeForm(GovukFormMixin, VersionedFormMixin, forms.ModelForm):
    name = forms.CharField(
        label="Theme",
        max_length=80,
        error_messages={"required": "Enter the theme", "max_length": "Keep it under 80"},
    )

    class Meta:
        model = Theme
        fields = ["name", "is_active"]

    def clean_name(self) -> str:
        name = _cleaned(self, "name", "Enter the theme")
        clash = Theme.objects.filter(name__iexact=name).exclude(pk=self.instance.pk)
        if clash.exists():
            raise ValidationError("There is already a theme with this name")
        return name
