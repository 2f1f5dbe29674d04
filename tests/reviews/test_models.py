import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from reviews.setup.models import Membership, Review, Role
from tests.factories import MembershipFactory, ReviewFactory


def test_a_review_cannot_end_before_it_starts(world) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        ReviewFactory(start_date=dt.date(2026, 11, 19), end_date=dt.date(2026, 11, 17))


def test_the_host_cannot_lead_its_own_review(world) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        ReviewFactory(host=world.host_org, lead_organisation=world.host_org)


def test_a_person_has_one_role_per_review(world) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        MembershipFactory(review=world.review, user=world.people["reviewer"], role=Role.HOST_STAFF)
    assert (
        Membership.objects.filter(review=world.review, user=world.people["reviewer"]).count() == 1
    )


def test_for_user_lists_only_the_reviews_a_person_is_on(world) -> None:
    assert list(Review.objects.for_user(world.people["reviewer"])) == [world.review]
    assert list(Review.objects.for_user(world.people["host_staff_not_on_team"])) == []


def test_kind_other_reads_as_typed(world) -> None:
    review = ReviewFactory(kind=Review.Kind.OTHER, kind_other="Regional MASH diagnostic")
    assert review.kind_label == "Regional MASH diagnostic"
