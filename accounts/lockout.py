from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def username_from_request(request: HttpRequest, credentials: dict[str, Any] | None = None) -> str:
    """Count failures per account whatever the case of the email address typed."""
    username = (credentials or {}).get("username") or request.POST.get("username") or ""
    return str(username).strip().lower()[:254]
