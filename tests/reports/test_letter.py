"""The letter composed from seed 002's review: every section in order, in the PDF and in Word."""

from __future__ import annotations

import io
import re

import pypdf
import pytest
from docx import Document

from core.pdf import RefusedURL, StaticOnlyURLFetcher
from reports.render import LOGO_URL, compose_letter, letter_docx, letter_pdf, presentation_pdf
from reviews.fieldwork.models import Finding
from tests.reports.seed002 import build_seed_002_review

pytestmark = pytest.mark.django_db

SECTION_ORDER = [
    "1. Context",
    "2. Process",
    "3. Summary of findings",
    "4. Areas for further consideration: summary",
    "5. Detailed findings",
    "5.1 Thresholds and policies",
    "5.2 Effectiveness of partnerships",
    "5.3 Keeping every child at the centre",
    "5.4 Quality of practice",
    "5.5 Resources (workforce)",
    "5.6 Good leadership and decision making",
    "5.7 Outcomes",
    "5.8 Case file audit",
    "6. Next steps",
]


@pytest.fixture(scope="module")
def seed_letter(django_db_setup, django_db_blocker):
    """Seed 002's review and its rendered letter, built once for this module."""
    with django_db_blocker.unblock():
        from django.db import transaction

        with transaction.atomic():
            review, _people = build_seed_002_review()
            composed = compose_letter(review)
            pdf = letter_pdf(composed)
            docx = letter_docx(composed)
            slides = presentation_pdf(composed)
            titles = [s.full_title for s in composed.body if s.heading_shown]
            texts = _texts_by_heading(composed.body)
            transaction.set_rollback(True)
    return {"pdf": pdf, "docx": docx, "slides": slides, "titles": titles, "texts": texts}


def _texts_by_heading(sections):
    """Each section's text under its key, with the unheaded sections that follow it (they continue
    it in print) joined to it, and under their own keys too."""
    texts, current = {}, None
    for section in sections:
        texts[section.key] = section.text
        if section.heading_shown or current is None:
            current = section.key
        else:
            texts[current] += "\n\n" + section.text
    return texts


def _pdf_text(pdf: bytes) -> tuple[str, pypdf.PdfReader]:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages), reader


def _in_order(text: str, parts: list[str]) -> None:
    text = " ".join(text.split())  # a line wrapped in the PDF reads as one
    parts = [" ".join(p.split()) for p in parts]
    position = 0
    for part in parts:
        found = text.find(part, position)
        assert found >= 0, f"{part!r} missing or out of order"
        position = found + len(part)


def test_sections_follow_seed_002s_order(seed_letter):
    assert seed_letter["titles"] == SECTION_ORDER


def test_generated_paragraphs_read_as_a_letter(seed_letter):
    process = seed_letter["texts"]["process"]
    assert "led by Paul Dwyerson (Former Director of Children's Services, East Riding)" in process
    assert "managed and coordinated by Rob Maynard, Independent Consultant, East Riding" in process
    assert "The team spent two days working in the local authority" in process
    assert "presented their conclusions on the third day" in process
    assert "This activity took place on 26, 27 and 28 June 2018." in process
    assert (
        "the review involved two interviews and two focus groups with managers, practitioners and partners, and two observations of practice."
        in process
    )
    assert "We also analysed 20 cases in specific detail." in process
    context = seed_letter["texts"]["context"]
    assert "against the seven key lines of enquiry" in context
    assert "in which all areas had been rated 'green'" in context
    summary = seed_letter["texts"]["summary"]
    assert "- Thresholds are fully understood by staff" in summary
    assert "self-assessment of its front door was accurate" in summary
    assert "strategy discussions" in seed_letter["texts"]["areas-summary"]
    audit = seed_letter["texts"]["case-audit"]
    assert "10 criteria" in audit and "20 case files" in audit
    assert "(10 section 17 assessments and 10 section 47 enquiries)" in audit
    assert "In all the cases the team agreed with the decisions taken." in audit
    # Draft findings are not in the letter; recommendations are numbered across it.
    assert not any("A draft, not yet agreed" in t for t in seed_letter["texts"].values())
    kloe_texts = [t for k, t in seed_letter["texts"].items() if k.startswith("kloe-")]
    assert "1. Review the 'request for service' form" in "\n".join(kloe_texts)
    assert "2. Ensure that immediate safety plans" in "\n".join(kloe_texts)


