"""A fast review day in a real browser (issue 22): a reviewer captures three evidence notes in a row
from "Today" with the keyboard alone (the session running now chosen, its key lines ticked, "Save and
add another" back in the note's box); the lead reviewer agrees all the drafts of a key line after one
confirmation. Every page is scanned with axe-core; Today and the notes page reflow at 320 px with the
review's menu folded away."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from audits.models import Case, CaseAudit, SampleStatus
from reviews.fieldwork.models import EvidenceNote, Finding
from reviews.schedule.models import ReviewDay, Session
from reviews.setup.models import LONDON, Framework, Kloe
from tests.conftest import build_world
from tests.e2e.conftest import check_accessibility, sign_in
from tests.e2e.test_accessibility import OVERFLOW
from tests.factories import TEST_PASSWORD


@pytest.fixture
def world(transactional_db):
    world = build_world()
    framework = Framework.objects.create(name="KLOEs", review=world.review)
    kloes = [
        Kloe.objects.create(framework=framework, position=1, heading="Thresholds and policies"),
        Kloe.objects.create(framework=framework, position=2, heading="Quality of practice"),
        Kloe.objects.create(framework=framework, position=3, heading="Voice of the child"),
    ]
    today = timezone.localtime(timezone.now(), LONDON).date()
    day = ReviewDay.objects.create(review=world.review, date=today)
    running = Session.objects.create(  # running now, whatever the time of the test
        review=world.review,
        day=day,
        kind=Session.Kind.OBSERVATION,
        title="Observation in the MASH",
        start_time=dt.time(0),
        end_time=dt.time(23, 59, 59),
        place="Civic Centre, room 4",
    )
    running.reviewers.set([world.user("reviewer"), world.user("lead_reviewer")])
    running.host_people.set([world.user("host_staff")])
    running.kloes.set(kloes[:2])
    tomorrow = ReviewDay.objects.create(review=world.review, date=today + dt.timedelta(days=1))
    later = Session.objects.create(
        review=world.review,
        day=tomorrow,
        kind=Session.Kind.FOCUS_GROUP,
        title="Focus group with social workers",
        start_time=dt.time(9),
        end_time=dt.time(10),
    )
    later.reviewers.set([world.user("reviewer")])
    for n, status in enumerate((CaseAudit.Status.COMPLETE, None)):
        case = Case.objects.create(
            review=world.review,
            reference=f"NM-51{n}",
            case_type="contact",
            assigned_to=world.user("reviewer"),
            sample_status=SampleStatus.SAMPLED,
        )
        if status:
            CaseAudit.objects.create(case=case, auditor=world.user("reviewer"), status=status)
    world.kloes = kloes
    world.running = running
    return world


def _tab_to(page: Page, name: str, limit: int = 120) -> None:
    """Press Tab until the focused element's text or label starts with ``name``."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        text = page.evaluate(
            "() => (document.activeElement.innerText || document.activeElement.value || '').trim()"
        )
        if text.startswith(name):
            return
    raise AssertionError(f"{name!r} not reached with the Tab key")


def _focused_id(page: Page) -> str:
    return page.evaluate("() => document.activeElement.id")


def _assert_reflows(page: Page, label: str) -> None:
    measured = page.evaluate(OVERFLOW)
    assert measured["scrollWidth"] <= 320, f"{label}: {measured}"


