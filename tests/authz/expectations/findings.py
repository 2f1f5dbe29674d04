"""The team's work: evidence notes and findings.

The review team (coordinator included) sees notes and findings; lead reviewer and reviewers write them;
only the lead reviewer agrees findings and reads their history. Host roles never see the team's notes
or draft findings (403): they read findings in the letter. Outsiders get 404.
"""

from __future__ import annotations

from reviews.fieldwork.models import EvidenceNote, Finding
from reviews.setup.models import Framework, Kloe
from tests.authz.expect import (
    NOT_ALLOWED,
    REDIRECT,
    TEAM,
    Expect,
    review_page,
    signed_in_only,
)

POST_ONLY = signed_in_only(NOT_ALLOWED)
TEAM_PAGE = review_page(allowed=TEAM)
WRITERS = review_page(allowed=("lead_reviewer", "reviewer"))
WRITERS_ACTION = review_page(allowed=("lead_reviewer", "reviewer"), ok=REDIRECT)
LEAD = review_page(allowed=("lead_reviewer",))
LEAD_ACTION = review_page(allowed=("lead_reviewer",), ok=REDIRECT)


def _review(world, review):
    return {"pk": review.pk}


def _kloe(review) -> Kloe:
    framework = Framework.objects.filter(review=review).first() or Framework.objects.create(
        name=f"KLOEs of {review}", review=review
    )
    return framework.kloes.first() or Kloe.objects.create(
        framework=framework, position=1, heading="Thresholds"
    )


def _finding(world, review):
    finding = Finding.objects.create(
        review=review, kloe=_kloe(review), kind=Finding.Kind.STRENGTH, text="Strong MASH."
    )
    Finding.objects.create(review=review, kind=Finding.Kind.AREA, text="Consent is unclear.")
    return {"pk": review.pk, "finding": finding.pk}


def _note(world, review):
    note = EvidenceNote.objects.create(review=review, text="Screening was timely.")
    return {"pk": review.pk, "note": note.pk}


EXPECTATIONS = {
    "reviews:notes": Expect(get=TEAM_PAGE, post=POST_ONLY, kwargs=_review, scoped=True),
    "reviews:note-create": Expect(get=WRITERS, post=WRITERS, kwargs=_review, scoped=True),
    "reviews:note-edit": Expect(get=WRITERS, post=WRITERS, kwargs=_note, scoped=True),
    "reviews:findings": Expect(get=TEAM_PAGE, post=POST_ONLY, kwargs=_review, scoped=True),
    "reviews:finding-create": Expect(get=WRITERS, post=WRITERS, kwargs=_review, scoped=True),
    "reviews:finding-edit": Expect(get=WRITERS, post=WRITERS, kwargs=_finding, scoped=True),
    # Without the version the person saw, nothing is deleted (they are sent back to check).
    "reviews:finding-delete": Expect(
        get=POST_ONLY, post=WRITERS_ACTION, kwargs=_finding, scoped=True
    ),
    "reviews:finding-agree": Expect(get=POST_ONLY, post=LEAD_ACTION, kwargs=_finding, scoped=True),
    "reviews:finding-reorder": Expect(
        get=POST_ONLY, post=WRITERS_ACTION, kwargs=_finding, scoped=True
    ),
    "reviews:finding-merge": Expect(get=WRITERS, post=WRITERS, kwargs=_finding, scoped=True),
    "reviews:finding-history": Expect(get=LEAD, post=POST_ONLY, kwargs=_finding, scoped=True),
    # "Agree all": a confirmation page, then one POST (back to the findings, saying what was agreed).
    "reviews:finding-agree-all": Expect(get=LEAD, post=LEAD_ACTION, kwargs=_review, scoped=True),
}


def _review_with_kloe(world, review):
    _kloe(review)
    return {"pk": review.pk}


def _kloe_kwargs(world, review):
    return {"pk": review.pk, "kloe": _kloe(review).pk}


def _submitted_self_assessment(world, review):
    from django.utils import timezone

    from reviews.self_assessment.models import SelfAssessment

    _kloe(review)
    SelfAssessment.objects.update_or_create(
        review=review,
        defaults={"status": SelfAssessment.Status.SUBMITTED, "submitted_at": timezone.now()},
    )
    return {"pk": review.pk}


HOST_LEAD_AND_TEAM = review_page(allowed=(*TEAM, "host_lead"))
HOST_LEAD = review_page(allowed=("host_lead",))

EXPECTATIONS |= {
    "reviews:consolidation": Expect(
        get=TEAM_PAGE, post=POST_ONLY, kwargs=_kloe_kwargs, scoped=True
    ),
    "reviews:self-assessment": Expect(
        get=HOST_LEAD_AND_TEAM, post=POST_ONLY, kwargs=_review, scoped=True
    ),
    "reviews:self-assessment-edit": Expect(
        # An empty POST saves an empty draft.
        get=HOST_LEAD,
        post=review_page(allowed=("host_lead",), ok=REDIRECT),
        kwargs=_review_with_kloe,
        scoped=True,
    ),
    "reviews:self-assessment-team": Expect(
        get=WRITERS, post=WRITERS, kwargs=_kloe_kwargs, scoped=True
    ),
    # Check your answers (a page), and submit from it (POST only; without a version nothing is
    # submitted and the host lead is sent back to check).
    "reviews:self-assessment-check": Expect(
        get=HOST_LEAD, post=POST_ONLY, kwargs=_review_with_kloe, scoped=True
    ),
    "reviews:self-assessment-submit": Expect(
        get=POST_ONLY,
        post=review_page(allowed=("host_lead",), ok=REDIRECT),
        kwargs=_review_with_kloe,
        scoped=True,
    ),
    # The coordinator reopens a submitted one after a confirmation page; a POST without the
    # version reopens nothing (sent back to the confirmation).
    "reviews:self-assessment-reopen": Expect(
        get=review_page(allowed=("coordinator",)),
        post=review_page(allowed=("coordinator",), ok=REDIRECT),
        kwargs=_submitted_self_assessment,
        scoped=True,
    ),
    "reviews:self-assessment-judgement": Expect(
        get=WRITERS, post=WRITERS, kwargs=_review, scoped=True
    ),
}
