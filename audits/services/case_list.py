"""Import a case list: check every row of a CSV against the review's reference rule, then add
the valid cases all or nothing."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from typing import cast

from django.db import transaction

from audits.models import (
    DEFAULT_REFERENCE_PATTERN,
    DEFAULT_REFERENCE_RULE,
    AuditPlan,
    Case,
    CaseType,
    ReferencePatternError,
    compile_reference_pattern,
)
from core.forms import has_line_break
from reviews.setup.models import Review

COLUMNS = {
    "reference": {"case reference", "reference", "ref", "case ref"},
    "case_type": {"case type", "type"},
    "case_date": {"date", "case date"},
    "team": {"team"},
    "outcome": {"outcome", "optional outcome"},
}
REQUIRED_COLUMNS = ("reference", "case_type")
MAX_REFERENCE_LENGTH = cast(int, Case._meta.get_field("reference").max_length)  # a CharField's
# One import's work is bounded: a case list is a few hundred to a few thousand cases; a longer one
# is split into several imports. Longer cells are cut before they are looked at.
MAX_CASE_LIST_ROWS = 5000
MAX_CASE_LIST_CHARACTERS = 2 * 1024 * 1024
_MAX_CELL = 500

_TYPE_WORDS = {
    **{t.value: t.value for t in CaseType},
    **{t.label.lower(): t.value for t in CaseType},
    "section 17": CaseType.S17,
    "s17 assessment": CaseType.S17,
    "child in need assessment": CaseType.S17,
    "section 47": CaseType.S47,
    "s47 enquiry": CaseType.S47,
    "strategy": CaseType.STRATEGY,
    "strategy meeting": CaseType.STRATEGY,
    "early help": CaseType.EARLY_HELP,
}
_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y")


@dataclass
class CaseRow:
    line: int
    reference: str
    case_type: str
    case_date: dt.date | None
    team: str
    outcome: str


@dataclass
class ParsedCaseList:
    rows: list[CaseRow] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)  # (line, message); line 0: file

    @property
    def error_lines(self) -> set[int]:
        return {line for line, _ in self.errors}

    @property
    def valid_rows(self) -> list[CaseRow]:
        bad = self.error_lines
        return [row for row in self.rows if row.line not in bad]


def reference_rule(review: Review) -> tuple[str, str]:
    """The review's reference pattern and the rule in words (the default when none is set)."""
    plan = AuditPlan.objects.filter(review=review).first()
    if plan is None:
        return DEFAULT_REFERENCE_PATTERN, DEFAULT_REFERENCE_RULE
    return plan.reference_pattern, plan.reference_rule


def parse_case_list(*, review: Review, text: str) -> ParsedCaseList:
    """Check every row of a CSV case list. Line numbers count the header as line 1."""
    result = ParsedCaseList()
    if len(text) > MAX_CASE_LIST_CHARACTERS:
        result.errors.append(
            (
                0,
                "The case list is too long: it must be smaller than 2 MB. Split it into smaller lists",
            )
        )
        return result
    pattern, rule = reference_rule(review)
    try:
        matcher = compile_reference_pattern(pattern)
    except ReferencePatternError:
        result.errors.append(
            (
                0,
                "The review's case reference rule cannot be used: ask the coordinator to change it "
                "on the case audit settings page",
            )
        )
        return result
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    header: dict[str, int] | None = None
    seen: dict[str, int] = {}
    existing = {
        ref.lower(): ref
        for ref in Case.objects.filter(review=review).values_list("reference", flat=True)
    }
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            result.errors.append((reader.line_num, f"This line could not be read as CSV ({error})"))
            return result
        line = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        if header is None:
            header = _read_header(cells)
            missing = [c for c in REQUIRED_COLUMNS if c not in header]
            if missing:
                result.errors.append(
                    (
                        line,
                        "The first line must name the columns: case reference, case type, date, "
                        "team and (optional) outcome",
                    )
                )
                return result
            continue

        if len(result.rows) >= MAX_CASE_LIST_ROWS:
            # Nothing half-imported: no row of an over-long list can be imported.
            result.rows.clear()
            result.errors = [
                (
                    0,
                    f"The case list has more than {MAX_CASE_LIST_ROWS:,} cases. Import at most "
                    f"{MAX_CASE_LIST_ROWS:,} cases at a time: split the list into smaller lists",
                )
            ]
            return result

        columns = header  # the header, read above

        def cell(name: str, cells: list[str] = cells, header: dict[str, int] = columns) -> str:
            index = header.get(name)
            return (
                cells[index][:_MAX_CELL].strip() if index is not None and index < len(cells) else ""
            )

        reference = cell("reference")
        type_text = cell("case_type")
        date_text = cell("case_date")
        problems = []
        if not reference:
            problems.append("enter the case reference")
        elif has_line_break(reference):
            problems.append(
                f"the reference “{_shorten(' '.join(reference.splitlines()))}” has a line break: "
                "type it on one line"
            )
        elif len(reference) > MAX_REFERENCE_LENGTH:
            problems.append(
                f"the reference “{_shorten(reference)}” is longer than {MAX_REFERENCE_LENGTH} characters"
            )
        elif not matcher.fullmatch(reference):
            problems.append(
                f"the reference “{_shorten(reference)}” does not follow the rule ({rule}); "
                "a reference must never hold a name"
            )
        elif reference.lower() in seen:
            problems.append(
                f"the reference {reference} is a duplicate (it is also on line {seen[reference.lower()]})"
            )
        elif reference.lower() in existing:
            problems.append(f"the reference {reference} is already on the case list")
        if reference:
            seen.setdefault(reference.lower(), line)
        case_type = _TYPE_WORDS.get(type_text.lower())
        if case_type is None:
            problems.append(
                f"the case type “{_shorten(type_text)}” is not known (use one of: "
                + ", ".join(t.label.lower() for t in CaseType)
                + ")"
                if type_text
                else "enter the case type"
            )
        case_date = None
        if date_text:
            case_date = _parse_date(date_text)
            if case_date is None:
                problems.append(f"the date “{_shorten(date_text)}” is not a date like 2026-11-17")
        for problem in problems:
            result.errors.append((line, problem[0].upper() + problem[1:]))
        result.rows.append(
            CaseRow(
                line=line,
                reference=reference,
                case_type=case_type or "",
                case_date=case_date,
                team=cell("team")[:120],
                outcome=cell("outcome")[:200],
            )
        )
    if header is None:
        result.errors.append((0, "The case list is empty"))
    elif not result.rows:
        result.errors.append((0, "The case list has no cases below its first line"))
    return result


def _read_header(cells: list[str]) -> dict[str, int]:
    header = {}
    for index, name in enumerate(cells):
        name = name.strip().lower().lstrip("\ufeff")
        for column, names in COLUMNS.items():
            if name in names and column not in header:
                header[column] = index
    return header


def _parse_date(text: str) -> dt.date | None:
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _shorten(text: str, length: int = 40) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


@transaction.atomic
def import_cases(*, review: Review, rows: list[CaseRow]) -> int:
    """Add the rows to the review's case list. All or nothing: a clash in the meantime adds none."""
    Case.objects.bulk_create(
        Case(
            review=review,
            reference=row.reference,
            case_type=row.case_type,
            case_date=row.case_date,
            team=row.team,
            outcome=row.outcome,
        )
        for row in rows
    )
    return len(rows)
