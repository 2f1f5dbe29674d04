"""Auditing a case: open the audit, save answers and details without silent overwrites, share it
with the host."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from audits.models import Case, CaseAudit, CriterionAnswer, SampleStatus
from audits.services.tools import review_tool
from core.versioning import StaleEdit, update_versioned
from trail.models import Event
from trail.services import record

if TYPE_CHECKING:
    from accounts.models import User


class NoTool(Exception):
    """The review has no audit tool yet."""


class IncompleteAudit(Exception):
    """An audit cannot be complete while a criterion has no answer (neither an answer nor "not
    applicable"). ``unanswered``: those criteria's answers, in order; ``audit``: the audit as it
    now stands (its other details saved, its status as it was), when the refusal came from saving
    the details."""

    def __init__(
        self, unanswered: list[CriterionAnswer], *, audit: CaseAudit | None = None
    ) -> None:
        numbers = ", ".join(str(a.criterion.number) for a in unanswered)
        super().__init__(
            "Answer every criterion, or choose “Not applicable”, before marking the audit "
            f"complete. Not answered: {numbers}."
        )
        self.unanswered = unanswered
        self.audit = audit


class AnswerNeededOnCompleteAudit(Exception):
    """A criterion of a complete audit cannot go back to having no answer."""


@transaction.atomic
def start_audit(*, case: Case, user: User) -> CaseAudit:
    """Open the audit of a case with a blank answer for every criterion that applies to its type."""
    tool = review_tool(case.review)
    if tool is None:
        raise NoTool("Choose the review's audit tool before auditing cases.")
    audit, created = CaseAudit.objects.get_or_create(
        case=case, defaults={"auditor": case.assigned_to or user, "updated_by": user}
    )
    if created:
        CriterionAnswer.objects.bulk_create(
            CriterionAnswer(audit=audit, criterion=criterion, updated_by=user)
            for criterion in tool.criteria.all()
            if criterion.applies_to(case.case_type)
        )
        if case.sample_status != SampleStatus.SAMPLED:
            Case.objects.filter(pk=case.pk).update(sample_status=SampleStatus.SAMPLED)
    return audit


def _versioned_update(model, *, pk: int, version: int, user: User, values: dict[str, Any]) -> Any:
    """``core.versioning.update_versioned`` (the check and the write are one statement, so the
    database decides between two people saving at once), with the audits' policy on top: a refused
    save is no conflict when the row already holds exactly these values. Anything else saved since
    the page's version is a conflict, the person's own save in another tab or window included (each
    tab's page moves its own version on as it saves: ``partials/criterion_saved.html``). Returns the
    row as saved; raises ``StaleEdit`` with the row as it now stands (``.current``)."""
    with transaction.atomic():  # the change and its trail record, or neither
        try:
            update_versioned(model, pk=pk, version=version, values={**values, "updated_by": user})
        except StaleEdit:
            current = model.objects.select_related("updated_by").get(pk=pk)
            if all(getattr(current, k) == v for k, v in values.items()):
                return current
            raise StaleEdit(current=current) from None
        current = model.objects.select_related("updated_by").get(pk=pk)
        _record_change(current, values=values, user=user)
        return current


def _record_change(obj: Any, *, values: dict[str, Any], user: User) -> None:
    """Every change to a case audit goes to the audit trail (who, what, when, the new values)."""
    if isinstance(obj, CaseAudit):
        review_id = Case.objects.filter(pk=obj.case_id).values_list("review_id", flat=True).first()
    else:
        review_id = (
            CaseAudit.objects.filter(pk=obj.audit_id)
            .values_list("case__review_id", flat=True)
            .first()
        )
    record(
        action=Event.Action.CASE_AUDIT_CHANGED,
        actor=user,
        obj=obj,
        review_id=review_id,
        detail={k: str(v)[:2000] for k, v in values.items()},
    )


def save_answer(
    *, answer_id: int, version: int, answer: str, comment: str, user: User
) -> CriterionAnswer:
    """Save one criterion if nobody else has saved it since ``version`` (else ``StaleEdit``).

    A complete audit keeps every criterion answered: taking an answer away from one raises
    ``AnswerNeededOnCompleteAudit`` (mark the audit in progress first). The audit's row is locked
    for the check, as ``save_audit_details`` locks it, so that an answer cleared and the audit
    marked complete at the same moment cannot both go through."""
    with transaction.atomic():
        if not answer:
            audit_id = CriterionAnswer.objects.filter(pk=answer_id).values_list(
                "audit_id", flat=True
            )
            statuses = list(
                CaseAudit.objects.select_for_update()
                .filter(pk__in=audit_id)
                .order_by()
                .values_list("status", flat=True)
            )
            if CaseAudit.Status.COMPLETE in statuses:
                raise AnswerNeededOnCompleteAudit(
                    "This audit is complete, so every criterion needs an answer. Choose one (or "
                    "“Not applicable”), or mark the audit in progress first."
                )
        return _versioned_update(
            CriterionAnswer,
            pk=answer_id,
            version=version,
            user=user,
            values={"answer": answer, "comment": comment},
        )


def save_audit_details(
    *,
    audit_id: int,
    version: int,
    user: User,
    decision_agreement: str,
    decision_reason: str,
    overall_grade: str,
    status: str,
) -> CaseAudit:
    """Save the decision agreement, grade and status with the same version check.

    The audit is marked complete only when every criterion has an answer (or "not applicable"):
    otherwise the other details are saved, the status stays as it was, and ``IncompleteAudit``
    (with the audit as saved and the criteria still to answer) is raised. Every way of saving the
    status (the whole page, the details as they change, a crafted request) comes through here."""
    values: dict[str, Any] = {
        "decision_agreement": decision_agreement,
        "decision_reason": decision_reason,
        "overall_grade": overall_grade,
        "status": status,
    }
    unanswered: list[CriterionAnswer] = []
    with transaction.atomic():
        if status == CaseAudit.Status.COMPLETE:
            # Locked, so that no answer is cleared between this check and the write.
            list(CaseAudit.objects.select_for_update().filter(pk=audit_id).order_by().values("pk"))
            unanswered = list(
                CriterionAnswer.objects.filter(audit_id=audit_id, answer="").select_related(
                    "criterion"
                )
            )
            if unanswered:
                values["status"] = CaseAudit.Status.IN_PROGRESS
        saved = _versioned_update(CaseAudit, pk=audit_id, version=version, user=user, values=values)
    if unanswered:
        raise IncompleteAudit(unanswered, audit=saved)
    return saved


def share_audit(*, audit: CaseAudit, user: User, shared: bool) -> None:
    audit.shared_with_host = shared
    audit.shared_at = timezone.now() if shared else None
    audit.shared_by = user if shared else None
    audit.save(update_fields=["shared_with_host", "shared_at", "shared_by", "updated_at"])
