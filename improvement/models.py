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


# The authority's own improvement journey ----------------------------------------------------------
# Its improvement priorities (lettered A, B, C ...), the improvement board's meetings with a RAG rating
# of each priority, and the journey report to a council committee (seed 003), written from a committee
# report template (``reports.models.LetterTemplate``) of which each report keeps its own copy.


class Rag(models.TextChoices):
    RED = "red", "Red"
    AMBER = "amber", "Amber"
    GREEN = "green", "Green"


class ImprovementPriority(Versioned):
    """One of the authority's improvement priorities, with its owner and how success is measured, and
    the recommendations of reviews and findings of audits it answers."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="improvement_priorities"
    )
    letter = models.CharField(
        "letter", max_length=3, help_text="A, B, C ... The order the priorities are listed in."
    )
    title = models.TextField("priority", max_length=TEXT_LIMIT)
    owner = models.CharField("owner", max_length=200, help_text="A name or a role.")
    measure = models.TextField("measure of success", max_length=TEXT_LIMIT)
    findings = models.ManyToManyField(
        Finding,
        blank=True,
        related_name="improvement_priorities",
        help_text="The recommendations of reviews and the findings of audits it answers.",
    )
    external_reviews = models.ManyToManyField(
        ExternalReview, blank=True, related_name="improvement_priorities"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["organisation_id", "letter", "pk"]
        verbose_name_plural = "improvement priorities"
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "letter"], name="one_priority_per_letter"
            ),
            models.CheckConstraint(condition=~Q(title=""), name="priority_says_what"),
            models.CheckConstraint(condition=~Q(owner=""), name="priority_has_an_owner"),
        ]

    def __str__(self) -> str:
        return f"{self.letter}. {self.title[:80]}"

    def get_absolute_url(self) -> str:
        return reverse(
            "improvement:priority-edit",
            kwargs={"pk": self.organisation_id, "priority": self.pk},
        )


class BoardMeeting(Timestamped):
    """A meeting of the authority's improvement board: what it reviewed, what it decided, and the RAG
    rating it gave each priority. Recorded once; a later meeting makes the next entry."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="board_meetings"
    )
    date = models.DateField()
    reviewed = models.TextField("what the board reviewed", max_length=TEXT_LIMIT)
    decisions = models.TextField(max_length=TEXT_LIMIT, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["date", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(reviewed=""), name="board_meeting_says_what"),
        ]

    def __str__(self) -> str:
        return f"Improvement board, {self.date:%d %B %Y}"


class PriorityRating(models.Model):
    """The board's RAG rating of one priority at one meeting."""

    meeting = models.ForeignKey(BoardMeeting, on_delete=models.CASCADE, related_name="ratings")
    priority = models.ForeignKey(
        ImprovementPriority, on_delete=models.CASCADE, related_name="ratings"
    )
    rating = models.CharField(max_length=5, choices=Rag.choices)
    note = models.TextField(max_length=TEXT_LIMIT, blank=True)

    class Meta:
        ordering = ["meeting__date", "meeting_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "priority"], name="one_rating_per_priority_a_meeting"
            ),
            models.CheckConstraint(
                condition=Q(rating__in=["red", "amber", "green"]), name="priority_rating_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.priority.letter}: {self.get_rating_display()}"


class JourneyReport(Versioned):
    """A report on the authority's improvement journey to a council committee (seed 003).

    ``template`` is the report's own copy of a committee report template, taken when the report is
    made, so that changing the shipped template never changes a report. Only what a person changed
    is stored (``JourneySectionEdit``); a section nobody edited is the current generated text.
    """

    # The report's details as a person gives them: its form's fields, and what the services save.
    DETAILS = (
        "title",
        "report_of",
        "committee",
        "meeting_date",
        "period_months",
        "author_name",
        "author_title",
        "author_phone",
        "author_email",
        "chief_officer_name",
        "chief_officer_title",
        "approved_on",
        "wards",
    )

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="journey_reports"
    )
    template = models.OneToOneField(
        "reports.LetterTemplate",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="journey_report",
    )
    title = models.CharField(max_length=250)
    report_of = models.CharField(
        "report of",
        max_length=250,
        blank=True,
        help_text="Whose report it is, e.g. the Assistant Director of Children's Services.",
    )
    committee = models.CharField(max_length=250, blank=True)
    meeting_date = models.DateField("date of the committee meeting", null=True, blank=True)
    period_months = models.PositiveSmallIntegerField(
        "period the report covers, in months", default=12
    )
    author_name = models.CharField("author's name", max_length=200, blank=True)
    author_title = models.CharField("author's job title", max_length=200, blank=True)
    author_phone = models.CharField("author's telephone", max_length=40, blank=True)
    author_email = models.EmailField("author's email address", blank=True)
    chief_officer_name = models.CharField(
        "chief officer responsible: name", max_length=200, blank=True
    )
    chief_officer_title = models.CharField(
        "chief officer responsible: job title", max_length=200, blank=True
    )
    approved_on = models.DateField("report approved on", null=True, blank=True)
    wards = models.CharField("wards affected", max_length=200, default="All", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(title=""), name="journey_report_has_title"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse(
            "improvement:journey-report", kwargs={"pk": self.organisation_id, "report": self.pk}
        )


class JourneySectionEdit(Versioned):
    """Someone's own text for one section of a journey report, in place of the generated text.
    ``generated_hash``: the generated text it was made against (the page says when it moved on)."""

    report = models.ForeignKey(JourneyReport, on_delete=models.CASCADE, related_name="edits")
    key = models.CharField(max_length=60)
    text = models.TextField(max_length=TEXT_LIMIT)
    generated_hash = models.CharField(max_length=64)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["report", "key"], name="one_edit_per_journey_section"),
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.report})"


def _journey_version_path(instance: JourneyReportVersion, filename: str) -> str:
    return f"journey-reports/{instance.report_id}/v{instance.number}/{filename}"


class JourneyReportVersion(models.Model):
    """A journey report as issued, frozen: its files, their SHA-256 and the sections' text."""

    report = models.ForeignKey(JourneyReport, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    issued_at = models.DateTimeField()
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    pdf = models.FileField(upload_to=_journey_version_path, max_length=300)
    pdf_sha256 = models.CharField(max_length=64)
    docx = models.FileField(upload_to=_journey_version_path, max_length=300)
    docx_sha256 = models.CharField(max_length=64)
    content = models.JSONField(default=dict)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "number"], name="one_number_per_journey_version"
            ),
        ]

    def __str__(self) -> str:
        return f"Version {self.number}"
