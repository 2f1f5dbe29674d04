"""Workflows after the letter: actions and progress, follow-up reviews, an authority's history.

Keyword-only, typed functions; each does all of its work or none (one transaction). Every change to an
action plan is written to the audit trail. Edits are version-checked in the UPDATE that writes them.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from core.versioning import StaleEdit, update_versioned
from improvement.models import Action, ExternalReview, ProgressUpdate
from reviews.fieldwork.models import Finding, number_recommendations
from reviews.setup.models import Framework, Membership, Review, Role
from reviews.setup.services import record_team_change
from trail.models import Event
from trail.services import record, record_change

if TYPE_CHECKING:
    from django.http import HttpRequest

    from accounts.models import Organisation, User

PLAN_KINDS = (Finding.Kind.RECOMMENDATION, Finding.Kind.AREA)


def today() -> dt.date:
    return timezone.localdate()


# The findings an action plan answers -------------------------------------------------------------


def plan_findings(review: Review) -> list[Finding]:
    """The review's agreed recommendations and areas for consideration, in the letter's order:
    overall first, then each key line of enquiry; recommendations numbered across the review."""
    findings = list(
        Finding.objects.filter(review=review, status=Finding.Status.AGREED)
        .select_related("kloe")
        .order_by("kloe__position", "kloe_id", "position", "pk")
    )
    findings.sort(key=lambda f: f.kloe_id is not None)  # stable: overall first, as in the letter
    number_recommendations(findings)
    return [f for f in findings if f.kind in PLAN_KINDS]


@dataclass
class PlanItem:
    finding: Finding
    actions: list[Action]

    @property
    def is_recommendation(self) -> bool:
        return self.finding.kind == Finding.Kind.RECOMMENDATION

    @property
    def label(self) -> str:
        if self.is_recommendation:
            return f"Recommendation {self.finding.number}"
        return "Area for consideration"


@dataclass
class Plan:
    review: Review
    today: dt.date
    recommendations: list[PlanItem]
    areas: list[PlanItem]

    @property
    def actions(self) -> list[Action]:
        return [a for item in self.recommendations + self.areas for a in item.actions]

    @property
    def counts(self) -> dict[str, int]:
        counts = Counter(a.status for a in self.actions)
        return {status.value: counts.get(status.value, 0) for status in Action.Status}

    @property
    def overdue(self) -> list[Action]:
        return [a for a in self.actions if a.overdue]

    @property
    def chosen_areas(self) -> list[PlanItem]:
        return [item for item in self.areas if item.actions]

    @property
    def other_areas(self) -> list[PlanItem]:
        return [item for item in self.areas if not item.actions]


def load_plan(review: Review, *, on: dt.date | None = None) -> Plan:
    """The action plan: each recommendation and area with its actions (and their updates). Three
    queries, whatever the size of the plan."""
    on = on or today()
    findings = plan_findings(review)
    by_finding: dict[int, list[Action]] = defaultdict(list)
    for action in Action.objects.filter(review=review).for_plan():
        action.overdue = action.is_overdue(on)
        action.due_soon = action.is_due_soon(on)
        by_finding[action.finding_id].append(action)
    items = [PlanItem(f, by_finding.get(f.pk, [])) for f in findings]
    for item in items:
        for action in item.actions:
            action.finding = item.finding  # numbered
    return Plan(
        review=review,
        today=on,
        recommendations=[i for i in items if i.is_recommendation],
        areas=[i for i in items if not i.is_recommendation],
    )


# Actions -----------------------------------------------------------------------------------------

_ACTION_FIELDS = ("what", "owner", "due_date", "measure", "status")


def _snapshot(action: Action) -> dict[str, Any]:
    return {
        "finding": action.finding_id,
        "what": action.what,
        "owner": action.owner,
        "due_date": action.due_date.isoformat() if action.due_date else None,
        "measure": action.measure,
        "status": action.status,
    }


def _record(action: Action, request: HttpRequest | None, change: str, **detail: Any) -> None:
    record_change(Event.Action.ACTION_PLAN_CHANGED, action, request, change, **detail)


def create_action(
    *, review: Review, data: dict[str, Any], user: User, request: HttpRequest | None = None
) -> Action:
    finding: Finding = data["finding"]
    with transaction.atomic():
        top = Action.objects.filter(finding=finding).aggregate(top=Max("position"))["top"]
        action = Action.objects.create(
            review=review,
            finding=finding,
            position=(top or 0) + 1,
            created_by=user,
            **{f: data[f] for f in _ACTION_FIELDS if f in data},
        )
        _record(action, request, "created", new=_snapshot(action))
    return action


def update_action(
    *, action: Action, version: int, data: dict[str, Any], request: HttpRequest | None = None
) -> Action:
    """Save the change unless someone saved the action since ``version`` was read (``StaleEdit``)."""
    values = {f: data[f] for f in _ACTION_FIELDS if f in data}
    with transaction.atomic():
        # The action as it was, for the trail; the UPDATE refuses a save from an older version.
        before = (
            Action.objects.select_for_update().filter(pk=action.pk).order_by().first() or action
        )
        update_versioned(Action, pk=action.pk, version=version, values=values)
        action.refresh_from_db()
        _record(action, request, "changed", old=_snapshot(before), new=_snapshot(action))
    return action


def add_progress(
    *,
    action: Action,
    version: int,
    data: dict[str, Any],
    user: User,
    request: HttpRequest | None = None,
) -> ProgressUpdate:
    """A dated progress note, and the action's status as of it (version-checked)."""
    with transaction.atomic():
        update_versioned(Action, pk=action.pk, version=version, values={"status": data["status"]})
        old_status = action.status
        update = ProgressUpdate.objects.create(
            action=action, date=data["date"], text=data["text"], status=data["status"], author=user
        )
        action.refresh_from_db()
        _record(
            action,
            request,
            "progress",
            date=update.date.isoformat(),
            text=update.text,
            old_status=old_status,
            status=action.status,
        )
    return update


