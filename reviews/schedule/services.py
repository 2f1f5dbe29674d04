"""Saving, moving and cancelling sessions; publishing the timetable and sending its changes.

Until the coordinator publishes the timetable nobody is emailed: it is a draft, changed as often as
needed. Publishing emails each person attending their own sessions, once. After it, each change is
recorded for the people it concerns (``SessionChange``) and "Send the changes" sends ONE email to
each of them with what changed for them since the last update: a session moved three times while
the coordinator was still working is one line, a session added then cancelled is none.

Keyword-only, typed functions. Each either does all of its work or none of it (one transaction);
its emails are queued in that transaction and sent after commit (``core.email``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import Count, F
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from core.email import Queued, send_email
from core.versioning import save_versioned
from reviews.schedule.models import ReviewDay, Session, SessionChange, TimetablePublication
from reviews.schedule.timetable import attendees
from reviews.setup.models import Review

if TYPE_CHECKING:
    from django import forms


_WHEN = ("day_id", "start_time", "end_time", "place", "online_link", "title", "kind")


def _snapshot(session: Session) -> tuple[Any, ...]:
    return tuple(getattr(session, f) for f in _WHEN)


def is_published(review: Review) -> bool:
    return TimetablePublication.objects.filter(review=review).exists()


def _record(*, session: Session, kind: str, people: list[User]) -> int:
    """After publishing: note the change for each person, to be sent with "Send the changes"."""
    if not people or not is_published(session.review):
        return 0
    SessionChange.objects.bulk_create(
        SessionChange(review_id=session.review_id, session=session, person=p, kind=kind)
        for p in people
    )
    return len(people)


def save_session(*, form: forms.ModelForm, review: Review, site_url: str = "") -> Session:
    """Add or change a session; bump its SEQUENCE (calendars update it in place); once the
    timetable is published, note the change for the people it concerns."""
    session: Session = form.instance
    creating = session.pk is None
    if creating:
        with transaction.atomic():
            session = form.save(commit=False)
            session.review = review
            session.save()
            form.save_m2m()
            _record(session=session, kind=SessionChange.Kind.ADDED, people=attendees(session))
        return session

    before = Session.objects.get(pk=session.pk)
    before_people = {p.pk: p for p in attendees(before)}
    with transaction.atomic():
        session.sequence = before.sequence + 1
        session = save_versioned(form)
        after_people = {p.pk: p for p in attendees(session)}
        moved = _snapshot(before) != _snapshot(session)
        added = [p for pk, p in after_people.items() if pk not in before_people]
        removed = [p for pk, p in before_people.items() if pk not in after_people]
        staying = [p for pk, p in after_people.items() if pk in before_people]
        _record(session=session, kind=SessionChange.Kind.ADDED, people=added)
        _record(session=session, kind=SessionChange.Kind.REMOVED, people=removed)
        if moved:
            _record(session=session, kind=SessionChange.Kind.MOVED, people=staying)
    return session


class DayHasSessions(Exception):
    pass


def remove_day(*, day: ReviewDay) -> None:
    """Remove a review day that has no sessions left (cancelled ones go with it)."""
    with transaction.atomic():
        if day.sessions.live().exists():
            raise DayHasSessions
        day.delete()


def cancel_session(*, session: Session, site_url: str = "") -> int:
    """Cancel a session; once the timetable is published, note it for the people attending.
    Returns how many people are to be told."""
    with transaction.atomic():
        Session.objects.filter(pk=session.pk).update(
            cancelled_at=timezone.now(),
            sequence=F("sequence") + 1,
            version=F("version") + 1,
            updated_at=timezone.now(),
        )
        session.refresh_from_db()
        return _record(
            session=session, kind=SessionChange.Kind.CANCELLED, people=attendees(session)
        )


def copy_initial(session: Session) -> dict[str, Any]:
    """A new session's form, filled in from ``session`` (the coordinator changes what differs)."""
    return {
        "day": session.day_id,
        "kind": session.kind,
        "title": session.title,
        "start_time": session.start_time,
        "end_time": session.end_time,
        "place": session.place,
        "online_link": session.online_link,
        "reviewers": [p.pk for p in session.reviewers.all()],
        "host_people": [p.pk for p in session.host_people.all()],
        "host_attendees": session.host_attendees,
        "kloes": [k.pk for k in session.kloes.all()],
    }


# Publishing and sending the changes -------------------------------------------------------------


class AlreadyPublished(Exception):
    pass


