"""The improvement journey in a real browser (issue 23): the host lead contact reads the trends,
records a board meeting with a RAG rating of every priority, edits a section of the journey report
and issues it. Every distinct page is scanned with axe-core: no violations."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from demo.journey import build_journey
from tests.conftest import build_world
from tests.e2e.conftest import check_accessibility, sign_in
from tests.factories import TEST_PASSWORD


@pytest.fixture
def world(transactional_db):
    world = build_world()
    build_journey(authority=world.host_org, lead=world.lead_org, user=world.people["host_lead"])
    return world


def test_trends_priorities_and_the_journey_report(page: Page, live_server, world) -> None:
    base = live_server.url
    pk = world.host_org.pk
    sign_in(page, base, "host_lead@example.org", TEST_PASSWORD)

    page.goto(f"{base}/authorities/{pk}/history/")
    page.get_by_role("link", name="Trends in case audits").click()
    expect(page.get_by_role("heading", name="Trends in case audits")).to_be_visible()
    expect(page.locator("#trend-table")).to_contain_text("of 10 cases")
    check_accessibility(page, "trends in case audits")

    page.get_by_role("link", name="Improvement priorities").click()
    expect(page.locator("#rag-history")).to_contain_text("Amber")
    check_accessibility(page, "improvement priorities")
    page.get_by_role("link", name="Record a board meeting").click()
    page.get_by_role("button", name="Record the meeting").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Choose a RAG rating for priority A"
    )
    check_accessibility(page, "record a board meeting, errors")
    page.locator("#id_date_0").fill("1")
    page.locator("#id_date_1").fill("9")
    page.locator("#id_date_2").fill("2025")
    page.get_by_label("What the board reviewed").fill("The scorecard and the June audit")
    for letter in "ABCDEF":
        page.locator("fieldset", has_text=f"Priority {letter}: RAG rating").get_by_label(
            "Green"
        ).check()
    page.get_by_role("button", name="Record the meeting").click()
    expect(page.get_by_text("Board meeting recorded.")).to_be_visible()
    expect(page.locator("#rag-history th[scope=col]")).to_have_count(5)

    page.get_by_role("link", name="Journey reports").first.click()
    page.wait_for_url("**/journey-reports/")
    check_accessibility(page, "journey reports")
    page.get_by_role("link", name="improvement journey progress").click()
    # The report is composed from the whole journey as the page loads: slower on a loaded machine.
    expect(page.locator("#section-analysis")).to_contain_text("six green", timeout=20_000)
    check_accessibility(page, "journey report")
    page.get_by_role("link", name="Edit the section Options").click()
    check_accessibility(page, "edit a section of the journey report")
    page.get_by_label("Text of the section").fill("No options are put forward.")
    page.get_by_role("button", name="Save the section").click()
    expect(page.locator("#section-options")).to_contain_text("No options are put forward.")
    # The council's own format: a heading renamed and a section left out, on the report's own copy.
    page.get_by_role("link", name="Change the sections of the report").click()
    check_accessibility(page, "the journey report's sections")
    options = page.get_by_role("group", name=re.compile(r"^Section \d+: Options$"))
    options.get_by_label("Heading (optional: none continues the section before)").fill(
        "Options considered"
    )
    page.get_by_role("group", name=re.compile(r"^Section \d+: Consultation$")).get_by_label(
        "Leave out of the report"
    ).check()
    page.get_by_role("button", name="Save the sections").click()
    expect(page.get_by_text("The report’s sections are saved.")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Options considered")
    expect(page.locator("#section-consultation")).to_have_count(0)
    page.get_by_role("button", name="Issue the report").click()
    expect(page.get_by_text("Version 1 issued.")).to_be_visible()
    expect(page.get_by_role("link", name="PDF of version 1")).to_be_visible()
