from typing import Any, cast

from django.contrib import admin
from django.http import HttpRequest

from accounts.models import User
from reviews.setup.models import Membership, Review
from reviews.setup.services import record_team_change
from trail.admin import RecordedAdmin
from trail.models import Event


class MembershipInline(admin.TabularInline):
    model = Membership
    # The council and job title shown are the coordinator's to correct on the team page (recorded
    # there); the version is theirs to check.
    fields = ["user", "role"]
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
        """Save the team as the administrator changed it, recording each change with who made it."""
        if formset.model is not Membership:
            super().save_formset(request, form, formset, change)
            return
        by = cast(User, request.user)  # the admin site lets only signed-in staff this far
        for removed in formset.deleted_forms:
            if removed.instance.pk:
                record_team_change(
                    Membership.objects.select_related("user").get(pk=removed.instance.pk),
                    change="removed",
                    by=by,
                    request=request,
                )
        existing = [f.instance.pk for f in formset.forms if f.instance.pk]
        roles = dict(Membership.objects.filter(pk__in=existing).values_list("pk", "role"))
        super().save_formset(request, form, formset, change)
        for added in formset.new_objects:
            record_team_change(added, change="added", by=by, request=request)
        for changed, _fields in formset.changed_objects:
            record_team_change(
                changed,
                change="role changed",
                by=by,
                request=request,
                previous_role=roles.get(changed.pk),
            )
