"""The feedback presentation: one slide model, read back from the PowerPoint file (python-pptx) and
from the PDF (pypdf) as a user's software would read them."""

from __future__ import annotations

import datetime as dt
import hashlib
import io

import pypdf
import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

from reports import services
from reports.render import compose_letter, presentation_pdf, presentation_pptx
from reports.slides import build_deck, deck_pdf, deck_pptx, review_name
from reviews.fieldwork.models import Finding
from reviews.setup.models import Review
from tests.reports.seed002 import build_seed_002_review
from trail.models import Event

pytestmark = pytest.mark.django_db

# Seed 001's order: about us, principles, the team, the request, what we did, the key lines of
# enquiry, strengths, areas for consideration, recommendations, next steps.
SEED_001_ORDER = [
    "Feedback from the East Riding team",
    "About us",
    "Our principles of engagement",
    "About us: our team",
    "Your request to us",
    "What we did",
    "Our key lines of enquiry",
    "Our findings: areas of strength (1)",
    "Our findings: areas of strength (2)",
    "Our findings: areas for consideration",
    "Our recommendations (1)",
    "Our recommendations (2)",
    "Next steps",
]
LIST_FINDING = (
    "Partners value the front door:\n- **schools** ring the duty line first\n- health visitors"
    " attend the daily meeting"
)
EXTRA_RECOMMENDATIONS = [f"Extra recommendation number {n}" for n in range(3, 11)]


def _image(fmt: str, colour: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (300, 100), colour).save(out, format=fmt)
    return out.getvalue()


def _dress(review: Review) -> None:
    """Seed 002 with what the presentation shows: both logos, the lead's profile, a finding
    written as a list, a bold finding, enough strengths and recommendations to go over two
    slides (recommendations 3 to 10 on the last key line)."""
    lead, host = review.lead_organisation, review.host
    lead.logo.save("east-riding.png", ContentFile(_image("PNG", "navy")), save=False)
    lead.about_us = "We have been a partner in practice since **March 2018**\nWe lead a region"
    lead.principles = "- The **safety** of children is our foremost priority\n- We work as equals"
    lead.save()
    host.logo.save("barnsley.jpg", ContentFile(_image("JPEG", "green")), save=False)
    host.save()
    kloes = review.framework.numbered_kloes()
    author = review.memberships.get(role="lead_reviewer").user
    rows = [
        ("strength", kloes[0], LIST_FINDING),
        ("strength", kloes[0], "A system with **resilience and core strength**"),
        *[("strength", kloes[4], f"Another strength {n}") for n in range(4)],
        *[("recommendation", kloes[6], text) for text in EXTRA_RECOMMENDATIONS],
    ]
    for position, (kind, kloe, text) in enumerate(rows, start=500):
        Finding.objects.create(
            review=review,
            kloe=kloe,
            kind=kind,
            text=text,
            status=Finding.Status.AGREED,
            position=position,
            author=author,
        )


