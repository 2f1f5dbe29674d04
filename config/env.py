"""Strict reading of the environment.

Every setting that differs between deployments comes from an environment variable. A malformed value
stops start-up with ``ImproperlyConfigured`` naming the variable, instead of being read as a default.
"""

from __future__ import annotations

import os
from typing import Any

import environ
from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}
_DB_SCHEMES = {"sqlite", "postgres", "postgresql", "pgsql"}
_EMAIL_SCHEMES = {
    "consolemail",
    "smtp",
    "smtp+tls",
    "smtp+ssl",
    "smtps",
    "filemail",
    "memorymail",
    "dummymail",
}

_environ = environ.Env()


def _raw(name: str) -> str | None:
    value = os.environ.get(name)
    if value is None:
        return None
    return value.strip()


def env_str(name: str, default: str | None = None, *, required: bool = False) -> str:
    value = _raw(name)
    if value is None or value == "":
        if required:
            raise ImproperlyConfigured(f"{name}: this environment variable must be set.")
        return default if default is not None else ""
    return value


def env_bool(name: str, default: bool) -> bool:
    value = _raw(name)
    if value is None or value == "":
        return default
    lowered = value.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name}: expected true or false (also 1/0, yes/no, on/off), got {value!r}."
    )


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    value = _raw(name)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}: expected a whole number, got {value!r}.") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name}: must be at least {minimum}, got {number}.")
    return number


def env_list(name: str, default: list[str]) -> list[str]:
    value = _raw(name)
    if value is None or value == "":
        return list(default)
    items = [item.strip() for item in value.split(",")]
    if any(not item for item in items):
        raise ImproperlyConfigured(
            f"{name}: expected a comma-separated list with no empty items, got {value!r}."
        )
    return items


def env_database(name: str, default: str) -> dict[str, Any]:
    url = env_str(name, default)
    scheme = url.split("://", 1)[0] if "://" in url else ""
    if scheme not in _DB_SCHEMES:
        raise ImproperlyConfigured(
            f"{name}: expected a sqlite:/// or postgres:// URL, got {url.split('@')[-1]!r}."
        )
    try:
        config = _environ.db_url_config(url)
    except Exception as exc:  # environ raises several kinds for a bad URL
        raise ImproperlyConfigured(
            f"{name}: could not be read as a database URL ({exc})."
        ) from None
    if scheme != "sqlite" and not config.get("NAME"):
        raise ImproperlyConfigured(f"{name}: the URL names no database.")
    return config


def env_email(name: str, default: str) -> dict[str, Any]:
    url = env_str(name, default)
    scheme = url.split("://", 1)[0] if "://" in url else ""
    if scheme not in _EMAIL_SCHEMES:
        raise ImproperlyConfigured(
            f"{name}: expected consolemail://, smtp://, smtp+tls:// or smtps://, got scheme {scheme!r}."
        )
    return _environ.email_url_config(url)
