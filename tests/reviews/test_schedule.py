"""Review days and sessions: the timetable page, clash warnings, emails, the PDF and calendar files."""

from __future__ import annotations

import datetime as dt
import importlib

import icalendar
from django.apps import apps
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reviews.schedule.models import CalendarFeed, ReviewDay, Session, TimetablePublication
from reviews.setup.models import Framework, Membership, Role
from tests.factories import MembershipFactory, ReviewFactory, UserFactory

LONDON = "Europe/London"


def _day(review, date: dt.date) -> ReviewDay:
    return ReviewDay.objects.get_or_create(review=review, date=date)[0]


def _session(
    review,
    date,
    start,
    end,
    *,
    title="Session",
    reviewers=(),
    host_people=(),
    kind=Session.Kind.INTERVIEW,
):
    session = Session.objects.create(
        review=review,
        day=_day(review, date),
        kind=kind,
        title=title,
        start_time=dt.time(*start),
        end_time=dt.time(*end),
        place="Civic Centre, room 2",
    )
    session.reviewers.set(reviewers)
    session.host_people.set(host_people)
    return session


def _form(world, day: ReviewDay, **overrides) -> dict:
    data = {
        "day": str(day.pk),
        "kind": Session.Kind.FOCUS_GROUP,
        "title": "Focus group with MASH social workers",
        "start_time": "10:00",
        "end_time": "11:30",
        "place": "Civic Centre, room 2",
        "online_link": "",
        "reviewers": [str(world.people["reviewer"].pk)],
        "host_people": [str(world.people["host_lead"].pk)],
        "host_attendees": "Police DS from the MASH",
    }
    data.update(overrides)
    return data


def test_adding_a_day_says_what_is_wrong_and_warns_outside_the_review_dates(world) -> None:
    client = world.client("coordinator")
    url = reverse("reviews:day-create", args=[world.review.pk])
    page = client.post(url, {"date_0": "31", "date_1": "11", "date_2": "2026"}).content.decode()
    assert "The date of the day must be a real date" in page and 'value="31"' in page
    assert client.post(url, {"date_0": "17", "date_1": "11", "date_2": "2026"}).status_code == 302
    page = client.post(url, {"date_0": "17", "date_1": "11", "date_2": "2026"}).content.decode()
    assert "17 November 2026 is already a day of this review" in page
    page = client.post(
        url, {"date_0": "25", "date_1": "11", "date_2": "2026"}, follow=True
    ).content.decode()
    assert "Wednesday 25 November 2026 is outside the review&#x27;s dates" in page


def test_a_session_ending_before_it_starts_is_refused_with_what_was_typed_kept(world) -> None:
    day = _day(world.review, dt.date(2026, 11, 17))
    page = (
        world.client("coordinator")
        .post(
            reverse("reviews:session-create", args=[world.review.pk]),
            _form(world, day, start_time="14:00", end_time="13:00"),
        )
        .content.decode()
    )
    assert "The end time must be after the start time" in page
    assert 'value="Focus group with MASH social workers"' in page and 'value="14:00"' in page
    assert not Session.objects.exists()


def test_a_session_must_be_on_one_of_the_reviews_days(world) -> None:
    elsewhere = _day(world.other_review, dt.date(2026, 11, 18))
    page = (
        world.client("coordinator")
        .post(reverse("reviews:session-create", args=[world.review.pk]), _form(world, elsewhere))
        .content.decode()
    )
    assert "Choose one of this review&#x27;s days" in page
    page = (
        world.client("coordinator")
        .post(
            reverse("reviews:session-create", args=[world.review.pk]),
            _form(world, elsewhere, start_time="nine", online_link="teams"),
        )
        .content.decode()
    )
    assert "Enter the start time as hours and minutes, like 09:30" in page
    assert "Enter the link as a full web address, starting https://" in page


def test_nothing_is_emailed_before_the_timetable_is_published(world) -> None:
    client = world.client("coordinator")
    day = _day(world.review, dt.date(2026, 11, 17))
    response = client.post(
        reverse("reviews:session-create", args=[world.review.pk]), _form(world, day), follow=True
    )
    assert (
        "The timetable is not published yet: nobody has been emailed" in response.content.decode()
    )
    session = Session.objects.get()
    data = _form(world, day, start_time="14:00", end_time="15:00", version=str(session.version))
    client.post(reverse("reviews:session-edit", args=[world.review.pk, session.pk]), data)
    session.refresh_from_db()
    assert session.start_time == dt.time(14) and session.sequence == 1
    client.post(reverse("reviews:session-cancel", args=[world.review.pk, session.pk]))
    session.refresh_from_db()
    assert session.is_cancelled and session.sequence == 2
    assert mail.outbox == []
    page = client.get(reverse("reviews:timetable", args=[world.review.pk])).content.decode()
    assert "Draft: not published." in page and "Publish the timetable" in page


