"""The timetable is published once (each person emailed their own sessions); later changes wait on
the page ("3 changes not yet sent") and go out as ONE email per person with what changed for them.
The timetable as a grid (time by reviewer), and copying a session."""

from __future__ import annotations

import datetime as dt
import re

from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reviews.schedule.models import ReviewDay, Session, SessionChange
from tests.factories import MembershipFactory, UserFactory
from tests.reviews.test_schedule import _day, _form, _session


def _two_sessions(world):
    reviewer, lead, host = (world.people[r] for r in ("reviewer", "lead_reviewer", "host_lead"))
    first = _session(
        world.review,
        dt.date(2026, 11, 17),
        (9, 0),
        (10, 0),
        title="Opening meeting",
        reviewers=[reviewer, lead],
        host_people=[host],
    )
    second = _session(
        world.review,
        dt.date(2026, 11, 17),
        (10, 30),
        (12, 0),
        title="Observation in the MASH",
        reviewers=[reviewer],
    )
    return first, second


def _publish(world):
    return world.client("coordinator").post(
        reverse("reviews:timetable-publish", args=[world.review.pk]), follow=True
    )


def _edit(world, session, **changes):
    data = _form(
        world,
        session.day,
        title=session.title,
        start_time=f"{session.start_time:%H:%M}",
        end_time=f"{session.end_time:%H:%M}",
        reviewers=[str(p.pk) for p in session.reviewers.all()],
        host_people=[str(p.pk) for p in session.host_people.all()],
        host_attendees="",
        version=str(Session.objects.get(pk=session.pk).version),
    )
    data.update(changes)
    return world.client("coordinator").post(
        reverse("reviews:session-edit", args=[world.review.pk, session.pk]), data, follow=True
    )


def test_publishing_emails_each_person_their_own_sessions_once(world) -> None:
    _two_sessions(world)
    response = _publish(world)
    assert "The timetable is published" in response.content.decode()
    by_person = {m.to[0]: m for m in mail.outbox}
    assert len(mail.outbox) == len(by_person) == 3  # one each
    reviewer = by_person["reviewer@example.org"]
    assert "your 2 sessions" in reviewer.subject
    assert "09:00 to 10:00: Opening meeting" in reviewer.body
    assert "10:30 to 12:00: Observation in the MASH" in reviewer.body
    lead = by_person["lead_reviewer@example.org"]
    assert "Opening meeting" in lead.body and "Observation" not in lead.body
    assert "Observation" not in by_person["host_lead@example.org"].body

    # Publishing twice sends nothing more.
    mail.outbox.clear()
    page = _publish(world).content.decode()
    assert "already published" in page and mail.outbox == []
    page = world.client("coordinator").get(reverse("reviews:timetable", args=[world.review.pk]))
    assert "No changes waiting to be sent" in page.content.decode()


def test_changes_after_publishing_wait_and_go_as_one_email_per_person(world) -> None:
    first, second = _two_sessions(world)
    _publish(world)
    mail.outbox.clear()

    # Three saves while the coordinator is still working: nobody is emailed yet.
    response = _edit(world, first, start_time="09:15", end_time="10:15")
    assert "not yet sent" in response.content.decode()
    _edit(world, first, start_time="09:30", end_time="10:30")
    _edit(world, second, place="MASH office, floor 2")
    assert mail.outbox == []
    page = world.client("coordinator").get(reverse("reviews:timetable", args=[world.review.pk]))
    text = page.content.decode()
    assert "2 changes not yet sent (3 people to tell)" in text
    assert "Send the changes" in text

    world.client("coordinator").post(
        reverse("reviews:timetable-send-changes", args=[world.review.pk])
    )
    by_person: dict[str, list] = {}
    for m in mail.outbox:
        by_person.setdefault(m.to[0], []).append(m)
    assert {k: len(v) for k, v in by_person.items()} == {
        "reviewer@example.org": 1,
        "lead_reviewer@example.org": 1,
        "host_lead@example.org": 1,
    }
    (reviewer,) = by_person["reviewer@example.org"]
    assert "2 sessions changed for you" in reviewer.subject
    assert reviewer.body.count("Opening meeting") == 1  # moved twice: one line, as it is now
    assert "09:30 to 10:30" in reviewer.body and "09:15" not in reviewer.body
    assert "MASH office, floor 2" in reviewer.body
    (host,) = by_person["host_lead@example.org"]
    assert "Opening meeting" in host.body and "Observation" not in host.body
    assert not SessionChange.objects.filter(sent_at__isnull=True).exists()

    # Sent: nothing left, sending again sends nothing.
    mail.outbox.clear()
    world.client("coordinator").post(
        reverse("reviews:timetable-send-changes", args=[world.review.pk])
    )
    assert mail.outbox == []


