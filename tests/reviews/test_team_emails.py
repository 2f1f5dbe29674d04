"""The team page tells the truth about its emails: an invitation says who its email is queued for,
and the list of invitations (and each member, for a second factor reset) shows how it went."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.email import send_due
from reviews.setup.models import Invitation, Role

pytestmark = pytest.mark.django_db


def _invite(world, email: str, **extra):
    return world.client("coordinator").post(
        reverse("reviews:invitation-create", args=[world.review.pk]),
        {"email": email, "role": Role.REVIEWER, "full_name": "Joanne Pike", **extra},
        follow=True,
    )


def test_an_invitation_says_queued_and_the_list_shows_its_delivery_state(world, settings) -> None:
    settings.EMAIL_BACKEND = "tests.core.mail_backends.RefusingBackend"
    settings.EMAIL_RETRY_DELAYS = [0]
    page = _invite(world, "joanne@example.org").content.decode()
    assert "its email is queued for 1 person" in page
    assert "Invitation sent" not in page
    team = reverse("reviews:team", args=[world.review.pk])
    page = world.client("coordinator").get(team).content.decode()
    assert "Not sent yet" in page and "the mail server refused it (421" in page

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send_due() == 1
    page = world.client("coordinator").get(team).content.decode()
    assert "Not sent yet" not in page
    assert ">Sent</strong>" in page

    invitation = Invitation.objects.get()
    settings.EMAIL_BACKEND = "tests.core.mail_backends.UnknownAddressBackend"
    response = world.client("coordinator").post(
        reverse("reviews:invitation-resend", args=[world.review.pk, invitation.pk]), follow=True
    )
    page = response.content.decode()
    assert "its email is queued for 1 person" in page
    assert "Failed</strong> after 1 try: the mail server refused the address (550" in page


def test_the_team_page_reads_its_emails_in_flat_queries(world) -> None:
    team = reverse("reviews:team", args=[world.review.pk])
    client = world.client("coordinator")

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(team).status_code == 200
        return len(queries)

    _invite(world, "a@example.org")
    small = count()
    for n in range(5):
        _invite(world, f"b{n}@example.org")
    assert count() == small
