"""Storing an upload and recording a download.

Keyword-only, typed functions. Each either does all of its work or none of it (one transaction);
emails go out only after the work is saved.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Organisation, User
from core.uploads import Inspected
from core.versioning import StaleEdit, update_versioned
from reviews.documents.models import (
    Document,
    DocumentDownload,
    DocumentPack,
    DocumentRequest,
    PackItem,
)
from trail.models import Event
from trail.services import record

if TYPE_CHECKING:
    from django.http import HttpRequest

    from reviews.setup.models import Review


def _file_detail(document: Document) -> dict[str, Any]:
    """What the trail keeps of a file once it is gone: its name, fingerprint, who sent it and when."""
    return {
        "name": document.original_name,
        "sha256": document.sha256,
        "size": document.size,
        "request": document.request.label,
        "request_id": document.request_id,
        "uploaded_by": document.uploaded_by.email if document.uploaded_by else "",
        "uploaded_at": document.created_at.isoformat() if document.created_at else "",
    }


def same_file(*, review_id: int, sha256: str, exclude: int | None = None) -> Document | None:
    """The first upload of the review with this SHA-256 (the same file sent twice), if any."""
    found = Document.objects.filter(review_id=review_id, sha256=sha256)
    if exclude is not None:
        found = found.exclude(pk=exclude)
    return found.select_related("request").order_by("created_at", "pk").first()


def store_document(
    *,
    request: DocumentRequest,
    upload: Any,
    inspected: Inspected,
    user: User,
    http_request: HttpRequest | None = None,
) -> Document:
    document = Document(
        review=request.review,
        request=request,
        original_name=(getattr(upload, "name", "") or "document")[-255:],
        file_type=inspected.file_type,
        extension=inspected.extension,
        content_type=inspected.content_type,
        size=inspected.size,
        sha256=inspected.sha256,
        uploaded_by=user,
    )
    try:
        with transaction.atomic():
            document.file.save("upload", upload, save=False)
            document.save()
            record(
                action=Event.Action.DOCUMENT_CHANGED,
                request=http_request,
                actor=user,
                obj=document,
                review_id=document.review_id,
                detail={"change": "uploaded", **_file_detail(document)},
            )
    except BaseException:
        if document.file.name:  # written, but its row was not: no file without its row
            document.file.storage.delete(document.file.name)
        raise
    return document


def remove_document(
    *, document: Document, user: User, request: HttpRequest | None = None, reason: str = "removed"
) -> None:
    """Delete an upload and its stored file. The trail keeps who sent it, when, its name and its
    SHA-256, and who removed it. The file goes only once the row is gone (after commit)."""
    name = document.file.name
    storage = document.file.storage
    with transaction.atomic():
        record(
            action=Event.Action.DOCUMENT_CHANGED,
            request=request,
            actor=user,
            obj=document,
            review_id=document.review_id,
            detail={"change": reason, **_file_detail(document)},
        )
        document.delete()
        if name:
            transaction.on_commit(lambda: storage.delete(name))


def replace_document(
    *,
    document: Document,
    upload: Any,
    inspected: Inspected,
    user: User,
    request: HttpRequest | None = None,
) -> Document:
    """A new file in place of ``document`` (for the same request); the old one is removed."""
    with transaction.atomic():
        new = store_document(
            request=document.request,
            upload=upload,
            inspected=inspected,
            user=user,
            http_request=request,
        )
        remove_document(document=document, user=user, request=request, reason="replaced")
    return new


def removed_files(review: Review) -> dict[int, list[dict[str, Any]]]:
    """Per request (its pk), the uploads removed or replaced, as the trail has them: one query."""
    out: dict[int, list[dict[str, Any]]] = {}
    events = Event.objects.for_review(review.pk).filter(
        action=Event.Action.DOCUMENT_CHANGED,
        object_type=Document._meta.label,
        detail__change__in=["removed", "replaced"],
    )
    for event in events.order_by("at", "id"):
        detail = event.detail
        pk = detail.get("request_id")
        if isinstance(pk, int):
            out.setdefault(pk, []).append({**detail, "at": event.at, "by": event.actor_email})
    return out


def _record_request(
    wanted: DocumentRequest, change: str, user: User, request: HttpRequest | None, **detail: Any
) -> None:
    record(
        action=Event.Action.DOCUMENT_CHANGED,
        request=request,
        actor=user,
        obj=wanted,
        review_id=wanted.review_id,
        detail={"change": change, "request": wanted.label, **detail},
    )


def request_from_pack(
    *,
    review: Review,
    items: Sequence[PackItem],
    due_date: dt.date | None,
    user: User,
    request: HttpRequest | None = None,
) -> list[DocumentRequest]:
    """One request per chosen document of the pack, all with the same date needed by."""
    with transaction.atomic():
        made = DocumentRequest.objects.bulk_create(
            DocumentRequest(
                review=review,
                kind=item.kind,
                title=item.title,
                notes=item.notes,
                due_date=due_date,
            )
            for item in items
        )
        record(
            action=Event.Action.DOCUMENT_CHANGED,
            request=request,
            actor=user,
            review_id=review.pk,
            detail={
                "change": "requested from the pack",
                "requests": [item.title for item in items],
                "due_date": due_date.isoformat() if due_date else "",
            },
        )
    return made


def edit_request(
    *,
    wanted: DocumentRequest,
    values: dict[str, Any],
    version: int | None,
    user: User,
    request: HttpRequest | None = None,
) -> None:
    """Save the request's new kind, name, notes and date, unless someone changed it meanwhile."""
    before = {name: getattr(wanted, name) for name in values}
    with transaction.atomic():
        wanted.version = update_versioned(
            DocumentRequest.objects.open(), pk=wanted.pk, version=version, values=values
        )
        for name, value in values.items():
            setattr(wanted, name, value)
        changed = {
            name: {"from": str(before[name] or ""), "to": str(value or "")}
            for name, value in values.items()
            if before[name] != value
        }
        _record_request(wanted, "edited", user, request, changed=changed)