def delete_action(*, action: Action, version: int, request: HttpRequest | None = None) -> None:
    with transaction.atomic():
        gone, _ = Action.objects.filter(pk=action.pk, version=version).delete()
        if not gone:
            raise StaleEdit
        _record(action, request, "deleted", old=_snapshot(action))


def reminders(*, on: dt.date, days: int = 7) -> dict[Review, list[Action]]:
    """Open actions due within ``days`` or overdue, per issued review."""
    actions = (
        Action.objects.open()
        .filter(
            due_date__lte=on + dt.timedelta(days=days),
            review__status=Review.Status.ISSUED,
            review__letter_issued_at__isnull=False,
        )
        .select_related("review", "finding")
        .order_by("review_id", "due_date", "pk")
    )
    found: dict[Review, list[Action]] = {}
    for action in actions:
        action.overdue = action.is_overdue(on)
        found.setdefault(action.review, []).append(action)
    return found


# Follow-up reviews -------------------------------------------------------------------------------


def create_follow_up(
    *,
    previous: Review,
    user: User,
    title: str,
    start_date: dt.date | None,
    end_date: dt.date | None,
    request: HttpRequest | None = None,
) -> Review:
    """A new review of the same authority that follows ``previous``: same lead, team and KLOEs.

    Its pages show the previous review's recommendations and the host's progress on them."""
    with transaction.atomic():
        review = Review.objects.create(
            host=previous.host,
            lead_organisation=previous.lead_organisation,
            kind=Review.Kind.FOLLOW_UP,
            title=title,
            delivery=previous.delivery,
            request=previous.request,
            start_date=start_date,
            end_date=end_date,
            addressee_name=previous.addressee_name,
            addressee_title=previous.addressee_title,
            previous_review=previous,
        )
        Membership.objects.bulk_create(
            Membership(review=review, user_id=m.user_id, role=m.role)
            for m in previous.memberships.exclude(user=user)
        )
        Membership.objects.create(review=review, user=user, role=Role.COORDINATOR)
        for member in Membership.objects.filter(review=review).select_related("user"):
            record_team_change(member, change="added", by=user, request=request)
        framework = Framework.objects.filter(review=previous).first()
        if framework is not None:
            framework.copy(
                name=framework.name, organisation=previous.lead_organisation, review=review
            )
        record(
            action=Event.Action.REVIEW_CHANGED,
            request=request,
            obj=review,
            detail={"change": "follow-up created", "follows": previous.pk},
        )
    return review