def _sessions(review: Review) -> list[Session]:
    return list(
        Session.objects.filter(review=review)
        .select_related("day")
        .prefetch_related("reviewers", "host_people")
        .order_by("day__date", "start_time", "pk")
    )


def _url(review: Review, site_url: str) -> str:
    return site_url + reverse("reviews:timetable", kwargs={"pk": review.pk})


def publish_timetable(*, review: Review, user: User, site_url: str) -> Queued:
    """Publish the timetable: one email to each person attending, with their own sessions."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                publication = TimetablePublication.objects.create(review=review, published_by=user)
        except IntegrityError:
            raise AlreadyPublished from None
        theirs: dict[int, list[Session]] = defaultdict(list)
        people: dict[int, User] = {}
        for session in _sessions(review):
            if session.is_cancelled:
                continue
            session.review = review
            for person in attendees(session):
                people[person.pk] = person
                theirs[person.pk].append(session)
        queued = Queued()
        for pk, person in sorted(people.items(), key=lambda kv: kv[1].full_name):
            queued += send_email(
                template="reviews/email/timetable_published",
                context={
                    "review": review,
                    "person": person,
                    "sessions": theirs[pk],
                    "url": _url(review, site_url),
                },
                to=[person.email],
                about=publication,
            )
    return queued


@dataclass(frozen=True)
class Change:
    session: Session
    kind: str  # SessionChange.Kind

    @property
    def label(self) -> str:
        return SessionChange.Kind(self.kind).label


def _net(kinds: list[str]) -> str | None:
    """What a run of changes to one session comes to for one person, or None (nothing to say)."""
    first, last = kinds[0], kinds[-1]
    gone = last in (SessionChange.Kind.REMOVED, SessionChange.Kind.CANCELLED)
    if first == SessionChange.Kind.ADDED:
        return None if gone else SessionChange.Kind.ADDED  # new to them: as it is now
    if gone:
        return last
    return SessionChange.Kind.MOVED  # they were in it and still are: it changed


@dataclass(frozen=True)
class Pending:
    sessions: int  # how many sessions have changes not sent yet
    people: int  # how many people they concern

    def __bool__(self) -> bool:
        return bool(self.sessions)

    @property
    def summary(self) -> str:
        s = "change" if self.sessions == 1 else "changes"
        p = "person" if self.people == 1 else "people"
        return f"{self.sessions} {s} not yet sent ({self.people} {p} to tell)"


def pending_changes(review: Review) -> Pending:
    """The changes waiting for "Send the changes" (one query)."""
    row = SessionChange.objects.filter(review=review, sent_at__isnull=True).aggregate(
        sessions=Count("session", distinct=True), people=Count("person", distinct=True)
    )
    return Pending(row["sessions"] or 0, row["people"] or 0)


def send_changes(*, review: Review, site_url: str) -> Queued:
    """One email to each person with what changed for them since the last update; the changes
    are then marked sent (in the same transaction as the emails)."""
    with transaction.atomic():
        rows = list(
            SessionChange.objects.select_for_update()
            .filter(review=review, sent_at__isnull=True)
            .order_by("created_at", "pk")
            .values_list("pk", "person_id", "session_id", "kind")
        )
        if not rows:
            return Queued()
        kinds: dict[tuple[int, int], list[str]] = defaultdict(list)
        for _pk, person_id, session_id, kind in rows:
            kinds[(person_id, session_id)].append(kind)
        publication = TimetablePublication.objects.get(review=review)
        sessions = {s.pk: s for s in _sessions(review)}
        people = {u.pk: u for u in User.objects.filter(pk__in={p for p, _ in kinds})}
        theirs: dict[int, list[Change]] = defaultdict(list)
        for (person_id, session_id), run in kinds.items():
            net = _net(run)
            if net is not None:
                theirs[person_id].append(Change(sessions[session_id], net))
        queued = Queued()
        for person_id, changes in sorted(theirs.items(), key=lambda kv: people[kv[0]].full_name):
            changes.sort(key=lambda c: (c.session.day.date, c.session.start_time, c.session.pk))
            for change in changes:
                change.session.review = review
            queued += send_email(
                template="reviews/email/timetable_changes",
                context={
                    "review": review,
                    "person": people[person_id],
                    "changes": changes,
                    "url": _url(review, site_url),
                },
                to=[people[person_id].email],
                about=publication,
            )
        SessionChange.objects.filter(pk__in=[r[0] for r in rows]).update(sent_at=timezone.now())
    return queued
