"""Inviting people to a review by email: one use, seven days, and no duplicates."""

from __future__ import annotations

import datetime as dt
import re

from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from reviews.setup.models import Invitation, Membership, Role
from tests.factories import TEST_PASSWORD, UserFactory


def _invite(world, email: str, role: str = Role.REVIEWER, name: str = "Joanne Pike"):
    return world.client("coordinator").post(
        reverse("reviews:invitation-create", args=[world.review.pk]),
        {"email": email, "role": role, "full_name": name},
    )


def _link() -> str:
    return re.search(r"http://testserver(/invitations/[^/\s]+/)", mail.outbox[-1].body).group(1)


def test_an_invitation_email_leads_a_new_person_to_create_their_account_and_join(
    world, client
) -> None:
    response = _invite(world, "Joanne.Pike@Westbridge.example")
    assert response.status_code == 302
    assert mail.outbox[-1].to == ["joanne.pike@westbridge.example"]
    assert world.review.title in mail.outbox[-1].subject
    assert "works once, for 7 days" in mail.outbox[-1].body
    link = _link()

    page = client.get(link).content.decode()
    assert "Create your account for joanne.pike@westbridge.example" in page
    page = client.post(
        link, {"full_name": "Joanne Pike", "password1": "short", "password2": "short"}
    ).content.decode()
    assert "This password is too short" in page and 'value="Joanne Pike"' in page
    response = client.post(
        link,
        {
            "full_name": "Joanne Pike",
            "job_title": "Team Manager",
            "password1": TEST_PASSWORD,
            "password2": TEST_PASSWORD,
        },
    )
    assert response["Location"] == world.review.get_absolute_url()
    joanne = User.objects.get(email="joanne.pike@westbridge.example")
    assert Membership.objects.get(review=world.review, user=joanne).role == Role.REVIEWER
    # Signed in with the new password; the second factor is set up before any review data shows.
    response = client.get(world.review.get_absolute_url())
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:two-factor-setup"))

    # The link works once.
    assert client.get(link).status_code == 410
    page = (
        world.client("coordinator")
        .get(reverse("reviews:team", args=[world.review.pk]))
        .content.decode()
    )
    assert "Accepted" in page


def test_an_existing_account_signs_in_and_gets_the_role_added(world) -> None:
    newcomer = world.people["host_staff_not_on_team"]
    _invite(world, newcomer.email, Role.HOST_STAFF)
    link = _link()
    from django.test import Client

    anonymous = Client()
    assert "Sign in, then open this link again" in anonymous.get(link).content.decode()
    client = world.client("host_staff_not_on_team")
    assert client.post(link).status_code == 302
    assert Membership.objects.get(review=world.review, user=newcomer).role == Role.HOST_STAFF


def test_someone_signed_in_as_another_person_cannot_use_the_link(world) -> None:
    _invite(world, "someone@northmoor.example")
    link = _link()
    client = world.client("reviewer_elsewhere")
    assert "This invitation is for someone@northmoor.example" in client.get(link).content.decode()
    assert client.post(link).status_code == 403
    assert not Membership.objects.filter(
        review=world.review, user=world.people["reviewer_elsewhere"]
    ).exists()


def test_an_expired_link_no_longer_works(world, client) -> None:
    _invite(world, "late@example.org")
    link = _link()
    Invitation.objects.filter(email="late@example.org").update(
        expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    page = client.get(link)
    assert page.status_code == 410 and "It expired on" in page.content.decode()
    assert (
        client.post(
            link, {"full_name": "Late", "password1": TEST_PASSWORD, "password2": TEST_PASSWORD}
        ).status_code
        == 410
    )
    assert not User.objects.filter(email="late@example.org").exists()


def test_invitations_expire_after_seven_days(world) -> None:
    _invite(world, "week@example.org")
    invitation = Invitation.objects.get(email="week@example.org")
    assert invitation.expires_at - invitation.sent_at == dt.timedelta(days=7)


def test_inviting_someone_already_on_the_team_or_already_invited_is_refused(world) -> None:
    page = _invite(world, "REVIEWER@example.org").content.decode()
    assert "reviewer@example.org is already on this review as reviewer" in page
    _invite(world, "new@example.org")
    page = _invite(world, "New@Example.org").content.decode()
    assert "An invitation to new@example.org has already been sent" in page
    assert Invitation.objects.filter(email="new@example.org").count() == 1
    page = _invite(world, "not an address").content.decode()
    assert (
        "Enter an email address in the correct format" in page and 'value="not an address"' in page
    )


def test_resend_gives_a_new_link_and_the_old_one_stops_working(world, client) -> None:
    _invite(world, "resend@example.org")
    old = _link()
    invitation = Invitation.objects.get(email="resend@example.org")
    world.client("coordinator").post(
        reverse("reviews:invitation-resend", args=[world.review.pk, invitation.pk])
    )
    new = _link()
    assert new != old
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200


def test_a_revoked_invitation_cannot_be_accepted(world, client) -> None:
    _invite(world, "revoked@example.org")
    link = _link()
    invitation = Invitation.objects.get(email="revoked@example.org")
    world.client("coordinator").post(
        reverse("reviews:invitation-revoke", args=[world.review.pk, invitation.pk])
    )
    response = client.get(link)
    assert (
        response.status_code == 410 and "The coordinator withdrew it" in response.content.decode()
    )
    # Revoked, the address can be invited again.
    assert _invite(world, "revoked@example.org").status_code == 302


def test_the_coordinator_changes_a_role_but_the_review_keeps_a_coordinator(world) -> None:
    client = world.client("coordinator")
    reviewer = Membership.objects.get(review=world.review, user=world.people["reviewer"])
    client.post(
        reverse("reviews:member-role", args=[world.review.pk, reviewer.pk]),
        {"role": Role.LEAD_REVIEWER},
    )
    reviewer.refresh_from_db()
    assert reviewer.role == Role.LEAD_REVIEWER

    coordinator = Membership.objects.get(review=world.review, user=world.people["coordinator"])
    page = client.post(
        reverse("reviews:member-role", args=[world.review.pk, coordinator.pk]),
        {"role": Role.REVIEWER},
    ).content.decode()
    assert "The review needs at least one coordinator" in page
    coordinator.refresh_from_db()
    assert coordinator.role == Role.COORDINATOR


def test_only_the_secret_hash_is_stored(world) -> None:
    _invite(world, "hash@example.org")
    token = _link().split("/")[2]
    invitation = Invitation.objects.get(email="hash@example.org")
    assert token not in invitation.token_hash and len(invitation.token_hash) == 64


def test_a_user_factory_person_is_untouched_by_a_failed_acceptance(world) -> None:
    UserFactory(email="exists@example.org")
    _invite(world, "exists@example.org")
    assert User.objects.filter(email__iexact="exists@example.org").count() == 1
