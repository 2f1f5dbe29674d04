"""Settings come from the environment, strictly: a malformed value stops start-up and names the variable."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.base",
    "DEBUG": "false",
    "SECRET_KEY": "k7#Qv9!pZ2@mW4$xR8^tY6&uB1*eN3(sD5)fG0_hJ-lK=oP+iL",
    "ALLOWED_HOSTS": "reviews.example.org",
    "SITE_URL": "https://reviews.example.org",
    "DATABASE_URL": "sqlite:///" + str(ROOT / "unused-check-deploy.sqlite3"),
}


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    # A deployment's environment: nothing the test run itself set (the browser tests set
    # DJANGO_ALLOW_ASYNC_UNSAFE, which check --deploy rightly reports).
    dropped = {*PRODUCTION_ENV, "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {
        k: v for k, v in os.environ.items() if k not in dropped and not k.startswith("SECURE_")
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_check_deploy_with_no_warnings() -> None:
    result = _run(["check", "--deploy", "--fail-level", "WARNING"], PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_warns_when_the_emails_links_would_have_no_address() -> None:
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "SITE_URL"}
    result = _run(["check", "--deploy", "--fail-level", "WARNING"], env)
    assert result.returncode != 0
    assert "core.W001" in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("DEBUG", "maybe", "DEBUG: expected true or false"),
        (
            "DATABASE_URL",
            "mysql://root@localhost/reviews",
            "DATABASE_URL: expected a sqlite:/// or postgres:// URL",
        ),
        ("SECURE_HSTS_SECONDS", "a year", "SECURE_HSTS_SECONDS: expected a whole number"),
        (
            "ALLOWED_HOSTS",
            "reviews.example.org,,",
            "ALLOWED_HOSTS: expected a comma-separated list",
        ),
        ("EMAIL_URL", "carrier-pigeon://loft", "EMAIL_URL: expected consolemail://"),
        ("SECRET_KEY", "", "SECRET_KEY: this environment variable must be set"),
        ("CACHE_URL", "memcached://cache:11211", "CACHE_URL: expected locmem:// or a redis://"),
        ("SESSION_STORE", "cached_db", "SESSION_STORE=cached_db needs CACHE_URL=redis://"),
        ("FILE_STORAGE", "ftp", "FILE_STORAGE: expected filesystem or s3"),
    ],
)
def test_a_malformed_value_stops_start_up_naming_the_variable(
    name: str, value: str, message: str
) -> None:
    result = _run(["check"], {**PRODUCTION_ENV, name: value})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


def test_postgres_url_uses_the_postgresql_backend() -> None:
    from config.env import env_database

    os.environ["_TEST_DB_URL"] = "postgres://reviews:secret@db.internal:5432/reviews"
    try:
        config = env_database("_TEST_DB_URL", "sqlite:///x")
    finally:
        del os.environ["_TEST_DB_URL"]
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert config["NAME"] == "reviews"
    assert config["HOST"] == "db.internal"


def test_cache_and_sessions_can_be_shared_by_several_app_servers() -> None:
    from config.env import env_cache

    os.environ["_TEST_CACHE_URL"] = "redis://cache.internal:6379/2"
    try:
        shared = env_cache("_TEST_CACHE_URL", "locmem://")
    finally:
        del os.environ["_TEST_CACHE_URL"]
    assert shared["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert shared["LOCATION"] == "redis://cache.internal:6379/2"
    assert env_cache("_TEST_CACHE_URL", "locmem://")["BACKEND"].endswith("LocMemCache")


def test_the_database_timeouts_reach_postgresql_and_sqlite() -> None:
    from config.env import database_timeouts, env_database

    pg = database_timeouts(
        env_database("X_UNSET_URL", "postgres://u@db.internal:5432/frontdoor"),
        connect=5,
        statement=30,
        lock=5,
        idle_in_transaction=0,
    )
    assert pg["OPTIONS"]["connect_timeout"] == 5
    assert pg["OPTIONS"]["options"] == (
        "-c statement_timeout=30000 -c lock_timeout=5000 -c idle_in_transaction_session_timeout=0"
    )  # 0: no limit, as PostgreSQL reads it
    assert pg["OPTIONS"]["keepalives"] == 1  # a half-open connection is noticed
    sqlite = database_timeouts(
        env_database("X_UNSET_URL", "sqlite:////tmp/x.sqlite3"),
        connect=5,
        statement=30,
        lock=7,
        idle_in_transaction=60,
    )
    assert sqlite["OPTIONS"] == {"timeout": 7, "transaction_mode": "IMMEDIATE"}
