"""The upload inspection (core.uploads) names file kinds the way the documents store them."""

from __future__ import annotations

from core.uploads import EXCEL, PDF, POWERPOINT, WORD
from reviews.documents.models import Document


def test_the_kinds_of_file_are_the_documents_kinds() -> None:
    assert {PDF, WORD, EXCEL, POWERPOINT} == set(Document.FileType.values)
