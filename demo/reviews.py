"""A realistic demo: fictional authorities and people, one review in fieldwork and one finished.

Loading it twice changes nothing the second time: every row is found by its natural key first.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from accounts.models import Organisation, User
from reviews.documents.models import DocumentPack, DocumentRequest, default_pack
from reviews.fieldwork.models import EvidenceNote, Finding
from reviews.schedule.models import ReviewDay, Session, SessionChange, TimetablePublication
from reviews.self_assessment.models import SelfAssessment, SelfAssessmentEntry
from reviews.setup.models import Framework, Membership, Review, Role

DEMO_PASSWORD = "peer-review-demo"  # noqa: S105 - fictional demo accounts only, printed on purpose


@dataclass(frozen=True)
class DemoLogin:
    role: str
    email: str
    name: str


ORGANISATIONS = [
    {
        "name": "Eastvale County Council",
        "short_name": "Eastvale",
        "address": "County Hall\nMarket Street\nEastvale\nEV1 2AB",
        "telephone": "01632 960000",
        "website": "https://www.eastvale.example",
        "director_name": "Helen Marsh",
        "director_title": "Director of Children, Families and Schools",
    },
    {
        "name": "Northmoor Metropolitan Borough Council",
        "short_name": "Northmoor",
        "address": "Civic Centre\nMoor Lane\nNorthmoor\nNM4 7QT",
        "telephone": "01632 961000",
        "website": "https://www.northmoor.example",
        "director_name": "Daniel Okafor",
        "director_title": "Executive Director of Children's Services",
    },
    {
        "name": "Westbridge City Council",
        "short_name": "Westbridge",
        "address": "Guildhall\nBridge Street\nWestbridge\nWB2 9LP",
        "telephone": "01632 962000",
        "website": "https://www.westbridge.example",
        "director_name": "Priya Raman",
        "director_title": "Director of Children's Services",
    },
]

# (email, full name, job title, organisation short name)
PEOPLE = [
    (
        "coordinator@eastvale.example",
        "Robert Hale",
        "Sector-led improvement coordinator",
        "Eastvale",
    ),
    ("lead@eastvale.example", "Margaret Lowe", "Assistant Director, Safeguarding", "Eastvale"),
    ("reviewer@eastvale.example", "Samir Haddad", "Service Manager, Safeguarding Unit", "Eastvale"),
    ("reviewer2@westbridge.example", "Joanne Pike", "Team Manager, MASH", "Westbridge"),
    ("hostlead@northmoor.example", "Claire Donnelly", "Head of Service, Front Door", "Northmoor"),
    ("hoststaff@northmoor.example", "Tom Ashworth", "Practice Manager, MASH", "Northmoor"),
    ("staff@westbridge.example", "Gareth Evans", "Performance Officer", "Westbridge"),
    ("nobody@northmoor.example", "Aisha Bello", "Social Worker", "Northmoor"),
]

FIELDWORK_TITLE = "Peer challenge of the front door in Northmoor: November 2026"
FINISHED_TITLE = "Front door health check in Westbridge: March 2026"

FIELDWORK_TEAM = [
    ("coordinator@eastvale.example", Role.COORDINATOR),
    ("lead@eastvale.example", Role.LEAD_REVIEWER),
    ("reviewer@eastvale.example", Role.REVIEWER),
    ("reviewer2@westbridge.example", Role.REVIEWER),
    ("hostlead@northmoor.example", Role.HOST_LEAD),
    ("hoststaff@northmoor.example", Role.HOST_STAFF),
]
FINISHED_TEAM = [
    ("coordinator@eastvale.example", Role.COORDINATOR),
    ("lead@eastvale.example", Role.LEAD_REVIEWER),
    ("reviewer@eastvale.example", Role.REVIEWER),
    ("staff@westbridge.example", Role.HOST_LEAD),
]

LOGINS = [
    DemoLogin("Coordinator", "coordinator@eastvale.example", "Robert Hale"),
    DemoLogin("Lead reviewer", "lead@eastvale.example", "Margaret Lowe"),
    DemoLogin("Reviewer", "reviewer@eastvale.example", "Samir Haddad"),
    DemoLogin("Reviewer (second)", "reviewer2@westbridge.example", "Joanne Pike"),
    DemoLogin("Host lead contact", "hostlead@northmoor.example", "Claire Donnelly"),
    DemoLogin("Host staff", "hoststaff@northmoor.example", "Tom Ashworth"),
    DemoLogin("Host staff, not on the team", "nobody@northmoor.example", "Aisha Bello"),
    DemoLogin("Administrator (superuser)", "admin@example.org", "Service Administrator"),
]


@transaction.atomic
def load_demo(*, today: dt.date | None = None) -> list[DemoLogin]:
    today = today or dt.date.today()
    orgs = {}
    for data in ORGANISATIONS:
        org, _ = Organisation.objects.update_or_create(
            name=data["name"],
            defaults={**data, "kind": Organisation.Kind.LOCAL_AUTHORITY},
        )
        orgs[org.short_name] = org

    people = {}
    for email, name, job, org_short in PEOPLE:
        people[email] = _person(email, name, job, orgs[org_short])
    admin = _person("admin@example.org", "Service Administrator", "Service administrator", None)
    if not admin.is_superuser:
        admin.is_superuser = admin.is_staff = True
        admin.save(update_fields=["is_superuser", "is_staff"])

    # Fieldwork this week: day one is the Monday of the current week.
    monday = today - dt.timedelta(days=today.weekday())
    fieldwork, _ = Review.objects.update_or_create(
        title=FIELDWORK_TITLE,
        defaults={
            "host": orgs["Northmoor"],
            "lead_organisation": orgs["Eastvale"],
            "kind": Review.Kind.PEER_CHALLENGE,
            "status": Review.Status.FIELDWORK,
            "delivery": Review.Delivery.HYBRID,
            "addressee_name": "Anita Okafor",
            "addressee_title": "Director of Children's Services",
            "our_reference": "EV/PC/2026/07",
            "start_date": monday + dt.timedelta(days=1),
            "end_date": monday + dt.timedelta(days=3),
            "request": (
                "A peer challenge to critically appraise the efficiency and effectiveness of "
                "Northmoor's social care front door, identifying strengths, areas for improvement "
                "and recommendations. It will test our front door self-assessment, with a particular "
                "emphasis on the consistency of threshold decisions and the quality of strategy "
                "discussions."
            ),
        },
    )
    finished, _ = Review.objects.update_or_create(
        title=FINISHED_TITLE,
        defaults={
            "host": orgs["Westbridge"],
            "lead_organisation": orgs["Eastvale"],
            "kind": Review.Kind.FRONT_DOOR_HEALTH_CHECK,
            "status": Review.Status.ISSUED,
            "delivery": Review.Delivery.VIRTUAL,
            "start_date": dt.date(today.year, 3, 10)
            if today.month > 3
            else dt.date(today.year - 1, 3, 10),
            "end_date": dt.date(today.year, 3, 11)
            if today.month > 3
            else dt.date(today.year - 1, 3, 11),
            "request": (
                "A front door health check of Westbridge's MASH, looking at thresholds and consent, "
                "decision making and management oversight, and the quality of assessments."
            ),
        },
    )
    for review, team in ((fieldwork, FIELDWORK_TEAM), (finished, FINISHED_TEAM)):
        for email, role in team:
            Membership.objects.update_or_create(
                review=review, user=people[email], defaults={"role": role}
            )
    _fieldwork_setup(fieldwork, people)
    _fieldwork_work(fieldwork, people)
    return LOGINS


DOCUMENTS_WANTED = [
    (DocumentRequest.Kind.SELF_ASSESSMENT, "The front door self-assessment, with RAG ratings."),
    (DocumentRequest.Kind.DATA_PACK, "The last two quarters of front door performance data."),
    (DocumentRequest.Kind.THRESHOLD_DOCUMENT, ""),
    (DocumentRequest.Kind.IMPROVEMENT_PLAN, ""),
    (DocumentRequest.Kind.STRUCTURE_CHARTS, "MASH and assessment teams."),
]

# (day 1 or 2, kind, title, start, end, place, reviewers by email, host contacts by email, other
# host attendees, KLOE positions it serves)
SESSIONS = [
    (
        1,
        Session.Kind.OPENING_MEETING,
        "Welcome and opening meeting",
        "09:00",
        "09:45",
        "Civic Centre, committee room 1",
        ["lead@eastvale.example", "reviewer@eastvale.example", "reviewer2@westbridge.example"],
        ["hostlead@northmoor.example"],
        "Director and heads of service",
        [],
    ),
    (
        1,
        Session.Kind.OBSERVATION,
        "Observation of MASH screening",
        "10:00",
        "12:00",
        "MASH, Civic Centre, 2nd floor",
        ["reviewer@eastvale.example"],
        ["hoststaff@northmoor.example"],
        "",
        [1, 4],
    ),
    (
        1,
        Session.Kind.INTERVIEW,
        "Interview: Head of Service, Front Door",
        "10:00",
        "11:00",
        "",
        ["lead@eastvale.example"],
        ["hostlead@northmoor.example"],
        "",
        [6],
    ),
    (
        1,
        Session.Kind.CASE_AUDIT,
        "Case file dip sample",
        "13:00",
        "16:00",
        "Civic Centre, room 4",
        ["reviewer@eastvale.example", "reviewer2@westbridge.example"],
        [],
        "",
        [4],
    ),
    (
        2,
        Session.Kind.FOCUS_GROUP,
        "Focus group: partners in the MASH",
        "09:30",
        "10:30",
        "",
        ["lead@eastvale.example", "reviewer2@westbridge.example"],
        [],
        "Police, health and education leads",
        [2],
    ),
    (
        2,
        Session.Kind.TEAM_CONSOLIDATION,
        "Review team consolidation",
        "13:00",
        "14:30",
        "Civic Centre, room 4",
        ["lead@eastvale.example", "reviewer@eastvale.example", "reviewer2@westbridge.example"],
        [],
        "",
        [],
    ),
    (
        2,
        Session.Kind.FEEDBACK_PRESENTATION,
        "Feedback to senior leaders",
        "15:00",
        "16:00",
        "Civic Centre, committee room 1",
        ["lead@eastvale.example", "reviewer@eastvale.example", "reviewer2@westbridge.example"],
        ["hostlead@northmoor.example"],
        "Director and lead member",
        [],
    ),
]


def _fieldwork_setup(review: Review, people: dict[str, User]) -> None:
    """The fieldwork review's own framework, documents wanted and a two-day timetable."""
    framework = review.framework
    if framework is None:
        template = Framework.objects.get(
            name="Regional front door self-assessment", is_default=True
        )
        framework = template.copy(
            name=template.name, organisation=review.lead_organisation, review=review
        )
    kloes = {k.position: k for k in framework.kloes.all()}
    for document, notes in DOCUMENTS_WANTED:
        DocumentRequest.objects.get_or_create(
            review=review, kind=document, defaults={"notes": notes}
        )
    # The lead authority's own document pack (issue 22): the shipped list and one of its own; the
    # improvement plan was asked for, then withdrawn (the host's is being rewritten).
    DocumentPack.objects.get_or_create(
        organisation=review.lead_organisation,
        defaults={
            "items": [{"title": i.title, "notes": i.notes} for i in default_pack()]
            + [
                {
                    "title": "Early help strategy",
                    "notes": "The partnership's early help strategy and its step-down protocol.",
                }
            ]
        },
    )
    DocumentRequest.objects.filter(
        review=review, kind=DocumentRequest.Kind.IMPROVEMENT_PLAN, withdrawn_at__isnull=True
    ).update(
        withdrawn_at=timezone.now(),
        withdrawn_by=people["coordinator@eastvale.example"],
    )
    assert review.start_date is not None
    days = {
        n: ReviewDay.objects.get_or_create(
            review=review, date=review.start_date + dt.timedelta(days=n - 1)
        )[0]
        for n in (1, 2)
    }
    for n, kind, title, start, end, place, reviewers, hosts, others, positions in SESSIONS:
        session, _ = Session.objects.update_or_create(
            review=review,
            title=title,
            defaults={
                "day": days[n],
                "kind": kind,
                "start_time": dt.time.fromisoformat(start),
                "end_time": dt.time.fromisoformat(end),
                "place": place,
                "online_link": "" if place else "https://meet.example/northmoor-review",
                "host_attendees": others,
            },
        )
        session.reviewers.set([people[e] for e in reviewers])
        session.host_people.set([people[e] for e in hosts])
        session.kloes.set([kloes[p] for p in positions if p in kloes])
    review.days.exclude(pk__in=[d.pk for d in days.values()]).delete()
    # Published (the demo emails nobody), with one change the coordinator has not sent yet.
    TimetablePublication.objects.get_or_create(
        review=review, defaults={"published_by": people["coordinator@eastvale.example"]}
    )
    if not SessionChange.objects.filter(review=review, sent_at__isnull=True).exists():
        last = Session.objects.filter(review=review).order_by("day__date", "start_time").last()
        if last is not None:
            SessionChange.objects.bulk_create(
                SessionChange(review=review, session=last, person=p, kind=SessionChange.Kind.MOVED)
                for p in last.reviewers.all()
            )


