"""A row held by another connection: the person is told "someone else is saving this" within the lock
timeout, with their text, and nothing is half-saved.

A fault script: it holds a real lock from a second connection (a thread with its own database
connection). On PostgreSQL (``DATABASE_URL=postgres://...``) the save waits ``DATABASE_LOCK_TIMEOUT``
(the connection's ``lock_timeout``, set from the settings) and gives up; on SQLite the second
connection's write transaction holds the database, and the save gives up at once (the test database
is in memory, where SQLite does not wait) or after its busy timeout (a database file).
"""

from __future__ import annotations

import threading
import time

import pytest
from django.conf import settings
from django.db import connection, connections, transaction
from django.urls import reverse

from audits.models import CriterionAnswer
from core.http import BUSY_MESSAGE
from tests.audits.factories import started_audit
from tests.conftest import build_world


class HeldLock:
    """Another request holding ``answer``'s row (and, on SQLite, the database) until released."""

    def __init__(self, answer_pk: int) -> None:
        self.answer_pk = answer_pk
        self.held = threading.Event()
        self.release = threading.Event()
        self.errors: list[BaseException] = []
        self.thread = threading.Thread(target=self._hold, daemon=True)

    def _hold(self) -> None:
        try:
            with transaction.atomic():
                CriterionAnswer.objects.select_for_update().filter(pk=self.answer_pk).update(
                    comment="Held by another request"
                )
                self.held.set()
                self.release.wait(timeout=60)
                transaction.set_rollback(True)
        except BaseException as error:
            self.errors.append(error)
            self.held.set()
        finally:
            connections.close_all()

    def __enter__(self) -> HeldLock:
        self.thread.start()
        assert self.held.wait(timeout=10)
        assert not self.errors, self.errors
        return self

    def __exit__(self, *exc: object) -> None:
        self.release.set()
        self.thread.join(timeout=30)


def test_the_lock_timeout_is_set_on_every_connection(db) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for name, seconds in (
                ("lock_timeout", settings.DATABASE_LOCK_TIMEOUT),
                ("statement_timeout", settings.DATABASE_STATEMENT_TIMEOUT),
                (
                    "idle_in_transaction_session_timeout",
                    settings.DATABASE_IDLE_IN_TRANSACTION_TIMEOUT,
                ),
            ):
                cursor.execute("SELECT setting FROM pg_settings WHERE name = %s", [name])
                assert int(cursor.fetchone()[0]) == seconds * 1000, name
    else:
        assert connection.settings_dict["OPTIONS"]["timeout"] == settings.DATABASE_LOCK_TIMEOUT
        assert connection.settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


@pytest.mark.django_db(transaction=True)
def test_a_lock_held_by_another_connection_gives_the_clear_message_with_the_text_kept() -> None:
    world = build_world()
    me = world.people["reviewer"]
    audit = started_audit(world.review, me)
    answer = audit.answers.get(criterion__number=1)
    url = reverse("audits:criterion-answer-save", args=[world.review.pk, audit.case_id, answer.pk])
    typed = "The worker saw the child alone & recorded their words."
    client = world.client("reviewer")
    with HeldLock(answer.pk):
        started = time.monotonic()
        response = client.post(
            url,
            {
                f"c{answer.pk}-answer": "met",
                f"c{answer.pk}-comment": typed,
                f"c{answer.pk}-version": 1,
            },
        )
        took = time.monotonic() - started
    body = response.content.decode()
    assert response.status_code == 503
    assert "Someone else is saving this, try again" in body
    assert "recorded their words." in body  # what they typed, on the page
    assert took < settings.DATABASE_LOCK_TIMEOUT + 3  # within the lock timeout, not a minute
    answer.refresh_from_db()
    assert (answer.comment, answer.version) == ("", 1)  # nothing half-saved, nor the other's text

    if connection.vendor == "postgresql":
        # Back to the form's address: the text is there again, with a message saying why. (On
        # SQLite the held write lock is on the whole database, sessions included: the text is kept
        # on the page above only.)
        again = client.get(url)
        page = again.content.decode()
        assert again.status_code == 200
        assert BUSY_MESSAGE.split(",")[0] in page
        assert "recorded their words." in page
    # And saving again now works.
    saved = client.post(
        url,
        {f"c{answer.pk}-answer": "met", f"c{answer.pk}-comment": typed, f"c{answer.pk}-version": 1},
    )
    assert saved.status_code == 302
    answer.refresh_from_db()
    assert answer.comment == typed