def test_a_reviewer_captures_three_notes_from_today_with_the_keyboard_alone(
    page: Page, live_server, world
) -> None:
    base = live_server.url
    sign_in(page, base, "reviewer@example.org", TEST_PASSWORD)
    # "Your reviews" says what is on today, and links to it.
    expect(page.get_by_role("link", name="Your 1 session today", exact=False)).to_be_visible()
    page.goto(f"{base}/reviews/{world.review.pk}/today/")
    expect(page.get_by_role("heading", name="Observation in the MASH")).to_be_visible()
    expect(page.get_by_text("Civic Centre, room 4")).to_be_visible()
    expect(page.get_by_text("1 Thresholds and policies; 2 Quality of practice")).to_be_visible()
    expect(page.get_by_role("heading", name="Focus group with social workers")).to_be_visible()
    expect(page.get_by_text("1 of 2 case audits complete")).to_be_visible()
    check_accessibility(page, "today")

    _tab_to(page, "Add a note to this session")
    page.keyboard.press("Enter")
    page.wait_for_url("**/notes/**")
    form = page.locator("#note-add")
    expect(form.get_by_label("Session")).to_have_value(str(world.running.pk))
    expect(form.get_by_label("1 Thresholds and policies")).to_be_checked()
    expect(form.get_by_label("2 Quality of practice")).to_be_checked()
    expect(form.get_by_label("3 Voice of the child")).not_to_be_checked()
    check_accessibility(page, "evidence notes, the form open")
    # The documented shortcut puts the cursor in the note's box from anywhere on the page.
    page.locator("body").focus()
    page.keyboard.press("Alt+Shift+KeyN")
    assert _focused_id(page) == "note-text"

    texts = [
        "Screening decisions recorded within 24 hours.",
        "Consent sought and recorded before checks.",
        "Police and health attend strategy discussions.",
    ]
    for n, text in enumerate(texts):
        assert _focused_id(page) == "note-text", f"note {n + 1}: focus not in the note's box"
        page.keyboard.type(text)
        page.keyboard.press("Tab")  # on to "Save and add another"
        page.keyboard.press("Enter")
        page.wait_for_load_state()
        expect(page.get_by_text("Evidence note added. Add another.")).to_be_visible()
        expect(page.locator(".app-note", has_text=text)).to_be_visible()
        # The session and key lines kept, the box empty, focus back in it.
        expect(form.get_by_label("Session")).to_have_value(str(world.running.pk))
        expect(form.get_by_label("1 Thresholds and policies")).to_be_checked()
        expect(form.get_by_label("What you saw or heard")).to_have_value("")
    assert _focused_id(page) == "note-text"
    check_accessibility(page, "evidence notes, after Save and add another")
    notes = list(EvidenceNote.objects.order_by("pk"))
    assert [n.text for n in notes] == texts
    for note in notes:
        assert note.session == world.running
        assert set(note.kloes.all()) == set(world.kloes[:2])
        assert note.author == world.user("reviewer")


def test_today_and_the_notes_page_reflow_at_320_pixels_with_the_menu_folded(
    browser: Browser, live_server, world
) -> None:
    context = browser.new_context(viewport={"width": 320, "height": 640}, locale="en-GB")
    page = context.new_page()
    try:
        sign_in(page, live_server.url, "reviewer@example.org", TEST_PASSWORD)
        for path, label in (("today/", "today"), ("notes/", "evidence notes")):
            page.goto(f"{live_server.url}/reviews/{world.review.pk}/{path}")
            menu = page.locator("details.app-review-nav__details")
            expect(menu).not_to_have_attribute("open", "")
            expect(page.get_by_role("link", name="Timetable", exact=True)).to_be_hidden()
            check_accessibility(page, f"{label} at 320 CSS pixels")
            _assert_reflows(page, label)
            # The menu is one click (or Enter) away.
            page.get_by_text("Menu for this review").click()
            expect(page.get_by_role("link", name="Timetable", exact=True)).to_be_visible()
            _assert_reflows(page, f"{label}, menu open")
        # On a wide screen the menu is simply there.
        page.set_viewport_size({"width": 1200, "height": 900})
        page.reload()
        expect(page.get_by_role("link", name="Timetable", exact=True)).to_be_visible()
        expect(page.get_by_text("Menu for this review")).to_be_hidden()
    finally:
        context.close()


def test_the_lead_reviewer_agrees_all_the_drafts_of_a_key_line_in_one_go(
    page: Page, live_server, world
) -> None:
    thresholds, practice = world.kloes[0], world.kloes[1]
    for text in ("Thresholds are understood.", "Screening is timely.", "Consent is recorded."):
        Finding.objects.create(review=world.review, kloe=thresholds, kind="strength", text=text)
    Finding.objects.create(review=world.review, kloe=practice, kind="area", text="Plans vary.")
    base = live_server.url
    sign_in(page, base, "lead_reviewer@example.org", TEST_PASSWORD)
    page.goto(f"{base}/reviews/{world.review.pk}/findings/")
    expect(page.locator(".app-findings-count")).to_have_text("0 of 4 findings agreed.")
    page.get_by_role("link", name="Agree the 3 draft findings under 1 Thresholds").click()
    expect(page.get_by_role("heading", name="Agree 3 draft findings")).to_be_visible()
    expect(page.get_by_text("Plans vary.")).to_have_count(0)
    check_accessibility(page, "agree all, confirmation")
    page.get_by_role("button", name="Agree these 3 findings").click()
    expect(page.get_by_text("3 findings agreed (1 Thresholds and policies).")).to_be_visible()
    expect(page.locator(".app-findings-count")).to_have_text("3 of 4 findings agreed.")
    check_accessibility(page, "findings, three agreed")
    assert Finding.objects.filter(status=Finding.Status.AGREED).count() == 3
    assert Finding.objects.get(text="Plans vary.").status == Finding.Status.DRAFT
