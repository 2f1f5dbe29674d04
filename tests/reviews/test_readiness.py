"""The review overview shows how ready the review is (issue 21): each figure, what is done of what is
owed, linking to the page where the work is; the team's working material only to the team; the
stages with what ends each; and a step back with its reason. Its queries do not grow with the data."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from audits.models import AlertRecipient, Case, CaseAudit, CaseType, SafeguardingAlert
from reports.models import Comment, Letter
from reviews.documents.models import Document, DocumentRequest
from reviews.fieldwork.models import Finding
from reviews.self_assessment.models import SelfAssessment
from reviews.setup.models import Framework, Kloe, Review
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _overview(world, role: str) -> str:
    response = world.client(role).get(reverse("reviews:review-overview", args=[world.review.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _row(page: str, key: str) -> str:
    """The summary list row of one figure."""
    match = re.search(
        rf'<div class="govuk-summary-list__row" id="readiness-{key}">(.*?)</div>', page, re.S
    )
    assert match, f"no figure {key}"
    return re.sub(r"\s+", " ", match.group(1))


def _fill(world, n: int = 1) -> None:
    """A review with ``n`` of everything, some of it done."""
    review = world.review
    framework, _ = Framework.objects.get_or_create(name="Front door", review=review)
    start = Kloe.objects.filter(framework=framework).count()
    today = timezone.localdate()
    reviewer, lead = world.people["reviewer"], world.people["lead_reviewer"]
    letter, _ = Letter.objects.get_or_create(review=review)
    for i in range(start, start + n):
        kloe = Kloe.objects.create(framework=framework, position=i, heading=f"Line {i}")
        Finding.objects.create(review=review, kloe=kloe, kind="strength", text="A", status="agreed")
        Finding.objects.create(review=review, kind="recommendation", text="B")
        Kloe.objects.create(framework=framework, position=100 + i, heading=f"Empty {i}")
        for j, (who, status) in enumerate(
            [(reviewer, CaseAudit.Status.COMPLETE), (reviewer, None), (lead, None)]
        ):
            case = Case.objects.create(
                review=review, reference=f"C-{i}-{j}", case_type=CaseType.values[0], assigned_to=who
            )
            if status:
                CaseAudit.objects.create(case=case, auditor=who, status=status)
        alert = SafeguardingAlert.objects.create(
            review=review, case=case, raised_by=reviewer, concern="Worry."
        )
        AlertRecipient.objects.create(alert=alert, user=lead)
        Comment.objects.create(
            letter=letter, section_key="summary", section_title="Summary", text="Wrong."
        )
        done = DocumentRequest.objects.create(review=review, kind="data_pack")
        Document.objects.create(
            review=review,
            request=done,
            file="documents/x.pdf",
            original_name="x.pdf",
            file_type="pdf",
            extension=".pdf",
            content_type="application/pdf",
            size=1,
            sha256="0" * 64,
        )
        DocumentRequest.objects.create(
            review=review, kind="threshold_document", due_date=today - dt.timedelta(days=1)
        )
        DocumentRequest.objects.create(
            review=review, kind="improvement_plan", due_date=today + dt.timedelta(days=3)
        )


def test_the_team_sees_every_figure_with_its_link(world) -> None:
    _fill(world)
    SelfAssessment.objects.create(review=world.review)
    page = _overview(world, "lead_reviewer")
    pk = world.review.pk
    assert "How ready the review is" in page
    findings = _row(page, "findings")
    assert (
        "Findings agreed" in findings
        and "1 of 2" in findings
        and "1 draft recommendation" in findings
    )
    assert reverse("reviews:findings", args=[pk]) in findings
    kloes = _row(page, "kloes")
    assert "Key lines of enquiry with no agreed finding" in kloes and "1 of 2" in kloes
    audits = _row(page, "case-audits")
    assert "1 of 3 assigned" in audits
    assert escape(world.people["reviewer"].full_name) + ": 1 of 2" in audits
    assert escape(world.people["lead_reviewer"].full_name) + ": 0 of 1" in audits
    assert reverse("audits:home", args=[pk]) in audits
    alerts = _row(page, "alerts")
    assert "1 of 1" in alerts and "Stops the letter" in alerts
    assert reverse("audits:alerts", args=[pk]) in alerts
    comments = _row(page, "comments")
    assert "Host comments on the shared draft not answered" in comments and "1 of 1" in comments
    assert reverse("reports:comments", args=[pk]) in comments
    documents = _row(page, "documents")
    assert "2 of 3 (1 overdue)" in documents
    assert reverse("reviews:documents", args=[pk]) in documents
    assessment = _row(page, "self-assessment")
    assert "Started, not submitted" in assessment
    assert reverse("reviews:self-assessment", args=[pk]) in assessment
    # The lead reviewer is led to the checks before issuing.
    assert reverse("reports:issue", args=[pk]) in page


def test_the_host_sees_what_it_owes_and_not_the_teams_work(world) -> None:
    _fill(world)
    SelfAssessment.objects.create(
        review=world.review, status=SelfAssessment.Status.SUBMITTED, submitted_at=timezone.now()
    )
    for role in ("host_lead", "host_staff"):
        page = _overview(world, role)
        for key in ("findings", "kloes", "case-audits", "alerts"):
            assert f'id="readiness-{key}"' not in page, (role, key)
        assert "Findings agreed" not in page and "Case audits complete" not in page
        assert "2 of 3 (1 overdue)" in _row(page, "documents")
        assert "Submitted on" in _row(page, "self-assessment")
        assert reverse("reports:issue", args=[world.review.pk]) not in page
        # The draft is not shared (fieldwork): no comments counted for the host.
        assert 'id="readiness-comments"' not in page
    # While the draft is shared the host lead contact sees whether their comments are answered.
    Review.objects.filter(pk=world.review.pk).update(status=Review.Status.ACCURACY_CHECK)
    assert "1 of 1" in _row(_overview(world, "host_lead"), "comments")
    assert 'id="readiness-comments"' not in _overview(world, "host_staff")


def test_a_done_figure_says_so(world) -> None:
    page = _overview(world, "coordinator")
    assert "Done" in _row(page, "alerts") and "0 of 0" in _row(page, "alerts")
    assert "Not started" in _row(page, "self-assessment")
    # The coordinator does not issue: no link to the checks.
    assert reverse("reports:issue", args=[world.review.pk]) not in page


def test_the_stages_say_what_ends_each_and_mark_the_current_one(world) -> None:
    page = _overview(world, "host_staff")
    assert "Stages of the review" in page
    current = re.search(
        r'<li class="govuk-task-list__item" aria-current="step">(.*?)</li>', page, re.S
    )
    assert current and "Fieldwork" in current.group(1) and "Now" in current.group(1)
    assert "Ends when the lead reviewer shares the draft letter with the host" in page
    assert "Ends when the lead reviewer issues the letter" in page
    assert page.count('aria-current="step"') == 1


def test_a_step_back_shows_with_its_reason_to_the_team(world) -> None:
    from tests.reviews.test_review_status_and_host import _edit

    response = _edit(
        world,
        world.review,
        status=Review.Status.PREPARATION,
        status_reason="Dates moved by the host.",
    )
    assert response.status_code == 302
    page = _overview(world, "lead_reviewer")
    assert "Moved back from “Fieldwork” to “Preparation”" in page
    assert "Reason: Dates moved by the host." in page
    assert "Dates moved by the host." not in _overview(world, "host_staff")
    trail = world.client("coordinator").get(reverse("reviews:review-trail", args=[world.review.pk]))
    assert "Reason: Dates moved by the host." in trail.content.decode()


def test_a_step_forward_needs_no_reason(world) -> None:
    from tests.reviews.test_review_status_and_host import _edit

    assert _edit(world, world.review, status=Review.Status.DRAFTING).status_code == 302
    page = _overview(world, "lead_reviewer")
    assert "Moved from “Fieldwork” to “Drafting the letter”" in page and "Reason:" not in page


def test_the_overview_makes_the_same_number_of_queries_with_more_of_everything(world) -> None:
    def count() -> int:
        client = world.client("lead_reviewer")
        url = reverse("reviews:review-overview", args=[world.review.pk])
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    _fill(world, 1)
    small = count()
    _fill(world, 4)
    for i in range(3):  # another auditor
        extra = UserFactory(email=f"auditor{i}@example.org")
        Case.objects.create(
            review=world.review, reference=f"X-{i}", case_type=CaseType.values[0], assigned_to=extra
        )
    assert count() == small
