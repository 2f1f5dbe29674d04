"""Trail records written before the house was rebuilt (issue 17) still find their objects.

A record names its object by ``app_label.ModelName`` (``trail.services.record``). Splitting ``reviews/``
into sub-packages kept the app label, so every label stays; regions moved from ``improvement`` to
``accounts``, and no record can name one (they are edited only in the admin site's plain pages,
which write no trail records), so nothing written before names a label that is gone.
"""

from __future__ import annotations

import pytest
from django.apps import apps

from reviews.fieldwork.models import Finding
from trail.models import Event

# Every model label of the apps at e7a2d21, before core/, the reviews/ split and the region move.
LABELS_BEFORE = [
    "accounts.Organisation", "accounts.User", "audits.AlertRecipient", "audits.AnnexFigures",
    "audits.AuditPlan", "audits.AuditTool", "audits.Case", "audits.CaseAudit", "audits.Criterion",
    "audits.CriterionAnswer", "audits.CriterionCommentary", "audits.ModeratedAnswer",
    "audits.Moderation", "audits.SafeguardingAlert", "audits.SampleDraw", "improvement.Action",
    "improvement.ExternalReview", "improvement.ProgressUpdate", "improvement.Region",
    "improvement.RegionalAccess", "reports.Comment", "reports.Letter", "reports.LetterDownload",
    "reports.LetterVersion", "reports.SectionEdit", "reports.SectionRevision", "reviews.CalendarFeed",
    "reviews.Document", "reviews.DocumentDownload", "reviews.DocumentRequest", "reviews.EvidenceNote",
    "reviews.Finding", "reviews.Framework", "reviews.Invitation", "reviews.Kloe", "reviews.Membership",
    "reviews.Review", "reviews.ReviewDay", "reviews.SelfAssessment", "reviews.SelfAssessmentEntry",
    "reviews.Session", "reviews.Theme", "trail.Event",
]  # fmt: skip
NEVER_IN_THE_TRAIL = {"improvement.Region", "improvement.RegionalAccess"}  # moved to accounts


def test_every_label_a_record_may_carry_still_names_a_model() -> None:
    for label in LABELS_BEFORE:
        if label in NEVER_IN_THE_TRAIL:
            continue
        assert apps.get_model(label)._meta.label == label


@pytest.mark.django_db
def test_a_findings_history_still_finds_a_record_written_with_the_label_of_before(world) -> None:
    finding = Finding.objects.create(review=world.review, kind="strength", text="Words.")
    Event.objects.create(
        action=Event.Action.FINDING_CHANGED,
        object_type="reviews.Finding",  # as written before the split, by the literal label
        object_id=str(finding.pk),
        review_id=finding.review_id,
    )
    assert Finding._meta.label == "reviews.Finding"
    assert (
        Event.objects.filter(object_type=Finding._meta.label, object_id=str(finding.pk)).count()
        == 1
    )
