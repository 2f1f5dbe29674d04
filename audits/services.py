"""Workflows of the audits app: import a case list, draw a sample, save answers without silent
overwrites, summarise per criterion, moderate, raise safeguarding alerts, export."""

from __future__ import annotations

import csv
import datetime as dt
import importlib
import io
import logging
import random
import re
import secrets
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils import timezone

from audits.models import (
    DEFAULT_REFERENCE_PATTERN,
    DEFAULT_REFERENCE_RULE,
    AlertRecipient,
    AnnexFigures,
    Answer,
    AuditPlan,
    AuditTool,
    Case,
    CaseAudit,
    CaseType,
    Criterion,
    CriterionAnswer,
    ModeratedAnswer,
    Moderation,
    ReferencePatternError,
    SafeguardingAlert,
    SampleDraw,
    SampleStatus,
    answer_counts,
    compile_reference_pattern,
)
from core.xmltext import xml_safe, xml_safe_value
from reviews.models import Review, Role
from trail.models import Event
from trail.services import record

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger(__name__)


# --- The case list -------------------------------------------------------------------------------

COLUMNS = {
    "reference": {"case reference", "reference", "ref", "case ref"},
    "case_type": {"case type", "type"},
    "case_date": {"date", "case date"},
    "team": {"team"},
    "outcome": {"outcome", "optional outcome"},
}
REQUIRED_COLUMNS = ("reference", "case_type")
MAX_REFERENCE_LENGTH = Case._meta.get_field("reference").max_length
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

        def cell(name: str, cells: list[str] = cells, header: dict[str, int] = header) -> str:
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
            return dt.datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a calendar date
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


# --- The tool a review uses ----------------------------------------------------------------------


class ToolLocked(Exception):
    """The review's audits have started: its tool can no longer be changed."""


@transaction.atomic
def choose_tool(*, review: Review, tool: AuditTool) -> AuditTool:
    """Give the review its own copy of ``tool``. Refused once any case audit has started."""
    if CaseAudit.objects.for_review(review).exists():
        raise ToolLocked("Case audits have started, so the review's audit tool cannot change.")
    AuditTool.objects.filter(review=review).delete()
    return tool.copy(review=review)


SEED_002_TOOL = "Quality of assessment practice (ten criteria)"
FRONT_DOOR_TOOL = "Front door contact and referral"


def shipped_tool(name: str = SEED_002_TOOL) -> AuditTool:
    """A tool shipped with the service (added by migration; added again if a test flushed it)."""
    tool = AuditTool.objects.filter(name=name, organisation=None, review=None).first()
    if tool is None:
        from django.apps import apps

        migration = importlib.import_module("audits.migrations.0002_default_tools")
        migration.add_tools(apps, None)
        tool = AuditTool.objects.get(name=name, organisation=None, review=None)
    return tool


def review_tool(review: Review) -> AuditTool | None:
    return AuditTool.objects.filter(review=review).first()


# --- Sampling ------------------------------------------------------------------------------------


class SampleLocked(Exception):
    """Audits have started: a new draw would throw their cases out of the sample."""


@transaction.atomic
def draw_sample(
    *,
    review: Review,
    method: str,
    user: User,
    size: int = 0,
    per_type: dict[str, int] | None = None,
    reserves: int = 0,
    seed: int | None = None,
) -> SampleDraw:
    """Draw a sample with a recorded seed. The same seed on the same case list draws the same cases."""
    if CaseAudit.objects.for_review(review).exists():
        raise SampleLocked("Case audits have started: add or remove cases by hand instead.")
    seed = seed if seed is not None else secrets.randbelow(1_000_000) + 1
    rng = random.Random(seed)  # noqa: S311 - reproducible sampling, not security
    cases = list(Case.objects.filter(review=review).order_by("reference", "pk"))
    per_type = {k: v for k, v in (per_type or {}).items() if v}
    if method == SampleDraw.Method.STRATIFIED:
        drawn: list[Case] = []
        for case_type in CaseType.values:
            of_type = [c for c in cases if c.case_type == case_type]
            drawn += rng.sample(of_type, min(per_type.get(case_type, 0), len(of_type)))
    else:
        drawn = rng.sample(cases, min(size, len(cases)))
    drawn_ids = {c.pk for c in drawn}
    rest = [c for c in cases if c.pk not in drawn_ids]
    reserved = rng.sample(rest, min(reserves, len(rest)))
    reserved_ids = {c.pk for c in reserved}
    Case.objects.filter(review=review).update(sample_status=SampleStatus.NOT_SAMPLED)
    Case.objects.filter(pk__in=drawn_ids).update(sample_status=SampleStatus.SAMPLED)
    Case.objects.filter(pk__in=reserved_ids).update(sample_status=SampleStatus.RESERVE)
    return SampleDraw.objects.create(
        review=review,
        method=method,
        size=size if method == SampleDraw.Method.RANDOM else 0,
        per_type=per_type if method == SampleDraw.Method.STRATIFIED else {},
        reserves=reserves,
        seed=seed,
        population=len(cases),
        drawn=[c.reference for c in drawn],
        reserved=[c.reference for c in reserved],
        drawn_by=user,
    )


