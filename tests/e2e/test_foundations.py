"""Whole journeys in a real browser, with an accessibility scan of every page they visit."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import build_world
from tests.e2e.conftest import check_accessibility, enter_second_factor, sign_in
from tests.factories import TEST_PASSWORD


@pytest.fixture
def world(transactional_db):
    return build_world()


def test_host_lead_signs_in_finds_the_review_and_signs_out(page: Page, live_server, world) -> None:
    base = live_server.url
    page.goto(f"{base}/")
    expect(page).to_have_url(f"{base}/account/sign-in/?next=/")
    check_accessibility(page, "sign in")

    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter your email address")
    check_accessibility(page, "sign in, with errors")

    page.get_by_label("Email address").fill("host_lead@example.org")
    page.get_by_label("Password").fill("not the password at all")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter a correct email address and password"
    )
    expect(page.get_by_label("Email address")).to_have_value("host_lead@example.org")

    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Enter your security code")).to_be_visible()
    check_accessibility(page, "two-factor code")
    enter_second_factor(page, "host_lead@example.org")
    expect(page.get_by_role("heading", name="Your reviews", level=1)).to_be_visible()
    expect(page.get_by_text("Host lead contact")).to_be_visible()
    expect(page.get_by_text(world.other_review.title)).to_have_count(0)
    check_accessibility(page, "your reviews")

    page.get_by_role("link", name=world.review.title).click()
    expect(page.get_by_role("heading", name=world.review.title)).to_be_visible()
    expect(page.get_by_text("You are the host lead contact on this review.")).to_be_visible()
    expect(page.locator(".app-team-list")).to_contain_text(world.people["lead_reviewer"].full_name)
    check_accessibility(page, "review overview")

    page.get_by_role("link", name="Accessibility statement").click()
    check_accessibility(page, "accessibility statement")
    page.get_by_role("link", name="Privacy notice").click()
    check_accessibility(page, "privacy notice")

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(f"{base}/account/sign-in/")


def test_an_outsider_gets_page_not_found_for_another_authoritys_review(
    page: Page, live_server, world
) -> None:
    sign_in(page, live_server.url, "other_host_staff@example.org", TEST_PASSWORD)
    response = page.goto(f"{live_server.url}/reviews/{world.review.pk}/")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    check_accessibility(page, "page not found")


def test_forgotten_password_page_explains_errors(page: Page, live_server, world) -> None:
    page.goto(f"{live_server.url}/account/sign-in/")
    page.get_by_role("link", name="Forgotten your password?").click()
    check_accessibility(page, "reset your password")
    page.get_by_label("Email address").fill("not an email")
    page.get_by_role("button", name="Send the link").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter an email address in the correct format"
    )
    check_accessibility(page, "reset your password, with errors")
    page.get_by_label("Email address").fill("reviewer@example.org")
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    check_accessibility(page, "check your email")
