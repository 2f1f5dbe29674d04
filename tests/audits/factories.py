"""Factories and helpers for the audits app's tests. Case references only, never names."""

from __future__ import annotations

import factory

from accounts.models import User
from audits.models import Case, CaseAudit, CaseType, SampleStatus
from audits.services.case_audits import start_audit
from audits.services.tools import choose_tool, review_tool, shipped_tool
from reviews.setup.models import Review


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Case

    review = None
    reference = factory.Sequence(lambda n: f"CR-{n:05d}")
    case_type = CaseType.S17
    team = "MASH"
    sample_status = SampleStatus.SAMPLED


def use_seed_002_tool(review: Review):
    """Give the review its own copy of the ten criteria of seed 002's annex."""
    return choose_tool(review=review, tool=shipped_tool())


def started_audit(review: Review, auditor: User, **case_kwargs) -> CaseAudit:
    """A sampled case of this review, assigned to ``auditor``, with its audit started."""
    if review_tool(review) is None:
        use_seed_002_tool(review)
    case = CaseFactory(review=review, assigned_to=auditor, **case_kwargs)
    return start_audit(case=case, user=auditor)


def completed_audit(
    review: Review, auditor: User, *, answers: dict[int, str] | None = None, rest: str = "na", **kw
) -> CaseAudit:
    """A started audit with every criterion answered (``answers`` by criterion number, ``rest`` for
    the others) and marked complete: an audit every figure counts."""
    from audits.models import CriterionAnswer

    audit = started_audit(review, auditor, **kw)
    CriterionAnswer.objects.filter(audit=audit).update(answer=rest)
    for number, answer in (answers or {}).items():
        CriterionAnswer.objects.filter(audit=audit, criterion__number=number).update(answer=answer)
    CaseAudit.objects.filter(pk=audit.pk).update(status=CaseAudit.Status.COMPLETE)
    audit.refresh_from_db()
    return audit
