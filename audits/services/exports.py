"""Exports of a review's case audits: the summary and the case-by-criterion matrix, as the rows
that ``core.exports`` writes as CSV or Excel."""

from __future__ import annotations

from typing import Any

from audits.models import Answer, CaseAudit, CriterionAnswer
from audits.services.analysis import summarise
from reviews.setup.models import Review


def export_table(review: Review, table: str) -> tuple[list[str], list[list[Any]]]:
    """``summary``: one row per criterion; ``matrix``: one row per case, one column per criterion.
    Plain values: ``core.exports`` makes each cell safe as it writes the file."""
    summary = summarise(review)
    if table == "summary":
        headers = [
            "Number",
            "Criterion",
            "Met",
            "Partly met",
            "Not met",
            "Not applicable",
            "Cases where it applies",
            "% met",
            "Commentary",
        ]
        rows = [
            [
                r.criterion.number,
                r.criterion.title,
                r.counts.met,
                r.counts.partly,
                r.counts.not_met,
                r.counts.not_applicable,
                r.counts.applies,
                r.counts.percent_met if r.counts.percent_met is not None else "",
                r.commentary,
            ]
            for r in summary.rows
        ]
        return headers, rows
    criteria = [r.criterion for r in summary.rows]
    headers = [
        "Case reference",
        "Case type",
        "Auditor",
        "Status",
        *[f"{c.number}. {c.title}" for c in criteria],
        "Team agrees with the decision",
        "Overall grade",
    ]
    answers: dict[tuple[int, int], str] = {
        (a["audit_id"], a["criterion_id"]): a["answer"]
        for a in CriterionAnswer.objects.filter(audit__case__review=review).values(
            "audit_id", "criterion_id", "answer"
        )
    }
    labels = dict(Answer.choices)
    rows = []
    for audit in (
        CaseAudit.objects.for_review(review)
        .select_related("case", "auditor")
        .order_by("case__reference")
    ):
        rows.append(
            [
                audit.case.reference,
                audit.case.get_case_type_display(),
                audit.auditor.full_name if audit.auditor else "",
                audit.get_status_display(),
                *[labels.get(answers.get((audit.pk, c.pk), ""), "") for c in criteria],
                audit.get_decision_agreement_display(),
                audit.overall_grade,
            ]
        )
    return headers, rows
