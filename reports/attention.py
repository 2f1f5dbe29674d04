"""What the letter asks of people (``core.attention``): the lead reviewer, the host's factual accuracy
comments waiting for a reply; the host lead contact, the factual accuracy check itself, due by the
reply-by date set when the draft was shared (in the daily digest before it, overdue after it)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count
from django.urls import reverse

from core.attention import Item, register
from reports.models import Comment, Letter
from reviews.setup.models import Membership, Review, Role


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


def accuracy_check_to_reply(user: Any, today: dt.date) -> list[Item]:
    rows = Letter.objects.filter(
        review__status=Review.Status.ACCURACY_CHECK,
        review__in=Membership.objects.filter(user=user, role=Role.HOST_LEAD).values("review_id"),
    ).values_list("review_id", "review__title", "reply_by")
    return [
        Item(
            text="Check the draft letter for factual accuracy and send any corrections",
            url=reverse("reports:comments", kwargs={"pk": review_id}),
            review=title,
            due=reply_by,
            overdue=bool(reply_by and reply_by < today),
        )
        for review_id, title, reply_by in rows
    ]


def register_providers() -> None:
    register("reports:comments", comments_to_answer)
    register("reports:accuracy-check", accuracy_check_to_reply)