def set_sample_status(*, review: Review, case_ids: list[int], status: str) -> int:
    """Pick cases by hand: into the sample, onto the reserve list, or out. Audited cases stay in."""
    cases = Case.objects.filter(review=review, pk__in=case_ids)
    if status != SampleStatus.SAMPLED:
        cases = cases.filter(audit__isnull=True)
    return cases.update(sample_status=status)


def auditors_of(review: Review) -> list[User]:
    from accounts.models import User

    return list(
        User.objects.filter(
            memberships__review=review,
            memberships__role__in=[Role.LEAD_REVIEWER, Role.REVIEWER],
        ).order_by("full_name")
    )


def assign_cases(*, review: Review, assignments: dict[int, int | None]) -> int:
    """Assign sampled cases to auditors on the review: {case id: user id or None}."""
    allowed = {u.pk for u in auditors_of(review)}
    changed = 0
    by_user: dict[int | None, list[int]] = defaultdict(list)
    for case_id, user_id in assignments.items():
        if user_id is None or user_id in allowed:
            by_user[user_id].append(case_id)
    for user_id, case_ids in by_user.items():
        changed += (
            Case.objects.filter(review=review, pk__in=case_ids)
            .exclude(assigned_to_id=user_id)
            .update(assigned_to_id=user_id, updated_at=timezone.now())
        )
    return changed


# --- Auditing a case -----------------------------------------------------------------------------


class NoTool(Exception):
    """The review has no audit tool yet."""


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


@dataclass
class Saved:
    """The outcome of a versioned save: ``ok``, or the row as someone else left it."""

    ok: bool
    current: Any = None


def _versioned_update(model, *, pk: int, version: int, user: User, values: dict[str, Any]) -> Saved:
    """UPDATE ... WHERE version = %s: the check and the write are one statement, so the database
    decides between two people saving at once. A refused save is no conflict when the row already
    holds exactly these values, or when the person's own latest save moved the version on (their
    page had not caught up yet); only someone else's work is never overwritten."""
    for _ in range(2):
        updated = model.objects.filter(pk=pk, version=version).update(
            **values, version=F("version") + 1, updated_by=user, updated_at=timezone.now()
        )
        current = model.objects.select_related("updated_by").get(pk=pk)
        if updated == 1:
            _record_change(current, values=values, user=user)
        if updated == 1 or all(getattr(current, k) == v for k, v in values.items()):
            return Saved(ok=True, current=current)
        if current.updated_by_id != user.pk:
            break
        version = current.version
    return Saved(ok=False, current=current)


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


def save_answer(*, answer_id: int, version: int, answer: str, comment: str, user: User) -> Saved:
    """Save one criterion if nobody else has saved it since ``version``."""
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
) -> Saved:
    """Save the decision agreement, grade and status with the same version check."""
    return _versioned_update(
        CaseAudit,
        pk=audit_id,
        version=version,
        user=user,
        values={
            "decision_agreement": decision_agreement,
            "decision_reason": decision_reason,
            "overall_grade": overall_grade,
            "status": status,
        },
    )


def share_audit(*, audit: CaseAudit, user: User, shared: bool) -> None:
    audit.shared_with_host = shared
    audit.shared_at = timezone.now() if shared else None
    audit.shared_by = user if shared else None
    audit.save(update_fields=["shared_with_host", "shared_at", "shared_by", "updated_at"])


