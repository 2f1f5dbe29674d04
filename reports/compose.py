"""Compose a feedback letter from the review's data, section by section.

``gather(review)`` reads everything a letter needs in a fixed number of queries, whatever the size of
the review. A letter style (``reports.styles``) turns that into sections of generated text, in the
letter's markup (``reports.blocks``); the lead reviewer's edits replace a section's text and are kept
when the data changes (the section then says the data changed since it was edited).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from django.db.models import Count
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
        letter = Letter.objects.filter(review=review).first() or Letter(review=review)
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
    days = list(
        # By date, without ReviewDay's default ordering (which joins the review to sort by it).
        ReviewDay.objects.filter(review=review).order_by("date").values_list("date", flat=True)
    )
    sessions = Counter(
        dict(
            Session.objects.filter(review=review, cancelled_at__isnull=True)
            .values_list("kind")
            .annotate(n=Count("pk"))
            .order_by()
        )
    )
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
    )


@dataclass
class Section:
    """One section of a letter: generated text, and the lead reviewer's edit if there is one."""

    key: str
    title: str
    number: str = ""
    generated: str = ""
    level: int = 2  # 2: a numbered section; 3: a subsection (a key line of enquiry)
    heading_shown: bool = True
    edit: SectionEdit | None = None

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
        return not self.text.strip()

    @property
    def blocks(self) -> list[markup.Block]:
        return markup.parse(self.text)

    @property
    def html(self) -> Any:
        return markup.to_html(self.blocks, heading_level=self.level + 1)

    @property
    def full_title(self) -> str:
        return (
            f"{self.number}. {self.title}"
            if self.number and self.level == 2
            else (f"{self.number} {self.title}" if self.number else self.title)
        )
