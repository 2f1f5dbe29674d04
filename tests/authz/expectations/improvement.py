"""After the letter: action plans, follow-up reviews, an authority's history, the regional view, themes.

The host lead contact writes the action plan; host staff, the coordinator and the lead reviewer read it;
reviewers do not see it (403). An authority's history is for its people on any of its reviews and for
the team of one of its reviews once that review's letter is issued (others 404: see
tests/improvement/test_history_access.py for the team of a review still under way).
The regional view and the themes are for coordinators (and people with a regional role).
"""

from __future__ import annotations

import datetime as dt
import hashlib

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from improvement.journey_services import create_report
from improvement.models import (
    Action,
    ExternalReview,
    ImprovementPriority,
    JourneyReport,
    JourneyReportVersion,
)
from reviews.fieldwork.models import Finding, Theme
from reviews.setup.models import Review
from tests.authz.expect import (
    FORBIDDEN,
    NOT_ALLOWED,
    OK,
    ON_REVIEW,
    REDIRECT,
    Expect,
    review_page,
    signed_in_only,
    statuses,
)
from tests.factories import ReviewFactory

POST_ONLY = signed_in_only(NOT_ALLOWED)
READERS = ("coordinator", "lead_reviewer", "host_lead", "host_staff")
HOST_LEAD = ("host_lead",)
RECORDERS = ("coordinator", "host_lead")
COORDINATORS = statuses(FORBIDDEN, anonymous=REDIRECT, coordinator=OK)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def issue(review: Review) -> Finding:
    """Issue the review's letter, with one agreed recommendation."""
    Review.objects.filter(pk=review.pk).update(
        status=Review.Status.ISSUED, letter_issued_at=timezone.now()
    )
    review.refresh_from_db()
    return Finding.objects.create(
        review=review,
        kind=Finding.Kind.RECOMMENDATION,
        text="Review the threshold document with partners.",
        status=Finding.Status.AGREED,
    )


def _issued(world, review):
    issue(review)
    return {"pk": review.pk}


def _action(world, review):
    finding = issue(review)
    action = Action.objects.create(
        review=review,
        finding=finding,
        what="Rewrite the threshold guidance.",
        owner="Head of Service",
        due_date=dt.date(2027, 3, 31),
    )
    return {"pk": review.pk, "action": action.pk}


def _export(world, review):
    issue(review)
    return {"pk": review.pk, "fmt": "docx"}


def _review(world, review):
    return {"pk": review.pk}


def _follow_up(world, review):
    previous = ReviewFactory(host=review.host, lead_organisation=review.lead_organisation)
    issue(previous)
    Review.objects.filter(pk=review.pk).update(previous_review=previous)
    return {"pk": review.pk}


def _authority(world, review):
    issue(review)  # the team's relationship with the authority: an issued review they were on
    return {"pk": review.host_id}


def _letter(world, review):
    issue(review)
    external = ExternalReview(
        organisation=review.host,
        date=dt.date(2025, 6, 1),
        kind=ExternalReview.Kind.OFSTED_INSPECTION,
        headline="Good overall.",
    )
    external.letter.save("x.pdf", SimpleUploadedFile("x.pdf", PDF), save=True)
    return {"pk": review.host_id, "external": external.pk}


def _priority(world, review):
    issue(review)
    taken = set(
        ImprovementPriority.objects.filter(organisation=review.host).values_list(
            "letter", flat=True
        )
    )
    priority = ImprovementPriority.objects.create(
        organisation=review.host,
        letter=next(letter for letter in "ABCDEFGHIJKLMNOPQRSTUVWXYZ" if letter not in taken),
        title="Strengthen the front door",
        owner="AD",
        measure="Timely decisions",
    )
    return {"pk": review.host_id, "priority": priority.pk}


def _with_priority(world, review):
    _priority(world, review)
    return {"pk": review.host_id}


def _journey_report(world, review):
    issue(review)
    report = create_report(
        organisation=review.host,
        data={"title": "Improvement journey"},
        user=world.user("host_lead"),
    )
    return {"pk": review.host_id, "report": report.pk}


def _journey_section(world, review):
    return {**_journey_report(world, review), "key": "options"}


def _journey_draft(world, review):
    return {**_journey_report(world, review), "fmt": "docx"}


def _journey_version(world, review):
    kwargs = _journey_report(world, review)
    report = JourneyReport.objects.get(pk=kwargs["report"])
    version = JourneyReportVersion(
        report=report,
        number=1,
        issued_at=timezone.now(),
        pdf_sha256=hashlib.sha256(PDF).hexdigest(),
        docx_sha256=hashlib.sha256(b"docx").hexdigest(),
    )
    version.pdf.save("journey-report.pdf", ContentFile(PDF), save=False)
    version.docx.save("journey-report.docx", ContentFile(b"docx"), save=False)
    version.save()
    return {**kwargs, "number": 1, "fmt": "pdf"}


def _theme(world, review):
    return {"pk": Theme.objects.first().pk}


def page(allowed, ok=OK):
    return review_page(allowed=allowed, ok=ok)


def authority_page(allowed, ok=OK):
    """Everyone on a review of the authority passes the 404 test; ``allowed`` may do the thing."""
    return review_page(allowed=allowed, ok=ok)


