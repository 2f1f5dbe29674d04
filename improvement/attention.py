"""What the action plan asks of the host lead contact (``core.attention``): actions overdue or due in
the next two weeks."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Min, Q
from django.urls import reverse

from core.attention import Item, register
from improvement.models import Action
from reviews.setup.models import Membership, Role

SOON = dt.timedelta(days=14)


def actions_due(user: Any, today: dt.date) -> list[Item]:
    rows = (
        Action.objects.open()
        .filter(
            due_date__lte=today + SOON,
            review__in=Membership.objects.filter(user=user, role=Role.HOST_LEAD).values(
                "review_id"
            ),
        )
        .values("review_id", "review__title")
        .annotate(
            n=Count("pk"), first=Min("due_date"), late=Count("pk", filter=Q(due_date__lt=today))
        )
        .order_by()
    )
    out = []
    for row in rows:
        n, late = row["n"], row["late"]
        text = f"{n} action{'s' if n != 1 else ''} of the action plan due"
        if late:
            text += f" ({late} overdue)"
        out.append(
            Item(
                text=text,
                url=reverse("improvement:action-plan", kwargs={"pk": row["review_id"]}),
                review=row["review__title"],
                due=row["first"],
                overdue=bool(late),
            )
        )
    return out


def register_providers() -> None:
    register("improvement:actions", actions_due)
