"""The scheduled work: escalations, each person's daily digest of what is due, and the task that
runs them every ``REMINDERS_EVERY_MINUTES``.

django-tasks has no clock of its own. ``reminders`` is a task that does the work and then enqueues
its own next run (``run_after``), unless a run is already waiting: one pending run at a time,
whatever the number of restarts. ``manage.py send_reminders`` runs the work now (for cron or a
systemd timer, docs/deploy.md "Reminders") and ``--schedule`` puts the first run in the queue
(``make run`` does, before it starts the worker).

Each piece is safe to run twice: an alert is escalated once (``escalated_at``), a person gets one
digest a day (``DigestSent``). Apps add their own jobs with ``register_job`` (core imports no app).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks import task, task_backends

from core.attention import Item, for_person
from core.email import send_email
from core.models import DigestSent

logger = logging.getLogger(__name__)

Job = Callable[[dt.datetime], int]
JOBS: dict[str, Job] = {}


def register_job(key: str, job: Job) -> None:
    """``job(now)`` does its part of the scheduled work and returns how many things it did."""
    JOBS.setdefault(key, job)


def digest_items(items: list[Item], today: dt.date) -> list[Item]:
    """What a digest lists: what is urgent or overdue, and what is due within
    ``REMINDER_DAYS_BEFORE`` days (the reminder before the date). Work with no date is on "Needs
    your attention", not in an email every day."""
    soon = today + dt.timedelta(days=settings.REMINDER_DAYS_BEFORE)
    return [i for i in items if i.urgent or i.overdue or (i.due is not None and i.due <= soon)]


def send_digests(*, today: dt.date, site: str | None = None) -> int:
    """One email to each person with something due or overdue, listing all of it: the same items,
    in the same order, as their "Needs your attention" (``core.attention.for_person``). Nobody with
    nothing due gets one, and nobody gets two on one day. Returns how many were queued."""
    site = settings.SITE_URL if site is None else site
    people = (
        get_user_model()
        .objects.filter(is_active=True)
        .exclude(email="")
        .exclude(pk__in=DigestSent.objects.filter(date=today).values("user_id"))
        .order_by("pk")
    )
    sent = 0
    for person in people:
        items = digest_items(for_person(person, today), today)
        if not items:
            continue
        try:
            with transaction.atomic():
                DigestSent.objects.create(user=person, date=today, items=len(items))
                send_email(
                    template="core/email/digest",
                    context={
                        "person": person,
                        "today": today,
                        "items": items,
                        "overdue": sum(1 for i in items if i.overdue),
                        "site": site,
                    },
                    to=[person.email],
                    about=person,
                )
        except IntegrityError:  # another run sent today's already
            continue
        sent += 1
    return sent


def run_reminders(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Everything scheduled, once: each app's jobs, then the digests (from ``DIGEST_HOUR``)."""
    now = now or timezone.now()
    done = {key: job(now) for key, job in JOBS.items()}
    local = timezone.localtime(now)
    done["digests"] = send_digests(today=local.date()) if local.hour >= settings.DIGEST_HOUR else 0
    return done


def _pending_runs() -> Any:
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(task_path=reminders.module_path, status="READY")


def schedule_next(*, now: dt.datetime | None = None) -> bool:
    """Put the next run in the queue, ``REMINDERS_EVERY_MINUTES`` from now, unless one is waiting
    already. Only on a backend that keeps deferred tasks (the database one); returns whether it
    queued one."""
    if not task_backends[reminders.backend].supports_defer:
        return False
    if _pending_runs().exists():
        return False
    when = (now or timezone.now()) + dt.timedelta(minutes=settings.REMINDERS_EVERY_MINUTES)
    reminders.using(run_after=when).enqueue()
    return True


def schedule_first() -> bool:
    """The first run, at once (``send_reminders --schedule``): unless one is waiting already."""
    if not task_backends[reminders.backend].supports_defer:
        return False
    if _pending_runs().exists():
        return False
    reminders.enqueue()
    return True


@task()
def reminders() -> dict[str, int]:
    """The task the worker runs every ``REMINDERS_EVERY_MINUTES``: the work, then the next run."""
    try:
        return run_reminders()
    finally:
        schedule_next()
