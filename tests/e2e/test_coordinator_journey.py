"""The coordinator's journey in a real browser: set up a review, its team and a two-day timetable."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import icalendar
import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from reviews.models import Framework, Review
from tests.conftest import build_world
from tests.e2e.conftest import check_accessibility, sign_in
from tests.factories import TEST_PASSWORD


@pytest.fixture
def world(transactional_db):
    return build_world()


def _fill_date(page: Page, name: str, date: dt.date) -> None:
    page.locator(f"#id_{name}_0").fill(str(date.day))
    page.locator(f"#id_{name}_1").fill(str(date.month))
    page.locator(f"#id_{name}_2").fill(str(date.year))


def _add_session(
    page: Page, *, day: str, kind: str, title: str, start: str, end: str, reviewer: str
) -> None:
    page.get_by_role("link", name="Add a session").click()
    page.get_by_label("Day", exact=True).select_option(label=day)
    page.get_by_label("Kind of session").select_option(label=kind)
    page.get_by_label("Title", exact=True).fill(title)
    page.get_by_label("Start time").fill(start)
    page.get_by_label("End time").fill(end)
    page.get_by_label(reviewer).check()
    page.get_by_role("button", name="Add the session").click()


def test_coordinator_sets_up_a_review_team_and_timetable_and_downloads_the_calendar(
    page: Page, live_server, world, browser
) -> None:
    base = live_server.url
    reviewer = world.people["reviewer_elsewhere"]
    sign_in(page, base, "coordinator@example.org", TEST_PASSWORD)

    # Set up the review from a default framework, after a first try with mistakes.
    page.get_by_role("link", name="Set up a review").click()
    check_accessibility(page, "set up a review")
    page.get_by_label("Title", exact=True).fill("Front door health check of Northmoor")
    page.get_by_label("Host authority").select_option(label="Northmoor Borough Council")
    page.get_by_label("Lead organisation").select_option(label="Northmoor Borough Council")
    _fill_date(page, "start_date", dt.date(2026, 12, 2))
    _fill_date(page, "end_date", dt.date(2026, 12, 1))
    page.get_by_role("button", name="Create the review").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("The lead organisation cannot be the host authority")
    expect(summary).to_contain_text("The end date must be the same as or after the start date")
    expect(summary).to_contain_text("Choose the key lines of enquiry for this review")
    expect(page.get_by_label("Title", exact=True)).to_have_value(
        "Front door health check of Northmoor"
    )
    check_accessibility(page, "set up a review, with errors")

    page.get_by_label("Lead organisation").select_option(label="Eastvale County Council")
    page.locator('input[name="kind"][value="fdhc"]').check()
    _fill_date(page, "start_date", dt.date(2026, 12, 1))
    _fill_date(page, "end_date", dt.date(2026, 12, 2))
    framework = Framework.objects.get(name="Front door health check", is_default=True)
    page.locator(f'input[name="framework"][value="{framework.pk}"]').check()
    page.get_by_role("button", name="Create the review").click()
    expect(
        page.get_by_role("heading", name="Front door health check of Northmoor", level=1)
    ).to_be_visible()
    review = Review.objects.get(title="Front door health check of Northmoor")
    check_accessibility(page, "new review overview")

    page.get_by_role("link", name="Key lines of enquiry").click()
    expect(page.get_by_text("The quality of assessments")).to_be_visible()
    check_accessibility(page, "the review's key lines of enquiry")

    # Invite the team: a reviewer with an account, then a mistake.
    page.get_by_role("link", name="Team and invitations").click()
    check_accessibility(page, "team")
    page.get_by_role("link", name="Invite someone").click()
    page.get_by_label("Email address").fill(reviewer.email)
    page.get_by_label("Reviewer", exact=True).check()
    page.get_by_role("button", name="Send and invite another").click()
    expect(page.get_by_text(f"Invitation sent to {reviewer.email} as reviewer.")).to_be_visible()
    page.get_by_label("Email address").fill("coordinator@example.org")
    page.get_by_label("Host lead contact").check()
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "coordinator@example.org is already on this review as coordinator"
    )
    check_accessibility(page, "invite someone, with errors")
    page.get_by_label("Email address").fill("not an email")
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter an email address in the correct format"
    )
    page.get_by_role("link", name="Team and invitations").click()
    expect(page.locator(".app-invitations")).to_contain_text("Waiting")

    # The reviewer accepts from their email, in their own browser.
    link = re.search(r"(http://\S+/invitations/\S+/)", mail.outbox[-1].body).group(1)
    other = browser.new_context(viewport={"width": 1200, "height": 900}, locale="en-GB")
    theirs = other.new_page()
    sign_in(theirs, base, reviewer.email, TEST_PASSWORD)
    theirs.goto(link)
    check_accessibility(theirs, "accept an invitation")
    theirs.get_by_role("button", name="Accept the invitation").click()
    expect(
        theirs.get_by_text("You joined “Front door health check of Northmoor” as reviewer.")
    ).to_be_visible()
    other.close()
    page.reload()
    expect(page.locator(".app-invitations")).to_contain_text("Accepted")

    # A two-day timetable, with a clash.
    page.get_by_role("link", name="Timetable").click()
    check_accessibility(page, "empty timetable")
    for date in (dt.date(2026, 12, 1), dt.date(2026, 12, 2)):
        page.get_by_role("link", name="Add a review day").click()
        _fill_date(page, "date", date)
        page.get_by_role("button", name="Add the day").click()
    check_accessibility(page, "timetable with days")

    name = reviewer.full_name
    _add_session(
        page,
        day="Tuesday 1 December 2026",
        kind="Observation",
        title="Observation of MASH screening",
        start="09:30",
        end="11:00",
        reviewer=name,
    )
    page.get_by_role("link", name="Add a session").click()
    check_accessibility(page, "add a session")
    page.get_by_label("Title", exact=True).fill("Interview with the MASH manager")
    page.get_by_label("Start time").fill("11:00")
    page.get_by_label("End time").fill("10:30")
    page.get_by_role("button", name="Add the session").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose the day of the session")
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "The end time must be after the start time"
    )
    expect(page.get_by_label("Title", exact=True)).to_have_value("Interview with the MASH manager")
    check_accessibility(page, "add a session, with errors")
    page.get_by_role("link", name="Timetable").click()
    _add_session(
        page,
        day="Tuesday 1 December 2026",
        kind="Interview",
        title="Interview with the MASH manager",
        start="10:30",
        end="11:30",
        reviewer=name,
    )
    expect(
        page.get_by_text(f"{name} is also in “Observation of MASH screening” at this time").first
    ).to_be_visible()
    _add_session(
        page,
        day="Wednesday 2 December 2026",
        kind="Feedback presentation",
        title="Feedback to senior leaders",
        start="14:00",
        end="15:00",
        reviewer=name,
    )
    expect(page.locator(".app-clash-summary")).to_be_visible()
    expect(page.locator(".app-day")).to_have_count(2)
    check_accessibility(page, "timetable with a clash warning")

    # Download the calendar file: one event per session, at the right times.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the calendar file (.ics)").click()
    calendar = icalendar.Calendar.from_ical(Path(download_info.value.path()).read_bytes())
    events = {str(e["summary"]).split(" (")[0]: e for e in calendar.walk("VEVENT")}
    assert set(events) == {
        "Observation of MASH screening",
        "Interview with the MASH manager",
        "Feedback to senior leaders",
    }
    starts = {title: (e.decoded("dtstart"), e.decoded("dtend")) for title, e in events.items()}
    london = calendar.walk("VTIMEZONE")[0]
    assert str(london["tzid"]) == "Europe/London"
    start, end = starts["Observation of MASH screening"]
    assert (start.replace(tzinfo=None), end.replace(tzinfo=None)) == (
        dt.datetime(2026, 12, 1, 9, 30),
        dt.datetime(2026, 12, 1, 11, 0),
    )
    assert start.utcoffset() == dt.timedelta(0)
    start, end = starts["Feedback to senior leaders"]
    assert (start.replace(tzinfo=None), end.replace(tzinfo=None)) == (
        dt.datetime(2026, 12, 2, 14, 0),
        dt.datetime(2026, 12, 2, 15, 0),
    )
    assert review.sessions.count() == 3

    # The printable timetable.
    with page.expect_download() as pdf_info:
        page.get_by_role("link", name="Download the timetable (PDF)").click()
    assert Path(pdf_info.value.path()).read_bytes()[:5] == b"%PDF-"


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


def test_coordinator_requests_a_document_and_the_host_lead_uploads_it(
    page: Page, live_server, world, browser
) -> None:
    base = live_server.url
    sign_in(page, base, "coordinator@example.org", TEST_PASSWORD)
    page.goto(f"{base}/reviews/{world.review.pk}/documents/")
    check_accessibility(page, "documents, none requested")
    page.get_by_role("link", name="Request a document").click()
    page.get_by_label("Other", exact=True).check()
    page.get_by_role("button", name="Request it").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter the name of the document you want"
    )
    check_accessibility(page, "request a document, with errors")
    page.get_by_label("Performance data pack").check()
    page.get_by_role("button", name="Request it").click()
    expect(page.get_by_text("Not uploaded yet")).to_be_visible()

    other = browser.new_context(viewport={"width": 1200, "height": 900}, locale="en-GB")
    host = other.new_page()
    sign_in(host, base, "host_lead@example.org", TEST_PASSWORD)
    host.goto(f"{base}/reviews/{world.review.pk}/documents/")
    host.get_by_role("link", name="Upload a file for Performance data pack").click()
    host.get_by_label("Choose a file").set_input_files(
        {"name": "data pack.pdf", "mimeType": "application/pdf", "buffer": b"not really a PDF"}
    )
    host.get_by_role("button", name="Upload the file").click()
    expect(host.locator(".govuk-error-summary")).to_contain_text(
        "The file must be a PDF, Word, Excel or PowerPoint document"
    )
    check_accessibility(host, "upload a document, with errors")
    host.get_by_label("Choose a file").set_input_files(
        {"name": "data pack.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%%EOF\n"}
    )
    host.get_by_role("button", name="Upload the file").click()
    expect(host.get_by_text("Uploaded “data pack.pdf” for Performance data pack.")).to_be_visible()
    check_accessibility(host, "documents, one uploaded")
    other.close()

    page.reload()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download data pack.pdf").click()
    assert download.value.suggested_filename == "data pack.pdf"
    page.reload()
    expect(page.get_by_text("opened 1 time")).to_be_visible()
