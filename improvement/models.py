"""After the letter: the host's action plan and external reviews of an authority.

An action answers one recommendation or area for consideration of an issued letter. Progress updates
are added, never changed. An external review (an Ofsted inspection, a JTAI ...) is recorded by hand
against an authority. (Regions and regional access are in ``accounts.models``.)
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.core.validators import FileExtensionValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from accounts.models import Organisation
from core.models import Timestamped, Versioned
from reviews.fieldwork.models import TEXT_LIMIT, Finding
from reviews.setup.models import Review

# The action plan ---------------------------------------------------------------------------------


class ActionQuerySet(models.QuerySet["Action"]):
    def open(self) -> ActionQuerySet:
        return self.exclude(status=Action.Status.DONE)

    def overdue(self, today: dt.date) -> ActionQuerySet:
        return self.open().filter(due_date__lt=today)

    def for_plan(self) -> ActionQuerySet:
        return (
            self.select_related("finding__kloe")
            .prefetch_related("updates__author")
            .order_by("finding_id", "position", "pk")
        )


class Action(Versioned):
    """What the host will do about one recommendation or area for consideration."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        ON_TRACK = "on_track", "On track"
        AT_RISK = "at_risk", "At risk"
        DONE = "done", "Done"

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="actions")
    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="actions")
    what = models.TextField("what will be done")
    owner = models.CharField("owner", max_length=200, help_text="A name or a role.")
    due_date = models.DateField("due date")
    measure = models.TextField("measure of success", blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.NOT_STARTED)
    position = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    objects = ActionQuerySet.as_manager()

    # Typing only: set on each action a page or an export shows (improvement.services), for a date.
    overdue: bool
    due_soon: bool

    class Meta:
        ordering = ["review_id", "finding_id", "position", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(what=""), name="action_says_what"),
            models.CheckConstraint(condition=~Q(owner=""), name="action_has_an_owner"),
        ]

    def __str__(self) -> str:
        return self.what[:80]

    def get_absolute_url(self) -> str:
        return reverse("improvement:action-edit", kwargs={"pk": self.review_id, "action": self.pk})

    @property
    def is_done(self) -> bool:
        return self.status == self.Status.DONE

    def is_overdue(self, today: dt.date) -> bool:
        """Due date passed and not done."""
        return not self.is_done and self.due_date < today

    def is_due_soon(self, today: dt.date, days: int = 7) -> bool:
        return not self.is_done and today <= self.due_date <= today + dt.timedelta(days=days)


class ProgressUpdate(models.Model):
    """A dated note of progress on an action. Added, never changed."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="updates")
    date = models.DateField()
    text = models.TextField(max_length=TEXT_LIMIT)
    status = models.CharField(
        "status after this update", max_length=12, choices=Action.Status.choices
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="progress_update_has_text"),
        ]

    def __str__(self) -> str:
        return f"{self.date:%d %b %Y}: {self.text[:60]}"


# An authority's history --------------------------------------------------------------------------


def external_letter_path(instance: ExternalReview, filename: str) -> str:
    """A server-chosen name: the person's file name is kept only as a label."""
    return f"external-reviews/{instance.organisation_id}/{uuid.uuid4().hex}.pdf"


class ExternalReview(Timestamped):
    """An inspection or review of an authority done outside this product, recorded by hand."""

    class Kind(models.TextChoices):
        OFSTED_INSPECTION = "ofsted_ilacs", "Ofsted inspection (ILACS)"
        FOCUSED_VISIT = "focused_visit", "Ofsted focused visit"
        JTAI = "jtai", "Joint targeted area inspection (JTAI)"
        LGA_PEER_CHALLENGE = "lga_peer_challenge", "LGA peer challenge"
        OTHER = "other", "Other"

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="external_reviews"
    )
    date = models.DateField()
    kind = models.CharField(max_length=20, choices=Kind.choices)
    kind_other = models.CharField("kind (other)", max_length=120, blank=True)
    headline = models.TextField(help_text="The judgement or main message, in a sentence or two.")
    link = models.URLField("link to the report", max_length=500, blank=True)
    letter = models.FileField(
        upload_to=external_letter_path,
        max_length=200,
        blank=True,
        validators=[FileExtensionValidator(["pdf"])],
    )
    letter_name = models.CharField(max_length=255, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-date", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(headline=""), name="external_review_has_headline"),
        ]

    def __str__(self) -> str:
        return f"{self.kind_label}, {self.date:%B %Y}"

    @property
    def kind_label(self) -> str:
        if self.kind == self.Kind.OTHER and self.kind_other:
            return self.kind_other
        return self.get_kind_display()