def _person(email: str, name: str, job: str, org: Organisation | None) -> User:
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        return User.objects.create_user(
            email, DEMO_PASSWORD, full_name=name, job_title=job, organisation=org
        )
    changed = False
    for field, value in (("full_name", name), ("job_title", job), ("organisation", org)):
        if getattr(user, field) != value:
            setattr(user, field, value)
            changed = True
    if changed:
        user.save()
    return user


DEMO_NOTES = [
    # (author, session title, KLOE positions, text)
    (
        "reviewer@eastvale.example",
        1,
        "Screening decisions in the MASH were timely: most contacts decided within 24 hours. "
        "Consent was recorded, but not always the reason when it was overridden.",
        (1, 4),
    ),
    (
        "reviewer2@westbridge.example",
        2,
        "Police and health colleagues described strong working relationships; schools less sure "
        "of the threshold document.",
        (2,),
    ),
    (
        "lead@eastvale.example",
        3,
        "Managers know their data well; the voice of the child was not always visible in "
        "referral records.",
        (3, 6),
    ),
]

DEMO_FINDINGS = [
    # (author, KLOE position or None, kind, urgency, key headline, agreed, text)
    (
        "lead@eastvale.example",
        None,
        Finding.Kind.STRENGTH,
        "",
        True,
        True,
        "A **committed and stable** workforce who know their children well.",
    ),
    (
        "reviewer@eastvale.example",
        1,
        Finding.Kind.STRENGTH,
        "",
        False,
        False,
        "Timely screening in the MASH:\n- most contacts decided within 24 hours\n"
        "- management oversight recorded on every contact sampled",
    ),
    (
        "reviewer2@westbridge.example",
        2,
        Finding.Kind.AREA,
        "",
        False,
        False,
        "Schools are not yet confident in applying the threshold document.",
    ),
    (
        "lead@eastvale.example",
        1,
        Finding.Kind.RECOMMENDATION,
        "urgently",
        True,
        False,
        "Record the reason whenever consent is overridden, and audit this within three months.",
    ),
    (
        "lead@eastvale.example",
        1,
        Finding.Kind.STRENGTH,
        "",
        False,
        True,
        "Partners describe thresholds that now feel right: the front door is accessible and "
        "agencies are clear about their responsibilities.",
    ),
    (
        "lead@eastvale.example",
        2,
        Finding.Kind.STRENGTH,
        "",
        True,
        True,
        "Strong, respectful challenge between partners, modelled by senior leaders.",
    ),
    (
        "lead@eastvale.example",
        4,
        Finding.Kind.AREA,
        "",
        True,
        True,
        "Strategy discussions are held promptly but are not always used to plan the next steps "
        "with partners.",
    ),
    (
        "lead@eastvale.example",
        3,
        Finding.Kind.RECOMMENDATION,
        "",
        False,
        True,
        "Capture the views of pre-verbal children in every assessment, for example by asking "
        "'if this child could talk, what might they say?'",
    ),
]


