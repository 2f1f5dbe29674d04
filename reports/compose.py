"""Compose a feedback letter from the review's data, section by section.

``gather(review)`` reads everything a letter needs in a fixed number of queries, whatever the size of
the review. The letter's template (``reports.structure``) turns that into sections: generated text
from the catalogue (``reports.catalogue``), free text with placeholders, the lead reviewer's own words,
all in the letter's markup (``reports.blocks``). The lead reviewer's edits replace a section's text and
are kept when the data changes (the section then says the data changed since it was edited).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Max, Min, Q
from django.utils import timezone

from audits.services.analysis import annex_figures
from reports import blocks as markup
from reports.models import Letter, SectionEdit, text_hash
from reviews.documents.models import Document
from reviews.fieldwork.models import Finding, number_recommendations
from reviews.schedule.models import ReviewDay, Session
from reviews.self_assessment.models import SelfAssessment
from reviews.setup.models import Kloe, Membership, Review, Role

if TYPE_CHECKING:
    from accounts.models import Organisation


@dataclass
class Person:
    name: str
    job_title: str
    organisation: str
    email: str
    role: str

    @property
    def described(self) -> str:
        """'Dana Whitby, Service Manager, Northby Council' (what the letter says of a team member)."""
        return ", ".join(p for p in (self.name, self.job_title, self.organisation) if p)


@dataclass
class KloeFindings:
    kloe: Kloe | None
    number: str
    heading: str
    strengths: list[Finding] = field(default_factory=list)
    areas: list[Finding] = field(default_factory=list)
    recommendations: list[Finding] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.strengths or self.areas or self.recommendations)


@dataclass
class LetterData:
    """What a letter says, read from the review in one go."""

    review: Review
    letter: Letter
    edits: dict[str, SectionEdit]
    team: list[Person]
    host_leads: list[Person]
    days: list[dt.date]
    sessions: Counter[str]
    documents: int
    framework_name: str
    kloes: list[Kloe]
    findings: list[Finding]
    draft_findings: int
    self_assessment: SelfAssessment | None
    annex: dict[str, Any]
    today: dt.date
    # Half days of each review day, by date, from the timetable (``_half_days``).
    day_halves: dict[dt.date, int] = field(default_factory=dict)
    # Set by the structure once the template is known.
    letter_date: dt.date = field(default_factory=timezone.localdate)
    has_annex: bool = False

    # --- time -----------------------------------------------------------------------------------
    @property
    def half_days(self) -> int:
        """How long the review took, in half days: a day whose sessions fit in a morning or an
        afternoon is half a day; a day with no sessions in the timetable counts as a whole day."""
        return sum(self.day_halves.get(day, 2) for day in self.days)

    @property
    def feedback_on_last_day(self) -> bool:
        return bool(self.sessions.get(Session.Kind.FEEDBACK_PRESENTATION)) and len(self.days) > 1

    @property
    def half_days_before_last(self) -> int:
        return sum(self.day_halves.get(day, 2) for day in self.days[:-1])

    # --- people ---------------------------------------------------------------------------------
    def _with_role(self, role: str) -> list[Person]:
        return [p for p in self.team if p.role == role]

    @property
    def lead(self) -> Person | None:
        leads = self._with_role(Role.LEAD_REVIEWER)
        return leads[0] if leads else None

    @property
    def coordinator(self) -> Person | None:
        people = self._with_role(Role.COORDINATOR)
        return people[0] if people else None

    @property
    def reviewers(self) -> list[Person]:
        return self._with_role(Role.REVIEWER)

    @property
    def lead_name(self) -> str:
        return self.lead.name if self.lead else ""

    @property
    def host(self) -> Organisation:
        return self.review.host

    @property
    def lead_organisation(self) -> Organisation:
        return self.review.lead_organisation

    @property
    def host_name(self) -> str:
        return self.host.display_name

    @property
    def kind(self) -> str:
        return self.review.kind_label

    # --- findings -------------------------------------------------------------------------------
    @cached_property
    def by_kloe(self) -> list[KloeFindings]:
        """Overall findings first (if any), then each key line of enquiry in order."""
        groups: dict[int | None, KloeFindings] = {
            None: KloeFindings(None, "", "Across the front door")
        }
        for kloe in self.kloes:
            groups[kloe.pk] = KloeFindings(kloe, kloe.number, kloe.heading)
        for finding in self.findings:
            if finding.kloe_id is None and finding.is_key_headline:
                continue  # an overall key headline is printed in the summary sections only
            group = groups.get(finding.kloe_id) or groups[None]
            if finding.kind == Finding.Kind.STRENGTH:
                group.strengths.append(finding)
            elif finding.kind == Finding.Kind.AREA:
                group.areas.append(finding)
            else:
                group.recommendations.append(finding)
        return list(groups.values())

    def of_kind(self, kind: str) -> list[Finding]:
        return [f for f in self.findings if f.kind == kind]

    @property
    def headlines(self) -> list[Finding]:
        return [f for f in self.findings if f.is_key_headline]

    @property
    def recommendations(self) -> list[Finding]:
        return self.of_kind(Finding.Kind.RECOMMENDATION)

    @property
    def cases_audited(self) -> int:
        return int(self.annex.get("cases_audited") or 0)


def gather(review: Review, *, letter: Letter | None = None) -> LetterData:
    """Everything the letter needs, in a fixed number of queries."""
    if letter is None:
        # Reading a letter never writes one: until the lead reviewer changes something, the letter
        # is an unsaved default (nothing changes on GET).
        letter = Letter.objects.filter(review=review).select_related("template").first() or Letter(
            review=review
        )
    edits = {e.key: e for e in SectionEdit.objects.filter(letter=letter)} if letter.pk else {}
    members = (
        Membership.objects.filter(review=review)
        .select_related("user__organisation")
        .order_by("user__full_name", "pk")
    )
    team, host_leads = [], []
    for m in members:
        person = Person(
            name=m.user.full_name,
            # As shown on this review (the membership's label), else the person's own.
            job_title=m.shown_job_title,
            organisation=m.shown_council,
            email=m.user.email,
            role=m.role,
        )
        if m.role in (Role.COORDINATOR, Role.LEAD_REVIEWER, Role.REVIEWER):
            team.append(person)
        elif m.role == Role.HOST_LEAD:
            host_leads.append(person)
    # The days in order, each with its first and last live session (for half days), in one query.
    spans = list(
        # By date, without ReviewDay's default ordering (which joins the review to sort by it).
        ReviewDay.objects.filter(review=review)
        .annotate(
            first=Min("sessions__start_time", filter=Q(sessions__cancelled_at__isnull=True)),
            last=Max("sessions__end_time", filter=Q(sessions__cancelled_at__isnull=True)),
        )
        .order_by("date")
        .values_list("date", "first", "last")
    )
    days = [day for day, _first, _last in spans]
    sessions = Counter(
        dict(
            Session.objects.filter(review=review, cancelled_at__isnull=True)
            .values_list("kind")
            .annotate(n=Count("pk"))
            .order_by()
        )
    )
    day_halves = _half_days(spans)
    documents = Document.objects.filter(review=review).count()
    framework = review.framework
    kloes = review.numbered_kloes()
    numbered = {k.pk: k for k in kloes}
    all_findings = list(
        Finding.objects.filter(review=review)
        .select_related("kloe")
        .order_by("kloe__position", "kloe_id", "position", "pk")
    )
    findings = [f for f in all_findings if f.is_agreed]
    for finding in findings:
        if finding.kloe_id in numbered:
            finding.kloe = numbered[finding.kloe_id]
    # Overall findings first, then by key line of enquiry: the order the letter prints them in.
    findings.sort(key=lambda f: (f.kloe_id is not None,))
    number_recommendations(findings)
    self_assessment = (
        SelfAssessment.objects.filter(review=review).prefetch_related("entries").first()
    )
    return LetterData(
        review=review,
        letter=letter,
        edits=edits,
        team=team,
        host_leads=host_leads,
        days=days,
        sessions=sessions,
        documents=documents,
        framework_name=framework.name if framework else "",
        kloes=kloes,
        findings=findings,
        draft_findings=len(all_findings) - len(findings),
        self_assessment=self_assessment,
        annex=annex_figures(review),
        today=timezone.localdate(),
        day_halves=day_halves,
    )


HALF_DAY = dt.timedelta(hours=4, minutes=30)


def _half_days(spans: list[tuple[dt.date, dt.time | None, dt.time | None]]) -> dict[dt.date, int]:
    """Each review day with sessions: 1 when they all fit in four and a half hours (a morning or an
    afternoon), else 2."""
    out = {}
    for day, first, last in spans:
        if first is None or last is None:
            continue
        start = dt.datetime.combine(dt.date.min, first)
        end = dt.datetime.combine(dt.date.min, last)
        out[day] = 1 if end - start <= HALF_DAY else 2
    return out


@dataclass
class Section:
    """One section of a letter: generated text, and the lead reviewer's edit if there is one.

    ``content``: "generated" (from the catalogue), "free" (the template's text, placeholders filled)
    or "own" (the lead reviewer's own words, empty until written). A section shows unless it is
    ``hidden``, or empty and not ``always`` shown (``visible``).
    """

    key: str
    title: str
    number: str = ""
    generated: str = ""
    level: int = 2  # 2: a section; 3: a subsection (a key line of enquiry)
    heading_shown: bool = True
    edit: SectionEdit | None = None
    content: str = "generated"
    numbered: bool = True
    hidden: bool = False
    always: bool = False
    annex: bool = False  # the case file audit table, printed after the sign-off
    annex_filled: bool = False  # the annex has rows (an annex has no text of its own)
    chart: bool = False
    block: str = ""
    label: str = ""  # what menus call a section with no heading ("Opening")

    @property
    def visible(self) -> bool:
        return not self.hidden and (self.always or not self.is_empty)

    @property
    def editable(self) -> bool:
        """Its text can be edited (the annex is a table of figures: it cannot)."""
        return not self.annex

    @property
    def text(self) -> str:
        return self.edit.text if self.edit else self.generated

    @property
    def is_edited(self) -> bool:
        return self.edit is not None

    @property
    def data_changed(self) -> bool:
        """Edited, and the review's data has changed the generated text since."""
        return self.edit is not None and self.edit.generated_hash != text_hash(self.generated)

    @property
    def is_empty(self) -> bool:
        if self.annex:
            return not self.annex_filled
        return not self.text.strip()

    @property
    def blocks(self) -> list[markup.Block]:
        return markup.parse(self.text)

    @property
    def html(self) -> Any:
        return markup.to_html(self.blocks, heading_level=self.level + 1)

    @property
    def full_title(self) -> str:
        if not self.title:
            return self.label or self.key
        return (
            f"{self.number}. {self.title}"
            if self.number and self.level == 2
            else (f"{self.number} {self.title}" if self.number else self.title)
        )
