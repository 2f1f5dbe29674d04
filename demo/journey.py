"""An authority's improvement journey, generated: two peer reviews (issued, with their case file
audits), an inspection recorded by hand, three of its own audits, six improvement priorities (seed
003's) and three improvement board meetings. Used by the demo (``load_journey_demo``) and by the
tests of the journey report, so both rest on the same figures.

The case audits' figures follow a fixed plan (``PLAN``): in the source ``s`` (0 oldest), criterion
``c`` (1 to 10) is "not met" in ``max(0, NOT_MET[s] - (c - 1) % 3)`` of the ``CASES[s]`` cases and
"met" in the rest. Case references only, never a name.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.models import Organisation, User
from audits.models import Answer, Case, CaseAudit, CaseType, CriterionAnswer, SampleStatus
from audits.services.tools import choose_tool, shipped_tool
from improvement import journey_services, priorities
from improvement.models import ExternalReview, ImprovementPriority, JourneyReport, Rag
from reviews.fieldwork.models import Finding
from reviews.setup.models import Review

# Oldest first: (kind, month, title). "peer" is a peer review; otherwise the kind of one of the
# authority's own audits (``Review.AuditKind``).
SOURCES: list[tuple[str, dt.date, str]] = [
    ("peer", dt.date(2024, 5, 13), "Peer challenge of the front door"),
    (Review.AuditKind.CASE_FILE, dt.date(2024, 9, 9), "Case file audit: contacts and referrals"),
    (Review.AuditKind.LIVE, dt.date(2025, 1, 13), "Live audit with social workers"),
    ("peer", dt.date(2025, 3, 10), "Follow-up peer review of the front door"),
    (
        Review.AuditKind.MULTI_AGENCY,
        dt.date(2025, 6, 9),
        "Multi-agency audit: strategy discussions",
    ),
]
CASES = [10, 8, 8, 10, 8]
NOT_MET = [5, 4, 3, 2, 1]
INSPECTION = (
    dt.date(2023, 9, 18),
    ExternalReview.Kind.JTAI,
    "A strong, shared commitment to working in a child-focused way and listening to the voices "
    "of children and young people characterises the work of agencies.",
)
PEER_STRENGTHS = [
    "Work has started to move the service in the right direction, with a developing learning "
    "culture.",
    "The ambition for change and improvement is strong, and increasing clarity about roles and "
    "responsibilities is providing a framework for improving practice.",
]
PEER_RECOMMENDATIONS = [
    [
        "Make plans for children smarter, with clear outcomes and timescales.",
        "Strengthen management oversight of decisions at the front door.",
    ],
    [
        "Address the stability and capacity of the workforce.",
        "Develop the practice framework and embed good core social work practice.",
    ],
]
PRIORITIES = [
    (
        "Strengthen the Front Door to ensure the rigorous application of thresholds and timely "
        "assessment of the highest standard",
        "Head of Service, Front Door",
        "Contacts decided within one working day; 90% of audited cases meet the threshold criteria",
    ),
    (
        "Ensure every child has an up to date, outcome focussed plan and is visited in accordance "
        "with their plan",
        "Head of Service, Safeguarding",
        "95% of statutory visits within timescale",
    ),
    (
        "Ensure managers at every level understand their role in the scrutiny and oversight of "
        "the quality of practice in their teams",
        "Assistant Director",
        "Management oversight recorded on 90% of audited cases",
    ),
    (
        "Ensure social work time is used to maximise outcomes for children",
        "Principal Social Worker",
        "Average caseload of 22 or fewer",
    ),
    (
        "Strengthen our approach to attract, recruit and retain social workers",
        "Head of Workforce Development",
        "Agency staff below 15% of social workers",
    ),
    (
        "Ensure effective governance, scrutiny and oversight through the Safeguarding "
        "Partnership, the Improvement Board and Senior Managers",
        "Director of Children's Services",
        "Every board meeting reviews the scorecard and the latest audits",
    ),
]
# The board's rating of priorities A to F at each of its three meetings.
MEETINGS = [
    (
        dt.date(2024, 7, 1),
        "The improvement plan and the findings of the May 2024 peer challenge",
        "Adopt the six priorities; the QA team to run a case file audit in September.",
        [Rag.RED, Rag.RED, Rag.AMBER, Rag.AMBER, Rag.RED, Rag.AMBER],
    ),
    (
        dt.date(2025, 2, 3),
        "The scorecard and the September and January audits",
        "Extend group supervision to every team.",
        [Rag.AMBER, Rag.AMBER, Rag.AMBER, Rag.GREEN, Rag.RED, Rag.GREEN],
    ),
    (
        dt.date(2025, 7, 7),
        "The follow-up peer review's letter and the June multi-agency audit",
        "Move into phase two of the improvement journey.",
        [Rag.GREEN, Rag.AMBER, Rag.GREEN, Rag.GREEN, Rag.AMBER, Rag.GREEN],
    ),
]


def not_met(source: int, criterion: int) -> int:
    return max(0, NOT_MET[source] - (criterion - 1) % 3)


@dataclass
class Journey:
    authority: Organisation
    peer_reviews: list[Review] = field(default_factory=list)
    audits: list[Review] = field(default_factory=list)
    inspection: ExternalReview | None = None
    priorities: list[ImprovementPriority] = field(default_factory=list)
    report: JourneyReport | None = None

    @property
    def sources(self) -> list[Review]:
        return sorted(self.peer_reviews + self.audits, key=lambda r: r.start_date or dt.date.min)


def _review(
    *, authority: Organisation, lead: Organisation, kind: str, when: dt.date, title: str
) -> Review:
    values: dict[str, Any] = {
        "host": authority,
        "title": title,
        "start_date": when,
        "end_date": when + dt.timedelta(days=2),
        "delivery": Review.Delivery.ON_SITE,
    }
    if kind == "peer":
        values.update(
            lead_organisation=lead,
            kind=Review.Kind.PEER_CHALLENGE,
            status=Review.Status.ISSUED,
            letter_issued_at=timezone.make_aware(
                dt.datetime.combine(when + dt.timedelta(days=30), dt.time(10))
            ),
        )
    else:  # the authority's own audit: hosted and led by the authority itself
        values.update(
            lead_organisation=authority,
            kind=Review.Kind.OTHER,
            kind_other="Internal audit",
            purpose=Review.Purpose.INTERNAL_AUDIT,
            audit_kind=kind,
            # As the audit programme starts every audit: an internal audit has no letter to issue.
            status=Review.Status.FIELDWORK,
        )
    return Review.objects.create(**values)


def _audit_cases(review: Review, source: int, auditor: User | None) -> None:
    tool = choose_tool(review=review, tool=shipped_tool())
    criteria = list(tool.criteria.order_by("number"))
    types = [CaseType.CONTACT, CaseType.REFERRAL, CaseType.S17, CaseType.S47]
    cases = Case.objects.bulk_create(
        Case(
            review=review,
            reference=f"J{review.pk}-{n:03d}",
            case_type=types[n % len(types)],
            sample_status=SampleStatus.SAMPLED,
        )
        for n in range(CASES[source])
    )
    audits = CaseAudit.objects.bulk_create(
        CaseAudit(case=case, auditor=auditor, status=CaseAudit.Status.COMPLETE) for case in cases
    )
    CriterionAnswer.objects.bulk_create(
        CriterionAnswer(
            audit=audit,
            criterion=criterion,
            answer=(Answer.NOT_MET if index < not_met(source, criterion.number) else Answer.MET),
        )
        for index, audit in enumerate(audits)
        for criterion in criteria
    )


@transaction.atomic
def build_journey(
    *,
    authority: Organisation,
    lead: Organisation,
    user: User,
    with_report: bool = True,
) -> Journey:
    """The whole journey of ``authority`` (``lead`` led its peer reviews; ``user`` records it)."""
    journey = Journey(authority=authority)
    peer_index = 0
    for source, (kind, when, title) in enumerate(SOURCES):
        review = _review(authority=authority, lead=lead, kind=kind, when=when, title=title)
        _audit_cases(review, source, user)
        if kind == "peer":
            Finding.objects.create(
                review=review,
                kind=Finding.Kind.STRENGTH,
                text=PEER_STRENGTHS[peer_index],
                is_key_headline=True,
                status=Finding.Status.AGREED,
            )
            for position, text in enumerate(PEER_RECOMMENDATIONS[peer_index], start=1):
                Finding.objects.create(
                    review=review,
                    kind=Finding.Kind.RECOMMENDATION,
                    text=text,
                    position=position,
                    status=Finding.Status.AGREED,
                )
            journey.peer_reviews.append(review)
            peer_index += 1
        else:
            journey.audits.append(review)
    date, kind, headline = INSPECTION
    journey.inspection = ExternalReview.objects.create(
        organisation=authority, date=date, kind=kind, headline=headline, added_by=user
    )
    recommendations = list(
        Finding.objects.filter(
            review__in=journey.peer_reviews, kind=Finding.Kind.RECOMMENDATION
        ).order_by("review__start_date", "position")
    )
    for index, (title, owner, measure) in enumerate(PRIORITIES):
        journey.priorities.append(
            priorities.create_priority(
                organisation=authority,
                data={
                    "letter": "ABCDEF"[index],
                    "title": title,
                    "owner": owner,
                    "measure": measure,
                    "findings": [recommendations[index % len(recommendations)]],
                },
                user=user,
            )
        )
    for date, reviewed, decisions, ratings in MEETINGS:
        priorities.record_meeting(
            organisation=authority,
            date=date,
            reviewed=reviewed,
            decisions=decisions,
            ratings={p.pk: (rag, "") for p, rag in zip(journey.priorities, ratings, strict=True)},
            user=user,
        )
    if with_report:
        journey.report = journey_services.create_report(
            organisation=authority,
            data={
                "title": f"{authority.display_name}: improvement journey progress",
                "report_of": "Assistant Director, Children and Young People's Services",
                "committee": "Children, Education and Communities Policy and Scrutiny Committee",
                "meeting_date": dt.date(2025, 9, 15),
                "period_months": 12,
                "author_name": "Dana Frankland",
                "author_title": "Head of Quality Assurance and Principal Social Worker",
                "author_phone": "01632 960400",
                "author_email": "qa.lead@northmoor.example",
                "chief_officer_name": "Sophie Walsh",
                "chief_officer_title": "Assistant Director, Children and Young People's Services",
                "approved_on": dt.date(2025, 9, 1),
                "wards": "All",
            },
            user=user,
        )
    return journey


def load_journey_demo() -> str:
    """The journey of the demo's host authority (Northmoor), once."""
    authority = Organisation.objects.filter(short_name="Northmoor").first()
    lead = Organisation.objects.filter(short_name="Eastvale").first()
    user = (
        User.objects.filter(email="hostlead@northmoor.example").first()
        or User.objects.filter(organisation=authority).first()
    )
    if authority is None or lead is None or user is None:
        return "Journey: the demo's authorities are not loaded."
    if ImprovementPriority.objects.filter(organisation=authority).exists():
        return "Journey: already loaded."
    journey = build_journey(authority=authority, lead=lead, user=user)
    return (
        f"Journey: {len(journey.sources)} audited reviews and audits, "
        f"{len(journey.priorities)} priorities and a journey report for {authority.name}."
    )
