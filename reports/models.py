"""The feedback letter: its style, the lead reviewer's edits to generated sections, the host's factual
accuracy comments, and the issued versions (frozen files, never changed once stored).

A letter's text is generated from the review's data section by section (``reports.compose``). Only what a
person changed is stored here; a section nobody edited is always the current generated text.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from core.models import Versioned
from reviews.setup.models import Review


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class Letter(Versioned):
    """One per review: which style it is written in and where it is between draft and issued."""

    class Style(models.TextChoices):
        PEER_CHALLENGE = "peer_challenge", "Peer challenge letter with case audit annex"
        HEALTH_CHECK = "health_check", "Short health check letter"

    review = models.OneToOneField(Review, on_delete=models.CASCADE, related_name="letter")
    style = models.CharField(max_length=30, choices=Style.choices, default=Style.PEER_CHALLENGE)
    shared_at = models.DateTimeField(null=True, blank=True)
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    def __str__(self) -> str:
        return f"Letter for {self.review}"

    def get_absolute_url(self) -> str:
        return reverse("reports:letter", kwargs={"pk": self.review_id})


class SectionEdit(Versioned):
    """The lead reviewer's own text for one section, in place of the generated text.

    ``generated_hash`` is the hash of the generated text the edit was made against: when the review's
    data later changes the generated text, the letter says so (the edit is kept).
    """

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="edits")
    key = models.CharField(max_length=60)
    text = models.TextField()
    generated_hash = models.CharField(max_length=64)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["letter", "key"], name="one_edit_per_section"),
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.letter})"


class SectionRevision(models.Model):
    """Every change to a section's text, kept: the section's history for the lead reviewer."""

    class Action(models.TextChoices):
        EDITED = "edited", "Edited"
        RESET = "reset", "Reset to the generated text"

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="revisions")
    key = models.CharField(max_length=60)
    title = models.CharField(max_length=300)
    action = models.CharField(max_length=10, choices=Action.choices)
    text = models.TextField(blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["letter", "key"])]

    def __str__(self) -> str:
        return f"{self.title}: {self.get_action_display()}"


class Comment(models.Model):
    """A factual accuracy comment by the host lead contact, on a section or a quoted passage."""

    class Status(models.TextChoices):
        OPEN = "open", "Waiting for a reply"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="comments")
    section_key = models.CharField(max_length=60)
    section_title = models.CharField(max_length=300)
    quote = models.TextField("passage", blank=True)
    text = models.TextField("comment")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    reply = models.TextField(blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    replied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="comment_has_text"),
            models.CheckConstraint(
                condition=Q(status="open") | ~Q(reply=""), name="answered_comment_has_reply"
            ),
        ]

    def __str__(self) -> str:
        return f"Comment on {self.section_title}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


def _version_path(instance: LetterVersion, filename: str) -> str:
    # Server-chosen names only: nothing a person typed reaches a path.
    return f"letters/review-{instance.letter.review_id}/v{instance.number}/{filename}"


class LetterVersion(models.Model):
    """An issued letter, frozen: the files as issued, their SHA-256, who issued it and when.

    Nothing changes an issued version; issuing again makes the next number. The figures of the annex
    and the sections' text are kept too, so they outlive the case-level data (retention).
    """

    letter = models.ForeignKey(Letter, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    style = models.CharField(max_length=30, choices=Letter.Style.choices)
    issued_at = models.DateTimeField()
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    pdf = models.FileField(upload_to=_version_path, max_length=300)
    pdf_sha256 = models.CharField(max_length=64)
    pdf_size = models.PositiveIntegerField(default=0)
    docx = models.FileField(upload_to=_version_path, max_length=300)
    docx_sha256 = models.CharField(max_length=64)
    docx_size = models.PositiveIntegerField(default=0)
    content = models.JSONField(default=dict, help_text="The sections' text and the annex figures.")

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["letter", "number"], name="one_number_per_version"),
        ]

    def __str__(self) -> str:
        return f"Version {self.number}"


class LetterDownload(models.Model):
    """Who downloaded which issued version, and when (also written to the audit trail)."""

    version = models.ForeignKey(LetterVersion, on_delete=models.CASCADE, related_name="downloads")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    file_format = models.CharField(max_length=4)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.version} ({self.file_format})"
