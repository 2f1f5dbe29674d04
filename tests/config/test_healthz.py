import errno
import time
from unittest import mock

import pytest
from django.db import OperationalError
from django.urls import reverse

from core import health


def test_healthz_answers_200_when_the_database_answers_and_the_files_can_be_written(
    client, db
) -> None:
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "storage": "ok", "queue": "ok"}


def test_healthz_answers_503_when_the_database_does_not(client, db) -> None:
    def refused(*args, **kwargs):
        raise OperationalError("connection refused")

    with mock.patch("django.db.backends.base.base.BaseDatabaseWrapper.cursor", refused):
        response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"
    assert response.json()["status"] == "unavailable"


def test_healthz_answers_503_within_its_deadline_when_the_database_hangs(
    client, db, settings
) -> None:
    settings.HEALTHZ_TIMEOUT = 1

    def hangs() -> None:
        time.sleep(5)

    with mock.patch.dict(health.CHECKS, {"database": hangs}):
        started = time.monotonic()
        response = client.get(reverse("healthz"))
        took = time.monotonic() - started
    assert response.status_code == 503
    assert response.json()["database"] == "no answer within 1 s"
    assert took < 3


def test_healthz_says_when_the_files_cannot_be_written(client, db) -> None:
    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    with mock.patch("core.health.tempfile.NamedTemporaryFile", full):
        response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["storage"] == "not writable"
    assert response.json()["database"] == "ok"


def test_an_app_can_add_a_check_to_healthz(client, db) -> None:
    with mock.patch.dict(health.CHECKS):
        health.register("queue", lambda: "not being worked")
        response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["queue"] == "not being worked"


def test_healthz_needs_no_sign_in_and_is_never_cached(client, db) -> None:
    response = client.get(reverse("healthz"))
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_the_benchmark_minimal_view_is_not_there_unless_switched_on(client, world) -> None:
    from django.conf import settings

    assert settings.BENCHMARK_VIEWS is False
    client.force_login(world.people["reviewer"])
    assert client.get("/bench/minimal").status_code == 404


@pytest.mark.django_db(transaction=True)  # the check reads in its own thread and connection
def test_healthz_says_when_the_email_queue_is_not_being_worked(client) -> None:
    import datetime as dt

    from django.utils import timezone

    from core.models import Email

    assert client.get(reverse("healthz")).json()["queue"] == "ok"
    email = Email.objects.create(
        template="x", to="a@example.org", subject="s", message_id="<stale@example.org>"
    )
    Email.objects.filter(pk=email.pk).update(created_at=timezone.now() - dt.timedelta(minutes=30))
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["queue"] == "not being worked: 1 email waiting over 10 minutes"
