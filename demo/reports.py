"""The demo's letters: the finished review's letter issued as version 1 (a stored PDF and Word file),
so host staff have something to download. Safe to run again: a review with a version keeps it."""

from __future__ import annotations

from django.test import RequestFactory

from reports import services
from reports.models import LetterVersion
from reviews.setup.models import Membership, Review, Role


def issue_demo_letters() -> int:
    issued = 0
    for review in Review.objects.filter(status=Review.Status.ISSUED).select_related(
        "host", "lead_organisation"
    ):
        if LetterVersion.objects.filter(letter__review=review).exists():
            continue
        lead = (
            Membership.objects.filter(review=review, role=Role.LEAD_REVIEWER)
            .select_related("user")
            .first()
        )
        if lead is None:
            continue
        request = RequestFactory().post("/", REMOTE_ADDR="127.0.0.1", HTTP_HOST="127.0.0.1")
        request.user = lead.user
        # The letter starts from the template of the review's kind (a health check's, here).
        services.issue(review=review, user=lead.user, request=request)
        issued += 1
    return issued