EXPECTATIONS = {
    "improvement:action-plan": Expect(
        get=page(READERS), post=POST_ONLY, kwargs=_issued, scoped=True
    ),
    # An empty POST re-shows the form with what is missing.
    "improvement:action-create": Expect(
        get=page(HOST_LEAD), post=page(HOST_LEAD), kwargs=_issued, scoped=True
    ),
    "improvement:action-edit": Expect(
        get=page(HOST_LEAD), post=page(HOST_LEAD), kwargs=_action, scoped=True
    ),
    "improvement:action-progress": Expect(
        get=POST_ONLY, post=page(HOST_LEAD), kwargs=_action, scoped=True
    ),
    # Without the version the person saw, nothing is deleted (they are sent back to check).
    "improvement:action-delete": Expect(
        get=POST_ONLY, post=page(HOST_LEAD, ok=REDIRECT), kwargs=_action, scoped=True
    ),
    "improvement:action-plan-export": Expect(
        get=page(READERS), post=POST_ONLY, kwargs=_export, scoped=True
    ),
    "improvement:follow-up-create": Expect(
        get=page(("coordinator",)), post=page(("coordinator",)), kwargs=_review, scoped=True
    ),
    "improvement:previous-review": Expect(
        get=page(ON_REVIEW), post=POST_ONLY, kwargs=_follow_up, scoped=True
    ),
    "improvement:authority-history": Expect(
        get=authority_page(ON_REVIEW), post=POST_ONLY, kwargs=_authority, scoped=True
    ),
    "improvement:external-review-create": Expect(
        get=authority_page(RECORDERS),
        post=authority_page(RECORDERS),
        kwargs=_authority,
        scoped=True,
    ),
    "improvement:external-review-letter": Expect(
        get=authority_page(ON_REVIEW), post=POST_ONLY, kwargs=_letter, scoped=True
    ),
    # The improvement journey (issue 23): read as the history is; changed by its recorders.
    "improvement:trends": Expect(
        get=authority_page(ON_REVIEW), post=POST_ONLY, kwargs=_authority, scoped=True
    ),
    "improvement:priorities": Expect(
        get=authority_page(ON_REVIEW), post=POST_ONLY, kwargs=_authority, scoped=True
    ),
    "improvement:priority-create": Expect(
        get=authority_page(RECORDERS),
        post=authority_page(RECORDERS),
        kwargs=_authority,
        scoped=True,
    ),
    "improvement:priority-edit": Expect(
        get=authority_page(RECORDERS),
        post=authority_page(RECORDERS),
        kwargs=_priority,
        scoped=True,
    ),
    # Without the version the person saw, nothing is deleted (they are sent back to check).
    "improvement:priority-delete": Expect(
        get=POST_ONLY, post=authority_page(RECORDERS, ok=REDIRECT), kwargs=_priority, scoped=True
    ),
    "improvement:board-meeting-create": Expect(
        get=authority_page(RECORDERS),
        post=authority_page(RECORDERS),
        kwargs=_with_priority,
        scoped=True,
    ),
    "improvement:journey-reports": Expect(
        get=authority_page(ON_REVIEW), post=POST_ONLY, kwargs=_authority, scoped=True
    ),
    "improvement:journey-report-create": Expect(
        get=authority_page(RECORDERS),
        post=authority_page(RECORDERS),
        kwargs=_authority,
        scoped=True,
    ),
    "improvement:journey-report": Expect(
        get=authority_page(ON_REVIEW), post=POST_ONLY, kwargs=_journey_report, scoped=True
    ),
    "improvement:journey-report-edit": Expect(
        get=authority_page(RECORDERS),
        post=authority_page(RECORDERS),
        kwargs=_journey_report,
        scoped=True,
    ),
    "improvement:journey-structure": Expect(
        get=authority_page(RECORDERS),
        post=authority_page(RECORDERS),
        kwargs=_journey_report,
        scoped=True,
    ),
    "improvement:journey-section-edit": Expect(
        get=authority_page(RECORDERS),
        post=authority_page(RECORDERS),
        kwargs=_journey_section,
        scoped=True,
    ),
    "improvement:journey-section-reset": Expect(
        get=POST_ONLY,
        post=authority_page(RECORDERS, ok=REDIRECT),
        kwargs=_journey_section,
        scoped=True,
    ),
    "improvement:journey-report-draft": Expect(
        get=authority_page(ON_REVIEW), post=POST_ONLY, kwargs=_journey_draft, scoped=True
    ),
    "improvement:journey-report-issue": Expect(
        get=POST_ONLY,
        post=authority_page(RECORDERS, ok=REDIRECT),
        kwargs=_journey_report,
        scoped=True,
    ),
    "improvement:journey-report-version": Expect(
        get=authority_page(ON_REVIEW), post=POST_ONLY, kwargs=_journey_version, scoped=True
    ),
    "improvement:regional": Expect(get=COORDINATORS, post=POST_ONLY),
    "improvement:regional-export": Expect(
        get=COORDINATORS, post=POST_ONLY, kwargs=lambda world, review: {"fmt": "csv"}
    ),
    "improvement:themes": Expect(get=COORDINATORS, post=COORDINATORS),
    "improvement:theme-edit": Expect(get=COORDINATORS, post=COORDINATORS, kwargs=_theme),
}
