from django.contrib import admin

from improvement.models import Action, ExternalReview, ProgressUpdate, Region, RegionalAccess
from reviews.models import Theme


class RegionalAccessInline(admin.TabularInline):
    model = RegionalAccess
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name"]
    search_fields = ["name"]
    filter_horizontal = ["organisations"]
    inlines = [RegionalAccessInline]


@admin.register(RegionalAccess)
class RegionalAccessAdmin(admin.ModelAdmin):
    list_display = ["user", "region", "created_at"]
    list_select_related = ["user", "region"]
    autocomplete_fields = ["user"]


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["name", "position", "is_active"]
    list_editable = ["position", "is_active"]
    search_fields = ["name"]


@admin.register(ExternalReview)
class ExternalReviewAdmin(admin.ModelAdmin):
    list_display = ["organisation", "kind", "date"]
    list_filter = ["kind"]
    list_select_related = ["organisation"]


class ProgressUpdateInline(admin.TabularInline):
    model = ProgressUpdate
    extra = 0
    readonly_fields = ["date", "text", "status", "author", "created_at"]
    can_delete = False


@admin.register(Action)
class ActionAdmin(admin.ModelAdmin):
    list_display = ["what", "review", "owner", "due_date", "status"]
    list_filter = ["status"]
    list_select_related = ["review"]
    readonly_fields = ["review", "finding", "created_by"]
    inlines = [ProgressUpdateInline]
