from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from accounts.models import normalise_email


def username_from_request(request: HttpRequest, credentials: dict[str, Any] | None = None) -> str:
    """Count failures per account whatever the case or the Unicode spelling of the address typed
    (the same normalisation as the account's stored address, ``accounts.models.normalise_email``)."""
    username = (credentials or {}).get("username") or request.POST.get("username") or ""
    return normalise_email(str(username))[:254]
