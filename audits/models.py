"""Case file audits: tools (criteria sets), the case list and its sample, audits, moderation, alerts.

A review never audits against a library tool directly: choosing a tool copies it (a *snapshot*, an
``AuditTool`` with ``review`` set), so editing the library tool later never changes a review's audits.
Only the host's case reference is stored, never a name.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import re2
from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models, transaction
from django.db.models import Count, Q
from django.db.models.functions import Lower
from django.urls import reverse

from accounts.models import Organisation
from core.models import Timestamped, Versioned
from reviews.setup.models import Review

if TYPE_CHECKING:
    from accounts.models import User

DEFAULT_REFERENCE_PATTERN = r"^[A-Za-z0-9/-]{1,30}$"
DEFAULT_REFERENCE_RULE = "letters, digits, - and / only, at most 30 characters"
# RE2 matches in time linear in the text (no backtracking), so a pattern such as ^(a+)+$ cannot stall
# an import; it has no back-references or look-arounds, and refuses patterns that need them.
_RE2_OPTIONS = re2.Options()
_RE2_OPTIONS.log_errors = False  # the form says what is wrong; nothing to write to stderr
_RE2_OPTIONS.max_mem = 1 << 20  # a pattern needing more than 1 MB of automaton is refused


class ReferencePatternError(ValueError):
    """A case-reference pattern that cannot be used; the message is in plain words."""


def compile_reference_pattern(pattern: str) -> Any:
    """The pattern compiled with RE2 (never Python's backtracking ``re``), or ReferencePatternError."""
    try:
        return re2.compile(pattern, options=_RE2_OPTIONS)
    except re2.error as error:
        detail = error.args[0] if error.args else ""
        if isinstance(detail, bytes):
            detail = detail.decode("utf-8", "replace")
        raise ReferencePatternError(
            "The pattern cannot be used. It must be a regular expression without back-references "
            "(like \\1, which repeats an earlier part) or look-arounds (like (?=...) or (?<!...), "
            "which look ahead or behind)" + (f"; the problem is: {detail}" if detail else "")
        ) from error


DEFAULT_GRADES = "Outstanding\nGood\nRequires improvement\nInadequate"


class CaseType(models.TextChoices):
    CONTACT = "contact", "Contact"
    REFERRAL = "referral", "Referral"
    EARLY_HELP = "early_help", "Early help"
    S17 = "s17", "Section 17 assessment"
    S47 = "s47", "Section 47 enquiry"
    STRATEGY = "strategy", "Strategy discussion"
    OTHER = "other", "Other"


class Answer(models.TextChoices):
    MET = "met", "Met"
    PARTLY = "partly", "Partly met"
    NOT_MET = "not_met", "Not met"
    NOT_APPLICABLE = "na", "Not applicable"


class AnswerScale(models.TextChoices):
    FOUR_POINT = "four_point", "Met, partly met, not met, not applicable"
    MET_NOT_MET = "met_not_met", "Met or not met"

    @property
    def answers(self) -> list[Answer]:
        if self == AnswerScale.MET_NOT_MET:
            return [Answer.MET, Answer.NOT_MET]
        return [Answer.MET, Answer.PARTLY, Answer.NOT_MET, Answer.NOT_APPLICABLE]


class AuditToolQuerySet(models.QuerySet["AuditTool"]):
    def library(self) -> AuditToolQuerySet:
        """Tools people choose from: the shipped defaults and organisations' own, not snapshots."""
        return self.filter(review__isnull=True)

    def visible_to(self, user: User) -> AuditToolQuerySet:
        """The shipped tools, and the tools of this person's own organisation (none when they have no
        organisation: a missing organisation never matches another missing one)."""
        shared = Q(organisation__isnull=True)
        if user.is_authenticated and user.organisation_id is not None:
            shared |= Q(organisation_id=user.organisation_id)
        return self.library().filter(shared)


class AuditTool(Versioned):
    """An ordered list of criteria with its answer scale and an optional overall grade scale."""

    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    answer_scale = models.CharField(
        max_length=20, choices=AnswerScale.choices, default=AnswerScale.FOUR_POINT
    )
    grade_levels = models.TextField(
        "overall grade scale",
        blank=True,
        help_text="One grade per line, best first. Leave empty for no overall grade.",
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="audit_tools",
        help_text="Empty for the tools shipped with the service, which are copied, never edited.",
    )
    review = models.OneToOneField(
        Review,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="audit_tool",
        help_text="Set on a review's own copy (snapshot) of a tool.",
    )
    copied_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="copies"
    )

    objects = AuditToolQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("audits:tool", kwargs={"pk": self.pk})

    def may_be_edited_by(self, user: User) -> bool:
        """Only people of the organisation that owns this library tool may change it. Shipped tools
        (no organisation) and reviews' snapshots are read-only to everyone, and a person with no
        organisation owns nothing (None never matches None)."""
        return (
            self.review_id is None
            and self.organisation_id is not None
            and user.is_authenticated
            and user.organisation_id is not None
            and self.organisation_id == user.organisation_id
        )

    @property
    def grades(self) -> list[str]:
        return [line.strip() for line in self.grade_levels.splitlines() if line.strip()]

    @property
    def answers(self) -> list[Answer]:
        return AnswerScale(self.answer_scale).answers

    @transaction.atomic
    def copy(
        self, *, name: str | None = None, organisation=None, review: Review | None = None
    ) -> AuditTool:
        """A copy with its criteria, for an organisation's library or as a review's snapshot."""
        tool = self.unsaved_copy(name=name or self.name, organisation=organisation, review=review)
        tool.save(force_insert=True)
        Criterion.objects.bulk_create(c.copy_for(tool) for c in self.criteria.all())
        return tool

    def unsaved_copy(
        self, *, name: str, organisation=None, review: Review | None = None
    ) -> AuditTool:
        """The tool's own fields in a new tool (not yet saved, without its criteria)."""
        return AuditTool(
            name=name,
            description=self.description,
            answer_scale=self.answer_scale,
            grade_levels=self.grade_levels,
            organisation=organisation,
            review=review,
            copied_from=self,
        )


