"""Fieldwork days, sessions and personal calendar feeds."""

from __future__ import annotations

import datetime
import secrets
import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from core.models import Timestamped, Versioned
from reviews.setup.models import LONDON, Kloe, Review

if TYPE_CHECKING:
    from accounts.models import User


class ReviewDay(Timestamped):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="days")
    date = models.DateField()
    notes = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["review", "date"]
        constraints = [
            models.UniqueConstraint(fields=["review", "date"], name="one_day_per_date_per_review"),
        ]
        # The timetable's clash check looks for other reviews' sessions on the same dates: without
        # it, PostgreSQL read every review day there has ever been (docs/performance.md).
        indexes = [models.Index(fields=["date"], name="reviewday_date")]

    def __str__(self) -> str:
        return f"{self.date:%A %-d %B %Y}"


class SessionQuerySet(models.QuerySet["Session"]):
    def live(self) -> SessionQuerySet:
        return self.filter(cancelled_at__isnull=True)

    def for_person(self, user: User) -> SessionQuerySet:
        return self.filter(Q(reviewers=user) | Q(host_people=user)).distinct()

    def published(self) -> SessionQuerySet:
        """Sessions of timetables the coordinator has published: a draft stays out of calendars."""
        return self.filter(review__timetable_publication__isnull=False)


class Session(Versioned):
    """A session on a review day. Its ``uid`` and ``sequence`` let calendars update it in place."""

    class Kind(models.TextChoices):
        OPENING_MEETING = "opening_meeting", "Opening meeting"
        DOCUMENT_READING = "document_reading", "Document reading"
        OBSERVATION = "observation", "Observation"
        INTERVIEW = "interview", "Interview"
        FOCUS_GROUP = "focus_group", "Focus group"
        WORKSHOP = "workshop", "Workshop"
        CASE_AUDIT = "case_audit", "Case audit"
        TEAM_CONSOLIDATION = "team_consolidation", "Team consolidation"
        FEEDBACK_PRESENTATION = "feedback_presentation", "Feedback presentation"
        OTHER = "other", "Other"

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="sessions")
    day = models.ForeignKey(ReviewDay, on_delete=models.CASCADE, related_name="sessions")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    title = models.CharField(max_length=200)
    start_time = models.TimeField()
    end_time = models.TimeField()
    place = models.CharField(max_length=200, blank=True)
    online_link = models.URLField("online meeting link", max_length=500, blank=True)
    reviewers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="sessions_reviewing"
    )
    host_people = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="sessions_hosting"
    )
    host_attendees = models.CharField(
        "other host attendees", max_length=300, blank=True, help_text="By role or name."
    )
    kloes = models.ManyToManyField(Kloe, blank=True, related_name="sessions")
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    objects = SessionQuerySet.as_manager()

    # Typing only: set on each session the timetable shows (reviews.schedule.timetable), its clashes.
    warnings: list[str]

    class Meta:
        ordering = ["day__date", "start_time", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_time__gt=models.F("start_time")),
                name="session_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.day}, {self.start_time:%H:%M})"

    def get_absolute_url(self) -> str:
        return reverse("reviews:session-edit", kwargs={"pk": self.review_id, "session": self.pk})

    @property
    def date(self) -> datetime.date:
        return self.day.date

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    def starts(self) -> datetime.datetime:
        return timezone.make_aware(
            datetime.datetime.combine(self.day.date, self.start_time), LONDON
        )

    def ends(self) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(self.day.date, self.end_time), LONDON)

    def overlaps(self, other: Session) -> bool:
        return (
            self.day.date == other.day.date
            and self.start_time < other.end_time
            and other.start_time < self.end_time
        )


def _calendar_token() -> str:
    return secrets.token_urlsafe(24)


class CalendarFeed(Timestamped):
    """A person's secret calendar address. Resetting it stops the old address working."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True, default=_calendar_token)

    def __str__(self) -> str:
        return f"Calendar of {self.user}"

    @classmethod
    def for_user(cls, user: User) -> CalendarFeed:
        feed, _ = cls.objects.get_or_create(user=user)
        return feed

    def reset(self) -> None:
        self.token = _calendar_token()
        self.save(update_fields=["token", "updated_at"])


class TimetablePublication(Timestamped):
    """The timetable was published: everyone attending was emailed their own sessions. Before it,
    the coordinator drafts in peace (nobody is emailed); after it, changes are collected
    (``SessionChange``) and sent as one update per person."""

    review = models.OneToOneField(
        Review, on_delete=models.CASCADE, related_name="timetable_publication"
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    def __str__(self) -> str:
        return f"Timetable of {self.review} published"


class SessionChange(models.Model):
    """A change to a session of a published timetable, for one person, until it is sent."""

    class Kind(models.TextChoices):
        ADDED = "added", "Added"
        MOVED = "moved", "Changed"
        REMOVED = "removed", "No longer needed"
        CANCELLED = "cancelled", "Cancelled"

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="session_changes")
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="changes")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["review", "sent_at"], name="sessionchange_pending")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.session} for {self.person_id}"
