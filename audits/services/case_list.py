"""The case list: import it (CSV or Excel), checking every row against the review's reference rule
and adding the valid cases all or nothing; list it filtered and sorted; remove cases before the
sample is drawn; balance the sample's assignments across the auditors."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, cast

from django.db import models, transaction
from django.db.models import Exists, F, OuterRef
from openpyxl import load_workbook

from audits.models import (
    DEFAULT_REFERENCE_PATTERN,
    DEFAULT_REFERENCE_RULE,
    AuditPlan,
    Case,
    CaseAudit,
    CaseType,
    ReferencePatternError,
    SampleDraw,
    SampleStatus,
    compile_reference_pattern,
)
from core.forms import has_line_break
from core.http import whole_number
from reviews.setup.models import Membership, Review, Role
from trail.models import Event
from trail.services import record

if TYPE_CHECKING:
    from accounts.models import User

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


# Excel case lists -------------------------------------------------------------------------------

XLSX_MAX_UNPACKED_BYTES = 40 * 1024 * 1024  # a 2 MB upload that unpacks to more is refused
_XLSX_COLUMNS = 20  # only the first columns are read: a case list has five


class SpreadsheetError(ValueError):
    """An Excel file that cannot be read as a case list; the message is in plain words."""


def xlsx_to_csv(data: bytes) -> str:
    """The first worksheet of an .xlsx file as CSV text, one line per spreadsheet row (so that the
    line numbers of the errors are the spreadsheet's row numbers), for ``parse_case_list``.

    Refused: a file that is not an Excel workbook, one with macros, and one that unpacks to more
    than ``XLSX_MAX_UNPACKED_BYTES`` (a "zip bomb"). Formulas are read as their last calculated
    value, never worked out here."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as error:
        raise SpreadsheetError(
            "The file is not an Excel workbook (.xlsx): save it from your spreadsheet as Excel "
            "workbook or as CSV"
        ) from error
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        raise SpreadsheetError(
            "The file holds macros, which are not accepted: save it as an Excel workbook (.xlsx) "
            "without macros, or as CSV"
        )
    if unpacked > XLSX_MAX_UNPACKED_BYTES:
        raise SpreadsheetError(
            "The workbook is too big once opened: split the case list into smaller lists"
        )
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise SpreadsheetError(
            "The Excel file could not be read: save it again as an Excel workbook (.xlsx) or as CSV"
        ) from error
    try:
        sheet = book.worksheets[0] if book.worksheets else None
        if sheet is None:
            raise SpreadsheetError("The Excel file has no worksheet")
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        for count, values in enumerate(
            sheet.iter_rows(max_col=_XLSX_COLUMNS, values_only=True), start=1
        ):
            if count > MAX_CASE_LIST_ROWS + 2:
                break  # parse_case_list says the list is too long
            writer.writerow([_cell_text(value) for value in values])
        text = out.getvalue()
    finally:
        book.close()
    if len(text) > MAX_CASE_LIST_CHARACTERS:
        raise SpreadsheetError(
            "The case list is too long: it must be smaller than 2 MB. Split it into smaller lists"
        )
    return text


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)[:_MAX_CELL]


TEMPLATE_HEADER = ["Case reference", "Case type", "Date", "Team", "Outcome"]
TEMPLATE_ROWS = [
    ["CR-10234", "Contact", dt.date(2026, 10, 5), "MASH", "NFA"],
    ["CR-10251", "Section 47 enquiry", dt.date(2026, 10, 12), "Assessment team 1", ""],
]


# The list on the page: filters, sort, removal before the draw --------------------------------

STATES = {
    "not_sampled": "Not in the sample",
    "sampled": "In the sample",
    "reserve": "Reserve",
    "not_started": "In the sample, audit not started",
    "in_progress": "Audit in progress",
    "complete": "Audit complete",
}
NOT_ASSIGNED = "none"
SORTS = {
    "reference": ("reference", "Reference"),
    "type": ("case_type", "Type"),
    "date": ("case_date", "Date"),
    "team": ("team", "Team"),
    "auditor": ("assigned_to__full_name", "Auditor"),
    "sample": ("sample_status", "Sample"),
}


@dataclass
class CaseFilters:
    case_type: str = ""
    team: str = ""
    auditor: str = ""  # a user's pk, or NOT_ASSIGNED
    state: str = ""
    sort: str = "reference"  # a key of SORTS, "-" in front for descending

    @property
    def sort_key(self) -> str:
        return self.sort.lstrip("-")

    @property
    def descending(self) -> bool:
        return self.sort.startswith("-")


def filtered_cases(review: Review, filters: CaseFilters) -> models.QuerySet[Case]:
    """The review's cases, filtered and sorted as the case list page asks (a stable order)."""
    cases = Case.objects.filter(review=review)
    if filters.case_type:
        cases = cases.filter(case_type=filters.case_type)
    if filters.team:
        cases = cases.filter(team=filters.team)
    if filters.auditor == NOT_ASSIGNED:
        cases = cases.filter(assigned_to__isnull=True)
    elif (auditor := whole_number(filters.auditor)) is not None:
        cases = cases.filter(assigned_to_id=auditor)
    state = filters.state
    if state in ("not_sampled", "sampled", "reserve"):
        cases = cases.filter(sample_status="" if state == "not_sampled" else state)
    elif state == "not_started":
        cases = cases.filter(sample_status=SampleStatus.SAMPLED, audit__isnull=True)
    elif state in ("in_progress", "complete"):
        cases = cases.filter(audit__status=state)
    column = SORTS.get(filters.sort_key, SORTS["reference"])[0]
    order = (
        F(column).desc(nulls_last=True) if filters.descending else F(column).asc(nulls_last=True)
    )
    return cases.order_by(order, "reference", "pk")


