"""Coordinators keep frameworks of key lines of enquiry. (Setting up a review, its team, timetable and
documents is part of the journey in test_review_life.py.)"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import build_world
from tests.e2e.conftest import check_accessibility, sign_in
from tests.factories import TEST_PASSWORD


@pytest.fixture
def world(transactional_db):
    return build_world()


def test_coordinator_copies_a_framework_and_is_told_a_heading_is_empty(
    page: Page, live_server, world
) -> None:
    sign_in(page, live_server.url, "coordinator@example.org", TEST_PASSWORD)
    page.get_by_role("link", name="Frameworks of key lines of enquiry").click()
    check_accessibility(page, "frameworks")
    page.get_by_role("link", name="Front door health check").click()
    check_accessibility(page, "a default framework")
    page.get_by_role("link", name="Copy this framework").click()
    page.get_by_label("Name of your copy").fill("Eastvale health check")
    page.get_by_role("button", name="Make a copy").click()
    check_accessibility(page, "change a framework")
    page.locator("#id_kloes-0-heading").fill("")
    page.locator("#id_kloes-5-heading").fill("Voice of the child")
    page.get_by_role("button", name="Save the key lines of enquiry").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Line 1: Enter the heading of this key line of enquiry"
    )
    expect(page.locator("#id_kloes-5-heading")).to_have_value("Voice of the child")
    check_accessibility(page, "change a framework, with errors")
    page.locator("#id_kloes-0-heading").fill("Thresholds, consent and step up or down")
    page.get_by_role("button", name="Save the key lines of enquiry").click()
    expect(page.get_by_text("Voice of the child")).to_be_visible()
    expect(page.get_by_text("Thresholds, consent and step up or down")).to_be_visible()