def _fieldwork_work(review: Review, people: dict[str, User]) -> None:
    """A few evidence notes, findings and a submitted self-assessment. Kept if already there."""
    framework = review.framework
    assert framework is not None  # set up by _fieldwork_setup
    kloes = {k.position: k for k in framework.kloes.all()}
    sessions = list(Session.objects.filter(review=review).order_by("day__date", "start_time"))
    notes = []
    for email, session_index, text, positions in DEMO_NOTES:
        note, _ = EvidenceNote.objects.get_or_create(
            review=review,
            text=text,
            defaults={
                "author": people[email],
                "session": sessions[session_index] if session_index < len(sessions) else None,
            },
        )
        note.kloes.set([kloes[p] for p in positions if p in kloes])
        notes.append(note)
    for position, (email, kloe_pos, kind, urgency, headline, agreed, text) in enumerate(
        DEMO_FINDINGS, start=1
    ):
        finding, created = Finding.objects.get_or_create(
            review=review,
            text=text,
            defaults={
                "author": people[email],
                "kloe": kloes.get(kloe_pos) if kloe_pos else None,
                "kind": kind,
                "urgency": urgency,
                "is_key_headline": headline,
                "status": Finding.Status.AGREED if agreed else Finding.Status.DRAFT,
                "agreed_by": people["lead@eastvale.example"] if agreed else None,
                "position": position,
            },
        )
        if created and notes:
            finding.evidence_notes.add(notes[min(position, len(notes)) - 1])
    assessment, created = SelfAssessment.objects.get_or_create(
        review=review,
        defaults={
            "status": SelfAssessment.Status.SUBMITTED,
            "submitted_at": timezone.now(),
            "submitted_by": people["hostlead@northmoor.example"],
        },
    )
    ratings = ["green", "amber", "amber", "green", "amber", "green", "amber"]
    for position, kloe in kloes.items():
        SelfAssessmentEntry.objects.get_or_create(
            self_assessment=assessment,
            kloe=kloe,
            defaults={
                "host_rating": ratings[(position - 1) % len(ratings)],
                "host_narrative": "Our own view, with the evidence in the data pack.",
            },
        )
