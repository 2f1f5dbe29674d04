"""How ready a review is, from the reports app (``core.readiness``): the host's comments on the
shared draft not yet answered. The lead reviewer answers each one (accepts it and corrects the
letter, or declines it with a reason); until then the letter cannot be issued.

Seen by those who may read the draft (``view_letter_draft``: the team, and the host lead contact
while the draft is shared), in one query.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q
from django.urls import reverse

from core.readiness import Check, Figure, May, register
from reports.models import Comment


def comments(review: Any, today: dt.date, may: May) -> list[Figure]:
    if not may("view_letter_draft"):
        return []
    counts = Comment.objects.filter(letter__review=review).aggregate(
        total=Count("pk"), open=Count("pk", filter=Q(status=Comment.Status.OPEN))
    )
    waiting = counts["open"]
    url = reverse("reports:comments", kwargs={"pk": review.pk})
    checks: tuple[Check, ...] = ()
    if waiting:
        checks = (
            Check(
                key="comments",
                text=f"{waiting} of the host's comments on the draft "
                f"{'is' if waiting == 1 else 'are'} not answered: accept or decline "
                f"{'it' if waiting == 1 else 'each one'}, with your reply",
                url=url,
                blocker=True,
            ),
        )
    return [
        Figure(
            key="comments",
            label="Host comments on the shared draft not answered",
            value=f"{waiting} of {counts['total']}",
            url=url,
            link_text="Go to the comments",
            done=not waiting,
            order=50,
            checks=checks,
        )
    ]


def register_providers() -> None:
    register("reports:comments", comments)
