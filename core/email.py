"""The one way the service sends email: every email of every app goes through ``send_email``.

An email is two templates, ``<template>_subject.txt`` (one line) and ``<template>.txt`` (the body),
rendered with the same context by the plain-text template engine (``TEXT_ENGINE``: no HTML
escaping, so a title with an apostrophe or an ampersand reads as typed) and sent from
``DEFAULT_FROM_EMAIL``. An email reports a change that is
already saved (call it after the transaction): when the mail server is down, or anything else stops the
email, the failure is logged and ``send_email`` returns False. It never raises, so a change that
worked is never turned into an error page; the caller decides whether to say so (a safeguarding
alert's page shows who was not emailed, the reminders command names them).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

TEXT_ENGINE = "text"  # settings.TEMPLATES: the same templates, autoescape off


def send_email(*, template: str, context: Mapping[str, Any], to: Sequence[str]) -> bool:
    """Send one email to ``to`` (one message, every address on it). ``template`` is the templates'
    path without its ending, e.g. ``"reviews/email/invitation"``. True if it went (or there was no
    one to send it to), False if it could not be sent (logged)."""
    recipients = [address for address in to if address]
    if not recipients:
        return True
    try:
        subject = render_to_string(f"{template}_subject.txt", dict(context), using=TEXT_ENGINE)
        body = render_to_string(f"{template}.txt", dict(context), using=TEXT_ENGINE)
        send_mail(
            subject=" ".join(subject.splitlines()).strip(),
            message=body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=recipients,
        )
    except Exception:  # the change it reports is saved: log it, never turn it into an error page
        logger.exception("could not send the %s email", template)
        return False
    return True
