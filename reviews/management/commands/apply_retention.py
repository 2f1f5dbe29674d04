from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from core.retention import PURGERS, months_before
from reviews.setup.models import Review
from trail.models import Event
from trail.services import record


class Command(BaseCommand):
    help = (
        "Delete case-level data (case audits, evidence notes, uploaded documents) of reviews whose letter "
        "was issued, and of an authority's own audits closed, more than RETENTION_MONTHS ago. Keeps "
        "the issued letter, the aggregate figures and the audit trail. Run daily."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Say what would be deleted; delete nothing."
        )

    def handle(self, *args: Any, dry_run: bool = False, **options: Any) -> None:
        cutoff = months_before(timezone.now(), settings.RETENTION_MONTHS)
        reviews = sorted(
            Review.objects.due_for_retention(cutoff=cutoff), key=lambda r: (r.ended_at, r.pk)
        )
        verb = "Would delete" if dry_run else "Deleted"
        if not reviews:
            self.stdout.write(
                f"Nothing to delete: no review's letter was issued, and no audit closed, before "
                f"{cutoff:%d %B %Y}."
            )
            return
        for review in reviews:
            counts = {}
            with transaction.atomic():
                for purger in PURGERS:
                    counts[purger.label] = purger.count(review) if dry_run else purger.purge(review)
                if not dry_run:
                    Review.objects.filter(pk=review.pk).update(case_data_deleted_at=timezone.now())
                    record(
                        action=Event.Action.RETENTION_DELETED,
                        obj=review,
                        detail={"deleted": counts, "retention_months": settings.RETENTION_MONTHS},
                    )
            summary = (
                ", ".join(f"{n} {label}" for label, n in counts.items())
                or "no case-level data held"
            )
            ended = "closed" if review.is_internal_audit else "issued"
            self.stdout.write(
                f"{verb} for '{review.title}' ({ended} {review.ended_at:%d %B %Y}): {summary}."
            )
        if dry_run:
            self.stdout.write("Dry run: nothing was deleted.")