# --- Personal details in free text ---------------------------------------------------------------

_PERSONAL = [
    # Each pattern starts only where a run starts (look-behind) and is bounded, so a long text is
    # checked in linear time.
    (
        "an email address",
        re.compile(r"(?<![\w.+-])[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}"),
    ),
    (
        "a telephone number",
        re.compile(r"(?<![\d])(?:\+44\s?\(?0?\)?\s?|0)\d{2,4}[\s-]?\d{3,4}[\s-]?\d{3,4}(?![\d])"),
    ),
    ("an NHS number", re.compile(r"(?<![\d])[1-9]\d{2}[\s-]?\d{3}[\s-]?\d{4}(?![\d])")),
    (
        "a date of birth",
        re.compile(
            r"\b(?:d\.?o\.?b\.?|date of birth|born)\b"
            r"|(?<![\d])\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})(?![\d])"
            r"|\b\d{1,2}(?:st|nd|rd|th)?\s{1,3}(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]{0,6}\.?\s{1,3}\d{4}\b",
            re.IGNORECASE,
        ),
    ),
]


def personal_details_in(text: str) -> list[str]:
    """What in this text looks like a personal detail (in plain words), or nothing."""
    found = []
    remaining = text
    for label, pattern in _PERSONAL:
        if pattern.search(remaining):
            found.append(label)
            remaining = pattern.sub(" ", remaining)
    return found


# --- Analysis ------------------------------------------------------------------------------------


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


@dataclass
class Summary:
    tool: AuditTool | None
    rows: list[CriterionRow]
    case_types: list[tuple[str, str]]
    audits: dict[str, int]
    agreement: dict[str, int]
    moderation: dict[str, int]

    @property
    def audits_started(self) -> int:
        return sum(self.audits.values())

    @property
    def agreement_answered(self) -> int:
        return sum(v for k, v in self.agreement.items() if k)

    @property
    def moderation_rate(self) -> int | None:
        return percent(self.moderation.get("agreed", 0), self.moderation.get("checked", 0))


def summarise(review: Review) -> Summary:
    """% met per criterion, per case type, decision agreement and moderation: a fixed few queries."""
    tool = review_tool(review)
    if tool is None:
        return Summary(None, [], [], {}, {}, {})
    criteria = list(tool.criteria.select_related("commentary"))
    answers = CriterionAnswer.objects.filter(audit__case__review=review)
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
        CaseAudit.objects.for_review(review)
        .values_list("decision_agreement")
        .annotate(n=Count("pk"))
        .order_by()
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
    for row in rows:
        row.type_cells = [row.by_type.get(value) for value, _ in case_types]
    return Summary(
        tool=tool,
        rows=rows,
        case_types=case_types,
        audits=audits,
        agreement=agreement,
        moderation=moderation,
    )


