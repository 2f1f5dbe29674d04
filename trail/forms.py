from __future__ import annotations

from typing import Any, TypeVar

from django import forms
from django.db.models import QuerySet

from core.forms import GovukDateField, GovukFormMixin, check_date_order
from trail.models import Event

_Events = TypeVar("_Events", bound=QuerySet[Event])


class TrailFilterForm(GovukFormMixin, forms.Form):
    action = forms.ChoiceField(
        label="What happened", required=False, choices=[("", "Anything"), *Event.Action.choices]
    )
    person = forms.CharField(
        label="Person (email address or part of it)", required=False, max_length=254
    )
    since = GovukDateField(label="From", required=False, require_all_fields=False)
    until = GovukDateField(label="To", required=False, require_all_fields=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        check_date_order(
            self,
            cleaned,
            "since",
            "until",
            "The 'To' date must be the same as or after the 'From' date",
        )
        return cleaned

    def filter(self, events: _Events) -> _Events:
        """Narrow a queryset of events by what was chosen (assumes the form is valid)."""
        data = self.cleaned_data
        if data.get("action"):
            events = events.filter(action=data["action"])
        if data.get("person"):
            events = events.filter(actor_email__icontains=data["person"].strip())
        if data.get("since"):
            events = events.filter(at__date__gte=data["since"])
        if data.get("until"):
            events = events.filter(at__date__lte=data["until"])
        return events
