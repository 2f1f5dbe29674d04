"""The journey report: a report to a council committee on the authority's improvement journey, in the
form of seed 003 (summary, background with each external review in date order, the audit activity,
consultation, options, analysis, risks and implications, recommendation, contact details,
abbreviations).

It is written with the letter's template machinery: a committee report template
(``reports.models.LetterTemplate`` with ``document`` "committee_report", shipped as data in
``reports.shipped_templates``) of which each report keeps its own copy; its sections are generated
text (the blocks below, which read the authority's history, audits and priorities), the template's
free text with placeholders (``reports.placeholders``), or someone's own words; numbering and the
sections' shape are ``reports.structure``'s and ``reports.compose``'s. Only what a person changed is
stored (``JourneySectionEdit``), as for the letter.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, cast

from django.utils import timezone

from accounts.models import Organisation
from improvement import priorities, trends
from improvement.models import ExternalReview, JourneyReport, JourneySectionEdit, Rag
from reports import catalogue, placeholders, structure
from reports import wording as w
from reports.catalogue import PlaceholderInfo
from reports.compose import Section
from reports.models import LetterTemplate, TemplateSection
from reviews.fieldwork.models import Finding
from reviews.setup.models import Review

COMMITTEE_REPORT = "committee-report"


@dataclass
class HistoryEntry:
    """One external review of the authority, in this product (a peer review) or recorded by hand."""

    date: dt.date
    kind: str
    by: str  # "led by ..." (a peer review), or ""
    quote: str
    review: Review | None = None
    external: ExternalReview | None = None
    recommendations: int = 0
    areas: int = 0


@dataclass
class JourneyData:
    organisation: Organisation
    report: JourneyReport
    edits: dict[str, JourneySectionEdit]
    history: list[HistoryEntry]
    trends: trends.Trends
    board: priorities.Board
    today: dt.date

    @property
    def name(self) -> str:
        return self.organisation.display_name

    @property
    def period(self) -> str:
        months = self.report.period_months or 12
        return f"{w.number(months)} months" if months != 1 else "month"


def _quote(text: str) -> str:
    text = " ".join(text.split()).strip()
    return text.rstrip(".") if text else ""


def history(organisation: Organisation, *, until: dt.date | None = None) -> list[HistoryEntry]:
    """The external reviews of the authority, oldest first: the peer reviews it hosted in this
    product whose letter was issued (each with a quotation from its key headlines), and the
    inspections and reviews recorded by hand; none after ``until`` when given. Three queries."""
    reviews = [
        r
        for r in Review.objects.filter(
            host=organisation, status=Review.Status.ISSUED, letter_issued_at__isnull=False
        ).select_related("lead_organisation")
        if not trends.is_internal_audit(r)
    ]
    findings = list(
        Finding.objects.filter(review__in=reviews, status=Finding.Status.AGREED)
        .only("pk", "review_id", "kind", "text", "is_key_headline", "kloe_id", "position")
        .order_by("review_id", "-is_key_headline", "kloe_id", "position", "pk")
    )
    entries = []
    for review in reviews:
        own = [f for f in findings if f.review_id == review.pk]
        strengths = [f for f in own if f.kind == Finding.Kind.STRENGTH]
        quote = ""
        if strengths:
            quote = _quote(strengths[0].text)
        entries.append(
            HistoryEntry(
                date=trends.review_date(review),
                kind=review.kind_label,
                by=review.lead_organisation.display_name,
                quote=quote,
                review=review,
                recommendations=sum(1 for f in own if f.kind == Finding.Kind.RECOMMENDATION),
                areas=sum(1 for f in own if f.kind == Finding.Kind.AREA),
            )
        )
    entries += [
        HistoryEntry(date=e.date, kind=e.kind_label, by="", quote=_quote(e.headline), external=e)
        for e in ExternalReview.objects.filter(organisation=organisation)
    ]
    if until is not None:
        entries = [e for e in entries if e.date <= until]
    entries.sort(key=lambda e: (e.date, e.review is not None))
    return entries


def gather(report: JourneyReport) -> JourneyData:
    """What the report is written from, as at its committee meeting (today, if it has no date):
    a report cannot cite a review, an audit or a board meeting that comes after its meeting."""
    organisation = report.organisation
    today = timezone.localdate()
    as_at = report.meeting_date or today
    return JourneyData(
        organisation=organisation,
        report=report,
        edits={e.key: e for e in report.edits.all()} if report.pk else {},
        history=history(organisation, until=as_at),
        trends=trends.build(organisation, until=as_at),
        board=priorities.load(organisation, until=as_at),
        today=today,
    )


# The blocks ---------------------------------------------------------------------------------------


def _cell(cell: trends.Cell | None) -> str:
    if cell is None or cell.percent is None:
        return "no figure"
    return f"{cell.percent}% (of {w.counted(cell.applies, 'case')})"


def _priority_line(row: priorities.PriorityRow) -> str:
    p = row.priority
    title = " ".join(p.title.split()).rstrip(".")
    return f"**{p.letter})** {title}"


def summary(data: JourneyData, detail: bool) -> str:
    parts = [
        f"This report presents an overview of the development and progress in the improvement "
        f"journey for children's social care in {data.name} over the past {data.period}."
    ]
    audits = len(data.trends.audits)
    reviews = len(data.history)
    meetings = len(data.board.meetings)
    based = []
    if audits:
        based.append(w.counted(audits, "audit"))
    if reviews:
        based.append(w.counted(reviews, "external review"))
    sentence = "The report is based on "
    sentence += (w.join(based) + " undertaken in that time, ") if based else ""
    sentence += "the improvement plan"
    if meetings:
        sentence += (
            f" and progress as reported to the {w.counted(meetings, 'meeting')} of the "
            f"improvement board"
        )
    parts.append(sentence + ".")
    if data.board.rows:
        parts.append(
            "The priorities for improvement are as follows:\n\n"
            + "\n".join(f"- {_priority_line(row)}" for row in data.board.rows)
        )
    return "\n\n".join(parts)


def background(data: JourneyData, detail: bool) -> str:
    paragraphs = []
    for entry in data.history:
        if entry.review is not None:
            sentence = f"In {entry.date:%B %Y} a {w.lower_first(entry.kind)} led by {entry.by}"
        else:
            sentence = f"In {entry.date:%B %Y} the {w.lower_first(entry.kind)}"
        if entry.quote:
            sentence += f" found: ‘{entry.quote}’."
        else:
            sentence += " took place."
        counts = []
        if entry.recommendations:
            counts.append(w.counted(entry.recommendations, "recommendation"))
        if entry.areas:
            counts.append(
                w.counted(entry.areas, "area for consideration", "areas for consideration")
            )
        if counts:
            sentence += f" It made {w.join(counts)}."
        paragraphs.append(sentence)
    return "\n\n".join(paragraphs)


def _overall(source: trends.Source, data: JourneyData) -> trends.Cell:
    total = trends.Cell()
    index = data.trends.sources.index(source)
    for criterion in data.trends.criteria:
        cell = criterion.cells[index]
        if cell is not None:
            total.met += cell.met
            total.applies += cell.applies
    return total


def audits(data: JourneyData, detail: bool) -> str:
    t = data.trends
    if not t.sources:
        return ""
    parts = []
    lines = []
    for source in t.sources:
        overall = _overall(source, data)
        line = f"- {source.date:%B %Y} – {source.review.title}"
        if not source.internal:
            line += f" ({w.lower_first(source.kind)})"
        line += f": {w.counted(source.cases, 'case')} audited"
        if overall.percent is not None:
            line += f", {overall.percent}% of the answers where a criterion applied were 'met'"
        lines.append(line)
    lead = (
        f"The authority's own audits and the case file audits of the peer reviews it hosted looked "
        f"at {w.counted(t.cases, 'case')} in all:"
        if t.audits
        else f"The case file audits of the peer reviews looked at {w.counted(t.cases, 'case')} in all:"
    )
    parts.append(lead + "\n\n" + "\n".join(lines))
    moved = [c for c in t.criteria if c.change is not None]
    if moved:
        better = sorted((c for c in moved if (c.change or 0) > 0), key=lambda c: -(c.change or 0))
        worse = sorted((c for c in moved if (c.change or 0) < 0), key=lambda c: c.change or 0)
        if better:
            parts.append(
                "What improved, between the first and the latest audit of each criterion:\n\n"
                + "\n".join(
                    f"- {c.title}: from {_cell(c.first)} to {_cell(c.latest)}" for c in better
                )
            )
        if worse:
            parts.append(
                "What fell back:\n\n"
                + "\n".join(
                    f"- {c.title}: from {_cell(c.first)} to {_cell(c.latest)}" for c in worse
                )
            )
    return "\n\n".join(parts)


def board(data: JourneyData, detail: bool) -> str:
    meetings = data.board.meetings
    if not meetings:
        return ""
    parts = [
        f"The improvement board met {w.times(len(meetings))} in the period, on "
        f"{w.join([w.long_date(m.date) for m in meetings])}, to oversee progress against the "
        f"priorities for improvement."
    ]
    for meeting in meetings:
        text = f"On {w.long_date(meeting.date)} the board reviewed {w.lower_first(' '.join(meeting.reviewed.split())).rstrip('.')}."
        if meeting.decisions.strip():
            text += f" It decided: {' '.join(meeting.decisions.split())}"
        parts.append(text)
    return "\n\n".join(parts)


RAG_WORDS = {Rag.RED: "red", Rag.AMBER: "amber", Rag.GREEN: "green"}


def analysis(data: JourneyData, detail: bool) -> str:
    rows = data.board.rows
    parts = []
    latest = data.board.latest_meeting
    if rows and latest is not None:
        counts = [
            f"{w.number(data.board.count(rag))} {RAG_WORDS[Rag(rag)]}"
            for rag in (Rag.GREEN, Rag.AMBER, Rag.RED)
            if data.board.count(rag)
        ]
        parts.append(
            f"At its latest meeting, on {w.long_date(latest.date)}, the improvement board rated "
            f"the {w.counted(len(rows), 'priority', 'priorities')}: {w.join(counts) or 'none yet'}."
        )
        lines = []
        for row in rows:
            line = f"- {_priority_line(row)} (owner: {row.priority.owner})"
            if row.latest is not None:
                line += f": {row.latest.get_rating_display().lower()}"
                if row.first is not None and row.first.meeting_id != row.latest.meeting_id:
                    line += f", from {row.first.get_rating_display().lower()} in {row.first.meeting.date:%B %Y}"
            else:
                line += ": not yet rated"
            lines.append(line)
        parts.append("\n".join(lines))
    elif rows:
        parts.append(
            f"The {w.counted(len(rows), 'priority', 'priorities')} have not yet been rated by the "
            f"improvement board."
        )
    t = data.trends
    if len(t.sources) > 1:
        first, last = t.sources[0], t.sources[-1]
        a, b = _overall(first, data), _overall(last, data)
        if a.percent is not None and b.percent is not None:
            direction = (
                "rose" if b.percent > a.percent else "fell" if b.percent < a.percent else "held"
            )
            parts.append(
                f"Across the criteria audited, the share of answers that were 'met' {direction} "
                f"from {a.percent}% ({first.label}, {w.counted(first.cases, 'case')}) to "
                f"{b.percent}% ({last.label}, {w.counted(last.cases, 'case')})."
            )
    return "\n\n".join(parts)


def risks(data: JourneyData, detail: bool) -> str:
    rows = [r for r in data.board.rows if r.latest and r.latest.rating in (Rag.RED, Rag.AMBER)]
    if not data.board.rows:
        return ""
    if not rows:
        if data.board.latest_meeting is None:
            return ""
        return (
            "Every priority was rated green at the latest meeting of the improvement board. "
            "Children's social care must maintain this positive trajectory."
        )
    lines = "\n".join(
        f"- {_priority_line(r)}: {r.latest.get_rating_display().lower()}"
        + (f". {' '.join(r.latest.note.split())}" if r.latest and r.latest.note.strip() else "")
        for r in rows
        if r.latest is not None
    )
    return (
        "Children's social care must maintain its trajectory and continue to improve services to "
        "children. These priorities were not yet rated green at the latest meeting of the "
        f"improvement board:\n\n{lines}"
    )


def contact(data: JourneyData, detail: bool) -> str:
    r = data.report
    parts = []
    author = [r.author_name, r.author_title]
    if r.author_phone:
        author.append(f"Tel: {r.author_phone}")
    if r.author_email:
        author.append(r.author_email)
    author = [a for a in author if a.strip()]
    if author:
        parts.append("**Author:** " + ", ".join(author))
    chief = [a for a in (r.chief_officer_name, r.chief_officer_title) if a.strip()]
    if chief:
        parts.append("**Chief officer responsible for the report:** " + ", ".join(chief))
    if r.approved_on:
        parts.append(f"**Report approved:** {w.long_date(r.approved_on)}")
    if r.wards.strip():
        parts.append(f"**Wards affected:** {r.wards.strip()}")
    if author:
        parts.append("For further information please contact the author of the report.")
    return "\n\n".join(parts)


GLOSSARY: dict[str, str] = {
    "ADCS": "Association of Directors of Children's Services",
    "AD": "Assistant Director",
    "CSC": "Children's Social Care",
    "DCS": "Director of Children's Services",
    "FDHC": "Front Door Health Check",
    "IRO": "Independent Reviewing Officer",
    "JTAI": "Joint Targeted Area Inspection",
    "ILACS": "Inspection of Local Authority Children's Services",
    "KLOE": "Key Line of Enquiry",
    "LGA": "Local Government Association",
    "MASH": "Multi-Agency Safeguarding Hub",
    "NFA": "No Further Action",
    "PiP": "Partners in Practice",
    "PSW": "Principal Social Worker",
    "QA": "Quality Assurance",
    "RAG": "Red, Amber, Green",
    "SMT": "Senior Management Team",
    "SW": "Social Worker",
}


def abbreviations_in(texts: Sequence[str]) -> list[tuple[str, str]]:
    """The abbreviations of the glossary the report's text uses, in alphabetical order."""
    joined = "\n".join(texts)
    found = [
        (abbr, meaning)
        for abbr, meaning in GLOSSARY.items()
        if re.search(rf"(?<![A-Za-z]){re.escape(abbr)}(?![A-Za-z])", joined)
    ]
    return sorted(found, key=lambda pair: pair[0].casefold())


