"""Abstract models for fields many rows share: when they were made and changed, and the ``version`` of
rows two people can edit (see ``core.versioning``); and the outbox every email goes through
(``Email``, see ``core.email``)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.db import models


class Timestamped(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Versioned(Timestamped):
    """A row two people can edit: every save names the version it was based on."""

    version = models.PositiveIntegerField(default=1)

    class Meta:
        abstract = True


class Email(models.Model):
    """The outbox: one email to one person, written in the transaction of the change it reports and
    sent after commit by the task worker (``core.email``). Its state is what pages show: queued,
    sent, or failed after N tries with the reason. ``about``: the thing the email is about (an
    alert, an invitation, a letter), so that thing's page can show how its emails went."""

    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    template = models.CharField(max_length=200)
    to = models.EmailField(max_length=254)
    subject = models.CharField(max_length=998)
    # The body is cleared once sent: it may carry a one-time link (an invitation, a password reset).
    body = models.TextField(blank=True)
    message_id = models.CharField(max_length=255, unique=True)
    about_type = models.ForeignKey(
        "contenttypes.ContentType", null=True, blank=True, on_delete=models.CASCADE
    )
    about_id = models.PositiveBigIntegerField(null=True, blank=True)
    about = GenericForeignKey("about_type", "about_id")
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    next_try_at = models.DateTimeField(null=True, blank=True)
    tried_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["about_type", "about_id"], name="core_email_about_idx"),
            models.Index(fields=["state", "next_try_at"], name="core_email_state_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.template} to {self.to} ({self.state})"


class DigestSent(models.Model):
    """A person's daily digest (``core.reminders``) was queued on this date: never twice a day."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    date = models.DateField()
    items = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "date"], name="one_digest_per_person_per_day")
        ]

    def __str__(self) -> str:
        return f"Digest for {self.user_id} on {self.date}"
