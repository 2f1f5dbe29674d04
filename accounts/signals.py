from __future__ import annotations

import time
from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import Signal, receiver

from accounts.middleware import LAST_SEEN, SIGNED_IN_AT

# Sent with ``user=`` after a person's password is saved changed (a reset by email, a change, the
# administration site, ``changepassword``), and after their second factor is reset. Apps above
# accounts listen (reviews rotates the person's calendar address): accounts imports none of them.
password_changed = Signal()
second_factor_reset = Signal()


@receiver(user_logged_in, dispatch_uid="accounts_session_clock")
def _start_session_clock(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    now = int(time.time())
    request.session[SIGNED_IN_AT] = now
    request.session[LAST_SEEN] = now


@receiver(user_logged_out, dispatch_uid="accounts_end_all_sessions")
def _end_all_sessions(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    """Signing out in one place signs the person out everywhere."""
    if user is not None and getattr(request, "_timed_out", False) is False:
        user.end_all_sessions()
