"""The one way views read a request: what a form is bound to, whether htmx asked, the site's address.

**Nothing typed is lost when a session times out on a form.** When the idle or absolute limit signs
someone out on a POST (``accounts.middleware``), ``stash`` keeps the text fields they sent (never
passwords or tokens) in the new, anonymous session, signed and for the same person only, for 30
minutes. Signing in keeps that session's data (Django cycles the key) and sends them back to the
address they sent the form to. Every form's view binds ``bound_data(request)``: on that GET the text is
back in the form, with a message to check it and save again. A POST-only endpoint answers such a GET by
showing its form with the text (``post_or_restored``); any other GET to it is still refused.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, cast

from django.contrib import messages
from django.core import signing
from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, QueryDict
from django.shortcuts import render
from django.urls import Resolver404, resolve
from django.utils.datastructures import MultiValueDict

STASH_KEY = "restore_after_sign_in"
TIMED_OUT_USER = "timed_out_user"
_SALT = "accounts.restore"  # unchanged since the stash lived in accounts: stashes already made still open
MAX_AGE = 30 * 60
_SKIP = ("csrfmiddlewaretoken", "password", "token", "otp", "code")
RESTORED_MESSAGE = (
    "You were signed out before your changes were saved. What you typed is shown below: "
    "check it, then save."
)
BUSY_MESSAGE = (
    "Someone else was saving this at the same moment, so your changes were not saved. What you "
    "typed is shown below: check it, then save again."
)
STORAGE_MESSAGE = (
    "The service could not store files, so your changes were not saved. What you typed is shown "
    "below: check it, then save again (any file must be chosen again)."
)
_MESSAGES = {"timeout": RESTORED_MESSAGE, "busy": BUSY_MESSAGE, "storage": STORAGE_MESSAGE}


def kept_fields(post: QueryDict) -> dict[str, list[str]]:
    """The fields of a POST worth keeping for the person: never passwords, tokens or codes."""
    return {
        name: post.getlist(name) for name in post if not any(part in name.lower() for part in _SKIP)
    }


def stash(
    request: HttpRequest, *, user_pk: int, path: str, post: QueryDict, reason: str = "timeout"
) -> None:
    """Keep the text fields of ``post`` for this person's next GET of ``path``. ``reason``: why it
    was not saved (``timeout``: signed out; ``busy``: the database was busy; ``storage``: files
    could not be stored; see core.middleware)."""
    fields = kept_fields(post)
    if not fields:
        return
    payload = signing.dumps(
        {"user": user_pk, "path": path, "fields": fields, "reason": reason},
        salt=_SALT,
        compress=True,
    )
    request.session[STASH_KEY] = payload


def _peek(request: HttpRequest) -> dict[str, Any] | None:
    """The text kept for this person and this address, left in the session."""
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
    return data


def _take(request: HttpRequest) -> dict[str, Any] | None:
    data = _peek(request)
    if data is not None:
        request.session.pop(STASH_KEY, None)
    return data


def bound_data(request: HttpRequest) -> QueryDict | None:
    """What a form is bound to: the POST (even an empty one, so the form says what is missing), or on
    a GET the text kept when the session timed out (with a message saying so), or None."""
    if request.method == "POST":
        return request.POST
    cached = getattr(request, "_restored_data", False)
    if cached is not False:  # asked twice in one request (two forms on a page): the same text
        return cast("QueryDict | None", cached)  # what the first call set below
    data = _take(request)
    restored = None
    if data is not None:
        restored = QueryDict(mutable=True)
        for name, values in data["fields"].items():
            restored.setlist(name, values)
        messages.info(request, _MESSAGES.get(data.get("reason", "timeout"), RESTORED_MESSAGE))
    request._restored_data = restored  # type: ignore[attr-defined]  # cached for this request only
    return restored


def bound_files(request: HttpRequest) -> MultiValueDict | None:
    """The files sent with the form (files are never kept through a timeout: they are chosen again)."""
    return request.FILES if request.method == "POST" else None


def post_or_restored(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """For a POST-only form endpoint, instead of ``require_POST``: a POST, or a GET that carries the
    text kept when the session timed out; any other request is refused (405).

    Signing in after a timeout sends the person to the address they sent the form to, with a GET: the
    view then shows its form (or the page that holds it) bound to ``bound_data(request)``, and
    changes nothing.
    """

    @wraps(view)
    def inner(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method == "POST" or (
            request.method in ("GET", "HEAD") and _peek(request) is not None
        ):
            return view(request, *args, **kwargs)
        return HttpResponseNotAllowed(["POST"])

    return inner


def whole_number(value: object, *, digits: int = 12) -> int | None:
    """A whole number sent in a request (an id, a version), or None for anything else: ASCII digits
    only, since ``"²".isdigit()`` is true but ``int("²")`` fails, and at most ``digits`` of them."""
    text = value if isinstance(value, str) else ""
    if text.isascii() and text.isdigit() and len(text) <= digits:
        return int(text)
    return None


def is_htmx(request: HttpRequest) -> bool:
    """The request is htmx's (a part of a page to swap in place), not a page of its own."""
    return request.headers.get("HX-Request") == "true"


def page_or_partial(
    request: HttpRequest,
    page_template: str,
    partial_template: str,
    context: dict[str, Any],
    **kwargs: Any,
) -> HttpResponse:
    """The whole page, or for htmx only the part it swaps."""
    template = partial_template if is_htmx(request) else page_template
    return render(request, template, context, **kwargs)


def paginate(request: HttpRequest, items: Any, per_page: int) -> tuple[Page, str]:
    """The page of ``items`` that ``?page=`` asks for (the last one past the end, the first for
    nonsense), and the rest of the query string (the filters) for the links to other pages."""
    page = Paginator(items, per_page).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return page, query.urlencode()


def site_url(request: HttpRequest) -> str:
    """The service's address as this request reached it, for links in emails."""
    return request.build_absolute_uri("/").rstrip("/")


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
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return
    if not getattr(match.func, "login_required", True):
        return  # the sign-in pages themselves, and other public pages
    stash(request, user_pk=user_pk, path=request.path, post=request.POST)