def annex_figures(review: Review) -> dict[str, Any]:
    """The annex of the letter as plain data: % met per criterion with the team's commentary, how
    many cases were audited (by type) and how often the team agreed with the decisions taken.
    Three queries, whatever the size of the review.

    Once case-level data has been deleted under the retention policy, the frozen figures are given.
    """
    if review.case_data_deleted_at is not None:
        frozen = AnnexFigures.objects.filter(review=review).values_list("data", flat=True).first()
        if frozen is not None:
            return frozen
    criteria = list(
        Criterion.objects.filter(tool__review=review)
        .select_related("commentary", "tool")
        .order_by("number")
    )
    totals = {
        row.pop("criterion_id"): Counts(**row)
        for row in CriterionAnswer.objects.filter(audit__case__review=review)
        .values("criterion_id")
        .annotate(**answer_counts())
        .order_by()
    }
    by_type: dict[str, int] = defaultdict(int)
    agreement: dict[str, int] = defaultdict(int)
    for case_type, decision, n in (
        CaseAudit.objects.for_review(review)
        .filter(status=CaseAudit.Status.COMPLETE)
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
    bars = []
    for index, row in enumerate(summary.rows):
        pct = row.counts.percent_met
        bars.append(
            {
                "y": 10 + index * 32,
                "text_y": 10 + index * 32 + 17,
                "label": f"{row.criterion.number}. {row.criterion.title}",
                "width": round((pct or 0) * width / 100),
                "percent": pct,
            }
        )
    return bars


# --- Moderation ----------------------------------------------------------------------------------


@transaction.atomic
def moderate(
    *,
    audit: CaseAudit,
    moderator: User,
    agrees_overall: bool,
    note: str,
    checks: dict[int, tuple[bool, str]],
) -> Moderation:
    """Record a second auditor's view: per criterion answer (agree, note) and overall."""
    moderation, _ = Moderation.objects.update_or_create(
        audit=audit,
        defaults={"moderator": moderator, "agrees_overall": agrees_overall, "note": note},
    )
    moderation.answers.all().delete()
    ModeratedAnswer.objects.bulk_create(
        ModeratedAnswer(moderation=moderation, answer_id=answer_id, agrees=agrees, note=text)
        for answer_id, (agrees, text) in checks.items()
    )
    return moderation


# --- Safeguarding alerts -------------------------------------------------------------------------


def default_alert_recipients(review: Review) -> list[User]:
    from accounts.models import User

    return list(
        User.objects.filter(
            memberships__review=review, memberships__role__in=[Role.HOST_LEAD, Role.LEAD_REVIEWER]
        ).order_by("full_name")
    )


def raise_alert(
    *,
    case: Case,
    user: User,
    concern: str,
    also_tell: list[User] | None = None,
    site: str = "",
) -> SafeguardingAlert:
    """Record the alert, address it to the host lead contact and the lead reviewer (and anyone
    named), and email them at once."""
    with transaction.atomic():
        alert = SafeguardingAlert.objects.create(
            review=case.review, case=case, raised_by=user, concern=concern
        )
        people = {p.pk: p for p in [*default_alert_recipients(case.review), *(also_tell or [])]}
        AlertRecipient.objects.bulk_create(
            AlertRecipient(alert=alert, user=p) for p in people.values()
        )
    path = reverse("audits:alert", kwargs={"pk": case.review_id, "alert_pk": alert.pk})
    for person in people.values():
        try:
            _email_alert(alert=alert, person=person, user=user, site=site, path=path)
        except Exception:  # the alert is on record either way; its page shows who was not emailed
            logger.exception(
                "Could not email safeguarding alert %s to user %s", alert.pk, person.pk
            )
            continue
        AlertRecipient.objects.filter(alert=alert, user=person).update(emailed_at=timezone.now())
    return alert


def _email_alert(
    *, alert: SafeguardingAlert, person: User, user: User, site: str, path: str
) -> None:
    case = alert.case
    send_mail(
        subject=f"Safeguarding alert: case {case.reference} ({case.review.host.display_name})",
        message=(
            f"{user.full_name} raised a safeguarding alert on case {case.reference} during the "
            f"review “{case.review.title}”.\n\n"
            "A child may be at risk. Please read the alert and acknowledge it now:\n"
            f"{site}{path}\n\n"
            "This email holds no details of the child; they are on the alert's page."
        ),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[person.email],
    )


def acknowledge_alert(*, alert: SafeguardingAlert, user: User) -> None:
    """Record that this recipient has read the alert (the first time only)."""
    AlertRecipient.objects.filter(alert=alert, user=user, acknowledged_at__isnull=True).update(
        acknowledged_at=timezone.now()
    )


# --- Exports -------------------------------------------------------------------------------------


def _safe(value: Any) -> Any:
    """Stop spreadsheet programs reading text as a formula."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def export_table(review: Review, table: str) -> tuple[list[str], list[list[Any]]]:
    """``summary``: one row per criterion; ``matrix``: one row per case, one column per criterion."""
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
        return headers, [[_safe(v) for v in row] for row in rows]
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
    return headers, [[_safe(v) for v in row] for row in rows]


def to_csv(headers: list[str], rows: list[list[Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    writer.writerows(rows)
    return out.getvalue()


def to_xlsx(headers: list[str], rows: list[list[Any]], *, title: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = xml_safe(title)[:31]
    sheet.append([xml_safe_value(v) for v in headers])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([xml_safe_value(v) for v in row])
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def ensure_plan(review: Review) -> AuditPlan:
    try:
        plan, _ = AuditPlan.objects.get_or_create(review=review)
    except IntegrityError:  # created at the same moment by someone else
        plan = AuditPlan.objects.get(review=review)
    return plan
