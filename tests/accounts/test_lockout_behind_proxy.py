"""Behind the reverse proxy: the lockout and the audit trail see each client's own address.

Every request reaches the app from the proxy (REMOTE_ADDR is the proxy's address); the proxy adds the
address it saw to X-Forwarded-For. With TRUSTED_PROXY_COUNT set, that address is the client's; without
it, X-Forwarded-For is a header anyone can write, and is ignored.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from accounts.checks import client_address_behind_a_proxy
from tests.factories import TEST_PASSWORD
from trail.models import Event

PROXY = "10.0.0.5"
ATTACKER = "203.0.113.66"
COLLEAGUE = "198.51.100.20"


def _sign_in(email: str, password: str, forwarded_for: str | None, remote: str = PROXY):
    headers = {"REMOTE_ADDR": remote}
    if forwarded_for is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return Client().post(
        reverse("accounts:sign-in"), {"username": email, "password": password}, **headers
    )


@pytest.fixture
def behind_one_proxy(settings) -> None:
    settings.TRUSTED_PROXY_COUNT = 1


def test_one_attackers_failures_behind_the_proxy_do_not_lock_out_everyone_else(
    world, behind_one_proxy
) -> None:
    for _ in range(10):
        _sign_in("reviewer@example.org", "wrong password", ATTACKER)
    # The attacker's account and address are locked ...
    assert _sign_in("reviewer@example.org", TEST_PASSWORD, COLLEAGUE).status_code == 429
    assert _sign_in("host_lead@example.org", TEST_PASSWORD, ATTACKER).status_code == 429
    # ... but a colleague coming through the same proxy signs in to their own account.
    assert _sign_in("host_lead@example.org", TEST_PASSWORD, COLLEAGUE).status_code == 302


def test_the_trail_records_the_clients_address_not_the_proxys(world, behind_one_proxy) -> None:
    _sign_in("reviewer@example.org", "wrong password", ATTACKER)
    _sign_in("host_lead@example.org", TEST_PASSWORD, COLLEAGUE)
    failed = Event.objects.get(action=Event.Action.SIGN_IN_FAILED)
    signed_in = Event.objects.get(action=Event.Action.SIGN_IN, actor_email="host_lead@example.org")
    assert failed.ip_address == ATTACKER
    assert signed_in.ip_address == COLLEAGUE


def test_addresses_an_attacker_prepends_to_the_header_do_not_dodge_the_lockout(
    world, behind_one_proxy
) -> None:
    # nginx's $proxy_add_x_forwarded_for keeps what the client sent and adds the real address last.
    for n in range(10):
        _sign_in(f"guess{n}@example.org", "wrong password", f"192.0.2.{n + 1}, {ATTACKER}")
    assert (
        _sign_in("host_lead@example.org", TEST_PASSWORD, f"192.0.2.99, {ATTACKER}").status_code
        == 429
    )
    assert set(
        Event.objects.filter(action=Event.Action.SIGN_IN_FAILED).values_list(
            "ip_address", flat=True
        )
    ) == {ATTACKER}


def test_with_two_proxies_the_client_is_the_address_the_outer_proxy_saw(world, settings) -> None:
    settings.TRUSTED_PROXY_COUNT = 2
    _sign_in("reviewer@example.org", "wrong password", f"192.0.2.1, {ATTACKER}, 10.0.0.9")
    assert Event.objects.get(action=Event.Action.SIGN_IN_FAILED).ip_address == ATTACKER


def test_without_a_proxy_setting_a_forged_forwarded_for_header_is_ignored(world, settings) -> None:
    settings.TRUSTED_PROXY_COUNT = 0
    for n in range(10):
        _sign_in(f"guess{n}@example.org", "wrong password", f"192.0.2.{n + 1}", remote=ATTACKER)
    # A new forged address each time, and still locked by the address the request came from.
    assert (
        _sign_in("host_lead@example.org", TEST_PASSWORD, "192.0.2.200", remote=ATTACKER).status_code
        == 429
    )
    assert (
        _sign_in("host_lead@example.org", TEST_PASSWORD, None, remote=COLLEAGUE).status_code == 302
    )
    assert set(
        Event.objects.filter(action=Event.Action.SIGN_IN_FAILED).values_list(
            "ip_address", flat=True
        )
    ) == {ATTACKER}


def test_deploy_check_warns_behind_a_proxy_with_no_proxy_count(settings) -> None:
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.TRUSTED_PROXY_COUNT = 0
    assert [w.id for w in client_address_behind_a_proxy(None)] == ["accounts.W001"]
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_address_behind_a_proxy(None) == []
