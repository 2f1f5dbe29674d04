"""One account, one lockout count, whatever the Unicode spelling or case of the address typed.

On PostgreSQL, UPPER('ſ') is 'S': a sign-in typed with a long s (or other compatibility letters) used to
find the account while being counted as another name by the lockout, ten more guesses per spelling.
"""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from accounts.lockout import username_from_request
from accounts.models import User, normalise_email
from tests.factories import TEST_PASSWORD, UserFactory, give_second_factor

LONG_S = "eaſtvale.lead@example.org"  # U+017F LATIN SMALL LETTER LONG S
VARIANTS = [
    "eastvale.lead@example.org",
    LONG_S,
    "EASTVALE.LEAD@EXAMPLE.ORG",
    "eastvale.lead@ｅｘａｍｐｌｅ.org",  # full-width letters in the domain
    "EAſTVALE.Lead@Example.ORG",
]


def _sign_in(email: str, password: str, address: str = "203.0.113.7"):
    return Client().post(
        reverse("accounts:sign-in"), {"username": email, "password": password}, REMOTE_ADDR=address
    )


@pytest.fixture
def eastvale_lead(db) -> User:
    user = UserFactory(email="eastvale.lead@example.org")
    give_second_factor(user)
    return user


def test_failures_typed_in_unicode_variants_count_towards_one_lockout(eastvale_lead) -> None:
    for n in range(10):
        # a new address each time: only the per-account count can stop this
        _sign_in(VARIANTS[n % len(VARIANTS)], "wrong password", address=f"192.0.2.{n + 1}")
    assert _sign_in("eastvale.lead@example.org", TEST_PASSWORD, "198.51.100.1").status_code == 429


def test_a_long_s_spelling_does_not_get_past_the_lock_on_the_account(eastvale_lead) -> None:
    for n in range(10):
        _sign_in("eastvale.lead@example.org", "wrong password", address=f"192.0.2.{n + 1}")
    assert _sign_in(LONG_S, TEST_PASSWORD, "198.51.100.2").status_code == 429


@pytest.mark.parametrize("typed", VARIANTS)
def test_every_spelling_of_the_address_signs_in_to_the_one_account(eastvale_lead, typed) -> None:
    response = _sign_in(typed, TEST_PASSWORD)
    assert response.status_code == 302


def test_the_lockout_key_is_the_stored_form_of_the_address(rf) -> None:
    keys = {username_from_request(rf.post("/", {"username": v})) for v in VARIANTS}
    assert keys == {"eastvale.lead@example.org"}


def test_accounts_are_stored_with_the_normal_form_and_a_variant_cannot_make_a_second(db) -> None:
    user = User.objects.create_user("EAſTVALE@ＥＸＡＭＰＬＥ.org", TEST_PASSWORD, full_name="A")
    assert user.email == "eastvale@example.org"
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user("Eastvale@example.ORG", TEST_PASSWORD, full_name="B")
    factory_made = UserFactory(email="Ｓecond@Example.org")
    factory_made.refresh_from_db()
    assert factory_made.email == "second@example.org"


def test_normal_form_folds_compatibility_letters_and_case() -> None:
    assert normalise_email("  ＡＢＣ@ｅｘａｍｐｌｅ.ORG ") == "abc@example.org"
    assert normalise_email("ſtraße@example.org") == "strasse@example.org"
