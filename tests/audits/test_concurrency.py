"""Two people save the same criterion at the same version: exactly one wins, every time.

The version check is in the UPDATE itself (``WHERE version = %s``), so the database decides. Run on
PostgreSQL (``DATABASE_URL=postgres://...``) it exercises real concurrent transactions.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connections

from audits.models import CriterionAnswer
from audits.services.case_audits import save_answer
from core.versioning import StaleEdit
from tests.audits.factories import started_audit
from tests.concurrency import with_sqlite_retry
from tests.conftest import build_world

ROUNDS = 10


def _race(answer_id: int, version: int, people: list, round_number: int) -> list[bool]:
    """Both people save at the same moment from the same version; the results, in any order."""
    barrier = threading.Barrier(len(people))
    results: list[bool] = []
    errors: list[BaseException] = []

    def save(person) -> None:
        try:
            barrier.wait(timeout=10)
            with_sqlite_retry(
                lambda: save_answer(
                    answer_id=answer_id,
                    version=version,
                    answer="met",
                    comment=f"Round {round_number} by {person.pk}",
                    user=person,
                )
            )
            results.append(True)
        except StaleEdit:
            results.append(False)
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=save, args=(person,)) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors
    return results


@pytest.mark.django_db(transaction=True)
def test_two_saves_of_the_same_criterion_at_the_same_version_one_wins() -> None:
    world = build_world()
    audit = started_audit(world.review, world.people["reviewer"])
    answer = audit.answers.get(criterion__number=1)
    people = [world.people["reviewer"], world.people["lead_reviewer"]]

    for round_number in range(ROUNDS):
        version = CriterionAnswer.objects.get(pk=answer.pk).version
        results = _race(answer.pk, version, people, round_number)
        assert sorted(results) == [False, True], f"round {round_number}: {results}"
        row = CriterionAnswer.objects.get(pk=answer.pk)
        assert row.version == version + 1
        assert row.comment.startswith(f"Round {round_number} by ")
