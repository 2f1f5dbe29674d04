import os

from django.db import connection


def test_the_suite_runs_on_the_database_that_DATABASE_URL_names(db) -> None:
    url = os.environ.get("DATABASE_URL", "")
    expected = "postgresql" if url.startswith(("postgres://", "postgresql://")) else "sqlite"
    assert connection.vendor == expected
