""" "Needs your attention" on Your reviews: what each person owes, across all their reviews, each a
link straight to the work; "Nothing needs you now" when true; its queries flat as the data grows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audits.models import AlertRecipient, SafeguardingAlert
from core.attention import for_person
from improvement.models import Action
from reports.models import Comment, Letter
from reviews.documents.models import DocumentRequest
from reviews.fieldwork.models import Finding
from reviews.self_assessment.models import SelfAssessment
from tests.audits.factories import CaseFactory, started_audit

pytestmark = pytest.mark.django_db


def _owed(world, review, copies=1):
    """Work owed by each role on ``review``, ``copies`` times over."""
    today = timezone.localdate()
    for n in range(copies):
        DocumentRequest.objects.create(
            review=review, kind="other", title=f"Data {n}", due_date=today - dt.timedelta(days=1)
        )
        DocumentRequest.objects.create(
            review=review, kind="other", title=f"Plan {n}", due_date=today + dt.timedelta(days=9)
        )
        Finding.objects.create(review=review, kind="strength", text=f"Draft {n}", status="draft")
        case = CaseFactory(review=review, assigned_to=world.user("reviewer"))
        audit = started_audit(review, world.user("reviewer"))
        alert = SafeguardingAlert.objects.create(
            review=review, case=audit.case, raised_by=world.user("reviewer"), concern="A worry."
        )
        AlertRecipient.objects.create(alert=alert, user=world.user("coordinator"))
        letter, _ = Letter.objects.get_or_create(review=review)
        Comment.objects.create(
            letter=letter, section_key="next-steps", section_title="Next steps", text=f"Wrong {n}"
        )
        finding = Finding.objects.create(
            review=review, kind="recommendation", text=f"Do {n}", status="agreed"
        )
        Action.objects.create(
            review=review,
            finding=finding,
            what="Act",
            owner="Head of service",
            due_date=today + dt.timedelta(days=3),
        )
        del case
    SelfAssessment.objects.get_or_create(review=review)


def test_each_role_sees_what_it_owes_with_links_to_the_work(world):
    review = world.review
    _owed(world, review)
    host = {i.text: i for i in for_person(world.user("host_lead"), timezone.localdate())}
    assert "Upload 2 requested documents (1 overdue)" in host
    assert host["Upload 2 requested documents (1 overdue)"].url == reverse(
        "reviews:documents", kwargs={"pk": review.pk}
    )
    assert "Complete and submit the self-assessment" in host
    assert "1 action of the action plan due" in host
    lead = [i.text for i in for_person(world.user("lead_reviewer"), timezone.localdate())]
    assert "Agree or return 1 draft finding" in lead
    assert "Answer 1 factual accuracy comment" in lead
    reviewer = [i.text for i in for_person(world.user("reviewer"), timezone.localdate())]
    assert "Complete 2 case audits assigned to you (1 started)" in reviewer
    coordinator = for_person(world.user("coordinator"), timezone.localdate())
    assert coordinator[0].urgent and coordinator[0].text.startswith("Read and acknowledge")


def test_a_withdrawn_request_is_owed_by_nobody(world):
    """A request the coordinator withdrew is not for the host to upload: not on their list, not in
    their digest, not outstanding on the review's readiness panel."""
    review = world.review
    _owed(world, review)
    DocumentRequest.objects.filter(review=review, title="Data 0").update(
        withdrawn_at=timezone.now()
    )
    host = [i.text for i in for_person(world.user("host_lead"), timezone.localdate())]
    assert "Upload 1 requested document" in host
    page = world.client("coordinator").get(reverse("reviews:review-overview", args=[review.pk]))
    body = page.content.decode()
    figure = body[body.index("Documents requested and not yet uploaded") :][:400]
    assert "1 of 1" in figure, figure


def test_the_page_says_nothing_needs_you_now_when_true(world):
    page = world.client("host_staff").get(reverse("reviews:your-reviews")).content.decode()
    assert "Nothing needs you now." in page
    _owed(world, world.review)
    page = world.client("host_lead").get(reverse("reviews:your-reviews")).content.decode()
    assert "Needs your attention" in page and "Upload 2 requested documents" in page
    assert "Overdue" in page and "Nothing needs you now." not in page


@pytest.mark.parametrize("role", ["host_lead", "lead_reviewer", "reviewer", "coordinator"])
def test_the_list_makes_the_same_queries_with_more_reviews_and_more_work(world, role):
    _owed(world, world.review)
    user = world.user(role)
    with CaptureQueriesContext(connection) as small:
        for_person(user, timezone.localdate())
    _owed(world, world.review, copies=4)
    with CaptureQueriesContext(connection) as bigger:
        more = for_person(user, timezone.localdate())
    assert more
    assert len(bigger) == len(small)
