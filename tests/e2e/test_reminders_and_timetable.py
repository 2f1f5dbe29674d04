"""In a real browser: the safeguarding banner on every page until the alert is acknowledged, and the
coordinator publishing the timetable, changing a session and sending the changes, with the grid at
320 CSS pixels. Every page scanned with axe-core."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from audits.services.alerts import raise_alert
from reviews.schedule.models import ReviewDay, Session
from tests.audits.factories import started_audit
from tests.conftest import build_world
from tests.e2e.conftest import check_accessibility, sign_in
from tests.e2e.test_accessibility import OVERFLOW
from tests.factories import TEST_PASSWORD


@pytest.fixture
def world(transactional_db):
    world = build_world()
    day = ReviewDay.objects.create(review=world.review, date=dt.date(2026, 11, 17))
    for title, start, end in (("Opening meeting", 9, 10), ("Observation in the MASH", 10, 12)):
        session = Session.objects.create(
            review=world.review,
            day=day,
            kind=Session.Kind.OBSERVATION,
            title=title,
            start_time=dt.time(start),
            end_time=dt.time(end),
            place="Civic Centre, room 2",
        )
        session.reviewers.set([world.people["reviewer"], world.people["lead_reviewer"]])
        session.host_people.set([world.people["host_lead"]])
    return world


def test_the_banner_stays_until_the_alert_is_acknowledged(page: Page, live_server, world) -> None:
    audit = started_audit(world.review, world.people["reviewer"])
    raise_alert(case=audit.case, user=world.people["reviewer"], concern="Unassessed risk.")
    base = live_server.url
    sign_in(page, base, "host_lead@example.org", TEST_PASSWORD)
    banner = page.locator("[data-testid=important-banner]")
    for path, label in (
        ("/", "your reviews, with the safeguarding banner"),
        (f"/reviews/{world.review.pk}/timetable/", "timetable, with the safeguarding banner"),
    ):
        page.goto(base + path)
        expect(banner).to_be_visible()
        expect(banner.locator(".govuk-notification-banner__title")).to_have_text("Important")
        check_accessibility(page, label)
    banner.get_by_role("link", name="Read and acknowledge the safeguarding alert").click()
    page.get_by_role("button", name="I have read this alert and will act on it").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("acknowledged")
    expect(banner).to_have_count(0)
    page.goto(base + "/")
    expect(banner).to_have_count(0)
    check_accessibility(page, "your reviews, alert acknowledged")


def test_the_coordinator_publishes_then_sends_the_changes_once(
    page: Page, live_server, world
) -> None:
    base = live_server.url
    timetable = f"{base}/reviews/{world.review.pk}/timetable/"
    sign_in(page, base, "coordinator@example.org", TEST_PASSWORD)
    page.goto(timetable)
    expect(page.locator("#timetable-publication")).to_contain_text("Draft: not published")
    check_accessibility(page, "timetable, draft")
    mail.outbox.clear()
    page.get_by_role("button", name="Publish the timetable").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "The timetable is published"
    )
    check_accessibility(page, "timetable, published")
    assert len(mail.outbox) == 3  # the two reviewers and the host lead contact, once each

    # Move a session twice: nothing goes until "Send the changes".
    mail.outbox.clear()
    for start, end in (("09:15", "10:15"), ("09:30", "10:30")):
        page.get_by_role("link", name="Change Opening meeting").click()
        page.get_by_label("Start time").fill(start)
        page.get_by_label("End time").fill(end)
        page.get_by_role("button", name="Save the session").click()
    expect(page.locator("#pending-changes")).to_contain_text("1 change not yet sent (3 people")
    check_accessibility(page, "timetable, changes not yet sent")
    assert mail.outbox == []
    page.get_by_role("button", name="Send the changes").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "The changes are sent"
    )
    assert sorted(m.to[0] for m in mail.outbox) == [
        "host_lead@example.org",
        "lead_reviewer@example.org",
        "reviewer@example.org",
    ]

    # Copy a session: the form opens filled in.
    page.get_by_role("link", name="Copy Observation in the MASH").click()
    expect(page.get_by_label("Title")).to_have_value("Observation in the MASH")
    check_accessibility(page, "new session, copied")

    # The grid, at 320 CSS pixels: the table scrolls in its own frame, the page does not.
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(f"{timetable}grid/")
    expect(
        page.get_by_role("columnheader", name=world.people["reviewer"].full_name)
    ).to_be_visible()
    check_accessibility(page, "timetable grid at 320 CSS pixels")
    assert page.evaluate(OVERFLOW)["scrollWidth"] <= 320
