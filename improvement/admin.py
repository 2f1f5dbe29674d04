from django.contrib import admin

from improvement.models import ExternalReview
from reviews.fieldwork.models import Theme
from trail.admin import RecordedAdmin
from trail.models import Event


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["name", "position", "is_active"]
    list_editable = ["position", "is_active"]
    search_fields = ["name"]


@admin.register(ExternalReview)
class ExternalReviewAdmin(RecordedAdmin):
    trail_action = Event.Action.EXTERNAL_REVIEW_CHANGED
    list_display = ["organisation", "kind", "date"]
    list_filter = ["kind"]
    list_select_related = ["organisation"]


# Action plans (actions and their progress) are not in the admin site: they are the content of a
# review, for the people on it (need to know), and are changed only through the service, where every
# change is recorded. A superuser who needs to see one is put on the review's team.
