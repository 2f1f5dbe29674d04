from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.crypto import salted_hmac


def htmx_key(user: Any) -> str:
    """A value only this person's own pages carry, for the elements that may make htmx requests.

    ``static/js/htmx-guard.js`` lets htmx send a request only from an element whose ``data-hx-key`` is
    this value, so markup that reached a page some other way (from another person's text) cannot drive
    htmx, which would send the page's CSRF token with it. It is the same on every page and partial of
    the person's session, and changes with their password.
    """
    if not getattr(user, "is_authenticated", False):
        return ""
    auth_hash = user.get_session_auth_hash()
    return salted_hmac("config.htmx-key", f"{user.pk}:{auth_hash}").hexdigest()[:32]


def service(request: HttpRequest) -> dict[str, object]:
    from accounts.middleware import session_deadlines

    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated and hasattr(request, "session")
    return {
        "session_deadlines": session_deadlines(request) if signed_in else None,
        "service_name": settings.SERVICE_NAME,
        "idle_minutes": settings.SESSION_IDLE_TIMEOUT // 60,
        "absolute_hours": settings.SESSION_ABSOLUTE_TIMEOUT // 3600,
        "session_warning_seconds": settings.SESSION_TIMEOUT_WARNING,
        "two_factor_relaxed": not settings.TWO_FACTOR_REQUIRED,
        "htmx_key": htmx_key(user) if signed_in else "",
    }
