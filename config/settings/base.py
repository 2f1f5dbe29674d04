"""Settings for every deployment. What differs between deployments comes from the environment.

See README.md ("Configuration") for every variable.
"""

from __future__ import annotations

import tempfile
from datetime import timedelta
from pathlib import Path

from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from config.env import (
    database_timeouts,
    env_bool,
    env_cache,
    env_database,
    env_default_storage,
    env_email,
    env_int,
    env_list,
    env_str,
)

BASE_DIR = Path(__file__).resolve().parent.parent.parent

DEBUG = env_bool("DEBUG", False)

_DEV_SECRET = "insecure-development-key-only-for-debug-and-tests"  # noqa: S105 - refused below
SECRET_KEY = env_str("SECRET_KEY", _DEV_SECRET if DEBUG else None)
if not SECRET_KEY:
    raise ImproperlyConfigured(
        "SECRET_KEY: this environment variable must be set when DEBUG is off."
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

SERVICE_NAME = "Front door peer review"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_forms_gds",
    "rules",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "core",
    "trail",
    "accounts",
    "reviews",
    "audits",
    "reports",
    "improvement",
    "demo",
]

MIDDLEWARE = [
    # First: the request runs with room on CPython's frame stack (core/stack.py explains why).
    "core.stack.StackRoomMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "accounts.middleware.SessionTimeoutMiddleware",
    "accounts.middleware.RequireTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "core.middleware.NoStoreForSignedInMiddleware",
    "axes.middleware.AxesMiddleware",
    # Last, so that it sees a view's exception first: a busy database or a full disk gives a clear
    # page with the person's text kept, not an error page (core/middleware.py).
    "core.middleware.FaultPageMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "config.context_processors.service",
                "core.banners.banners",
            ],
        },
    },
    {
        # Plain-text email (core.email): the same templates, not HTML-escaped, so a review called
        # "Children's front door & MASH" reads as typed. Nothing rendered here reaches a page.
        "NAME": "text",
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {"autoescape": False},
    },
]

