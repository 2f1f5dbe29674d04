"""Two-factor sign-in: a password alone never reaches review data."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.twofactor import confirm_device
from tests.factories import TEST_PASSWORD, TEST_TOTP_KEY, current_code
from trail.models import Event


def _password_only(email: str) -> Client:
    client = Client()
    response = client.post(
        reverse("accounts:sign-in"), {"username": email, "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    return client


def test_a_password_alone_never_reaches_review_data(world) -> None:
    client = _password_only("reviewer@example.org")
    for url in (
        reverse("reviews:your-reviews"),
        reverse("reviews:review-overview", args=[world.review.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:two-factor"))
        assert world.review.title not in client.get(url, follow=True).content.decode()


def test_the_right_code_completes_sign_in_and_returns_to_the_page_asked_for(world) -> None:
    client = _password_only("reviewer@example.org")
    overview = reverse("reviews:review-overview", args=[world.review.pk])
    response = client.post(
        reverse("accounts:two-factor"), {"code": current_code(), "next": overview}
    )
    assert response.status_code == 302 and response["Location"] == overview
    assert client.get(overview).status_code == 200


def test_a_wrong_code_is_refused_clearly_and_recorded(world) -> None:
    client = _password_only("reviewer@example.org")
    response = client.post(reverse("accounts:two-factor"), {"code": "000000"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page and "That code is not right" in page
    assert Event.objects.filter(
        action=Event.Action.TWO_FACTOR_FAILED, actor_email="reviewer@example.org"
    ).exists()
    assert client.get(reverse("reviews:your-reviews")).status_code == 302


def test_first_sign_in_sets_up_an_app_and_shows_ten_recovery_codes_once(world) -> None:
    person = world.people["host_staff"]
    TOTPDevice.objects.filter(user=person).delete()
    client = _password_only(person.email)
    response = client.get(reverse("reviews:your-reviews"), follow=True)
    page = response.content.decode()
    assert "Set up two-factor sign-in" in page
    assert "<svg" in page  # the QR code
    assert TOTPDevice.objects.filter(user=person).count() == 0  # nothing stored on GET
    token = re.search(r'name="setup_token" value="([^"]+)"', page).group(1)
    secret = (
        re.search(r'class="govuk-body app-secret"><code>([^<]+)</code>', page)
        .group(1)
        .replace(" ", "")
    )
    import base64

    key_hex = base64.b32decode(secret + "=" * (-len(secret) % 8)).hex()

    wrong = client.post(
        reverse("accounts:two-factor-setup"), {"setup_token": token, "code": "123456"}
    )
    assert "That code is not right" in wrong.content.decode()
    assert 'value="123456"' in wrong.content.decode()

    done = client.post(
        reverse("accounts:two-factor-setup"), {"setup_token": token, "code": current_code(key_hex)}
    )
    codes = re.findall(r"<li><code>([a-z0-9]+)</code></li>", done.content.decode())
    assert len(codes) == 10
    assert client.get(reverse("reviews:your-reviews")).status_code == 200
    assert Event.objects.filter(action=Event.Action.TWO_FACTOR_SET_UP, actor=person).exists()


def test_a_recovery_code_works_once(world) -> None:
    person = world.people["reviewer"]
    codes = confirm_device(person, TEST_TOTP_KEY)
    client = _password_only(person.email)
    assert client.post(reverse("accounts:two-factor"), {"code": codes[0]}).status_code == 302
    assert StaticToken.objects.filter(device__user=person).count() == 9
    again = _password_only(person.email)
    response = again.post(reverse("accounts:two-factor"), {"code": codes[0]})
    assert response.status_code == 200 and "already been used" in response.content.decode()
    assert Event.objects.filter(action=Event.Action.RECOVERY_CODE_USED, actor=person).count() == 1


def test_the_coordinator_resets_a_members_second_factor_and_it_is_recorded(world) -> None:
    reviewer = world.people["reviewer"]
    reviewer_client = world.client("reviewer")
    membership = world.review.memberships.get(user=reviewer)
    url = reverse("reviews:member-reset-two-factor", args=[world.review.pk, membership.pk])

    assert world.client("lead_reviewer").post(url).status_code == 403
    response = world.client("coordinator").post(
        url, {"password": TEST_PASSWORD, "code": current_code()}, follow=True
    )
    assert (
        f"{escape(reviewer.full_name)} will set up two-factor sign-in again"
        in response.content.decode()
    )
    assert not TOTPDevice.objects.filter(user=reviewer).exists()
    assert (
        reviewer_client.get(reverse("reviews:your-reviews")).status_code == 302
    )  # signed out everywhere
    event = Event.objects.get(action=Event.Action.TWO_FACTOR_RESET)
    assert event.actor == world.people["coordinator"] and event.review_id == world.review.pk


def test_a_superuser_can_reset_a_second_factor_in_the_admin(world, admin_client) -> None:
    reviewer = world.people["reviewer"]
    admin_client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "reset_second_factor", "_selected_action": [reviewer.pk]},
    )
    assert not TOTPDevice.objects.filter(user=reviewer).exists()
    assert Event.objects.filter(
        action=Event.Action.TWO_FACTOR_RESET, object_id=str(reviewer.pk)
    ).exists()


@pytest.mark.parametrize("setting", [False])
def test_relaxing_two_factor_is_for_development_only(world, settings, setting) -> None:
    settings.TWO_FACTOR_REQUIRED = setting
    client = _password_only("reviewer@example.org")
    assert client.get(reverse("reviews:your-reviews")).status_code == 200
    page = client.get(reverse("reviews:your-reviews")).content.decode()
    assert "Two-factor sign-in is turned off" in page
    from accounts.checks import two_factor_is_required

    assert [e.id for e in two_factor_is_required(None)] == ["accounts.E001"]


def test_the_qr_code_markup_holds_no_text_from_the_person() -> None:
    from accounts.models import User
    from accounts.twofactor import provisioning_uri, qr_svg

    person = User(email='"<script>alert(1)</script>"@example.org', full_name="<b>Name</b>")
    svg = qr_svg(provisioning_uri(person, TEST_TOTP_KEY))
    assert svg.startswith("<svg") and "<script" not in svg and "example.org" not in svg
