"""What the retention policy deletes from this app: uploaded documents (files and rows) and the
team's evidence notes (findings stay: they are what the letter says)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.retention import register

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from reviews.documents.models import Document
    from reviews.setup.models import Review


def _documents(review: Review) -> QuerySet[Document]:
    from reviews.documents.models import Document

    return Document.objects.filter(review=review)


def _count_documents(review: Review) -> int:
    return _documents(review).count()


def _purge_documents(review: Review) -> int:
    documents = list(_documents(review))
    for document in documents:
        document.file.delete(save=False)
    _documents(review).delete()
    return len(documents)


def _count_notes(review: Review) -> int:
    from reviews.fieldwork.models import EvidenceNote

    return EvidenceNote.objects.filter(review=review).count()


def _purge_notes(review: Review) -> int:
    from reviews.fieldwork.models import EvidenceNote

    _deleted, by_model = EvidenceNote.objects.filter(review=review).delete()
    return by_model.get(EvidenceNote._meta.label, 0)


def register_purgers() -> None:
    register(label="uploaded documents", count=_count_documents, purge=_purge_documents)
    register(label="evidence notes", count=_count_notes, purge=_purge_notes)
