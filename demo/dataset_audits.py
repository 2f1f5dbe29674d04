"""The generated data set's case audits (see ``demo.dataset``): each review's copy of the audit tool,
and its sampled cases, each audited on every criterion. Called by ``dataset._batch`` for each batch of
reviews, inside its transaction, with its random generator (the same seed gives the same answers).
"""

from __future__ import annotations

import datetime as dt
import random
from typing import TYPE_CHECKING, Any, TypeVar

from audits.models import (
    Answer,
    AuditTool,
    Case,
    CaseAudit,
    CaseType,
    Criterion,
    CriterionAnswer,
    SampleStatus,
)
from reviews.setup.models import Review, Role

T = TypeVar("T")

if TYPE_CHECKING:
    from accounts.models import User
    from demo.dataset import Generated, Size, _Plan

COMMENTS = [
    "Clear rationale recorded by the team manager.",
    "Strengths noted but not built on in the plan.",
    "Partner checks with police and health recorded the same day.",
    "",
]
TYPES = [CaseType.CONTACT, CaseType.REFERRAL, CaseType.S17, CaseType.S47, CaseType.STRATEGY]
ANSWERS = [Answer.MET, Answer.MET, Answer.PARTLY, Answer.NOT_MET, Answer.NOT_APPLICABLE]


def first_day(review: Review) -> dt.date:
    """A generated review's first day (every generated review is given one)."""
    assert review.start_date is not None
    return review.start_date


def copy_audit_tools(
    reviews: list[Review],
    *,
    tool: AuditTool,
    template_criteria: list[Criterion],
    result: Generated,
) -> dict[int, list[Criterion]]:
    """Give every review its own copy of ``tool``; returns each review's criteria (by review id)."""
    tools = AuditTool.objects.bulk_create(
        tool.unsaved_copy(name=tool.name, review=review) for review in reviews
    )
    criteria = Criterion.objects.bulk_create(
        c.copy_for(copy) for copy in tools for c in template_criteria
    )
    result.add("criteria", len(criteria))
    return rows_by_review(reviews, tools, criteria, "tool_id")


def rows_by_review(
    reviews: list[Review], copies: list[Any], rows: list[T], parent_field: str
) -> dict[int, list[T]]:
    """``rows`` grouped by review id: each review's are those of its own copy (``copies`` in the
    order of ``reviews``), told by their ``parent_field``."""
    return {
        review.pk: [row for row in rows if getattr(row, parent_field) == copy.pk]
        for copy, review in zip(copies, reviews, strict=True)
    }


def audit_cases(
    plans: list[_Plan],
    reviews: list[Review],
    *,
    rng: random.Random,
    size: Size,
    teams: dict[int, dict[str, list[User]]],
    criteria_of: dict[int, list[Criterion]],
    result: Generated,
) -> None:
    """Sample ``size.cases`` cases of every review and audit each on every criterion (complete in
    issued reviews, two in three complete in the others)."""
    cases = Case.objects.bulk_create(
        Case(
            review=review,
            reference=f"GN-{review.pk}-{c + 1:03d}",
            case_type=TYPES[c % len(TYPES)],
            case_date=first_day(review) - dt.timedelta(days=30 + c),
            team=["MASH", "Assessment team 1", "Assessment team 2"][c % 3],
            outcome="Single assessment",
            sample_status=SampleStatus.SAMPLED,
            assigned_to=teams[review.pk][Role.REVIEWER][c % 2],
        )
        for review in reviews
        for c in range(size.cases)
    )
    issued = {p.pk for p in plans if p.issued}
    audits = CaseAudit.objects.bulk_create(
        CaseAudit(
            case=case,
            auditor=case.assigned_to,
            updated_by=case.assigned_to,
            status=CaseAudit.Status.COMPLETE
            if case.review_id in issued or n % 3
            else CaseAudit.Status.IN_PROGRESS,
            decision_agreement=CaseAudit.Agreement.YES,
            overall_grade="Good",
        )
        for n, case in enumerate(cases)
    )
    review_of_case = {case.pk: case.review_id for case in cases}
    answers = CriterionAnswer.objects.bulk_create(
        (
            CriterionAnswer(
                audit=audit,
                criterion=criterion,
                answer=ANSWERS[rng.randrange(len(ANSWERS))],
                comment=COMMENTS[rng.randrange(len(COMMENTS))],
                updated_by_id=audit.auditor_id,
            )
            for audit in audits
            for criterion in criteria_of[review_of_case[audit.case_id]]
        ),
        batch_size=5000,
    )
    result.add("cases", len(cases))
    result.add("criterion answers", len(answers))
