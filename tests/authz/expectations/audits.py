"""Who may do what in the audits app. Host staff see a case audit only when it is shared, and the
safeguarding alerts addressed to them; everyone else outside the review gets 404."""

from audits.models import CaseAudit
from audits.services.alerts import raise_alert
from audits.services.tools import review_tool, shipped_tool
from reviews.setup.models import Membership, Role
from tests.audits.factories import CaseFactory, started_audit, use_seed_002_tool
from tests.authz.expect import (
    FORBIDDEN,
    NOT_ALLOWED,
    OK,
    ON_REVIEW,
    REDIRECT,
    TEAM,
    Expect,
    review_page,
    signed_in_only,
    statuses,
)
from tests.factories import UserFactory

AUDITORS = ("lead_reviewer", "reviewer")
MANAGERS = ("coordinator", "lead_reviewer")
CASE_LIST = ("coordinator", "lead_reviewer", "reviewer", "host_lead")
UPLOADERS = ("coordinator", "host_lead")
POST_ONLY = signed_in_only(NOT_ALLOWED)


def _review(world, review):
    return {"pk": review.pk}


def _case(world, review):
    if review_tool(review) is None:
        use_seed_002_tool(review)
    return {"pk": review.pk, "case_pk": CaseFactory(review=review).pk}


def _second_auditor(review):
    person = UserFactory()
    Membership.objects.create(review=review, user=person, role=Role.REVIEWER)
    return person


def _audit(world, review, *, shared=False, complete=False):
    audit = started_audit(review, _second_auditor(review))
    CaseAudit.objects.filter(pk=audit.pk).update(
        shared_with_host=shared,
        status=CaseAudit.Status.COMPLETE if complete else CaseAudit.Status.IN_PROGRESS,
    )
    return audit


def _audited_case(world, review):
    return {"pk": review.pk, "case_pk": _audit(world, review).case_id}


def _shared_case(world, review):
    return {"pk": review.pk, "case_pk": _audit(world, review, shared=True).case_id}


def _complete_case(world, review):
    return {"pk": review.pk, "case_pk": _audit(world, review, complete=True).case_id}


def _answer(world, review):
    audit = _audit(world, review)
    return {"pk": review.pk, "case_pk": audit.case_id, "answer_pk": audit.answers.first().pk}


def _alert(world, review):
    audit = _audit(world, review)
    host_staff = [m.user for m in review.memberships.filter(role=Role.HOST_STAFF)]
    alert = raise_alert(
        case=audit.case, user=audit.auditor, concern="Case test concern.", also_tell=host_staff
    )
    return {"pk": review.pk, "alert_pk": alert.pk}


def _criterion(world, review):
    tool = review_tool(review) or use_seed_002_tool(review)
    return {"pk": review.pk, "criterion_pk": tool.criteria.first().pk}


def _export(world, review):
    return {"pk": review.pk, "table": "summary", "fmt": "csv"}


def _own_tool(world, review):
    return shipped_tool().copy(name="Eastvale tool", organisation=world.lead_org)


def _tool(world, review):
    return {"pk": _own_tool(world, review).pk}


def _tool_criterion(world, review):
    tool = _own_tool(world, review)
    return {"pk": tool.pk, "criterion_pk": tool.criteria.first().pk}


def _coordinator_only(status):
    return statuses(FORBIDDEN, anonymous=REDIRECT, coordinator=status)


def page(allowed, ok=OK):
    return review_page(allowed=allowed, ok=ok)


def post_only(allowed, ok):
    """A POST-only action: GET is 405 for everyone signed in (before anything is looked up)."""
    return {"get": POST_ONLY, "post": review_page(allowed=allowed, ok=ok)}


