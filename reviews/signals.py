"""Audit records for changes to a review's team.

Every change to a membership is recorded here, in the transaction of the change, with who made it:
the code that changes a membership says who through ``attribute_change`` (the services do, and so does
the admin site). A change made nowhere that says so (a cascade when a review or an account is deleted)
is still recorded, without a person.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from accounts.signals import password_changed, second_factor_reset
from reviews.models import CalendarFeed, Membership
from trail.models import Event
from trail.services import record

if TYPE_CHECKING:
    from django.http import HttpRequest


def attribute_change(
    membership: Membership, *, by: Any, request: HttpRequest | None = None
) -> Membership:
    """Say who is changing this membership (and from where), before saving or deleting it."""
    membership._changed_by = by  # type: ignore[attr-defined]
    membership._change_request = request  # type: ignore[attr-defined]
    return membership


def _who(instance: Membership) -> dict[str, Any]:
    return {
        "actor": getattr(instance, "_changed_by", None),
        "request": getattr(instance, "_change_request", None),
    }


@receiver(post_save, sender=Membership, dispatch_uid="trail_membership_saved")
def _membership_saved(sender: Any, instance: Membership, created: bool, **kwargs: Any) -> None:
    detail = {
        "change": "added" if created else "role changed",
        "person": instance.user.email,
        "role": instance.role,
    }
    previous = getattr(instance, "_previous_role", None)
    if not created and previous is not None:
        detail["from"] = previous
    record(action=Event.Action.TEAM_CHANGED, obj=instance, detail=detail, **_who(instance))


@receiver(post_delete, sender=Membership, dispatch_uid="trail_membership_deleted")
def _membership_deleted(sender: Any, instance: Membership, **kwargs: Any) -> None:
    record(
        action=Event.Action.TEAM_CHANGED,
        obj=instance,
        detail={"change": "removed", "person": instance.user.email, "role": instance.role},
        **_who(instance),
    )


@receiver(password_changed, dispatch_uid="reviews_calendar_rotated_on_password_change")
@receiver(second_factor_reset, dispatch_uid="reviews_calendar_rotated_on_second_factor_reset")
def _rotate_calendar_address(sender: Any, user: Any, **kwargs: Any) -> None:
    """Whoever had the old password or phone may have copied the secret calendar address too."""
    feed = CalendarFeed.objects.filter(user=user).first()
    if feed is not None:
        feed.reset()
