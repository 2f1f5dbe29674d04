"""The self-assessment: the host rates each KLOE red/amber/green with a narrative, saves drafts and
submits (then it is read-only to the host); the team records its view per KLOE and an overall judgement.

Every save is version-checked in the UPDATE that writes it (see ``reviews.fieldwork.services``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from core.versioning import update_versioned
from reviews.self_assessment.models import SelfAssessment, SelfAssessmentEntry
from reviews.setup.models import Kloe, Review

if TYPE_CHECKING:
    from accounts.models import User


@dataclass
class Row:
    kloe: Kloe
    entry: SelfAssessmentEntry


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
    *, review: Review, version: int, ratings: dict[int, tuple[str, str]], submit: bool, by: User
) -> SelfAssessment:
    """Save the host's ratings and narratives (``{kloe_pk: (rating, narrative)}``); submit if asked."""
    with transaction.atomic():
        assessment, created = SelfAssessment.objects.get_or_create(review=review)
        # A page that showed no self-assessment (version 0) saves the one just made; any other
        # version of a row that did not exist is stale (None never matches).
        expected = (assessment.version if version == 0 else None) if created else version
        changes: dict[str, Any] = {}
        if submit:
            changes.update(
                status=SelfAssessment.Status.SUBMITTED, submitted_at=timezone.now(), submitted_by=by
            )
        drafts = SelfAssessment.objects.filter(status=SelfAssessment.Status.DRAFT)
        update_versioned(drafts, pk=assessment.pk, version=expected, values=changes)
        for kloe_pk, (rating, narrative) in ratings.items():
            SelfAssessmentEntry.objects.update_or_create(
                self_assessment=assessment,
                kloe_id=kloe_pk,
                defaults={"host_rating": rating, "host_narrative": narrative},
            )
        assessment.refresh_from_db()
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