def test_a_stale_session_edit_is_refused(world) -> None:
    session = _session(world.review, dt.date(2026, 11, 17), (9, 0), (10, 0))
    Session.objects.filter(pk=session.pk).update(version=5)
    page = (
        world.client("coordinator")
        .post(
            reverse("reviews:session-edit", args=[world.review.pk, session.pk]),
            _form(world, session.day, version="1", title="My older version"),
        )
        .content.decode()
    )
    assert "Someone else changed this while you were editing it" in page
    session.refresh_from_db()
    assert session.title == "Session"


def test_clash_warnings_are_shown_to_the_coordinator_but_do_not_block(world) -> None:
    review, reviewer = world.review, world.people["reviewer"]
    _session(
        review,
        dt.date(2026, 11, 17),
        (9, 0),
        (10, 30),
        title="Screening observation",
        reviewers=[reviewer],
    )
    _session(
        review,
        dt.date(2026, 11, 17),
        (10, 0),
        (11, 0),
        title="Team manager interview",
        reviewers=[reviewer],
    )
    _session(review, dt.date(2026, 11, 17), (11, 0), (12, 0), title="Nobody goes", reviewers=[])
    _session(
        review,
        dt.date(2026, 11, 25),
        (9, 0),
        (10, 0),
        title="Late extra",
        reviewers=[world.people["lead_reviewer"]],
    )
    # The same reviewer in a session of another review at the same time.
    MembershipFactory(review=world.other_review, user=reviewer, role=Role.REVIEWER)
    _session(
        world.other_review,
        dt.date(2026, 11, 17),
        (9, 30),
        (9, 45),
        title="Secret other session",
        reviewers=[reviewer],
    )

    page = (
        world.client("coordinator")
        .get(reverse("reviews:timetable", args=[review.pk]))
        .content.decode()
    )
    name = reviewer.full_name.replace("'", "&#x27;")
    assert f"{name} is also in “Team manager interview” at this time" in page
    assert f"{name} is also in “Screening observation” at this time" in page
    assert "No reviewer is attending this session" in page
    assert "Wednesday 25 November is outside the review&#x27;s dates" in page
    assert f"{name} is in a session of another review at this time" in page
    assert "Secret other session" not in page  # another review's sessions are never named
    assert "Screening observation" in page and "Team manager interview" in page  # both kept

    host_page = (
        world.client("host_staff")
        .get(reverse("reviews:timetable", args=[review.pk]))
        .content.decode()
    )
    assert "Team manager interview" in host_page and "is also in" not in host_page
    assert "Add a session" not in host_page


def test_saving_a_session_that_clashes_shows_the_warning_where_the_coordinator_edits(world) -> None:
    reviewer = world.people["reviewer"]
    day = _day(world.review, dt.date(2026, 11, 17))
    _session(
        world.review, day.date, (10, 0), (11, 0), title="Existing interview", reviewers=[reviewer]
    )
    page = (
        world.client("coordinator")
        .post(
            reverse("reviews:session-create", args=[world.review.pk]),
            _form(world, day),
            follow=True,
        )
        .content.decode()
    )
    assert "Added “Focus group with MASH social workers”" in page
    assert "is also in “Existing interview” at this time" in page
    assert Session.objects.count() == 2


def test_timetable_query_count_does_not_grow_with_sessions(world) -> None:
    review = world.review
    Framework.objects.filter(is_default=True).first().copy(
        name="KLOEs", organisation=world.lead_org, review=review
    )
    kloes = list(review.framework.kloes.all())
    team = [world.people["reviewer"], world.people["lead_reviewer"]]
    hosts = [world.people["host_lead"]]
    client = world.client("coordinator")

    def add_sessions(count: int, start: int) -> None:
        for i in range(start, start + count):
            date = dt.date(2026, 11, 17) + dt.timedelta(days=i % 3)
            session = _session(
                review,
                date,
                (8 + i % 9, 0),
                (8 + i % 9, 30),
                title=f"Session {i}",
                reviewers=team,
                host_people=hosts,
            )
            session.kloes.set(kloes[:2])

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(reverse("reviews:timetable", args=[review.pk]))
        assert response.status_code == 200
        return len(ctx.captured_queries)

    add_sessions(3, 0)
    small = count()
    add_sessions(27, 3)
    large = count()
    assert Session.objects.filter(review=review).count() == 30
    assert small == large, f"{small} queries for 3 sessions, {large} for 30"


