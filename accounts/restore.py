"""Nothing typed is lost when a session times out on a form.

When the idle or absolute limit signs someone out on a POST, ``stash`` keeps the text fields they sent
(never passwords or tokens) in the new, anonymous session, signed and for the same person only, for 30
minutes. Signing in keeps that session's data (Django cycles the key), and the form's view then binds
``bound_data(request)``: the text is back in the form, with a message to check it and save again.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core import signing
from django.http import HttpRequest, QueryDict

STASH_KEY = "restore_after_sign_in"
TIMED_OUT_USER = "timed_out_user"
_SALT = "accounts.restore"
MAX_AGE = 30 * 60
_SKIP = ("csrfmiddlewaretoken", "password", "token", "otp", "code")


def stash(request: HttpRequest, *, user_pk: int, path: str, post: QueryDict) -> None:
    fields = {
        name: post.getlist(name) for name in post if not any(part in name.lower() for part in _SKIP)
    }
    if not fields:
        return
    payload = signing.dumps(
        {"user": user_pk, "path": path, "fields": fields}, salt=_SALT, compress=True
    )
    request.session[STASH_KEY] = payload


def _take(request: HttpRequest) -> dict[str, Any] | None:
    payload = request.session.get(STASH_KEY)
    if not payload or not request.user.is_authenticated:
        return None
    try:
        data = signing.loads(payload, salt=_SALT, max_age=MAX_AGE)
    except signing.BadSignature:
        request.session.pop(STASH_KEY, None)
        return None
    if data.get("user") != request.user.pk:
        request.session.pop(STASH_KEY, None)
        return None
    if data.get("path") != request.path:
        return None
    request.session.pop(STASH_KEY, None)
    return data


def bound_data(request: HttpRequest) -> QueryDict | None:
    """What a form is bound to: the POST, or on a GET the text kept when the session timed out."""
    if request.method == "POST":
        return request.POST
    data = _take(request)
    if data is None:
        return None
    restored = QueryDict(mutable=True)
    for name, values in data["fields"].items():
        restored.setlist(name, values)
    messages.info(
        request,
        "You were signed out before your changes were saved. What you typed is shown below: "
        "check it, then save.",
    )
    return restored


def remember_timed_out(request: HttpRequest, user_pk: int) -> None:
    """After a timeout, note (signed) whose session it was: a form sent later from a page that was
    left open is kept for them too (the warning script's status check may have signed them out)."""
    request.session[TIMED_OUT_USER] = signing.dumps(user_pk, salt=_SALT)


def stash_for_timed_out(request: HttpRequest) -> None:
    """An anonymous POST to a signed-in page, in a session that timed out: keep its text fields."""
    payload = request.session.get(TIMED_OUT_USER)
    if not payload:
        return
    try:
        user_pk = signing.loads(payload, salt=_SALT, max_age=MAX_AGE)
    except signing.BadSignature:
        return
    from django.urls import Resolver404, resolve

    try:
        match = resolve(request.path_info)
    except Resolver404:
        return
    if not getattr(match.func, "login_required", True):
        return  # the sign-in pages themselves, and other public pages
    stash(request, user_pk=user_pk, path=request.path, post=request.POST)
