"""Writing to the audit trail. Every app records through ``record``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from ipware.ip import get_client_ip

from core.exports import csv_response
from trail.models import Event

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address: the lockout (``AXES_CLIENT_IP_CALLABLE``) and the trail both ask here.

    With ``TRUSTED_PROXY_COUNT`` = N proxies in front of the app, each adding the address it saw to
    ``X-Forwarded-For``, the client is the N-th address from the right of that header (what the
    outermost trusted proxy saw); anything further left was written by the client and is never
    believed. django-ipware's ``proxy_count`` counts the proxies *listed in* the header, one fewer
    than N (the nearest proxy is ``REMOTE_ADDR``), and is checked loosely so that extra addresses a
    client prepends move nothing. Without the setting the header is ignored: ``REMOTE_ADDR``.
    """
    if request is None:
        return None
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0
    if proxies > 0:
        address, _routable = get_client_ip(
            request,
            proxy_count=proxies - 1,
            request_header_order=["HTTP_X_FORWARDED_FOR"],
            strict=False,
        )
        if address:
            return address
    return request.META.get("REMOTE_ADDR") or None


def record(
    *,
    action: str,
    request: HttpRequest | None = None,
    actor: Any = None,
    actor_email: str = "",
    obj: models.Model | None = None,
    review_id: int | None = None,
    detail: dict[str, Any] | None = None,
) -> Event:
    """Add one record: who (``actor``, else the request's user), what object, what action, from where."""
    if actor is None and request is not None:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            actor = user
    if actor is not None and not actor_email:
        actor_email = actor.email
    if obj is not None and review_id is None:
        review_id = _review_id_of(obj)
    return Event.objects.create(
        action=action,
        actor=actor,
        actor_email=actor_email[:254],
        object_type=obj._meta.label if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:300] if obj is not None else "",
        review_id=review_id,
        ip_address=client_ip(request),
        detail=detail or {},
    )


def record_change(
    action: str, obj: models.Model, request: HttpRequest | None, change: str, **detail: Any
) -> Event:
    """Record a change to ``obj`` (``change`` names it: ``added``, ``edited``…), with ``detail``."""
    return record(action=action, request=request, obj=obj, detail={"change": change, **detail})


def record_read(
    request: HttpRequest, action: str, obj: models.Model | None = None, **detail: Any
) -> Event:
    """Record that the signed-in person opened or downloaded sensitive material: who (the request's
    user), what (``action``, ``obj`` and ``detail``), which review (``obj``'s) and from where. Call it
    once the view has authorised the read. One INSERT."""
    return record(action=action, request=request, obj=obj, detail={"path": request.path, **detail})


def trail_value(value: Any) -> Any:
    """A field's value as the trail keeps it in ``detail``: plain JSON, long text cut short."""
    if value is None or isinstance(value, (bool, int)):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    text = str(value)
    return text if len(text) <= 200 else text[:199] + "…"


def _review_id_of(obj: models.Model) -> int | None:
    if obj._meta.label == "reviews.Review":
        return obj.pk
    return getattr(obj, "review_id", None)


CSV_HEADER = [
    "when (UTC)",
    "who",
    "action",
    "object type",
    "object id",
    "object",
    "review id",
    "address",
    "detail",
]


def trail_csv(events: models.QuerySet[Event], *, filename: str) -> HttpResponse:
    """These records as a CSV file to download (every cell made safe by ``core.exports``). The
    detail column holds each record's detail as JSON (``{}`` when there is none), for any reader."""
    return csv_response(filename=filename, header=CSV_HEADER, rows=_csv_rows(events))


def _csv_rows(events: models.QuerySet[Event]) -> Iterator[list[Any]]:
    for event in events.iterator():
        yield [
            event.at.strftime("%Y-%m-%d %H:%M:%S"),
            event.actor_email,
            event.get_action_display(),
            event.object_type,
            event.object_id,
            event.object_repr,
            event.review_id or "",
            event.ip_address or "",
            json.dumps(event.detail or {}, ensure_ascii=False, sort_keys=True, default=str),
        ]
