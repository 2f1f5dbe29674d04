"""Who may do what in an authority's own audit programme (issue 23).

For these URLs the world's people take the programme's roles on the host authority's audit: the host
lead contact is its quality assurance auditor (the authority's quality assurance role), the host
staff member a partner auditor (police), and the reviewer (of another council) a moderating peer.
Everyone else is an outsider (404). On the other authority's audit every one of them is an outsider.
The finer rules (a partner's own cases only, a peer's sample only) are in
tests/audits/test_programme.py and tests/audits/test_programme_authz.py.
"""

import datetime as dt

from django.contrib.auth.models import Permission
from django.utils import timezone

from accounts.models import QualityAssuranceRole
from audits.models import LiveAuditRecord
from audits.services.programme import _hash
from reviews.setup.models import Review
from tests.audits.programme import build_programme, qa_person
from tests.authz.expect import (
    FORBIDDEN,
    NOT_ALLOWED,
    NOT_FOUND,
    OK,
    REDIRECT,
    Expect,
    statuses,
)
from tests.factories import UserFactory

POST_ONLY = statuses(NOT_ALLOWED, anonymous=REDIRECT)
TOKEN = "a-test-confirmation-link-secret-0123456789"


def _roles(**by_role):
    """Everyone signed in 404 (outsiders), anonymous to sign-in, with these exceptions."""
    return statuses(NOT_FOUND, anonymous=REDIRECT, **by_role)


def _programme(world, review, kind=Review.AuditKind.MULTI_AGENCY):
    if review.pk == world.review.pk:
        qa = world.people["host_lead"]
        QualityAssuranceRole.objects.get_or_create(user=qa, organisation=review.host)
        return build_programme(
            authority=review.host,
            kind=kind,
            qa=qa,
            partner=world.people["host_staff"],
            peer=world.people["reviewer"],
        )
    return build_programme(
        authority=review.host,
        kind=kind,
        qa=qa_person(review.host),
        partner=UserFactory(),
        peer=UserFactory(),
    )


def _authority(world, review):
    _programme(world, review)
    return {"org_pk": review.host_id}


def _staff(world, review):
    """The host staff member coordinates for the authority here (an administrator gave them "Can
    add review"): they give and take the quality assurance role."""
    programme = _programme(world, review)
    world.people["host_staff"].user_permissions.add(
        Permission.objects.get(codename="add_review", content_type__app_label="reviews")
    )
    return {"org_pk": programme.authority.pk}


def _staff_role(world, review):
    kwargs = _staff(world, review)
    role = QualityAssuranceRole.objects.filter(organisation_id=kwargs["org_pk"]).first()
    return {**kwargs, "role_pk": role.pk}


def _join(world, review):
    programme = _programme(world, review)
    return {"org_pk": programme.authority.pk, "pk": programme.audit.pk}


def _audit(world, review):
    return {"pk": _programme(world, review).audit.pk}


def _closed_audit(world, review):
    audit = _programme(world, review).audit
    Review.objects.filter(pk=audit.pk).update(status=Review.Status.ISSUED, closed_at=timezone.now())
    return {"pk": audit.pk}


def _live_case(world, review):
    programme = _programme(world, review, kind=Review.AuditKind.LIVE)
    return {"pk": programme.audit.pk, "case_pk": programme.qa_cases[1].pk}


def _token(world, review):
    programme = _programme(world, review, kind=Review.AuditKind.LIVE)
    LiveAuditRecord.objects.create(
        case=programme.qa_cases[0],
        worker_name="Jo Walker",
        worker_email="jo.walker@example.org",
        reflection="I would have spoken to the school sooner.",
        token_hash=_hash(TOKEN),
        sent_at=timezone.now() - dt.timedelta(hours=1),
    )
    return {"token": TOKEN}


QA = {"host_lead": OK}

EXPECTATIONS = {
    "audits:programme": Expect(
        get=_roles(host_lead=OK, host_staff=FORBIDDEN), post=POST_ONLY, kwargs=_authority
    ),
    "audits:programme-audit-create": Expect(
        get=_roles(host_lead=OK, host_staff=FORBIDDEN),
        post=_roles(host_lead=OK, host_staff=FORBIDDEN),
        kwargs=_authority,
    ),
    "audits:programme-staff": Expect(
        get=_roles(host_staff=OK, host_lead=FORBIDDEN),
        post=_roles(host_staff=OK, host_lead=FORBIDDEN),
        kwargs=_staff,
    ),
    "audits:programme-staff-remove": Expect(
        get=POST_ONLY,
        post=_roles(host_staff=REDIRECT, host_lead=FORBIDDEN),
        kwargs=_staff_role,
    ),
    "audits:programme-join": Expect(
        get=POST_ONLY, post=_roles(host_lead=REDIRECT, host_staff=FORBIDDEN), kwargs=_join
    ),
    "audits:programme-people": Expect(
        get=_roles(**QA), post=_roles(**QA), kwargs=_audit, scoped=True
    ),
    # Only the quality assurance auditors on the audit change, close and reopen it.
    "audits:programme-audit-details": Expect(
        get=_roles(**QA), post=_roles(**QA), kwargs=_audit, scoped=True
    ),
    "audits:programme-audit-close": Expect(
        get=_roles(**QA), post=_roles(host_lead=REDIRECT), kwargs=_audit, scoped=True
    ),
    "audits:programme-audit-reopen": Expect(
        get=_roles(**QA), post=_roles(**QA), kwargs=_closed_audit, scoped=True
    ),
    "audits:peer-sample": Expect(
        get=_roles(**QA), post=_roles(host_lead=REDIRECT), kwargs=_audit, scoped=True
    ),
    # The quality assurance auditor and the moderating peer (over the sample only).
    "audits:agreement": Expect(
        get=_roles(host_lead=OK, reviewer=OK), post=POST_ONLY, kwargs=_audit, scoped=True
    ),
    # The partner auditor's own cases; the QA auditor, on the audit, has their own pages (403).
    "audits:your-cases": Expect(
        get=_roles(host_staff=OK, host_lead=FORBIDDEN), post=POST_ONLY, kwargs=_audit, scoped=True
    ),
    "audits:live-record": Expect(
        get=_roles(**QA), post=_roles(**QA), kwargs=_live_case, scoped=True
    ),
    "audits:live-record-send": Expect(
        get=POST_ONLY, post=_roles(host_lead=REDIRECT), kwargs=_live_case
    ),
    # The social worker's link: no account needed; the secret in the link is the right.
    "audits:live-confirm": Expect(get=statuses(OK), post=statuses(OK), kwargs=_token),
}
