"""Saving, moving and cancelling sessions; the people in them are told by email.

Keyword-only, typed functions. Each either does all of its work or none of it (one transaction);
its emails are queued in that transaction and sent after commit (``core.email``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from core.email import Queued, send_email
from core.versioning import save_versioned
from reviews.schedule.models import ReviewDay, Session
from reviews.schedule.timetable import attendees
from reviews.setup.models import Review

if TYPE_CHECKING:
    from django import forms


_WHEN = ("day_id", "start_time", "end_time", "place", "online_link")


def _snapshot(session: Session) -> tuple[Any, ...]:
    return tuple(getattr(session, f) for f in _WHEN)


def _notify(*, session: Session, change: str, people: list[User], site_url: str) -> Queued:
    """Queue an email to each of ``people`` about ``session``, in the caller's transaction."""
    queued = Queued()
    for person in people:
        queued += send_email(
            template="reviews/email/session_changed",
            context={
                "session": session,
                "review": session.review,
                "change": change,
                "person": person,
                "url": site_url + reverse("reviews:timetable", kwargs={"pk": session.review_id}),
            },
            to=[person.email],
            about=session,
        )
    return queued


def save_session(*, form: forms.ModelForm, review: Review, site_url: str) -> Session:
    """Add or change a session; bump its SEQUENCE; queue an email to the people it concerns, in
    the same transaction."""
    session: Session = form.instance
    creating = session.pk is None
    if creating:
        with transaction.atomic():
            session = form.save(commit=False)
            session.review = review
            session.save()
            form.save_m2m()
            _notify(session=session, change="added", people=attendees(session), site_url=site_url)
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
        _notify(session=session, change="added", people=added, site_url=site_url)
        _notify(session=before, change="removed", people=removed, site_url=site_url)
        if moved:
            _notify(session=session, change="moved", people=staying, site_url=site_url)
    return session


class DayHasSessions(Exception):
    pass


def remove_day(*, day: ReviewDay) -> None:
    """Remove a review day that has no sessions left (cancelled ones go with it)."""
    with transaction.atomic():
        if day.sessions.live().exists():
            raise DayHasSessions
        day.delete()


def cancel_session(*, session: Session, site_url: str) -> Queued:
    with transaction.atomic():
        Session.objects.filter(pk=session.pk).update(
            cancelled_at=timezone.now(),
            sequence=F("sequence") + 1,
            version=F("version") + 1,
            updated_at=timezone.now(),
        )
        session.refresh_from_db()
        return _notify(
            session=session, change="cancelled", people=attendees(session), site_url=site_url
        )
