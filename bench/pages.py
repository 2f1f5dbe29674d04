"""The main pages, as the query-count test (tests/performance) and bench/run.py both use them."""

from __future__ import annotations

from django.urls import reverse


def main_pages(review_id: int, case_id: int) -> dict[str, str]:
    """Name -> URL. Each is seen by the benchmark lead reviewer, but for those in ``AS_COORDINATOR``."""
    r = [review_id]
    return {
        "your reviews": reverse("reviews:your-reviews"),
        "review overview": reverse("reviews:review-overview", args=r),
        "findings": reverse("reviews:findings", args=r),
        "evidence notes": reverse("reviews:notes", args=r),
        "today": reverse("audits:today", args=r),
        "case audits (progress)": reverse("audits:home", args=r),
        "case list": reverse("audits:case-list", args=r),
        "case list (filtered, sorted)": reverse("audits:case-list", args=r)
        + "?state=sampled&sort=-date",
        "search": reverse("audits:search", args=r) + "?q=police+health",
        "one case audit": reverse("audits:case-audit", args=[review_id, case_id]),
        "audit analysis": reverse("audits:analysis", args=r),
        "timetable": reverse("reviews:timetable", args=r),
        "self-assessment": reverse("reviews:self-assessment", args=r),
        "documents": reverse("reviews:documents", args=r),
        "team": reverse("reviews:team", args=r),
        "invite several people": reverse("reviews:invitation-bulk", args=r),
        "request documents from the pack": reverse("reviews:document-request-pack", args=r),
        "audit trail": reverse("reviews:review-trail", args=r),
        "feedback letter": reverse("reports:letter", args=r),
        "before you issue": reverse("reports:issue", args=r),
        "issued letters": reverse("reports:versions", args=r),
    }


# Pages only the coordinator may open.
AS_COORDINATOR = {"team", "invite several people", "request documents from the pack"}
