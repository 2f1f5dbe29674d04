"""Workflows that span models. Keyword-only and typed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from accounts.twofactor import reset_devices
from trail.models import Event
from trail.services import record

if TYPE_CHECKING:
    from django.http import HttpRequest

    from accounts.models import User
    from reviews.models import Review


def reset_member_second_factor(
    *, review: Review, person: User, by: User, request: HttpRequest | None = None
) -> None:
    reset_devices(person)
    record(
        action=Event.Action.TWO_FACTOR_RESET,
        request=request,
        actor=by,
        obj=person,
        review_id=review.pk,
        detail={"person": person.email},
    )
