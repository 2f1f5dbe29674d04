"""The later stages follow events (issue 21): sharing the draft starts the factual accuracy check from
any earlier stage, issuing marks the letter issued, and nothing takes an issued review back. (The
coordinator's hand-set transitions, every pair of them, are tried in test_review_status_and_host.)"""

from __future__ import annotations

import pytest
from django.urls import reverse

from reviews.setup.models import COORDINATOR_STATUSES, Review
from tests.issuing import issue_letter
from trail.models import Event

pytestmark = pytest.mark.django_db


def _status_events(review: Review):
    return Event.objects.filter(review_id=review.pk, action=Event.Action.REVIEW_CHANGED).filter(
        detail__to__in=[Review.Status.ACCURACY_CHECK, Review.Status.ISSUED]
    )


@pytest.mark.parametrize("stage", sorted(COORDINATOR_STATUSES))
def test_sharing_the_draft_starts_the_accuracy_check_from_any_earlier_stage(world, stage) -> None:
    review = world.review
    Review.objects.filter(pk=review.pk).update(status=stage)
    lead = world.client("lead_reviewer")
    assert lead.post(reverse("reports:share", args=[review.pk])).status_code == 302
    review.refresh_from_db()
    assert review.status == Review.Status.ACCURACY_CHECK
    event = _status_events(review).get()
    assert (event.detail["from"], event.detail["to"]) == (stage, Review.Status.ACCURACY_CHECK)
    overview = lead.get(review.get_absolute_url()).content.decode()
    assert "Moved from “" in overview and "to “Factual accuracy check”" in overview


@pytest.mark.parametrize("stage", [Review.Status.DRAFTING, Review.Status.ACCURACY_CHECK])
def test_issuing_marks_the_letter_issued(world, stage) -> None:
    review = world.review
    Review.objects.filter(pk=review.pk).update(status=stage)
    assert issue_letter(world.client("lead_reviewer"), review).status_code == 302
    review.refresh_from_db()
    assert review.status == Review.Status.ISSUED and review.letter_issued_at is not None
    event = _status_events(review).get(detail__change="status")
    assert (event.detail["from"], event.detail["to"]) == (stage, Review.Status.ISSUED)


def test_an_issued_letter_is_not_shared_again_and_the_review_stays_issued(world) -> None:
    review = world.review
    lead = world.client("lead_reviewer")
    assert issue_letter(lead, review).status_code == 302
    letter_page = lead.get(reverse("reports:letter", args=[review.pk])).content.decode()
    assert "Share the draft with the host" not in letter_page
    response = lead.post(reverse("reports:share", args=[review.pk]), follow=True)
    assert "it is not shared again for a factual accuracy check" in response.content.decode()
    review.refresh_from_db()
    assert review.status == Review.Status.ISSUED
    assert not _status_events(review).filter(detail__to=Review.Status.ACCURACY_CHECK).exists()
