"""Regions moved from the improvement app to accounts (issue 17): the permissions an administrator
granted on them, and the admin site's history of them, still point at them after the move."""

from __future__ import annotations

from importlib import import_module

from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType

from accounts.models import Region, RegionalAccess
from tests.factories import UserFactory

migration = import_module("accounts.migrations.0004_regions_from_improvement")


def test_content_types_are_relabelled_so_granted_permissions_and_admin_history_survive(db) -> None:
    # The database as it was before the move: the content types carried the improvement label.
    ContentType.objects.filter(app_label="accounts", model__in=["region", "regionalaccess"]).update(
        app_label="improvement"
    )
    ContentType.objects.clear_cache()
    region_type = ContentType.objects.get(app_label="improvement", model="region")
    administrator = UserFactory(email="admin@example.org")
    administrator.user_permissions.add(
        Permission.objects.get(content_type=region_type, codename="change_region")
    )
    north = Region.objects.create(name="North")
    LogEntry.objects.create(
        user=administrator,
        content_type=region_type,
        object_id=str(north.pk),
        object_repr="North",
        action_flag=CHANGE,
    )

    migration.content_types_to_accounts(apps, None)
    ContentType.objects.clear_cache()

    assert ContentType.objects.get_for_model(Region).pk == region_type.pk
    assert ContentType.objects.get_for_model(RegionalAccess).app_label == "accounts"
    administrator = type(administrator).objects.get(pk=administrator.pk)
    assert administrator.has_perm("accounts.change_region")
    assert LogEntry.objects.get().get_edited_object() == north


def test_regional_access_keeps_its_table(db) -> None:
    assert Region._meta.db_table == "improvement_region"
    assert RegionalAccess._meta.db_table == "improvement_regionalaccess"
    assert Region.organisations.through._meta.db_table == "improvement_region_organisations"
