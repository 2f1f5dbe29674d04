"""Analysis: % met per criterion, per case type, decision agreement and moderation; the letter's
annex figures; the chart's bars.

Only completed case audits count: an audit still in progress may have half its criteria answered,
and its answers would move the percentages under the reader's feet (and disagree with "the N case
files audited"). The number of audits in progress is shown beside the figures, never in them.
"Completed" is one definition for every figure (this page, the letter's annex, the exports, regional
learning): ``CaseAudit.objects.complete()`` and its answers, ``CriterionAnswer.objects.counted()``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet

from audits.models import (
    AnnexFigures,
    AuditTool,
    CaseAudit,
    CaseType,
    Criterion,
    CriterionAnswer,
    CriterionCommentary,
    ModeratedAnswer,
    answer_counts,
)
from audits.services.tools import review_tool
from reviews.setup.models import Review

if TYPE_CHECKING:
    from audits.forms import CommentaryForm


def percent(part: int, whole: int) -> int | None:
    """Whole-number percentage, halves rounded up (17.5 -> 18), or None when there is nothing."""
    if not whole:
        return None
    return (part * 200 + whole) // (whole * 2)


@dataclass
class Counts:
    met: int = 0
    partly: int = 0
    not_met: int = 0
    not_applicable: int = 0

    @property
    def applies(self) -> int:
        """Cases where the criterion applies: answered met, partly met or not met."""
        return self.met + self.partly + self.not_met

    @property
    def percent_met(self) -> int | None:
        return percent(self.met, self.applies)


@dataclass
class CriterionRow:
    criterion: Criterion
    counts: Counts
    by_type: dict[str, Counts]
    commentary: str
    type_cells: list[Counts | None] = field(default_factory=list)
    form: CommentaryForm | None = None  # the analysis page's: this criterion's commentary form
    conflict: CriterionCommentary | None = None  # the commentary someone else saved meanwhile


@dataclass
class Summary:
    tool: AuditTool | None
    rows: list[CriterionRow]
    case_types: list[tuple[str, str]]
    audits: dict[str, int]
    agreement: dict[str, int]
    moderation: dict[str, int]
    complete: int = 0  # the audits the figures rest on (``CaseAudit.objects.complete()``)

    @property
    def audits_started(self) -> int:
        return sum(self.audits.values())

    @property
    def audits_complete(self) -> int:
        """The audits the figures rest on."""
        return self.complete

    @property
    def audits_in_progress(self) -> int:
        """Audits begun and not completed: shown beside the figures, not counted in them."""
        return self.audits_started - self.audits_complete

    @property
    def agreement_answered(self) -> int:
        return sum(v for k, v in self.agreement.items() if k)

    @property
    def moderation_rate(self) -> int | None:
        return percent(self.moderation.get("agreed", 0), self.moderation.get("checked", 0))


def completed_answers() -> QuerySet[CriterionAnswer]:
    """Criterion answers of completed case audits: the only ones any figure counts."""
    return CriterionAnswer.objects.counted()


def complete_audits(review: Review) -> QuerySet[CaseAudit]:
    """The review's completed case audits: the cases behind every figure of the review."""
    return CaseAudit.objects.for_review(review).complete()


