"""Regional learning: what a region's reviews keep finding, by theme, key line of enquiry and year, and
case audit % met per criterion across reviews that used the same tool.

Counts agreed strengths and areas for consideration of issued reviews. A fixed number of queries,
whatever the number of reviews. Authorities are named only to people on one of their reviews;
everyone else sees "Authority A", "Authority B" ...
"""

from __future__ import annotations

import string
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Count, QuerySet

from audits.models import CaseAudit, answer_counts
from audits.services.analysis import Counts, completed_answers, percent_bars
from core.exports import Sheet
from reviews.fieldwork.models import Finding, Theme
from reviews.permissions import named_authorities_for, regional_reviews_for
from reviews.setup.models import Review

if TYPE_CHECKING:
    from accounts.models import User

KINDS = (Finding.Kind.STRENGTH, Finding.Kind.AREA)
OVERALL = "Overall (not one key line of enquiry)"


@dataclass
class Tally:
    strengths: int = 0
    areas: int = 0

    def add(self, kind: str, n: int) -> None:
        if kind == Finding.Kind.STRENGTH:
            self.strengths += n
        else:
            self.areas += n

    @property
    def total(self) -> int:
        return self.strengths + self.areas


@dataclass
class Row:
    """A theme or a key line of enquiry: counts per year and in all."""

    label: str
    by_year: dict[int, Tally] = field(default_factory=lambda: defaultdict(Tally))
    reviews: set[int] = field(default_factory=set)
    cells: list[Tally] = field(default_factory=list)

    @property
    def all_years(self) -> Tally:
        total = Tally()
        for tally in self.by_year.values():
            total.strengths += tally.strengths
            total.areas += tally.areas
        return total


@dataclass
class ReviewRow:
    pk: int
    authority: str
    named: bool
    year: int
    kind: str


@dataclass
class CriterionRow:
    number: int
    title: str
    counts: Counts
    reviews: set[int] = field(default_factory=set)


@dataclass
class ToolBlock:
    name: str
    criteria: list[CriterionRow]
    reviews: set[int] = field(default_factory=set)
    cases: int = 0  # completed case audits behind the block's figures


@dataclass
class RegionalView:
    reviews: list[ReviewRow]
    years: list[int]
    themes: list[Row]
    kloes: list[Row]
    tools: list[ToolBlock]

    @property
    def authorities(self) -> int:
        return len({r.authority for r in self.reviews})


def review_year(review: Review) -> int:
    when = review.start_date or (review.letter_issued_at and review.letter_issued_at.date())
    return (when or review.created_at.date()).year


