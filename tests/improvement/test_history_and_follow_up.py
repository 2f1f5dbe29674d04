"""An authority's history and follow-up reviews."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Region, RegionalAccess
from improvement.models import Action, ExternalReview
from reviews.setup.models import Framework, Kloe, Membership, Review, Role
from tests.authz.expectations.improvement import PDF, issue
from tests.factories import UserFactory
from trail.models import Event

pytestmark = pytest.mark.django_db


def _history(world, role: str, org=None):
    org = org or world.host_org
    return world.client(role).get(reverse("improvement:authority-history", kwargs={"pk": org.pk}))


def test_history_shows_reviews_external_reviews_and_action_status(world) -> None:
    finding = issue(world.review)
    Action.objects.create(
        review=world.review,
        finding=finding,
        what="Rewrite",
        owner="Head of Service",
        due_date=dt.date(2020, 1, 1),
    )
    ExternalReview.objects.create(
        organisation=world.host_org,
        date=dt.date(2024, 5, 1),
        kind=ExternalReview.Kind.OFSTED_INSPECTION,
        headline="Good overall; help and protection requires improvement.",
    )
    text = _history(world, "host_staff").content.decode()
    assert "Northmoor front door" in text
    assert "Review the threshold document with partners." in text
    assert "Overdue (1 overdue)" in text
    assert "Ofsted inspection (ILACS)" in text and "help and protection requires" in text
    assert "Westbridge" not in text


def test_people_of_other_authorities_do_not_find_the_history(world) -> None:
    assert _history(world, "other_host_staff").status_code == 404
    assert _history(world, "reviewer_elsewhere").status_code == 404
    # Staff of the host with no role on any review are not "its staff on a review": 404 too.
    assert _history(world, "host_staff_not_on_team").status_code == 404


def test_a_regional_lead_sees_the_history_of_the_regions_authorities(world, client) -> None:
    region = Region.objects.create(name="North")
    region.organisations.add(world.host_org)
    person = UserFactory()
    RegionalAccess.objects.create(user=person, region=region)
    client.force_login(person)
    url = reverse("improvement:authority-history", kwargs={"pk": world.host_org.pk})
    assert client.get(url).status_code == 200
    other = reverse("improvement:authority-history", kwargs={"pk": world.other_org.pk})
    assert client.get(other).status_code == 404


def test_host_lead_records_an_ofsted_inspection_with_its_letter(world) -> None:
    client = world.client("host_lead")
    url = reverse("improvement:external-review-create", kwargs={"pk": world.host_org.pk})
    response = client.post(
        url,
        {
            "kind": "ofsted_ilacs",
            "date_0": "12",
            "date_1": "6",
            "date_2": "2024",
            "headline": "Good",
            "link": "https://reports.ofsted.gov.uk/provider/44/80000",
            "letter": SimpleUploadedFile("ofsted.pdf", PDF, content_type="application/pdf"),
        },
    )
    assert response.status_code == 302
    external = ExternalReview.objects.get()
    assert external.letter_name == "ofsted.pdf" and external.added_by == world.user("host_lead")
    letter_url = reverse(
        "improvement:external-review-letter",
        kwargs={"pk": world.host_org.pk, "external": external.pk},
    )
    # The host's people read it; the review team once their review's letter is issued (the history
    # follows a real relationship with the authority, see reviews.permissions).
    letter = world.client("host_staff").get(letter_url)
    assert b"".join(letter.streaming_content) == PDF
    assert world.client("reviewer").get(letter_url).status_code == 404
    issue(world.review)
    letter = world.client("reviewer").get(letter_url)
    assert b"".join(letter.streaming_content) == PDF


def test_an_external_letter_must_be_a_pdf(world) -> None:
    client = world.client("host_lead")
    url = reverse("improvement:external-review-create", kwargs={"pk": world.host_org.pk})
    response = client.post(
        url,
        {
            "kind": "other",
            "date_0": "12",
            "date_1": "6",
            "date_2": "2024",
            "headline": "Fine",
            "letter": SimpleUploadedFile("x.pdf", b"MZ not a pdf"),
        },
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "Enter the kind of review" in text
    assert ExternalReview.objects.count() == 0


def test_a_follow_up_copies_the_team_and_framework_and_shows_the_progress(world) -> None:
    framework = Framework.objects.create(name="KLOEs", review=world.review)
    Kloe.objects.create(framework=framework, position=1, heading="Thresholds")
    finding = issue(world.review)
    Action.objects.create(
        review=world.review,
        finding=finding,
        what="Rewrite the threshold guidance",
        owner="Head of Service",
        due_date=dt.date(2027, 3, 31),
        status=Action.Status.ON_TRACK,
    )
    client = world.client("coordinator")
    response = client.post(
        reverse("improvement:follow-up-create", kwargs={"pk": world.review.pk}),
        {"title": "Northmoor follow-up", "start_date_0": "", "end_date_0": ""},
    )
    assert response.status_code == 302
    follow_up = Review.objects.get(title="Northmoor follow-up")
    assert follow_up.previous_review == world.review and follow_up.kind == Review.Kind.FOLLOW_UP
    roles = dict(Membership.objects.filter(review=follow_up).values_list("user__email", "role"))
    assert roles == dict(
        Membership.objects.filter(review=world.review).values_list("user__email", "role")
    )
    assert roles["coordinator@example.org"] == Role.COORDINATOR
    # Each person put on the follow-up's team is in its trail, added by the coordinator who set it up.
    added = Event.objects.filter(review_id=follow_up.pk, action=Event.Action.TEAM_CHANGED)
    assert sorted(added.values_list("detail__person", flat=True)) == sorted(roles)
    assert set(added.values_list("actor_email", "detail__change")) == {
        ("coordinator@example.org", "added")
    }
    assert list(follow_up.framework.kloes.values_list("heading", flat=True)) == ["Thresholds"]
    assert follow_up.framework.pk != framework.pk

    page = world.client("reviewer").get(
        reverse("improvement:previous-review", kwargs={"pk": follow_up.pk})
    )
    text = page.content.decode()
    assert "Review the threshold document with partners." in text
    assert "Rewrite the threshold guidance" in text and "On track" in text
    assert "Add an action" not in text
    overview = world.client("reviewer").get(follow_up.get_absolute_url()).content.decode()
    assert "This is a follow-up review" in overview
