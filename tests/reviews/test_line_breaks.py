"""Free text that becomes an email subject or a calendar line refuses CR and LF with a form error
(nothing typed is lost, nothing is saved), and a line break that is already stored (typed before,
or through the admin) never splits a calendar line or a subject."""

from __future__ import annotations

import datetime as dt

import icalendar
import pytest
from django.core import mail
from django.urls import reverse

from audits.services.case_list import parse_case_list
from core.forms import ONE_LINE_MESSAGE
from reviews.schedule.models import ReviewDay, Session
from reviews.setup.models import Review
from tests.reviews.test_review_setup import _review_data
from tests.reviews.test_schedule import _form

pytestmark = pytest.mark.django_db

BREAKS = ["Focus group\r\nBcc: x@example.org", "Focus\rgroup", "Focus\ngroup", "Focus group\r"]


@pytest.mark.parametrize("title", BREAKS)
def test_a_session_title_with_a_line_break_is_a_form_error(world, title) -> None:
    day = ReviewDay.objects.create(review=world.review, date=dt.date(2026, 11, 17))
    response = world.client("coordinator").post(
        reverse("reviews:session-create", args=[world.review.pk]), _form(world, day, title=title)
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert ONE_LINE_MESSAGE in page
    assert "Civic Centre, room 2" in page  # what was typed is kept
    assert not Session.objects.exists()
    assert mail.outbox == []


@pytest.mark.parametrize("field", ["place", "online_link"])
def test_a_session_place_or_link_with_a_line_break_is_a_form_error(world, field) -> None:
    day = ReviewDay.objects.create(review=world.review, date=dt.date(2026, 11, 17))
    value = {"place": "Civic Centre\rroom 2", "online_link": "https://meet.example.org/a\r\nb"}
    response = world.client("coordinator").post(
        reverse("reviews:session-create", args=[world.review.pk]),
        _form(world, day, **{field: value[field]}),
    )
    assert response.status_code == 200
    assert ONE_LINE_MESSAGE in response.content.decode()
    assert not Session.objects.exists()


@pytest.mark.parametrize("title", BREAKS)
def test_a_review_title_with_a_line_break_is_a_form_error(world, title) -> None:
    client = world.client("coordinator")
    before = Review.objects.count()
    page = client.post(reverse("reviews:review-create"), _review_data(world, title=title))
    assert page.status_code == 200
    assert ONE_LINE_MESSAGE in page.content.decode()
    assert Review.objects.count() == before


def test_a_stored_line_break_never_splits_a_calendar_line(world) -> None:
    day = ReviewDay.objects.create(review=world.review, date=dt.date(2026, 11, 17))
    Review.objects.filter(pk=world.review.pk).update(title="Review\rof Northmoor")
    Session.objects.create(
        review=world.review,
        day=day,
        kind=Session.Kind.INTERVIEW,
        title="Lone\rCR",
        start_time=dt.time(10),
        end_time=dt.time(11),
        place="Room\r\n2",
    )
    response = world.client("host_staff").get(
        reverse("reviews:timetable-ics", args=[world.review.pk])
    )
    assert b"\r" not in response.content.replace(b"\r\n", b"")
    (event,) = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    assert str(event["summary"]) == "Lone CR (Review of Northmoor)"
    assert str(event["location"]) == "Room 2"


def test_a_case_reference_with_a_line_break_is_refused(world) -> None:
    text = 'case reference,case type,date,team\n"AB\r12",Contact,01/03/2026,MASH\n'
    parsed = parse_case_list(review=world.review, text=text)
    assert any("has a line break" in message for _line, message in parsed.errors)
