"""The one way the service sends email: every email of every app goes through ``send_email``.

An email is two templates, ``<template>_subject.txt`` (one line) and ``<template>.txt`` (the body),
rendered with the same context by the plain-text template engine (``TEXT_ENGINE``: no HTML
escaping, so a title with an apostrophe or an ampersand reads as typed) and sent from
``DEFAULT_FROM_EMAIL``.

No email is sent inside a request. ``send_email`` writes one row per person to the outbox
(``core.models.Email``) and enqueues the ``deliver`` task, both in the caller's transaction: the
change and its emails are saved together or not at all, and the task worker (``manage.py
db_worker``, django-tasks' database backend) sees them only after commit. ``deliver`` sends one
email with a time limit (``EMAIL_TIMEOUT``); when the mail server is down, refuses or does not
answer, the reason is kept and it tries again after ``EMAIL_RETRY_DELAYS``; after the last try the
email is ``failed``, with the reason, where the people who caused it can see it
(``deliveries_about``). A server that refuses an address for good (a 5xx answer) fails it at once.

An email is sent once: a worker claims it (queued → sending) with one conditional UPDATE, so two
workers never both send it, and its Message-ID is fixed when it is queued, so in the rare case of a
worker killed between the server's "accepted" and the row's "sent" (``email_outbox --requeue-stuck``
puts it back), mail programs show one message.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
import socket
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMessage
from django.core.mail.message import make_msgid
from django.db import models, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone
from django_tasks import task, task_backends

from core.models import Email

logger = logging.getLogger(__name__)

TEXT_ENGINE = "text"  # settings.TEMPLATES: the same templates, autoescape off


def people(count: int) -> str:
    """'1 person', '2 people'."""
    return "1 person" if count == 1 else f"{count} people"


@dataclass(frozen=True)
class Queued:
    """What ``send_email`` queued: one outbox row per person. ``summary`` is what a page says:
    'queued for 2 people' (or 'no one to email')."""

    emails: list[Email] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.emails)

    @property
    def count(self) -> int:
        return len(self.emails)

    @property
    def summary(self) -> str:
        return self.describe(self.count)

    @staticmethod
    def describe(count: int) -> str:
        return f"queued for {people(count)}" if count else "not queued: no one to email"

    def __add__(self, other: Queued) -> Queued:
        return Queued([*self.emails, *other.emails])


def render_email(*, template: str, context: Mapping[str, Any]) -> tuple[str, str]:
    """The subject (one line: a line break in a title can never make a second header) and the body."""
    subject = render_to_string(f"{template}_subject.txt", dict(context), using=TEXT_ENGINE)
    body = render_to_string(f"{template}.txt", dict(context), using=TEXT_ENGINE)
    return " ".join(subject.splitlines()).strip(), body


def send_email(
    *,
    template: str,
    context: Mapping[str, Any],
    to: Sequence[str],
    about: models.Model | None = None,
) -> Queued:
    """Queue one email to each address of ``to`` (each person gets their own message), about
    ``about`` (whose page shows how they went). Call it inside the transaction of the change the
    email reports. ``template`` is the templates' path without its ending, e.g.
    ``"reviews/email/invitation"``."""
    recipients = list(dict.fromkeys(address for address in to if address))
    if not recipients:
        return Queued()
    subject, body = render_email(template=template, context=context)
    about_type = ContentType.objects.get_for_model(about) if about is not None else None
    emails = []
    with transaction.atomic():
        for address in recipients:
            email = Email.objects.create(
                template=template,
                to=address,
                subject=subject,
                body=body,
                message_id=make_msgid(),
                about_type=about_type,
                about_id=about.pk if about is not None else None,
                next_try_at=timezone.now(),
            )
            _enqueue(email.pk, email.next_try_at)
            emails.append(email)
    return Queued(emails)


def deliveries_about(about: models.Model, *, since: dt.datetime | None = None) -> list[Email]:
    """The emails about ``about`` (queued at ``since`` or later), oldest first."""
    emails = Email.objects.filter(
        about_type=ContentType.objects.get_for_model(about), about_id=about.pk
    ).defer("body")
    if since is not None:
        emails = emails.filter(created_at__gte=since)
    return list(emails)


def deliveries_for(objects: Iterable[models.Model]) -> dict[int, list[Email]]:
    """The emails about each of ``objects`` (all of one model), by the object's pk: one query."""
    objects = list(objects)
    found: dict[int, list[Email]] = {obj.pk: [] for obj in objects}
    if not objects:
        return found
    emails = Email.objects.filter(
        about_type=ContentType.objects.get_for_model(objects[0]), about_id__in=list(found)
    ).defer("body")
    for email in emails:
        assert email.about_id is not None
        found[email.about_id].append(email)
    return found


# Sending: the worker -----------------------------------------------------------------------------


