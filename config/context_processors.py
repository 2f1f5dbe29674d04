from django.conf import settings
from django.http import HttpRequest


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
    }
