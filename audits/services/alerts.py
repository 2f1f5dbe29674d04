"""Safeguarding alerts: record one, address it, email the people it goes to, acknowledge it."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from audits.models import AlertRecipient, Case, SafeguardingAlert
from core.email import send_email
from reviews.setup.models import Review, Role

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger(__name__)


def default_alert_recipients(review: Review) -> list[User]:
    from accounts.models import User

    return list(
        User.objects.filter(
            memberships__review=review, memberships__role__in=[Role.HOST_LEAD, Role.LEAD_REVIEWER]
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
    named), and email them at once."""
    with transaction.atomic():
        alert = SafeguardingAlert.objects.create(
            review=case.review, case=case, raised_by=user, concern=concern
        )
        people = {p.pk: p for p in [*default_alert_recipients(case.review), *(also_tell or [])]}
        AlertRecipient.objects.bulk_create(
            AlertRecipient(alert=alert, user=p) for p in people.values()
        )
    path = reverse("audits:alert", kwargs={"pk": case.review_id, "alert_pk": alert.pk})
    for person in people.values():
        # The alert is on record either way; its page shows who was not emailed.
        if not _email_alert(alert=alert, person=person, user=user, url=site + path):
            logger.warning("Safeguarding alert %s was not emailed to user %s", alert.pk, person.pk)
            continue
        AlertRecipient.objects.filter(alert=alert, user=person).update(emailed_at=timezone.now())
    return alert


def _email_alert(*, alert: SafeguardingAlert, person: User, user: User, url: str) -> bool:
    return send_email(
        template="audits/email/safeguarding_alert",
        context={"case": alert.case, "user": user, "url": url},
        to=[person.email],
    )


def acknowledge_alert(*, alert: SafeguardingAlert, user: User) -> None:
    """Record that this recipient has read the alert (the first time only)."""
    AlertRecipient.objects.filter(alert=alert, user=user, acknowledged_at__isnull=True).update(
        acknowledged_at=timezone.now()
    )