# An authority's history --------------------------------------------------------------------------


@dataclass
class RecommendationStatus:
    finding: Finding
    actions: int = 0
    statuses: Counter = field(default_factory=Counter)
    overdue: int = 0

    @property
    def summary(self) -> str:
        if not self.actions:
            return "No actions yet"
        if self.statuses.get(Action.Status.DONE, 0) == self.actions:
            return "Done"
        if self.overdue:
            return "Overdue"
        if self.statuses.get(Action.Status.AT_RISK):
            return "At risk"
        if self.statuses.get(Action.Status.ON_TRACK) or self.statuses.get(Action.Status.DONE):
            return "On track"
        return "Not started"


@dataclass
class TimelineEntry:
    date: dt.date | None
    review: Review | None = None
    external: ExternalReview | None = None
    recommendations: list[RecommendationStatus] = field(default_factory=list)
    may_open: bool = False


def recommendation_statuses(
    reviews: list[Review], *, on: dt.date
) -> dict[int, list[RecommendationStatus]]:
    """Each review's agreed recommendations, numbered, with the status of their actions. Two queries."""
    findings = list(
        Finding.objects.filter(
            review__in=reviews, status=Finding.Status.AGREED, kind__in=PLAN_KINDS
        )
        .select_related("kloe")
        .order_by("review_id", "kloe__position", "kloe_id", "position", "pk")
    )
    per_review: dict[int, list[Finding]] = defaultdict(list)
    for finding in findings:
        per_review[finding.review_id].append(finding)
    rows: dict[int, RecommendationStatus] = {}
    result: dict[int, list[RecommendationStatus]] = {}
    for review_id, items in per_review.items():
        items.sort(key=lambda f: f.kloe_id is not None)
        number_recommendations(items)
        result[review_id] = []
        for finding in items:
            if finding.kind == Finding.Kind.RECOMMENDATION:
                rows[finding.pk] = RecommendationStatus(finding)
                result[review_id].append(rows[finding.pk])
    for finding_id, status, due in Action.objects.filter(finding_id__in=list(rows)).values_list(
        "finding_id", "status", "due_date"
    ):
        row = rows[finding_id]
        row.actions += 1
        row.statuses[status] += 1
        if status != Action.Status.DONE and due < on:
            row.overdue += 1
    return result


def authority_timeline(organisation: Organisation, user: User) -> list[TimelineEntry]:
    """The authority's reviews in this product and the external reviews recorded, newest first."""
    on = today()
    reviews = list(
        Review.objects.peer_reviews().filter(host=organisation).select_related("lead_organisation")
    )
    mine = set(
        Membership.objects.filter(user=user, review__host=organisation).values_list(
            "review_id", flat=True
        )
    )
    statuses = recommendation_statuses([r for r in reviews if r.letter_is_issued], on=on)
    entries = [
        TimelineEntry(
            date=r.end_date or r.start_date,
            review=r,
            recommendations=statuses.get(r.pk, []),
            may_open=r.pk in mine,
        )
        for r in reviews
    ]
    entries += [
        TimelineEntry(date=e.date, external=e)
        for e in ExternalReview.objects.filter(organisation=organisation)
    ]
    entries.sort(key=lambda e: e.date or dt.date.max, reverse=True)
    return entries


def add_external_review(
    *,
    organisation: Organisation,
    data: dict[str, Any],
    user: User,
    request: HttpRequest | None = None,
) -> ExternalReview:
    letter = data.get("letter")
    with transaction.atomic():
        external = ExternalReview(
            organisation=organisation,
            date=data["date"],
            kind=data["kind"],
            kind_other=data.get("kind_other", ""),
            headline=data["headline"],
            link=data.get("link", ""),
            added_by=user,
        )
        if letter:
            external.letter_name = letter.name[:255]
            external.letter.save("letter.pdf", letter, save=False)
        external.save()
        record(
            action=Event.Action.EXTERNAL_REVIEW_CHANGED,
            request=request,
            obj=external,
            detail={"change": "recorded", "organisation": organisation.pk, "kind": external.kind},
        )
    return external
