"""The analysis page and the progress page keep a constant query count from 20 to 2,000 cases."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audits.models import Answer, Case, CaseAudit, CaseType, CriterionAnswer, SampleStatus
from tests.audits.factories import use_seed_002_tool


def _audited_cases(world, start: int, count: int) -> None:
    review = world.review
    criteria = list(review.audit_tool.criteria.all())
    reviewers = [world.people["reviewer"], world.people["lead_reviewer"]]
    types = list(CaseType.values)
    cases = Case.objects.bulk_create(
        Case(
            review=review,
            reference=f"Q-{i:05d}",
            case_type=types[i % len(types)],
            sample_status=SampleStatus.SAMPLED,
            assigned_to=reviewers[i % 2],
        )
        for i in range(start, start + count)
    )
    audits = CaseAudit.objects.bulk_create(
        CaseAudit(case=case, auditor=case.assigned_to, decision_agreement="yes") for case in cases
    )
    answers = [Answer.MET, Answer.PARTLY, Answer.NOT_MET, Answer.NOT_APPLICABLE]
    CriterionAnswer.objects.bulk_create(
        CriterionAnswer(audit=audit, criterion=criterion, answer=answers[(i + j) % 4])
        for i, audit in enumerate(audits)
        for j, criterion in enumerate(criteria)
    )


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("page", ["audits:analysis", "audits:home"])
def test_the_page_keeps_a_constant_query_count_from_20_to_2000_cases(
    world, page, django_assert_max_num_queries, no_last_seen_writes
) -> None:
    use_seed_002_tool(world.review)
    client = world.client("lead_reviewer")
    url = reverse(page, args=[world.review.pk])
    client.get(url)  # the session's first "last seen" is written here, not in a measured request
    _audited_cases(world, 0, 20)
    small = _queries(client, url)
    _audited_cases(world, 20, 1980)
    with django_assert_max_num_queries(small):
        response = client.get(url)
    assert Case.objects.filter(review=world.review).count() == 2000
    assert "Q-01999" in response.content.decode() or page == "audits:analysis"
    print(f"{page}: {small} queries at 20 cases and at most {small} at 2,000")
