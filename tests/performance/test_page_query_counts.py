"""Every main page makes the same number of queries at two data sizes, and never more than 21.

Both data sets come from the benchmark generator (``manage.py generate_dataset``) with small numbers:
a small programme with few findings, notes and cases on each review, then beside it one bigger in
every direction: more authorities and years, the benchmark lead reviewer on several reviews, and the
full 40 findings and 30 audited cases on each review. The pages are those of ``bench/pages.py``, which ``bench/run.py`` times (see docs/performance.md).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from audits.models import Case, CaseAudit, SampleStatus
from bench.pages import AS_COORDINATOR, main_pages
from demo.dataset import SIZES, bench_email, generate
from reviews.fieldwork.models import EvidenceNote, Finding
from reviews.schedule.models import ReviewDay, Session
from reviews.setup.models import LONDON, Framework, Kloe

# 20, plus the one query every signed-in page makes for the safeguarding alert banner (core.banners).
MAX_QUERIES = 21
# Bigger in every direction: more reviews, the lead on more of them, more of everything on a review.
SMALL = replace(
    SIZES["small"], authorities=2, years=1, reviews_per_year=1, findings=8, cases=4, notes=3
)
BIGGER = replace(SIZES["small"], authorities=3, years=1, reviews_per_year=2, bench_every=2)


def _counts(label: str, size) -> dict[str, int]:
    result = generate(size=size, label=label)
    clients = {}
    for who in ("lead", "coord"):
        clients[who] = Client()
        clients[who].force_login(User.objects.get(email=bench_email(who, label)))
    case = Case.objects.filter(review_id=result.bench_review_id).order_by("reference").first()
    counts = {}
    pages = main_pages(result.bench_review_id, case.pk)
    for name, url in pages.items():
        client = clients["coord" if name in AS_COORDINATOR else "lead"]
        client.get(url)  # the first request of a session writes "last seen"; measure the second
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, f"{name}: {response.status_code}"
        counts[name] = len(queries)
    return counts


@pytest.mark.django_db
def test_main_pages_make_the_same_number_of_queries_at_two_sizes_and_at_most_21() -> None:
    small = _counts("s", SMALL)
    bigger = _counts("b", BIGGER)
    lead_on = {
        label: User.objects.get(email=bench_email("lead", label)).memberships.count()
        for label in "sb"
    }
    assert lead_on["b"] > lead_on["s"]
    print(small)
    assert bigger == small
    too_many = {name: count for name, count in small.items() if count > MAX_QUERIES}
    assert not too_many, f"pages above {MAX_QUERIES} queries: {too_many}"


def _review_day(world, n: int) -> None:
    """A review day as it is lived: ``n`` sessions today (the reviewer in each, with colleagues and
    host people, and key lines), ``n`` cases assigned to the reviewer, ``3n`` notes, ``3n`` findings."""
    review, me = world.review, world.user("reviewer")
    framework = Framework.objects.filter(review=review).first() or Framework.objects.create(
        name="KLOEs", review=review
    )
    kloes = list(framework.kloes.all()) or [
        Kloe.objects.create(framework=framework, position=i, heading=f"Line {i}") for i in (1, 2, 3)
    ]
    today = timezone.localtime(timezone.now(), LONDON).date()
    day, _ = ReviewDay.objects.get_or_create(review=review, date=today)
    start = Session.objects.filter(review=review).count()
    for i in range(start, start + n):
        session = Session.objects.create(
            review=review,
            day=day,
            kind=Session.Kind.OBSERVATION,
            title=f"Session {i}",
            start_time=dt.time(0, i),
            end_time=dt.time(23, 59),
        )
        session.reviewers.set([me, world.user("lead_reviewer")])
        session.host_people.set([world.user("host_staff")])
        session.kloes.set(kloes[: 1 + i % 3])
        case = Case.objects.create(
            review=review,
            reference=f"NM-{i}",
            case_type="contact",
            assigned_to=me,
            sample_status=SampleStatus.SAMPLED,
        )
        if i % 2:
            CaseAudit.objects.create(case=case, auditor=me)
        for j in range(3):
            note = EvidenceNote.objects.create(review=review, session=session, text=f"Note {i}.{j}")
            note.kloes.set(kloes[j : j + 1])
            Finding.objects.create(
                review=review, kloe=kloes[j], kind=Finding.Kind.STRENGTH, text=f"Finding {i}.{j}"
            )


def _day_counts(world) -> dict[str, int]:
    r = [world.review.pk]
    pages = {
        "today": ("reviewer", reverse("audits:today", args=r)),
        "evidence notes": ("reviewer", reverse("reviews:notes", args=r)),
        "findings": ("lead_reviewer", reverse("reviews:findings", args=r)),
        "agree all": ("lead_reviewer", reverse("reviews:finding-agree-all", args=r)),
        "a finding's evidence": (
            "reviewer",
            reverse(
                "reviews:finding-edit", args=[world.review.pk, world.review.findings.first().pk]
            ),
        ),
    }
    counts = {}
    for name, (role, url) in pages.items():
        client = world.client(role)
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, f"{name}: {response.status_code}"
        counts[name] = len(queries)
    return counts


@pytest.mark.django_db
def test_a_review_days_pages_make_the_same_number_of_queries_at_two_sizes(world) -> None:
    _review_day(world, 2)
    small = _day_counts(world)
    _review_day(world, 6)
    bigger = _day_counts(world)
    print(small)
    assert bigger == small
    too_many = {name: count for name, count in small.items() if count > MAX_QUERIES}
    assert not too_many, f"pages above {MAX_QUERIES} queries: {too_many}"
