"""Trends: % met per criterion over time, across the authority's own audits and the case file audits
of the peer reviews it hosted (each review's annex), each figure with the number of cases behind it.

A source is a review hosted by the authority with completed case audits: a peer review, or one of
the authority's own audits (an internal audit is a review whose host is the authority and whose
``purpose`` says so). Each review audits against its own copy of an audit tool, so criteria are
matched across reviews by their short title (case and spacing aside): the same criterion copied
from the same tool keeps its title. Only completed case audits count, as on the analysis page and in
the letter's annex; a review whose case-level data was deleted gives its frozen annex figures.

Four queries, whatever the number of reviews, audits and criteria.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Count

from audits.models import AnnexFigures, CaseAudit, answer_counts
from audits.services.analysis import completed_answers, percent
from reviews.setup.models import Review

if TYPE_CHECKING:
    from accounts.models import Organisation


def criterion_key(title: str) -> str:
    """What matches one criterion across reviews' copies of a tool: its title, case and spaces aside."""
    return " ".join(title.split()).casefold()


def is_internal_audit(review: Review) -> bool:
    """One of the authority's own audits: a review whose ``purpose`` says so."""
    return review.is_internal_audit


def source_kind(review: Review) -> str:
    """'Internal audit' or the kind of peer review, as a column heading says it."""
    if review.is_internal_audit:
        label = review.get_audit_kind_display()
        return f"Internal audit ({label.lower()})" if label else "Internal audit"
    return review.kind_label


@dataclass
class Source:
    review: Review
    date: dt.date
    cases: int

    @property
    def kind(self) -> str:
        return source_kind(self.review)

    @property
    def internal(self) -> bool:
        return is_internal_audit(self.review)

    @property
    def label(self) -> str:
        return f"{self.kind}, {self.date:%B %Y}"


@dataclass
class Cell:
    met: int = 0
    applies: int = 0

    @property
    def percent(self) -> int | None:
        return percent(self.met, self.applies)


@dataclass
class CriterionTrend:
    key: str
    title: str
    order: tuple[int, int]  # (index of the first source it appears in, its number there)
    cells: list[Cell | None] = field(default_factory=list)
    by_source: dict[int, Cell] = field(default_factory=dict)

    @property
    def first(self) -> Cell | None:
        filled = [c for c in self.cells if c is not None and c.applies]
        return filled[0] if filled else None

    @property
    def latest(self) -> Cell | None:
        filled = [c for c in self.cells if c is not None and c.applies]
        return filled[-1] if filled else None

    @property
    def change(self) -> int | None:
        """Points between the first and the latest figure (None with fewer than two)."""
        filled = [c for c in self.cells if c is not None and c.percent is not None]
        if len(filled) < 2:
            return None
        return (filled[-1].percent or 0) - (filled[0].percent or 0)


@dataclass
class Trends:
    sources: list[Source]
    criteria: list[CriterionTrend]

    @property
    def cases(self) -> int:
        return sum(s.cases for s in self.sources)

    @property
    def audits(self) -> list[Source]:
        return [s for s in self.sources if s.internal]

    @property
    def peer_reviews(self) -> list[Source]:
        return [s for s in self.sources if not s.internal]


def review_date(review: Review) -> dt.date:
    when = review.start_date or review.end_date
    if when is None and review.letter_issued_at is not None:
        when = review.letter_issued_at.date()
    return when or review.created_at.date()


def build(organisation: Organisation, *, until: dt.date | None = None) -> Trends:
    """% met per criterion across the authority's audits and the peer reviews it hosted, oldest
    first; none dated after ``until`` when given (a journey report, as at its meeting)."""
    reviews = {
        r.pk: r
        for r in Review.objects.filter(host=organisation).select_related(
            "host", "lead_organisation"
        )
    }
    cases: dict[int, int] = dict(
        CaseAudit.objects.filter(case__review__in=list(reviews), status=CaseAudit.Status.COMPLETE)
        .values_list("case__review_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    rows: list[dict[str, Any]] = [
        {
            "review_id": item["audit__case__review_id"],
            "number": item["criterion__number"],
            "title": item["criterion__title"],
            "met": item["met"],
            "applies": item["met"] + item["partly"] + item["not_met"],
        }
        for item in completed_answers()
        .filter(audit__case__review__in=list(reviews))
        .values("audit__case__review_id", "criterion__number", "criterion__title")
        .annotate(**answer_counts())
        .order_by()
    ]
    deleted = [pk for pk, r in reviews.items() if r.case_data_deleted_at is not None]
    for review_id, data in AnnexFigures.objects.filter(review_id__in=deleted).values_list(
        "review_id", "data"
    ):
        cases[review_id] = int(data.get("cases_audited") or 0)
        rows = [r for r in rows if r["review_id"] != review_id]
        for index, row in enumerate(data.get("criteria") or [], start=1):
            number = str(row.get("number", index))
            rows.append(
                {
                    "review_id": review_id,
                    "number": int(number) if number.isdigit() else index,
                    "title": str(row.get("title", "")),
                    "met": int(row.get("met") or 0),
                    "applies": int(row.get("applies") or 0),
                }
            )
    sources = sorted(
        (
            Source(review=r, date=review_date(r), cases=cases[pk])
            for pk, r in reviews.items()
            if cases.get(pk) and (until is None or review_date(r) <= until)
        ),
        key=lambda s: (s.date, s.review.pk),
    )
    index_of = {s.review.pk: i for i, s in enumerate(sources)}
    criteria: dict[str, CriterionTrend] = {}
    for row in rows:
        if row["review_id"] not in index_of or not row["title"].strip():
            continue
        key = criterion_key(row["title"])
        order = (index_of[row["review_id"]], row["number"])
        trend = criteria.get(key)
        if trend is None:
            trend = criteria[key] = CriterionTrend(key, " ".join(row["title"].split()), order)
        elif order < trend.order:
            trend.order = order
            trend.title = " ".join(row["title"].split())
        cell = trend.by_source.setdefault(row["review_id"], Cell())
        cell.met += row["met"]
        cell.applies += row["applies"]
    ordered = sorted(criteria.values(), key=lambda t: t.order)
    for trend in ordered:
        trend.cells = [trend.by_source.get(s.review.pk) for s in sources]
    return Trends(sources=sources, criteria=ordered)


# The chart ---------------------------------------------------------------------------------------

TRACK = 380
ROW = 26


def chart(trends: Trends) -> dict[str, Any]:
    """Geometry of the server-drawn SVG: under each criterion, a bar per source, oldest first."""
    groups = []
    y = 10
    for trend in trends.criteria:
        group: dict[str, Any] = {"title": trend.title, "title_y": y + 16, "bars": []}
        y += 26
        for source, cell in zip(trends.sources, trend.cells, strict=True):
            if cell is None or not cell.applies:
                continue
            pct = cell.percent
            group["bars"].append(
                {
                    "label": source.label,
                    "y": y,
                    "text_y": y + 15,
                    "width": round((pct or 0) * TRACK / 100),
                    "percent": pct,
                    "cases": cell.applies,
                    "internal": source.internal,
                }
            )
            y += ROW
        y += 8
        groups.append(group)
    return {"groups": groups, "height": y + 10, "track": TRACK}


def cell_text(cell: Cell | None) -> str:
    if cell is None or not cell.applies:
        return "–"
    return f"{cell.percent}% of {cell.applies}"
