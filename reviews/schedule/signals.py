"""A person's calendar address changes when their password or second factor does."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from accounts.signals import password_changed, second_factor_reset
from reviews.schedule.models import CalendarFeed


@receiver(password_changed, dispatch_uid="reviews_calendar_rotated_on_password_change")
@receiver(second_factor_reset, dispatch_uid="reviews_calendar_rotated_on_second_factor_reset")
def _rotate_calendar_address(sender: Any, user: Any, **kwargs: Any) -> None:
    """Whoever had the old password or phone may have copied the secret calendar address too."""
    feed = CalendarFeed.objects.filter(user=user).first()
    if feed is not None:
        feed.reset()
