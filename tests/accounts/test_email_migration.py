"""The data migration that stores every address in its normal form, skipping collisions."""

from __future__ import annotations

from importlib import import_module

from django.apps import apps

from accounts.models import User
from tests.factories import UserFactory

migration = import_module("accounts.migrations.0003_h1_normalise_user_emails")


def test_old_spellings_are_normalised_and_colliding_rows_left_alone(db, capsys) -> None:
    lone = UserFactory(email="lone@example.org")
    kept = UserFactory(email="eastvale@example.org")
    clash = UserFactory(email="other@example.org")
    # Rows saved before normalisation (bypassing save(), as old code could leave them).
    User.objects.filter(pk=lone.pk).update(email="Lone@ＥＸＡＭＰＬＥ.org")
    User.objects.filter(pk=clash.pk).update(email="eaſtvale@example.org")

    migration.normalise_emails(apps, None)

    lone.refresh_from_db()
    kept.refresh_from_db()
    clash.refresh_from_db()
    assert lone.email == "lone@example.org"
    assert kept.email == "eastvale@example.org"
    assert clash.email == "eaſtvale@example.org"
    assert "1 email address(es) left as they were" in capsys.readouterr().out
