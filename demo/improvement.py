"""The demo after the letter: Northmoor's previous review (issued, with an action plan under way), an
Ofsted inspection in its history, and a demo region. Fictional throughout; loading twice changes nothing.

Runs after ``demo.reviews.load_demo`` (the ``load_demo`` command calls both).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from accounts.models import Organisation, Region, User
from demo.reviews import FIELDWORK_TITLE
from improvement.models import Action, ExternalReview, ProgressUpdate
from reviews.fieldwork.models import Finding, Theme
from reviews.setup.models import Framework, Membership, Review, Role

PAST_TITLE = "Peer review of the front door in Northmoor: the previous review"
REGION = "North of England (demo region)"

PAST_TEAM = [
    ("coordinator@eastvale.example", Role.COORDINATOR),
    ("lead@eastvale.example", Role.LEAD_REVIEWER),
    ("reviewer@eastvale.example", Role.REVIEWER),
    ("hostlead@northmoor.example", Role.HOST_LEAD),
    ("hoststaff@northmoor.example", Role.HOST_STAFF),
]

# (KLOE position or None, kind, themes, text)
PAST_FINDINGS = [
    (
        None,
        Finding.Kind.RECOMMENDATION,
        ["Thresholds", "Partnership"],
        "Refresh the threshold document with partners and train front door staff in applying it "
        "consistently.",
    ),
    (
        4,
        Finding.Kind.RECOMMENDATION,
        ["Strategy discussions", "Partnership"],
        "Make sure health and education take part in every strategy discussion, and record their "
        "contribution.",
    ),
    (
        3,
        Finding.Kind.AREA,
        ["Voice of the child", "Fathers"],
        "Consider how the views of children and of fathers are sought and recorded at the front door.",
    ),
    (
        6,
        Finding.Kind.STRENGTH,
        ["Management oversight"],
        "Management oversight of contacts is timely and clearly recorded.",
    ),
    (
        2,
        Finding.Kind.STRENGTH,
        ["Partnership"],
        "Partners in the MASH value the co-located team and share information quickly.",
    ),
]

# (finding index, what, owner, months after the letter it is due, status, progress updates)
PAST_ACTIONS = [
    (
        0,
        "Rewrite the threshold document with the safeguarding partnership.",
        "Head of Service, Front Door",
        3,
        Action.Status.DONE,
        ["Draft agreed with police and health.", "Signed off by the partnership board."],
    ),
    (
        0,
        "Train every front door practitioner in the new thresholds.",
        "Principal Social Worker",
        6,
        Action.Status.ON_TRACK,
        ["Two of four training sessions held."],
    ),
    (
        1,
        "Add a health and education attendance check to the strategy discussion record.",
        "Practice Manager, MASH",
        2,
        Action.Status.AT_RISK,
        ["Recording form changed; attendance by education still low."],
    ),
]


def _months_after(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, min(day.day, 28))


@transaction.atomic
def load_improvement_demo(*, today: dt.date | None = None) -> str:
    today = today or dt.date.today()
    orgs = {o.short_name: o for o in Organisation.objects.filter(short_name__isnull=False)}
    people = {u.email: u for u in User.objects.filter(email__endswith=".example")}
    northmoor, eastvale = orgs["Northmoor"], orgs["Eastvale"]

    region, _ = Region.objects.get_or_create(name=REGION)
    region.organisations.add(*[orgs[name] for name in ("Eastvale", "Northmoor", "Westbridge")])

    start = dt.date(today.year - 1, 5, 13)
    past, created = Review.objects.get_or_create(
        title=PAST_TITLE,
        defaults={
            "host": northmoor,
            "lead_organisation": eastvale,
            "kind": Review.Kind.PEER_CHALLENGE,
            "status": Review.Status.ISSUED,
            "delivery": Review.Delivery.ON_SITE,
            "start_date": start,
            "end_date": start + dt.timedelta(days=2),
            "letter_issued_at": timezone.make_aware(
                dt.datetime.combine(start + dt.timedelta(days=30), dt.time(10))
            ),
            "request": "A peer review of the front door: thresholds, partnership working and "
            "strategy discussions.",
        },
    )
    for email, role in PAST_TEAM:
        Membership.objects.get_or_create(review=past, user=people[email], defaults={"role": role})
    framework = past.framework
    if framework is None:
        template = Framework.objects.get(
            name="Regional front door self-assessment", is_default=True
        )
        framework = template.copy(name=template.name, organisation=eastvale, review=past)
    kloes = {k.position: k for k in framework.kloes.all()}
    themes = {t.name: t for t in Theme.objects.all()}
    findings = []
    for position, (kloe, kind, theme_names, text) in enumerate(PAST_FINDINGS, start=1):
        finding, made = Finding.objects.get_or_create(
            review=past,
            text=text,
            defaults={
                "kloe": kloes.get(kloe) if kloe else None,
                "kind": kind,
                "status": Finding.Status.AGREED,
                "position": position,
                "author": people["lead@eastvale.example"],
                "agreed_by": people["lead@eastvale.example"],
            },
        )
        if made:
            finding.themes.set([themes[n] for n in theme_names if n in themes])
        findings.append(finding)
    issued = past.letter_issued_at.date() if past.letter_issued_at else start
    for index, what, owner, months, status, updates in PAST_ACTIONS:
        action, made = Action.objects.get_or_create(
            review=past,
            what=what,
            defaults={
                "finding": findings[index],
                "owner": owner,
                "due_date": _months_after(issued, months),
                "status": status,
                "measure": "Seen in the quarterly front door audit.",
                "created_by": people["hostlead@northmoor.example"],
            },
        )
        if made:
            for n, text in enumerate(updates, start=1):
                ProgressUpdate.objects.create(
                    action=action,
                    date=_months_after(issued, n),
                    text=text,
                    status=status if n == len(updates) else Action.Status.ON_TRACK,
                    author=people["hostlead@northmoor.example"],
                )

    ExternalReview.objects.get_or_create(
        organisation=northmoor,
        kind=ExternalReview.Kind.OFSTED_INSPECTION,
        defaults={
            "date": dt.date(today.year - 2, 10, 7),
            "headline": "Good overall. The experiences and progress of children who need help "
            "and protection: requires improvement to be good.",
            "link": "https://reports.ofsted.gov.uk/",
            "added_by": people["hostlead@northmoor.example"],
        },
    )
    Review.objects.filter(title=FIELDWORK_TITLE, previous_review__isnull=True).update(
        previous_review=past
    )
    return (
        "Improvement demo loaded: Northmoor's previous review with its action plan, an Ofsted "
        f"inspection in Northmoor's history, and the region '{REGION}'."
        + ("" if created else " (already there)")
    )
