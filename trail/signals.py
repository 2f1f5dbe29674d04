"""Records of signing in, failing to and being locked out."""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from trail.models import Event
from trail.services import record


@receiver(user_logged_in, dispatch_uid="trail_sign_in")
def _signed_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    record(action=Event.Action.SIGN_IN, request=request, actor=user)


@receiver(user_logged_out, dispatch_uid="trail_sign_out")
def _signed_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        record(action=Event.Action.SIGN_OUT, request=request, actor=user)


@receiver(user_login_failed, dispatch_uid="trail_sign_in_failed")
def _sign_in_failed(
    sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any
) -> None:
    attempted = str(credentials.get("username") or "")[:254]
    record(action=Event.Action.SIGN_IN_FAILED, request=request, actor_email=attempted)


@receiver(user_locked_out, dispatch_uid="trail_locked_out")
def _locked_out(
    sender: Any,
    request: Any,
    username: str | None = None,
    ip_address: str | None = None,
    **kwargs: Any,
) -> None:
    record(
        action=Event.Action.LOCKED_OUT,
        request=request,
        actor_email=(username or "")[:254],
        detail={"ip_address": ip_address or ""},
    )