@pytest.fixture(scope="module")
def deck(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        from django.db import transaction

        with transaction.atomic():
            review, _people = build_seed_002_review()
            _dress(review)
            composed = compose_letter(review)
            model = build_deck(composed)
            numbers = [f.number for f in composed.data.recommendations]
            pptx, pdf = deck_pptx(model), deck_pdf(model)
            transaction.set_rollback(True)
    return {"model": model, "pptx": pptx, "pdf": pdf, "numbers": numbers}


def _prs(data: bytes):
    return Presentation(io.BytesIO(data))


def _titles(prs) -> list[str]:
    return [slide.shapes.title.text for slide in prs.slides]


def _body(slide):
    return slide.placeholders[1].text_frame.paragraphs


def _slides(prs, prefix):
    return [s for s in prs.slides if s.shapes.title.text.startswith(prefix)]


def test_the_slides_are_in_seed_001s_order_16_by_9_with_slide_numbers(deck):
    prs = _prs(deck["pptx"])
    assert _titles(prs) == SEED_001_ORDER
    assert prs.slide_width * 9 == prs.slide_height * 16
    for number, slide in enumerate(prs.slides, start=1):
        fields = slide.shapes[-1]._element.xpath(".//a:fld[@type='slidenum']")
        assert [f.xpath("string(.//a:t)") for f in fields] == [str(number)]


def test_the_title_slide_has_the_feedback_day_the_review_and_both_logos_with_alt_text(deck):
    first = _prs(deck["pptx"]).slides[0]
    text = "\n".join(s.text_frame.text for s in first.shapes if s.has_text_frame)
    # The feedback presentation was on the last day, 28 June 2018: not the day of the download.
    assert "28 June 2018" in text
    assert dt.date.today().strftime("%-d %B %Y") not in text
    assert "Peer challenge of the front door in Barnsley" in text
    assert "DRAFT" in text
    pictures = [s for s in first.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
    alts = [p._element.nvPicPr.cNvPr.get("descr") for p in pictures]
    assert alts == [
        "East Riding of Yorkshire Council logo",
        "Barnsley Metropolitan Borough Council logo",
    ]
    # The lead organisation's on the left, the host's on the right.
    assert pictures[0].left < pictures[1].left


def test_a_health_check_does_not_say_front_door_twice(world):
    review = world.review
    review.kind = Review.Kind.FRONT_DOOR_HEALTH_CHECK
    name = review_name(review)
    assert name == f"Front door health check in {review.host.display_name}"
    assert "of the front door" not in name


def test_the_about_us_slides_come_from_the_lead_organisations_profile(deck):
    prs = _prs(deck["pptx"])
    about = [p.text for p in _body(_slides(prs, "About us")[0])]
    assert about == [
        "About East Riding:",
        "We have been a partner in practice since March 2018",
        "We lead a region",
    ]
    bold = [r.text for p in _body(_slides(prs, "About us")[0]) for r in p.runs if r.font.bold]
    assert bold == ["March 2018"]
    principles = [p.text for p in _body(_slides(prs, "Our principles")[0])]
    assert principles[0] == "The safety of children is our foremost priority"


def test_what_we_did_finishes_with_your_help_we_have(deck):
    slide = _slides(_prs(deck["pptx"]), "What we did")[0]
    lines = [p.text for p in _body(slide)]
    assert lines == [
        "With your help, we have:",
        "Worked with you on site on 26, 27 and 28 June 2018",
        "Held two interviews and two focus groups",
        "Observed practice twice",
        "Audited 20 case files against agreed criteria",
    ]


def test_bold_is_kept_as_runs_and_a_list_becomes_sub_bullets(deck):
    prs = _prs(deck["pptx"])
    paragraphs = [p for s in _slides(prs, "Our findings: areas of strength") for p in _body(s)]
    texts = [p.text for p in paragraphs]
    assert not [t for t in texts if "- " in t or "**" in t]
    bold = [r.text for p in paragraphs for r in p.runs if r.font.bold]
    assert "resilience and core strength" in bold
    assert "schools" in bold
    start = texts.index("Partners value the front door:")
    assert paragraphs[start].level == 0
    assert [(p.text, p.level) for p in paragraphs[start + 1 : start + 3]] == [
        ("schools ring the duty line first", 1),
        ("health visitors attend the daily meeting", 1),
    ]
    # The second slide goes on from the first.
    second = _slides(prs, "Our findings: areas of strength (2)")[0]
    assert _body(second)[0].text == "We have also found:"


def _numbered(slides) -> list[str]:
    return [
        p.text.split(".\t", 1)[0]
        for s in slides
        for p in _body(s)
        if ".\t" in p.text and not p.level
    ]


def test_recommendations_carry_the_letters_numbers_across_slides(deck):
    prs = _prs(deck["pptx"])
    first, second = _slides(prs, "Our recommendations")
    # Two recommendations in two key lines of enquiry are 1 and 2, not 1 and 1.
    assert deck["numbers"][:2] == ["1", "2"]
    assert _numbered([first, second]) == deck["numbers"] == [str(n) for n in range(1, 11)]
    # "(2)" starts where "(1)" stopped.
    assert _numbered([second])[0] == str(len(_numbered([first])) + 1)
    assert _body(second)[0].text.startswith(f"{_numbered([second])[0]}.\tExtra recommendation")


def test_the_pdf_has_the_same_slides_from_the_same_model(deck):
    reader = pypdf.PdfReader(io.BytesIO(deck["pdf"]))
    assert len(reader.pages) == len(SEED_001_ORDER)
    box = reader.pages[0].mediabox
    assert round(float(box.width) / float(box.height), 2) == round(16 / 9, 2)
    for page, title in zip(reader.pages, SEED_001_ORDER, strict=True):
        text = " ".join(page.extract_text().split())
        assert title in text
    text = " ".join(reader.pages[0].extract_text().split())
    assert "28 June 2018" in text
    recommendations = " ".join(
        reader.pages[SEED_001_ORDER.index("Our recommendations (2)")].extract_text().split()
    )
    second_starts = str(len(_numbered([_slides(_prs(deck["pptx"]), "Our recommendations")[0]])) + 1)
    assert f"{second_starts}. Extra recommendation" in recommendations
    assert "- " not in " ".join(p.extract_text() for p in reader.pages).replace(" - ", " ")


def test_an_svg_logo_is_left_out_of_powerpoint_and_its_name_printed(world):
    org = world.review.lead_organisation
    org.logo.save("logo.svg", ContentFile(b'<svg xmlns="http://www.w3.org/2000/svg"/>'), save=True)
    deck = build_deck(compose_letter(world.review))
    first = _prs(deck_pptx(deck)).slides[0]
    assert not [s for s in first.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
    text = "\n".join(s.text_frame.text for s in first.shapes if s.has_text_frame)
    assert org.name in text


def test_the_lead_reviewer_downloads_the_powerpoint_file(world):
    review = world.review
    response = world.client("lead_reviewer").get(
        reverse("reports:presentation-pptx", kwargs={"pk": review.pk})
    )
    assert response.status_code == 200
    assert response["Content-Type"].endswith("presentationml.presentation")
    assert response["Content-Disposition"].endswith('.pptx"')
    prs = _prs(response.content)
    assert _titles(prs)[0].startswith("Feedback from the")
    assert Event.objects.filter(
        action=Event.Action.PRESENTATION_DOWNLOADED, review_id=review.pk
    ).exists()
    page = world.client("lead_reviewer").get(reverse("reports:letter", kwargs={"pk": review.pk}))
    assert b"Feedback presentation (PowerPoint)" in page.content


def test_an_issued_version_stores_both_presentations(world):
    review = world.review
    version = services.freeze_version(review=review, user=world.user("lead_reviewer"))
    pptx = version.pptx.open("rb").read()
    pdf = version.slides_pdf.open("rb").read()
    assert hashlib.sha256(pptx).hexdigest() == version.pptx_sha256
    assert hashlib.sha256(pdf).hexdigest() == version.slides_pdf_sha256
    # Issued: no draft mark; the same titles in both files.
    titles = _titles(_prs(pptx))
    first = "\n".join(s.text_frame.text for s in _prs(pptx).slides[0].shapes if s.has_text_frame)
    assert "DRAFT" not in first
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == len(titles)
    for page, title in zip(reader.pages, titles, strict=True):
        assert title in " ".join(page.extract_text().split())
    for fmt, start in (("pptx", b"PK"), ("pdf", b"%PDF")):
        url = reverse(
            "reports:version-presentation",
            kwargs={"pk": review.pk, "number": version.number, "fmt": fmt},
        )
        response = world.client("reviewer").get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content).startswith(start)


def test_the_wrappers_in_render_use_the_same_model(world):
    composed = compose_letter(world.review)
    assert _titles(_prs(presentation_pptx(composed)))[0].startswith("Feedback from the")
    assert presentation_pdf(composed).startswith(b"%PDF")


def _edit(client, review, key, **fields):
    url = reverse("reports:slide-edit", kwargs={"pk": review.pk, "key": key})
    return client.post(url, {"version": "0", **fields})


def test_the_lead_reviewer_changes_hides_moves_and_adds_slides(world):
    review = world.review
    lead = world.client("lead_reviewer")
    page = lead.get(reverse("reports:slides", kwargs={"pk": review.pk}))
    assert page.status_code == 200
    assert "Next steps" in page.content.decode()
    response = _edit(
        lead,
        review,
        "next",
        title="What happens next",
        text="We send you the **draft letter**\n  - within two weeks\nYou check it",
        position="1",
    )
    assert response.status_code == 302
    hide = _edit(lead, review, "team", title="About us: our team", position="30", hidden="on")
    assert hide.status_code == 302
    added = lead.post(
        reverse("reports:slide-add", kwargs={"pk": review.pk}),
        {"title": "Our thanks", "text": "A huge **thank you** to everyone"},
    )
    assert added.status_code == 302
    prs = _prs(lead.get(reverse("reports:presentation-pptx", kwargs={"pk": review.pk})).content)
    titles = _titles(prs)
    assert titles[1] == "What happens next"  # moved first, after the title slide
    assert "About us: our team" not in titles  # hidden
    assert titles[-1] == "Our thanks"  # added at the end
    moved = [(p.text, p.level) for p in _body(prs.slides[1])]
    assert moved == [
        ("We send you the draft letter", 0),
        ("within two weeks", 1),
        ("You check it", 0),
    ]
    assert [r.text for p in _body(prs.slides[-1]) for r in p.runs if r.font.bold] == ["thank you"]
    # The PDF of the same model says the same.
    pdf = lead.get(reverse("reports:presentation", kwargs={"pk": review.pk})).content
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == len(titles)
    assert "What happens next" in reader.pages[1].extract_text()
    changes = Event.objects.filter(action=Event.Action.LETTER_SECTION_CHANGED, review_id=review.pk)
    assert sorted(e.detail["change"] for e in changes) == ["added", "edited", "edited"]


def test_a_slide_saved_in_two_tabs_keeps_the_second_tabs_text(world):
    review = world.review
    lead = world.client("lead_reviewer")
    assert _edit(lead, review, "next", title="First tab", position="10").status_code == 302
    stale = _edit(lead, review, "next", title="Second tab", text="Words from tab two", position="9")
    assert stale.status_code == 200
    body = stale.content.decode()
    assert "Someone else changed this" in body
    assert "Words from tab two" in body
    titles = _titles(_prs(presentation_pptx(compose_letter(review))))
    assert "First tab" in titles and "Second tab" not in titles


def test_a_slide_form_with_bad_input_says_so_and_keeps_the_text(world):
    review = world.review
    lead = world.client("lead_reviewer")
    response = _edit(lead, review, "next", title="", text="Kept words", position="soon")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Enter the title of the slide" in body
    assert "as a whole number, such as 35" in body
    assert "Kept words" in body
    missing = lead.get(reverse("reports:slide-edit", kwargs={"pk": review.pk, "key": "nothing"}))
    assert missing.status_code == 404


def test_the_slides_page_query_count_does_not_grow_with_the_review(world):
    review = world.review
    lead = world.client("lead_reviewer")
    url = reverse("reports:slides", kwargs={"pk": review.pk})
    author = world.user("lead_reviewer")

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert lead.get(url).status_code == 200
        return len(queries)

    def findings(n: int) -> None:
        Finding.objects.bulk_create(
            Finding(review=review, kind=kind, text="t", status="agreed", author=author)
            for kind in ("strength", "area", "recommendation")
            for _ in range(n)
        )

    findings(1)
    add = reverse("reports:slide-add", kwargs={"pk": review.pk})
    assert lead.post(add, {"title": "One", "text": "x"}).status_code == 302
    small = count()
    findings(20)
    for title in ("Two", "Three", "Four"):
        assert lead.post(add, {"title": title, "text": "y"}).status_code == 302
    assert count() == small
