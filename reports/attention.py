"""What the letter asks of the lead reviewer (``core.attention``): the host's factual accuracy comments
waiting for a reply."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count
from django.urls import reverse

from core.attention import Item, register
from reports.models import Comment
from reviews.setup.models import Membership, Role


def comments_to_answer(user: Any, today: dt.date) -> list[Item]:
    rows = (
        Comment.objects.filter(
            status=Comment.Status.OPEN,
            letter__review__in=Membership.objects.filter(user=user, role=Role.LEAD_REVIEWER).values(
                "review_id"
            ),
        )
        .values("letter__review_id", "letter__review__title")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return [
        Item(
            text=f"Answer {row['n']} factual accuracy comment{'s' if row['n'] != 1 else ''}",
            url=reverse("reports:comments", kwargs={"pk": row["letter__review_id"]}),
            review=row["letter__review__title"],
        )
        for row in rows
    ]


def register_providers() -> None:
    register("reports:comments", comments_to_answer)
