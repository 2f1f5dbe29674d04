"""A review, its team (memberships and invitations), its framework and KLOEs."""

from __future__ import annotations

import datetime
import datetime as dt
import hashlib
import secrets
import zoneinfo
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

from accounts.models import Organisation
from core.models import Timestamped, Versioned

if TYPE_CHECKING:
    from accounts.models import User


LONDON = zoneinfo.ZoneInfo("Europe/London")


class Role(models.TextChoices):
    """A person's role on one review. The permission module says what each role may do."""

    COORDINATOR = "coordinator", "Coordinator"
    LEAD_REVIEWER = "lead_reviewer", "Lead reviewer"
    REVIEWER = "reviewer", "Reviewer"
    HOST_LEAD = "host_lead", "Host lead contact"
    HOST_STAFF = "host_staff", "Host staff"
    # An authority's own audit (issue 23): its quality assurance staff run it; partner auditors
    # (police, health, education) see only the cases assigned to them; peers from another council
    # see only the sample of completed audits chosen for them to moderate.
    QA_AUDITOR = "qa_auditor", "Quality assurance auditor"
    PARTNER_AUDITOR = "partner_auditor", "Partner auditor"
    MODERATING_PEER = "moderating_peer", "Moderating peer"


TEAM_ROLES = frozenset({Role.COORDINATOR, Role.LEAD_REVIEWER, Role.REVIEWER})


HOST_ROLES = frozenset({Role.HOST_LEAD, Role.HOST_STAFF})


# The roles of a peer review, and those of an authority's own audit (the forms offer only these).
PEER_REVIEW_ROLES = (
    Role.COORDINATOR,
    Role.LEAD_REVIEWER,
    Role.REVIEWER,
    Role.HOST_LEAD,
    Role.HOST_STAFF,
)
INTERNAL_AUDIT_ROLES = (Role.QA_AUDITOR, Role.PARTNER_AUDITOR, Role.MODERATING_PEER)


class Agency(models.TextChoices):
    """The partner agency a partner auditor of a multi-agency audit comes from."""

    POLICE = "police", "Police"
    HEALTH = "health", "Health"
    EDUCATION = "education", "Education"
    OTHER = "other", "Other agency"


class ReviewQuerySet(models.QuerySet["Review"]):
    def for_user(self, user: User) -> ReviewQuerySet:
        """Reviews this person is on, in any role. Everything else is invisible to them."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(memberships__user=user).distinct()

    def current(self) -> ReviewQuerySet:
        return self.exclude(status=Review.Status.ISSUED)

    def peer_reviews(self) -> ReviewQuerySet:
        return self.filter(purpose=Review.Purpose.PEER_REVIEW)

    def internal_audits(self) -> ReviewQuerySet:
        """An authority's own audits (its audit programme), hosted and led by the authority."""
        return self.filter(purpose=Review.Purpose.INTERNAL_AUDIT)

    def finished(self) -> ReviewQuerySet:
        return self.filter(status=Review.Status.ISSUED)

    def due_for_retention(self, *, cutoff: dt.datetime) -> ReviewQuerySet:
        """Reviews whose letter was issued, or own audits closed, before ``cutoff`` and whose case
        data is still held."""
        ended = models.Q(letter_issued_at__lt=cutoff) | models.Q(
            purpose=Review.Purpose.INTERNAL_AUDIT, status=Review.Status.ISSUED, closed_at__lt=cutoff
        )
        return self.filter(ended, case_data_deleted_at__isnull=True)


