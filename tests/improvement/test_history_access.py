"""An authority's history and its name in regional figures follow a real relationship with it, never
the act of setting up a review that it hosts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Region, RegionalAccess
from reviews.fieldwork.models import Finding
from reviews.setup.models import Membership, Review, Role
from tests.authz.expectations.improvement import issue
from tests.factories import (
    MembershipFactory,
    ReviewFactory,
    UserFactory,
    set_up_review_through_the_form,
)

pytestmark = pytest.mark.django_db


def _history(client, org):
    return client.get(reverse("improvement:authority-history", kwargs={"pk": org.pk}))


def _other_teams_issued_review(host) -> Review:
    review = ReviewFactory(host=host, title="Another team's review of the target")
    MembershipFactory(review=review, role=Role.COORDINATOR)
    issue(review)
    Finding.objects.filter(review=review).update(text="A recommendation only its team knows.")
    return review


def test_picking_an_authority_as_host_does_not_open_its_history(world) -> None:
    _other_teams_issued_review(world.other_org)
    review = set_up_review_through_the_form(world, world.other_org)
    client = world.client("coordinator")
    assert _history(client, world.other_org).status_code == 404
    # Moving the review on by hand does not either.
    Review.objects.filter(pk=review.pk).update(status=Review.Status.FIELDWORK)
    assert _history(client, world.other_org).status_code == 404
    # Nor does adding an external review to it.
    url = reverse("improvement:external-review-create", kwargs={"pk": world.other_org.pk})
    assert client.get(url).status_code == 404


def test_the_team_sees_the_hosts_history_once_their_review_is_issued(world) -> None:
    _other_teams_issued_review(world.host_org)
    for role in ("coordinator", "lead_reviewer", "reviewer"):
        assert _history(world.client(role), world.host_org).status_code == 404, role
    issue(world.review)
    for role in ("coordinator", "lead_reviewer", "reviewer"):
        page = _history(world.client(role), world.host_org)
        assert page.status_code == 200, role
        assert "A recommendation only its team knows." in page.content.decode()


def test_someone_added_to_the_team_after_the_letter_does_not_get_the_history(world) -> None:
    issue(world.review)
    latecomer = UserFactory(organisation=world.lead_org)
    Membership.objects.create(review=world.review, user=latecomer, role=Role.REVIEWER)
    from django.test import Client

    client = Client()
    client.force_login(latecomer)
    assert _history(client, world.host_org).status_code == 404


def test_the_hosts_people_on_a_live_review_see_its_history(world) -> None:
    assert world.review.status == Review.Status.FIELDWORK
    assert _history(world.client("host_lead"), world.host_org).status_code == 200
    assert _history(world.client("host_staff"), world.host_org).status_code == 200
    assert _history(world.client("host_lead"), world.other_org).status_code == 404


def test_setting_up_a_review_does_not_name_an_authority_in_the_regional_view(world) -> None:
    region = Region.objects.create(name="North")
    region.organisations.add(world.lead_org, world.host_org, world.other_org)
    earlier = timezone.now() - dt.timedelta(days=30)
    for i in range(3):
        Review.objects.create(
            host=world.other_org,
            lead_organisation=world.host_org,
            title=f"Regional review {i}",
            status=Review.Status.ISSUED,
            letter_issued_at=earlier,
            start_date=dt.date(2024, 3, 1),
        )
    coordinator = world.people["coordinator"]
    RegionalAccess.objects.create(user=coordinator, region=region)
    url = reverse("improvement:regional")
    text = world.client("coordinator").get(url).content.decode()
    assert "Westbridge City Council" not in text and "Authority A" in text

    set_up_review_through_the_form(world, world.other_org)
    text = world.client("coordinator").get(url).content.decode()
    assert "Westbridge City Council" not in text and "Authority A" in text


def test_the_review_pages_offer_the_history_link_only_to_those_it_opens_for(world) -> None:
    overview = reverse("reviews:review-overview", args=[world.review.pk])
    link = "History of Northmoor"
    assert link in world.client("host_lead").get(overview).content.decode()
    assert link not in world.client("reviewer").get(overview).content.decode()
    issue(world.review)
    assert link in world.client("reviewer").get(overview).content.decode()
