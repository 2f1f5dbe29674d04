"""Calendar files (iCalendar) of review sessions, for Outlook, Google Calendar and Apple Calendar.

Times are Europe/London, with a VTIMEZONE for it; each session keeps one UID for its life and its
SEQUENCE goes up with every change, so a moved session moves in people's calendars instead of
appearing twice, and a cancelled one is marked cancelled.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.utils import timezone
from icalendar import Calendar, Event, Timezone

from reviews.schedule.models import Session

PRODID = "-//Front door peer review//Timetable//EN"


UID_DOMAIN = "frontdoor-peer-review"


# Europe/London since 1996 (the EU summer-time rules): last Sunday of March and of October, 01:00 UTC.
LONDON_VTIMEZONE = Timezone.from_ical(
    "BEGIN:VTIMEZONE\r\n"
    "TZID:Europe/London\r\n"
    "X-LIC-LOCATION:Europe/London\r\n"
    "BEGIN:DAYLIGHT\r\n"
    "TZNAME:BST\r\n"
    "TZOFFSETFROM:+0000\r\n"
    "TZOFFSETTO:+0100\r\n"
    "DTSTART:19700329T010000\r\n"
    "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\n"
    "END:DAYLIGHT\r\n"
    "BEGIN:STANDARD\r\n"
    "TZNAME:GMT\r\n"
    "TZOFFSETFROM:+0100\r\n"
    "TZOFFSETTO:+0000\r\n"
    "DTSTART:19701025T020000\r\n"
    "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\n"
    "END:STANDARD\r\n"
    "END:VTIMEZONE\r\n"
)


def session_uid(session: Session) -> str:
    return f"{session.uid}@{UID_DOMAIN}"


def build_calendar(sessions: Iterable[Session], *, name: str) -> bytes:
    """An iCalendar file with one event per session. ``sessions`` come with day, review and people."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", _one_line(name))
    calendar.add("x-wr-timezone", "Europe/London")
    calendar.add_component(LONDON_VTIMEZONE)
    now = timezone.now()
    for session in sessions:
        calendar.add_component(_event(session, now))
    return calendar.to_ical()


def _one_line(text: str) -> str:
    """``text`` on one line: a line break typed before the forms refused them (or through the admin)
    never splits a calendar line (icalendar leaves a lone CR as it is, which breaks the feed)."""
    return " ".join(text.splitlines())


def _event(session: Session, now: dt.datetime) -> Event:
    event = Event()
    event.add("uid", session_uid(session))
    event.add("sequence", session.sequence)
    event.add("dtstamp", now)
    event.add("last-modified", session.updated_at)
    event.add("dtstart", session.starts())
    event.add("dtend", session.ends())
    event.add("summary", _one_line(f"{session.title} ({session.review.title})"))
    location = session.place or session.online_link
    if location:
        event.add("location", _one_line(location))
    if session.online_link:
        event.add("url", _one_line(session.online_link))
    lines = [f"{session.get_kind_display()}: {session.title}", f"Review: {session.review.title}"]
    reviewers = ", ".join(p.full_name for p in session.reviewers.all())
    if reviewers:
        lines.append(f"Reviewers: {reviewers}")
    host = [p.full_name for p in session.host_people.all()]
    if session.host_attendees:
        host.append(session.host_attendees)
    if host:
        lines.append(f"Host attendees: {', '.join(host)}")
    if session.online_link:
        lines.append(f"Join online: {session.online_link}")
    event.add("description", "\n".join(_one_line(line) for line in lines))
    event.add("status", "CANCELLED" if session.is_cancelled else "CONFIRMED")
    event.add("transp", "OPAQUE")
    return event
