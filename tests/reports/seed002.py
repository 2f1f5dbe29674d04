"""A review with seed 002's content: the team, the seven key lines of enquiry of the regional
self-assessment, findings in each, key headlines, the self-assessment and 20 audited cases on the
ten criteria of the annex with its percentages (75, 100, 95, 95, 90, 95, 75, 100, 85, 100).

People are fictional; organisations and findings follow the seed. Case references only, no names.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from audits.models import Answer, CaseAudit, CaseType, CriterionAnswer, CriterionCommentary
from audits.services.tools import review_tool
from reviews.fieldwork.models import Finding
from reviews.schedule.models import ReviewDay, Session
from reviews.self_assessment.models import SelfAssessment, SelfAssessmentEntry
from reviews.setup.models import Framework, Membership, Review, Role
from tests.audits.factories import started_audit
from tests.factories import OrganisationFactory, ReviewFactory, UserFactory, give_second_factor

PERCENT_MET = [75, 100, 95, 95, 90, 95, 75, 100, 85, 100]
COMMENTARY = [
    "Use of three houses and other tools. Strengths not always emphasised enough.",
    "Excessive cut and paste can lead to an overwhelming volume of information.",
    "No pre-birth assessment tool. Risk not always prioritised.",
    "Good depth of detailed information.",
    "The views of non-verbal children need to be captured.",
    "Both parents and extended family members involved.",
    "Where a box has been checked, ensure that information is provided to substantiate.",
    "Often an in-depth rationale.",
    "Good handover to early help.",
    "",
]

FINDINGS = {
    0: {
        "strength": [
            "We consistently heard partners describe a journey to where thresholds now feel right.",
            "There is a positive culture of 'sustaining the gains'.",
        ],
        "area": ["Consider a minimal 'core' offer to all schools, such as a named social worker."],
    },
    1: {
        "strength": [
            "There is strong evidence of collaboration, oversight and challenge by partners."
        ],
        "area": ["Keep under review how information from health is included in screening."],
        "recommendation": [
            "Review the 'request for service' form and the role of business support."
        ],
    },
    2: {
        "strength": ["Assessments are child focused and the voice of the child is clearly heard."],
        "area": ["Find creative ways of capturing the lived experience of pre-verbal children."],
    },
    3: {
        "strength": [
            "This is an area of particular strength: decision making is strong and consistent."
        ],
        "recommendation": [
            "Ensure that immediate safety plans are written and shared with families."
        ],
    },
    4: {"strength": ["You have a stable, experienced and enthusiastic workforce."]},
    5: {"strength": ["Senior leaders have established a strong, positive learning culture."]},
    6: {"strength": ["We saw high quality and comprehensive monthly performance reports."]},
}

HEADLINES = [
    ("strength", "Thresholds are fully understood by staff"),
    ("strength", "Decision making at the front door is strong and consistent"),
    ("area", "Ensure appropriate use of strategy discussions to support practice"),
]


def build_seed_002_review() -> tuple[Review, dict[str, object]]:
    lead_org = OrganisationFactory(
        name="East Riding of Yorkshire Council",
        short_name="East Riding",
        address="County Hall\nBeverley\nHU17 9BA",
        telephone="(01482) 393939",
        website="https://www.eastriding.gov.uk",
        director_name="Kevan Holt",
        director_title="Director of Children, Families and Schools",
    )
    host_org = OrganisationFactory(
        name="Barnsley Metropolitan Borough Council",
        short_name="Barnsley",
        address="Westgate Plaza\nBarnsley\nS70 9FH",
    )
    review = ReviewFactory(
        host=host_org,
        lead_organisation=lead_org,
        title="Barnsley front door peer challenge",
        kind=Review.Kind.PEER_CHALLENGE,
        request="A peer challenge to critically appraise the efficiency and effectiveness of "
        "Barnsley's social care front door arrangements.",
        start_date=dt.date(2018, 6, 26),
        end_date=dt.date(2018, 6, 28),
        addressee_name="Rhona Dickens",
        addressee_title="Executive Director, People Directorate",
        our_reference="KH/OOD00358/RES",
        status=Review.Status.DRAFTING,
    )
    template = Framework.objects.get(name="Regional front door self-assessment", review=None)
    framework = template.copy(name=template.name, organisation=lead_org, review=review)
    kloes = framework.numbered_kloes()
    people = {}
    for key, name, title, role, org in [
        (
            "lead",
            "Paul Dwyerson",
            "Former Director of Children's Services",
            Role.LEAD_REVIEWER,
            lead_org,
        ),
        ("reviewer1", "Dana Radley", "Service Manager, Safeguarding Unit", Role.REVIEWER, lead_org),
        (
            "reviewer2",
            "Jon Connelly",
            "Early Years and Family Support Manager",
            Role.REVIEWER,
            lead_org,
        ),
        ("reviewer3", "Suki Fenner", "Social Worker", Role.REVIEWER, lead_org),
        ("coordinator", "Rob Maynard", "Independent Consultant", Role.COORDINATOR, lead_org),
        ("host_lead", "Rhona Dickens", "Executive Director", Role.HOST_LEAD, host_org),
        ("host_staff", "Harry Staff", "Service Manager", Role.HOST_STAFF, host_org),
    ]:
        user = UserFactory(
            email=f"{key}@seed002.example", full_name=name, job_title=title, organisation=org
        )
        give_second_factor(user)
        Membership.objects.create(review=review, user=user, role=role)
        people[key] = user
    for day in (26, 27, 28):
        review_day = ReviewDay.objects.create(review=review, date=dt.date(2018, 6, day))
        kinds = (
            [Session.Kind.INTERVIEW, Session.Kind.OBSERVATION, Session.Kind.FOCUS_GROUP]
            if day < 28
            else [Session.Kind.FEEDBACK_PRESENTATION]
        )
        # Whole days, as the seed's were (a day that fits in a morning counts half).
        for hour, kind in zip((9, 11, 14), kinds, strict=False):
            Session.objects.create(
                review=review,
                day=review_day,
                kind=kind,
                title=kind.label,
                start_time=dt.time(hour),
                end_time=dt.time(hour, 50),
            )
    position = 0
    for index, kinds in FINDINGS.items():
        for kind, texts in kinds.items():
            for text in texts:
                position += 1
                Finding.objects.create(
                    review=review,
                    kloe=kloes[index],
                    kind=kind,
                    text=text,
                    status=Finding.Status.AGREED,
                    position=position,
                    author=people["reviewer1"],
                )
    for kind, text in HEADLINES:
        position += 1
        Finding.objects.create(
            review=review,
            kind=kind,
            text=text,
            is_key_headline=True,
            status=Finding.Status.AGREED,
            position=position,
            author=people["lead"],
        )
    Finding.objects.create(
        review=review,
        kind="strength",
        text="A draft, not yet agreed.",
        position=999,
        author=people["reviewer2"],
    )
    sa = SelfAssessment.objects.create(
        review=review,
        status=SelfAssessment.Status.SUBMITTED,
        submitted_at=timezone.make_aware(dt.datetime(2017, 12, 15)),
        submitted_by=people["host_lead"],
        judgement=SelfAssessment.Judgement.ACCURATE,
    )
    SelfAssessmentEntry.objects.bulk_create(
        SelfAssessmentEntry(self_assessment=sa, kloe=k, host_rating="green") for k in kloes
    )
    # 20 audited cases, ten criteria, seed 002's percentages.
    audits = []
    for n in range(20):
        audit = started_audit(
            review, people["reviewer1"], case_type=CaseType.S17 if n % 2 else CaseType.S47
        )
        audits.append(audit)
    CaseAudit.objects.filter(pk__in=[a.pk for a in audits]).update(
        status=CaseAudit.Status.COMPLETE, decision_agreement=CaseAudit.Agreement.YES
    )
    tool = review_tool(review)
    criteria = list(tool.criteria.order_by("number"))
    for criterion, percent, commentary in zip(criteria, PERCENT_MET, COMMENTARY, strict=True):
        met = round(20 * percent / 100)
        answers = CriterionAnswer.objects.filter(criterion=criterion, audit__in=audits).order_by(
            "audit_id"
        )
        ids = list(answers.values_list("pk", flat=True))
        CriterionAnswer.objects.filter(pk__in=ids[:met]).update(answer=Answer.MET)
        CriterionAnswer.objects.filter(pk__in=ids[met:]).update(answer=Answer.NOT_MET)
        if commentary:
            CriterionCommentary.objects.create(criterion=criterion, text=commentary)
    return review, people