def teams_of(review: Review) -> list[str]:
    """The teams named on the case list, for the filter (one query)."""
    return list(
        Case.objects.filter(review=review)
        .exclude(team="")
        .order_by("team")
        .values_list("team", flat=True)
        .distinct()
    )


class CaseListLocked(Exception):
    """The case list can no longer lose cases; the message says why."""


@transaction.atomic
def remove_cases(*, review: Review, case_ids: list[int], user: User) -> int:
    """Take cases off the list before the sample is drawn. Once drawn, the draw's record (its
    population, its draw number) rests on the list as it was, so nothing is removed."""
    if SampleDraw.objects.filter(review=review).exists():
        raise CaseListLocked(
            "The sample has been drawn from this case list, so cases can no longer be removed: "
            "the draw's record rests on the list as it was. Take a case out of the sample instead."
        )
    if CaseAudit.objects.for_review(review).exists():
        raise CaseListLocked(
            "Case audits have started, so cases can no longer be removed from the list."
        )
    removed, _ = Case.objects.filter(review=review, pk__in=case_ids).delete()
    if removed:
        record(
            action=Event.Action.SAMPLE_CHANGED,
            actor=user,
            obj=review,
            review_id=review.pk,
            detail={"change": "removed from the case list", "cases": removed},
        )
    return removed


# Balancing assignments -------------------------------------------------------------------------


@dataclass
class Balance:
    """Who would audit what: each auditor's count before and after, and the cases that move."""

    auditors: list[tuple[User, int, int]]  # (auditor, cases now, cases after)
    moves: dict[int, int]  # case pk -> auditor pk
    left_out: list[User]  # auditors with a conflict of interest: given no case
    moved_references: list[str]

    @property
    def fingerprint(self) -> str:
        return hashlib.sha256(
            ",".join(f"{c}:{u}" for c, u in sorted(self.moves.items())).encode()
        ).hexdigest()[:16]


def has_conflict_of_interest(review: Review, membership: Membership) -> bool:
    """An auditor who works for the host authority (their account's organisation, or the council
    they are shown as on this review) does not audit the host's cases."""
    host = review.host
    if membership.user.organisation_id is not None and membership.user.organisation_id == host.pk:
        return True
    council = membership.council.strip().lower()
    return bool(council) and council in {host.name.lower(), (host.short_name or "").lower()}


def plan_balance(review: Review) -> Balance:
    """Even counts across the review's auditors: cases whose audit has started stay with their
    auditor; the others keep theirs while that auditor is below an even share, and the rest go to
    whoever has fewest (ties: in name order). Auditors with a conflict of interest get none."""
    members = list(
        Membership.objects.filter(review=review, role__in=[Role.LEAD_REVIEWER, Role.REVIEWER])
        .select_related("user")
        .order_by("user__full_name", "user__email")
    )
    eligible = [m.user for m in members if not has_conflict_of_interest(review, m)]
    left_out = [m.user for m in members if m.user not in eligible]
    cases = list(
        Case.objects.filter(review=review, sample_status=SampleStatus.SAMPLED)
        .annotate(started=Exists(CaseAudit.objects.filter(case=OuterRef("pk"))))
        .order_by("reference", "pk")
        .only("pk", "reference", "assigned_to_id")
    )
    now: dict[int, int] = defaultdict(int)
    for case in cases:
        if case.assigned_to_id is not None:
            now[case.assigned_to_id] += 1
    if not eligible:
        return Balance([(u, now[u.pk], now[u.pk]) for u in left_out], {}, left_out, [])
    counts = {u.pk: 0 for u in eligible}
    started = {c.pk for c in cases if getattr(c, "started", False)}  # annotated above
    fixed = [c for c in cases if c.pk in started]
    for case in fixed:
        if case.assigned_to_id in counts:
            counts[case.assigned_to_id] += 1
    share = len(cases) // len(eligible)
    pool = []
    for case in cases:
        if case.pk in started:
            continue
        if case.assigned_to_id in counts and counts[case.assigned_to_id] < share:
            counts[case.assigned_to_id] += 1
        else:
            pool.append(case)
    order = {u.pk: i for i, u in enumerate(eligible)}
    moves: dict[int, int] = {}
    moved = []
    for case in pool:
        auditor = min(counts, key=lambda pk: (counts[pk], order[pk]))
        counts[auditor] += 1
        if case.assigned_to_id != auditor:
            moves[case.pk] = auditor
            moved.append(case.reference)
    kept: dict[int | None, int] = defaultdict(
        int
    )  # an auditor left out keeps only the audits they have started
    for case in fixed:
        kept[case.assigned_to_id] += 1
    rows = [(u, now[u.pk], counts[u.pk]) for u in eligible]
    rows += [(u, now[u.pk], kept[u.pk]) for u in left_out]
    return Balance(rows, moves, left_out, moved)
