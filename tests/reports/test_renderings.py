"""One letter, faithful renderings: the PDF, the Word file and the PowerPoint presentation of the same
draft, read by clients no one here wrote (poppler's pdftotext, qpdf, pandoc, pikepdf, python-pptx),
say the same thing in the same order."""

from __future__ import annotations

import io
import re
import subprocess

import pytest
from docx import Document
from docx.oxml.ns import qn

from reports.render import compose_letter, letter_docx, letter_pdf, presentation_pptx
from tests.reports.seed002 import build_seed_002_review

pytestmark = pytest.mark.django_db


def _run(args: list[str], data: bytes) -> str:
    return subprocess.run(args, input=data, capture_output=True, check=True).stdout.decode()


def _pdf_text(pdf: bytes) -> str:
    return _run(["pdftotext", "-layout", "-", "-"], pdf)


def _docx_text(docx: bytes) -> str:
    return _run(["pandoc", "-f", "docx", "-t", "plain", "--wrap=none"], docx)


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def rendered(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        from django.db import transaction

        with transaction.atomic():
            review, _people = build_seed_002_review()
            composed = compose_letter(review)
            out = {
                "pdf": letter_pdf(composed),
                "docx": letter_docx(composed),
                "pptx": presentation_pptx(composed),
                "kloes": [s.title for s in composed.body if s.key.startswith("kloe-")],
                "headings": [s.full_title for s in composed.body if s.heading_shown],
                "references": composed.references,
                "annex": [(r["number"], r["percent"], r["cases"]) for r in composed.annex_rows],
            }
            transaction.set_rollback(True)
    return out


def _positions(text: str, parts: list[str]) -> list[int]:
    flat, at, out = _flat(text), 0, []
    for part in parts:
        found = flat.find(_flat(part), at)
        assert found >= 0, f"{part!r} missing or out of order"
        out.append(found)
        at = found + len(part)
    return out


def test_the_pdf_and_the_word_file_have_the_same_headings_in_the_same_order(rendered):
    _positions(_pdf_text(rendered["pdf"]), rendered["headings"])
    _positions(_docx_text(rendered["docx"]), rendered["headings"])


def test_recommendations_keep_their_numbers_in_both(rendered):
    """Numbered across the letter: the second key line's recommendation is 2 in the PDF too (it
    printed 1. before), and in Word."""
    for text in (_pdf_text(rendered["pdf"]), _docx_text(rendered["docx"])):
        flat = _flat(text)
        assert re.search(r"1\.? Review the 'request for service' form", flat), flat[:200]
        assert re.search(r"2\.? Ensure that immediate safety plans", flat)
        assert not re.search(r"1\.? Ensure that immediate safety plans", flat)


def test_the_reference_lines_and_the_draft_mark_are_in_both(rendered):
    pdf, docx = _pdf_text(rendered["pdf"]), rendered["docx"]
    document = Document(io.BytesIO(docx))
    body = "\n".join(p.text for p in document.paragraphs)
    headers = "\n".join(
        p.text
        for s in document.sections
        for h in (s.header, s.first_page_header)
        for p in h.paragraphs
    )
    assert rendered["references"][0][0] == "Our reference"
    for label, value in rendered["references"]:
        assert f"{label}: {value}" in _flat(pdf)
        assert f"{label}: {value}" in body
    assert "Enquiries to: Paul Dwyerson" in body
    assert "Draft for factual accuracy check" in pdf
    assert "Draft for factual accuracy check" in headers
    # The draft mark once on the first page of the PDF, not twice.
    first_page = pdf.split("\f")[0]
    assert first_page.count("Draft for factual accuracy check") == 1


def test_the_annex_figures_are_the_same_in_both(rendered):
    pdf = _flat(_pdf_text(rendered["pdf"]))
    document = Document(io.BytesIO(rendered["docx"]))
    table = document.tables[0]
    for (number, percent, cases), row in zip(rendered["annex"], table.rows[1:], strict=True):
        assert row.cells[0].text.startswith(f"{number}. ")
        assert row.cells[2].text == f"{percent}%"
        assert row.cells[3].text == str(cases)
        assert f"{percent}%" in pdf
    captions = [p.text for p in document.paragraphs if p.style.name == "Caption"]
    assert captions == ["Case file audit: criteria, commentary and percentage met"]


def test_the_word_file_is_british_english_with_page_numbers_and_black_headings(rendered):
    document = Document(io.BytesIO(rendered["docx"]))
    lang = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault"))
    assert lang.find(qn("w:rPr")).find(qn("w:lang")).get(qn("w:val")) == "en-GB"
    heading = document.styles["Heading 2"]
    assert str(heading.font.color.rgb) == "000000" and heading.font.name == "Arial"
    footer_xml = document.sections[0].footer._element.xml
    assert "PAGE" in footer_xml and "NUMPAGES" in footer_xml
    footer_text = "".join(p.text for p in document.sections[0].footer.paragraphs)
    assert "Continued/..." in footer_text and "IF" in footer_xml  # on every page but the last
    page = document.sections[0]
    assert round(page.page_width.cm, 1) == 21.0 and round(page.page_height.cm, 1) == 29.7


def test_qpdf_finds_the_pdf_sound(rendered):
    result = subprocess.run(["qpdf", "--check", "-"], input=rendered["pdf"], capture_output=True)
    if result.returncode != 0:  # older qpdf cannot read standard input
        import tempfile

        with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
            handle.write(rendered["pdf"])
            handle.flush()
            result = subprocess.run(["qpdf", "--check", handle.name], capture_output=True)
    assert result.returncode == 0, result.stdout.decode() + result.stderr.decode()
    assert "No syntax or stream encoding errors" in result.stdout.decode()


def test_greek_central_european_and_chinese_letters_print_in_real_fonts(world):
    from reviews.setup.models import Review

    Review.objects.filter(pk=world.review.pk).update(
        request="Zajmij się Łódź i Ελλάδα, 和日本語のテスト."
    )
    world.review.refresh_from_db()
    pdf = letter_pdf(compose_letter(world.review))
    text = _pdf_text(pdf)
    assert "Łódź" in text and "Ελλάδα" in text and "和日本語" in text
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        fonts = subprocess.run(
            ["pdffonts", handle.name], capture_output=True, check=True
        ).stdout.decode()
    assert "SourceSans3" in fonts.replace("-", "")  # Latin, Central European, Greek
    assert "NotoSansCJK" in fonts.replace("-", "")  # Chinese and Japanese: not boxes
    assert "DejaVu" not in fonts


def test_page_furniture_is_an_artifact_and_header_cells_have_a_scope(rendered):
    """Screen readers skip artifacts: page numbers, "Continued" and the running draft mark are not
    read mid-text (checked with pikepdf, which reads the PDF independently of WeasyPrint)."""
    import pikepdf

    from core.pdf_tags import table_scope

    with pikepdf.open(io.BytesIO(rendered["pdf"])) as pdf:
        second = pdf.pages[1]
        artifacts = sum(
            1
            for operands, operator in pikepdf.parse_content_stream(second)
            if str(operator) == "BMC" and operands and str(operands[0]) == "/Artifact"
        )
        assert artifacts >= 3  # "Continued", the draft mark, "Page 2 of N"
        scopes = []
        stack = [pdf.Root.StructTreeRoot.get("/K")]
        while stack:
            node = stack.pop()
            if isinstance(node, pikepdf.Array):
                stack.extend(node)
            elif isinstance(node, pikepdf.Dictionary):
                if str(node.get("/S", "")) == "/TH":
                    scopes.append(table_scope(node))
                stack.append(node.get("/K"))
        assert "/Column" in scopes and "/Row" in scopes

        # No list item outside a list (the reference block was a <dl> read as list items).
        def lists_ok(node, parent_kind=""):
            if isinstance(node, pikepdf.Array):
                return all(lists_ok(child, parent_kind) for child in node)
            if isinstance(node, pikepdf.Dictionary) and "/S" in node:
                kind = str(node.S)
                if kind == "/LI" and parent_kind != "/L":
                    return False
                return lists_ok(node.get("/K"), kind)
            return True

        assert lists_ok(pdf.Root.StructTreeRoot.get("/K"))


def _slides_text(pptx: bytes) -> list[str]:
    from pptx import Presentation

    deck = Presentation(io.BytesIO(pptx))
    return [
        "\n".join(
            paragraph.text
            for shape in slide.shapes
            if shape.has_text_frame
            for paragraph in shape.text_frame.paragraphs
        )
        for slide in deck.slides
    ]


def test_all_three_agree_on_the_key_lines_the_recommendations_and_the_draft_mark(rendered):
    """The PDF, the Word file and the slides: the key lines of enquiry in the same order, the same
    recommendation numbers, and a draft marked as a draft in each."""
    slides = _slides_text(rendered["pptx"])
    deck = "\n".join(slides)
    pdf, word = _pdf_text(rendered["pdf"]), _docx_text(rendered["docx"])
    kloes = rendered["kloes"]
    assert len(kloes) == 7
    for text in (pdf, word, deck):
        _positions(text, kloes)
    for text in (pdf, word, deck):
        flat = _flat(text)
        assert re.search(r"1\.?\s*Review the 'request for service' form", flat)
        assert re.search(r"2\.?\s*Ensure that immediate safety plans", flat)
    assert "DRAFT" in deck.upper() and "Draft for factual accuracy check" in pdf
