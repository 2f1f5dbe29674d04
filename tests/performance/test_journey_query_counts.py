"""The improvement journey's pages (issue 23) make the same number of queries whatever the size of
the authority's journey: trends, priorities with their board ratings, the journey report."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from demo.journey import _audit_cases, _review, build_journey
from improvement import priorities
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db
PAGES = ("improvement:trends", "improvement:priorities", "improvement:journey-reports")


def _grow(journey, user, lead) -> None:
    """More of everything: audits, priorities, meetings."""
    authority = journey.authority
    for n in range(4):
        review = _review(
            authority=authority,
            lead=lead,
            kind="audit",
            when=dt.date(2025, 8 + n, 4),
            title=f"Extra audit {n}",
        )
        _audit_cases(review, n % 5, user)
    added = [
        priorities.create_priority(
            organisation=authority,
            data={"letter": letter, "title": f"Priority {letter}", "owner": "AD", "measure": "M"},
            user=user,
        )
        for letter in "GHIJ"
    ]
    everyone = journey.priorities + added
    for n in range(3):
        priorities.record_meeting(
            organisation=authority,
            date=dt.date(2025, 9 + n, 1),
            reviewed="The scorecard",
            decisions="",
            ratings={p.pk: ("amber", "Note") for p in everyone},
            user=user,
        )


def _counts(world, client) -> dict[str, int]:
    counts = {}
    urls = {name: reverse(name, kwargs={"pk": world.host_org.pk}) for name in PAGES}
    urls["improvement:journey-report"] = world.host_org.journey_reports.first().get_absolute_url()
    for name, url in urls.items():
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, name
        counts[name] = len(queries)
    return counts


def test_journey_pages_make_the_same_number_of_queries_at_two_sizes(world):
    user = world.people["host_lead"]
    client = world.client("host_lead")
    journey = build_journey(authority=world.host_org, lead=world.lead_org, user=user)
    small = _counts(world, client)
    _grow(journey, user, OrganisationFactory(name="Another Lead Council"))
    bigger = _counts(world, client)
    print(small)
    assert bigger == small
    assert max(small.values()) <= 30, small
