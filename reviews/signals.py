"""What the reviews app does when something happens to an account elsewhere.

(Changes to a review's team are recorded by the code that makes them: ``services.record_team_change``.)
"""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from accounts.signals import password_changed, second_factor_reset
from reviews.models import CalendarFeed


@receiver(password_changed, dispatch_uid="reviews_calendar_rotated_on_password_change")
@receiver(second_factor_reset, dispatch_uid="reviews_calendar_rotated_on_second_factor_reset")
def _rotate_calendar_address(sender: Any, user: Any, **kwargs: Any) -> None:
    """Whoever had the old password or phone may have copied the secret calendar address too."""
    feed = CalendarFeed.objects.filter(user=user).first()
    if feed is not None:
        feed.reset()