def _parse(content: bytes) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(content)


def test_the_calendar_file_has_one_event_per_session_in_london_time(world) -> None:
    reviewer = world.people["reviewer"]
    summer = _session(
        world.review,
        dt.date(2026, 7, 1),
        (9, 30),
        (10, 30),
        title="Summer session",
        reviewers=[reviewer],
    )
    winter = _session(
        world.review,
        dt.date(2026, 11, 17),
        (14, 0),
        (15, 0),
        title="Winter session",
        reviewers=[reviewer],
    )
    response = world.client("host_staff").get(
        reverse("reviews:timetable-ics", args=[world.review.pk])
    )
    assert response["Content-Type"].startswith("text/calendar")
    calendar = _parse(response.content)
    events = {str(e["summary"]).split(" (")[0]: e for e in calendar.walk("VEVENT")}
    assert set(events) == {"Summer session", "Winter session"}
    assert [str(tz["tzid"]) for tz in calendar.walk("VTIMEZONE")] == [LONDON]
    start = events["Summer session"].decoded("dtstart")
    assert start.replace(tzinfo=None) == dt.datetime(2026, 7, 1, 9, 30)
    assert start.utcoffset() == dt.timedelta(hours=1)  # BST
    assert events["Winter session"].decoded("dtstart").utcoffset() == dt.timedelta(0)
    assert b"DTSTART;TZID=Europe/London:20260701T093000" in response.content
    assert str(events["Summer session"]["uid"]) == f"{summer.uid}@frontdoor-peer-review"
    assert winter.uid != summer.uid


def test_a_moved_session_keeps_its_uid_and_its_sequence_goes_up(world) -> None:
    session = _session(
        world.review, dt.date(2026, 11, 17), (9, 0), (10, 0), reviewers=[world.people["reviewer"]]
    )
    url = reverse("reviews:timetable-ics", args=[world.review.pk])
    before = _parse(world.client("reviewer").get(url).content).walk("VEVENT")[0]
    world.client("coordinator").post(
        reverse("reviews:session-edit", args=[world.review.pk, session.pk]),
        _form(
            world, session.day, start_time="11:00", end_time="12:00", version=str(session.version)
        ),
    )
    after = _parse(world.client("reviewer").get(url).content).walk("VEVENT")[0]
    assert after["uid"] == before["uid"]
    assert int(after["sequence"]) == int(before["sequence"]) + 1
    assert after.decoded("dtstart").hour == 11

    world.client("coordinator").post(
        reverse("reviews:session-cancel", args=[world.review.pk, session.pk])
    )
    cancelled = _parse(world.client("reviewer").get(url).content).walk("VEVENT")[0]
    assert str(cancelled["status"]) == "CANCELLED" and int(cancelled["sequence"]) == 2


