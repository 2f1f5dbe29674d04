"""A letter the lead organisation designs, in a real browser (issue 18).

The coordinator copies a shipped letter template, renames a section, hides one, adds a free section
with two placeholders, reorders, turns numbering off and previews it on a review; then chooses it for
the review's letter. The lead reviewer starts shaping that letter, renames one of its sections,
changes who signs it and with what words, and dates it. The draft PDF and Word file both show exactly
that structure. Every page (and each form's error state) is scanned with axe-core.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path

import pypdf
import pytest
from docx import Document
from playwright.sync_api import Browser, Locator, Page, expect

from accounts.models import User
from reports.models import Letter, LetterTemplate
from reviews.fieldwork.models import Finding
from reviews.setup.models import Framework, Kloe
from tests.conftest import World, build_world
from tests.e2e.conftest import check_accessibility, sign_in, watch_errors
from tests.factories import TEST_PASSWORD

COPY_NAME = "Eastvale health check letter"
FREE_HEADING = "About this letter"
FREE_TEXT = "This letter from {lead organisation} follows our time with {host}."
RENAMED_IN_TEMPLATE = "Our headline messages"
RENAMED_IN_LETTER = "What Northmoor asked of us"
SIGNER = "Dr Samira Patel"
SIGNER_TITLE = "Chair of the Regional Improvement Board"
CLOSING = "With best wishes"
HEADING = re.compile(r"^\s*Heading \(optional")  # not "Number the heading"


@pytest.fixture
def world(transactional_db) -> World:
    world = build_world()
    for role, name in (
        ("coordinator", "Priya Shah"),
        ("lead_reviewer", "Helen Okafor"),
        ("reviewer", "Tom Reilly"),
    ):
        User.objects.filter(pk=world.people[role].pk).update(full_name=name)
    framework = Framework.objects.create(name="Front door KLOEs", review=world.review)
    kloes = [
        Kloe.objects.create(framework=framework, position=1, heading="Thresholds and policies"),
        Kloe.objects.create(framework=framework, position=2, heading="Quality of practice"),
    ]
    for kloe in kloes:
        for kind, text in (
            ("strength", f"Managers know the thresholds well ({kloe.heading})."),
            ("area", f"Recording is uneven ({kloe.heading})."),
        ):
            Finding.objects.create(
                review=world.review,
                kloe=kloe,
                kind=kind,
                text=text,
                status="agreed",
                is_key_headline=True,
            )
    return world


@pytest.fixture
def pages(browser: Browser, live_server, world: World) -> Iterator[dict[str, Page]]:
    errors: list[str] = []
    contexts, opened = [], {}
    for role in ("coordinator", "lead_reviewer"):
        context = browser.new_context(viewport={"width": 1200, "height": 900}, locale="en-GB")
        contexts.append(context)
        page = context.new_page()
        watch_errors(page, errors)
        sign_in(page, live_server.url, world.people[role].email, TEST_PASSWORD)
        opened[role] = page
    yield opened
    for context in contexts:
        context.close()
    assert not errors, f"The browsers reported errors: {errors}"


def _section(page: Page, heading: str) -> Locator:
    """The fieldset of the section whose legend names ``heading`` (or "Add a section"), found by its
    place on the page (so that it is the same section after a failed save)."""
    found = page.locator("fieldset.app-kloe-form").filter(
        has=page.locator("legend", has_text=re.compile(re.escape(heading)))
    )
    expect(found).to_have_count(1)
    return page.locator(f"#{found.get_attribute('id')}")


def _pdf_text(data: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return "\n".join(p.extract_text() for p in reader.pages)


def _in_order(text: str, parts: list[str]) -> None:
    position = 0
    for part in parts:
        found = text.find(part, position)
        assert found >= 0, f"{part!r} missing or out of order in:\n{text[:4000]}"
        position = found + len(part)


# The headings the letter prints, in order: the coordinator's copy of the health check letter
# ("Key headlines" renamed and moved after "Strengths", "The cases we reviewed" left out, a free
# section after the opening), then the lead's renaming of "What you asked us to do".
HEADINGS = [
    FREE_HEADING,
    RENAMED_IN_LETTER,
    "The areas we focused on",
    "Strengths",
    RENAMED_IN_TEMPLATE,
    "Areas for consideration",
    "Next steps",
]
GONE = ["The cases we reviewed", "Key headlines", "What you asked us to do"]


def _check_structure(text: str) -> None:
    _in_order(text, HEADINGS)
    for heading in GONE:
        assert heading not in text, f"{heading!r} should not be in the letter"
    for heading in HEADINGS:  # numbering off: no "1. Strengths", no "5.1 ..."
        assert not re.search(rf"(?m)^\d+(\.\d+)*\.?[ \t]+{re.escape(heading)}", text), heading
    assert "This letter from Eastvale follows our time with Northmoor." in text
    assert "{" not in text and "}" not in text
    assert " on on " not in text  # the limits of a short review read right
    _in_order(text, [CLOSING, SIGNER, SIGNER_TITLE])
    assert "Yours sincerely" not in text
    assert "14 December 2026" in text


def test_a_coordinator_designs_a_letter_and_the_lead_reviewer_shapes_it(
    pages: dict[str, Page], live_server, world: World, tmp_path: Path
) -> None:
    base = live_server.url
    review = world.review
    page = pages["coordinator"]

    # The letter is not started yet: its structure page offers to start shaping it.
    lead = pages["lead_reviewer"]
    lead.goto(f"{base}/reviews/{review.pk}/letter/structure/")
    expect(lead.get_by_role("button", name="Start shaping this letter")).to_be_visible()
    check_accessibility(lead, "the letter's structure, not started")

    # --- The coordinator copies a shipped template -------------------------------------------
    page.goto(base + "/")
    page.get_by_role("link", name="Letter templates").click()
    expect(page.get_by_role("heading", name="Letter templates", level=1)).to_be_visible()
    check_accessibility(page, "letter templates")
    page.get_by_role("link", name="Short health check letter").click()
    expect(page.get_by_role("heading", name="Short health check letter", level=1)).to_be_visible()
    expect(page.get_by_role("link", name="Change this template")).to_have_count(0)
    check_accessibility(page, "letter template, shipped")
    page.get_by_role("link", name="Copy this template").click()
    check_accessibility(page, "copy a letter template")
    page.get_by_label("Name of your copy").fill("")
    page.get_by_role("button", name="Make a copy").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a name for your copy")
    check_accessibility(page, "copy a letter template, error")
    page.get_by_label("Name of your copy").fill(COPY_NAME)
    page.get_by_role("button", name="Make a copy").click()
    expect(page.get_by_role("heading", name="Change the letter template", level=1)).to_be_visible()
    check_accessibility(page, "change a letter template")
    copy = LetterTemplate.objects.get(name=COPY_NAME)
    assert copy.organisation == world.lead_org and not copy.is_shipped

    # Rename "Key headlines" and move it after "Strengths" (order 7, before "Areas for consideration").
    headlines = _section(page, "Key headlines")
    headlines.get_by_label(HEADING).fill(RENAMED_IN_TEMPLATE)
    headlines.get_by_label("Order", exact=True).fill("7")
    # Leave out "The cases we reviewed".
    _section(page, "The cases we reviewed").get_by_label("Leave out of the letter").check()
    # A new free section, placed after the opening (order 1), with two placeholders: first with a
    # mistake in one of them.
    new = _section(page, "Add a section")
    new.get_by_label("Order", exact=True).fill("1")
    new.get_by_label(HEADING).fill(FREE_HEADING)
    new.get_by_label("Text written here, with placeholders").check()
    new.get_by_label("Text (for “Text written here”)").fill(FREE_TEXT.replace("{host}", "{hots}"))
    page.get_by_label("No numbers").check()
    page.get_by_role("button", name="Save the letter template").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("hots")
    check_accessibility(page, "change a letter template, unknown placeholder")
    # Nothing typed was lost.
    expect(new.get_by_label(HEADING)).to_have_value(FREE_HEADING)
    expect(headlines.get_by_label(HEADING)).to_have_value(RENAMED_IN_TEMPLATE)
    new.get_by_label("Text (for “Text written here”)").fill(FREE_TEXT)
    page.get_by_role("button", name="Save the letter template").click()
    expect(page.get_by_text("The letter template has been saved.")).to_be_visible()
    expect(page.get_by_role("heading", name=COPY_NAME, level=1)).to_be_visible()
    listed = page.locator("#template-sections > li")
    expect(listed.nth(1)).to_contain_text(FREE_HEADING)
    expect(page.locator("#template-sections")).to_contain_text("left out")
    check_accessibility(page, "letter template, the organisation's own")
    shipped = LetterTemplate.objects.get(is_shipped=True, key="health-check")
    assert shipped.sections.filter(heading="Key headlines").exists()  # the original is untouched

    # --- Preview on the review ----------------------------------------------------------------
    page.get_by_label("Review to preview the letter on").select_option(label=review.title)
    page.get_by_role("button", name="Preview").click()
    preview = page.locator(".app-letter")
    expect(preview).to_contain_text("This letter from Eastvale follows our time with Northmoor.")
    expect(preview).to_contain_text(RENAMED_IN_TEMPLATE)
    expect(preview).not_to_contain_text("The cases we reviewed")
    expect(preview).not_to_contain_text("1. ")
    check_accessibility(page, "letter template, preview on a review")
    assert not Letter.objects.filter(review=review).exists()  # a preview saves nothing

    # --- The coordinator chooses it for the review's letter -----------------------------------
    page.goto(f"{base}/reviews/{review.pk}/letter/")
    page.get_by_role("link", name="Choose another letter template").click()
    check_accessibility(page, "the letter's template")
    page.get_by_label(COPY_NAME).check()
    page.get_by_role("button", name="Use this template").click()
    expect(page.get_by_text(f"The letter will be written from “{COPY_NAME}”")).to_be_visible()
    letter = Letter.objects.get(review=review)
    assert letter.source == copy and letter.template_id != copy.pk

    # --- The lead reviewer shapes the letter (choosing its template started it) -----------------
    lead.goto(f"{base}/reviews/{review.pk}/letter/")
    expect(lead.locator("#letter-shape")).to_contain_text(COPY_NAME)
    lead.get_by_role("link", name="Change the sections, title and sign-off").click()
    check_accessibility(lead, "the letter's structure, editor")
    renamed = _section(lead, "What you asked us to do")
    renamed.get_by_label(HEADING).fill(RENAMED_IN_LETTER)
    lead.get_by_label("Closing words").fill("")
    lead.get_by_role("group", name="Who signs the letter").get_by_label("A named person").check()
    lead.get_by_role("button", name="Save the letter's structure").click()
    summary = lead.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter the closing words")
    expect(summary).to_contain_text("Enter the name of the person who signs")
    check_accessibility(lead, "the letter's structure, errors")
    expect(renamed.get_by_label(HEADING)).to_have_value(RENAMED_IN_LETTER)
    lead.get_by_label("Closing words").fill(CLOSING)
    lead.get_by_label("Name of the person who signs").fill(SIGNER)
    lead.get_by_label("Their job title", exact=False).fill(SIGNER_TITLE)
    lead.get_by_role("button", name="Save the letter's structure").click()
    expect(lead.get_by_text("The letter's structure has been saved.")).to_be_visible()
    expect(lead.locator(".app-letter")).to_contain_text(RENAMED_IN_LETTER)
    copy.refresh_from_db()
    assert not copy.sections.filter(
        heading=RENAMED_IN_LETTER
    ).exists()  # the library's is as it was

    lead.get_by_role("link", name="Change the date of the letter").click()
    check_accessibility(lead, "the letter's date")
    lead.locator("#id_date_0").fill("31")
    lead.locator("#id_date_1").fill("2")
    lead.locator("#id_date_2").fill("2026")
    lead.get_by_role("button", name="Save the date").click()
    expect(lead.locator(".govuk-error-summary")).to_be_visible()
    check_accessibility(lead, "the letter's date, error")
    lead.locator("#id_date_0").fill("14")
    lead.locator("#id_date_1").fill("12")
    lead.get_by_role("button", name="Save the date").click()
    expect(lead.get_by_text("The letter's date has been saved.")).to_be_visible()
    expect(lead.locator("#letter-shape")).to_contain_text("14 December 2026")
    check_accessibility(lead, "letter: shaped from the organisation's template")

    # --- The draft PDF and Word file show exactly that structure -------------------------------
    with lead.expect_download() as pdf_download:
        lead.get_by_role("link", name="Draft letter (PDF)").click()
    pdf = Path(pdf_download.value.path()).read_bytes()
    assert pdf[:5] == b"%PDF-"
    _check_structure(_pdf_text(pdf))

    with lead.expect_download() as docx_download:
        lead.get_by_role("link", name="Draft letter (Word)").click()
    document = Document(docx_download.value.path())
    paragraphs = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            paragraphs.extend(cell.text for cell in row.cells)
    _check_structure("\n".join(paragraphs))
    # The sections' headings, at the level of the first one (the blocks' own subheadings, such as
    # "Strengths" within the key headlines, are a level below).
    level = next(p.style.name for p in document.paragraphs if p.text == FREE_HEADING)
    printed = [p.text for p in document.paragraphs if p.style.name == level]
    assert printed == HEADINGS, printed
