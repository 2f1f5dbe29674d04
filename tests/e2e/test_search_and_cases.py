"""A fast review day: search the review, import an Excel case list, type two commentaries."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import Workbook
from playwright.sync_api import Page, expect

from audits.models import CriterionAnswer, CriterionCommentary
from reviews.fieldwork.models import EvidenceNote, Finding
from reviews.setup.models import Framework, Kloe
from tests.audits.factories import started_audit, use_seed_002_tool
from tests.conftest import build_world
from tests.e2e.conftest import check_accessibility, sign_in
from tests.e2e.test_accessibility import OVERFLOW
from tests.factories import TEST_PASSWORD


@pytest.fixture
def world(transactional_db):
    world = build_world()
    tool = use_seed_002_tool(world.review)
    framework = Framework.objects.create(name="KLOEs", review=world.review)
    thresholds = Kloe.objects.create(framework=framework, position=1, heading="Thresholds")
    partners = Kloe.objects.create(framework=framework, position=2, heading="Partnerships")
    reviewer = world.people["reviewer"]
    note = EvidenceNote.objects.create(
        review=world.review,
        author=reviewer,
        text="Screening was timely; the <b>manager</b> explained the threshold decision.",
    )
    note.kloes.add(thresholds)
    other = EvidenceNote.objects.create(
        review=world.review, author=reviewer, text="Police were timely at strategy meetings."
    )
    other.kloes.add(partners)
    Finding.objects.create(
        review=world.review,
        kloe=thresholds,
        kind=Finding.Kind.STRENGTH,
        text="Threshold decisions are timely and clear.",
    )
    audit = started_audit(world.review, reviewer, reference="NM-7001")
    CriterionAnswer.objects.filter(audit=audit).update(comment="Timely screening recorded.")
    world.tool = tool
    return world


def test_search_finds_a_note_by_a_word_and_narrows_by_key_line(
    page: Page, live_server, world
) -> None:
    base = live_server.url
    sign_in(page, base, "reviewer@example.org", TEST_PASSWORD)
    page.goto(f"{base}/reviews/{world.review.pk}/notes/")
    # The search box is on the review's navigation.
    nav = page.get_by_role("search", name="Search this review")
    nav.get_by_label("Search this review").fill("timely")
    nav.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", name="Search this review")).to_be_visible()
    results = page.locator(".app-search-result")
    expect(page.locator("#results-heading")).to_contain_text("results for “timely”")
    note = results.filter(has_text="Screening was")
    expect(note.locator("mark")).to_have_text(["timely"])
    expect(note).to_contain_text("<b>manager</b>")  # the note's own text, shown as typed
    check_accessibility(page, "search results")

    page.get_by_text("Narrow the search").click()
    page.get_by_label("Key line of enquiry").select_option(label="2 Partnerships")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.locator("#results-heading")).to_contain_text("1 result for “timely”")
    expect(results).to_have_count(1)
    expect(results.first).to_contain_text("Police were")
    check_accessibility(page, "search results, narrowed by key line")

    # The filters alone, no words: every evidence note, newest first.
    page.goto(f"{base}/reviews/{world.review.pk}/search/?q=&kind=note")
    expect(page.locator("#results-heading")).to_have_text(
        "2 results with these filters, newest first"
    )
    expect(results.first).to_contain_text("Police were")
    expect(results.locator("mark")).to_have_count(0)
    check_accessibility(page, "search by the filters alone")

    # Reflow: the search page fits a 320 CSS pixel wide window.
    page.set_viewport_size({"width": 320, "height": 640})
    page.reload()
    check_accessibility(page, "search results at 320 CSS pixels")
    measured = page.evaluate(OVERFLOW)
    assert measured["scrollWidth"] <= 320, measured


def _xlsx() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["Case reference", "Case type", "Date", "Team", "Outcome"])
    sheet.append(["NM-8001", "Contact", dt.datetime(2026, 10, 1), "MASH", "NFA"])
    sheet.append(["NM-8002", "Section 47 enquiry", dt.datetime(2026, 10, 2), "Assessment", ""])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_case_list_is_imported_from_excel_and_filtered(page: Page, live_server, world) -> None:
    base = live_server.url
    sign_in(page, base, "host_lead@example.org", TEST_PASSWORD)
    page.goto(f"{base}/reviews/{world.review.pk}/audits/case-list/import/")
    check_accessibility(page, "add cases, Excel")
    page.get_by_label("Upload a CSV or Excel file").set_input_files(
        files=[
            {
                "name": "cases.xlsx",
                "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "buffer": _xlsx(),
            }
        ]
    )
    page.get_by_role("button", name="Check and import").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("2 cases added")
    page.get_by_label("Type").select_option(label="Section 47 enquiry")
    page.get_by_role("button", name="Filter the cases").click()
    table = page.locator("table.govuk-table")
    expect(table).to_contain_text("NM-8002")
    expect(table).not_to_contain_text("NM-8001")
    check_accessibility(page, "case list, filtered")
    page.get_by_role("link", name="Date").click()
    expect(page.locator('th[aria-sort="ascending"]')).to_contain_text("Date")
    expect(table).to_contain_text("NM-8002")  # the filter is kept
    expect(table).not_to_contain_text("NM-8001")


def test_typing_in_two_commentaries_and_saving_one_keeps_the_other(
    page: Page, live_server, world
) -> None:
    base = live_server.url
    first, second = world.tool.criteria.order_by("number")[:2]
    sign_in(page, base, "reviewer@example.org", TEST_PASSWORD)
    page.goto(f"{base}/reviews/{world.review.pk}/audits/analysis/")
    check_accessibility(page, "audit analysis with the commentary form")
    one = page.locator(f"#commentary-text-{first.pk}")
    two = page.locator(f"#commentary-text-{second.pk}")
    one.fill("Threshold decisions were clear.")
    two.fill("Consent was mostly recorded.")  # moving on from the first saves it in place
    expect(page.locator(f"#commentary-saved-{first.pk}")).to_contain_text("Saved at")
    expect(two).to_have_value("Consent was mostly recorded.")  # nothing typed is wiped
    assert (
        CriterionCommentary.objects.get(criterion=first).text == "Threshold decisions were clear."
    )
    assert not CriterionCommentary.objects.filter(criterion=second, text__gt="").exists()
    page.get_by_role("button", name="Save the commentary").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "The team commentary is saved"
    )
    assert CriterionCommentary.objects.get(criterion=second).text == "Consent was mostly recorded."
    assert (
        CriterionCommentary.objects.get(criterion=first).text == "Threshold decisions were clear."
    )
    check_accessibility(page, "audit analysis, commentary saved")
