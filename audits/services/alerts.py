"""Safeguarding alerts: record one, address it, queue an email to each person it goes to,
acknowledge it; escalate one nobody acknowledged in time."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from audits.models import AlertRecipient, Case, SafeguardingAlert
from core.email import deliveries_for, send_email
from core.models import Email
from reviews.setup.models import Review, Role

if TYPE_CHECKING:
    from accounts.models import User


def default_alert_recipients(review: Review) -> list[User]:
    from accounts.models import User

    return list(
        User.objects.filter(
            memberships__review=review,
            memberships__role__in=[Role.HOST_LEAD, Role.LEAD_REVIEWER, Role.QA_AUDITOR],
        ).order_by("full_name")
    )


def raise_alert(
    *,
    case: Case,
    user: User,
    concern: str,
    also_tell: list[User] | None = None,
    site: str = "",
) -> SafeguardingAlert:
    """Record the alert, address it to the host lead contact and the lead reviewer (and anyone
    named), and queue an email to each of them, in one transaction. The alert's page shows how
    each email went (``alert_deliveries``): queued, sent, or not sent yet / failed with the reason."""
    with transaction.atomic():
        alert = SafeguardingAlert.objects.create(
            review=case.review, case=case, raised_by=user, concern=concern
        )
        people = {p.pk: p for p in [*default_alert_recipients(case.review), *(also_tell or [])]}
        AlertRecipient.objects.bulk_create(
            AlertRecipient(alert=alert, user=p) for p in people.values()
        )
        path = reverse("audits:alert", kwargs={"pk": case.review_id, "alert_pk": alert.pk})
        for recipient in alert.recipients.select_related("user"):
            send_email(
                template="audits/email/safeguarding_alert",
                context={"case": alert.case, "user": user, "url": site + path},
                to=[recipient.user.email],
                about=recipient,
            )
    return alert


def alert_deliveries(recipients: list[AlertRecipient]) -> dict[int, list[Email]]:
    """The emails of each recipient of an alert, by the recipient row's pk (one query)."""
    return deliveries_for(recipients)


def emails_not_sent(alerts: list[SafeguardingAlert]) -> dict[int, int]:
    """How many of each alert's emails have been tried and not sent (still being retried, or
    failed), by the alert's pk: two queries for any number of alerts."""
    recipients = list(AlertRecipient.objects.filter(alert__in=alerts).only("pk", "alert_id"))
    deliveries = deliveries_for(recipients)
    counts = {alert.pk: 0 for alert in alerts}
    for recipient in recipients:
        counts[recipient.alert_id] += sum(
            1 for e in deliveries[recipient.pk] if e.attempts and e.state != Email.State.SENT
        )
    return counts


def acknowledge_alert(*, alert: SafeguardingAlert, user: User) -> None:
    """Record that this recipient has read the alert (the first time only)."""
    AlertRecipient.objects.filter(alert=alert, user=user, acknowledged_at__isnull=True).update(
        acknowledged_at=timezone.now()
    )


def escalation_people(review: Review) -> list[User]:
    """Whom an alert nobody acknowledged in time goes to: the review's coordinator and lead reviewer."""
    from accounts.models import User

    return list(
        User.objects.filter(
            is_active=True,
            memberships__review=review,
            memberships__role__in=[Role.COORDINATOR, Role.LEAD_REVIEWER],
        )
        .distinct()
        .order_by("full_name")
    )


def escalate_overdue_alerts(*, now: dt.datetime | None = None, site: str | None = None) -> int:
    """Escalate each alert not acknowledged by every recipient within
    ``SAFEGUARDING_ESCALATE_AFTER_HOURS`` of being raised: an email to the review's coordinator
    and lead reviewer (through the outbox), and an urgent item on their "Needs your attention".
    Once per alert: ``escalated_at`` is claimed with one conditional UPDATE in the transaction that
    queues the emails, so two runs (or two workers) never both send it. Returns how many."""
    now = now or timezone.now()
    site = settings.SITE_URL if site is None else site
    cutoff = now - dt.timedelta(hours=settings.SAFEGUARDING_ESCALATE_AFTER_HOURS)
    due = (
        SafeguardingAlert.objects.filter(
            escalated_at__isnull=True,
            created_at__lte=cutoff,
            recipients__acknowledged_at__isnull=True,
        )
        .select_related("case", "review__host")
        .distinct()
        .order_by("created_at", "pk")
    )
    escalated = 0
    for alert in due:
        with transaction.atomic():
            if not SafeguardingAlert.objects.filter(pk=alert.pk, escalated_at__isnull=True).update(
                escalated_at=now
            ):
                continue  # another run has it
            waiting = [
                r.user.full_name or r.user.email
                for r in alert.recipients.filter(acknowledged_at__isnull=True).select_related(
                    "user"
                )
            ]
            send_email(
                template="audits/email/alert_escalated",
                context={
                    "alert": alert,
                    "case": alert.case,
                    "review": alert.review,
                    "waiting": waiting,
                    "hours": settings.SAFEGUARDING_ESCALATE_AFTER_HOURS,
                    "url": site + alert.get_absolute_url(),
                },
                to=[p.email for p in escalation_people(alert.review)],
                about=alert,
            )
            escalated += 1
    return escalated