def test_added_removed_and_cancelled_say_so_and_add_then_cancel_says_nothing(world) -> None:
    first, second = _two_sessions(world)
    _publish(world)
    mail.outbox.clear()
    lead = world.people["lead_reviewer"]
    # The lead reviewer is taken off the opening meeting and put on the observation.
    _edit(world, first, reviewers=[str(world.people["reviewer"].pk)])
    _edit(world, second, reviewers=[str(world.people["reviewer"].pk), str(lead.pk)])
    # The second session is then cancelled: the reviewer is told once, "Cancelled".
    world.client("coordinator").post(
        reverse("reviews:session-cancel", args=[world.review.pk, second.pk])
    )
    # A session added and cancelled before sending: nobody hears of it.
    day = _day(world.review, dt.date(2026, 11, 17))
    world.client("coordinator").post(
        reverse("reviews:session-create", args=[world.review.pk]),
        _form(world, day, title="Short-lived", start_time="15:00", end_time="16:00"),
    )
    short = Session.objects.get(title="Short-lived")
    world.client("coordinator").post(
        reverse("reviews:session-cancel", args=[world.review.pk, short.pk])
    )
    assert mail.outbox == []
    world.client("coordinator").post(
        reverse("reviews:timetable-send-changes", args=[world.review.pk])
    )
    by_person = {m.to[0]: m for m in mail.outbox}
    assert "Short-lived" not in "".join(m.body for m in mail.outbox)
    assert (
        "You are no longer needed at: Opening meeting"
        in by_person["lead_reviewer@example.org"].body
    )
    assert "Cancelled: Observation in the MASH" in by_person["reviewer@example.org"].body
    # Added to the observation then cancelled: nothing to tell the lead reviewer about it.
    assert "Observation" not in by_person["lead_reviewer@example.org"].body


def test_only_the_coordinator_publishes_and_sends(world) -> None:
    _two_sessions(world)
    for role in ("lead_reviewer", "reviewer", "host_lead"):
        url = reverse("reviews:timetable-publish", args=[world.review.pk])
        assert world.client(role).post(url).status_code == 403
    assert mail.outbox == []
    page = world.client("reviewer").get(reverse("reviews:timetable", args=[world.review.pk]))
    text = page.content.decode()
    assert "This timetable is a draft" in text and "Publish the timetable" not in text


def test_the_grid_shows_time_by_reviewer(world) -> None:
    _two_sessions(world)
    free = UserFactory(email="free@example.org", full_name="Zara Free")
    MembershipFactory(review=world.review, user=free, role="reviewer")
    _session(world.review, dt.date(2026, 11, 18), (9, 0), (10, 0), title="Nobody yet")
    page = world.client("host_lead").get(reverse("reviews:timetable-grid", args=[world.review.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    names = [world.people["lead_reviewer"].full_name, world.people["reviewer"].full_name]
    for name in names:
        assert f'<th scope="col" class="govuk-table__header">{name}</th>' in text
    assert '<th scope="col" class="govuk-table__header">Zara Free</th>' in text  # free all day
    assert "No reviewer yet" in text
    assert '<th scope="row" class="govuk-table__header">09:00 to 10:00</th>' in text
    assert 'class="app-table-scroll" role="region"' in text and 'tabindex="0"' in text
    # The opening meeting is in both reviewers' columns, the observation in one.
    assert text.count("Opening meeting") == 2
    assert text.count("Observation in the MASH") == 1


def test_the_grid_makes_the_same_queries_with_more_sessions(world) -> None:
    url = reverse("reviews:timetable-grid", args=[world.review.pk])
    client = world.client("coordinator")
    _two_sessions(world)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for hour in range(13, 18):
        _session(
            world.review,
            dt.date(2026, 11, 18),
            (hour, 0),
            (hour, 45),
            reviewers=[world.people["reviewer"]],
        )
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def test_copy_opens_the_new_session_form_filled_in(world) -> None:
    first, _ = _two_sessions(world)
    client = world.client("coordinator")
    page = client.get(reverse("reviews:timetable", args=[world.review.pk])).content.decode()
    copy_url = f"{reverse('reviews:session-create', args=[world.review.pk])}?copy={first.pk}"
    assert f'href="{copy_url}"' in page
    form = client.get(copy_url).content.decode()
    assert "A copy of “Opening meeting”" in form
    assert 'value="Opening meeting"' in form and 'value="09:00"' in form
    assert 'value="Civic Centre, room 2"' in form
    checked = {
        value
        for value, attrs in re.findall(
            r'<input[^>]*name="reviewers"[^>]*value="(\d+)"([^>]*)>', form
        )
        if "checked" in attrs
    }
    assert checked == {str(p.pk) for p in first.reviewers.all()}
    # Saving it makes a second session; the original is untouched.
    day = ReviewDay.objects.get(review=world.review, date=dt.date(2026, 11, 17))
    client.post(
        reverse("reviews:session-create", args=[world.review.pk]),
        _form(world, day, title="Opening meeting", start_time="13:00", end_time="14:00"),
    )
    assert Session.objects.filter(title="Opening meeting").count() == 2
    first.refresh_from_db()
    assert first.start_time == dt.time(9)
    # Another review's session is not copied.
    other = _session(world.other_review, dt.date(2026, 11, 17), (9, 0), (10, 0), title="Secret")
    form = client.get(
        f"{reverse('reviews:session-create', args=[world.review.pk])}?copy={other.pk}"
    ).content.decode()
    assert "Secret" not in form and "A copy of" not in form