def abbreviations(data: JourneyData, detail: bool) -> str:
    """Filled in by ``build`` from the other sections' text (see ``abbreviations_in``)."""
    return ""


@dataclass(frozen=True)
class JourneyBlock:
    key: str
    label: str
    write: Callable[[JourneyData, bool], str]


BLOCKS: list[JourneyBlock] = [
    JourneyBlock("journey-summary", "Summary: the period and the priorities", summary),
    JourneyBlock(
        "journey-background",
        "Background: each external review in date order, with a quotation",
        background,
    ),
    JourneyBlock("journey-audits", "The audit activity and what it found", audits),
    JourneyBlock("journey-board", "The improvement board's meetings and decisions", board),
    JourneyBlock("journey-analysis", "Analysis: the priorities' ratings and the trend", analysis),
    JourneyBlock("journey-risks", "Risks: the priorities not yet green", risks),
    JourneyBlock("journey-contact", "Contact details", contact),
    JourneyBlock("journey-abbreviations", "Abbreviations used in the report", abbreviations),
]
BY_KEY: dict[str, JourneyBlock] = {b.key: b for b in BLOCKS}

# The placeholders a committee report's headings and text can use (``filled`` gives their values).
PLACEHOLDERS: list[PlaceholderInfo] = [
    PlaceholderInfo("host", "The authority's name", "Northmoor"),
    PlaceholderInfo("host council", "The authority's full name", "Northmoor Council"),
    PlaceholderInfo(
        "date", "The date of the committee meeting (today, if it has none)", "15 September 2026"
    ),
    PlaceholderInfo("month and year", "The month of the committee meeting", "September 2026"),
]


