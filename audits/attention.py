"""What the audits app asks of people (``core.attention``): safeguarding alerts to acknowledge (always
first) and the case audits assigned to them that are not complete."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q
from django.urls import reverse

from audits.models import AlertRecipient, Case, CaseAudit
from core.attention import Item, register
from reviews.setup.models import Review


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


def register_providers() -> None:
    register("audits:alerts", alerts_to_acknowledge)
    register("audits:cases", cases_to_audit)
