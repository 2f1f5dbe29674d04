"""Every main page makes the same number of queries at two data sizes, and never more than 20.

Both data sets come from the benchmark generator (``manage.py generate_dataset``) with small numbers:
a small programme with few findings, notes and cases on each review, then beside it one bigger in
every direction: more authorities and years, the benchmark lead reviewer on several reviews, and the
full 40 findings and 30 audited cases on each review. The pages are those of ``bench/pages.py``, which ``bench/run.py`` times (see docs/performance.md).
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from audits.models import Case
from bench.pages import AS_COORDINATOR, main_pages
from demo.dataset import SIZES, bench_email, generate

MAX_QUERIES = 20
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
def test_main_pages_make_the_same_number_of_queries_at_two_sizes_and_at_most_20() -> None:
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