def test_pdf_has_every_section_in_order_the_annex_the_footer_and_the_signatory(seed_letter):
    text, reader = _pdf_text(seed_letter["pdf"])
    first_page = reader.pages[0].extract_text()
    for part in ("East Riding of Yorkshire Council", "County Hall", "(01482) 393939"):
        assert part in first_page  # the letterhead, on the first page only
    assert "County Hall" not in reader.pages[1].extract_text()
    assert "Continued/..." in first_page  # at the foot of every page the letter goes on from
    _in_order(
        text,
        [
            "Our reference: KH/OOD00358/RES",
            "Rhona Dickens",
            "Dear Rhona",
            "Peer challenge of the front door arrangements in Barnsley: June 2018",
            *SECTION_ORDER,
            "Yours sincerely",
            "Kevan Holt",
            "Director of Children, Families and Schools",
            "Annex 1: case file audit",
        ],
    )
    pages = len(reader.pages)
    assert f"Page 2 of {pages}" in text
    assert "Continued/..." not in reader.pages[-1].extract_text()  # not on the last page
    # The annex: each criterion with its % met, as in seed 002.
    for number, percent in enumerate([75, 100, 95, 95, 90, 95, 75, 100, 85, 100], start=1):
        assert re.search(rf"{number}\. .+?{percent}%", text, re.S), (number, percent)
    assert "No pre-birth assessment tool" in text
    meta = reader.metadata
    assert meta.title == "Peer challenge of the front door arrangements in Barnsley: June 2018"
    assert meta.author == "Kevan Holt"


def test_pdf_is_tagged_with_language_headings_and_table_header_cells(seed_letter):
    _, reader = _pdf_text(seed_letter["pdf"])
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en-GB"
    assert bool(root["/MarkInfo"]["/Marked"])
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
    kinds: set[str] = set()

    def walk(node, depth=0):  # type: ignore[no-untyped-def]
        node = node.get_object()
        if isinstance(node, dict):
            if "/S" in node:
                kinds.add(str(node["/S"]))
            kids = node.get("/K")
            if kids is not None:
                for kid in kids if isinstance(kids, list) else [kids]:
                    if depth < 60:
                        walk(kid, depth + 1)
        elif isinstance(node, list):
            for kid in node:
                walk(kid, depth + 1)

    walk(root["/StructTreeRoot"])
    assert {"/H1", "/H2", "/Table", "/TH", "/TD", "/L", "/P"} <= kinds, kinds


def test_the_pdf_uses_the_bundled_open_font(seed_letter):
    _, reader = _pdf_text(seed_letter["pdf"])
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"].get("/Font", {}).values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    assert any("Source-Sans-3" in f for f in fonts), fonts
    assert not any("GDS" in f or "Transport" in f for f in fonts)


def test_word_file_has_the_same_headings_lists_and_a_real_table(seed_letter):
    doc = Document(io.BytesIO(seed_letter["docx"]))
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    _in_order("\n".join(headings), [*SECTION_ORDER, "Annex 1: case file audit"])
    assert any(p.style.name == "List Bullet" for p in doc.paragraphs)
    assert any(p.style.name == "List Number" for p in doc.paragraphs)
    table = doc.tables[0]
    assert [c.text for c in table.rows[0].cells] == ["Criterion", "Commentary", "% met", "Cases"]
    assert len(table.rows) == 11
    assert table.rows[3].cells[2].text == "95%"
    assert doc.core_properties.title.startswith("Peer challenge of the front door")


def test_presentation_is_landscape_slides_in_seed_001s_order(seed_letter):
    text, reader = _pdf_text(seed_letter["slides"])
    box = reader.pages[0].mediabox
    assert box.width > box.height
    _in_order(
        text,
        [
            "Feedback from the East Riding team",
            "About us: our team",
            "Your request to us",
            "What we did",
            "Our key lines of enquiry",
            "Our findings: areas of strength",
            "Our findings: areas for consideration",
            "Our recommendations",
            "Next steps",
        ],
    )
    assert "Paul Dwyerson" in text


def test_empty_sections_are_left_out(world):
    review = world.review
    composed = compose_letter(review)
    titles = [s.title for s in composed.visible]
    assert "Summary of findings" not in titles
    assert "Detailed findings" not in titles
    assert "Next steps" in titles
    assert not composed.annex_rows


def test_fetcher_refuses_anything_but_static_files_and_the_named_logo():
    fetcher = StaticOnlyURLFetcher(extra={LOGO_URL: (b"png", "image/png")})
    assert fetcher.fetch(LOGO_URL).read() == b"png"
    for url in (
        "https://example.com/x.png",
        "file:///etc/passwd",
        "https://print.invalid/media/logos/other.png",
        "https://print.invalid/static/../config/settings/base.py",
    ):
        with pytest.raises(RefusedURL):
            fetcher.fetch(url)


def test_letterhead_logo_is_printed_from_the_organisations_upload(world, settings, tmp_path):
    import base64

    from django.core.files.base import ContentFile

    png = base64.b64decode(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGD4DwABBAEAwS2OUAAAAABJRU5ErkJggg=="
    )
    org = world.lead_org
    org.logo.save("eastvale.png", ContentFile(png))
    composed = compose_letter(world.review)
    pdf = letter_pdf(composed)
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert any(page.images for page in reader.pages[:1])
    doc = Document(io.BytesIO(letter_docx(composed)))
    assert doc.inline_shapes


def test_recommendation_urgency_reads_as_a_lead_in(world):
    review = world.review
    Finding.objects.create(
        review=review,
        kind="recommendation",
        urgency="immediately",
        text="Write safety plans.",
        status="agreed",
    )
    composed = compose_letter(review)
    text = "\n".join(s.text for s in composed.sections)
    assert "1. **Immediately:** Write safety plans." in text
