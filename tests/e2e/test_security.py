"""Security journeys in a real browser: first sign-in with two-factor set-up, lockout, timeout warning."""

from __future__ import annotations

import base64

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from tests.conftest import build_world
from tests.e2e.conftest import check_accessibility, sign_in
from tests.factories import TEST_PASSWORD, current_code


@pytest.fixture
def world(transactional_db):
    return build_world()


def test_first_sign_in_sets_up_an_authenticator_and_shows_recovery_codes(
    page: Page, live_server, world
) -> None:
    TOTPDevice.objects.filter(user__email="host_staff@example.org").delete()
    page.goto(f"{live_server.url}/account/sign-in/")
    page.get_by_label("Email address").fill("host_staff@example.org")
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Set up two-factor sign-in")).to_be_visible()
    check_accessibility(page, "two-factor set-up")

    page.get_by_label("Enter the 6-digit code your app shows").fill("000000")
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("That code is not right")
    check_accessibility(page, "two-factor set-up, with errors")

    secret = page.locator(".app-secret code").inner_text().replace(" ", "")
    key_hex = base64.b32decode(secret + "=" * (-len(secret) % 8)).hex()
    page.get_by_label("Enter the 6-digit code your app shows").fill(current_code(key_hex))
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    expect(page.get_by_role("heading", name="Two-factor sign-in is on")).to_be_visible()
    expect(page.locator(".app-recovery-codes li")).to_have_count(10)
    check_accessibility(page, "recovery codes")
    page.get_by_role("link", name="I have saved my codes: continue").click()
    expect(page.get_by_role("heading", name="Your reviews", level=1)).to_be_visible()


def test_too_many_failures_show_the_lockout_page(page: Page, live_server, world) -> None:
    for _ in range(10):
        page.goto(f"{live_server.url}/account/sign-in/")
        page.get_by_label("Email address").fill("reviewer@example.org")
        page.get_by_label("Password").fill("a wrong password")
        page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Sign-in locked for a few minutes")).to_be_visible()
    check_accessibility(page, "locked out")


def test_the_timeout_warning_meets_wcag_2_2_1_and_staying_signed_in_extends_the_session(
    page: Page, live_server, world, settings
) -> None:
    """WCAG 2.2.1 (timing adjustable): the person is warned before the idle limit, with at least 20
    seconds to answer by a simple action, and the answer extends the session on the server."""
    # Short limits: signed out after 30 seconds idle, warned 25 seconds before.
    settings.SESSION_IDLE_TIMEOUT = 30
    settings.SESSION_TIMEOUT_WARNING = 25
    base = live_server.url
    sign_in(page, base, "reviewer@example.org", TEST_PASSWORD)
    page.goto(f"{base}/reviews/{world.review.pk}/")
    status_url = f"{base}/account/session/status/"

    # The warning is a modal dialog with a name and a description, shown before the limit...
    dialog = page.get_by_role("dialog", name="Do you want to stay signed in?")
    expect(dialog).to_be_hidden()
    expect(dialog).to_be_visible(timeout=15_000)
    left = page.request.get(status_url).json()["idle"]  # reading the status is not activity
    assert 20 <= left <= 25, f"{left} seconds left when warned: WCAG 2.2.1 asks for at least 20"
    expect(dialog).to_contain_text("You will be signed out in 1 minute")
    expect(dialog).to_have_attribute("aria-describedby", "session-timeout-message")
    assert page.evaluate("document.getElementById('session-timeout-dialog').matches(':modal')")
    check_accessibility(page, "session timeout warning")
    # ...focus moves into it, onto "Stay signed in", and the keyboard answers it.
    expect(dialog.get_by_role("button", name="Stay signed in")).to_be_focused()
    page.keyboard.press("Enter")
    expect(dialog).to_be_hidden()

    # The server counts the answer as activity: the idle limit starts again from now.
    extended = page.request.get(status_url).json()["idle"]
    assert extended >= 28 and extended > left + 2, (left, extended)
    page.reload()
    expect(page.get_by_role("heading", name=world.review.title)).to_be_visible()


def test_htmx_acts_only_for_elements_the_service_rendered_for_this_person(
    page: Page, live_server, world
) -> None:
    """Markup that reached a page from someone's text (had escaping failed) cannot drive htmx: its
    requests, which would carry the page's CSRF token, are cancelled in the browser; even with the
    attacker's own key copied into it. The service's own htmx controls still work."""
    from django.urls import reverse

    from config.context_processors import htmx_key

    base = live_server.url
    review = world.review
    sign_in(page, base, "reviewer@example.org", TEST_PASSWORD)
    page.goto(f"{base}{reverse('reviews:findings', args=[review.pk])}")
    sent: list[str] = []
    page.on("request", lambda request: sent.append(f"{request.method} {request.url}"))

    target = reverse("reviews:finding-create", args=[review.pk])
    attackers_key = htmx_key(world.people["coordinator"])
    page.evaluate(
        """([target, key]) => {
            for (const [verb, withKey] of [["hx-post", false], ["hx-get", false], ["hx-post", true]]) {
                const element = document.createElement("div");
                element.setAttribute(verb, target + "?injected=" + verb + withKey);
                element.setAttribute("hx-trigger", "load");
                if (withKey) element.setAttribute("data-hx-key", key);
                document.querySelector("main").appendChild(element);
                htmx.process(element);
            }
        }""",
        [target, attackers_key],
    )
    # The page's own control: opening "Add a finding" loads the form with htmx.
    with page.expect_response(lambda response: target in response.url):
        page.locator("#finding-add summary").click()
    expect(page.locator("#finding-add form")).to_be_visible()
    injected = [line for line in sent if "injected=" in line]
    assert not injected, f"htmx sent requests for injected markup: {injected}"
