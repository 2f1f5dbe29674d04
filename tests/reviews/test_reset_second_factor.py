"""A coordinator resets a member's second factor only after proving it is them, and the member is told.

The attack: someone at a coordinator's unlocked computer (or holding a stolen session) resets a
member's second factor, then signs in as the member with a phished password and sets up their own app.
"""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import TEST_PASSWORD, current_code
from trail.models import Event


@pytest.fixture
def url(world) -> str:
    membership = world.review.memberships.get(user=world.people["reviewer"])
    return reverse("reviews:member-reset-two-factor", args=[world.review.pk, membership.pk])


def test_a_session_alone_cannot_reset_a_members_second_factor(world, url) -> None:
    response = world.client("coordinator").post(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page and "Enter your password" in page
    assert TOTPDevice.objects.filter(user=world.people["reviewer"]).exists()
    assert not Event.objects.filter(action=Event.Action.TWO_FACTOR_RESET).exists()
    assert not mail.outbox


def test_a_wrong_password_is_refused_clearly_and_nothing_is_reset(world, url) -> None:
    response = world.client("coordinator").post(
        url, {"password": "not my password", "code": current_code()}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Your password is not right" in page
    assert TOTPDevice.objects.filter(user=world.people["reviewer"]).exists()
    assert not mail.outbox
    # the guess counts towards the coordinator's sign-in lockout
    assert Event.objects.filter(
        action=Event.Action.SIGN_IN_FAILED, actor_email="coordinator@example.org"
    ).exists()


def test_the_right_password_without_a_current_code_is_refused(world, url) -> None:
    response = world.client("coordinator").post(url, {"password": TEST_PASSWORD, "code": "000000"})
    assert response.status_code == 200
    assert "That code is not right" in response.content.decode()
    assert TOTPDevice.objects.filter(user=world.people["reviewer"]).exists()


def test_the_confirmation_page_changes_nothing(world, url) -> None:
    response = world.client("coordinator").get(url)
    assert response.status_code == 200
    assert 'name="password"' in response.content.decode()
    assert TOTPDevice.objects.filter(user=world.people["reviewer"]).exists()


def test_with_password_and_code_the_reset_happens_is_recorded_and_the_person_is_emailed(
    world, url
) -> None:
    reviewer = world.people["reviewer"]
    response = world.client("coordinator").post(
        url, {"password": TEST_PASSWORD, "code": current_code()}
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=reviewer).exists()
    event = Event.objects.get(action=Event.Action.TWO_FACTOR_RESET)
    assert event.actor == world.people["coordinator"]
    assert [m.to for m in mail.outbox] == [["reviewer@example.org"]]
    body = mail.outbox[0].body
    assert world.people["coordinator"].full_name in body
    assert "If you did not ask for this" in body


def test_without_two_factor_sign_in_the_password_is_enough(world, url, settings) -> None:
    settings.TWO_FACTOR_REQUIRED = False
    client = world.client("coordinator")
    assert 'name="code"' not in client.get(url).content.decode()
    assert client.post(url, {"password": TEST_PASSWORD}).status_code == 302
    assert not TOTPDevice.objects.filter(user=world.people["reviewer"]).exists()


def test_the_overview_links_to_the_confirmation_instead_of_resetting_at_once(world, url) -> None:
    page = world.client("coordinator").get(world.review.get_absolute_url()).content.decode()
    assert f'href="{url}"' in page
    assert f'action="{url}"' not in page