class Review(Versioned):
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

    class Purpose(models.TextChoices):
        PEER_REVIEW = "peer_review", "Peer review"
        INTERNAL_AUDIT = "internal_audit", "The authority's own audit"

    class AuditKind(models.TextChoices):
        CASE_FILE = "case_file", "Case file audit"
        LIVE = "live", "Live audit, with the social worker"
        MULTI_AGENCY = "multi_agency", "Multi-agency audit"
        THEMATIC = "thematic", "Thematic audit"

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
    closed_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="An authority's own audit: when it was closed (starts the retention clock).",
    )
    addressee_name = models.CharField(
        "letter addressee", max_length=120, blank=True, help_text="Usually the host's director."
    )
    addressee_title = models.CharField("addressee's job title", max_length=200, blank=True)
    our_reference = models.CharField(max_length=80, blank=True)
    your_reference = models.CharField(max_length=80, blank=True)
    previous_review = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="follow_ups",
        help_text="The review this one follows up: its recommendations and the host's progress.",
    )

    # An authority's own audit (issue 23): hosted and led by the authority, run by its quality
    # assurance staff on the same audit engine, outside any peer review (no letter, no
    # self-assessment). ``audit_kind`` and ``audit_theme`` say which audit; blank for peer reviews.
    purpose = models.CharField(
        max_length=20, choices=Purpose.choices, default=Purpose.PEER_REVIEW, db_index=True
    )
    audit_kind = models.CharField(
        "kind of audit", max_length=20, choices=AuditKind.choices, blank=True
    )
    audit_theme = models.CharField(
        "theme", max_length=200, blank=True, help_text="For a thematic audit, e.g. exploitation."
    )

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
            # A peer review is led by another authority; an authority's own audit by itself.
            models.CheckConstraint(
                condition=~Q(host=models.F("lead_organisation")) | Q(purpose="internal_audit"),
                name="review_host_is_not_lead",
            ),
            models.CheckConstraint(
                condition=~Q(purpose="internal_audit")
                | (Q(host=models.F("lead_organisation")) & ~Q(audit_kind="")),
                name="internal_audit_is_the_authoritys_own",
            ),
            models.CheckConstraint(
                condition=Q(purpose="internal_audit") | Q(audit_kind=""),
                name="peer_review_has_no_audit_kind",
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
    def is_internal_audit(self) -> bool:
        return self.purpose == self.Purpose.INTERNAL_AUDIT

    @property
    def audit_kind_label(self) -> str:
        """'Thematic audit: exploitation', 'Live audit, with the social worker'."""
        label = self.get_audit_kind_display()
        if self.audit_kind == self.AuditKind.THEMATIC and self.audit_theme:
            return f"{label}: {self.audit_theme}"
        return label

    @property
    def is_finished(self) -> bool:
        """The letter is issued; an authority's own audit, closed (its work no longer changes)."""
        return self.status == self.Status.ISSUED

    @property
    def ended_at(self) -> dt.datetime | None:
        """When the letter was first issued, or the own audit closed: the retention clock's start."""
        return self.closed_at if self.is_internal_audit else self.letter_issued_at

    @property
    def letter_is_issued(self) -> bool:
        """The final letter has gone to the host: the action plan opens."""
        return self.letter_issued_at is not None and self.status == self.Status.ISSUED

    @property
    def framework(self) -> Framework | None:
        """The review's own copy of its key lines of enquiry (a snapshot taken when it was created)."""
        return Framework.objects.filter(review=self).first()

    def numbered_kloes(self) -> list[Kloe]:
        """The key lines of enquiry of the review's own framework, in order, each with ``number``.

        One query (the framework itself is not read), then kept on this object: a page's filter form,
        its edit forms and its list share them."""
        cached = self.__dict__.get("_numbered_kloes")
        if cached is None:
            cached = list(Kloe.objects.filter(framework__review=self).order_by("position", "pk"))
            number_kloes(cached)
            self.__dict__["_numbered_kloes"] = cached
        return list(cached)

    def in_dates(self, day: datetime.date) -> bool:
        if self.start_date and day < self.start_date:
            return False
        return not (self.end_date and day > self.end_date)

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

    def coordinator_may_set_status(self, new: str) -> bool:
        """The coordinator moves a review between the stages before the letter (scoping, preparation,
        fieldwork, drafting). The later stages follow events, never a hand on the form: sharing the
        draft starts the factual accuracy check, issuing the letter marks it issued. So from those
        stages the status can only be left as it is."""
        if new == self.status:
            return True
        return self.status in COORDINATOR_STATUSES and new in COORDINATOR_STATUSES

    def is_step_back(self, new: str) -> bool:
        """Would ``new`` move the review back to an earlier stage? (The coordinator gives a reason,
        kept in the trail.)"""
        order = list(self.Status)
        return new in self.Status.values and order.index(self.Status(new)) < order.index(
            self.Status(self.status)
        )

    @property
    def host_is_settled(self) -> bool:
        """The host authority can no longer be changed (except by an administrator, in the admin
        site): the review is past its first stage (scoping), or someone from the host (host lead
        contact or host staff) has joined it. Moving it then would hand that person, and the team,
        another authority's review."""
        if self.status != self.Status.SCOPING:
            return True
        return self.memberships.filter(role__in=HOST_ROLES).exists()

    def next_step_for(self, role: str | None) -> str:
        """The next thing a person in this role should do, in plain words."""
        if self.is_internal_audit:
            # No letter, no self-assessment: an audit's steps are its own.
            if self.is_finished:
                return "The audit is closed: its figures are in the trends"
            return INTERNAL_AUDIT_NEXT_STEPS.get(role or "", "")
        return NEXT_STEPS.get((self.status, role), NEXT_STEPS.get((self.status, None), ""))


# The stages a coordinator moves a review between by hand (the later ones follow events).
COORDINATOR_STATUSES = frozenset(
    {
        Review.Status.SCOPING,
        Review.Status.PREPARATION,
        Review.Status.FIELDWORK,
        Review.Status.DRAFTING,
    }
)


# What ends each stage, in words (the review overview lists the stages with them). The first four
# the coordinator moves on by hand; the last two follow events.
STAGE_ENDS: dict[str, str] = {
    Review.Status.SCOPING: "Ends when the coordinator has agreed the request with the host, invited "
    "the team and moves the review to preparation",
    Review.Status.PREPARATION: "Ends when the coordinator moves the review to fieldwork, usually on "
    "the first review day",
    Review.Status.FIELDWORK: "Ends when the coordinator moves the review to drafting the letter, "
    "after the last review day",
    Review.Status.DRAFTING: "Ends when the lead reviewer shares the draft letter with the host",
    Review.Status.ACCURACY_CHECK: "Ends when the lead reviewer issues the letter, after answering "
    "the host's comments",
    Review.Status.ISSUED: "The last stage: the host plans its response to the recommendations",
}


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


# An authority's own audit has no letter: the next step depends only on the role.
INTERNAL_AUDIT_NEXT_STEPS: dict[str, str] = {
    Role.QA_AUDITOR: "Build the case list, draw the sample and audit the cases",
    Role.PARTNER_AUDITOR: "Audit the cases assigned to you",
    Role.MODERATING_PEER: "Moderate the audits chosen for you",
}


class Membership(Versioned):
    """One person's role on one review.

    ``council`` and ``job_title`` are how the person is shown on this review (the team page, the
    letter): a label, not membership of that organisation, which grants no right of any kind. The
    coordinator corrects them (version-checked)."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    council = models.CharField(
        "council shown", max_length=200, blank=True, help_text="As the letter names it."
    )
    job_title = models.CharField("job title shown", max_length=200, blank=True)
    agency = models.CharField(
        max_length=20,
        choices=Agency.choices,
        blank=True,
        help_text="A partner auditor's agency (police, health, education).",
    )

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

    @property
    def shown_job_title(self) -> str:
        """The job title shown on this review, else the person's own."""
        return self.job_title or self.user.job_title

    @property
    def shown_council(self) -> str:
        """The council shown on this review, else the person's organisation's (short) name."""
        if self.council:
            return self.council
        organisation = self.user.organisation
        return organisation.display_name if organisation else ""

    @property
    def described(self) -> str:
        """'Jane Smith, Service Manager, Barnsley Council'."""
        parts = (self.user.full_name, self.shown_job_title, self.shown_council)
        return ", ".join(p for p in parts if p)


# Key lines of enquiry ---------------------------------------------------------------------------


# What red, amber and green mean when a host rates a key line of enquiry in its self-assessment:
# the framework's own words (editable with its key lines), these unless someone changes them.
DEFAULT_RAG_RED = (
    "Practice often falls short: significant weaknesses that leave children at risk or without "
    "the help they need, not yet addressed."
)
DEFAULT_RAG_AMBER = (
    "Practice is mostly sound but inconsistent: some weaknesses, known and being worked on."
)
DEFAULT_RAG_GREEN = (
    "Practice is consistently good: strengths are embedded and evidenced, with few weaknesses."
)


class FrameworkQuerySet(models.QuerySet["Framework"]):
    def templates(self) -> FrameworkQuerySet:
        """Frameworks a review can start from: not any review's own copy."""
        return self.filter(review__isnull=True)

    def usable_by(self, user: User) -> FrameworkQuerySet:
        """The defaults, and the copies made by people of this person's organisation."""
        shared = Q(is_default=True)
        if user.is_authenticated and user.organisation_id is not None:
            shared |= Q(organisation_id=user.organisation_id, is_default=False)
        return self.templates().filter(shared)


class Framework(Versioned):
    """A set of key lines of enquiry (KLOEs). A template, or one review's own copy of one.

    The defaults ship with the product (a data migration) and cannot be changed: copy one to adapt it.
    A review takes a copy (``review`` set) when it is created, so editing a template never changes a
    review, and the review's copy can be adjusted on its own.
    """

    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    is_default = models.BooleanField(default=False, help_text="Ships with the product; read-only.")
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="frameworks",
        help_text="Whose copy this is. Empty for the defaults.",
    )
    review = models.OneToOneField(
        Review, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    copied_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="copies"
    )
    # Empty means the standard wording (DEFAULT_RAG_*), so a form that leaves one out keeps working.
    rag_red = models.TextField(
        "what red means",
        default=DEFAULT_RAG_RED,
        blank=True,
        help_text="Shown to the host beside each key line when they rate it in the self-assessment. "
        "Leave empty for the standard wording.",
    )
    rag_amber = models.TextField(
        "what amber means",
        default=DEFAULT_RAG_AMBER,
        blank=True,
        help_text="Leave empty for the standard wording.",
    )
    rag_green = models.TextField(
        "what green means",
        default=DEFAULT_RAG_GREEN,
        blank=True,
        help_text="Leave empty for the standard wording.",
    )

    objects = FrameworkQuerySet.as_manager()

    class Meta:
        ordering = ["-is_default", "name"]
        constraints = [
            models.CheckConstraint(
                condition=~(Q(is_default=True) & Q(review__isnull=False)),
                name="framework_default_is_not_a_review_copy",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        if self.review_id:
            return reverse("reviews:review-framework", kwargs={"pk": self.review_id})
        return reverse("reviews:framework-detail", kwargs={"pk": self.pk})

    def may_be_edited_by(self, user: User) -> bool:
        """Only people of the organisation that owns this template may change it. The defaults (and
        any template with no organisation) are read-only to everyone, and a person with no
        organisation owns nothing (None never matches None). A review's own copy is changed through
        the review (its ``schedule`` right), not here."""
        return (
            not self.is_default
            and self.review_id is None
            and self.organisation_id is not None
            and user.is_authenticated
            and user.organisation_id is not None
            and self.organisation_id == user.organisation_id
        )

    @property
    def rag_meanings(self) -> dict[str, str]:
        """What each rating means on this framework, by rating value (red, amber, green)."""
        return {
            "red": self.rag_red.strip() or DEFAULT_RAG_RED,
            "amber": self.rag_amber.strip() or DEFAULT_RAG_AMBER,
            "green": self.rag_green.strip() or DEFAULT_RAG_GREEN,
        }

    def numbered_kloes(self) -> list[Kloe]:
        """The KLOEs in order, each with ``number`` set: "1", "2" or, within groups, "1.1", "1.2"."""
        kloes = list(self.kloes.all())
        number_kloes(kloes)
        return kloes

    def copy(
        self, *, name: str, organisation: Organisation | None, review: Review | None = None
    ) -> Framework:
        """A new framework with the same KLOEs. The caller holds the transaction."""
        copy = self.unsaved_copy(name=name, organisation=organisation, review=review)
        copy.save(force_insert=True)
        Kloe.objects.bulk_create(kloe.copy_for(copy) for kloe in self.kloes.all())
        return copy

    def unsaved_copy(
        self, *, name: str, organisation: Organisation | None, review: Review | None = None
    ) -> Framework:
        """The framework's own fields in a new framework (not yet saved, without its KLOEs)."""
        return Framework(
            name=name,
            description=self.description,
            organisation=organisation,
            review=review,
            copied_from=self,
            rag_red=self.rag_red,
            rag_amber=self.rag_amber,
            rag_green=self.rag_green,
        )


def number_kloes(kloes: list[Kloe]) -> None:
    """Number KLOEs in order. Grouped lines are numbered within their group (1.1, 1.2, 2.1 ...)."""
    group_numbers: dict[str, int] = {}
    counts: dict[str, int] = {}
    plain = 0
    for kloe in kloes:
        if kloe.group:
            if kloe.group not in group_numbers:
                group_numbers[kloe.group] = len(group_numbers) + 1
            counts[kloe.group] = counts.get(kloe.group, 0) + 1
            kloe.number = f"{group_numbers[kloe.group]}.{counts[kloe.group]}"
        else:
            plain += 1
            kloe.number = str(plain)


class Kloe(Timestamped):
    """One key line of enquiry: a heading, its group (optional) and the prompts that explain it."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="kloes")
    position = models.PositiveIntegerField(default=0)
    group = models.CharField(max_length=200, blank=True)
    heading = models.CharField(max_length=300)
    prompts = models.TextField(blank=True)

    class Meta:
        ordering = ["framework", "position", "pk"]
        verbose_name = "key line of enquiry"
        verbose_name_plural = "key lines of enquiry"
        constraints = [
            models.CheckConstraint(condition=~Q(heading=""), name="kloe_has_a_heading"),
        ]

    number = ""

    def __str__(self) -> str:
        return f"{self.number} {self.heading}".strip()

    def copy_for(self, framework: Framework) -> Kloe:
        """The same line of enquiry for ``framework``'s copy, not yet saved."""
        return Kloe(
            framework=framework,
            position=self.position,
            group=self.group,
            heading=self.heading,
            prompts=self.prompts,
        )


# Invitations -------------------------------------------------------------------------------------

INVITATION_DAYS = 7


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def pending(self) -> InvitationQuerySet:
        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True)

    def by_token(self, token: str) -> Invitation | None:
        return (
            self.select_related("review", "invited_by")
            .filter(token_hash=_hash_token(token))
            .first()
        )


class Invitation(Timestamped):
    """An invitation by email to a role on a review. The link works once, for seven days.

    Only the SHA-256 of the link's secret is stored: a copy of the database cannot be used to accept.
    """

    class State(models.TextChoices):
        PENDING = "pending", "Waiting"
        ACCEPTED = "accepted", "Accepted"
        EXPIRED = "expired", "Expired"
        REVOKED = "revoked", "Revoked"

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField("email address")
    full_name = models.CharField(max_length=150, blank=True)
    role = models.CharField(max_length=20, choices=Role.choices)
    # How the invitee is shown on this review, copied to their membership when they accept: a label,
    # never membership of that organisation (which would grant rights over its library).
    council = models.CharField("council shown", max_length=200, blank=True)
    job_title = models.CharField("job title shown", max_length=200, blank=True)
    agency = models.CharField(max_length=20, choices=Agency.choices, blank=True)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    sent_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                "review",
                Lower("email"),
                condition=Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="one_open_invitation_per_address_per_review",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} – {self.get_role_display()} – {self.review}"

    @property
    def shown_parts(self) -> list[str]:
        """Name, job title and council, those given (how the invitee will be shown)."""
        return [p for p in (self.full_name, self.job_title, self.council) if p]

    def new_token(self) -> str:
        """Give the invitation a fresh secret and seven more days; the old link stops working."""
        token = secrets.token_urlsafe(32)
        self.token_hash = _hash_token(token)
        self.sent_at = timezone.now()
        self.expires_at = self.sent_at + datetime.timedelta(days=INVITATION_DAYS)
        return token

    @property
    def state(self) -> str:
        if self.accepted_at:
            return self.State.ACCEPTED
        if self.revoked_at:
            return self.State.REVOKED
        if self.expires_at <= timezone.now():
            return self.State.EXPIRED
        return self.State.PENDING

    @property
    def state_label(self) -> str:
        return self.State(self.state).label

    @property
    def is_usable(self) -> bool:
        return self.state == self.State.PENDING
