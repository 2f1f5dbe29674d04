"""The outbox in the admin, to read only: what is queued, sent or failed, and why (docs/deploy.md)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from core.models import Email


@admin.register(Email)
class EmailAdmin(admin.ModelAdmin):
    list_display = ["created_at", "template", "to", "state", "attempts", "last_error", "sent_at"]
    list_filter = ["state", "template"]
    search_fields = ["to", "subject"]
    exclude = ["body"]
    readonly_fields = [
        f.name for f in Email._meta.get_fields() if f.concrete and f.name not in {"body"}
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