def test_a_persons_feed_covers_all_their_reviews_through_a_secret_resettable_address(
    world, client
) -> None:
    reviewer = world.people["reviewer"]
    mine = _session(
        world.review, dt.date(2026, 11, 17), (9, 0), (10, 0), title="Mine", reviewers=[reviewer]
    )
    _session(
        world.review,
        dt.date(2026, 11, 17),
        (11, 0),
        (12, 0),
        title="Not mine",
        reviewers=[world.people["lead_reviewer"]],
    )
    other = ReviewFactory(
        host=world.other_org, lead_organisation=world.lead_org, title="Another review"
    )
    MembershipFactory(review=other, user=reviewer, role=Role.REVIEWER)
    _session(other, dt.date(2026, 12, 1), (9, 0), (10, 0), title="Elsewhere", reviewers=[reviewer])

    signed_in = world.client("reviewer")
    assert (
        "Create your calendar address"
        in signed_in.get(reverse("reviews:calendar")).content.decode()
    )
    signed_in.post(reverse("reviews:calendar-reset"))
    feed = CalendarFeed.objects.get(user=reviewer)
    page = signed_in.get(reverse("reviews:calendar")).content.decode()
    assert feed.token in page

    # The calendar app is not signed in: the address is the key. A timetable still in draft stays
    # out of the calendar; once published, its sessions are in.
    person_feed = reverse("reviews:calendar-person-feed", args=[feed.token])
    assert not list(_parse(client.get(person_feed).content).walk("VEVENT"))
    TimetablePublication.objects.create(review=other)
    content = client.get(person_feed).content
    assert [str(e["summary"]).split(" (")[0] for e in _parse(content).walk("VEVENT")] == [
        "Elsewhere"
    ]
    TimetablePublication.objects.create(review=world.review)
    content = client.get(person_feed).content
    titles = sorted(str(e["summary"]).split(" (")[0] for e in _parse(content).walk("VEVENT"))
    assert titles == ["Elsewhere", "Mine"]
    one_review = client.get(
        reverse("reviews:calendar-review-feed", args=[feed.token, world.review.pk])
    ).content
    assert len(list(_parse(one_review).walk("VEVENT"))) == 2
    assert mine.title in one_review.decode()

    old = feed.token
    signed_in.post(reverse("reviews:calendar-reset"))
    assert client.get(reverse("reviews:calendar-person-feed", args=[old])).status_code == 404
    feed.refresh_from_db()
    assert client.get(reverse("reviews:calendar-person-feed", args=[feed.token])).status_code == 200


def test_a_feed_does_not_open_a_review_its_owner_is_not_on(world, client) -> None:
    feed = CalendarFeed.for_user(world.people["reviewer"])
    response = client.get(
        reverse("reviews:calendar-review-feed", args=[feed.token, world.other_review.pk])
    )
    assert response.status_code == 404
    stranger = UserFactory(is_active=False)
    assert (
        client.get(
            reverse("reviews:calendar-person-feed", args=[CalendarFeed.for_user(stranger).token])
        ).status_code
        == 404
    )


def test_the_printable_timetable_pdf(world) -> None:
    _session(
        world.review,
        dt.date(2026, 11, 17),
        (9, 0),
        (10, 0),
        title="Opening meeting",
        reviewers=[world.people["reviewer"]],
    )
    response = world.client("host_lead").get(
        reverse("reviews:timetable-pdf", args=[world.review.pk])
    )
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert "attachment" in response["Content-Disposition"]


def test_membership_of_the_host_is_required_for_host_attendees(world) -> None:
    day = _day(world.review, dt.date(2026, 11, 17))
    outsider = world.people["other_host_staff"]
    page = (
        world.client("coordinator")
        .post(
            reverse("reviews:session-create", args=[world.review.pk]),
            _form(world, day, host_people=[str(outsider.pk)]),
        )
        .content.decode()
    )
    assert "Choose only people who are on this review" in page
    assert not Membership.objects.filter(review=world.review, user=outsider).exists()


def test_a_day_is_removed_only_when_it_has_no_sessions(world) -> None:
    client = world.client("coordinator")
    busy = _session(world.review, dt.date(2026, 11, 17), (9, 0), (10, 0)).day
    empty = _day(world.review, dt.date(2026, 11, 18))
    page = client.post(
        reverse("reviews:day-delete", args=[world.review.pk, busy.pk]), follow=True
    ).content.decode()
    assert "still has sessions: move or cancel them before removing the day" in page
    assert ReviewDay.objects.filter(pk=busy.pk).exists()
    client.post(reverse("reviews:day-delete", args=[world.review.pk, empty.pk]))
    assert not ReviewDay.objects.filter(pk=empty.pk).exists()
    assert (
        world.client("host_lead")
        .post(reverse("reviews:day-delete", args=[world.review.pk, busy.pk]))
        .status_code
        == 403
    )


def test_a_mail_server_that_is_down_does_not_undo_or_hide_the_publishing(world, settings) -> None:
    from core.models import Email
    from reviews.schedule.models import TimetablePublication

    settings.EMAIL_BACKEND = "tests.core.mail_backends.RefusingBackend"
    _session(
        world.review,
        dt.date(2026, 11, 17),
        (9, 0),
        (10, 0),
        reviewers=[world.people["reviewer"]],
        host_people=[world.people["host_lead"]],
    )
    response = world.client("coordinator").post(
        reverse("reviews:timetable-publish", args=[world.review.pk]), follow=True
    )
    assert response.redirect_chain
    assert TimetablePublication.objects.filter(review=world.review).exists()
    emails = Email.objects.all()
    assert emails and all(e.state == Email.State.QUEUED and e.attempts == 1 for e in emails)
    assert f"is queued for {len(emails)} " in response.content.decode()


