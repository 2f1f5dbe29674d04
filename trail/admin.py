from django.contrib import admin
from django.http import HttpRequest, HttpResponse

from trail.models import Event
from trail.services import record, write_csv


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
    def export_csv(self, request: HttpRequest, queryset) -> HttpResponse:  # type: ignore[no-untyped-def]
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="audit-trail.csv"'
        write_csv(response, queryset)
        record(
            action=Event.Action.TRAIL_EXPORTED, request=request, detail={"rows": queryset.count()}
        )
        return response
