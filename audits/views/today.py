"""A reviewer's "Today": their sessions today and next (time, place, who, key lines), each with a link
to add an evidence note to it, and the cases assigned to them with how far each audit is.

Here, in audits, because it reads both the timetable (reviews.schedule) and case audits (this app):
audits may import reviews, not the other way round. The review team sees it (``view_team_work``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Prefetch, Q
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from accounts.http import AuthenticatedHttpRequest
from accounts.models import User
from audits.models import Case, CaseAudit
from reviews.permissions import can, get_review_for, review_context
from reviews.schedule.models import Session
from reviews.setup.models import LONDON, Kloe, Review


def my_sessions(review: Review, user: User, since: dt.date) -> list[Session]:
    """This person's sessions of the review (not cancelled) from ``since`` on, in order, with who is in
    each and its key lines of enquiry: four queries whatever the number."""
    people = User.objects.only("pk", "full_name", "email").order_by("full_name", "pk")
    return list(
        Session.objects.live()
        .filter(review=review, reviewers=user, day__date__gte=since)
        .select_related("day")
        .prefetch_related(
            Prefetch("reviewers", queryset=people),
            Prefetch("host_people", queryset=people),
            Prefetch("kloes", queryset=Kloe.objects.order_by("position", "pk")),
        )
        .order_by("day__date", "start_time", "pk")
    )


def _day(sessions: list[Session], now: dt.datetime, notes_url: str | None) -> list[dict[str, Any]]:
    numbers = {}
    rows = []
    for session in sessions:
        if session.review_id not in numbers:
            numbers[session.review_id] = {k.pk: k for k in session.review.numbered_kloes()}
        kloes = [numbers[session.review_id].get(k.pk, k) for k in session.kloes.all()]
        state = ""
        if session.day.date == now.date():
            if session.start_time <= now.time() < session.end_time:
                state = "now"
            elif session.end_time <= now.time():
                state = "done"
        rows.append(
            {
                "session": session,
                "kloes": kloes,
                "state": state,
                "add_note": f"{notes_url}?note_session={session.pk}#note-text" if notes_url else "",
            }
        )
    return rows


def my_cases(review: Review, user: User) -> list[Case]:
    """The cases assigned to this person, with how many criteria are answered: one query."""
    return list(
        Case.objects.filter(review=review, assigned_to=user)
        .select_related("audit")
        .annotate(
            answered=Count("audit__answers", filter=~Q(audit__answers__answer="")),
            criteria=Count("audit__answers"),
        )
        .order_by("reference")
    )


@require_safe
def today(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    review = get_review_for(request.user, pk, "view_team_work")
    now = timezone.localtime(timezone.now(), LONDON)
    sessions = my_sessions(review, request.user, now.date())
    for session in sessions:
        session.review = review  # its key lines' numbers come from the review, read once
    notes_url = (
        reverse("reviews:notes", kwargs={"pk": review.pk})
        if can(request.user, "edit_findings", review)
        else None
    )
    todays = [s for s in sessions if s.day.date == now.date()]
    later = [s for s in sessions if s.day.date > now.date()]
    next_day = [s for s in later if s.day.date == later[0].day.date] if later else []
    cases = my_cases(review, request.user)
    done = sum(1 for c in cases if _status(c) == CaseAudit.Status.COMPLETE)
    started = sum(1 for c in cases if _status(c) == CaseAudit.Status.IN_PROGRESS)
    for case in cases:
        case.status_label = CaseAudit.Status(_status(case)).label  # type: ignore[attr-defined]
    return render(
        request,
        "audits/today.html",
        review_context(
            request,
            review,
            now=now,
            today=_day(todays, now, notes_url),
            next_day=_day(next_day, now, notes_url),
            next_date=next_day[0].day.date if next_day else None,
            cases=cases,
            cases_done=done,
            cases_started=started,
            notes_url=notes_url,
        ),
    )


def _status(case: Case) -> str:
    audit = getattr(case, "audit", None)
    return audit.status if audit else CaseAudit.Status.NOT_STARTED
