"""The whole life of a review in a real browser, as the people who run one would live it.

The coordinator sets up a review, its team and timetable and asks for documents; the host lead contact
completes the self-assessment, uploads a document and the case list; the coordinator draws the sample
and shares it between two reviewers; each reviewer adds evidence notes, findings and case audits; the
lead reviewer agrees findings, moderates an audit and reads the analysis. The letter (composed, shared,
commented on, issued and downloaded) follows at the end.

Every person signs in once, in their own browser, with their second factor. Every distinct page the
journey visits is scanned with axe-core, and so is the error state of each kind of form. With
``SCREENSHOTS_DIR`` set (``make screenshots``), the main pages are saved for the README.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import icalendar
import pytest
from django.core import mail
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect

from accounts.models import User
from audits.models import Case, CaseAudit, Moderation
from reviews.documents.models import DocumentRequest
from reviews.fieldwork.models import Finding
from reviews.self_assessment.models import SelfAssessment
from reviews.setup.models import Framework, Review, Role
from tests.conftest import World, build_world
from tests.e2e.conftest import check_accessibility, screenshot, sign_in, watch_errors
from tests.factories import TEST_PASSWORD

TITLE = "Front door health check of Northmoor"

PEOPLE = {
    "coordinator": ("Priya Shah", "Sector-led improvement coordinator"),
    "lead_reviewer": ("Helen Okafor", "Assistant Director, Children's Social Care"),
    "reviewer": ("Tom Reilly", "Service Manager, MASH"),
    "reviewer_elsewhere": ("Aisha Begum", "Team Manager, Assessment"),
    "host_lead": ("Mark Dawson", "Head of Service, Front Door"),
    "host_staff": ("Jo Whitfield", "Practice Improvement Lead"),
}

CASE_LIST = (
    "case reference,case type,date,team,outcome\n"
    "NM-5101,Contact,2026-10-01,MASH,Early help\n"
    "NM-5102,Referral,2026-10-02,MASH,Section 17 assessment\n"
    "NM-5103,Section 17 assessment,2026-10-06,Assessment,Child in need plan\n"
    "NM-5104,Section 47 enquiry,2026-10-08,Assessment,Initial child protection conference\n"
    "NM 5105 Jane Smith,Contact,2026-10-09,MASH,NFA\n"
)


@pytest.fixture
def world(transactional_db) -> World:
    world = build_world()
    for role, (name, job) in PEOPLE.items():
        User.objects.filter(pk=world.people[role].pk).update(full_name=name, job_title=job)
        world.people[role].refresh_from_db()
    return world


@dataclass
class Cast:
    """One browser per person, each signed in once (a second sign-in within the same 30 seconds would
    replay the authenticator code, which the service rightly refuses)."""

    browser: Browser
    base: str
    world: World
    pages: dict[str, Page] = field(default_factory=dict)
    contexts: list[BrowserContext] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def page_of(self, role: str) -> Page:
        if role not in self.pages:
            context = self.browser.new_context(
                viewport={"width": 1200, "height": 900}, locale="en-GB"
            )
            self.contexts.append(context)
            page = context.new_page()
            self.errors = watch_errors(page, self.errors)
            sign_in(page, self.base, self.world.people[role].email, TEST_PASSWORD)
            self.pages[role] = page
        return self.pages[role]

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.fixture
def cast(browser: Browser, live_server, world: World) -> Iterator[Cast]:
    cast = Cast(browser, live_server.url, world)
    yield cast
    cast.close()
    assert not cast.errors, f"The browsers reported errors: {cast.errors}"


def _fill_date(page: Page, name: str, date: dt.date) -> None:
    page.locator(f"#id_{name}_0").fill(str(date.day))
    page.locator(f"#id_{name}_1").fill(str(date.month))
    page.locator(f"#id_{name}_2").fill(str(date.year))


def _select_containing(select: Locator, text: str) -> None:
    """Choose the one option whose label contains ``text`` (labels carry a number before them)."""
    options = [o.strip() for o in select.locator("option").all_inner_texts() if text in o]
    assert len(options) == 1, f"{text!r} matches {options}"
    select.select_option(label=options[0])


@contextmanager
def _autosave(page: Page) -> Iterator[None]:
    """Wait for the save that the action inside sends as the auditor works (one at a time, as a
    person works: the in-memory SQLite of the tests refuses two writes at once, PostgreSQL waits)."""
    with page.expect_response(lambda r: r.request.method == "POST" and "/save/" in r.url):
        yield


def _error_summary(page: Page, *texts: str) -> None:
    summary = page.locator(".govuk-error-summary")
    for text in texts:
        expect(summary).to_contain_text(text)
    expect(page).to_have_title(re.compile(r"^Error: "))


# --- The coordinator -------------------------------------------------------------------------------


def coordinator_sets_up_the_review(page: Page) -> Review:
    expect(page.get_by_role("heading", name="Your reviews", level=1)).to_be_visible()
    check_accessibility(page, "your reviews, coordinator")
    page.get_by_role("link", name="Set up a review").click()
    check_accessibility(page, "set up a review")
    # A first try with mistakes: the host leading its own review, the days the wrong way round.
    page.get_by_label("Title", exact=True).fill(TITLE)
    page.get_by_label("Host authority").select_option(label="Northmoor Borough Council")
    page.get_by_label("Lead organisation").select_option(label="Northmoor Borough Council")
    _fill_date(page, "start_date", dt.date(2026, 12, 2))
    _fill_date(page, "end_date", dt.date(2026, 12, 1))
    page.get_by_role("button", name="Create the review").click()
    _error_summary(
        page,
        "The lead organisation cannot be the host authority",
        "The end date must be the same as or after the start date",
        "Choose the key lines of enquiry for this review",
    )
    expect(page.get_by_label("Title", exact=True)).to_have_value(TITLE)
    check_accessibility(page, "set up a review, with errors")

    page.get_by_label("Lead organisation").select_option(label="Eastvale County Council")
    page.locator('input[name="kind"][value="fdhc"]').check()
    _fill_date(page, "start_date", dt.date(2026, 12, 1))
    _fill_date(page, "end_date", dt.date(2026, 12, 2))
    framework = Framework.objects.get(name="Front door health check", is_default=True)
    page.locator(f'input[name="framework"][value="{framework.pk}"]').check()
    page.get_by_role("button", name="Create the review").click()
    expect(page.get_by_role("heading", name=TITLE, level=1)).to_be_visible()
    check_accessibility(page, "review overview, new")
    review = Review.objects.get(title=TITLE)
    assert review.role_of(review.memberships.get().user) == Role.COORDINATOR

    page.get_by_role("link", name="Key lines of enquiry", exact=True).click()
    expect(page.get_by_text("The quality of assessments")).to_be_visible()
    check_accessibility(page, "the review's key lines of enquiry")
    return review


def coordinator_invites_the_team(page: Page, world: World) -> None:
    page.get_by_role("link", name="Team and invitations").click()
    check_accessibility(page, "team, nobody yet")
    page.get_by_role("link", name="Invite someone").click()
    check_accessibility(page, "invite someone")
    page.get_by_role("button", name="Send the invitation").click()
    _error_summary(page, "Enter the email address", "Choose a role")
    check_accessibility(page, "invite someone, with errors")
    invitations = [
        ("lead_reviewer", "Lead reviewer"),
        ("reviewer", "Reviewer"),
        ("reviewer_elsewhere", "Reviewer"),
        ("host_lead", "Host lead contact"),
        ("host_staff", "Host staff"),
    ]
    for role, label in invitations:
        email = world.people[role].email
        page.get_by_label("Email address").fill(email)
        page.get_by_label(label, exact=True).check()
        page.get_by_role("button", name="Send and invite another").click()
        expect(
            page.get_by_text(
                f"Invitation to {email} as {label.lower()}: its email is queued for 1 person."
            )
        ).to_be_visible()
    page.get_by_label("Email address").fill("coordinator@example.org")
    page.get_by_label("Host lead contact").check()
    page.get_by_role("button", name="Send the invitation").click()
    _error_summary(page, "coordinator@example.org is already on this review as coordinator")
    page.get_by_label("Email address").fill("not an email")
    page.get_by_role("button", name="Send the invitation").click()
    _error_summary(page, "Enter an email address in the correct format")
    page.get_by_role("link", name="Team and invitations").click()
    expect(page.locator(".app-invitations")).to_contain_text("Waiting")
    check_accessibility(page, "team, invitations waiting")


def everyone_accepts_their_invitation(cast: Cast, review: Review) -> None:
    links = {}
    for message in mail.outbox:
        found = re.search(r"(http://\S+/invitations/\S+/)", message.body)
        if found and message.to:
            links[message.to[0]] = found.group(1)
    for role in ("lead_reviewer", "reviewer", "reviewer_elsewhere", "host_lead", "host_staff"):
        person = cast.world.people[role]
        page = cast.page_of(role)
        page.goto(links[person.email])
        if role == "lead_reviewer":
            check_accessibility(page, "accept an invitation")
        page.get_by_role("button", name="Accept the invitation").click()
        expect(page.get_by_text(f"You joined “{TITLE}”")).to_be_visible()
    assert review.memberships.count() == 6


def coordinator_schedules_the_timetable(page: Page, world: World, review: Review) -> None:
    page.get_by_role("link", name="Timetable").click()
    check_accessibility(page, "timetable, empty")
    page.get_by_role("link", name="Add a review day").click()
    check_accessibility(page, "add a review day")
    page.get_by_role("button", name="Add the day").click()
    _error_summary(page)
    check_accessibility(page, "add a review day, with errors")
    _fill_date(page, "date", dt.date(2026, 12, 1))
    page.get_by_role("button", name="Add the day").click()
    page.get_by_role("link", name="Add a review day").click()
    _fill_date(page, "date", dt.date(2026, 12, 2))
    page.get_by_role("button", name="Add the day").click()

    page.get_by_role("link", name="Add a session").click()
    check_accessibility(page, "add a session")
    page.get_by_label("Title", exact=True).fill("Observation of MASH screening")
    page.get_by_label("Start time").fill("11:00")
    page.get_by_label("End time").fill("09:30")
    page.get_by_role("button", name="Add the session").click()
    _error_summary(
        page, "Choose the day of the session", "The end time must be after the start time"
    )
    expect(page.get_by_label("Title", exact=True)).to_have_value("Observation of MASH screening")
    check_accessibility(page, "add a session, with errors")

    sessions = [
        (
            "Tuesday 1 December 2026",
            "Observation",
            "Observation of MASH screening",
            "09:30",
            "11:00",
        ),
        ("Tuesday 1 December 2026", "Case audit", "Case file audits", "11:30", "16:00"),
        (
            "Wednesday 2 December 2026",
            "Feedback presentation",
            "Feedback to senior leaders",
            "14:00",
            "15:00",
        ),
    ]
    reviewers = [world.people["reviewer"].full_name, world.people["reviewer_elsewhere"].full_name]
    first = True
    for day, kind, title, start, end in sessions:
        if not first:
            page.get_by_role("link", name="Add a session").click()
        first = False
        page.get_by_label("Day", exact=True).select_option(label=day)
        page.get_by_label("Kind of session").select_option(label=kind)
        page.get_by_label("Title", exact=True).fill(title)
        page.get_by_label("Start time").fill(start)
        page.get_by_label("End time").fill(end)
        for name in reviewers:
            page.get_by_label(name).check()
        page.get_by_role("button", name="Add the session").click()
    # An interview that overlaps the observation: the timetable warns of the clash.
    page.get_by_role("link", name="Add a session").click()
    page.get_by_label("Day", exact=True).select_option(label="Tuesday 1 December 2026")
    page.get_by_label("Kind of session").select_option(label="Interview")
    page.get_by_label("Title", exact=True).fill("Interview with the MASH manager")
    page.get_by_label("Start time").fill("10:30")
    page.get_by_label("End time").fill("11:30")
    page.get_by_label(reviewers[0]).check()
    page.get_by_role("button", name="Add the session").click()
    expect(
        page.get_by_text(
            f"{reviewers[0]} is also in “Observation of MASH screening” at this time"
        ).first
    ).to_be_visible()
    expect(page.locator(".app-clash-summary")).to_be_visible()
    expect(page.locator(".app-day")).to_have_count(2)
    assert review.sessions.count() == 4
    check_accessibility(page, "timetable, two days, a clash warning")
    screenshot(page, "timetable")
    # Nobody is emailed about a draft; publishing sends each person their own sessions, once.
    assert not [m for m in mail.outbox if "Timetable for" in m.subject]
    page.get_by_role("button", name="Publish the timetable").click()
    expect(page.get_by_text("The timetable is published")).to_be_visible()
    assert len([m for m in mail.outbox if "Timetable for" in m.subject]) == 2  # two reviewers

    # The calendar file: one event per session, at London times.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the calendar file (.ics)").click()
    calendar = icalendar.Calendar.from_ical(Path(download_info.value.path()).read_bytes())
    events = {str(e["summary"]).split(" (")[0]: e for e in calendar.walk("VEVENT")}
    assert set(events) == {title for _, _, title, _, _ in sessions} | {
        "Interview with the MASH manager"
    }
    assert str(calendar.walk("VTIMEZONE")[0]["tzid"]) == "Europe/London"
    start = events["Observation of MASH screening"].decoded("dtstart")
    end = events["Feedback to senior leaders"].decoded("dtend")
    assert start.replace(tzinfo=None) == dt.datetime(2026, 12, 1, 9, 30)
    assert start.utcoffset() == dt.timedelta(0)
    assert end.replace(tzinfo=None) == dt.datetime(2026, 12, 2, 15, 0)
    with page.expect_download() as pdf_info:
        page.get_by_role("link", name="Download the timetable (PDF)").click()
    assert Path(pdf_info.value.path()).read_bytes()[:5] == b"%PDF-"


def coordinator_requests_documents(page: Page) -> None:
    page.get_by_role("link", name="Documents", exact=True).click()
    check_accessibility(page, "documents, none requested")
    page.get_by_role("link", name="Request a document").click()
    check_accessibility(page, "request a document")
    page.get_by_label("Other", exact=True).check()
    page.get_by_role("button", name="Request it").click()
    _error_summary(page, "Enter the name of the document you want")
    check_accessibility(page, "request a document, with errors")
    page.get_by_label("Performance data pack").check()
    page.get_by_role("button", name="Request it").click()
    expect(page.get_by_text("Not uploaded yet")).to_be_visible()
    check_accessibility(page, "documents, one requested")


# --- The host lead contact -------------------------------------------------------------------------


def host_lead_completes_the_self_assessment(page: Page, review: Review) -> None:
    page.get_by_role("link", name="Your reviews").first.click()
    check_accessibility(page, "your reviews, host lead")
    page.get_by_role("link", name=TITLE).click()
    check_accessibility(page, "review overview, host lead")
    page.get_by_role("link", name="Self-assessment").first.click()
    check_accessibility(page, "self-assessment, not started")
    page.get_by_role("link", name="Start the self-assessment").click()
    check_accessibility(page, "complete the self-assessment")
    page.locator("textarea").first.fill(
        "Thresholds are understood by partners; consent is recorded."
    )
    page.get_by_role("button", name="Continue to check your answers").click()
    _error_summary(page, "Choose a rating for 1 Effectiveness of thresholds")
    expect(page.locator("textarea").first).to_have_value(
        "Thresholds are understood by partners; consent is recorded."
    )
    check_accessibility(page, "complete the self-assessment, with errors")
    ratings = ["green", "amber", "amber", "green", "red"]
    for index, rating in enumerate(ratings):
        page.locator(f"input[type=radio][value={rating}]").nth(index).check()
    page.get_by_role("button", name="Continue to check your answers").click()  # issue 21
    check_accessibility(page, "self-assessment, check your answers")
    page.get_by_role("button", name="Submit to the review team").click()
    expect(page.get_by_text("Self-assessment submitted to the review team.")).to_be_visible()
    check_accessibility(page, "self-assessment, submitted")
    screenshot(page, "self-assessment")
    assert SelfAssessment.objects.get(review=review).status == "submitted"


def host_lead_uploads_a_document(page: Page) -> None:
    page.get_by_role("link", name="Documents", exact=True).click()
    page.get_by_role("link", name="Upload a file for Performance data pack").click()
    check_accessibility(page, "upload a document")
    page.get_by_label("Choose a file").set_input_files(
        {"name": "data pack.pdf", "mimeType": "application/pdf", "buffer": b"not really a PDF"}
    )
    page.get_by_role("button", name="Upload the file").click()
    _error_summary(page, "The file must be a PDF, Word, Excel or PowerPoint document")
    check_accessibility(page, "upload a document, with errors")
    page.get_by_label("Choose a file").set_input_files(
        {
            "name": "Northmoor data pack Q2.pdf",
            "mimeType": "application/pdf",
            "buffer": b"%PDF-1.4\n%%EOF\n",
        }
    )
    page.get_by_role("button", name="Upload the file").click()
    expect(page.get_by_text("Uploaded “Northmoor data pack Q2.pdf”")).to_be_visible()
    check_accessibility(page, "documents, one uploaded")
    screenshot(page, "documents")
    assert DocumentRequest.objects.get().documents.count() == 1


def host_lead_adds_the_case_list(page: Page) -> None:
    page.get_by_role("link", name="Case audits").first.click()
    check_accessibility(page, "case audits, host lead")
    page.get_by_role("link", name="Upload or paste the case list").click()
    check_accessibility(page, "add cases")
    page.get_by_label("Or paste the case list").fill(CASE_LIST)
    page.get_by_role("button", name="Check and import").click()
    _error_summary(page, "Nothing was imported", "“NM 5105 Jane Smith” does not follow the rule")
    check_accessibility(page, "add cases, with errors")
    page.get_by_role("button", name="Import the 4 valid rows only").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("4 cases added")
    check_accessibility(page, "case list, host lead")
    assert not Case.objects.filter(reference__contains="Smith").exists()


# --- The coordinator again: the sample -------------------------------------------------------------


def coordinator_reads_the_pre_reading_and_starts_fieldwork(page: Page, review: Review) -> None:
    page.get_by_role("link", name="Documents", exact=True).click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download Northmoor data pack Q2.pdf").click()
    assert download.value.suggested_filename == "Northmoor data pack Q2.pdf"
    page.reload()
    expect(page.get_by_text("opened 1 time")).to_be_visible()

    page.get_by_role("link", name="Review details").click()
    check_accessibility(page, "review details")
    page.get_by_label("Title", exact=True).fill("")
    page.get_by_role("button", name="Save the details").click()
    _error_summary(page)
    check_accessibility(page, "review details, with errors")
    page.get_by_label("Title", exact=True).fill(TITLE)
    page.get_by_label("Status").select_option(label="Fieldwork")
    page.get_by_role("button", name="Save the details").click()
    expect(page.get_by_text("Review details saved.")).to_be_visible()
    review.refresh_from_db()
    assert review.status == Review.Status.FIELDWORK
    # Back a stage (issue 21): only with a reason, which the overview and the trail show.
    page.get_by_role("link", name="Review details").click()
    page.get_by_label("Status").select_option(label="Preparation")
    page.get_by_role("button", name="Save the details").click()
    _error_summary(page, "Say why the review goes back from “Fieldwork” to “Preparation”")
    check_accessibility(page, "review details, back a stage, with errors")
    page.get_by_label("If you move the review back to an earlier stage, say why").fill(
        "The host asked for a week more to finish the case list."
    )
    page.get_by_role("button", name="Save the details").click()
    expect(page.get_by_text("Review details saved.")).to_be_visible()
    expect(page.locator(".app-last-stage-change")).to_contain_text(
        "Reason: The host asked for a week more to finish the case list."
    )
    expect(page.locator(".app-stages [aria-current=step]")).to_contain_text(
        "Ends when the coordinator moves the review to fieldwork"
    )
    check_accessibility(page, "review overview, stages, moved back")
    page.get_by_role("link", name="Review details").click()
    page.get_by_label("Status").select_option(label="Fieldwork")
    page.get_by_role("button", name="Save the details").click()
    expect(page.get_by_text("Review details saved.")).to_be_visible()
    review.refresh_from_db()
    assert review.status == Review.Status.FIELDWORK


def coordinator_draws_and_shares_out_the_sample(page: Page, world: World) -> None:
    page.get_by_role("link", name="Case audits").first.click()
    check_accessibility(page, "case audits, coordinator, no sample")
    page.get_by_role("link", name="Audit tool and reference rule").click()
    check_accessibility(page, "audit tool and reference rule")
    page.get_by_label("Quality of assessment practice (ten criteria)").check()
    page.get_by_role("button", name="Use this tool").click()
    expect(page.get_by_text("Evidence of a strength based approach")).to_be_visible()

    page.get_by_role("link", name="Case audits").first.click()
    page.get_by_role("link", name="Draw the sample").click()
    check_accessibility(page, "draw the sample")
    page.get_by_role("button", name="Draw the sample").click()
    _error_summary(page, "Enter how many cases to draw")
    check_accessibility(page, "draw the sample, with errors")
    page.get_by_label("Number of cases (at random)").fill("4")
    page.get_by_label("Draw number (optional)").fill("2026")
    page.get_by_role("button", name="Draw the sample").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "with draw number 2026"
    )

    page.get_by_role("link", name="Case audits").first.click()
    first, second = world.people["reviewer"], world.people["reviewer_elsewhere"]
    for reference, person in (
        ("NM-5101", first),
        ("NM-5102", first),
        ("NM-5103", second),
        ("NM-5104", second),
    ):
        page.get_by_label(f"Auditor for case {reference}").select_option(label=person.full_name)
    page.get_by_role("button", name="Save assignments").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "4 assignments changed"
    )
    check_accessibility(page, "case audits, sample shared out")
    assert Case.objects.filter(assigned_to=first).count() == 2


# --- The reviewers ---------------------------------------------------------------------------------


def reviewer_adds_a_note(page: Page, review: Review, *, kloe: str, text: str, first: bool) -> None:
    page.goto(f"{page.url.split('/reviews/')[0]}/reviews/{review.pk}/")
    page.get_by_role("link", name="Evidence notes").click()
    if first:
        check_accessibility(page, "evidence notes, empty")
    # The add form is open, first on the page.
    if first:
        page.get_by_role("button", name="Save the note").click()
        expect(page.locator(".govuk-error-summary")).to_be_visible()
        check_accessibility(page, "add an evidence note, with errors")
    page.get_by_label(kloe).check()
    page.get_by_label("What you saw or heard").fill(text)
    page.get_by_role("button", name="Save the note").click()
    expect(page.get_by_text(text)).to_be_visible()
    if first:
        check_accessibility(page, "evidence notes, one note")


def reviewer_adds_a_finding(page: Page, *, kind: str, kloe: str, text: str, first: bool) -> None:
    # The findings page again even when already on it: wait for the new page, or "Add a finding" may
    # be opened on the old one just before it goes.
    with page.expect_navigation():
        page.get_by_role("link", name="Findings").first.click()
    if first:
        check_accessibility(page, "findings, empty")
    page.get_by_text("Add a finding", exact=True).click()
    form = page.locator("#finding-add form")
    if first:
        form.get_by_role("button", name="Add the finding").click()
        expect(page.get_by_role("link", name="Choose whether this is a strength")).to_be_visible()
        check_accessibility(page, "add a finding, with errors")
        form = page.locator("#finding-add form")
    form.get_by_label(kind, exact=True).check()
    _select_containing(form.get_by_label("Key line of enquiry"), kloe)
    form.get_by_label("Finding", exact=True).fill(text)
    form.get_by_role("button", name="Add the finding").click()
    expect(page.locator(".app-finding").filter(has_text=text.replace("**", ""))).to_be_visible()


def reviewer_audits_a_case(
    page: Page, reference: str, *, not_met: set[int], comment: str, first: bool
) -> None:
    page.get_by_role("link", name="Case audits").first.click()
    if first:
        check_accessibility(page, "case audits, reviewer")
    page.get_by_role("link", name=reference).click()
    expect(page.get_by_role("heading", name=f"Case {reference}", level=1)).to_be_visible()
    if first:
        check_accessibility(page, "case audit, not started")
    page.get_by_role("button", name="Start the audit").click()
    if first:
        check_accessibility(page, "case audit, started")
    for number in range(1, 11):
        group = page.get_by_role("group", name=f"Answer for criterion {number}", exact=True)
        group.get_by_label("Not met" if number in not_met else "Met", exact=True).check()
        expect(
            page.locator(".app-criterion").nth(number - 1).locator(".app-criterion__saved")
        ).to_contain_text("Saved")
    comment_box = page.get_by_label("Comment on criterion 1", exact=True)
    comment_box.fill(comment)
    with _autosave(page):
        comment_box.blur()
    for group, answer in (
        ("Does the team agree with the decision taken on this case?", "Yes"),
        ("Overall grade", "Good"),
        ("Status of this audit", "Complete"),
    ):
        with _autosave(page):
            page.get_by_role("group", name=group).get_by_label(answer, exact=True).check()
    page.get_by_role("button", name="Save the audit").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        f"The audit of case {reference} is saved"
    )
    if first:
        check_accessibility(page, "case audit, saved")
        screenshot(page, "case-audit")


def reviewer_gives_the_teams_view_of_the_self_assessment(page: Page) -> None:
    page.get_by_role("link", name="Self-assessment").first.click()
    check_accessibility(page, "self-assessment, side by side")
    page.get_by_role("link", name=re.compile(r"^Record the team's view of 3 ")).click()
    check_accessibility(page, "the team's view of a key line of enquiry")
    page.get_by_role("button", name="Save the team's view").click()
    _error_summary(page, "Choose whether the team agrees")
    check_accessibility(page, "the team's view, with errors")
    page.get_by_label("Partly agree").check()
    page.get_by_label("Red").check()
    page.get_by_label("Why").fill("Assessments seldom record the voice of the child.")
    page.get_by_role("button", name="Save the team's view").click()
    expect(page.get_by_text("Team lower by 1")).to_be_visible()


def first_reviewer_works(page: Page, review: Review) -> None:
    reviewer_adds_a_note(
        page,
        review,
        kloe="Strength of partnership contribution",
        text="Police and health attend every MASH meeting; schools say they get feedback.",
        first=True,
    )
    reviewer_adds_a_finding(
        page,
        kind="Strength",
        kloe="Strength of partnership contribution",
        text="Partners value the **MASH** and describe it as open and responsive.",
        first=True,
    )
    reviewer_audits_a_case(
        page, "NM-5101", not_met=set(), comment="Consent sought and recorded.", first=True
    )
    reviewer_audits_a_case(
        page, "NM-5102", not_met={7}, comment="Good use of the chronology.", first=False
    )
    first = CaseAudit.objects.get(case__reference="NM-5101")
    assert first.answers.get(criterion__number=1).comment == "Consent sought and recorded."

    # A comment that looks like a date of birth is held until the reviewer takes it out.
    page.get_by_role("link", name="Case audits").first.click()
    page.get_by_role("link", name="NM-5102").click()
    comment_box = page.get_by_label("Comment on criterion 2", exact=True)
    comment_box.fill("DOB 01/02/2016 noted on the file")
    with _autosave(page):
        comment_box.blur()
    page.get_by_role("button", name="Save the audit").click()
    _error_summary(page, "may hold a date of birth")
    check_accessibility(page, "case audit, personal details warning")
    comment_box = page.get_by_label("Comment on criterion 2", exact=True)
    comment_box.fill("Chronology up to date")
    with _autosave(page):
        comment_box.blur()
    page.get_by_role("button", name="Save the audit").click()
    expect(page.locator(".govuk-notification-banner--success")).to_be_visible()
    reviewer_gives_the_teams_view_of_the_self_assessment(page)


def second_reviewer_works(page: Page, review: Review) -> None:
    reviewer_adds_a_note(
        page,
        review,
        kloe="The quality of assessments",
        text="Two assessments did not show the child's lived experience.",
        first=False,
    )
    reviewer_adds_a_finding(
        page,
        kind="Area for consideration",
        kloe="The quality of assessments",
        text="The voice of the child is not always visible in assessments.",
        first=False,
    )
    reviewer_adds_a_finding(
        page,
        kind="Recommendation",
        kloe="Effectiveness of decision making",
        text="Urgently review management oversight of contacts waiting over 24 hours.",
        first=False,
    )
    expect(page.locator(".app-findings-count")).to_have_text("0 of 3 findings agreed.")
    screenshot(page, "findings")
    reviewer_audits_a_case(page, "NM-5103", not_met={5, 7}, comment="Strengths noted.", first=False)
    reviewer_audits_a_case(
        page, "NM-5104", not_met=set(), comment="Timely strategy discussion.", first=False
    )


# --- The lead reviewer -----------------------------------------------------------------------------


def lead_reviewer_agrees_the_findings(page: Page, review: Review) -> None:
    page.get_by_role("link", name="Your reviews").first.click()
    check_accessibility(page, "your reviews, lead reviewer")
    screenshot(page, "your-reviews")
    page.get_by_role("link", name=TITLE).click()
    check_accessibility(page, "review overview, lead reviewer")
    screenshot(page, "review-overview")
    # How ready the review is: each figure links to its work (issue 21).
    findings_row = page.locator("#readiness-findings")
    expect(findings_row).to_contain_text("Findings agreed")
    expect(findings_row).to_contain_text("0 of 3")
    expect(page.locator("#readiness-case-audits")).to_contain_text("4 of 4 assigned")
    expect(page.locator("#readiness-self-assessment")).to_contain_text("Submitted on")
    expect(page.locator(".app-stages [aria-current=step]")).to_contain_text("Fieldwork")
    findings_row.get_by_role("link", name="Go to the findings").click()
    check_accessibility(page, "findings, three")
    for finding in Finding.objects.filter(review=review):
        page.locator(f"#finding-{finding.pk}").get_by_role("button", name="Agree").click()
    expect(page.locator(".app-finding").filter(has_text="Agreed")).to_have_count(3)
    check_accessibility(page, "findings, agreed")
    page.get_by_role("link", name=TITLE).first.click()
    expect(page.locator("#readiness-findings")).to_contain_text("3 of 3")
    expect(page.locator("#readiness-findings")).to_contain_text("Done")
    check_accessibility(page, "review overview, readiness, findings agreed")
    page.get_by_role("link", name="Findings").first.click()
    strength = Finding.objects.get(review=review, kind="strength")
    page.locator(f"#finding-{strength.pk}").get_by_role("link", name="History").click()
    check_accessibility(page, "history of a finding")
    page.go_back()
    page.get_by_role("link", name=re.compile(r"^Consolidate .*Strength of partnership")).click()
    expect(page.get_by_text("Police and health attend every MASH meeting")).to_be_visible()
    check_accessibility(page, "consolidation of a key line of enquiry")


def lead_reviewer_moderates_and_reads_the_analysis(page: Page, review: Review) -> None:
    page.get_by_role("link", name="Case audits").first.click()
    check_accessibility(page, "case audits, lead reviewer")
    screenshot(page, "case-audits")
    page.get_by_role("link", name="NM-5103").click()
    check_accessibility(page, "case audit, complete, lead reviewer")
    page.get_by_role("link", name="Moderate this audit").click()
    check_accessibility(page, "moderate")
    page.get_by_role("button", name="Save the moderation").click()
    _error_summary(page, "Say whether you agree with criterion 1")
    check_accessibility(page, "moderate, with errors")
    for number in range(1, 11):
        page.locator(".govuk-form-group").nth(number - 1).get_by_label(
            "Disagree" if number == 5 else "Agree", exact=True
        ).check()
    page.get_by_label("Note on criterion 5 (optional)").fill(
        "Partly met: the baby's lived experience is missing."
    )
    page.get_by_role("group", name="Overall, do you agree with this audit?").get_by_label(
        "Agree", exact=True
    ).check()
    page.get_by_role("button", name="Save the moderation").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Your moderation of case NM-5103 is saved"
    )
    assert Moderation.objects.get().answers.filter(agrees=False).count() == 1

    page.get_by_role("link", name="Audit analysis").click()
    # Criterion 7 was not met on two of the four cases, criterion 5 on one.
    percent = page.locator(".app-summary-table .app-percent-met")
    expect(page.locator(".app-moderation-rate")).to_contain_text("90%")
    expect(percent).to_have_text(["100"] * 4 + ["75", "100", "50"] + ["100"] * 3)
    check_accessibility(page, "audit analysis")
    screenshot(page, "audit-analysis", full_page=True)
    assert CaseAudit.objects.filter(case__review=review, status="complete").count() == 4


# --- The journey -----------------------------------------------------------------------------------


def test_the_life_of_a_review_from_set_up_to_moderation_and_the_letter(cast: Cast) -> None:
    world = cast.world
    coordinator = cast.page_of("coordinator")
    review = coordinator_sets_up_the_review(coordinator)
    coordinator_invites_the_team(coordinator, world)
    everyone_accepts_their_invitation(cast, review)
    coordinator.reload()
    expect(coordinator.locator(".app-invitations")).to_contain_text("Accepted")
    coordinator_schedules_the_timetable(coordinator, world, review)
    coordinator_requests_documents(coordinator)

    host = cast.page_of("host_lead")
    host_lead_completes_the_self_assessment(host, review)
    host_lead_uploads_a_document(host)
    host_lead_adds_the_case_list(host)

    coordinator_reads_the_pre_reading_and_starts_fieldwork(coordinator, review)
    coordinator_draws_and_shares_out_the_sample(coordinator, world)

    first_reviewer_works(cast.page_of("reviewer"), review)
    second_reviewer_works(cast.page_of("reviewer_elsewhere"), review)

    lead = cast.page_of("lead_reviewer")
    lead_reviewer_agrees_the_findings(lead, review)
    lead_reviewer_moderates_and_reads_the_analysis(lead, review)

    # --- The letter: composed, shared, commented, issued, downloaded (issue 6) ---
    letter_steps(lead, cast=cast, review=review)


def letter_steps(page: Page, *, cast: Cast, review: Review) -> None:
    """The lead reviewer composes the letter (a health check letter, one section edited), shares the
    draft; the host lead contact comments; the lead accepts and corrects, issues version 1; host staff
    download it (the stored file, same SHA-256); a later change is issued as version 2, leaving
    version 1 as it was."""
    import hashlib

    from reports.models import LetterVersion

    next_steps = re.compile(r"^Edit “\d+\. Next steps”$")
    page.get_by_role("link", name="Feedback letter").click()
    expect(page.get_by_role("heading", name="Feedback letter", level=1)).to_be_visible()
    check_accessibility(page, "letter: draft preview")
    screenshot(page, "feedback-letter")
    if os.environ.get("SCREENSHOTS_DIR"):  # the preview itself: the letter as it will print
        page.locator(".app-letter").evaluate("el => el.scrollIntoView({block: 'start'})")
        page.screenshot(path=Path(os.environ["SCREENSHOTS_DIR"]) / "feedback-letter-preview.png")
    page.locator("#letter-shape").get_by_role("link", name="Choose another").click()
    expect(page.get_by_role("heading", name="Letter template", level=1)).to_be_visible()
    check_accessibility(page, "letter: choose the letter template")
    page.get_by_label("Short health check letter").check()
    page.get_by_role("button", name="Use this template").click()
    expect(
        page.get_by_text("The letter will be written from “Short health check letter”")
    ).to_be_visible()
    expect(page.locator("#letter-shape")).to_contain_text("Short health check letter")
    expect(page.get_by_role("heading", name=re.compile("The cases we reviewed"))).to_be_visible()
    with page.expect_download() as draft:
        page.get_by_role("link", name="Draft letter (PDF)").click()
    assert open(draft.value.path(), "rb").read(5) == b"%PDF-"  # noqa: SIM115
    with page.expect_download() as slides:
        page.get_by_role("link", name=re.compile(r"Feedback presentation \(PDF")).click()
    assert open(slides.value.path(), "rb").read(5) == b"%PDF-"  # noqa: SIM115
    if os.environ.get("SCREENSHOTS_DIR"):  # the title slide and the findings, as pictures
        import subprocess

        import pypdf

        pages = pypdf.PdfReader(slides.value.path()).pages
        findings = next(
            (n for n, p in enumerate(pages, start=1) if "strength" in p.extract_text().lower()),
            len(pages),
        )
        for first, name in (
            (1, "feedback-presentation-title"),
            (findings, "feedback-presentation-slide"),
        ):
            out = Path(os.environ["SCREENSHOTS_DIR"]) / name
            subprocess.run(
                [
                    "pdftoppm",
                    "-png",
                    "-r",
                    "40",
                    "-f",
                    str(first),
                    "-l",
                    str(first),
                    "-singlefile",
                    slides.value.path(),
                    str(out),
                ],
                check=True,
            )
    with page.expect_download() as pptx:
        page.get_by_role("link", name="Feedback presentation (PowerPoint)").click()
    assert open(pptx.value.path(), "rb").read(2) == b"PK"  # noqa: SIM115

    page.get_by_role("link", name=next_steps).click()
    check_accessibility(page, "letter: edit a section")
    page.get_by_label("Text of the section").fill("")
    page.get_by_role("button", name="Save the section").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    check_accessibility(page, "letter: edit a section, error")
    page.get_by_label("Text of the section").fill(
        "Please tell Priya Shah of any factual inaccuracy within ten working days."
    )
    page.get_by_role("button", name="Save the section").click()
    expect(page.get_by_text("Please tell Priya Shah of any factual inaccuracy")).to_be_visible()
    page.get_by_role(
        "button", name="Share the draft with the host for a factual accuracy check"
    ).click()
    check_accessibility(page, "letter: share for the factual accuracy check")
    page.get_by_role("button", name="Share the draft with the host").click()
    expect(page.get_by_text("Shared with the host for a factual accuracy check")).to_be_visible()
    expect(page.locator("#reply-by")).to_contain_text("to reply by")

    host = cast.page_of("host_lead")
    host.goto(page.url.split("#")[0])
    check_accessibility(host, "letter: shared draft, as the host lead contact")
    host.get_by_role("link", name="Comment on the draft").click()
    host.get_by_role("button", name="Send the comment").click()
    expect(host.locator(".govuk-error-summary")).to_be_visible()
    check_accessibility(host, "letter: comments, error")
    host.get_by_label("Which part of the letter is it about?").select_option(value="next-steps")
    host.get_by_label("Your comment").fill("Ten working days is too short over the summer: say 20.")
    host.get_by_role("button", name="Send the comment").click()
    expect(host.get_by_text("Your comment has been sent")).to_be_visible()

    # The host's comment stops the letter: the overview says so, and so does "Before you issue".
    page.goto(f"{page.url.split('/reviews/')[0]}/reviews/{review.pk}/")
    expect(page.locator("#readiness-comments")).to_contain_text("Stops the letter")
    check_accessibility(page, "review overview, readiness, a comment to answer")
    page.get_by_role("link", name="Check what stands in the way of issuing the letter").click()
    expect(page.get_by_role("heading", name="Before you issue the letter")).to_be_visible()
    expect(page.locator(".app-issue-blockers")).to_contain_text(
        "1 of the host's comments on the draft is not answered"
    )
    expect(page.get_by_role("button", name="Issue the letter")).to_have_count(0)
    check_accessibility(page, "before you issue, a blocker")
    page.locator(".app-issue-blockers").get_by_role("link").first.click()
    check_accessibility(page, "letter: comments, as the lead reviewer")
    page.get_by_label("Accept: the letter will be corrected").check()
    page.get_by_label("Your reply to the host").fill("Agreed: changed to 20 working days.")
    page.get_by_role("button", name="Send the reply").click()
    page.get_by_label("Text of the section").fill(
        "Please tell Priya Shah of any factual inaccuracy within 20 working days."
    )
    page.get_by_role("button", name="Save the section").click()
    page.get_by_role("button", name="Issue the letter").click()
    expect(page.get_by_role("heading", name="Before you issue the letter")).to_be_visible()
    check_accessibility(page, "before you issue, warnings")
    warnings = page.locator("input[name=confirmed]")
    assert warnings.count() > 0
    page.get_by_role("button", name="Issue the letter").click()
    _error_summary(page, "Confirm each warning to issue the letter")
    check_accessibility(page, "before you issue, with errors")
    for box in warnings.all():
        box.check()
    page.get_by_role("button", name="Issue the letter").click()
    expect(page.get_by_role("heading", name="Issued letters")).to_be_visible()
    check_accessibility(page, "letter: issued versions, as the lead reviewer")
    screenshot(page, "issued-letters")

    staff = cast.page_of("host_staff")
    staff.goto(page.url)
    check_accessibility(staff, "letter: issued versions, as host staff")
    with staff.expect_download() as issued:
        staff.get_by_role("link", name="PDF of version 1").click()
    downloaded = open(issued.value.path(), "rb").read()  # noqa: SIM115
    v1 = LetterVersion.objects.get(letter__review=review, number=1)
    assert hashlib.sha256(downloaded).hexdigest() == v1.pdf_sha256

    page.get_by_role("link", name="Feedback letter").click()
    page.get_by_role("link", name=next_steps).click()
    page.get_by_label("Text of the section").fill("Updated after the improvement board met.")
    page.get_by_role("button", name="Save the section").click()
    page.get_by_role("button", name="Issue version 2").click()
    for box in page.locator("input[name=confirmed]").all():
        box.check()
    page.get_by_role("button", name="Issue version 2").click()
    expect(page.get_by_text("Version 2 of the letter has been issued")).to_be_visible()
    with LetterVersion.objects.get(letter__review=review, number=1).pdf.open("rb") as handle:
        assert hashlib.sha256(handle.read()).hexdigest() == v1.pdf_sha256
