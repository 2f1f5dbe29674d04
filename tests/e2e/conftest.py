"""Real-browser tests: Playwright for Python driving Debian's Chromium, with axe-core scans.

Chromium comes from Debian (``make test`` installs it); Playwright cannot download its own browser here.
axe-core comes from npm (node_modules/axe-core). Every page a journey visits is scanned against the
WCAG 2.0, 2.1 and 2.2 A and AA rules; any violation fails the test. The number of pages scanned is
printed at the end of the run (by tests/conftest.py, which adds up the scans of every xdist worker).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault(
    "DJANGO_ALLOW_ASYNC_UNSAFE", "true"
)  # Playwright's sync API runs an event loop

from playwright.sync_api import Browser, Error, Page, sync_playwright

from tests.conftest import AXE_SCANS

ROOT = Path(__file__).resolve().parents[2]
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
# Summed up at the end of the run by tests/conftest.py (across xdist workers too).
SCANNED = AXE_SCANS


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium not found at {CHROMIUM}. Run `make test` (it installs Debian's chromium)."
        )
    if not AXE_JS.exists():
        pytest.fail("axe-core not found in node_modules. Run `make test` (it runs npm ci).")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


def watch_errors(page: Page, errors: list[str] | None = None) -> list[str]:
    """Collect what the browser reports as broken on this page: script and CSP errors, and any
    sub-resource (script, style, image, XHR) answered with 4xx/5xx. Returns the list it fills."""
    errors = [] if errors is None else errors

    def on_console(msg) -> None:  # type: ignore[no-untyped-def]
        # A document's own 4xx status is logged as "Failed to load resource"; sub-resources are
        # checked below, so only script and CSP errors count here.
        if msg.type == "error" and not msg.text.startswith("Failed to load resource"):
            errors.append(msg.text)

    def on_response(response) -> None:  # type: ignore[no-untyped-def]
        if response.status >= 400 and response.request.resource_type != "document":
            errors.append(f"{response.status} for {response.url}")

    page.on("console", on_console)
    page.on("response", on_response)
    watch_navigation(page)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return errors


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1200, "height": 900}, locale="en-GB")
    page = context.new_page()
    errors = watch_errors(page)
    yield page
    context.close()
    assert not errors, f"The browser reported errors: {errors}"


def screenshot(page: Page, name: str, *, full_page: bool = False) -> None:
    """Save a screenshot of the page for the README, when SCREENSHOTS_DIR is set (`make screenshots`).

    Ordinary test runs take none, so that they never change files under version control."""
    folder = os.environ.get("SCREENSHOTS_DIR")
    if folder:
        path = Path(folder)
        path.mkdir(parents=True, exist_ok=True)
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=path / f"{name}.png", full_page=full_page)


class _Navigation:
    """What a page's main frame is doing: how many navigations it has started, and whether the
    latest has yet to arrive (a click on a link returns before the next page has come back)."""

    def __init__(self) -> None:
        self.started = 0
        self.pending = False


def watch_navigation(page: Page) -> _Navigation:
    """Follow the page's navigations, once, so that a scan waits for the page a click asked for."""
    existing = getattr(page, "_scan_navigation", None)
    if existing is not None:
        return existing
    state = _Navigation()

    def on_request(request) -> None:  # type: ignore[no-untyped-def]
        if request.is_navigation_request() and request.frame == page.main_frame:
            state.started += 1
            state.pending = True

    def on_arrived(frame) -> None:  # type: ignore[no-untyped-def]
        if frame == page.main_frame:
            state.pending = False

    def on_download(_download) -> None:  # type: ignore[no-untyped-def]
        state.pending = False  # a file, not a page: no page will come

    def on_failed(request) -> None:  # type: ignore[no-untyped-def]
        if request.is_navigation_request() and request.frame == page.main_frame:
            state.pending = False

    page.on("request", on_request)
    page.on("framenavigated", on_arrived)
    page.on("download", on_download)
    page.on("requestfailed", on_failed)
    page._scan_navigation = state  # type: ignore[attr-defined]
    return state


def settle(page: Page) -> None:
    """Wait until the page a click or a form asked for has arrived and loaded."""
    state = watch_navigation(page)
    if state.pending:
        page.wait_for_event("framenavigated", lambda frame: frame == page.main_frame)
        state.pending = False
    page.wait_for_load_state("load")


def check_accessibility(page: Page, label: str) -> None:
    """Scan the page as it is now with axe-core; fail with the violations if there are any.

    The scan is of the page a click asked for: it waits for that page to arrive, and scans again
    if a navigation began while it ran (the old page can go from under axe-core mid-scan)."""
    state = watch_navigation(page)
    for _attempt in range(3):
        settle(page)
        started = state.started
        try:
            result = _axe(page)
        except Error:
            if state.started == started:
                raise
            continue
        if state.started == started:
            break
    else:
        pytest.fail(f"{label} kept navigating while axe-core scanned it")
    violations = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
    ]
    SCANNED.append(label)
    assert not violations, f"axe-core found violations on {label}:\n" + "\n".join(violations)


def _axe(page: Page) -> dict:
    # Evaluated through the DevTools protocol: the app's CSP (rightly) refuses injected <script> tags.
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_JS.read_text(encoding="utf-8"))
    return page.evaluate(
        "async (tags) => await axe.run(document, "
        "{runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        AXE_TAGS,
    )


def check_accessibility_without_javascript(page: Page, label: str) -> None:
    """Scan a page of a context with JavaScript off. axe-core cannot run there (its promise waits on
    timers that never fire, so the scan would hang), so the page's HTML as it is now is served again,
    at the same address, to a page with JavaScript on, and scanned there."""
    settle(page)
    html = page.content()
    assert page.context.browser is not None
    context = page.context.browser.new_context(locale="en-GB")
    try:
        scan = context.new_page()
        url = page.url
        scan.route(
            url, lambda route: route.fulfill(status=200, content_type="text/html", body=html)
        )
        scan.goto(url)
        check_accessibility(scan, label)
    finally:
        context.close()


def sign_in(page: Page, base_url: str, email: str, password: str) -> None:
    """Sign in as a person would: password, then the code from their authenticator app."""
    watch_navigation(page)
    page.goto(f"{base_url}/account/sign-in/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    # On to the second step before looking at it (a loaded machine can be slow to answer).
    page.wait_for_url(lambda url: "/account/sign-in/" not in url)
    enter_second_factor(page, email)


def enter_second_factor(page: Page, email: str) -> None:
    """Answer the two-factor step if it is shown (set-up on first sign-in, else the code)."""
    import base64

    from tests.factories import current_code, unused_code

    page.wait_for_load_state()
    if "/account/two-factor/set-up/" in page.url:
        secret = page.locator(".app-secret code").inner_text().replace(" ", "")
        key_hex = base64.b32decode(secret + "=" * (-len(secret) % 8)).hex()
        page.get_by_label("Enter the 6-digit code your app shows").fill(current_code(key_hex))
        page.get_by_role("button", name="Turn on two-factor sign-in").click()
        page.get_by_role("link", name="I have saved my codes: continue").click()
    elif "/account/two-factor/" in page.url:
        page.get_by_label("Code from your authenticator app, or a recovery code").fill(
            unused_code(email)
        )
        page.get_by_role("button", name="Continue").click()
    # Signed in only once the answer has come back: a test that goes straight on to another page
    # must not cut the code's submission short.
    page.wait_for_url(lambda url: "/account/two-factor/" not in url)
    page.wait_for_load_state()
