"""Search within a review: the team's evidence notes, findings and case audit comments.

On PostgreSQL the words are matched with full-text search (``websearch_to_tsquery`` against
``to_tsvector('english', ...)``, so "screened" finds "screening"), each table by the GIN expression
index of migration ``audits.0004_h5_search_indexes``, and the matched words are marked by
``ts_headline``. The embedded SQLite database has no full-text search: every word must appear in the
text (``icontains``), and the words are marked in Python. Either way every piece of text is escaped
before ``<mark>`` goes round a match (``core.highlight``).

Only the review team may search (``view_team_work``): host roles never see the team's notes or draft
findings, and case audit comments are shown only to those who read every case audit.

A page is a fixed few queries whatever the size of the review: the count, the page of (kind, key)
pairs across the three tables (one UNION), then the page's rows of each kind.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.core.paginator import Page, Paginator
from django.db import connection, models
from django.db.models import Exists, F, OuterRef, QuerySet, Value
from django.urls import reverse
from django.utils.safestring import SafeString

from audits.models import CaseAudit, CriterionAnswer
from core.highlight import START, STOP, highlight, marked_to_html, search_words
from reviews.fieldwork.models import EvidenceNote, Finding
from reviews.permissions import can
from reviews.setup.models import Review

if TYPE_CHECKING:
    from accounts.models import User

CONFIG = "english"
PER_PAGE = 20


class Kind(models.TextChoices):
    NOTE = "note", "Evidence note"
    FINDING = "finding", "Finding"
    CASE_COMMENT = "case_comment", "Case audit comment"


class Status(models.TextChoices):
    DRAFT = "draft", "Draft finding"
    AGREED = "agreed", "Agreed finding"
    IN_PROGRESS = "in_progress", "Case audit in progress"
    COMPLETE = "complete", "Case audit complete"


# What each kind's words are in, and the GIN expression index that finds them on PostgreSQL
# (created by the audits migration; the same expression as ``_vector``, so the planner uses it).
SEARCHED = {
    Kind.NOTE: (EvidenceNote, "text", "search_note_text_gin"),
    Kind.FINDING: (Finding, "text", "search_finding_text_gin"),
    Kind.CASE_COMMENT: (CriterionAnswer, "comment", "search_answer_comment_gin"),
}


@dataclass
class Filters:
    query: str = ""
    kloe: int | None = None
    session: int | None = None
    author: int | None = None
    kind: str = ""
    status: str = ""

    @property
    def words(self) -> list[str]:
        return search_words(self.query)

    @property
    def narrowed(self) -> bool:
        """A filter is chosen: with no words, everything it lets through is listed."""
        return any(
            value not in (None, "")
            for value in (self.kloe, self.session, self.author, self.kind, self.status)
        )

    @property
    def active(self) -> bool:
        return bool(self.words) or self.narrowed


@dataclass
class Result:
    kind: Kind
    pk: int
    snippet: SafeString
    url: str
    details: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)

    @property
    def kind_label(self) -> str:
        return self.kind.label


def full_text() -> bool:
    return connection.vendor == "postgresql"


def _vector(column: str) -> SearchVector:
    return SearchVector(column, config=CONFIG)


def _query(filters: Filters) -> SearchQuery:
    return SearchQuery(" ".join(filters.words), config=CONFIG, search_type="websearch")


def _match(qs: QuerySet[Any], column: str, filters: Filters) -> QuerySet[Any]:
    """Rows whose ``column`` holds the words, with ``score`` (rank on PostgreSQL, else 0). No
    words (a filter alone): every row, newest first."""
    if full_text() and filters.words:
        query = _query(filters)
        return (
            qs.annotate(search_vector=_vector(column))
            .filter(search_vector=query)
            .annotate(score=SearchRank(F("search_vector"), query))
        )
    for word in filters.words:
        qs = qs.filter(**{f"{column}__icontains": word})
    return qs.annotate(score=Value(0.0, output_field=models.FloatField()))


def _wanted(kind: Kind, filters: Filters) -> bool:
    if filters.kind and filters.kind != kind:
        return False
    if kind == Kind.NOTE:
        return not filters.status
    if kind == Kind.FINDING:
        return filters.status in ("", Status.DRAFT, Status.AGREED)
    # Case audit comments have neither key line nor session.
    return (
        filters.kloe is None
        and filters.session is None
        and filters.status in ("", Status.IN_PROGRESS, Status.COMPLETE)
    )


def _notes(review: Review, filters: Filters) -> QuerySet[EvidenceNote]:
    qs = EvidenceNote.objects.filter(review=review)
    if filters.kloe is not None:
        qs = qs.filter(kloes=filters.kloe)
    if filters.session is not None:
        qs = qs.filter(session_id=filters.session)
    if filters.author is not None:
        qs = qs.filter(author_id=filters.author)
    return qs


def _findings(review: Review, filters: Filters) -> QuerySet[Finding]:
    qs = Finding.objects.filter(review=review)
    if filters.kloe is not None:
        qs = qs.filter(kloe_id=filters.kloe)
    if filters.session is not None:
        # A finding "from" a session: one of its evidence notes was taken there.
        through = Finding.evidence_notes.through.objects.filter(
            finding=OuterRef("pk"), evidencenote__session_id=filters.session
        )
        qs = qs.filter(Exists(through))
    if filters.author is not None:
        qs = qs.filter(author_id=filters.author)
    if filters.status:
        qs = qs.filter(status=filters.status)
    return qs


def _case_comments(review: Review, filters: Filters) -> QuerySet[CriterionAnswer]:
    qs = CriterionAnswer.objects.filter(audit__case__review=review).exclude(comment="")
    if filters.author is not None:
        qs = qs.filter(audit__auditor_id=filters.author)
    if filters.status:
        qs = qs.filter(audit__status=filters.status)
    return qs


def visible_kinds(user: User, review: Review) -> list[Kind]:
    """The kinds this person may find: the team's work is the team's only."""
    if not can(user, "view_team_work", review):
        return []
    return list(Kind)


def search(*, user: User, review: Review, filters: Filters, page_number: Any = 1) -> Page:
    """The page of results (``Result``) for these words and filters, best matches first on
    PostgreSQL, most recently changed first on SQLite (and with filters and no words). Neither
    words nor filters: no results."""
    kinds = [k for k in visible_kinds(user, review) if _wanted(k, filters)]
    branches: list[QuerySet[Any]] = []
    if filters.active:
        sources = {Kind.NOTE: _notes, Kind.FINDING: _findings, Kind.CASE_COMMENT: _case_comments}
        for kind in kinds:
            _model, column, _index = SEARCHED[kind]
            qs = _match(sources[kind](review, filters), column, filters)
            branches.append(
                qs.annotate(result_kind=Value(str(kind)), changed=F("updated_at"))
                .order_by()
                .values_list("result_kind", "pk", "score", "changed")
            )
    if not branches:
        return Paginator([], PER_PAGE).get_page(1)
    combined = branches[0].union(*branches[1:], all=True) if len(branches) > 1 else branches[0]
    combined = combined.order_by("-score", "-changed", "result_kind", "-pk")
    page = Paginator(combined, PER_PAGE).get_page(page_number)
    page.object_list = _results(user, review, filters, list(page.object_list))
    return page


def _headlines(qs: QuerySet[Any], column: str, filters: Filters) -> QuerySet[Any]:
    if not full_text() or not filters.words:
        return qs
    return qs.annotate(
        headline=SearchHeadline(
            column,
            _query(filters),
            config=CONFIG,
            start_sel=START,
            stop_sel=STOP,
            max_words=45,
            min_words=20,
        )
    )


def _snippet(obj: Any, column: str, filters: Filters) -> SafeString:
    text = getattr(obj, column)
    marked = getattr(obj, "headline", None)
    # PostgreSQL's parser reads "<...>" as a tag and ts_headline leaves it out: such a text is shown
    # as typed, marked in Python.
    html = marked_to_html(marked, whole=text) if marked is not None and "<" not in text else None
    return html if html is not None else highlight(text, filters.words)


def _who(person: Any) -> str:
    return (person.full_name or person.email) if person is not None else "Former team member"


def _results(
    user: User, review: Review, filters: Filters, rows: list[tuple[str, int, float, Any]]
) -> list[Result]:
    keys: dict[str, list[int]] = {k: [] for k in Kind}
    for kind, pk, _score, _changed in rows:
        keys[kind].append(pk)
    numbers = {k.pk: k.number for k in review.numbered_kloes()}
    may_edit = can(user, "edit_findings", review)
    found: dict[tuple[str, int], Result] = {}
    if keys[Kind.NOTE]:
        notes = _headlines(
            EvidenceNote.objects.filter(pk__in=keys[Kind.NOTE])
            .select_related("author", "session__day")
            .prefetch_related("kloes"),
            "text",
            filters,
        )
        for note in notes:
            details = [_who(note.author), f"{note.created_at:%a %-d %b %H:%M}"]
            if note.session:
                details.append(note.session.title)
            found[(Kind.NOTE, note.pk)] = Result(
                kind=Kind.NOTE,
                pk=note.pk,
                snippet=_snippet(note, "text", filters),
                url=reverse("reviews:note-edit", args=[review.pk, note.pk])
                if may_edit
                else reverse("reviews:notes", args=[review.pk]) + f"#note-{note.pk}",
                details=details,
                tags=[f"{numbers.get(k.pk, '')} {k.heading}".strip() for k in note.kloes.all()],
            )
    if keys[Kind.FINDING]:
        findings = _headlines(
            Finding.objects.filter(pk__in=keys[Kind.FINDING]).select_related("author", "kloe"),
            "text",
            filters,
        )
        for finding in findings:
            found[(Kind.FINDING, finding.pk)] = Result(
                kind=Kind.FINDING,
                pk=finding.pk,
                snippet=_snippet(finding, "text", filters),
                url=reverse("reviews:finding-edit", args=[review.pk, finding.pk])
                if may_edit
                else reverse("reviews:findings", args=[review.pk]) + f"#finding-{finding.pk}",
                details=[
                    finding.get_kind_display(),
                    finding.get_status_display(),
                    _who(finding.author),
                ],
                tags=[
                    f"{numbers.get(finding.kloe_id, '')} {finding.kloe.heading}".strip()
                    if finding.kloe
                    else "Overall"
                ],
            )
    if keys[Kind.CASE_COMMENT]:
        answers = _headlines(
            CriterionAnswer.objects.filter(pk__in=keys[Kind.CASE_COMMENT]).select_related(
                "criterion", "audit__case", "audit__auditor"
            ),
            "comment",
            filters,
        )
        for answer in answers:
            case = answer.audit.case
            found[(Kind.CASE_COMMENT, answer.pk)] = Result(
                kind=Kind.CASE_COMMENT,
                pk=answer.pk,
                snippet=_snippet(answer, "comment", filters),
                url=reverse("audits:case-audit", args=[review.pk, case.pk])
                + f"#criterion-{answer.pk}",
                details=[
                    f"Case {case.reference}",
                    f"Criterion {answer.criterion.number}. {answer.criterion.title}",
                    _who(answer.audit.auditor),
                    CaseAudit.Status(answer.audit.status).label,
                ],
            )
    return [found[(kind, pk)] for kind, pk, _s, _c in rows if (kind, pk) in found]