def letter_label(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA ..."""
    letters = string.ascii_uppercase
    label = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        label = letters[rest] + label
    return label


def authority_labels(reviews: list[Review], named: set[int]) -> dict[int, tuple[str, bool]]:
    """host id -> (label, named). Authorities not named are lettered in a fixed order."""
    labels: dict[int, tuple[str, bool]] = {}
    unnamed = sorted({r.host_id for r in reviews if r.host_id not in named})
    for index, host_id in enumerate(unnamed):
        labels[host_id] = (f"Authority {letter_label(index)}", False)
    for review in reviews:
        if review.host_id in named:
            labels[review.host_id] = (review.host.name, True)
    return labels


def build(user: User) -> RegionalView:
    scope: QuerySet[Review] = regional_reviews_for(user)
    reviews = list(
        Review.objects.filter(pk__in=scope.values("pk"))
        .select_related("host")
        .order_by("start_date", "pk")
    )
    labels = authority_labels(reviews, named_authorities_for(user))
    years_of = {r.pk: review_year(r) for r in reviews}
    review_rows = [
        ReviewRow(
            pk=r.pk,
            authority=labels[r.host_id][0],
            named=labels[r.host_id][1],
            year=years_of[r.pk],
            kind=r.kind_label,
        )
        for r in reviews
    ]
    review_rows.sort(key=lambda row: (row.year, not row.named, row.authority))
    years = sorted(set(years_of.values()))
    ids = scope.values("pk")
    findings = Finding.objects.filter(
        review__in=ids, status=Finding.Status.AGREED, kind__in=KINDS
    ).order_by()

    themes = {t.pk: Row(t.name) for t in Theme.objects.all()}
    through = Finding.themes.through.objects.filter(finding__in=findings)
    for item in (
        through.values("theme_id", "finding__review_id", "finding__kind")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        row = themes[item["theme_id"]]
        review_id = item["finding__review_id"]
        row.by_year[years_of[review_id]].add(item["finding__kind"], item["n"])
        row.reviews.add(review_id)

    kloes: dict[str, Row] = {}
    order: dict[str, tuple[int, str]] = {}
    for item in (
        findings.values("review_id", "kloe__heading", "kloe__position", "kind")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        heading = (item["kloe__heading"] or OVERALL).strip()
        key = heading.casefold()
        row = kloes.setdefault(key, Row(heading))
        position = -1 if item["kloe__heading"] is None else (item["kloe__position"] or 0)
        order[key] = min(order.get(key, (position, key)), (position, key))
        row.by_year[years_of[item["review_id"]]].add(item["kind"], item["n"])
        row.reviews.add(item["review_id"])

    theme_rows = [row for row in themes.values() if row.reviews]
    kloe_rows = [kloes[key] for key in sorted(kloes, key=lambda k: order[k])]
    for row in theme_rows + kloe_rows:
        row.cells = [row.by_year.get(year, Tally()) for year in years]
    return RegionalView(
        reviews=review_rows,
        years=years,
        themes=theme_rows,
        kloes=kloe_rows,
        tools=_criteria(ids),
    )


def _criteria(ids: Any) -> list[ToolBlock]:
    """% met per criterion across reviews whose tools are copies of the same library tool: the
    answers of completed case audits, as on each review's analysis page and in its letter."""
    tools: dict[Any, ToolBlock] = {}
    criteria: dict[tuple[Any, int], CriterionRow] = {}
    rows = (
        completed_answers()
        .filter(audit__case__review__in=ids)
        .values(
            "criterion__tool__copied_from_id",
            "criterion__tool_id",
            "criterion__tool__name",
            "criterion__number",
            "criterion__title",
            "audit__case__review_id",
        )
        .annotate(**answer_counts())
        .order_by()
    )
    for item in rows:
        key = item["criterion__tool__copied_from_id"] or f"own-{item['criterion__tool_id']}"
        block = tools.setdefault(key, ToolBlock(item["criterion__tool__name"], []))
        review_id = item["audit__case__review_id"]
        block.reviews.add(review_id)
        number = item["criterion__number"]
        row = criteria.get((key, number))
        if row is None:
            row = criteria[(key, number)] = CriterionRow(number, item["criterion__title"], Counts())
            block.criteria.append(row)
        row.reviews.add(review_id)
        row.counts.met += item["met"]
        row.counts.partly += item["partly"]
        row.counts.not_met += item["not_met"]
        row.counts.not_applicable += item["not_applicable"]
    for item in (
        CaseAudit.objects.complete()
        .filter(case__review__in=ids)
        .values("case__review__audit_tool__copied_from_id", "case__review__audit_tool__id")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        key = (
            item["case__review__audit_tool__copied_from_id"]
            or f"own-{item['case__review__audit_tool__id']}"
        )
        if key in tools:
            tools[key].cases += item["n"]
    for block in tools.values():
        block.criteria.sort(key=lambda r: r.number)
    return sorted(tools.values(), key=lambda b: (-len(b.reviews), b.name))


# Charts ------------------------------------------------------------------------------------------


def theme_bars(rows: list[Row], *, width: int = 360) -> dict[str, Any]:
    """Geometry for the server-drawn chart: two bars (strengths, areas) per theme, all years."""
    top = max([max(r.all_years.strengths, r.all_years.areas) for r in rows] or [0]) or 1
    bars = []
    for index, row in enumerate(rows):
        y = 10 + index * 52
        totals = row.all_years
        bars.append(
            {
                "label": row.label,
                "label_y": y + 28,
                "strengths_y": y,
                "areas_y": y + 24,
                "strengths_text_y": y + 15,
                "areas_text_y": y + 39,
                "strengths": totals.strengths,
                "areas": totals.areas,
                "strengths_width": round(totals.strengths * width / top),
                "areas_width": round(totals.areas * width / top),
            }
        )
    return {"bars": bars, "height": 20 + len(rows) * 52}


def criterion_bars(block: ToolBlock, *, width: int = 360) -> dict[str, Any]:
    bars = percent_bars(
        [(f"{row.number}. {row.title}", row.counts.percent_met) for row in block.criteria],
        width=width,
    )
    return {"bars": bars, "height": 20 + len(bars) * 32}


# Exports -----------------------------------------------------------------------------------------

HEADERS = [
    "Table",
    "Item",
    "Year",
    "Reviews",
    "Strengths",
    "Areas for consideration",
    "Met",
    "Partly met",
    "Not met",
    "Not applicable",
    "% met",
    "Cases",
]


def tables(view: RegionalView) -> dict[str, list[list[Any]]]:
    """The figures of the page as rows (one list per table), authorities labelled as on the page."""
    reviews = [
        ["Reviews", r.authority, r.year, 1, "", "", "", "", "", "", "", ""] for r in view.reviews
    ]
    out: dict[str, list[list[Any]]] = {"Reviews": reviews}
    for name, rows in (("Themes", view.themes), ("Key lines of enquiry", view.kloes)):
        lines = []
        for row in rows:
            for year, tally in zip(view.years, row.cells, strict=True):
                if tally.total:
                    lines.append(
                        [name, row.label, year, "", tally.strengths, tally.areas] + [""] * 6
                    )
            total = row.all_years
            lines.append(
                [name, row.label, "All years", len(row.reviews), total.strengths, total.areas]
                + [""] * 6
            )
        out[name] = lines
    criteria = []
    for block in view.tools:
        for criterion in block.criteria:
            c = criterion.counts
            criteria.append(
                [
                    f"Case audits: {block.name}",
                    f"{criterion.number}. {criterion.title}",
                    "All years",
                    len(criterion.reviews),
                    "",
                    "",
                    c.met,
                    c.partly,
                    c.not_met,
                    c.not_applicable,
                    "" if c.percent_met is None else c.percent_met,
                    c.applies,
                ]
            )
    out["Case audits"] = criteria
    return out


def csv_rows(view: RegionalView) -> list[list[Any]]:
    """Every table's rows, one after the other, under ``HEADERS`` (the first column names the table)."""
    return [line for lines in tables(view).values() for line in lines]


def sheets(view: RegionalView) -> list[Sheet]:
    """One sheet per table, each under ``HEADERS``."""
    return [Sheet(name=name, header=HEADERS, rows=lines) for name, lines in tables(view).items()]
