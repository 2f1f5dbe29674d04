"""The audit trail against the database's own roles (PostgreSQL): the documented grants.

docs/deploy.md ("Database roles") runs the service as an app role that owns nothing and migrations as
an owner role. This test creates such roles inside the test's own transaction, applies the grants block
of docs/deploy.md as it is written there, then acts as each role with ``SET ROLE``: privilege checks
then apply to that role exactly as they would to a connection that signed in as it. Roles are
cluster-wide; these are created in the test's transaction, so the rollback at the end of the test
removes them (and their grants) whatever happens, and no other test database (xdist worker) ever sees
them. Their names are unique all the same, so that two workers never wait on each other's name.
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from trail.models import Event
from trail.services import record

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="database roles and triggers are PostgreSQL's"
)

DEPLOY = Path(settings.BASE_DIR) / "docs" / "deploy.md"
MARKER = "tests/trail/test_database_roles.py runs the next block"


def documented_grants() -> list[str]:
    """The SQL statements of the grants block in docs/deploy.md."""
    text = DEPLOY.read_text()
    after = text[text.index(MARKER) :]
    block = re.search(r"```sql\n(.*?)```", after, re.S)
    assert block, "docs/deploy.md: no SQL block after the marker"
    return [s.strip() for s in block.group(1).split(";") if s.strip()]


@dataclass
class Roles:
    app: str
    owner: str


@pytest.fixture
def roles(db) -> Roles:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    suffix = f"{worker}_{uuid.uuid4().hex[:10]}"
    made = Roles(app=f"fd_test_app_{suffix}", owner=f"fd_test_owner_{suffix}")
    database = connection.settings_dict["NAME"]
    with connection.cursor() as cursor:
        for role in (made.app, made.owner):
            cursor.execute(f"CREATE ROLE {role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE")
        cursor.execute(f'GRANT CONNECT ON DATABASE "{database}" TO {made.app}')
        # The test database's tables belong to the user that created it; the documented grants are
        # given by the owner, here that user.
        cursor.execute("SELECT current_user")
        (owner_now,) = cursor.fetchone()
        for statement in documented_grants():
            cursor.execute(
                statement.replace("frontdoor_app", made.app).replace("frontdoor_owner", owner_now)
            )
    return made


@contextmanager
def acting_as(role: str) -> Iterator[None]:
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"SET ROLE {role}")
        yield
        with connection.cursor() as cursor:
            cursor.execute("RESET ROLE")


def refused(role: str, sql: str, params: list | None = None) -> str:
    """Run ``sql`` as ``role`` and return the database's refusal (the test fails if it is allowed)."""
    with pytest.raises(DatabaseError) as caught, acting_as(role), connection.cursor() as cursor:
        cursor.execute(sql, params)
    return str(caught.value)


def test_the_app_role_adds_and_reads_trail_records_and_uses_the_service(world, roles) -> None:
    client = world.client("lead_reviewer")
    with acting_as(roles.app):
        event = record(action=Event.Action.SIGN_IN, actor_email="app-role@example.org")
        assert Event.objects.get(pk=event.pk).actor_email == "app-role@example.org"
        # A page read and a change through the service, as the app role: the grants are enough.
        assert (
            client.get(reverse("reviews:review-overview", args=[world.review.pk])).status_code
            == 200
        )
        assert client.get(reverse("reports:draft-docx", args=[world.review.pk])).status_code == 200
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user")
            assert cursor.fetchone() == (roles.app,)


def test_the_app_role_cannot_change_empty_or_unprotect_the_trail(world, roles) -> None:
    event = record(action=Event.Action.SIGN_IN, actor_email="someone@example.org")
    attacks = {
        "UPDATE trail_event SET actor_email = 'forged' WHERE id = %s": [event.pk],
        "DELETE FROM trail_event WHERE id = %s": [event.pk],
        "TRUNCATE trail_event": None,
        "ALTER TABLE trail_event DISABLE TRIGGER ALL": None,
        "ALTER TABLE trail_event DISABLE TRIGGER trail_event_append_only": None,
        "ALTER TABLE trail_event DISABLE TRIGGER trail_event_refuse_truncate": None,
        "DROP TRIGGER trail_event_append_only ON trail_event": None,
        "DROP TRIGGER trail_event_refuse_truncate ON trail_event": None,
        "DROP TABLE trail_event": None,
        "SET session_replication_role = replica": None,
        "CREATE TRIGGER t BEFORE INSERT ON trail_event "
        "FOR EACH ROW EXECUTE FUNCTION suppress_redundant_updates_trigger()": None,
    }
    for sql, params in attacks.items():
        message = refused(roles.app, sql, params)
        assert "permission denied" in message or "must be owner" in message, (sql, message)
    assert Event.objects.get(pk=event.pk).actor_email == "someone@example.org"


def test_the_tables_owner_cannot_truncate_the_trail(world, roles) -> None:
    event = record(action=Event.Action.SIGN_IN, actor_email="someone@example.org")
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE trail_event OWNER TO {roles.owner}")
    message = refused(roles.owner, "TRUNCATE trail_event")
    assert "the audit trail is append-only: TRUNCATE on trail_event refused" in message
    assert "the audit trail is append-only" in refused(
        roles.owner, "DELETE FROM trail_event WHERE id = %s", [event.pk]
    )
    assert Event.objects.filter(pk=event.pk).exists()


def test_later_migrations_tables_are_granted_to_the_app_role(world, roles) -> None:
    """ALTER DEFAULT PRIVILEGES: a table a later migration creates is usable by the app at once."""
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE fd_test_later (id bigint GENERATED BY DEFAULT AS IDENTITY)")
    with acting_as(roles.app), connection.cursor() as cursor:
        cursor.execute("INSERT INTO fd_test_later DEFAULT VALUES")
        cursor.execute("UPDATE fd_test_later SET id = id")
        cursor.execute("DELETE FROM fd_test_later")
    assert "permission denied" in refused(roles.app, "TRUNCATE fd_test_later")
