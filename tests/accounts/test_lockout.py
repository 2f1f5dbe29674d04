"""Lockout after 10 failed sign-ins within 5 minutes, per account and per address."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from tests.factories import TEST_PASSWORD
from trail.models import Event


def _try(client: Client, email: str, password: str, address: str = "203.0.113.7"):
    return client.post(
        reverse("accounts:sign-in"), {"username": email, "password": password}, REMOTE_ADDR=address
    )


def test_ten_failures_lock_the_account_and_the_right_password_does_not_get_through(world) -> None:
    client = Client()
    for _ in range(9):
        assert _try(client, "Reviewer@example.org", "wrong password").status_code == 200
    locked = _try(client, "reviewer@example.org", "wrong password")
    assert locked.status_code == 429
    assert "Sign-in locked for a few minutes" in locked.content.decode()
    right = _try(Client(), "reviewer@example.org", TEST_PASSWORD, address="198.51.100.9")
    assert right.status_code == 429  # locked per account, from any address
    assert Event.objects.filter(action=Event.Action.LOCKED_OUT).count() >= 1
    assert Event.objects.filter(action=Event.Action.SIGN_IN_FAILED).count() >= 10


def test_ten_failures_from_one_address_lock_that_address_for_every_account(world) -> None:
    client = Client()
    for n in range(10):
        _try(client, f"guess{n}@example.org", "wrong password", address="192.0.2.50")
    response = _try(client, "host_lead@example.org", TEST_PASSWORD, address="192.0.2.50")
    assert response.status_code == 429
    other_address = _try(Client(), "host_lead@example.org", TEST_PASSWORD, address="192.0.2.51")
    assert other_address.status_code == 302


def test_nine_failures_then_the_right_password_signs_in_and_resets_the_count(world) -> None:
    client = Client()
    for _ in range(9):
        _try(client, "reviewer@example.org", "wrong password")
    assert _try(client, "reviewer@example.org", TEST_PASSWORD).status_code == 302
