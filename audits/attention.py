"""What the audits app asks of people (``core.attention``): safeguarding alerts to acknowledge (always
first), alerts escalated to them as coordinator or lead reviewer, and the case audits assigned to them
that are not complete. The alerts to acknowledge are also a banner on every page (``core.banners``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from audits.models import AlertRecipient, Case, CaseAudit, SafeguardingAlert
from core import banners
from core.attention import Item, register
from reviews.schedule.models import Session
from reviews.setup.models import Membership, Review, Role


def alerts_to_acknowledge(user: Any, today: dt.date) -> list[Item]:
    rows = (
        AlertRecipient.objects.filter(user=user, acknowledged_at__isnull=True)
        .select_related("alert__review")
        .only("alert__id", "alert__review__id", "alert__review__title", "alert__created_at")
        .order_by("alert__created_at")
    )
    return [
        Item(
            text="Read and acknowledge a safeguarding alert",
            url=reverse(
                "audits:alert", kwargs={"pk": row.alert.review.pk, "alert_pk": row.alert.pk}
            ),
            review=row.alert.review.title,
            urgent=True,
        )
        for row in rows
    ]


def alert_banners(user: Any) -> list[banners.Banner]:
    """One banner per alert this person has not acknowledged: one query, on every page."""
    rows = (
        AlertRecipient.objects.filter(user=user, acknowledged_at__isnull=True)
        .select_related("alert__review")
        .only("alert__id", "alert__review__id", "alert__review__title", "alert__created_at")
        .order_by("alert__created_at")
    )
    return [
        banners.Banner(
            heading=f"A safeguarding alert on “{row.alert.review.title}” needs you.",
            link_text="Read and acknowledge the safeguarding alert",
            url=reverse(
                "audits:alert", kwargs={"pk": row.alert.review.pk, "alert_pk": row.alert.pk}
            ),
        )
        for row in rows
    ]


def alerts_escalated(user: Any, today: dt.date) -> list[Item]:
    """Alerts escalated to this person (coordinator or lead reviewer) that someone has still not
    acknowledged."""
    rows = (
        SafeguardingAlert.objects.filter(
            escalated_at__isnull=False,
            review__in=Membership.objects.filter(
                user=user, role__in=[Role.COORDINATOR, Role.LEAD_REVIEWER]
            ).values("review_id"),
        )
        .filter(
            Exists(
                AlertRecipient.objects.filter(alert=OuterRef("pk"), acknowledged_at__isnull=True)
            )
        )
        .values_list("pk", "review_id", "review__title", "escalated_at")
        .order_by("created_at")
    )
    return [
        Item(
            text="Follow up a safeguarding alert not acknowledged by everyone (escalated to you)",
            url=reverse("audits:alert", kwargs={"pk": review_id, "alert_pk": pk}),
            review=title,
            due=timezone.localdate(escalated_at),
            overdue=True,
            urgent=True,
        )
        for pk, review_id, title, escalated_at in rows
    ]


def cases_to_audit(user: Any, today: dt.date) -> list[Item]:
    rows = (
        Case.objects.filter(assigned_to=user)
        .exclude(review__status=Review.Status.ISSUED)
        .exclude(audit__status=CaseAudit.Status.COMPLETE)
        .values("review_id", "review__title")
        .annotate(n=Count("pk"), started=Count("pk", filter=Q(audit__isnull=False)))
        .order_by()
    )
    out = []
    for row in rows:
        n = row["n"]
        text = f"Complete {n} case audit{'s' if n != 1 else ''} assigned to you"
        if row["started"]:
            text += f" ({row['started']} started)"
        out.append(
            Item(
                text=text,
                url=reverse("audits:home", kwargs={"pk": row["review_id"]}),
                review=row["review__title"],
            )
        )
    return out


def sessions_today(user: Any, today: dt.date) -> list[Item]:
    """ "Your sessions today" on each review with any: to its Today page (sessions, cases, notes)."""
    rows = (
        Session.objects.live()
        .filter(reviewers=user, day__date=today)
        .exclude(review__status=Review.Status.ISSUED)
        .values("review_id", "review__title")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return [
        Item(
            text=f"Your {row['n']} session{'s' if row['n'] != 1 else ''} today: times, places, "
            "key lines and notes",
            url=reverse("audits:today", kwargs={"pk": row["review_id"]}),
            review=row["review__title"],
            due=today,
        )
        for row in rows
    ]


def register_providers() -> None:
    register("audits:alerts", alerts_to_acknowledge)
    register("audits:alerts-escalated", alerts_escalated)
    banners.register("audits:alerts", alert_banners)
    register("audits:cases", cases_to_audit)
    register("audits:sessions-today", sessions_today)
