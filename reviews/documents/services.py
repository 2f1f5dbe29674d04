"""Storing an upload and recording a download.

Keyword-only, typed functions. Each either does all of its work or none of it (one transaction);
emails go out only after the work is saved.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction

from accounts.models import User
from core.uploads import Inspected
from reviews.documents.models import Document, DocumentDownload, DocumentRequest
from trail.models import Event
from trail.services import record

if TYPE_CHECKING:
    from django.http import HttpRequest


def store_document(
    *, request: DocumentRequest, upload: Any, inspected: Inspected, user: User
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
    except BaseException:
        if document.file.name:  # written, but its row was not: no file without its row
            document.file.storage.delete(document.file.name)
        raise
    return document


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
