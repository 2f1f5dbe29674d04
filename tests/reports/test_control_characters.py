"""A control character stored in a case reference or an audit commentary (inserted straight into the
database: forms refuse them, older rows or other routes may not) no longer breaks the Word letter,
issuing it, or the Excel exports: XML cannot hold them, so the writers leave them out."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from docx import Document as WordDocument
from openpyxl import load_workbook

from audits.models import Case, CriterionCommentary
from audits.services.tools import review_tool
from core.xmltext import xml_safe
from reports.models import LetterVersion
from reviews.fieldwork.models import Finding
from tests.audits.factories import completed_audit
from tests.issuing import issue_letter

pytestmark = pytest.mark.django_db

REFERENCE = "CR\x0b-7\x1f"
COMMENTARY = "Views of\x0b non-verbal children\x1f need capturing"


@pytest.fixture
def hostile(world):
    review = world.review
    audit = completed_audit(review, world.people["reviewer"], rest="met")
    Case.objects.filter(pk=audit.case_id).update(reference=REFERENCE)
    criterion = review_tool(review).criteria.get(number=5)
    CriterionCommentary.objects.create(criterion=criterion, text=COMMENTARY)
    Finding.objects.create(
        review=review, kind="strength", text="Strong\x0b partnerships.", status="agreed"
    )
    return review


def _word_text(content: bytes) -> str:
    document = WordDocument(io.BytesIO(content))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_the_word_letter_opens_with_a_control_character_in_the_commentary(world, hostile) -> None:
    response = world.client("lead_reviewer").get(
        reverse("reports:draft-docx", kwargs={"pk": hostile.pk})
    )
    assert response.status_code == 200
    text = _word_text(
        b"".join(response.streaming_content) if response.streaming else response.content
    )
    assert "Views of non-verbal children need capturing" in text
    assert "Strong partnerships." in text


def test_the_letter_is_issued_with_a_control_character_in_the_commentary(world, hostile) -> None:
    response = issue_letter(world.client("lead_reviewer"), hostile)
    assert response.status_code == 302
    version = LetterVersion.objects.get()
    assert "Views of non-verbal children need capturing" in _word_text(version.docx.read())
    assert version.pdf.read().startswith(b"%PDF")


@pytest.mark.parametrize("table", ["summary", "matrix"])
def test_the_excel_exports_open_with_control_characters_in_the_data(world, hostile, table) -> None:
    response = world.client("coordinator").get(
        reverse("audits:export", args=[hostile.pk, table, "xlsx"])
    )
    assert response.status_code == 200
    values = [
        cell for row in load_workbook(io.BytesIO(response.content)).active.values for cell in row
    ]
    expected = "Views of non-verbal children need capturing" if table == "summary" else "CR-7"
    assert expected in values


def test_only_the_characters_xml_cannot_hold_are_left_out() -> None:
    assert xml_safe("a\x00b\x08c\x0bd\x0ce\x1ff\ufffeg\uffffh\ud800i") == "abcdefghi"
    assert (
        xml_safe("tab\tnew\nline\rkept, é and ‘quotes’ 😀")
        == "tab\tnew\nline\rkept, é and ‘quotes’ 😀"
    )
