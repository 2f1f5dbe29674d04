"""Evidence notes and findings, and the themes (regional learning) findings are tagged with."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce, Lower
from django.urls import reverse

from core.models import Versioned
from reviews.schedule.models import Session
from reviews.setup.models import Kloe, Review


class ThemeQuerySet(models.QuerySet["Theme"]):
    def offered(self) -> ThemeQuerySet:
        return self.filter(is_active=True)


class Theme(Versioned):
    """A theme findings are tagged with (thresholds, consent, voice of the child ...): one shared list,
    kept by coordinators, so that a region can count what its reviews keep finding."""

    name = models.CharField(max_length=80)
    position = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(
        "offered on findings", default=True, help_text="Untick to stop offering it on findings."
    )

    objects = ThemeQuerySet.as_manager()

    class Meta:
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="theme_name_unique_ci"),
            models.CheckConstraint(condition=~Q(name=""), name="theme_has_a_name"),
        ]

    def __str__(self) -> str:
        return self.name


# The team's work: evidence notes and findings ----------------------------------------------------

TEXT_LIMIT = 20_000


class EvidenceNote(Versioned):
    """What a reviewer saw or heard, tied to a session of the timetable and to key lines of enquiry.

    The team's working material: the review team sees every note; host roles never do.
    """

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="evidence_notes")
    session = models.ForeignKey(
        Session, on_delete=models.SET_NULL, null=True, blank=True, related_name="evidence_notes"
    )
    kloes = models.ManyToManyField(Kloe, blank=True, related_name="evidence_notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    text = models.TextField()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="evidence_note_has_text"),
        ]

    def __str__(self) -> str:
        return self.text[:60]

    def get_absolute_url(self) -> str:
        return reverse("reviews:note-edit", kwargs={"pk": self.review_id, "note": self.pk})


class FindingQuerySet(models.QuerySet["Finding"]):
    def for_page(self) -> FindingQuerySet:
        """Findings as the findings page lists them: ``note_count`` (how many evidence notes are
        behind each) and ``theme_list`` (its themes' names), without loading the notes' words."""
        # django-stubs does not see "n", annotated after values() on the auto-created through model.
        notes = (
            Finding.evidence_notes.through.objects.filter(  # type: ignore[misc]
                finding=models.OuterRef("pk")
            )
            .order_by()
            .values("finding")
            .annotate(n=models.Count("*"))
            .values("n")
        )
        return (
            # Not the key line of enquiry: the page gives each finding the numbered one it reads once.
            self.select_related("author")
            .annotate(note_count=Coalesce(models.Subquery(notes), 0))
            .prefetch_related(
                models.Prefetch(
                    "themes",
                    queryset=Theme.objects.only("pk", "name").order_by("position", "name"),
                    to_attr="theme_list",
                )
            )
            .order_by("kloe__position", "kloe_id", "position", "pk")
        )


class Finding(Versioned):
    """A strength, an area for consideration or a recommendation, against a KLOE or overall."""

    class Kind(models.TextChoices):
        STRENGTH = "strength", "Strength"
        AREA = "area", "Area for consideration"
        RECOMMENDATION = "recommendation", "Recommendation"

    class Urgency(models.TextChoices):
        NONE = "", "None"
        URGENTLY = "urgently", "Urgently"
        IMMEDIATELY = "immediately", "Immediately"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        AGREED = "agreed", "Agreed"

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="findings")
    kloe = models.ForeignKey(
        Kloe,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="findings",
        help_text="Empty for an overall finding.",
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    text = models.TextField()
    is_key_headline = models.BooleanField("key headline", default=False)
    urgency = models.CharField(max_length=12, choices=Urgency.choices, blank=True, default="")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.DRAFT)
    position = models.PositiveIntegerField(default=0)
    evidence_notes = models.ManyToManyField(EvidenceNote, blank=True, related_name="findings")
    themes = models.ManyToManyField(Theme, blank=True, related_name="findings")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = FindingQuerySet.as_manager()

    # Typing only: set on each finding the findings page shows (reviews.fieldwork.views), the links
    # of its actions by name.
    links: dict[str, str]

    class Meta:
        ordering = ["review", "kloe__position", "position", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="finding_has_text"),
            models.CheckConstraint(
                condition=Q(kind="recommendation") | Q(urgency=""),
                name="only_recommendations_are_urgent",
            ),
        ]

    number = ""

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.text[:60]}"

    def get_absolute_url(self) -> str:
        return reverse("reviews:finding-edit", kwargs={"pk": self.review_id, "finding": self.pk})

    @property
    def heading_label(self) -> str:
        return str(self.kloe) if self.kloe_id else "Overall"

    @property
    def is_agreed(self) -> bool:
        return self.status == self.Status.AGREED

    @property
    def lead_in(self) -> str:
        """How an urgent recommendation reads in the letter: "Immediately: ..."."""
        return self.get_urgency_display() if self.urgency else ""

    @property
    def reader_label(self) -> str:
        """What a screen reader hears after "Change", "Agree" and the like, telling this finding's
        buttons from the others': "recommendation 3", or the kind and its first words ("strength:
        Leaders know their front door well and act…"). Never the database key."""
        number = getattr(self, "number", None)
        if self.kind == self.Kind.RECOMMENDATION and number:
            return f"recommendation {number}"
        words = [w for w in self.text.replace("**", "").split() if w not in {"-", "*"}]
        start = " ".join(words[:8]) + ("…" if len(words) > 8 else "")
        return f"{self.get_kind_display().lower()}: {start}"


def number_recommendations(findings: list[Finding]) -> None:
    """Number the recommendations across the review (1, 2, 3 ...) in the order given."""
    count = 0
    for finding in findings:
        if finding.kind == Finding.Kind.RECOMMENDATION:
            count += 1
            finding.number = str(count)
