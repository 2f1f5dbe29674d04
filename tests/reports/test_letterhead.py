"""The letterhead a coordinator keeps (tests/accounts/test_organisation_profile.py) reaches the
letter: every item in the PDF's text and in the Word file, the web address as typed."""

from __future__ import annotations

import io

import pypdf
import pytest
from docx import Document

from reports.render import compose_letter, letter_docx, letter_pdf

pytestmark = pytest.mark.django_db

ITEMS = {
    "textphone": ("18001 01632 960000", "Textphone 18001 01632 960000"),
    "email": ("children@eastvale.example", "Email children@eastvale.example"),
    "website": ("www.eastvale.example/children", "www.eastvale.example/children"),
    "officers": (
        "Jane Smith, Director of Children's Services\n\nAmir Khan, Head of Early Help",
        "Amir Khan, Head of Early Help",
    ),
}
FOOTER = "Chief Executive: Alan Jones"


@pytest.fixture
def letter(world):
    org = world.lead_org
    for field, (value, _shown) in ITEMS.items():
        setattr(org, field, value)
    org.first_page_footer = FOOTER
    org.save()
    composed = compose_letter(world.review)
    return {"pdf": letter_pdf(composed), "docx": letter_docx(composed)}


def test_every_letterhead_item_is_on_the_pdfs_first_page(letter):
    reader = pypdf.PdfReader(io.BytesIO(letter["pdf"]))
    first = reader.pages[0].extract_text()
    for _value, shown in ITEMS.values():
        assert shown in first
    assert "Jane Smith, Director of Children's Services" in first
    assert "http://www.eastvale" not in first and "https://www.eastvale" not in first
    assert FOOTER in first
    assert len(reader.pages) > 1
    for page in reader.pages[1:]:  # the letterhead and its footer: the first page only
        text = page.extract_text()
        assert FOOTER not in text and "Textphone" not in text


def test_every_letterhead_item_is_in_the_word_file(letter):
    doc = Document(io.BytesIO(letter["docx"]))
    body = "\n".join(p.text for p in doc.paragraphs)
    for _value, shown in ITEMS.values():
        assert shown in body
    assert "Jane Smith, Director of Children's Services\nAmir Khan" in body  # one officer a line
    assert "http://www.eastvale" not in body
    section = doc.sections[0]
    assert section.different_first_page_header_footer
    assert section.first_page_footer.paragraphs[0].text == FOOTER
    assert FOOTER not in "\n".join(p.text for p in section.footer.paragraphs)


def test_a_letterhead_without_the_new_items_prints_as_before(world):
    composed = compose_letter(world.review)
    text = pypdf.PdfReader(io.BytesIO(letter_pdf(composed))).pages[0].extract_text()
    assert "Textphone" not in text and "Email " not in text
    assert "Telephone 01632 960123" in text and "https://www.testshire.example" in text
    doc = Document(io.BytesIO(letter_docx(composed)))
    first_footer = [p.text for p in doc.sections[0].first_page_footer.paragraphs]
    # No footer line: the page number, and the continuation marker (a field: not on the last page).
    assert first_footer == ["Page 1 of 1", "Continued/..."]
