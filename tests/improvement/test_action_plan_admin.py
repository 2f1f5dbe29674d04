"""Action plans are the content of a review: the admin site does not show or change them (need to
know); what the admin site still changes about an authority's history is recorded."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import NoReverseMatch, reverse

from accounts.models import User
from improvement.models import Action, ExternalReview
from tests.authz.expectations.improvement import issue
from trail.models import Event

pytestmark = pytest.mark.django_db


def _action(world) -> Action:
    finding = issue(world.review)
    return Action.objects.create(
        review=world.review,
        finding=finding,
        what="Rewrite the threshold guidance.",
        owner="Head of Service",
        due_date=dt.date(2027, 1, 1),
    )


def test_a_superuser_not_on_the_review_cannot_see_or_change_its_action_plan(
    world, admin_client
) -> None:
    action = _action(world)
    for path in (
        "/admin/improvement/action/",
        f"/admin/improvement/action/{action.pk}/change/",
        "/admin/improvement/progressupdate/",
    ):
        response = admin_client.get(path)
        assert response.status_code == 404, path
        assert "Rewrite the threshold guidance." not in response.content.decode(), path
    response = admin_client.post(
        f"/admin/improvement/action/{action.pk}/change/",
        {"what": "Changed by an administrator", "owner": "Head of Service"},
    )
    assert response.status_code == 404
    action.refresh_from_db()
    assert action.what == "Rewrite the threshold guidance."
    with pytest.raises(NoReverseMatch):
        reverse("admin:improvement_action_changelist")
    index = admin_client.get(reverse("admin:index")).content.decode()
    assert "/admin/improvement/action/" not in index


def test_an_external_review_changed_in_the_admin_site_is_recorded(world, admin_client) -> None:
    external = ExternalReview.objects.create(
        organisation=world.host_org,
        date=dt.date(2024, 5, 1),
        kind=ExternalReview.Kind.OFSTED_INSPECTION,
        headline="Good overall.",
    )
    url = reverse("admin:improvement_externalreview_delete", args=[external.pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 302
    event = Event.objects.get(action=Event.Action.EXTERNAL_REVIEW_CHANGED)
    assert event.actor == User.objects.get(is_superuser=True)
    assert event.detail == {"change": "deleted in the admin site"}
