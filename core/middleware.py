from __future__ import annotations

import errno
import logging
from collections.abc import Callable
from urllib.parse import urlsplit

from django.db import OperationalError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.template import loader

from core.http import is_htmx, kept_fields, stash

logger = logging.getLogger(__name__)


class NoStoreForSignedInMiddleware:
    """Pages seen by a signed-in person may hold review data: never let a browser or proxy cache them."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response["Cache-Control"] = "no-store"
        return response


# PostgreSQL's lock_timeout (55P03), statement_timeout (57014) and a deadlock (40P01); SQLite's busy
# timeout ("database is locked") and its shared-cache lock ("database table is locked").
BUSY_SQLSTATES = {"55P03", "57014", "40P01"}
NO_ROOM_ERRNOS = {errno.ENOSPC, errno.EROFS, errno.EDQUOT}


def is_database_busy(error: BaseException) -> bool:
    """The database gave up waiting (a lock held by another request, a statement too long)."""
    if not isinstance(error, OperationalError):
        return False
    cause = error.__cause__
    if getattr(cause, "sqlstate", None) in BUSY_SQLSTATES:
        return True
    return "database is locked" in str(error) or "database table is locked" in str(error)


def is_storage_refused(error: BaseException) -> bool:
    """The disk (or volume) that keeps files is full or read-only."""
    return isinstance(error, OSError) and error.errno in NO_ROOM_ERRNOS


class FaultPageMiddleware:
    """One place for two faults a person can do nothing about but try again: the database was busy
    (another request held the row past ``DATABASE_LOCK_TIMEOUT``, or a statement ran past
    ``DATABASE_STATEMENT_TIMEOUT``) and the file store was full or read-only. The transaction of the
    change has rolled back (nothing is half-saved); the person gets a clear page (503) with what they
    typed, which is also kept (``core.http.stash``) for their next visit to the form's address."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if is_database_busy(exception):
            kind = "busy"
        elif is_storage_refused(exception):
            kind = "storage"
        else:
            return None
        logger.warning(
            "%s %s: %s (%s)", request.method, request.path, kind, exception, exc_info=False
        )
        typed: list[str] = []
        user = getattr(request, "user", None)
        if request.method == "POST":
            try:
                post = request.POST
            except Exception:  # the body itself could not be read (a full disk while uploading)
                post = QueryDict()
            fields = kept_fields(post)
            typed = [
                value
                for name, values in fields.items()
                if not name.endswith("version")
                for value in values
                if _is_text(value)
            ]
            if user is not None and user.is_authenticated:
                stash(request, user_pk=user.pk, path=request.path, post=post, reason=kind)
                # Django saves no session on a 5xx response: this one must be kept. When the whole
                # database is locked (SQLite) it cannot be: the text is on the page all the same.
                try:
                    request.session.save()
                except Exception:  # the session backend's own errors (UpdateError, DatabaseError)
                    logger.warning("The typed text could not be kept in the session either.")
        # With text kept, back to the form's own address: its GET shows the text again (a form view
        # binds ``bound_data``; a POST-only endpoint is ``post_or_restored``).
        again = request.path if typed else _page_of_the_form(request)
        context = {"kind": kind, "typed": typed, "again": again}
        template = "includes/fault_message.html" if is_htmx(request) else "fault.html"
        response = HttpResponse(
            loader.render_to_string(template, context, request=request), status=503
        )
        response["Retry-After"] = "5"
        return response


def _page_of_the_form(request: HttpRequest) -> str:
    """Where to try again: the page the form was on (same site only), else the form's address."""
    referer = request.headers.get("Referer", "")
    parts = urlsplit(referer)
    if referer and parts.netloc == request.get_host() and parts.path.startswith("/"):
        return parts.path + (f"?{parts.query}" if parts.query else "")
    return request.path


def _is_text(value: str) -> bool:
    """Words a person typed, not a choice's value ("met", "in_progress") or an id."""
    value = value.strip()
    return bool(value) and not value.replace("_", "").replace("-", "").isalnum()
