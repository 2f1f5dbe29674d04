"""A review's status follows events and its host is settled once it has started; every change of
either is recorded in the trail with who made it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from reviews.fieldwork.models import Finding
from reviews.setup.models import COORDINATOR_STATUSES, Membership, Review, Role
from tests.factories import UserFactory
from tests.issuing import issue_letter
from trail.models import Event

pytestmark = pytest.mark.django_db


def _edit_data(review: Review, **overrides: str) -> dict[str, str]:
    data = {
        "title": review.title,
        "host": str(review.host_id),
        "lead_organisation": str(review.lead_organisation_id),
        "kind": review.kind,
        "kind_other": review.kind_other,
        "delivery": review.delivery,
        "start_date_0": "",
        "start_date_1": "",
        "start_date_2": "",
        "end_date_0": "",
        "end_date_1": "",
        "end_date_2": "",
        "request": review.request,
        "addressee_name": "",
        "addressee_title": "",
        "our_reference": "",
        "your_reference": "",
        "status": review.status,
        "version": str(review.version),
    }
    data.update(overrides)
    return data


def _edit(world, review: Review, **overrides: str):
    review.refresh_from_db()
    return world.client("coordinator").post(
        reverse("reviews:review-edit", args=[review.pk]), _edit_data(review, **overrides)
    )


def _status_records(review: Review, after: int = 0):
    return Event.objects.filter(
        pk__gt=after,
        review_id=review.pk,
        action=Event.Action.REVIEW_CHANGED,
        detail__change="status",
    )


def _last_event() -> int:
    return Event.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def test_every_status_transition_through_the_edit_form(world) -> None:
    review = world.review
    coordinator = world.people["coordinator"]
    for old in Review.Status:
        for new in Review.Status:
            if old == new:
                continue
            Review.objects.filter(pk=review.pk).update(status=old)
            mark = _last_event()
            response = _edit(world, review, status=new)
            review.refresh_from_db()
            allowed = old in COORDINATOR_STATUSES and new in COORDINATOR_STATUSES
            back = allowed and list(Review.Status).index(new) < list(Review.Status).index(old)
            if back:
                # Back to an earlier stage: only with a reason, kept in the trail.
                assert response.status_code == 200, (old, new)
                assert "Say why the review goes back from" in response.content.decode()
                assert review.status == old
                assert not _status_records(review, mark).exists()
                response = _edit(world, review, status=new, status_reason="Dates moved.")
                review.refresh_from_db()
            if allowed:
                assert response.status_code == 302, (old, new)
                assert review.status == new
                event = _status_records(review, mark).get()
                assert event.actor == coordinator and event.actor_email == coordinator.email
                expected = {"change": "status", "from": old, "to": new}
                if back:
                    expected["reason"] = "Dates moved."
                assert event.detail == expected
            else:
                assert response.status_code == 200, (old, new)
                page = response.content.decode()
                assert "There is a problem" in page
                assert (
                    "The factual accuracy check starts when the lead reviewer shares" in page
                    or "cannot be changed by hand during the factual accuracy check" in page
                    or "The letter has been issued: the status can no longer be changed" in page
                ), (old, new)
                assert review.status == old, (old, new)
                assert not _status_records(review, mark).exists()


def test_the_coordinator_cannot_open_the_draft_to_the_host_by_setting_the_status(world) -> None:
    review = world.review
    response = _edit(world, review, status=Review.Status.ACCURACY_CHECK)
    assert response.status_code == 200
    review.refresh_from_db()
    assert review.status == Review.Status.FIELDWORK
    letter = reverse("reports:letter", kwargs={"pk": review.pk})
    assert world.client("host_lead").get(letter).status_code == 403
    response = _edit(world, review, status=Review.Status.ISSUED)
    review.refresh_from_db()
    assert review.status == Review.Status.FIELDWORK and review.letter_issued_at is None


def test_sharing_and_issuing_still_move_the_status_and_record_it(world) -> None:
    review = world.review
    Review.objects.filter(pk=review.pk).update(status=Review.Status.DRAFTING)
    Finding.objects.create(
        review=review, kind="strength", text="Strong partnerships.", status="agreed"
    )
    lead = world.client("lead_reviewer")
    lead_reviewer = world.people["lead_reviewer"]
    assert lead.post(reverse("reports:share", kwargs={"pk": review.pk})).status_code == 302
    review.refresh_from_db()
    assert review.status == Review.Status.ACCURACY_CHECK
    shared = Event.objects.get(
        review_id=review.pk, detail__change="letter shared for factual accuracy check"
    )
    assert shared.actor == lead_reviewer
    assert (shared.detail["from"], shared.detail["to"]) == ("drafting", "accuracy_check")

    assert issue_letter(lead, review).status_code == 302
    review.refresh_from_db()
    assert review.status == Review.Status.ISSUED
    issued = _status_records(review).get()
    assert issued.actor == lead_reviewer
    assert (issued.detail["from"], issued.detail["to"]) == ("accuracy_check", "issued")


def test_editing_a_review_records_who_changed_which_fields(world) -> None:
    review = world.review
    coordinator = world.people["coordinator"]
    response = _edit(
        world, review, title="Northmoor front door, 2027", status=Review.Status.DRAFTING
    )
    assert response.status_code == 302
    event = Event.objects.get(review_id=review.pk, detail__change="details edited")
    assert event.actor == coordinator
    assert event.detail["changed"] == {
        "title": {"from": "Northmoor front door", "to": "Northmoor front door, 2027"},
        "status": {"from": "fieldwork", "to": "drafting"},
        # The form left the dates empty.
        "start_date": {"from": "2026-11-17", "to": None},
        "end_date": {"from": "2026-11-19", "to": None},
    }


def test_the_host_of_a_review_that_has_started_cannot_be_changed(world) -> None:
    review = world.review  # fieldwork, the host's people on it
    response = _edit(world, review, host=str(world.other_org.pk))
    assert response.status_code == 200
    page = response.content.decode()
    assert "The host authority cannot be changed once the review has started" in page
    assert "There is a problem" in page and 'value="Northmoor front door"' in page
    review.refresh_from_db()
    assert review.host == world.host_org

    # Still in scoping, but the host lead contact has joined: settled too.
    Review.objects.filter(pk=review.pk).update(status=Review.Status.SCOPING)
    response = _edit(world, review, host=str(world.other_org.pk))
    assert "The host authority cannot be changed once the review has started" in (
        response.content.decode()
    )
    review.refresh_from_db()
    assert review.host == world.host_org


def test_the_host_of_a_review_still_being_set_up_can_be_changed_and_it_is_recorded(world) -> None:
    review = world.review
    Review.objects.filter(pk=review.pk).update(status=Review.Status.SCOPING)
    Membership.objects.filter(review=review, role__in=[Role.HOST_LEAD, Role.HOST_STAFF]).delete()
    response = _edit(world, review, host=str(world.other_org.pk))
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.host == world.other_org
    event = Event.objects.get(review_id=review.pk, detail__change="details edited")
    assert event.actor == world.people["coordinator"]
    assert event.detail["changed"]["host"] == {
        "from": "Northmoor Borough Council",
        "to": "Westbridge City Council",
    }


def test_moving_the_host_does_not_hand_the_host_lead_the_new_hosts_history(world) -> None:
    """The host lead contact of a review in scoping must not be moved to another authority."""
    review = world.review
    Review.objects.filter(pk=review.pk).update(status=Review.Status.SCOPING)
    newcomer = UserFactory(organisation=None)
    Membership.objects.filter(review=review, role=Role.HOST_STAFF).delete()
    Membership.objects.filter(review=review, role=Role.HOST_LEAD).update(user=newcomer)
    _edit(world, review, host=str(world.other_org.pk))
    history = reverse("improvement:authority-history", kwargs={"pk": world.other_org.pk})
    from django.test import Client

    client = Client()
    client.force_login(newcomer)
    assert client.get(history).status_code == 404
