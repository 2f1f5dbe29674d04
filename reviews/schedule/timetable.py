"""The review's timetable: days, sessions and the clash warnings shown with them.

Warnings never block a change: the coordinator decides. Computing them takes a fixed number of
queries, however many sessions there are.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Prefetch

from reviews.schedule.models import ReviewDay, Session
from reviews.setup.models import Kloe, Membership, Review, Role, number_kloes

if TYPE_CHECKING:
    from accounts.models import User


@dataclass
class Day:
    day: ReviewDay
    sessions: list[Session] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass
class Timetable:
    review: Review
    days: list[Day]
    warnings_by_session: dict[int, list[str]]

    @property
    def sessions(self) -> list[Session]:
        return [s for d in self.days for s in d.sessions]

    @property
    def warning_count(self) -> int:
        return sum(len(w) for w in self.warnings_by_session.values()) + sum(
            len(d.warnings) for d in self.days
        )


def build_timetable(review: Review, *, include_cancelled: bool = False) -> Timetable:
    """Days in order with their sessions (people and KLOEs loaded) and the warnings for each."""
    days = list(review.days.order_by("date"))
    queryset = Session.objects.filter(review=review).prefetch_related(
        "reviewers", "host_people", Prefetch("kloes", queryset=Kloe.objects.order_by("position"))
    )
    if not include_cancelled:
        queryset = queryset.live()
    sessions = list(queryset.order_by("start_time", "end_time", "pk"))
    kloes = list(Kloe.objects.filter(framework__review=review))
    number_kloes(kloes)
    numbers = {k.pk: k.number for k in kloes}
    by_day: dict[int, Day] = {d.pk: Day(d) for d in days}
    for session in sessions:
        entry = by_day[session.day_id]
        session.day = entry.day  # already loaded: no query per session
        session.review = review
        for kloe in session.kloes.all():
            kloe.number = numbers.get(kloe.pk, "")
        entry.sessions.append(session)
    for entry in by_day.values():
        if not review.in_dates(entry.day.date):
            entry.warnings.append(f"{entry.day.date:%A %-d %B} is outside the review's dates")
    live = [s for s in sessions if not s.is_cancelled]
    warnings = clash_warnings(review, live)
    for session in sessions:
        session.warnings = warnings.get(session.pk, [])
    return Timetable(review, list(by_day.values()), warnings)


def clash_warnings(review: Review, sessions: list[Session]) -> dict[int, list[str]]:
    """Warnings per session: no reviewer; a reviewer in two overlapping sessions, in this review or
    in another one. ``sessions`` have their reviewers prefetched. Other reviews are named only as
    "another review": the coordinator may not be on them."""
    warnings: dict[int, list[str]] = defaultdict(list)
    by_person: dict[int, list[Session]] = defaultdict(list)
    names: dict[int, str] = {}
    for session in sessions:
        reviewers = list(session.reviewers.all())
        if not reviewers:
            warnings[session.pk].append("No reviewer is attending this session")
        for person in reviewers:
            by_person[person.pk].append(session)
            names[person.pk] = person.full_name or person.email

    for person_pk, theirs in by_person.items():
        theirs.sort(key=lambda s: (s.day.date, s.start_time))
        for i, first in enumerate(theirs):
            for second in theirs[i + 1 :]:
                if first.overlaps(second):
                    name = names[person_pk]
                    warnings[first.pk].append(f"{name} is also in “{second.title}” at this time")
                    warnings[second.pk].append(f"{name} is also in “{first.title}” at this time")

    # Other reviews: one query for every session there that shares a reviewer and a date.
    dates = {s.day.date for s in sessions}
    if by_person and dates:
        elsewhere = (
            Session.objects.live()
            .exclude(review=review)
            .filter(day__date__in=dates, reviewers__in=list(by_person))
            .select_related("day")
            .values_list("reviewers", "day__date", "start_time", "end_time")
        )
        for person_pk, date, start, end in elsewhere:
            for session in by_person.get(person_pk, []):
                if (
                    session.day.date == date
                    and session.start_time < end
                    and start < session.end_time
                ):
                    warnings[session.pk].append(
                        f"{names[person_pk]} is in a session of another review at this time"
                    )
    return dict(warnings)


def warnings_for(session: Session) -> list[str]:
    """The warnings for one session, as the coordinator saves it."""
    review = session.review
    sessions = list(
        Session.objects.live()
        .filter(review=review)
        .select_related("day")
        .prefetch_related("reviewers")
    )
    warnings = clash_warnings(review, sessions).get(session.pk, [])
    if not review.in_dates(session.day.date):
        warnings.insert(0, "This session is outside the review's dates")
    return warnings


def attendees(session: Session) -> list[User]:
    """The people a change to this session concerns: its reviewers and host contacts."""
    people = {u.pk: u for u in session.reviewers.all()}
    people.update({u.pk: u for u in session.host_people.all()})
    return list(people.values())


@dataclass
class GridRow:
    start: datetime.time
    end: datetime.time
    cells: list[list[Session]]  # one per column: the sessions of that reviewer at this time


@dataclass
class GridDay:
    day: ReviewDay
    rows: list[GridRow]


@dataclass
class Grid:
    """The timetable as a grid: a table per day, a row per time, a column per reviewer (and one
    for the sessions with no reviewer yet, when there are any)."""

    columns: list[str]
    days: list[GridDay]
    unstaffed: bool


def build_grid(timetable: Timetable) -> Grid:
    """From a built timetable (its sessions' reviewers loaded) and one query for the team's
    reviewers: the same number of queries whatever the number of sessions."""
    people: dict[int, str] = {
        m.user_id: m.user.full_name or m.user.email
        for m in Membership.objects.filter(
            review=timetable.review, role__in=[Role.LEAD_REVIEWER, Role.REVIEWER]
        ).select_related("user")
    }
    for session in timetable.sessions:
        for person in session.reviewers.all():
            people.setdefault(person.pk, person.full_name or person.email)
    order = sorted(people, key=lambda pk: (people[pk].casefold(), pk))
    index = {pk: i for i, pk in enumerate(order)}
    unstaffed = any(not s.reviewers.all() for s in timetable.sessions)
    width = len(order) + (1 if unstaffed else 0)
    days = []
    for entry in timetable.days:
        slots: dict[tuple[datetime.time, datetime.time], GridRow] = {}
        for session in entry.sessions:
            key = (session.start_time, session.end_time)
            row = slots.get(key)
            if row is None:
                row = slots[key] = GridRow(key[0], key[1], [[] for _ in range(width)])
            reviewers = list(session.reviewers.all())
            for person in reviewers:
                row.cells[index[person.pk]].append(session)
            if not reviewers:
                row.cells[-1].append(session)
        days.append(GridDay(entry.day, sorted(slots.values(), key=lambda r: (r.start, r.end))))
    columns = [people[pk] for pk in order] + (["No reviewer yet"] if unstaffed else [])
    return Grid(columns, days, unstaffed)
