"""The authority's improvement priorities and its improvement board's meetings.

Each priority (lettered A, B, C ...) has an owner and a measure, and answers recommendations of the
peer reviews the authority hosted and findings of its own audits. At each improvement board meeting
the board records what it reviewed, what it decided, and a RAG rating of every priority; the history
of ratings is the priority's progress. Every change is written to the audit trail.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Prefetch, Q

from core.versioning import StaleEdit, update_versioned
from improvement.models import BoardMeeting, ImprovementPriority, PriorityRating
from improvement.trends import is_internal_audit
from reviews.fieldwork.models import Finding, number_recommendations
from reviews.setup.models import Review
from trail.models import Event
from trail.services import record_change

if TYPE_CHECKING:
    from django.http import HttpRequest

    from accounts.models import Organisation, User

LINKABLE = (Finding.Kind.RECOMMENDATION, Finding.Kind.AREA)


def next_letter(organisation: Organisation) -> str:
    """The next free letter: A, B, ... Z, then AA, AB ..."""
    from improvement.regional import letter_label

    taken = set(
        ImprovementPriority.objects.filter(organisation=organisation).values_list(
            "letter", flat=True
        )
    )
    index = 0
    while letter_label(index) in taken:
        index += 1
    return letter_label(index)


# What a priority can answer ----------------------------------------------------------------------


def finding_label(finding: Finding) -> str:
    """'Peer challenge, June 2025: recommendation 3' (the review, and the finding as its letter
    numbers it)."""
    review = finding.review
    when = review.start_date or review.end_date
    source = f"{review.title}" + (f" ({when:%B %Y})" if when else "")
    if finding.kind == Finding.Kind.RECOMMENDATION:
        what = f"recommendation {finding.number}" if finding.number else "recommendation"
    else:
        what = "area for consideration"
    return f"{source}: {what}"


def linkable_findings(organisation: Organisation) -> list[Finding]:
    """The agreed recommendations and areas for consideration of the peer reviews whose letter was
    issued to the authority, and of its own audits, numbered as their letters number them. Two
    queries."""
    issued = Q(review__status=Review.Status.ISSUED, review__letter_issued_at__isnull=False)
    findings = list(
        Finding.objects.filter(review__host=organisation, status=Finding.Status.AGREED)
        .filter(issued | Q(review__purpose=Review.Purpose.INTERNAL_AUDIT))
        .select_related("review", "kloe")
        .order_by("review__start_date", "review_id", "kloe__position", "kloe_id", "position", "pk")
    )
    per_review: dict[int, list[Finding]] = defaultdict(list)
    for finding in findings:
        per_review[finding.review_id].append(finding)
    out: list[Finding] = []
    for items in per_review.values():
        items.sort(key=lambda f: f.kloe_id is not None)
        number_recommendations(items)
        out += [f for f in items if f.kind in LINKABLE]
    for finding in out:
        finding.label = finding_label(finding)  # type: ignore[attr-defined]
        finding.from_audit = is_internal_audit(finding.review)  # type: ignore[attr-defined]
    return out


# The priorities page ------------------------------------------------------------------------------


@dataclass
class PriorityRow:
    priority: ImprovementPriority
    ratings: list[PriorityRating | None]
    answers: list[Finding] = field(default_factory=list)

    @property
    def latest(self) -> PriorityRating | None:
        rated = [r for r in self.ratings if r is not None]
        return rated[-1] if rated else None

    @property
    def first(self) -> PriorityRating | None:
        rated = [r for r in self.ratings if r is not None]
        return rated[0] if rated else None


@dataclass
class Board:
    organisation: Organisation
    rows: list[PriorityRow]
    meetings: list[BoardMeeting]

    @property
    def latest_meeting(self) -> BoardMeeting | None:
        return self.meetings[-1] if self.meetings else None

    def count(self, rating: str) -> int:
        return sum(1 for row in self.rows if row.latest and row.latest.rating == rating)


def load(organisation: Organisation, *, until: dt.date | None = None) -> Board:
    """Every priority with what it answers and its rating at each board meeting, oldest first (no
    meeting after ``until`` when given). Five queries, whatever the number of priorities and
    meetings."""
    numbered = {f.pk: f for f in linkable_findings(organisation)}
    priorities = list(
        ImprovementPriority.objects.filter(organisation=organisation)
        .prefetch_related(
            Prefetch("findings", queryset=Finding.objects.only("pk", "review_id").order_by())
        )
        .order_by("letter", "pk")
    )
    priorities.sort(key=lambda p: (len(p.letter), p.letter))
    held = BoardMeeting.objects.filter(organisation=organisation)
    if until is not None:
        held = held.filter(date__lte=until)
    meetings = list(held.order_by("date", "pk"))
    by_pk = {m.pk: m for m in meetings}
    ratings: dict[tuple[int, int], PriorityRating] = {}
    for rating in PriorityRating.objects.filter(meeting__in=[m.pk for m in meetings]):
        rating.meeting = by_pk[rating.meeting_id]
        ratings[(rating.priority_id, rating.meeting_id)] = rating
    rows = [
        PriorityRow(
            priority=p,
            ratings=[ratings.get((p.pk, m.pk)) for m in meetings],
            answers=[numbered[f.pk] for f in p.findings.all() if f.pk in numbered],
        )
        for p in priorities
    ]
    return Board(organisation=organisation, rows=rows, meetings=meetings)


# Changes -----------------------------------------------------------------------------------------

_FIELDS = ("letter", "title", "owner", "measure")


def _snapshot(priority: ImprovementPriority) -> dict[str, Any]:
    return {f: getattr(priority, f) for f in _FIELDS}


def _record(obj: Any, request: HttpRequest | None, change: str, **detail: Any) -> None:
    record_change(Event.Action.ACTION_PLAN_CHANGED, obj, request, change, **detail)


def create_priority(
    *,
    organisation: Organisation,
    data: dict[str, Any],
    user: User,
    request: HttpRequest | None = None,
) -> ImprovementPriority:
    with transaction.atomic():
        priority = ImprovementPriority.objects.create(
            organisation=organisation,
            created_by=user,
            **{f: data[f] for f in _FIELDS},
        )
        priority.findings.set(data.get("findings") or [])
        _record(
            priority,
            request,
            "priority added",
            new=_snapshot(priority),
            findings=[f.pk for f in data.get("findings") or []],
        )
    return priority


def update_priority(
    *,
    priority: ImprovementPriority,
    version: int | None,
    data: dict[str, Any],
    request: HttpRequest | None = None,
) -> ImprovementPriority:
    """Save unless someone saved the priority since ``version`` (``StaleEdit``)."""
    before = _snapshot(priority)
    with transaction.atomic():
        update_versioned(
            ImprovementPriority,
            pk=priority.pk,
            version=version,
            values={f: data[f] for f in _FIELDS},
        )
        priority.refresh_from_db()
        priority.findings.set(data.get("findings") or [])
        _record(
            priority,
            request,
            "priority changed",
            old=before,
            new=_snapshot(priority),
            findings=[f.pk for f in data.get("findings") or []],
        )
    return priority


def delete_priority(
    *, priority: ImprovementPriority, version: int, request: HttpRequest | None = None
) -> None:
    with transaction.atomic():
        gone, _ = ImprovementPriority.objects.filter(pk=priority.pk, version=version).delete()
        if not gone:
            raise StaleEdit
        _record(priority, request, "priority deleted", old=_snapshot(priority))


def record_meeting(
    *,
    organisation: Organisation,
    date: dt.date,
    reviewed: str,
    decisions: str,
    ratings: dict[int, tuple[str, str]],
    user: User,
    request: HttpRequest | None = None,
) -> BoardMeeting:
    """A board meeting and its rating of each priority (``ratings``: priority id -> (RAG, note))."""
    with transaction.atomic():
        meeting = BoardMeeting.objects.create(
            organisation=organisation,
            date=date,
            reviewed=reviewed,
            decisions=decisions,
            created_by=user,
        )
        PriorityRating.objects.bulk_create(
            PriorityRating(meeting=meeting, priority_id=pk, rating=rag, note=note)
            for pk, (rag, note) in ratings.items()
        )
        _record(
            meeting,
            request,
            "board meeting recorded",
            date=date.isoformat(),
            ratings={str(pk): rag for pk, (rag, _note) in ratings.items()},
        )
    return meeting