class Criterion(Timestamped):
    tool = models.ForeignKey(AuditTool, on_delete=models.CASCADE, related_name="criteria")
    number = models.PositiveSmallIntegerField()
    title = models.CharField("short title", max_length=120)
    question = models.TextField(help_text="The question the auditor answers.")
    guidance = models.TextField("guidance for auditors", blank=True)
    case_types = models.JSONField(
        default=list,
        blank=True,
        help_text="The case types it applies to. Empty means every case type.",
    )

    class Meta:
        ordering = ["tool", "number"]
        verbose_name_plural = "criteria"
        constraints = [
            models.UniqueConstraint(fields=["tool", "number"], name="criterion_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"

    def copy_for(self, tool: AuditTool) -> Criterion:
        """The same criterion for ``tool``'s copy, not yet saved."""
        return Criterion(
            tool=tool,
            number=self.number,
            title=self.title,
            question=self.question,
            guidance=self.guidance,
            case_types=list(self.case_types),
        )

    def applies_to(self, case_type: str) -> bool:
        return not self.case_types or case_type in self.case_types

    @property
    def case_type_labels(self) -> list[str]:
        return [CaseType(t).label for t in self.case_types if t in CaseType.values]


class AuditPlan(Timestamped):
    """A review's audit settings: the rule its case references must follow."""

    review = models.OneToOneField(Review, on_delete=models.CASCADE, related_name="audit_plan")
    reference_pattern = models.CharField(
        max_length=200,
        default=DEFAULT_REFERENCE_PATTERN,
        help_text="A regular expression every case reference must match in full.",
    )
    reference_rule = models.CharField(
        "the rule in words",
        max_length=200,
        default=DEFAULT_REFERENCE_RULE,
        help_text="Shown to people when a reference does not match.",
    )

    def __str__(self) -> str:
        return f"Audit plan for {self.review}"


class SampleStatus(models.TextChoices):
    NOT_SAMPLED = "", "Not in the sample"
    SAMPLED = "sampled", "In the sample"
    RESERVE = "reserve", "Reserve"


class CaseQuerySet(models.QuerySet["Case"]):
    def sampled(self) -> CaseQuerySet:
        return self.filter(sample_status=SampleStatus.SAMPLED)


class Case(Timestamped):
    """One of the host's cases: its reference (never a name), type, date, team and outcome."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="cases")
    reference = models.CharField(max_length=30)
    case_type = models.CharField(max_length=20, choices=CaseType.choices)
    case_date = models.DateField("date", null=True, blank=True)
    team = models.CharField(max_length=120, blank=True)
    outcome = models.CharField(max_length=200, blank=True)
    sample_status = models.CharField(
        max_length=10, choices=SampleStatus.choices, default=SampleStatus.NOT_SAMPLED, blank=True
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_cases",
    )

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["reference"]
        constraints = [
            models.UniqueConstraint(
                "review", Lower("reference"), name="case_reference_unique_per_review"
            ),
            models.CheckConstraint(
                condition=Q(sample_status__in=SampleStatus.values), name="case_sample_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        return reverse("audits:case-audit", kwargs={"pk": self.review_id, "case_pk": self.pk})


class SampleDraw(models.Model):
    """A record of a random draw, with its seed, so that anyone can reproduce and check it."""

    class Method(models.TextChoices):
        RANDOM = "random", "At random"
        STRATIFIED = "stratified", "Stratified by case type"

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="sample_draws")
    method = models.CharField(max_length=20, choices=Method.choices)
    size = models.PositiveIntegerField(default=0, help_text="Cases drawn at random.")
    per_type = models.JSONField(default=dict, blank=True, help_text="Cases per case type.")
    reserves = models.PositiveIntegerField(default=0)
    seed = models.PositiveBigIntegerField()
    population = models.PositiveIntegerField(help_text="Cases on the list when drawn.")
    drawn = models.JSONField(default=list, help_text="References drawn, in order.")
    reserved = models.JSONField(default=list, help_text="Reserve references, in order.")
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_method_display()} draw, seed {self.seed}"


class CaseAuditQuerySet(models.QuerySet["CaseAudit"]):
    def for_review(self, review: Review) -> CaseAuditQuerySet:
        return self.filter(case__review=review)

    def with_gaps(self) -> CaseAuditQuerySet:
        """Audits with at least one criterion not answered (neither an answer nor "not applicable")."""
        return self.filter(
            models.Exists(CriterionAnswer.objects.filter(audit=models.OuterRef("pk"), answer=""))
        )

    def complete(self) -> CaseAuditQuerySet:
        """The audits every figure counts (analysis, the letter's annex, regional learning, the
        exports' summary): marked complete with every criterion answered. A "complete" audit with a
        gap (saved before completion was checked) is left out, so no figure ever rests on it."""
        return self.filter(status=CaseAudit.Status.COMPLETE).exclude(
            models.Exists(CriterionAnswer.objects.filter(audit=models.OuterRef("pk"), answer=""))
        )


class CaseAudit(Versioned):
    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        COMPLETE = "complete", "Complete"

    class Agreement(models.TextChoices):
        YES = "yes", "Yes"
        PARTLY = "partly", "Partly"
        NO = "no", "No"

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="audit")
    auditor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="case_audits"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.IN_PROGRESS)
    decision_agreement = models.CharField(
        "does the team agree with the decision taken?",
        max_length=10,
        choices=Agreement.choices,
        blank=True,
    )
    decision_reason = models.TextField("why", blank=True)
    overall_grade = models.CharField(max_length=60, blank=True)
    shared_with_host = models.BooleanField(default=False)
    shared_at = models.DateTimeField(null=True, blank=True)
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = CaseAuditQuerySet.as_manager()

    class Meta:
        ordering = ["case__reference"]

    def __str__(self) -> str:
        return f"Audit of {self.case}"

    @property
    def is_complete(self) -> bool:
        return self.status == CaseAudit.Status.COMPLETE

    def unanswered(self) -> list[CriterionAnswer]:
        """The criteria not answered yet (in order): completion waits for these. One query."""
        return list(self.answers.filter(answer="").select_related("criterion"))

    def answered_count(self) -> tuple[int, int]:
        """(answered, total) criteria: "7 of 10 answered". One query."""
        counts = self.answers.aggregate(
            total=Count("pk"), answered=Count("pk", filter=~Q(answer=""))
        )
        return counts["answered"], counts["total"]


class CriterionAnswerQuerySet(models.QuerySet["CriterionAnswer"]):
    def counted(self) -> CriterionAnswerQuerySet:
        """Answers of the audits the figures count (``CaseAuditQuerySet.complete``)."""
        return self.filter(audit__in=CaseAudit.objects.complete())


class CriterionAnswer(Versioned):
    """One criterion's answer and comment on one case audit. Saved on its own, with its own version."""

    audit = models.ForeignKey(CaseAudit, on_delete=models.CASCADE, related_name="answers")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="answers")
    answer = models.CharField(max_length=10, choices=Answer.choices, blank=True)
    comment = models.TextField(blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = CriterionAnswerQuerySet.as_manager()

    class Meta:
        ordering = ["criterion__number"]
        constraints = [
            models.UniqueConstraint(fields=["audit", "criterion"], name="one_answer_per_criterion"),
            models.CheckConstraint(
                condition=Q(answer__in=["", *Answer.values]), name="criterion_answer_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.get_answer_display() or 'not answered'}"


def answer_counts(prefix: str = "") -> dict[str, Count]:
    """Count(...) expressions for each answer, over ``<prefix>answer``: one query for a summary."""
    field = f"{prefix}answer"
    return {
        "met": Count("pk", filter=Q(**{field: Answer.MET})),
        "partly": Count("pk", filter=Q(**{field: Answer.PARTLY})),
        "not_met": Count("pk", filter=Q(**{field: Answer.NOT_MET})),
        "not_applicable": Count("pk", filter=Q(**{field: Answer.NOT_APPLICABLE})),
    }


class CriterionCommentary(Versioned):
    """The team's one commentary per criterion for the annex (seed 002's "Commentary" column)."""

    criterion = models.OneToOneField(Criterion, on_delete=models.CASCADE, related_name="commentary")
    text = models.TextField(blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name_plural = "criterion commentaries"

    def __str__(self) -> str:
        return f"Commentary on {self.criterion}"


class Moderation(Timestamped):
    """A second auditor's check of a completed audit: agree or disagree per criterion and overall."""

    audit = models.OneToOneField(CaseAudit, on_delete=models.CASCADE, related_name="moderation")
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    agrees_overall = models.BooleanField()
    note = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"Moderation of {self.audit}"


class ModeratedAnswer(models.Model):
    moderation = models.ForeignKey(Moderation, on_delete=models.CASCADE, related_name="answers")
    answer = models.ForeignKey(CriterionAnswer, on_delete=models.CASCADE, related_name="+")
    agrees = models.BooleanField()
    note = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["moderation", "answer"], name="one_check_per_answer"),
        ]

    def __str__(self) -> str:
        return f"{'Agrees' if self.agrees else 'Disagrees'}: {self.answer}"


class SafeguardingAlert(models.Model):
    """A child possibly at risk, raised from a case page. Kept on record with its acknowledgements."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="safeguarding_alerts")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="alerts")
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    concern = models.TextField(help_text="What you saw and why the child may be at risk.")
    created_at = models.DateTimeField(auto_now_add=True)
    # When it was escalated to the coordinator and the lead reviewer, not acknowledged by everyone
    # in time (settings.SAFEGUARDING_ESCALATE_AFTER_HOURS): once per alert.
    escalated_at = models.DateTimeField(null=True, blank=True)
    # The escalation emails (core.email), deleted with the alert: no case reference left in a subject.
    emails = GenericRelation(
        "core.Email", content_type_field="about_type", object_id_field="about_id"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Safeguarding alert on {self.case}"

    def get_absolute_url(self) -> str:
        return reverse("audits:alert", kwargs={"pk": self.review_id, "alert_pk": self.pk})


class AlertRecipient(models.Model):
    alert = models.ForeignKey(
        SafeguardingAlert, on_delete=models.CASCADE, related_name="recipients"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="safeguarding_alerts"
    )
    emailed_at = models.DateTimeField(null=True, blank=True)  # before the outbox; no longer set
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    # The outbox rows of this person's alert email (core.email): deleted with the row, so retention
    # leaves no case reference behind in an email's subject.
    emails = GenericRelation(
        "core.Email", content_type_field="about_type", object_id_field="about_id"
    )

    class Meta:
        ordering = ["user__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["alert", "user"], name="one_recipient_row_per_person"),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.alert}"


class AnnexFigures(models.Model):
    """The case audit's aggregate figures, frozen before case-level data is deleted (retention).

    The letter's annex and the regional figures read these once the cases, answers and moderation
    are gone; nothing in them says anything about a single case.
    """

    review = models.OneToOneField(Review, on_delete=models.CASCADE, related_name="annex_figures")
    data = models.JSONField()
    frozen_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Annex figures for {self.review}"


# An authority's own audit programme (issue 23) ---------------------------------------------------


class PeerSampleCase(models.Model):
    """A completed audit of an authority's own audit chosen for peers from another council to
    moderate ("audit the audits"). Moderating peers see these cases and nothing else."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="peer_sample")
    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="peer_sample")
    chosen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["case__reference"]

    def __str__(self) -> str:
        return f"{self.case} in the peer moderation sample"


class LiveAuditRecord(Versioned):
    """A live audit's record, made with the case's social worker present: who they are (a member of
    staff: name and role, never a child's), their reflection and the learning agreed. The worker
    confirms it through a link emailed to them (only the SHA-256 of its secret is kept); once
    confirmed the record is locked."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="live_record")
    worker_name = models.CharField("social worker's name", max_length=150)
    worker_role = models.CharField("social worker's role", max_length=150, blank=True)
    worker_email = models.EmailField("social worker's email address", blank=True)
    reflection = models.TextField("the social worker's reflection", blank=True)
    learning_agreed = models.TextField("the learning agreed", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    token_hash = models.CharField(max_length=64, blank=True, editable=False)
    sent_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    worker_comment = models.TextField("the social worker's comment", blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~Q(worker_name=""), name="live_record_names_the_worker"
            ),
        ]

    def __str__(self) -> str:
        return f"Live audit record of {self.case}"

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None
