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


def _env_url(
    name: str, default: str, schemes: set[str], expected: str, *, show_url: bool = False
) -> tuple[str, str]:
    """The URL in ``name`` and its scheme, which must be one of ``schemes``; else the error says what
    was ``expected`` and what was found (the scheme, or the URL past any credentials)."""
    url = env_str(name, default)
    scheme = url.split("://", 1)[0] if "://" in url else ""
    if scheme not in schemes:
        found = repr(url.split("@")[-1]) if show_url else f"scheme {scheme!r}"
        raise ImproperlyConfigured(f"{name}: expected {expected}, got {found}.")
    return url, scheme


def env_database(name: str, default: str) -> dict[str, Any]:
    url, scheme = _env_url(
        name, default, _DB_SCHEMES, "a sqlite:/// or postgres:// URL", show_url=True
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
    url, _scheme = _env_url(
        name, default, _EMAIL_SCHEMES, "consolemail://, smtp://, smtp+tls:// or smtps://"
    )
    return _environ.email_url_config(url)


_CACHE_SCHEMES = {"locmem", "redis", "rediss"}


def env_cache(name: str, default: str) -> dict[str, Any]:
    """The default cache from a URL: ``locmem://`` (this process only) or ``redis://host:port/db``.

    Several app servers must share one cache (a Redis), or nothing they keep in it is shared.
    """
    url, scheme = _env_url(name, default, _CACHE_SCHEMES, "locmem:// or a redis:// (rediss://) URL")
    if scheme == "locmem":
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    return {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": url,
        "KEY_PREFIX": "frontdoor",
    }


_STORAGE_KINDS = {"filesystem", "s3"}


def env_default_storage(name: str, default: str) -> dict[str, Any]:
    """Where uploaded documents and issued letters are kept.

    ``filesystem``: under ``MEDIA_ROOT`` (several app servers need it on a shared volume).
    ``s3``: an S3-compatible object store through django-storages (an optional dependency), set with
    the ``S3_*`` variables; the bucket stays private and every link to a file is signed.
    """
    kind = env_str(name, default).lower()
    if kind not in _STORAGE_KINDS:
        raise ImproperlyConfigured(f"{name}: expected filesystem or s3, got {kind!r}.")
    if kind == "filesystem":
        # Under MEDIA_ROOT; each file written in full before it takes its name (core/storage.py).
        return {"BACKEND": "core.storage.AtomicFileSystemStorage"}
    try:
        import storages.backends.s3  # noqa: F401
    except ImportError:
        raise ImproperlyConfigured(
            f"{name}=s3 needs django-storages with boto3: "
            "uv pip install 'django-storages[s3]' (see docs/deploy.md)."
        ) from None
    options: dict[str, Any] = {
        "bucket_name": env_str("S3_BUCKET", required=True),
        "default_acl": None,
        "querystring_auth": True,
        "querystring_expire": env_int("S3_SIGNED_URL_SECONDS", 300, minimum=1),
        "file_overwrite": False,
        "location": env_str("S3_PREFIX", ""),
    }
    for variable, option in (
        ("S3_ENDPOINT_URL", "endpoint_url"),
        ("S3_REGION", "region_name"),
        ("S3_ACCESS_KEY_ID", "access_key"),
        ("S3_SECRET_ACCESS_KEY", "secret_key"),
    ):
        value = env_str(variable, "")
        if value:
            options[option] = value
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}


def database_timeouts(
    config: dict[str, Any],
    *,
    connect: int,
    statement: int,
    lock: int,
    idle_in_transaction: int,
) -> dict[str, Any]:
    """The database settings with their timeouts (seconds; 0 switches one off), so that one stuck
    request, one long lock or one half-open connection cannot stop the whole site.

    PostgreSQL: ``connect_timeout`` and TCP keepalives for the connection (a half-open connection is
    noticed within about 30 seconds), and ``statement_timeout``, ``lock_timeout`` and
    ``idle_in_transaction_session_timeout`` for the session (``options=-c ...``). SQLite has a busy
    timeout only: how long a write waits for another connection's lock (the lock timeout), and writes
    take their lock when the transaction begins (``IMMEDIATE``), so that two writers queue instead of
    one failing halfway.
    """
    config = {**config, "OPTIONS": dict(config.get("OPTIONS") or {})}
    options = config["OPTIONS"]
    if config["ENGINE"] == "django.db.backends.sqlite3":
        options.setdefault("timeout", lock or 5)
        options.setdefault("transaction_mode", "IMMEDIATE")
        return config
    if connect:
        options.setdefault("connect_timeout", connect)
    options.setdefault("keepalives", 1)
    options.setdefault("keepalives_idle", 10)
    options.setdefault("keepalives_interval", 5)
    options.setdefault("keepalives_count", 3)
    session = [
        f"-c {name}={seconds * 1000}"
        for name, seconds in (
            ("statement_timeout", statement),
            ("lock_timeout", lock),
            ("idle_in_transaction_session_timeout", idle_in_transaction),
        )
    ]
    options["options"] = " ".join(filter(None, [options.get("options", ""), *session]))
    return config
