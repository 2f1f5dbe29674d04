"""Reviewers' work in a real browser: findings added side by side, a conflict, a timed-out session
and a keyboard-only path. Every page and error state is scanned with axe-core."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import Browser, Page, expect

from reviews.fieldwork.models import Finding
from reviews.setup.models import Framework, Kloe
from tests.conftest import build_world
from tests.e2e.conftest import check_accessibility, sign_in
from tests.factories import TEST_PASSWORD, unused_code


@pytest.fixture
def world(transactional_db):
    world = build_world()
    framework = Framework.objects.create(name="KLOEs", review=world.review)
    Kloe.objects.create(framework=framework, position=1, heading="Thresholds and policies")
    Kloe.objects.create(framework=framework, position=2, heading="Quality of practice")
    return world


def _findings_url(base: str, world) -> str:
    return f"{base}/reviews/{world.review.pk}/findings/"


def _add_inline(page: Page, text: str, kind: str) -> None:
    page.get_by_text("Add a finding", exact=True).click()
    form = page.locator("#finding-add form")
    form.get_by_label(kind, exact=True).check()
    form.get_by_label("Finding", exact=True).fill(text)
    form.get_by_role("button", name="Add the finding").click()


def test_two_reviewers_add_findings_and_a_conflicting_edit_shows_both_texts(
    page: Page, live_server, world, browser: Browser
) -> None:
    base = live_server.url
    sign_in(page, base, "reviewer@example.org", TEST_PASSWORD)
    page.goto(_findings_url(base, world))
    check_accessibility(page, "findings, empty")
    _add_inline(page, "Partners value the **MASH**.", "Strength")
    expect(page.locator(".app-finding").filter(has_text="Partners value the MASH.")).to_be_visible()
    expect(page.locator("strong", has_text="MASH")).to_be_visible()
    assert "findings/new" not in page.url  # added in place, no page change

    lead_context = browser.new_context(viewport={"width": 1200, "height": 900}, locale="en-GB")
    lead = lead_context.new_page()
    try:
        sign_in(lead, base, "lead_reviewer@example.org", TEST_PASSWORD)
        lead.goto(_findings_url(base, world))
        _add_inline(lead, "Consent is not always recorded.", "Area for consideration")
        expect(lead.get_by_text("Partners value the MASH.", exact=True)).to_be_visible()
        expect(lead.get_by_text("Consent is not always recorded.", exact=True)).to_be_visible()

        finding = Finding.objects.get(text="Partners value the **MASH**.")
        # The lead reviewer opens the finding to change it...
        lead.locator(f"#finding-{finding.pk}").get_by_role("link", name="Change").click()
        lead_text = lead.locator(f"#finding-{finding.pk} textarea")
        expect(lead_text).to_be_visible()
        # ...while the reviewer changes it first.
        page.reload()
        page.locator(f"#finding-{finding.pk}").get_by_role("link", name="Change").click()
        page.locator(f"#finding-{finding.pk} textarea").fill("Partners value the MASH highly.")
        page.locator(f"#finding-{finding.pk}").get_by_role(
            "button", name="Save the finding"
        ).click()
        expect(page.get_by_text("Partners value the MASH highly.", exact=True)).to_be_visible()

        lead_text.fill("Partners and schools value the MASH.")
        lead.locator(f"#finding-{finding.pk}").get_by_role(
            "button", name="Save the finding"
        ).click()
        conflict = lead.locator(f"#finding-{finding.pk}")
        expect(
            conflict.get_by_text("Someone else changed this while you were editing it").first
        ).to_be_visible()
        expect(conflict.locator("[data-latest-text]")).to_contain_text(
            "Partners value the MASH highly."
        )
        expect(conflict.locator("textarea")).to_have_value("Partners and schools value the MASH.")
        check_accessibility(lead, "finding edit conflict")
        finding.refresh_from_db()
        assert finding.text == "Partners value the MASH highly."

        # Saving again after reading both keeps the lead reviewer's combined words.
        conflict.locator("textarea").fill("Partners, and schools, value the MASH highly.")
        conflict.get_by_role("button", name="Save the finding").click()
        expect(
            lead.get_by_text("Partners, and schools, value the MASH highly.", exact=True)
        ).to_be_visible()
    finally:
        lead_context.close()


def test_a_session_that_expires_while_typing_loses_nothing(
    page: Page, live_server, world, settings
) -> None:
    base = live_server.url
    settings.SESSION_IDLE_TIMEOUT = 600
    finding = Finding.objects.create(review=world.review, kind="strength", text="First words.")
    sign_in(page, base, "reviewer@example.org", TEST_PASSWORD)
    page.goto(f"{base}/reviews/{world.review.pk}/findings/{finding.pk}/")
    check_accessibility(page, "change a finding")
    page.get_by_label("Finding", exact=True).fill("Half an hour of careful words.")
    # The person goes quiet for longer than the (shortened) idle limit, then saves.
    settings.SESSION_IDLE_TIMEOUT = 2
    time.sleep(3)
    page.get_by_role("button", name="Save the finding").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    settings.SESSION_IDLE_TIMEOUT = 600
    page.get_by_label("Email address").fill("reviewer@example.org")
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    # The code used a moment ago cannot be used again: the next one is (one step of clock drift), so
    # the person need not wait for their app to show a fresh code.
    page.get_by_label("Code from your authenticator app, or a recovery code").fill(
        unused_code("reviewer@example.org")
    )
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_label("Finding", exact=True)).to_have_value("Half an hour of careful words.")
    expect(page.get_by_text("You were signed out before your changes were saved")).to_be_visible()
    check_accessibility(page, "finding restored after sign-in")
    page.get_by_role("button", name="Save the finding").click()
    finding.refresh_from_db()
    assert finding.text == "Half an hour of careful words."


def _tab_to(page: Page, check: str, limit: int = 120) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(check):
            return
    raise AssertionError(f"Could not reach the element by keyboard: {check}")


def test_a_finding_can_be_added_with_the_keyboard_alone_and_a_draft_survives_a_reload(
    page: Page, live_server, world
) -> None:
    base = live_server.url
    sign_in(page, base, "reviewer@example.org", TEST_PASSWORD)
    page.goto(_findings_url(base, world))
    _tab_to(page, "document.activeElement.textContent.trim() === 'Add a finding'")
    page.keyboard.press("Enter")
    expect(page.locator("#finding-add form")).to_be_visible()  # fetched into place on opening
    _tab_to(page, "document.activeElement.type === 'radio'")
    page.keyboard.press("Space")  # the first kind: Strength
    _tab_to(page, "document.activeElement.tagName === 'TEXTAREA'")
    page.keyboard.type("Typed with the keyboard alone.")
    page.wait_for_timeout(600)  # the draft is kept as the person types
    page.reload()
    page.get_by_text("Add a finding", exact=True).click()
    textarea = page.locator("#finding-add form textarea")
    expect(textarea).to_have_value("Typed with the keyboard alone.")
    textarea.focus()
    _tab_to(page, "document.activeElement.textContent.trim() === 'Add the finding'")
    page.keyboard.press("Enter")
    expect(page.get_by_role("link", name="Choose whether this is a strength")).to_be_visible()
    check_accessibility(page, "add a finding, error")
    _tab_to(page, "document.activeElement.type === 'radio'")
    page.keyboard.press("Space")
    _tab_to(page, "document.activeElement.textContent.trim() === 'Add the finding'")
    page.keyboard.press("Enter")
    expect(
        page.locator(".app-finding").get_by_text("Typed with the keyboard alone.", exact=True)
    ).to_be_visible()
    assert Finding.objects.get().text == "Typed with the keyboard alone."
    check_accessibility(page, "findings with one finding")
