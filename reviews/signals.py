"""Audit records for changes to a review's team."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from accounts.signals import password_changed, second_factor_reset
from reviews.models import CalendarFeed, Membership
from trail.models import Event
from trail.services import record


@receiver(post_save, sender=Membership, dispatch_uid="trail_membership_saved")
def _membership_saved(sender: Any, instance: Membership, created: bool, **kwargs: Any) -> None:
    record(
        action=Event.Action.TEAM_CHANGED,
        actor=getattr(instance, "_changed_by", None),
        obj=instance,
        detail={
            "change": "added" if created else "role changed",
            "person": instance.user.email,
            "role": instance.role,
        },
    )


@receiver(post_delete, sender=Membership, dispatch_uid="trail_membership_deleted")
def _membership_deleted(sender: Any, instance: Membership, **kwargs: Any) -> None:
    record(
        action=Event.Action.TEAM_CHANGED,
        actor=getattr(instance, "_changed_by", None),
        obj=instance,
        detail={"change": "removed", "person": instance.user.email, "role": instance.role},
    )


@receiver(password_changed, dispatch_uid="reviews_calendar_rotated_on_password_change")
@receiver(second_factor_reset, dispatch_uid="reviews_calendar_rotated_on_second_factor_reset")
def _rotate_calendar_address(sender: Any, user: Any, **kwargs: Any) -> None:
    """Whoever had the old password or phone may have copied the secret calendar address too."""
    feed = CalendarFeed.objects.filter(user=user).first()
    if feed is not None:
        feed.reset()
