"""Retention: delete a review's case-level audit data, keeping the annex's aggregate figures.

The figures (``AnnexFigures``) are frozen first, in the same transaction, so the letter's annex and
the regional view still have them; then the cases go, and with them their audits, answers,
moderation, safeguarding alerts and their recipients. Criterion commentary (the team's summary
per criterion, printed in the annex) stays with the review's tool.
"""

from __future__ import annotations

from django.db import transaction

from audits.models import AnnexFigures, Case, SafeguardingAlert, SampleDraw
from core.retention import register
from reviews.setup.models import Review


def _count(review: Review) -> int:
    return Case.objects.filter(review=review).count()


@transaction.atomic
def _purge(review: Review) -> int:
    from audits.services.analysis import annex_figures

    if not AnnexFigures.objects.filter(review=review).exists():
        AnnexFigures.objects.create(review=review, data=annex_figures(review))
    SafeguardingAlert.objects.filter(review=review).delete()
    SampleDraw.objects.filter(review=review).delete()
    cases = Case.objects.filter(review=review)
    count = cases.count()
    cases.delete()
    return count


def register_purgers() -> None:
    register(label="case files and their audits", count=_count, purge=_purge)
