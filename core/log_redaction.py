"""Secrets that travel in a URL's path never reach a log.

A person's calendar address (``/calendar/<token>.ics``) is the only key to their timetable, and
calendar apps fetch it every few hours: an access log would soon hold every person's key. Invitation
links and password-reset links carry one-time secrets the same way. The paths are rewritten with
``[secret]`` in place of the secret, by a logging filter (Django's runserver ``django.server`` and
``django.request`` loggers, the console handler) and by gunicorn's access logger
(``config.gunicorn_logging.RedactingGunicornLogger``).
"""

from __future__ import annotations

import logging
import re

_SECRET_IN_PATH = re.compile(
    r"(?P<prefix>/calendar/)(?!reset/)[A-Za-z0-9_-]{16,}"
    r"|(?P<invitation>/invitations/)[A-Za-z0-9_-]{16,}"
    r"|(?P<reset>/password-reset/[A-Za-z0-9_-]+/)(?!set-password/)[A-Za-z0-9_-]{8,}"
)


def _replacement(match: re.Match[str]) -> str:
    prefix = match.group("prefix") or match.group("invitation") or match.group("reset")
    return f"{prefix}[secret]"


def redact(text: str) -> str:
    """``text`` with the secret part of every secret-bearing path replaced by ``[secret]``."""
    if "/calendar/" not in text and "/invitations/" not in text and "/password-reset/" not in text:
        return text
    return _SECRET_IN_PATH.sub(_replacement, text)


class RedactSecretPaths(logging.Filter):
    """Rewrite a record's message without the secrets of secret-bearing paths (never drops a record)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:
            return True
        redacted = redact(message)
        if redacted != message:
            record.msg = redacted
            record.args = ()
        return True
