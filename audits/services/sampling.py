"""The sample: draw it with a recorded seed, pick cases by hand, assign them to auditors."""

from __future__ import annotations

import random
import secrets
from collections import defaultdict
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from audits.models import Case, CaseAudit, CaseType, SampleDraw, SampleStatus
from reviews.setup.models import Review, Role
from trail.models import Event
from trail.services import record

if TYPE_CHECKING:
    from accounts.models import User


class SampleLocked(Exception):
    """Audits have started: a new draw would throw their cases out of the sample."""


@transaction.atomic
def draw_sample(
    *,
    review: Review,
    method: str,
    user: User,
    size: int = 0,
    per_type: dict[str, int] | None = None,
    reserves: int = 0,
    seed: int | None = None,
) -> SampleDraw:
    """Draw a sample with a recorded seed. The same seed on the same case list draws the same cases."""
    if CaseAudit.objects.for_review(review).exists():
        raise SampleLocked("Case audits have started: add or remove cases by hand instead.")
    seed = seed if seed is not None else secrets.randbelow(1_000_000) + 1
    rng = random.Random(seed)  # noqa: S311 - reproducible sampling, not security
    cases = list(Case.objects.filter(review=review).order_by("reference", "pk"))
    per_type = {k: v for k, v in (per_type or {}).items() if v}
    if method == SampleDraw.Method.STRATIFIED:
        drawn: list[Case] = []
        for case_type in CaseType.values:
            of_type = [c for c in cases if c.case_type == case_type]
            drawn += rng.sample(of_type, min(per_type.get(case_type, 0), len(of_type)))
    else:
        drawn = rng.sample(cases, min(size, len(cases)))
    drawn_ids = {c.pk for c in drawn}
    rest = [c for c in cases if c.pk not in drawn_ids]
    reserved = rng.sample(rest, min(reserves, len(rest)))
    reserved_ids = {c.pk for c in reserved}
    Case.objects.filter(review=review).update(sample_status=SampleStatus.NOT_SAMPLED)
    Case.objects.filter(pk__in=drawn_ids).update(sample_status=SampleStatus.SAMPLED)
    Case.objects.filter(pk__in=reserved_ids).update(sample_status=SampleStatus.RESERVE)
    draw = SampleDraw.objects.create(
        review=review,
        method=method,
        size=size if method == SampleDraw.Method.RANDOM else 0,
        per_type=per_type if method == SampleDraw.Method.STRATIFIED else {},
        reserves=reserves,
        seed=seed,
        population=len(cases),
        drawn=[c.reference for c in drawn],
        reserved=[c.reference for c in reserved],
        drawn_by=user,
    )
    _record(
        review, user, "drawn", method=method, seed=seed, drawn=len(drawn), reserves=len(reserved)
    )
    return draw


def _record(review: Review, user: User | None, change: str, **detail: object) -> None:
    """The sample's changes go to the audit trail, in the same transaction as the change."""
    record(
        action=Event.Action.SAMPLE_CHANGED,
        actor=user,
        obj=review,
        review_id=review.pk,
        detail={"change": change, **detail},
    )


@transaction.atomic
def set_sample_status(
    *, review: Review, case_ids: list[int], status: str, user: User | None = None
) -> int:
    """Pick cases by hand: into the sample, onto the reserve list, or out. Audited cases stay in."""
    cases = Case.objects.filter(review=review, pk__in=case_ids)
    if status != SampleStatus.SAMPLED:
        cases = cases.filter(audit__isnull=True)
    changed = cases.update(sample_status=status)
    if changed:
        _record(review, user, "picked by hand", status=status, cases=changed)
    return changed


def auditors_of(review: Review) -> list[User]:
    from accounts.models import User

    return list(
        User.objects.filter(
            memberships__review=review,
            memberships__role__in=[
                Role.LEAD_REVIEWER,
                Role.REVIEWER,
                Role.QA_AUDITOR,
                Role.PARTNER_AUDITOR,
            ],
        ).order_by("full_name")
    )


@transaction.atomic
def assign_cases(
    *, review: Review, assignments: dict[int, int | None], user: User | None = None
) -> int:
    """Assign sampled cases to auditors on the review: {case id: user id or None}. One transaction
    for every row with its trail record."""
    allowed = {u.pk for u in auditors_of(review)}
    changed = 0
    by_user: dict[int | None, list[int]] = defaultdict(list)
    for case_id, user_id in assignments.items():
        if user_id is None or user_id in allowed:
            by_user[user_id].append(case_id)
    for user_id, case_ids in by_user.items():
        changed += (
            Case.objects.filter(review=review, pk__in=case_ids)
            .exclude(assigned_to_id=user_id)
            .update(assigned_to_id=user_id, updated_at=timezone.now())
        )
    if changed:
        _record(review, user, "assigned", cases=changed)
    return changed
