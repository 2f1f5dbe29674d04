"""An authority's audit programme (issue 23): its pages make the same number of queries whatever
the number of audits, cases, moderations and people."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audits.models import CaseAudit
from audits.services.moderation import moderate
from audits.services.programme import choose_peer_sample, start_internal_audit
from audits.services.tools import shipped_tool
from reviews.setup.models import Review
from tests.audits.programme import build_programme

MAX_QUERIES = 20


def _pages(size: int) -> dict[str, int]:
    programme = build_programme(completed=size)
    for n in range(size):
        start_internal_audit(
            authority=programme.authority,
            user=programme.qa,
            title=f"Case file audit {n}",
            audit_kind=Review.AuditKind.CASE_FILE,
            audit_theme="",
            tool=shipped_tool(),
            start_date=None,
            end_date=None,
        )
    ids = [c.pk for c in programme.qa_cases]
    choose_peer_sample(review=programme.audit, case_ids=ids, user=programme.qa)
    for case in programme.qa_cases:
        audit = CaseAudit.objects.get(case=case)
        moderate(
            audit=audit,
            moderator=programme.peer,
            agrees_overall=True,
            note="Fair.",
            checks={a.pk: (a.criterion.number % 3 != 0, "A note.") for a in audit.answers.all()},
        )
    urls = {
        "programme": (programme.qa, reverse("audits:programme", args=[programme.authority.pk])),
        "agreement (QA)": (programme.qa, reverse("audits:agreement", args=[programme.audit.pk])),
        "agreement (peer)": (
            programme.peer,
            reverse("audits:agreement", args=[programme.audit.pk]),
        ),
        "peer sample": (programme.qa, reverse("audits:peer-sample", args=[programme.audit.pk])),
        "your cases": (programme.partner, reverse("audits:your-cases", args=[programme.audit.pk])),
        "people": (programme.qa, reverse("audits:programme-people", args=[programme.audit.pk])),
        "details": (
            programme.qa,
            reverse("audits:programme-audit-details", args=[programme.audit.pk]),
        ),
        "close": (programme.qa, reverse("audits:programme-audit-close", args=[programme.audit.pk])),
    }
    counts = {}
    for name, (user, url) in urls.items():
        client = Client()
        client.force_login(user)
        client.get(url)  # the first request of a session writes "last seen"; measure the second
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, name
        counts[name] = len(queries)
    return counts


@pytest.mark.django_db
def test_programme_pages_make_the_same_number_of_queries_at_two_sizes() -> None:
    small = _pages(2)
    bigger = _pages(6)
    print(small)
    assert bigger == small
    too_many = {name: count for name, count in small.items() if count > MAX_QUERIES}
    assert not too_many, too_many