def register_document() -> None:
    """Tell the template machinery what a committee report's sections can be made of."""
    catalogue.register_document(
        LetterTemplate.Document.COMMITTEE_REPORT,
        catalogue.DocumentKind(
            blocks=[(b.key, b.label) for b in BLOCKS], placeholders=PLACEHOLDERS
        ),
    )


# The structure -----------------------------------------------------------------------------------


def default_template() -> LetterTemplate:
    """The shipped committee report template (an unsaved empty one if none is installed)."""
    shipped = list(LetterTemplate.objects.committee_reports())
    for template in shipped:
        if template.key == COMMITTEE_REPORT:
            return template
    return shipped[0] if shipped else LetterTemplate(name="Committee report")


def template_for(report: JourneyReport) -> LetterTemplate:
    if report.pk and report.template_id is not None:
        return cast(LetterTemplate, report.template)
    return default_template()


def filled(data: JourneyData) -> dict[str, str]:
    """The placeholders a committee report's free text can use: the authority's name, the date."""
    return {
        "host": data.name,
        "host council": data.organisation.name,
        "date": w.long_date(data.report.meeting_date or data.today),
        "month and year": w.month_year(data.report.meeting_date or data.today),
    }


def build(data: JourneyData, template: LetterTemplate | None = None) -> list[Section]:
    """Every section of the report in the template's order, with its text."""
    template = template or template_for(data.report)
    rows: list[TemplateSection] = structure.rows_of(template)
    values = filled(data)
    out: list[Section] = []
    glossary: Section | None = None
    for row in rows:
        section = Section(
            key=row.key,
            title=placeholders.fill(row.heading, values),
            heading_shown=bool(row.heading),
            level=3 if row.subsection else 2,
            content=row.content,
            numbered=row.numbered,
            hidden=row.hidden,
            always=row.show == TemplateSection.Show.ALWAYS,
            label=row.heading or row.key,
        )
        if row.content == TemplateSection.Content.GENERATED:
            block = BY_KEY.get(row.block)
            if block is None:
                continue
            section.block = block.key
            section.generated = block.write(data, row.detail)
            if block.key == "journey-abbreviations":
                glossary = section
        elif row.content == TemplateSection.Content.FREE:
            section.generated = placeholders.fill(row.text, values)
        section.edit = cast(Any, data.edits.get(row.key))
        out.append(section)
    if glossary is not None:
        found = abbreviations_in([s.text for s in out if s is not glossary and s.visible])
        glossary.generated = "\n".join(f"- **{a}**: {m}" for a, m in found)
    structure.number(out, template.numbering)
    return out


def section_numbers(sections: list[Section]) -> dict[str, list[int]]:
    """The report's paragraphs numbered from 1 to the end, as seed 003 numbers them: per section, the
    number of each of its paragraphs (the contact details and abbreviations are not numbered)."""
    from reports import blocks as markup

    n = 0
    out: dict[str, list[int]] = {}
    for section in sections:
        if not section.visible:
            continue
        numbers = []
        for block in markup.parse(section.text):
            if block.kind == "p" and section.numbered:
                n += 1
                numbers.append(n)
            else:
                numbers.append(0)
        out[section.key] = numbers
    return out
