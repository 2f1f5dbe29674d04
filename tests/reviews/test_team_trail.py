"""Changes to a review's team are recorded with who made them: role changes, people joining, and
changes an administrator makes in the admin site (including removals)."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.forms import MultiWidget
from django.test import Client
from django.urls import reverse

from accounts.models import User
from reviews.setup.models import Membership, Review, Role
from tests.factories import TEST_PASSWORD
from trail.models import Event

pytestmark = pytest.mark.django_db


def _team_records(review: Review, after: int = 0):
    return Event.objects.filter(
        pk__gt=after, review_id=review.pk, action=Event.Action.TEAM_CHANGED
    ).order_by("pk")


def _last_event() -> int:
    return Event.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def test_a_role_change_records_the_coordinator_who_made_it_and_the_old_role(world) -> None:
    review = world.review
    membership = Membership.objects.get(review=review, user=world.people["reviewer"])
    mark = _last_event()
    response = world.client("coordinator").post(
        reverse("reviews:member-role", args=[review.pk, membership.pk]),
        {"role": Role.LEAD_REVIEWER},
    )
    assert response.status_code == 302
    event = _team_records(review, mark).get()
    assert event.actor == world.people["coordinator"]
    assert event.actor_email == "coordinator@example.org"
    assert event.ip_address == "127.0.0.1"
    assert event.detail == {
        "change": "role changed",
        "person": "reviewer@example.org",
        "role": Role.LEAD_REVIEWER,
        "from": Role.REVIEWER,
    }


def test_joining_by_invitation_is_recorded_as_the_persons_own_doing(world) -> None:
    review = world.review
    world.client("coordinator").post(
        reverse("reviews:invitation-create", args=[review.pk]),
        {"email": "newcomer@example.org", "role": Role.REVIEWER, "full_name": "New Comer"},
    )
    link = re.search(r"http://testserver(/invitations/[^/\s]+/)", mail.outbox[-1].body).group(1)
    mark = _last_event()
    Client().post(
        link,
        {
            "full_name": "New Comer",
            "job_title": "",
            "password1": TEST_PASSWORD,
            "password2": TEST_PASSWORD,
        },
    )
    newcomer = User.objects.get(email="newcomer@example.org")
    event = _team_records(review, mark).get()
    assert event.actor == newcomer and event.detail["change"] == "added"


def test_setting_up_a_review_records_its_coordinator_as_adding_themselves(world) -> None:
    from reviews.setup.models import Framework

    mark = _last_event()
    data = {
        "title": "Recorded review",
        "host": str(world.other_org.pk),
        "lead_organisation": str(world.lead_org.pk),
        "kind": Review.Kind.PEER_CHALLENGE,
        "delivery": Review.Delivery.ON_SITE,
        "framework": str(Framework.objects.filter(is_default=True).first().pk),
    }
    assert (
        world.client("coordinator").post(reverse("reviews:review-create"), data).status_code == 302
    )
    review = Review.objects.get(title="Recorded review")
    event = _team_records(review, mark).get()
    assert event.actor == world.people["coordinator"]
    assert event.detail["role"] == Role.COORDINATOR


def _admin_post_data(response) -> dict[str, object]:
    """What the admin change page would post back, as it stands."""
    data: dict[str, object] = {}

    def add(form) -> None:
        for bound in form:
            widget = bound.field.widget
            value = bound.value()
            if isinstance(widget, MultiWidget):
                parts = widget.decompress(value) if not isinstance(value, list) else value
                for i, part in enumerate(parts):
                    data[f"{bound.html_name}_{i}"] = "" if part is None else str(part)
            elif value is None:
                data[bound.html_name] = ""
            elif isinstance(value, bool):
                if value:
                    data[bound.html_name] = "on"
            elif isinstance(value, (list, tuple)):
                data[bound.html_name] = [str(v) for v in value]
            else:
                data[bound.html_name] = str(value)

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        add(formset.management_form)
        for form in formset.forms:
            add(form)
    return data


def test_an_administrator_removing_someone_in_the_admin_site_is_recorded(
    world, admin_client
) -> None:
    review = world.review
    url = reverse("admin:reviews_review_change", args=[review.pk])
    data = _admin_post_data(admin_client.get(url))
    reviewer = Membership.objects.get(review=review, user=world.people["reviewer"])
    index = next(
        key.split("-")[1]
        for key, value in data.items()
        if key.startswith("memberships-") and key.endswith("-id") and value == str(reviewer.pk)
    )
    data[f"memberships-{index}-DELETE"] = "on"
    mark = _last_event()
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert not Membership.objects.filter(pk=reviewer.pk).exists()
    admin = User.objects.get(is_superuser=True)
    removed = _team_records(review, mark).get()
    assert removed.actor == admin
    assert removed.detail == {
        "change": "removed",
        "person": "reviewer@example.org",
        "role": Role.REVIEWER,
    }


def test_an_administrator_adding_someone_and_changing_a_role_in_the_admin_site_is_recorded(
    world, admin_client
) -> None:
    review = world.review
    url = reverse("admin:reviews_review_change", args=[review.pk])
    data = _admin_post_data(admin_client.get(url))
    reviewer = Membership.objects.get(review=review, user=world.people["reviewer"])
    index = next(
        key.split("-")[1]
        for key, value in data.items()
        if key.startswith("memberships-") and key.endswith("-id") and value == str(reviewer.pk)
    )
    data[f"memberships-{index}-role"] = Role.LEAD_REVIEWER
    newcomer = User.objects.create_user("newcomer@example.org", TEST_PASSWORD, full_name="New")
    new = int(data["memberships-TOTAL_FORMS"])
    data["memberships-TOTAL_FORMS"] = str(new + 1)
    data[f"memberships-{new}-user"] = str(newcomer.pk)
    data[f"memberships-{new}-role"] = Role.REVIEWER
    data[f"memberships-{new}-review"] = str(review.pk)
    mark = _last_event()
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    admin = User.objects.get(is_superuser=True)
    records = {event.detail["change"]: event for event in _team_records(review, mark)}
    assert set(records) == {"added", "role changed"}
    assert all(event.actor == admin for event in records.values())
    assert records["added"].detail == {
        "change": "added",
        "person": "newcomer@example.org",
        "role": Role.REVIEWER,
    }
    assert records["role changed"].detail == {
        "change": "role changed",
        "person": "reviewer@example.org",
        "role": Role.LEAD_REVIEWER,
        "from": Role.REVIEWER,
    }


def test_an_administrator_moving_the_host_in_the_admin_site_is_recorded(
    world, admin_client
) -> None:
    review = world.review
    url = reverse("admin:reviews_review_change", args=[review.pk])
    data = _admin_post_data(admin_client.get(url))
    data["host"] = str(world.other_org.pk)
    mark = _last_event()
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    review.refresh_from_db()
    assert review.host == world.other_org
    event = Event.objects.get(pk__gt=mark, review_id=review.pk, action=Event.Action.REVIEW_CHANGED)
    assert event.actor == User.objects.get(is_superuser=True)
    assert event.detail["changed"] == {
        "host": {"from": "Northmoor Borough Council", "to": "Westbridge City Council"}
    }
