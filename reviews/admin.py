from django.contrib import admin

from reviews.models import Membership, Review


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ["title", "host", "lead_organisation", "kind", "status", "start_date"]
    list_filter = ["status", "kind", "delivery"]
    search_fields = ["title", "host__name", "lead_organisation__name"]
    list_select_related = ["host", "lead_organisation"]
    inlines = [MembershipInline]
