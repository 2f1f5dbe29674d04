"""Accepting an invitation needs a full sign-in: a password alone adds no review to an account.

The invitation page is open to people not signed in (a newcomer creates their account there), so the
two-factor gate of every other page does not cover it: the page checks itself.
"""

from __future__ import annotations

import re

from django.core import mail
from django.test import Client
from django.urls import reverse

from reviews.setup.models import Membership, Role
from tests.factories import TEST_PASSWORD, current_code


def _invite(world, email: str, role: str = Role.HOST_STAFF) -> str:
    world.client("coordinator").post(
        reverse("reviews:invitation-create", args=[world.review.pk]),
        {"email": email, "role": role, "full_name": "Someone New"},
    )
    return re.search(r"http://testserver(/invitations/[^/\s]+/)", mail.outbox[-1].body).group(1)


def _password_only(email: str) -> Client:
    client = Client()
    response = client.post(
        reverse("accounts:sign-in"), {"username": email, "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    return client


def test_a_password_only_post_does_not_add_the_review_to_an_existing_account(world) -> None:
    newcomer = world.people["host_staff_not_on_team"]
    link = _invite(world, newcomer.email)
    client = _password_only(newcomer.email)

    response = client.post(link)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:two-factor"))
    assert not Membership.objects.filter(review=world.review, user=newcomer).exists()
    assert client.get(link)["Location"].startswith(reverse("accounts:two-factor"))

    # With the second factor given, the person comes back to the link and accepts.
    back = client.post(reverse("accounts:two-factor"), {"code": current_code(), "next": link})
    assert back["Location"] == link
    assert client.post(link).status_code == 302
    assert Membership.objects.get(review=world.review, user=newcomer).role == Role.HOST_STAFF


def test_a_new_account_made_from_an_invitation_reaches_nothing_before_its_second_factor(
    world,
) -> None:
    link = _invite(world, "fresh.face@northmoor.example")
    client = Client()
    response = client.post(
        link,
        {
            "full_name": "Fresh Face",
            "job_title": "Social worker",
            "password1": TEST_PASSWORD,
            "password2": TEST_PASSWORD,
        },
    )
    assert response.status_code == 302
    for url in (
        world.review.get_absolute_url(),
        reverse("reviews:documents", args=[world.review.pk]),
        reverse("reviews:your-reviews"),
        reverse("reviews:calendar"),
    ):
        page = client.get(url)
        assert page.status_code == 302, url
        assert page["Location"].startswith(reverse("accounts:two-factor-setup")), url
        followed = client.get(url, follow=True)
        assert followed.request["PATH_INFO"] == reverse("accounts:two-factor-setup"), url
        # nothing of the review's own pages: its team, its documents
        assert world.people["host_lead"].full_name not in followed.content.decode()