LONG_LINK = (
    "https://teams.microsoft.com/l/meetup-join/19%3ameeting_NjQ2ZTk5YzctYjA4Ny00ZTQ3LWI4ZjQtMjVm"
    "ZmE3ZDQ3YzE3%40thread.v2/0?context=%7b%22Tid%22%3a%22b5d1e3f2-9a4c%22%2c%22Oid%22%3a%2277a9e"
    "4f0c-2b1%22%7d%7d"
)
LONG_TITLE = (
    "Multi-agency strategy discussion walkthrough with the police, health visiting, school nurses, "
    "early help, the MASH managers and the independent reviewing officers, and a look at the records"
    " kept here."
)


def _words(pdf: bytes, tmp_path) -> tuple[float, list[tuple[str, float, float]]]:
    """The page width and each word with its left and right edge, as poppler's pdftotext reads
    them (an independent reader: what a person sees on the page)."""
    import re
    import subprocess

    path = tmp_path / "timetable.pdf"
    path.write_bytes(pdf)
    html = subprocess.run(
        ["pdftotext", "-bbox", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout
    width = float(re.search(r'<page width="([\d.]+)"', html).group(1))
    words = [
        (text, float(x_min), float(x_max))
        for x_min, x_max, text in re.findall(
            r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>',
            html,
        )
    ]
    return width, words


def test_a_long_place_and_title_wrap_and_keep_every_column_on_the_page(world, tmp_path) -> None:
    import subprocess

    assert len(LONG_LINK) == len(LONG_TITLE) == 200
    session = _session(
        world.review,
        dt.date(2026, 11, 17),
        (9, 0),
        (10, 0),
        title=LONG_TITLE,
        reviewers=[world.people["reviewer"]],
    )
    Session.objects.filter(pk=session.pk).update(place=LONG_LINK, online_link=LONG_LINK)
    response = world.client("host_lead").get(
        reverse("reviews:timetable-pdf", args=[world.review.pk])
    )
    width, words = _words(response.content, tmp_path)
    texts = [w[0] for w in words]
    reviewer = world.people["reviewer"].full_name
    assert "Who" in texts  # the last column's header is on the page
    for part in reviewer.split():
        assert part in texts
    # Nothing runs off the right-hand edge (A4: 595 points), nor past the 18 mm margin.
    margin = 18 * 72 / 25.4
    assert max(x_max for _, _, x_max in words) <= width - margin + 1
    # The link is wrapped inside its cell, between the "Where" and "Who" headers, over several lines.
    where = next(x_min for text, x_min, _ in words if text == "Where")
    who = next(x_min for text, x_min, _ in words if text == "Who")
    link = [w for w in words if "%" in w[0] or "teams.microsoft" in w[0]]
    assert len(link) >= 5
    assert all(where - 1 <= x_min and x_max <= who for _, x_min, x_max in link)
    assert "".join(w[0] for w in words).count("meetup-join") == 1
    # Read as plain text laid out as on the page, no line is wider than the page's ~100 columns.
    layout = subprocess.run(
        ["pdftotext", "-layout", str(tmp_path / "timetable.pdf"), "-"],
        capture_output=True,
        check=True,
        text=True,
    ).stdout
    assert max(len(line) for line in layout.splitlines()) <= 105
    assert sum("%" in line for line in layout.splitlines()) >= 5


def test_timetables_made_before_publishing_existed_count_as_published(world) -> None:
    """They were emailed as they were saved: their sessions stay in people's calendars."""
    _session(world.review, dt.date(2026, 11, 17), (9, 0), (10, 0))
    _session(world.review, dt.date(2026, 11, 18), (9, 0), (10, 0))
    migration = importlib.import_module("reviews.migrations.0015_publish_existing_timetables")
    migration.publish_existing(apps, None)
    migration.publish_existing(apps, None)
    assert TimetablePublication.objects.filter(review=world.review).count() == 1
    # A review with no sessions yet is still drafting: not published.
    assert not TimetablePublication.objects.filter(review=world.other_review).exists()
