"""Sessions: new key at sign-in, idle and absolute timeouts with a warning, sign-out ends them all."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from accounts.middleware import LAST_SEEN, SIGNED_IN_AT
from tests.factories import TEST_PASSWORD
from trail.models import Event


def _age_session(client: Client, **seconds_ago: int) -> None:
    session = client.session
    now = int(time.time())
    if "idle" in seconds_ago:
        session[LAST_SEEN] = now - seconds_ago["idle"]
    if "absolute" in seconds_ago:
        session[SIGNED_IN_AT] = now - seconds_ago["absolute"]
    session.save()


def test_signing_in_gives_a_new_session_key(world) -> None:
    client = Client()
    client.get(reverse("accounts:sign-in"))
    client.cookies[settings.SESSION_COOKIE_NAME] = "attacker-chosen-session-key"
    client.post(
        reverse("accounts:sign-in"), {"username": "reviewer@example.org", "password": TEST_PASSWORD}
    )
    assert client.cookies[settings.SESSION_COOKIE_NAME].value != "attacker-chosen-session-key"


def test_idle_for_longer_than_the_limit_signs_out_and_says_why(world) -> None:
    client = world.client("reviewer")
    url = reverse("reviews:review-overview", args=[world.review.pk])
    _age_session(client, idle=settings.SESSION_IDLE_TIMEOUT + 5)
    response = client.get(url)
    assert response.status_code == 302
    assert "timeout=idle" in response["Location"]
    page = client.get(response["Location"]).content.decode()
    assert "You were signed out because you had not done anything for 30 minutes" in page
    assert (
        Event.objects.filter(action=Event.Action.SESSION_TIMED_OUT, detail__reason="idle").count()
        == 1
    )


def test_activity_within_the_limit_keeps_the_session(world) -> None:
    client = world.client("reviewer")
    _age_session(client, idle=settings.SESSION_IDLE_TIMEOUT - 60)
    assert client.get(reverse("reviews:your-reviews")).status_code == 200


def test_the_absolute_limit_signs_out_even_an_active_person(world) -> None:
    client = world.client("reviewer")
    _age_session(client, idle=0, absolute=settings.SESSION_ABSOLUTE_TIMEOUT + 5)
    response = client.get(reverse("reviews:your-reviews"))
    assert response.status_code == 302 and "timeout=absolute" in response["Location"]


def test_stay_signed_in_counts_as_activity_and_reading_the_status_does_not(world) -> None:
    client = world.client("reviewer")
    _age_session(client, idle=settings.SESSION_IDLE_TIMEOUT - 60)
    status = client.get(reverse("accounts:session-status")).json()
    assert status["idle"] <= 60 and status["warning"] == 120
    assert client.get(reverse("accounts:session-status")).json()["idle"] <= 60
    extended = client.post(
        reverse("accounts:session-extend"), HTTP_ACCEPT="application/json"
    ).json()
    assert extended["idle_seconds_left"] >= settings.SESSION_IDLE_TIMEOUT - 2


def test_every_signed_in_page_carries_the_timeout_warning(world) -> None:
    page = world.client("reviewer").get(reverse("reviews:your-reviews")).content.decode()
    assert 'id="session-timeout-dialog"' in page
    assert 'data-session-warning="120"' in page
    assert "Stay signed in" in page


def test_signing_out_ends_all_that_persons_sessions(world) -> None:
    laptop, phone = world.client("reviewer"), world.client("reviewer")
    assert phone.get(reverse("reviews:your-reviews")).status_code == 200
    laptop.post(reverse("accounts:sign-out"))
    assert phone.get(reverse("reviews:your-reviews")).status_code == 302


def test_deactivating_an_account_ends_its_sessions(world) -> None:
    client = world.client("reviewer")
    person = world.people["reviewer"]
    person.is_active = False
    person.save()
    assert client.get(reverse("reviews:your-reviews")).status_code == 302


@pytest.mark.parametrize(
    ("password", "refused_because"),
    [
        ("elevenchars", "at least 12 characters"),
        ("password1234", "too common"),
        ("123456789012345", "entirely numeric"),
    ],
)
def test_weak_passwords_are_refused(password: str, refused_because: str) -> None:
    with pytest.raises(ValidationError) as error:
        validate_password(password)
    assert refused_because in " ".join(error.value.messages)


@pytest.mark.parametrize("length", [12, 64, 100, 256])
def test_long_passphrases_are_welcome_with_no_composition_rules(length: int) -> None:
    validate_password(("plain lowercase words " * 20)[:length])


def test_production_cookies_are_secure_httponly_lax_and_host_prefixed() -> None:
    root = Path(__file__).resolve().parents[2]
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "DJANGO_SETTINGS_MODULE", "SECRET_KEY", "ALLOWED_HOSTS"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.base",
        DEBUG="false",
        SECRET_KEY="k7#Qv9!pZ2@mW4$xR8^tY6&uB1*eN3(sD5)fG0_hJ-lK=oP+iL",
        ALLOWED_HOSTS="reviews.example.org",
    )
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.SESSION_COOKIE_HTTPONLY, s.SESSION_COOKIE_SAMESITE, s.SESSION_IDLE_TIMEOUT, s.SESSION_ABSOLUTE_TIMEOUT)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=root, env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == [
        "__Host-sessionid",
        "__Host-csrftoken",
        "True",
        "True",
        "True",
        "Lax",
        "1800",
        "43200",
    ]
