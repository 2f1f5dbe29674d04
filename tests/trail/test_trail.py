"""The audit trail: a record for every sensitive action, and no way to change or delete one."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.urls import reverse

from reviews.setup import services
from reviews.setup.models import Membership, Role
from tests.factories import TEST_PASSWORD, MembershipFactory, UserFactory, current_code
from trail.models import Event, TrailIsAppendOnly
from trail.services import record


def _count(action: str) -> int:
    return Event.objects.filter(action=action).count()


def test_signing_in_in_two_steps_and_out_writes_records_with_the_address(world) -> None:
    client = Client(REMOTE_ADDR="203.0.113.20")
    client.post(
        reverse("accounts:sign-in"),
        {"username": "reviewer@example.org", "password": "wrong password"},
    )
    client.post(
        reverse("accounts:sign-in"), {"username": "reviewer@example.org", "password": TEST_PASSWORD}
    )
    client.post(reverse("accounts:two-factor"), {"code": current_code()})
    client.post(reverse("accounts:sign-out"))
    assert _count(Event.Action.SIGN_IN_FAILED) == 1
    assert _count(Event.Action.SIGN_IN) == 1
    assert _count(Event.Action.SIGN_OUT) == 1
    sign_in = Event.objects.get(action=Event.Action.SIGN_IN)
    assert sign_in.actor == world.people["reviewer"]
    assert sign_in.ip_address == "203.0.113.20"
    assert sign_in.at.utcoffset().total_seconds() == 0  # stored in UTC


def test_a_permission_refusal_is_recorded(world) -> None:
    response = world.client("host_staff").post(
        reverse(
            "reviews:member-reset-two-factor",
            args=[world.review.pk, MembershipFactory(review=world.review).pk],
        )
    )
    assert response.status_code == 403
    event = Event.objects.get(action=Event.Action.PERMISSION_REFUSED)
    assert event.actor == world.people["host_staff"]
    assert event.detail["path"].endswith("/reset-two-factor/")


def test_team_changes_are_recorded_with_who_made_them(world) -> None:
    coordinator = world.people["coordinator"]
    newcomer = UserFactory(email="newcomer@example.org")
    mark = Event.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    invitation = services.invite(
        review=world.review,
        email="newcomer@example.org",
        role=Role.REVIEWER,
        full_name="New Comer",
        invited_by=coordinator,
        site_url="http://testserver",
    )
    services.accept_invitation(invitation=invitation, user=newcomer)
    membership = Membership.objects.get(review=world.review, user=newcomer)
    services.change_role(membership=membership, role=Role.LEAD_REVIEWER, by=coordinator)
    changes = list(
        Event.objects.filter(pk__gt=mark, action=Event.Action.TEAM_CHANGED)
        .order_by("id")
        .values_list("detail__change", "actor", "actor_email", "review_id")
    )
    assert changes == [
        ("added", newcomer.pk, "newcomer@example.org", world.review.pk),
        ("role changed", coordinator.pk, coordinator.email, world.review.pk),
    ]


def test_records_cannot_be_changed_or_deleted_through_the_application(db) -> None:
    event = record(action=Event.Action.SIGN_IN, actor_email="someone@example.org")
    event.actor_email = "someone-else@example.org"
    with pytest.raises(TrailIsAppendOnly):
        event.save()
    with pytest.raises(TrailIsAppendOnly):
        event.delete()
    with pytest.raises(TrailIsAppendOnly):
        Event.objects.filter(pk=event.pk).update(actor_email="x")
    with pytest.raises(TrailIsAppendOnly):
        Event.objects.filter(pk=event.pk).delete()


def test_the_table_itself_refuses_update_and_on_postgresql_delete(db) -> None:
    event = record(action=Event.Action.SIGN_IN, actor_email="someone@example.org")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE trail_event SET actor_email = 'forged' WHERE id = %s", [event.pk])
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM trail_event WHERE id = %s", [event.pk])
    assert Event.objects.get(pk=event.pk).actor_email == "someone@example.org"


def test_superuser_exports_the_trail_as_csv_with_formulas_neutralised(world, admin_client) -> None:
    record(action=Event.Action.SIGN_IN_FAILED, actor_email="=HYPERLINK(evil)")
    response = admin_client.post(
        reverse("admin:trail_event_changelist"),
        {
            "action": "export_csv",
            "_selected_action": list(Event.objects.values_list("pk", flat=True)),
        },
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["when (UTC)", "who", "action"]
    assert [r[1] for r in rows if "HYPERLINK" in r[1]] == ["'=HYPERLINK(evil)"]
    assert _count(Event.Action.TRAIL_EXPORTED) == 1


def test_the_trail_admin_is_read_only(world, admin_client) -> None:
    event = record(action=Event.Action.SIGN_IN, actor_email="someone@example.org")
    assert admin_client.get(reverse("admin:trail_event_add")).status_code == 403
    assert (
        admin_client.post(reverse("admin:trail_event_delete", args=[event.pk])).status_code == 403
    )


def test_a_superuser_exports_everything_held_about_a_person_without_secrets(
    world, admin_client
) -> None:
    person = world.people["reviewer"]
    record(action=Event.Action.SIGN_IN, actor=person)
    response = admin_client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "export_personal_data", "_selected_action": [person.pk]},
    )
    data = json.loads(response.content)
    assert data["person"]["email"] == person.email
    assert "password" not in data["person"]
    assert data["reviews.Membership"][0]["role"] == "reviewer"
    assert data["audit trail (as actor)"][0]["action"] == "Signed in"
    assert "key" not in json.dumps(data.get("otp_totp.TOTPDevice", []))
    assert _count(Event.Action.DATA_EXPORTED) == 1