EXPECTATIONS = {
    "audits:home": Expect(get=page(ON_REVIEW), post=POST_ONLY, kwargs=_review, scoped=True),
    # A reviewer's day: their sessions and cases (the review team; host roles 403).
    "audits:today": Expect(get=page(TEAM), post=POST_ONLY, kwargs=_review, scoped=True),
    "audits:settings": Expect(get=page(MANAGERS), post=page(MANAGERS), kwargs=_review, scoped=True),
    "audits:choose-tool": Expect(**post_only(MANAGERS, OK), kwargs=_review),
    "audits:case-list": Expect(get=page(CASE_LIST), post=POST_ONLY, kwargs=_review, scoped=True),
    "audits:case-list-import": Expect(
        get=page(UPLOADERS), post=page(UPLOADERS), kwargs=_review, scoped=True
    ),
    "audits:case-list-template": Expect(
        get=page(UPLOADERS), post=POST_ONLY, kwargs=_review, scoped=True
    ),
    # Removing cases is the list's owners' (before the draw); assigning and balancing the sample's.
    "audits:case-list-remove": Expect(**post_only(UPLOADERS, REDIRECT), kwargs=_review),
    "audits:case-list-assign": Expect(**post_only(MANAGERS, REDIRECT), kwargs=_review),
    "audits:case-list-balance": Expect(
        get=page(MANAGERS), post=page(MANAGERS, REDIRECT), kwargs=_review, scoped=True
    ),
    "audits:sample-draw": Expect(
        get=page(MANAGERS), post=page(MANAGERS), kwargs=_review, scoped=True
    ),
    "audits:sample-pick": Expect(**post_only(MANAGERS, REDIRECT), kwargs=_review),
    "audits:sample-assign": Expect(**post_only(MANAGERS, REDIRECT), kwargs=_review),
    # Host staff read a case audit only once the lead reviewer has shared it (this one is shared).
    "audits:case-audit": Expect(
        get=page(ON_REVIEW), post=POST_ONLY, kwargs=_shared_case, scoped=True
    ),
    "audits:case-audit-start": Expect(**post_only(AUDITORS, REDIRECT), kwargs=_case),
    "audits:case-audit-save": Expect(**post_only(AUDITORS, OK), kwargs=_audited_case),
    "audits:criterion-answer-save": Expect(**post_only(AUDITORS, OK), kwargs=_answer),
    "audits:case-audit-share": Expect(
        **post_only(("lead_reviewer",), REDIRECT), kwargs=_audited_case
    ),
    "audits:case-audit-moderate": Expect(
        get=page(AUDITORS), post=page(AUDITORS), kwargs=_complete_case, scoped=True
    ),
    "audits:alert-raise": Expect(
        get=page(AUDITORS), post=page(AUDITORS), kwargs=_case, scoped=True
    ),
    "audits:alerts": Expect(get=page(ON_REVIEW), post=POST_ONLY, kwargs=_review, scoped=True),
    # This alert is addressed to the host lead contact, the lead reviewer and the host staff.
    "audits:alert": Expect(get=page(ON_REVIEW), post=POST_ONLY, kwargs=_alert, scoped=True),
    "audits:alert-acknowledge": Expect(
        **post_only(("lead_reviewer", "host_lead", "host_staff"), REDIRECT), kwargs=_alert
    ),
    "audits:analysis": Expect(get=page(TEAM), post=POST_ONLY, kwargs=_review, scoped=True),
    "audits:commentary-save": Expect(**post_only(AUDITORS, REDIRECT), kwargs=_criterion),
    # Every criterion's commentary in one form (without JavaScript); nothing sent, nothing to save.
    "audits:commentary-save-all": Expect(**post_only(AUDITORS, REDIRECT), kwargs=_review),
    # The search within a review finds the team's notes, draft findings and case audit comments:
    # the team only (host roles 403, as on the notes and findings pages).
    "audits:search": Expect(get=page(TEAM), post=POST_ONLY, kwargs=_review, scoped=True),
    "audits:export": Expect(get=page(TEAM), post=POST_ONLY, kwargs=_export, scoped=True),
    "audits:tools": Expect(get=_coordinator_only(OK), post=POST_ONLY),
    "audits:tool": Expect(get=_coordinator_only(OK), post=POST_ONLY, kwargs=_tool),
    "audits:tool-copy": Expect(get=POST_ONLY, post=_coordinator_only(REDIRECT), kwargs=_tool),
    "audits:tool-edit": Expect(get=_coordinator_only(OK), post=_coordinator_only(OK), kwargs=_tool),
    "audits:criterion-add": Expect(
        get=_coordinator_only(OK), post=_coordinator_only(OK), kwargs=_tool
    ),
    "audits:criterion-edit": Expect(
        get=_coordinator_only(OK), post=_coordinator_only(OK), kwargs=_tool_criterion
    ),
    "audits:criterion-delete": Expect(
        get=POST_ONLY, post=_coordinator_only(REDIRECT), kwargs=_tool_criterion
    ),
}
