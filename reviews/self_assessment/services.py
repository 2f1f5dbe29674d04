"""The self-assessment: the host rates each KLOE red/amber/green with a narrative, saves drafts,
checks their answers and submits from that page (then it is read-only to the host, until the
coordinator reopens it); the team records its view per KLOE and an overall judgement.

Every save is version-checked in the UPDATE that writes it (see ``reviews.fieldwork.services``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from core.email import send_email
from core.versioning import StaleEdit, update_versioned
from reviews.self_assessment.models import SelfAssessment, SelfAssessmentEntry
from reviews.setup.models import (
    DEFAULT_RAG_AMBER,
    DEFAULT_RAG_GREEN,
    DEFAULT_RAG_RED,
    Kloe,
    Membership,
    Review,
    Role,
)
from trail.models import Event
from trail.services import record

if TYPE_CHECKING:
    from accounts.models import User


@dataclass
class Row:
    kloe: Kloe
    entry: SelfAssessmentEntry


class NotReady(Exception):
    """The self-assessment cannot be submitted yet: ``unrated`` key lines have no rating."""

    def __init__(self, unrated: list[Kloe]) -> None:
        super().__init__("Rate every key line of enquiry before you submit")
        self.unrated = unrated


def rag_meanings(review: Review) -> dict[str, str]:
    """What red, amber and green mean on this review: its framework's words (the defaults when the
    review has no framework of its own)."""
    framework = review.framework
    if framework is not None:
        return framework.rag_meanings
    return {"red": DEFAULT_RAG_RED, "amber": DEFAULT_RAG_AMBER, "green": DEFAULT_RAG_GREEN}


def unrated(rows: list[Row]) -> list[Kloe]:
    """The key lines not rated yet, in order."""
    return [row.kloe for row in rows if not row.entry.host_rating]


def load(review: Review) -> tuple[SelfAssessment, list[Row]]:
    """The self-assessment and one row per KLOE, without saving anything (unsaved when new)."""
    assessment = SelfAssessment.objects.filter(review=review).first() or SelfAssessment(
        review=review, version=0
    )
    kloes = review.numbered_kloes()
    entries: dict[int, SelfAssessmentEntry] = {}
    if assessment.pk:
        entries = {e.kloe_id: e for e in assessment.entries.all()}
    rows = [
        Row(kloe, entries.get(kloe.pk) or SelfAssessmentEntry(kloe=kloe, version=0))
        for kloe in kloes
    ]
    return assessment, rows


def save_host_part(
    *, review: Review, version: int, ratings: dict[int, tuple[str, str]], by: User
) -> SelfAssessment:
    """Save the host's ratings and narratives (``{kloe_pk: (rating, narrative)}``) as a draft.
    Submitting is a step of its own (``submit``), from the check-your-answers page."""
    with transaction.atomic():
        assessment, created = SelfAssessment.objects.get_or_create(review=review)
        # A page that showed no self-assessment (version 0) saves the one just made; any other
        # version of a row that did not exist is stale (None never matches).
        expected = (assessment.version if version == 0 else None) if created else version
        drafts = SelfAssessment.objects.filter(status=SelfAssessment.Status.DRAFT)
        update_versioned(drafts, pk=assessment.pk, version=expected, values={})
        for kloe_pk, (rating, narrative) in ratings.items():
            SelfAssessmentEntry.objects.update_or_create(
                self_assessment=assessment,
                kloe_id=kloe_pk,
                defaults={"host_rating": rating, "host_narrative": narrative},
            )
        assessment.refresh_from_db()
    return assessment


def submit(*, review: Review, version: int, by: User) -> SelfAssessment:
    """Submit the draft the person checked (at ``version``; else ``StaleEdit``) to the review team,
    once every key line has a rating (else ``NotReady``). Recorded in the trail."""
    with transaction.atomic():
        assessment = SelfAssessment.objects.select_for_update().filter(review=review).first()
        if assessment is None or assessment.is_submitted:
            raise StaleEdit(current=assessment)
        _, rows = load(review)
        missing = unrated(rows)
        if missing:
            raise NotReady(missing)
        update_versioned(
            SelfAssessment.objects.filter(status=SelfAssessment.Status.DRAFT),
            pk=assessment.pk,
            version=version,
            values={
                "status": SelfAssessment.Status.SUBMITTED,
                "submitted_at": timezone.now(),
                "submitted_by": by,
            },
        )
        assessment.refresh_from_db()
        record(
            action=Event.Action.REVIEW_CHANGED,
            actor=by,
            obj=assessment,
            detail={"change": "self-assessment submitted"},
        )
    return assessment


def reopen(*, review: Review, version: int, by: User, site_url: str) -> SelfAssessment:
    """Reopen a submitted self-assessment (at ``version``; else ``StaleEdit``) so that the host lead
    contact can change it and submit it again: recorded in the trail, and the host lead contact told
    by email (the outbox)."""
    with transaction.atomic():
        assessment = SelfAssessment.objects.filter(review=review).first()
        if assessment is None:
            raise StaleEdit(current=None)
        update_versioned(
            SelfAssessment.objects.filter(status=SelfAssessment.Status.SUBMITTED),
            pk=assessment.pk,
            version=version,
            values={"status": SelfAssessment.Status.DRAFT, "submitted_at": None},
        )
        assessment.refresh_from_db()
        record(
            action=Event.Action.REVIEW_CHANGED,
            actor=by,
            obj=assessment,
            detail={"change": "self-assessment reopened"},
        )
        leads = Membership.objects.filter(
            review=review, role=Role.HOST_LEAD, user__is_active=True
        ).values_list("user__email", flat=True)
        send_email(
            template="reviews/email/self_assessment_reopened",
            context={
                "review": review,
                "by": by,
                "url": site_url + reverse("reviews:self-assessment-edit", kwargs={"pk": review.pk}),
            },
            to=list(leads),
            about=assessment,
        )
    return assessment


def save_team_view(
    *, review: Review, kloe: Kloe, version: int, data: dict[str, Any]
) -> SelfAssessmentEntry:
    values = {
        "team_agreement": data["team_agreement"],
        "team_rating": data["team_rating"],
        "team_reason": data["team_reason"],
    }
    with transaction.atomic():
        assessment, _ = SelfAssessment.objects.get_or_create(review=review)
        entry, created = SelfAssessmentEntry.objects.get_or_create(
            self_assessment=assessment, kloe=kloe
        )
        # A new entry (a KLOE the host did not rate) starts at version 0 on the form.
        expected = entry.version if created and version == 0 else version
        update_versioned(SelfAssessmentEntry, pk=entry.pk, version=expected, values=values)
        entry.refresh_from_db()
    return entry


def save_judgement(*, review: Review, version: int, data: dict[str, Any]) -> None:
    assessment, created = SelfAssessment.objects.get_or_create(review=review)
    if created and version == 0:
        version = assessment.version
    update_versioned(
        SelfAssessment,
        pk=assessment.pk,
        version=version,
        values={"judgement": data["judgement"], "judgement_reason": data["judgement_reason"]},
    )
