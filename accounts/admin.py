import json
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse

from accounts.forms import LETTERHEAD_FIELDS, LogoCheckMixin
from accounts.models import Organisation, QualityAssuranceRole, Region, RegionalAccess, User
from accounts.personal_data import export_person
from accounts.twofactor import reset_devices
from trail.models import Event
from trail.services import record


class OrganisationAdminForm(LogoCheckMixin, forms.ModelForm):
    """The admin site takes a logo only as the service does: judged by its content."""

    class Meta:
        model = Organisation
        fields = ["name", "short_name", "kind", *LETTERHEAD_FIELDS]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    form = OrganisationAdminForm
    list_display = ["name", "kind", "director_name"]
    list_filter = ["kind"]
    search_fields = ["name", "short_name"]

    def save_model(self, request: HttpRequest, obj: Organisation, form: Any, change: bool) -> None:
        if change:  # a coordinator's letterhead page open meanwhile then says it was changed
            obj.version += 1
        super().save_model(request, obj, form, change)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["full_name"]
    list_display = ["email", "full_name", "organisation", "is_active", "is_staff"]
    list_filter = ["is_active", "is_staff", "is_superuser", "organisation"]
    search_fields = ["email", "full_name"]
    list_select_related = ["organisation"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Person", {"fields": ["full_name", "job_title", "organisation"]}),
        (
            "Access",
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    actions = ["export_personal_data", "reset_second_factor"]

    @admin.action(description="Export everything held about this person (JSON)")
    def export_personal_data(
        self, request: HttpRequest, queryset: QuerySet[User]
    ) -> HttpResponse | None:
        if queryset.count() != 1:
            self.message_user(request, "Choose exactly one person to export.", messages.ERROR)
            return None
        person = queryset.get()
        payload = json.dumps(
            export_person(person), cls=DjangoJSONEncoder, indent=2, ensure_ascii=False
        )
        record(
            action=Event.Action.DATA_EXPORTED,
            request=request,
            obj=person,
            detail={"person": person.email},
        )
        response = HttpResponse(payload, content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="personal-data-{person.pk}.json"'
        return response

    @admin.action(description="Reset second factor (they set it up again at next sign-in)")
    def reset_second_factor(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for person in queryset:
            reset_devices(person)
            record(
                action=Event.Action.TWO_FACTOR_RESET,
                request=request,
                obj=person,
                detail={"person": person.email},
            )
        self.message_user(
            request, f"Second factor reset for {queryset.count()} people.", messages.SUCCESS
        )

    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["email", "full_name", "organisation", "password1", "password2"],
            },
        ),
    ]


# Regions and regional roles (moved from the improvement app with their models, issue 17).


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


@admin.register(QualityAssuranceRole)
class QualityAssuranceRoleAdmin(admin.ModelAdmin):
    """An authority's quality assurance people (its audit programme, issue 23)."""

    list_display = ["user", "organisation", "created_at"]
    list_select_related = ["user", "organisation"]
    autocomplete_fields = ["user"]
    exclude = ["granted_by"]
