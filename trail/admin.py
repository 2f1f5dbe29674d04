from typing import Any

from django.contrib import admin
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse

from trail.models import Event
from trail.services import record, record_change, trail_csv, trail_value


class RecordedAdmin(admin.ModelAdmin):
    """An admin page whose every change is recorded in the trail: who (the administrator), what, and
    each changed field (old → new). ``trail_action`` says which kind of record."""

    trail_action: str = Event.Action.REVIEW_CHANGED

    def save_model(self, request: HttpRequest, obj: models.Model, form: Any, change: bool) -> None:
        before = type(obj)._default_manager.filter(pk=obj.pk).first() if change and obj.pk else None
        super().save_model(request, obj, form, change)
        changed = {
            name: {
                "from": trail_value(getattr(before, name, None)) if before is not None else None,
                "to": trail_value(getattr(obj, name, None)),
            }
            for name in form.changed_data
            if name in {f.name for f in obj._meta.concrete_fields}
        }
        record_change(
            self.trail_action,
            obj,
            request,
            "changed in the admin site" if change else "added in the admin site",
            changed=changed,
        )

    def delete_model(self, request: HttpRequest, obj: models.Model) -> None:
        record_change(self.trail_action, obj, request, "deleted in the admin site")
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: models.QuerySet) -> None:
        for obj in queryset:
            record_change(self.trail_action, obj, request, "deleted in the admin site")
        super().delete_queryset(request, queryset)


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    """Read-only: the trail can be searched, filtered and exported, never changed."""

    list_display = [
        "at",
        "actor_email",
        "action",
        "object_type",
        "object_repr",
        "review_id",
        "ip_address",
    ]
    list_filter = ["action", "at"]
    search_fields = ["actor_email", "object_repr", "object_id"]
    date_hierarchy = "at"
    actions = ["export_csv"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Event | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Event | None = None) -> bool:
        return False

    @admin.action(description="Download the selected records as CSV")
    def export_csv(self, request: HttpRequest, queryset: QuerySet[Event]) -> HttpResponse:
        response = trail_csv(queryset, filename="audit-trail.csv")
        record(
            action=Event.Action.TRAIL_EXPORTED, request=request, detail={"rows": queryset.count()}
        )
        return response