def _reason(exc: BaseException) -> tuple[str, bool]:
    """A reason a person can read, and whether trying again could help."""
    seconds = getattr(settings, "EMAIL_TIMEOUT", None)
    timeout = "1 second" if seconds == 1 else f"{seconds} seconds"
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        code, message = next(iter(exc.recipients.values()))
        text = message.decode(errors="replace") if isinstance(message, bytes) else str(message)
        return f"the mail server refused the address ({code} {text})", code < 500
    if isinstance(exc, smtplib.SMTPResponseException):
        text = exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) else ""
        return f"the mail server refused it ({exc.smtp_code} {text})".strip(), exc.smtp_code < 500
    if isinstance(exc, TimeoutError | socket.timeout):
        return f"the mail server did not answer within {timeout}", True
    if isinstance(exc, ConnectionRefusedError):
        return "the mail server refused the connection", True
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        if isinstance(exc.__context__, TimeoutError | socket.timeout):  # smtplib wraps a timeout
            return f"the mail server did not answer within {timeout}", True
        return "the mail server closed the connection", True
    if isinstance(exc, OSError):
        return f"could not reach the mail server ({exc.strerror or exc})", True
    return f"could not send it ({type(exc).__name__})", True


def retry_delays() -> list[int]:
    """Seconds to wait before each try after the first: one try more than there are delays."""
    return list(settings.EMAIL_RETRY_DELAYS)


def _enqueue(email_id: int, when: dt.datetime | None, *, retry: bool = False) -> None:
    """Enqueue ``deliver`` to run at ``when``: first tries and retries in the order of their time
    (a first try is not put behind another email's retries)."""
    if task_backends[deliver.backend].supports_defer:
        deliver.using(run_after=when).enqueue(email_id)
    elif not retry:
        deliver.enqueue(email_id)
    # A retry on a backend without deferred tasks (the test suite's immediate one) waits for
    # ``email_outbox --send-due``.


def deliver_now(email_id: int) -> str:
    """Send one queued email: 'sent', 'queued' (to be tried again), 'failed', or 'skipped' (not
    queued: sent already, or another worker has it)."""
    now = timezone.now()
    claimed = Email.objects.filter(pk=email_id, state=Email.State.QUEUED).update(
        state=Email.State.SENDING, attempts=F("attempts") + 1, tried_at=now
    )
    if not claimed:
        return "skipped"
    email = Email.objects.get(pk=email_id)
    message = EmailMessage(
        subject=email.subject,
        body=email.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.to],
        headers={"Message-ID": email.message_id},
    )
    try:
        message.send()
    except Exception as exc:  # every failure is kept on the row, where a page shows it
        reason, transient = _reason(exc)
        delays = retry_delays()
        if transient and email.attempts <= len(delays):
            when = now + dt.timedelta(seconds=delays[email.attempts - 1])
            Email.objects.filter(pk=email_id).update(
                state=Email.State.QUEUED, last_error=reason[:500], next_try_at=when
            )
            logger.warning("email %s not sent (try %s): %s", email_id, email.attempts, reason)
            _enqueue(email_id, when, retry=True)
            return "queued"
        Email.objects.filter(pk=email_id).update(
            state=Email.State.FAILED, last_error=reason[:500], next_try_at=None
        )
        logger.error("email %s failed after %s tries: %s", email_id, email.attempts, reason)
        return "failed"
    Email.objects.filter(pk=email_id).update(
        state=Email.State.SENT, sent_at=timezone.now(), next_try_at=None, body=""
    )
    return "sent"


@task()
def deliver(email_id: int) -> str:
    """The task the worker runs for each queued email."""
    return deliver_now(email_id)


def send_due(*, now: dt.datetime | None = None) -> int:
    """Send every queued email whose time has come, here and now (``email_outbox --send-due``: for a
    backend without deferred tasks, or after a worker was stopped). Returns how many were sent."""
    due = Email.objects.filter(
        state=Email.State.QUEUED, next_try_at__lte=now or timezone.now()
    ).values_list("pk", flat=True)
    return sum(deliver_now(pk) == "sent" for pk in list(due))


def requeue_stuck(*, older_than: dt.timedelta) -> int:
    """Put back in the queue the emails a worker claimed and never finished (it was killed while
    sending), so the next worker sends them. Returns how many."""
    cutoff = timezone.now() - older_than
    stuck = list(
        Email.objects.filter(state=Email.State.SENDING, tried_at__lt=cutoff).values_list(
            "pk", flat=True
        )
    )
    now = timezone.now()
    for pk in stuck:
        if Email.objects.filter(pk=pk, state=Email.State.SENDING).update(
            state=Email.State.QUEUED, next_try_at=now, last_error="the worker stopped while sending"
        ):
            _enqueue(pk, now)
    return len(stuck)
