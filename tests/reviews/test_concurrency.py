"""Two people saving the same finding at the same moment: exactly one save wins, every time.

On PostgreSQL the two transactions really run at once. On SQLite's in-memory test database the
second connection waits its turn (``with_sqlite_retry``), as a database file would; the version check
in the UPDATE decides either way.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connections

from core.versioning import StaleEdit
from reviews.fieldwork import services as work
from reviews.fieldwork.models import Finding
from tests.concurrency import with_sqlite_retry
from tests.factories import ReviewFactory


def _race(finding_pk: int, version: int, texts: tuple[str, str]) -> list[str]:
    """Two threads load the finding, wait for each other, then save at ``version``."""
    barrier = threading.Barrier(2)
    outcomes: list[str] = []
    lock = threading.Lock()

    def save(text: str) -> None:
        try:
            mine = with_sqlite_retry(lambda: Finding.objects.get(pk=finding_pk))
            barrier.wait(timeout=10)
            with_sqlite_retry(
                lambda: work.update_finding(finding=mine, version=version, data={"text": text})
            )
            result = "saved"
        except StaleEdit:
            result = "refused"
        except Exception as error:
            result = repr(error)
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=save, args=(text,)) for text in texts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_two_saves_at_the_same_version_exactly_one_succeeds_fifty_times() -> None:
    review = ReviewFactory()
    finding = Finding.objects.create(review=review, kind="strength", text="Start.")
    for round_number in range(50):
        version = Finding.objects.get(pk=finding.pk).version
        texts = (f"A {round_number}", f"B {round_number}")
        outcomes = _race(finding.pk, version, texts)
        assert sorted(outcomes) == ["refused", "saved"], (round_number, outcomes)
        final = Finding.objects.get(pk=finding.pk)
        assert final.version == version + 1
        assert final.text in texts
