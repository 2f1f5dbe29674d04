"""A realistic demo: fictional authorities and people, one review in fieldwork and one finished.

Loading it twice changes nothing the second time: every row is found by its natural key first.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction

from accounts.models import Organisation, User
from reviews.models import Membership, Review, Role

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
    return LOGINS


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
