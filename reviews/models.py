from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from accounts.models import Organisation

if TYPE_CHECKING:
    from accounts.models import User


class Role(models.TextChoices):
    """A person's role on one review. The permission module says what each role may do."""

    COORDINATOR = "coordinator", "Coordinator"
    LEAD_REVIEWER = "lead_reviewer", "Lead reviewer"
    REVIEWER = "reviewer", "Reviewer"
    HOST_LEAD = "host_lead", "Host lead contact"
    HOST_STAFF = "host_staff", "Host staff"


TEAM_ROLES = frozenset({Role.COORDINATOR, Role.LEAD_REVIEWER, Role.REVIEWER})
HOST_ROLES = frozenset({Role.HOST_LEAD, Role.HOST_STAFF})


class ReviewQuerySet(models.QuerySet["Review"]):
    def for_user(self, user: User) -> ReviewQuerySet:
        """Reviews this person is on, in any role. Everything else is invisible to them."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(memberships__user=user).distinct()

    def current(self) -> ReviewQuerySet:
        return self.exclude(status=Review.Status.ISSUED)

    def finished(self) -> ReviewQuerySet:
        return self.filter(status=Review.Status.ISSUED)

    def due_for_retention(self, *, cutoff: dt.datetime) -> ReviewQuerySet:
        """Reviews whose letter was issued before ``cutoff`` and whose case data is still held."""
        return self.filter(letter_issued_at__lt=cutoff, case_data_deleted_at__isnull=True)


class Review(models.Model):
    class Kind(models.TextChoices):
        FRONT_DOOR_HEALTH_CHECK = "fdhc", "Front door health check"
        PEER_CHALLENGE = "peer_challenge", "Peer challenge"
        DIAGNOSTIC = "diagnostic", "Diagnostic"
        FOLLOW_UP = "follow_up", "Follow-up visit"
        OTHER = "other", "Other"

    class Status(models.TextChoices):
        SCOPING = "scoping", "Scoping"
        PREPARATION = "preparation", "Preparation"
        FIELDWORK = "fieldwork", "Fieldwork"
        DRAFTING = "drafting", "Drafting the letter"
        ACCURACY_CHECK = "accuracy_check", "Factual accuracy check"
        ISSUED = "issued", "Letter issued"

    class Delivery(models.TextChoices):
        ON_SITE = "on_site", "On site"
        VIRTUAL = "virtual", "Virtual"
        HYBRID = "hybrid", "Hybrid"

    host = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="hosted_reviews")
    lead_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="led_reviews"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.PEER_CHALLENGE)
    kind_other = models.CharField(
        "kind of review (other)",
        max_length=120,
        blank=True,
        help_text="Used when the kind is 'Other'.",
    )
    title = models.CharField(max_length=250)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SCOPING)
    delivery = models.CharField(max_length=10, choices=Delivery.choices, default=Delivery.ON_SITE)
    request = models.TextField(
        "the host's request",
        blank=True,
        help_text="What the host authority asked the review to test.",
    )
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    letter_issued_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the final letter was first issued (starts the retention clock).",
    )
    case_data_deleted_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When case-level data was deleted under the retention policy.",
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ReviewQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_date__isnull=True)
                | Q(end_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="review_ends_after_it_starts",
            ),
            models.CheckConstraint(
                condition=~Q(host=models.F("lead_organisation")),
                name="review_host_is_not_lead",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("reviews:review-overview", kwargs={"pk": self.pk})

    @property
    def kind_label(self) -> str:
        if self.kind == self.Kind.OTHER and self.kind_other:
            return self.kind_other
        return self.get_kind_display()

    @property
    def is_finished(self) -> bool:
        return self.status == self.Status.ISSUED

    def role_of(self, user: User) -> str | None:
        """This person's role on the review, or None when they are not on it. One query, then cached."""
        if not user.is_authenticated:
            return None
        cache: dict[int, str | None] = self.__dict__.setdefault("_role_cache", {})
        if user.pk not in cache:
            cache[user.pk] = (
                self.memberships.filter(user=user).values_list("role", flat=True).first()
            )
        return cache[user.pk]

    def remember_role(self, user: User, role: str | None) -> None:
        """Seed the role cache when the role is already known (lists fetch it with the review)."""
        self.__dict__.setdefault("_role_cache", {})[user.pk] = role

    def next_step_for(self, role: str | None) -> str:
        """The next thing a person in this role should do, in plain words."""
        return NEXT_STEPS.get((self.status, role), NEXT_STEPS.get((self.status, None), ""))


# The next thing to do, by status and role. (status, None) is the fallback for that status.
_S, _R = Review.Status, Role
NEXT_STEPS: dict[tuple[str, str | None], str] = {
    (
        _S.SCOPING,
        _R.COORDINATOR,
    ): "Agree the request with the host, invite the team and set the review days",
    (_S.SCOPING, None): "The coordinator is setting up the review",
    (_S.PREPARATION, _R.COORDINATOR): "Request documents from the host and build the timetable",
    (
        _S.PREPARATION,
        _R.HOST_LEAD,
    ): "Complete the self-assessment and upload the documents requested",
    (_S.PREPARATION, _R.LEAD_REVIEWER): "Read the self-assessment and pre-reading",
    (_S.PREPARATION, _R.REVIEWER): "Read the self-assessment and pre-reading",
    (_S.PREPARATION, None): "The review is being prepared",
    (_S.FIELDWORK, _R.COORDINATOR): "Keep the timetable up to date and support the team on site",
    (_S.FIELDWORK, _R.LEAD_REVIEWER): "Agree findings and key headlines with the team",
    (_S.FIELDWORK, _R.REVIEWER): "Record evidence notes, findings and case audits",
    (_S.FIELDWORK, _R.HOST_LEAD): "Host the review team; answer their requests",
    (_S.FIELDWORK, None): "The review team is on site",
    (
        _S.DRAFTING,
        _R.LEAD_REVIEWER,
    ): "Draft the feedback letter and share it for a factual accuracy check",
    (_S.DRAFTING, _R.REVIEWER): "Help the lead reviewer finish the findings",
    (_S.DRAFTING, None): "The review team is writing the feedback letter",
    (_S.ACCURACY_CHECK, _R.HOST_LEAD): "Check the draft letter for factual accuracy",
    (_S.ACCURACY_CHECK, _R.LEAD_REVIEWER): "Answer the host's comments, then issue the letter",
    (_S.ACCURACY_CHECK, None): "The host is checking the draft letter for factual accuracy",
    (_S.ISSUED, _R.HOST_LEAD): "Download the letter and plan your response to the recommendations",
    (_S.ISSUED, _R.HOST_STAFF): "Download the letter",
    (_S.ISSUED, None): "The letter has been issued",
}


class Membership(models.Model):
    """One person's role on one review."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["review", "role", "user__full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "user"], name="one_role_per_person_per_review"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.review}"

    @property
    def is_team(self) -> bool:
        return self.role in TEAM_ROLES