# Timeouts in seconds (0: none), so that one stuck request cannot stop the site (docs/deploy.md,
# "Timeouts"): connecting, one statement, waiting for a row another request has locked (the person
# is told "someone else is saving this", their text kept: core.middleware.DatabaseBusyMiddleware),
# and a transaction left open doing nothing.
DATABASE_CONNECT_TIMEOUT = env_int("DATABASE_CONNECT_TIMEOUT", 5, minimum=0)
DATABASE_STATEMENT_TIMEOUT = env_int("DATABASE_STATEMENT_TIMEOUT", 30, minimum=0)
DATABASE_LOCK_TIMEOUT = env_int("DATABASE_LOCK_TIMEOUT", 5, minimum=0)
DATABASE_IDLE_IN_TRANSACTION_TIMEOUT = env_int(
    "DATABASE_IDLE_IN_TRANSACTION_TIMEOUT", 60, minimum=0
)
DATABASES = {
    "default": database_timeouts(
        env_database("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        connect=DATABASE_CONNECT_TIMEOUT,
        statement=DATABASE_STATEMENT_TIMEOUT,
        lock=DATABASE_LOCK_TIMEOUT,
        idle_in_transaction=DATABASE_IDLE_IN_TRANSACTION_TIMEOUT,
    )
}
DATABASES["default"]["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 60, minimum=0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# /healthz answers within this many seconds, whatever the database does (core/health.py).
HEALTHZ_TIMEOUT = env_int("HEALTHZ_TIMEOUT", 2, minimum=1)

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "accounts.validators.MaximumLengthValidator", "OPTIONS": {"max_length": 256}},
]
LOGIN_URL = "accounts:sign-in"
LOGIN_REDIRECT_URL = "reviews:your-reviews"
LOGOUT_REDIRECT_URL = "accounts:sign-in"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 2

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT: Path | None = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
# Several app servers behind one database keep nothing of their own that another would need:
# - files (uploaded documents, issued letters, logos) go through Django's storage API, to MEDIA_ROOT
#   on a volume every server mounts, or to an S3-compatible object store (FILE_STORAGE=s3);
# - sessions are rows in the database (or the database behind a shared cache: SESSION_STORE);
# - the cache is this process's memory unless CACHE_URL names a Redis every server uses; the lockout
#   counts (django-axes) and the two-factor throttle (django-otp) are database rows, never the cache.
STORAGES = {
    "default": env_default_storage("FILE_STORAGE", "filesystem"),
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
CACHES = {"default": env_cache("CACHE_URL", "locmem://")}
_SESSION_STORES = {
    "db": "django.contrib.sessions.backends.db",
    "cached_db": "django.contrib.sessions.backends.cached_db",
}
_session_store = env_str("SESSION_STORE", "db")
if _session_store not in _SESSION_STORES:
    raise ImproperlyConfigured(f"SESSION_STORE: expected db or cached_db, got {_session_store!r}.")
if _session_store == "cached_db" and "redis" not in CACHES["default"]["BACKEND"].lower():
    raise ImproperlyConfigured(
        "SESSION_STORE=cached_db needs CACHE_URL=redis://...: a cache in one process's memory would "
        "serve a stale session on the other app servers."
    )
SESSION_ENGINE = _SESSION_STORES[_session_store]
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"

_email = env_email("EMAIL_URL", "consolemail://")
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email.get("EMAIL_HOST", "")
EMAIL_PORT = _email.get("EMAIL_PORT") or 25
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Front door peer review <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Every email is written to the outbox and sent after commit by the task worker (core.email,
# docs/deploy.md "The worker"): django-tasks with its database backend, `manage.py db_worker`.
# A try gives up after EMAIL_TIMEOUT seconds; tries again after each of EMAIL_RETRY_DELAYS seconds;
# then the email is failed, with the reason, on the page of what it was about.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20, minimum=1)
EMAIL_RETRY_DELAYS = [60, 5 * 60, 30 * 60, 2 * 60 * 60]
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# Reminders (core/reminders.py, docs/deploy.md "Reminders"): the worker runs them every
# REMINDERS_EVERY_MINUTES (`manage.py send_reminders` runs them now). A safeguarding alert not
# acknowledged by everyone after SAFEGUARDING_ESCALATE_AFTER_HOURS is escalated, once, to the
# review's coordinator and lead reviewer; each person's daily digest of what is due goes out from
# DIGEST_HOUR (London time), once a day, and lists what is due within REMINDER_DAYS_BEFORE days.
# The service's address, for the links in emails sent by the worker (no request to take it from).
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000" if DEBUG else "").rstrip("/")
SAFEGUARDING_ESCALATE_AFTER_HOURS = env_int("SAFEGUARDING_ESCALATE_AFTER_HOURS", 24, minimum=1)
REMINDERS_EVERY_MINUTES = env_int("REMINDERS_EVERY_MINUTES", 60, minimum=1)
DIGEST_HOUR = env_int("DIGEST_HOUR", 7, minimum=0)
REMINDER_DAYS_BEFORE = env_int("REMINDER_DAYS_BEFORE", 3, minimum=0)
# The factual accuracy check: the host's reply-by date, this many working days after sharing.
ACCURACY_CHECK_WORKING_DAYS = env_int("ACCURACY_CHECK_WORKING_DAYS", 10, minimum=1)

# Uploads larger than 2.5 MB wait here while the request runs (Django removes them afterwards;
# `manage.py clean_upload_temp` removes what a killed worker left). A folder of the app's own, on a
# local disk, created at start-up; /healthz reports it when it cannot be written.
FILE_UPLOAD_TEMP_DIR = env_str(
    "FILE_UPLOAD_TEMP_DIR", str(Path(tempfile.gettempdir()) / "frontdoor-uploads")
)

# Documents the host uploads before a review: PDF, Word, Excel or PowerPoint, up to this size.
DOCUMENT_MAX_UPLOAD_MB = env_int("DOCUMENT_MAX_UPLOAD_MB", 25, minimum=1)

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

# Security. Behind a TLS-terminating proxy set SECURE_PROXY_SSL_HEADER_ENABLED=true.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
if env_bool("SECURE_PROXY_SSL_HEADER_ENABLED", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
# The __Host- prefix pins cookies to this host, HTTPS and path / (production only: it needs HTTPS).
if env_bool("COOKIE_HOST_PREFIX", not DEBUG):
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"

# Sessions: signed out after SESSION_IDLE_TIMEOUT_MINUTES without activity (warned first, and able to
# stay signed in) and after SESSION_ABSOLUTE_TIMEOUT_HOURS whatever happens.
SESSION_IDLE_TIMEOUT = env_int("SESSION_IDLE_TIMEOUT_MINUTES", 30, minimum=2) * 60
SESSION_ABSOLUTE_TIMEOUT = env_int("SESSION_ABSOLUTE_TIMEOUT_HOURS", 12, minimum=1) * 3600
SESSION_TIMEOUT_WARNING = (
    120  # seconds of warning before the idle timeout (WCAG 2.2.1: at least 20)
)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_TIMEOUT
# How often a request writes "last seen" back to the session (seconds): not on every request.
SESSION_LAST_SEEN_EVERY = 15

# Two-factor sign-in (TOTP) for every account. TWO_FACTOR_REQUIRED=false is for local development
# only; `check --deploy` reports it as an error.
TWO_FACTOR_REQUIRED = env_bool("TWO_FACTOR_REQUIRED", True)
OTP_TOTP_ISSUER = "Front door peer review"
OTP_ADMIN_HIDE_SENSITIVE_DATA = True  # nobody, superusers included, reads another person's secret

# Lockout (django-axes): 10 failed sign-ins within 5 minutes, per account and per address, lock
# that account or address for 5 minutes.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 10, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 5, minimum=1))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_USERNAME_CALLABLE = "accounts.lockout.username_from_request"
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# The client's address, for the lockout and the audit trail: one function (trail.services.client_ip,
# with django-ipware) for both. TRUSTED_PROXY_COUNT is how many reverse proxies in front of the app
# each add to X-Forwarded-For (1 for the nginx of docs/deploy.md); the client is the address the
# outermost trusted proxy wrote there, counted from the right, so addresses a client writes into the
# header itself are never believed. 0 (the default): no proxy, X-Forwarded-For is ignored and
# REMOTE_ADDR is the client. AXES_PROXY_COUNT is the older name, still read.
TRUSTED_PROXY_COUNT = env_int(
    "TRUSTED_PROXY_COUNT", env_int("AXES_PROXY_COUNT", 0, minimum=0), minimum=0
)
AXES_CLIENT_IP_CALLABLE = "trail.services.client_ip"

# STACK_ROOM=false leaves out core.stack.StackRoomMiddleware: only for measuring what it saves
# (bench/single.py --no-stack-room, bench/run.py --no-stack-room), or on a Python with CPython's fix.
if not env_bool("STACK_ROOM", True):
    MIDDLEWARE.remove("core.stack.StackRoomMiddleware")

# BENCHMARK_VIEWS=true adds /bench/minimal, a signed-in view that does nothing: the ceiling the
# benchmark scripts (bench/) compare every page with. Off in production.
BENCHMARK_VIEWS = env_bool("BENCHMARK_VIEWS", False)

# Retention: case-level data is deleted this many months after a review's letter is issued.
RETENTION_MONTHS = env_int("RETENTION_MONTHS", 12, minimum=1)

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Secrets in paths (calendar addresses, invitation and password-reset links) are written as
    # [secret] by every handler (core/log_redaction.py); gunicorn's access log by its logger class.
    "filters": {"redact_secret_paths": {"()": "core.log_redaction.RedactSecretPaths"}},
    "formatters": {
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        }
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["redact_secret_paths"]},
        "django.server": {
            "class": "logging.StreamHandler",
            "formatter": "django.server",
            "filters": ["redact_secret_paths"],
        },
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO").upper()},
    # Lockouts are in the audit trail; axes's own chatter is only for warnings. WeasyPrint logs each
    # step of every PDF at INFO; only its warnings are worth reading.
    "loggers": {
        "axes": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        "django.server": {
            "handlers": ["django.server"],
            "level": "INFO",
            "filters": ["redact_secret_paths"],
            "propagate": False,
        },
        "django.request": {"filters": ["redact_secret_paths"]},
        "weasyprint": {"level": "WARNING"},
        "weasyprint.progress": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