def withdraw_request(
    *, wanted: DocumentRequest, user: User, request: HttpRequest | None = None
) -> None:
    """The host no longer needs to send it: shown as withdrawn, never deleted."""
    with transaction.atomic():
        updated = (
            DocumentRequest.objects.open()
            .filter(pk=wanted.pk)
            .update(withdrawn_at=timezone.now(), withdrawn_by=user, version=wanted.version + 1)
        )
        if not updated:
            raise StaleEdit
        wanted.refresh_from_db()
        _record_request(wanted, "withdrawn", user, request)


def save_pack(
    *,
    organisation: Organisation,
    items: Sequence[PackItem],
    version: int | None,
    user: User,
    request: HttpRequest | None = None,
) -> DocumentPack:
    """The organisation's own pack, created the first time it is saved (from the default)."""
    rows = [{"title": item.title, "notes": item.notes} for item in items]
    with transaction.atomic():
        pack = DocumentPack.objects.filter(organisation=organisation).first()
        if pack is None:
            if version not in (None, 0):
                raise StaleEdit  # someone else's pack was deleted meanwhile
            try:
                with transaction.atomic():
                    pack = DocumentPack.objects.create(organisation=organisation, items=rows)
            except IntegrityError:
                raise StaleEdit from None  # someone saved the first pack a moment ago
        else:
            pack.version = update_versioned(
                DocumentPack, pk=pack.pk, version=version, values={"items": rows}
            )
            pack.items = rows
        record(
            action=Event.Action.DOCUMENT_CHANGED,
            request=request,
            actor=user,
            obj=pack,
            detail={"change": "pack saved", "items": [item.title for item in items]},
        )
    return pack


def record_download(
    *, document: Document, user: User, inline: bool, request: HttpRequest | None = None
) -> None:
    DocumentDownload.objects.create(document=document, user=user, inline=inline)
    record(
        action=Event.Action.DOCUMENT_DOWNLOADED,
        request=request,
        actor=user,
        obj=document,
        review_id=document.review_id,
        detail={"read_in_browser": inline},
    )
