"""The host's self-assessment and the team's view of it, per KLOE."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from core.models import Versioned
from reviews.setup.models import Kloe, Review


class Rag(models.TextChoices):
    RED = "red", "Red"
    AMBER = "amber", "Amber"
    GREEN = "green", "Green"


RAG_ORDER = {Rag.RED: 0, Rag.AMBER: 1, Rag.GREEN: 2}


class SelfAssessment(Versioned):
    """The host's self-assessment against the review's KLOEs, and the team's overall judgement of it."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"

    class Judgement(models.TextChoices):
        ACCURATE = "accurate", "Accurate"
        PARTLY = "partly_accurate", "Partly accurate"
        NOT_ACCURATE = "not_accurate", "Not accurate"

    review = models.OneToOneField(Review, on_delete=models.CASCADE, related_name="self_assessment")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    judgement = models.CharField(max_length=20, choices=Judgement.choices, blank=True)
    judgement_reason = models.TextField("why", blank=True)

    def __str__(self) -> str:
        return f"Self-assessment – {self.review}"

    @property
    def is_submitted(self) -> bool:
        return self.status == self.Status.SUBMITTED


class SelfAssessmentEntry(Versioned):
    """One KLOE of the self-assessment: the host's rating and narrative, the team's view of it."""

    class Agreement(models.TextChoices):
        AGREE = "agree", "Agree"
        PARTLY = "partly", "Partly agree"
        DISAGREE = "disagree", "Disagree"

    self_assessment = models.ForeignKey(
        SelfAssessment, on_delete=models.CASCADE, related_name="entries"
    )
    kloe = models.ForeignKey(Kloe, on_delete=models.CASCADE, related_name="self_assessment_entries")
    host_rating = models.CharField(max_length=5, choices=Rag.choices, blank=True)
    host_narrative = models.TextField(blank=True)
    team_agreement = models.CharField(max_length=10, choices=Agreement.choices, blank=True)
    team_rating = models.CharField(max_length=5, choices=Rag.choices, blank=True)
    team_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["kloe__position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["self_assessment", "kloe"], name="one_entry_per_kloe_per_self_assessment"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kloe} – {self.host_rating or 'not rated'}"

    @property
    def difference(self) -> str:
        """The team's rating against the host's, in words."""
        if not (self.host_rating and self.team_rating):
            return ""
        steps = RAG_ORDER[Rag(self.team_rating)] - RAG_ORDER[Rag(self.host_rating)]
        if steps == 0:
            return "Same"
        return f"Team {'higher' if steps > 0 else 'lower'} by {abs(steps)}"