def summarise(review: Review) -> Summary:
    """% met per criterion, per case type, decision agreement and moderation: a fixed few queries."""
    tool = review_tool(review)
    if tool is None:
        return Summary(None, [], [], {}, {}, {})
    criteria = list(tool.criteria.select_related("commentary"))
    answers = completed_answers().filter(audit__case__review=review)
    totals = {}
    for row in answers.values("criterion_id").annotate(**answer_counts()).order_by():
        criterion_id = row.pop("criterion_id")
        totals[criterion_id] = Counts(**row)
    by_type: dict[int, dict[str, Counts]] = defaultdict(dict)
    for row in (
        answers.values("criterion_id", "audit__case__case_type")
        .annotate(**answer_counts())
        .order_by()
    ):
        criterion_id = row.pop("criterion_id")
        case_type = row.pop("audit__case__case_type")
        by_type[criterion_id][case_type] = Counts(**row)
    types_seen = {t for per in by_type.values() for t in per}
    audits = dict(
        CaseAudit.objects.for_review(review)
        .values_list("status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    agreement = dict(
        complete_audits(review).values_list("decision_agreement").annotate(n=Count("pk")).order_by()
    )
    moderation = ModeratedAnswer.objects.filter(moderation__audit__case__review=review).aggregate(
        checked=Count("pk"), agreed=Count("pk", filter=Q(agrees=True))
    )
    rows = []
    for criterion in criteria:
        commentary = getattr(criterion, "commentary", None)
        rows.append(
            CriterionRow(
                criterion=criterion,
                counts=totals.get(criterion.pk, Counts()),
                by_type=by_type.get(criterion.pk, {}),
                commentary=commentary.text if commentary else "",
            )
        )
    case_types = [(t.value, t.label) for t in CaseType if t.value in types_seen]
    for criterion_row in rows:
        criterion_row.type_cells = [criterion_row.by_type.get(value) for value, _ in case_types]
    return Summary(
        tool=tool,
        rows=rows,
        case_types=case_types,
        audits=audits,
        agreement=agreement,
        moderation=moderation,
        complete=sum(agreement.values()),
    )


def annex_figures(review: Review) -> dict[str, Any]:
    """The annex of the letter as plain data: % met per criterion with the team's commentary and
    the number of cases it rests on, how many cases were audited (by type) and how often the team
    agreed with the decisions taken. Completed audits only, so that ``cases_audited`` and every
    percentage speak of the same cases. Three queries, whatever the size of the review.

    Once case-level data has been deleted under the retention policy, the frozen figures are given.
    """
    if review.case_data_deleted_at is not None:
        frozen = AnnexFigures.objects.filter(review=review).values_list("data", flat=True).first()
        if frozen is not None:
            for row in frozen.get("criteria", []):  # frozen before rows carried their cases
                row.setdefault("cases", row.get("applies", 0))
            return frozen
    criteria = list(
        Criterion.objects.filter(tool__review=review)
        .select_related("commentary", "tool")
        .order_by("number")
    )
    totals = {
        row.pop("criterion_id"): Counts(**row)
        for row in completed_answers()
        .filter(audit__case__review=review)
        .values("criterion_id")
        .annotate(**answer_counts())
        .order_by()
    }
    by_type: dict[str, int] = defaultdict(int)
    agreement: dict[str, int] = defaultdict(int)
    for case_type, decision, n in (
        complete_audits(review)
        .values_list("case__case_type", "decision_agreement")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        by_type[case_type] += n
        agreement[decision] += n
    rows = []
    for criterion in criteria:
        counts = totals.get(criterion.pk, Counts())
        commentary = getattr(criterion, "commentary", None)
        rows.append(
            {
                "number": str(criterion.number),
                "title": criterion.title,
                "commentary": commentary.text if commentary else "",
                "met": counts.met,
                "partly": counts.partly,
                "not_met": counts.not_met,
                "applies": counts.applies,
                "cases": counts.applies,  # completed audits where it applied: the % rests on these
                "percent": counts.percent_met,
            }
        )
    return {
        "tool": criteria[0].tool.name if criteria else "",
        "cases_audited": sum(by_type.values()),
        "case_types": [
            {"label": t.label, "count": by_type[t.value]} for t in CaseType if by_type.get(t.value)
        ],
        "agreement": {key: agreement.get(key, 0) for key in ("yes", "partly", "no")},
        "criteria": rows,
    }


def chart_bars(summary: Summary, *, width: int = 400) -> list[dict[str, Any]]:
    """Bar geometry for the server-rendered SVG chart of % met per criterion."""
    return percent_bars(
        [
            (f"{row.criterion.number}. {row.criterion.title}", row.counts.percent_met)
            for row in summary.rows
        ],
        width=width,
    )


def percent_bars(rows: list[tuple[str, int | None]], *, width: int) -> list[dict[str, Any]]:
    """One bar a (label, percent) row, 32 units apart, as long as the percent of ``width``."""
    return [
        {
            "y": 10 + index * 32,
            "text_y": 10 + index * 32 + 17,
            "label": label,
            "width": round((pct or 0) * width / 100),
            "percent": pct,
        }
        for index, (label, pct) in enumerate(rows)
    ]
