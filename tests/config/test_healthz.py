from unittest import mock

from django.db import OperationalError
from django.urls import reverse


def test_healthz_answers_200_when_the_database_answers(client, db) -> None:
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_healthz_answers_503_when_the_database_does_not(client, db) -> None:
    with mock.patch(
        "config.views.connection.cursor", side_effect=OperationalError("connection refused")
    ):
        response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


def test_healthz_needs_no_sign_in_and_is_never_cached(client, db) -> None:
    response = client.get(reverse("healthz"))
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_the_benchmark_minimal_view_is_not_there_unless_switched_on(client, world) -> None:
    from django.conf import settings

    assert settings.BENCHMARK_VIEWS is False
    client.force_login(world.people["reviewer"])
    assert client.get("/bench/minimal").status_code == 404
