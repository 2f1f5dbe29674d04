"""Session time limits and the two-factor gate."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from core.http import is_htmx, remember_timed_out, stash, stash_for_timed_out
from trail.models import Event
from trail.services import record

SIGNED_IN_AT = "signed_in_at"
LAST_SEEN = "last_seen"


def session_deadlines(request: HttpRequest) -> dict[str, int]:
    """Seconds left before the idle and the absolute timeouts, for the warning script."""
    now = int(time.time())
    session = request.session
    idle_left = settings.SESSION_IDLE_TIMEOUT - (now - session.get(LAST_SEEN, now))
    absolute_left = settings.SESSION_ABSOLUTE_TIMEOUT - (now - session.get(SIGNED_IN_AT, now))
    return {"idle": max(idle_left, 0), "absolute": max(absolute_left, 0)}


class SessionTimeoutMiddleware:
    """Sign people out after a spell without activity, and after a fixed time whatever happens."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self._handle(request)
        if is_htmx(request) and response.status_code == 302:
            # An htmx request would follow the redirect and put the sign-in page inside the page:
            # ask htmx to go there instead (the text sent is kept, see core.http).
            location = response["Location"]
            if location.startswith(reverse(settings.LOGIN_URL)):
                redirect = HttpResponse(status=200)
                redirect["HX-Redirect"] = location
                return redirect
        return response

    def _handle(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            session = request.session
            signed_in_at = session.setdefault(SIGNED_IN_AT, now)
            last_seen = session.get(LAST_SEEN, now)
            reason = None
            if now - last_seen > settings.SESSION_IDLE_TIMEOUT:
                reason = "idle"
            elif now - signed_in_at > settings.SESSION_ABSOLUTE_TIMEOUT:
                reason = "absolute"
            if reason:
                user = request.user
                request._timed_out = True  # type: ignore[attr-defined]  # ad-hoc flag, read by accounts.signals
                post = request.POST if request.method == "POST" else None
                logout(request)
                remember_timed_out(request, user.pk)
                if post:
                    stash(request, user_pk=user.pk, path=request.path, post=post)
                record(
                    action=Event.Action.SESSION_TIMED_OUT,
                    request=request,
                    actor=user,
                    detail={"reason": reason},
                )
                query = urlencode({"next": request.get_full_path(), "timeout": reason})
                return HttpResponseRedirect(f"{reverse(settings.LOGIN_URL)}?{query}")
            passive = request.path == reverse("accounts:session-status")
            if not passive and (
                now - last_seen >= settings.SESSION_LAST_SEEN_EVERY or LAST_SEEN not in session
            ):
                session[LAST_SEEN] = now
        elif request.method == "POST":
            stash_for_timed_out(request)
        return self.get_response(request)


def two_factor_exempt(view: Callable[..., Any]) -> Callable[..., Any]:
    """Mark a view that a signed-in person may use before giving their second factor."""
    view.two_factor_exempt = True  # type: ignore[attr-defined]  # a mark read by process_view
    return view


class RequireTwoFactorMiddleware:
    """Nobody signed in reaches anything but the two-factor pages until they give their second factor."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        if not settings.TWO_FACTOR_REQUIRED:
            return None
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        if getattr(view_func, "two_factor_exempt", False) or not getattr(
            view_func, "login_required", True
        ):
            return None
        from accounts.twofactor import has_confirmed_device

        target = (
            "accounts:two-factor" if has_confirmed_device(user) else "accounts:two-factor-setup"
        )
        return HttpResponseRedirect(
            f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}"
        )
