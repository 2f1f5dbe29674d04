"""A generated database for benchmarks: a national programme, or a small one of the same shape.

Every review has the same shape whatever the size: a team, a framework copy with its KLOEs, days and
sessions, evidence notes, 40 findings, a self-assessment, document requests, 30 sampled cases audited
on the 10 criteria of seed 002's tool (built by ``demo.dataset_audits``), and audit trail records.
The national size is 152 authorities x 10 years x 3 reviews a year (about 4,500 reviews, 180,000
findings, 1.4 million criterion answers).

Deterministic: the same seed and sizes give the same rows (apart from created_at/updated_at and the
primary keys the database hands out). Rows go in with ``bulk_create`` in batches of reviews, one
transaction per batch. Fictional names only, and case references only: never a child's name.

The **benchmark people** are fixed: ``bench.lead@generated.example`` is the lead reviewer of the
benchmark review (the last review generated, in fieldwork) and of one review in every 150; ``bench.host@
generated.example`` is its host lead contact and ``bench.coord@generated.example`` the coordinator of
the same reviews as the lead. Every generated person's password is
``GENERATED_PASSWORD``.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import Organisation, User
from audits.models import AuditTool, Criterion
from audits.services.tools import shipped_tool
from demo.dataset_audits import audit_cases, copy_audit_tools, first_day, rows_by_review
from reviews.documents.models import Document, DocumentRequest
from reviews.fieldwork.models import EvidenceNote, Finding
from reviews.schedule.models import ReviewDay, Session
from reviews.self_assessment.models import SelfAssessment, SelfAssessmentEntry
from reviews.setup.models import Framework, Kloe, Membership, Review, Role
from trail.models import Event

GENERATED_PASSWORD = "generated-data-password"  # noqa: S105 - fictional benchmark accounts only
EMAIL_DOMAIN = "generated.example"
BENCH_LEAD = f"bench.lead@{EMAIL_DOMAIN}"  # of the data set with no label
BENCH_HOST = f"bench.host@{EMAIL_DOMAIN}"
PEOPLE_PER_AUTHORITY = 6
BATCH_REVIEWS = 100


@dataclass(frozen=True)
class Size:
    authorities: int = 152
    years: int = 10
    reviews_per_year: int = 3
    findings: int = 40
    cases: int = 30
    notes: int = 15
    trail_events: int = 30
    bench_every: int = 150  # the benchmark lead reviewer leads one review in this many

    @property
    def reviews(self) -> int:
        return self.authorities * self.years * self.reviews_per_year


SIZES = {
    "national": Size(),
    "small": Size(authorities=4, years=1, reviews_per_year=1),
}


@dataclass
class Generated:
    reviews: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    bench_review_id: int | None = None

    def add(self, name: str, count: int) -> None:
        self.rows[name] = self.rows.get(name, 0) + count


class AlreadyGenerated(Exception):
    """Generated data is already in this database: use a fresh database."""


FINDING_TEXTS = {
    Finding.Kind.STRENGTH: [
        "Thresholds are well understood by partners, and the MASH applies them consistently.",
        "Management oversight of contacts is timely and recorded with a clear rationale.",
        "Strategy discussions are held promptly, with police and health present.",
        "Staff speak with warmth about the children they work with and know them well.",
    ],
    Finding.Kind.AREA: [
        "The voice of the child is not always evident in the record of the decision.",
        "Consent is not consistently sought or recorded before partner checks.",
        "Step-down to early help is not always followed through with the family.",
        "Partners' referrals vary in quality; feedback loops are informal.",
    ],
    Finding.Kind.RECOMMENDATION: [
        "Strengthen the recording of the child's lived experience in screening decisions.",
        "Agree a consent protocol with partners and audit its use within three months.",
        "Review the step-down pathway with early help leaders.",
    ],
}
NOTE_TEXTS = [
    "Observed screening: the practice manager explained the threshold decision clearly.",
    "Focus group with social workers: caseloads manageable; supervision regular.",
    "Strategy meeting observed: police attended, health information came late.",
    "Interview with the head of service: improvement plan priorities are known by staff.",
]
SESSION_KINDS = [
    (Session.Kind.OPENING_MEETING, "Opening meeting", dt.time(9, 0), dt.time(9, 45)),
    (Session.Kind.OBSERVATION, "Observation in the MASH", dt.time(10, 0), dt.time(12, 0)),
    (Session.Kind.CASE_AUDIT, "Case audits", dt.time(13, 0), dt.time(15, 0)),
    (Session.Kind.FOCUS_GROUP, "Focus group with social workers", dt.time(15, 15), dt.time(16, 15)),
]
TRAIL_ACTIONS = [Event.Action.FINDING_CHANGED, Event.Action.CASE_AUDIT_CHANGED]


def bench_email(who: str, label: str = "") -> str:
    """The benchmark lead reviewer (``lead``), coordinator (``coord``) or host lead (``host``) of the
    data set ``label``."""
    return f"bench.{who}{label}@{EMAIL_DOMAIN}"


def generate(
    *,
    size: Size,
    seed: int = 20261117,
    label: str = "",
    progress: Callable[[str], None] | None = None,
) -> Generated:
    """Fill the database with generated data of this size. Refused if the same ``label`` was
    generated here before (a second data set with another label can go beside it, as tests do)."""
    if User.objects.filter(email=bench_email("lead", label)).exists():
        raise AlreadyGenerated("Generated data is already in this database: use a fresh database.")
    rng = random.Random(seed)  # noqa: S311 - reproducible fictional data, not secrets
    result = Generated()
    framework = Framework.objects.templates().filter(is_default=True).order_by("pk").first()
    if framework is None:
        raise RuntimeError("No default framework: run migrate first.")
    template_kloes = list(framework.kloes.all())
    tool = shipped_tool()
    template_criteria = list(tool.criteria.all())
    orgs, people = _organisations_and_people(size, result, label)
    placeholder = default_storage.save(
        "documents/generated/placeholder.pdf",
        ContentFile(b"%PDF-1.4\n% generated placeholder\n%%EOF\n"),
    )

    plans = list(_review_plans(size, rng, orgs))
    for start in range(0, len(plans), BATCH_REVIEWS):
        batch = plans[start : start + BATCH_REVIEWS]
        with transaction.atomic():
            _batch(
                batch,
                rng=rng,
                size=size,
                people=people,
                framework=framework,
                template_kloes=template_kloes,
                tool=tool,
                template_criteria=template_criteria,
                placeholder=placeholder,
                result=result,
                label=label,
            )
        if progress:
            progress(f"{min(start + BATCH_REVIEWS, len(plans))} of {len(plans)} reviews")
    issue_letters(Review.objects.filter(pk__in=[p.pk for p in plans if p.issued]))
    if connection.vendor == "postgresql":
        # After a bulk load the planner's statistics describe empty tables until autovacuum gets to
        # them: without this, some pages' queries scan whole tables at the national size.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    result.reviews = len(plans)
    result.bench_review_id = plans[-1].pk
    return result


@dataclass
class _Plan:
    index: int
    host: Organisation
    lead: Organisation
    start: dt.date
    issued: bool
    pk: int | None = None


def _organisations_and_people(
    size: Size, result: Generated, label: str
) -> tuple[list[Organisation], dict[int, list[User]]]:
    orgs = Organisation.objects.bulk_create(
        Organisation(
            name=f"Generated Authority {label}{i:03d} Council",
            short_name=f"Authority {label}{i:03d}",
            address=f"Town Hall\nHigh Street\nAuthority {i:03d}\nGN{i % 90 + 1} 1AA",
            telephone="01632 960000",
            website=f"https://authority{i:03d}.generated.example",
            director_name=f"Director {i:03d}",
            director_title="Director of Children's Services",
        )
        for i in range(1, size.authorities + 1)
    )
    result.add("organisations", len(orgs))
    password = make_password(GENERATED_PASSWORD)
    titles = [
        "Assistant Director, Safeguarding",
        "Sector-led improvement coordinator",
        "Service Manager",
        "Team Manager, MASH",
        "Head of Service, Front Door",
        "Practice Manager",
    ]
    users = []
    for n, org in enumerate(orgs, start=1):
        for k in range(PEOPLE_PER_AUTHORITY):
            users.append(
                User(
                    email=f"person{k}.authority{label}{n:03d}@{EMAIL_DOMAIN}",
                    full_name=f"Person {k} of Authority {n:03d}",
                    job_title=titles[k],
                    organisation=org,
                    password=password,
                )
            )
    # The benchmark people belong to the first two authorities.
    users.append(
        User(
            email=bench_email("lead", label),
            full_name="Bench Lead Reviewer",
            job_title="Assistant Director",
            organisation=orgs[0],
            password=password,
        )
    )
    users.append(
        User(
            email=bench_email("coord", label),
            full_name="Bench Coordinator",
            job_title="Sector-led improvement coordinator",
            organisation=orgs[0],
            password=password,
        )
    )
    users.append(
        User(
            email=bench_email("host", label),
            full_name="Bench Host Lead",
            job_title="Head of Service",
            organisation=orgs[-1],
            password=password,
        )
    )
    users = User.objects.bulk_create(users)
    result.add("people", len(users))
    people: dict[int, list[User]] = {}
    for user in users:
        assert user.organisation_id is not None  # every generated person has an organisation
        people.setdefault(user.organisation_id, []).append(user)
    return orgs, people


def _review_plans(size: Size, rng: random.Random, orgs: list[Organisation]) -> Iterable[_Plan]:
    """Reviews oldest first. The last one (the benchmark review) is in fieldwork; older ones issued."""
    today = dt.date(2026, 11, 17)
    first_year = today.year - size.years + 1
    index = 0
    total = size.reviews
    for year in range(first_year, today.year + 1):
        for slot in range(size.reviews_per_year):
            for n, host in enumerate(orgs):
                lead = orgs[(n + 1 + rng.randrange(max(len(orgs) - 1, 1))) % len(orgs)]
                if lead.pk == host.pk:
                    lead = orgs[(n + 1) % len(orgs)]
                month = 1 + slot * (12 // size.reviews_per_year) + rng.randrange(3)
                start = dt.date(year, min(month, 12), 1 + rng.randrange(25))
                index += 1
                last = index == total
                yield _Plan(
                    index=index,
                    host=host,
                    lead=lead,
                    start=today if last else min(start, today - dt.timedelta(days=60)),
                    issued=not last,
                )


def _batch(
    plans: list[_Plan],
    *,
    rng: random.Random,
    size: Size,
    people: dict[int, list[User]],
    framework: Framework,
    template_kloes: list[Kloe],
    tool: AuditTool,
    template_criteria: list[Criterion],
    placeholder: str,
    result: Generated,
    label: str,
) -> None:
    bench_lead = User.objects.get(email=bench_email("lead", label))
    bench_host = User.objects.get(email=bench_email("host", label))
    bench_coord = User.objects.get(email=bench_email("coord", label))
    total = size.reviews
    reviews = Review.objects.bulk_create(
        Review(
            host=p.host,
            lead_organisation=p.lead,
            kind=Review.Kind.PEER_CHALLENGE if p.index % 3 else Review.Kind.FRONT_DOOR_HEALTH_CHECK,
            title=f"Peer challenge of the front door in {p.host.short_name}: {p.start:%B %Y}",
            status=Review.Status.ISSUED if p.issued else Review.Status.FIELDWORK,
            delivery=Review.Delivery.ON_SITE,
            request="Test our front door self-assessment, with an emphasis on thresholds.",
            start_date=p.start,
            end_date=p.start + dt.timedelta(days=2),
            addressee_name=p.host.director_name,
            addressee_title=p.host.director_title,
        )
        for p in plans
    )
    for plan, review in zip(plans, reviews, strict=True):
        plan.pk = review.pk
    result.add("reviews", len(reviews))

    # The team: from the lead authority, the host and one other authority.
    memberships: list[Membership] = []
    teams: dict[int, dict[str, list[User]]] = {}
    for plan, review in zip(plans, reviews, strict=True):
        lead_people = people[plan.lead.pk]
        host_people = people[plan.host.pk]
        bench = plan.index == total or plan.index % size.bench_every == 0
        lead_reviewer = bench_lead if bench else lead_people[0]
        team: dict[str, list[User]] = {
            Role.COORDINATOR: [bench_coord if bench else lead_people[1]],
            Role.LEAD_REVIEWER: [lead_reviewer],
            Role.REVIEWER: [lead_people[2], lead_people[3]],
            Role.HOST_LEAD: [bench_host if plan.index == total else host_people[4]],
            Role.HOST_STAFF: [host_people[5]],
        }
        teams[review.pk] = team
        for role, users in team.items():
            memberships.extend(Membership(review=review, user=u, role=role) for u in users)
    result.add("memberships", len(Membership.objects.bulk_create(memberships)))

    # The review's own copy of the framework and of the audit tool.
    frameworks = Framework.objects.bulk_create(
        framework.unsaved_copy(name=framework.name, organisation=plan.lead, review=review)
        for plan, review in zip(plans, reviews, strict=True)
    )
    kloes = Kloe.objects.bulk_create(
        k.copy_for(copy) for copy in frameworks for k in template_kloes
    )
    result.add("kloes", len(kloes))
    kloes_of = rows_by_review(reviews, frameworks, kloes, "framework_id")
    criteria_of = copy_audit_tools(
        reviews, tool=tool, template_criteria=template_criteria, result=result
    )

    # The timetable: three days, four sessions a day.
    days = ReviewDay.objects.bulk_create(
        ReviewDay(review=review, date=first_day(review) + dt.timedelta(days=d))
        for review in reviews
        for d in range(3)
    )
    sessions = Session.objects.bulk_create(
        Session(
            review_id=day.review_id,
            day=day,
            kind=kind,
            title=title,
            start_time=start,
            end_time=end,
            place="Civic Centre, room 2",
        )
        for day in days
        for kind, title, start, end in SESSION_KINDS
    )
    result.add("sessions", len(sessions))
    session_reviewers = Session.reviewers.through
    session_reviewers.objects.bulk_create(
        session_reviewers(session_id=s.pk, user_id=teams[s.review_id][Role.REVIEWER][i % 2].pk)
        for i, s in enumerate(sessions)
    )
    sessions_of: dict[int, list[Session]] = {}
    for s in sessions:
        sessions_of.setdefault(s.review_id, []).append(s)

    # Evidence notes, then findings linked to some of them.
    notes = EvidenceNote.objects.bulk_create(
        EvidenceNote(
            review=review,
            session=sessions_of[review.pk][n % len(sessions_of[review.pk])],
            author=teams[review.pk][Role.REVIEWER][n % 2],
            text=f"{NOTE_TEXTS[rng.randrange(len(NOTE_TEXTS))]} (note {n + 1})",
        )
        for review in reviews
        for n in range(size.notes)
    )
    result.add("evidence notes", len(notes))
    note_kloes = EvidenceNote.kloes.through
    note_kloes.objects.bulk_create(
        note_kloes(
            evidencenote_id=note.pk,
            kloe_id=kloes_of[note.review_id][i % len(kloes_of[note.review_id])].pk,
        )
        for i, note in enumerate(notes)
    )
    notes_of: dict[int, list[EvidenceNote]] = {}
    for note in notes:
        notes_of.setdefault(note.review_id, []).append(note)
    findings = []
    kinds = list(FINDING_TEXTS)
    for plan, review in zip(plans, reviews, strict=True):
        review_kloes = kloes_of[review.pk]
        team = teams[review.pk]
        for n in range(size.findings):
            kind = kinds[n % 3]
            texts = FINDING_TEXTS[kind]
            kloe = review_kloes[n % len(review_kloes)] if n % 10 else None
            findings.append(
                Finding(
                    review=review,
                    kloe=kloe,
                    kind=kind,
                    text=f"{texts[rng.randrange(len(texts))]} ({n + 1})",
                    is_key_headline=n < 3,
                    urgency=Finding.Urgency.URGENTLY
                    if kind == Finding.Kind.RECOMMENDATION and n % 9 == 2
                    else "",
                    status=Finding.Status.AGREED if plan.issued or n % 2 else Finding.Status.DRAFT,
                    position=n,
                    author=team[Role.REVIEWER][n % 2],
                    agreed_by=team[Role.LEAD_REVIEWER][0] if plan.issued else None,
                )
            )
    findings = Finding.objects.bulk_create(findings)
    result.add("findings", len(findings))
    finding_notes = Finding.evidence_notes.through
    finding_notes.objects.bulk_create(
        finding_notes(finding_id=f.pk, evidencenote_id=notes_of[f.review_id][i % size.notes].pk)
        for i, f in enumerate(findings)
        if i % 2 == 0 and size.notes
    )

    # The self-assessment: submitted, every KLOE rated, the team's view of each.
    assessments = SelfAssessment.objects.bulk_create(
        SelfAssessment(
            review=review,
            status=SelfAssessment.Status.SUBMITTED,
            submitted_at=timezone.make_aware(dt.datetime.combine(first_day(review), dt.time(9))),
            submitted_by=teams[review.pk][Role.HOST_LEAD][0],
            judgement=SelfAssessment.Judgement.PARTLY,
            judgement_reason="Broadly accurate; the team saw less consistency in consent.",
        )
        for review in reviews
    )
    rags = ["red", "amber", "green"]
    SelfAssessmentEntry.objects.bulk_create(
        SelfAssessmentEntry(
            self_assessment=sa,
            kloe=kloe,
            host_rating=rags[rng.randrange(3)],
            host_narrative="Our thresholds are applied consistently across the partnership.",
            team_agreement=SelfAssessmentEntry.Agreement.PARTLY,
            team_rating=rags[rng.randrange(3)],
            team_reason="Seen in the case audits and the observation of screening.",
        )
        for sa in assessments
        for kloe in kloes_of[sa.review_id]
    )

    # Documents requested and uploaded (every row names one placeholder file in storage).
    requests = DocumentRequest.objects.bulk_create(
        DocumentRequest(review=review, kind=kind)
        for review in reviews
        for kind in (
            DocumentRequest.Kind.SELF_ASSESSMENT,
            DocumentRequest.Kind.DATA_PACK,
            DocumentRequest.Kind.THRESHOLD_DOCUMENT,
        )
    )
    Document.objects.bulk_create(
        Document(
            review_id=wanted.review_id,
            request=wanted,
            file=placeholder,
            original_name=f"{wanted.get_kind_display()}.pdf",
            file_type=Document.FileType.PDF,
            extension=".pdf",
            content_type="application/pdf",
            size=40,
            sha256="0" * 64,
            uploaded_by=teams[wanted.review_id][Role.HOST_LEAD][0],
        )
        for wanted in requests
    )

    audit_cases(
        plans, reviews, rng=rng, size=size, teams=teams, criteria_of=criteria_of, result=result
    )

    # The audit trail: changes to findings and case audits.
    events = Event.objects.bulk_create(
        Event(
            actor=teams[review.pk][Role.REVIEWER][n % 2],
            actor_email=teams[review.pk][Role.REVIEWER][n % 2].email,
            action=TRAIL_ACTIONS[n % 2],
            object_type="reviews.Finding" if n % 2 == 0 else "audits.CaseAudit",
            object_id=str(n),
            object_repr=f"Generated change {n + 1}",
            review_id=review.pk,
            detail={"text": "Generated change"},
        )
        for review in reviews
        for n in range(size.trail_events)
    )
    result.add("trail events", len(events))


def issue_letters(reviews: Iterable[Review]) -> int:
    """Mark these reviews' letters as issued: ``status=ISSUED`` and ``letter_issued_at`` (the end date
    plus six weeks, at noon).

    The letters themselves (rendered PDF and Word, stored through Django's storage API) are stored
    afterwards: ``generate_dataset`` runs ``demo.dataset_reports.issue_generated_letters``.
    """
    changed = []
    for review in reviews:
        end = review.end_date or first_day(review)
        review.status = Review.Status.ISSUED
        review.letter_issued_at = timezone.make_aware(
            dt.datetime.combine(end + dt.timedelta(weeks=6), dt.time(12))
        )
        changed.append(review)
    Review.objects.bulk_update(changed, ["status", "letter_issued_at"], batch_size=1000)
    return len(changed)
