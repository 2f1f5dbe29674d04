"""Every download of a review's files is named after what it is, the host and the review's start
date: two reviews of one host never give two files of one name in a Downloads folder."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from reviews.setup.models import Review
from tests.authz.expectations.improvement import issue

pytestmark = pytest.mark.django_db


def _name(response) -> str:
    assert response.status_code == 200, response.status_code
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="')
    return disposition.removeprefix('attachment; filename="').removesuffix('"')


def test_every_download_of_a_review_names_the_host_and_the_start_date(world) -> None:
    review = world.review
    Review.objects.filter(pk=review.pk).update(start_date=dt.date(2026, 3, 3))
    review.refresh_from_db()
    coordinator = world.client("coordinator")
    lead = world.client("lead_reviewer")
    pk = review.pk
    names = {
        "timetable-pdf": _name(coordinator.get(reverse("reviews:timetable-pdf", args=[pk]))),
        "timetable-ics": _name(coordinator.get(reverse("reviews:timetable-ics", args=[pk]))),
        "trail": _name(coordinator.get(reverse("reviews:review-trail-csv", args=[pk]))),
        "summary-csv": _name(lead.get(reverse("audits:export", args=[pk, "summary", "csv"]))),
        "matrix-xlsx": _name(lead.get(reverse("audits:export", args=[pk, "matrix", "xlsx"]))),
        "draft-docx": _name(lead.get(reverse("reports:draft-docx", args=[pk]))),
    }
    issue(review)
    host_lead = world.client("host_lead")
    for fmt in ("docx", "xlsx"):
        url = reverse("improvement:action-plan-export", kwargs={"pk": pk, "fmt": fmt})
        names[f"plan-{fmt}"] = _name(host_lead.get(url))
    assert names == {
        "timetable-pdf": "timetable-northmoor-2026-03-03.pdf",
        "timetable-ics": "timetable-northmoor-2026-03-03.ics",
        "trail": "audit-trail-northmoor-2026-03-03.csv",
        "summary-csv": "case-audit-summary-northmoor-2026-03-03.csv",
        "matrix-xlsx": "case-audit-matrix-northmoor-2026-03-03.xlsx",
        "draft-docx": "draft-letter-northmoor-2026-03-03.docx",
        "plan-docx": "action-plan-northmoor-2026-03-03.docx",
        "plan-xlsx": "action-plan-northmoor-2026-03-03.xlsx",
    }
