"""The letter's whole path in a real browser: the lead reviewer edits a section and shares the draft,
the host lead contact comments, the lead accepts and corrects, issues version 1, host staff download it;
a later change is issued as version 2 and version 1 is unchanged. Every page is scanned with axe-core.
"""

from __future__ import annotations

import hashlib

import pytest
from playwright.sync_api import Browser, Page, expect

from reports.models import LetterVersion
from tests.e2e.conftest import check_accessibility, sign_in
from tests.factories import TEST_PASSWORD
from tests.reports.seed002 import build_seed_002_review


@pytest.fixture
def seed(transactional_db):
    review, people = build_seed_002_review()
    return review, people


def _person(browser: Browser, base: str, email: str) -> Page:
    context = browser.new_context(
        viewport={"width": 1200, "height": 900}, locale="en-GB", accept_downloads=True
    )
    page = context.new_page()
    sign_in(page, base, email, TEST_PASSWORD)
    return page


def test_edit_share_comment_accept_issue_download_and_version_two(
    page: Page, live_server, seed, browser: Browser
) -> None:
    review, people = seed
    base = live_server.url
    letter_url = f"{base}/reviews/{review.pk}/letter/"

    # The lead reviewer reads the draft and edits "Next steps".
    sign_in(page, base, people["lead"].email, TEST_PASSWORD)
    page.goto(letter_url)
    expect(page.get_by_role("heading", name="Feedback letter", level=1)).to_be_visible()
    expect(page.get_by_text("Annex 1: case file audit")).to_be_visible()
    check_accessibility(page, "letter: draft preview")
    page.get_by_role("link", name="Edit “6. Next steps”").click()
    check_accessibility(page, "letter: edit a section")
    text = page.get_by_label("Text of the section")
    text.fill("")
    page.get_by_role("button", name="Save the section").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    check_accessibility(page, "letter: edit a section, error")
    page.get_by_label("Text of the section").fill(
        "Please tell Rob Maynard of any factual inaccuracy by 20 July 2018."
    )
    page.get_by_role("button", name="Save the section").click()
    expect(page.get_by_text("Please tell Rob Maynard of any factual inaccuracy")).to_be_visible()
    page.get_by_role(
        "button", name="Share the draft with the host for a factual accuracy check"
    ).click()
    expect(page.get_by_text("Shared with the host for a factual accuracy check")).to_be_visible()

    # The host lead contact comments on a passage.
    host = _person(browser, base, people["host_lead"].email)
    try:
        host.goto(letter_url)
        check_accessibility(host, "letter: shared draft, as the host lead contact")
        host.get_by_role("link", name="Comment on the draft").click()
        host.get_by_role("button", name="Send the comment").click()
        expect(host.locator(".govuk-error-summary")).to_be_visible()
        check_accessibility(host, "letter: comments, error")
        host.get_by_label("Which part of the letter is it about?").select_option(label="2. Process")
        host.get_by_label("The passage (optional)").fill(
            "This activity took place on 26, 27 and 28 June 2018."
        )
        host.get_by_label("Your comment").fill("The feedback session was on 29 June.")
        host.get_by_role("button", name="Send the comment").click()
        expect(host.get_by_text("Your comment has been sent")).to_be_visible()
    finally:
        host.context.close()

    # The lead reviewer accepts it and corrects the section.
    page.goto(f"{letter_url}comments/")
    check_accessibility(page, "letter: comments, as the lead reviewer")
    page.get_by_label("Accept: the letter will be corrected").check()
    page.get_by_label("Your reply to the host").fill("Thank you: corrected.")
    page.get_by_role("button", name="Send the reply").click()
    expect(page.get_by_role("heading", name="Edit “2. Process”")).to_be_visible()
    field = page.get_by_label("Text of the section")
    field.fill(field.input_value().replace("26, 27 and 28 June 2018", "26, 27 and 29 June 2018"))
    page.get_by_role("button", name="Save the section").click()
    page.get_by_role("button", name="Issue the letter").click()
    expect(page.get_by_role("heading", name="Issued letters")).to_be_visible()
    check_accessibility(page, "letter: issued versions")

    # Host staff download version 1: the file is the one stored when it was issued.
    staff = _person(browser, base, people["host_staff"].email)
    try:
        staff.goto(f"{base}/reviews/{review.pk}/")
        staff.get_by_role("link", name="Issued letters").click()
        with staff.expect_download() as info:
            staff.get_by_role("link", name="PDF of version 1").click()
        downloaded = open(info.value.path(), "rb").read()  # noqa: SIM115 - read once
    finally:
        staff.context.close()
    v1 = LetterVersion.objects.get(letter__review=review, number=1)
    assert hashlib.sha256(downloaded).hexdigest() == v1.pdf_sha256

    # A later change makes version 2; version 1 is unchanged.
    page.goto(letter_url)
    page.get_by_role("link", name="Edit “6. Next steps”").click()
    page.get_by_label("Text of the section").fill("Updated after the improvement board.")
    page.get_by_role("button", name="Save the section").click()
    page.get_by_role("button", name="Issue version 2").click()
    expect(page.get_by_text("Version 2 of the letter has been issued")).to_be_visible()
    v1_again = LetterVersion.objects.get(letter__review=review, number=1)
    with v1_again.pdf.open("rb") as handle:
        assert hashlib.sha256(handle.read()).hexdigest() == v1.pdf_sha256
    assert v1_again.pdf_sha256 == v1.pdf_sha256
    assert LetterVersion.objects.get(letter__review=review, number=2).pdf_sha256 != v1.pdf_sha256
