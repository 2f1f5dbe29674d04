from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from reviews.models import Membership, Review
from reviews.signals import attribute_change
from trail.admin import RecordedAdmin
from trail.models import Event


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Review)
class ReviewAdmin(RecordedAdmin):
    """An administrator can change what a coordinator may not (the host of a review that has
    started, say); every change, and every change to the team, is recorded with who made it."""

    trail_action = Event.Action.REVIEW_CHANGED
    list_display = ["title", "host", "lead_organisation", "kind", "status", "start_date"]
    list_filter = ["status", "kind", "delivery"]
    search_fields = ["title", "host__name", "lead_organisation__name"]
    list_select_related = ["host", "lead_organisation"]
    inlines = [MembershipInline]

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        for inline_form in formset.forms:
            if inline_form.instance is not None:
                if inline_form.instance.pk:
                    inline_form.instance._previous_role = (
                        Membership.objects.filter(pk=inline_form.instance.pk)
                        .values_list("role", flat=True)
                        .first()
                    )
                attribute_change(inline_form.instance, by=request.user, request=request)
        super().save_formset(request, form, formset, change)
