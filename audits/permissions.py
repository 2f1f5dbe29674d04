"""Per-object rules of the audits app, built on ``reviews.permissions.get_review_for``.

Outsiders get 404 for everything; so does anyone asking for another review's case or alert. Host staff
see a case audit only when the lead reviewer has shared it, and the safeguarding alerts addressed to
them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from audits.models import AuditTool, Case, CaseAudit, SafeguardingAlert
from core.library import get_library_item
from reviews.permissions import CASE_SCOPED, can, get_programme_for, get_review_for_case
from reviews.setup.models import Membership, Review, Role

if TYPE_CHECKING:
    from accounts.models import User


def get_case_for(user: User, review_pk: Any, case_pk: Any, right: str) -> tuple[Review, Case]:
    """The review and one of its cases, if this person has ``right`` on the review.

    On an authority's own audit a partner auditor reaches only the cases assigned to them, and a
    moderating peer only the completed audits chosen for peer moderation; any other case is 404."""
    review = get_review_for_case(user, review_pk, right)
    cases = Case.objects.filter(review=review, pk=case_pk).select_related("assigned_to")
    role = review.role_of(user)
    if role == Role.PARTNER_AUDITOR:
        cases = cases.filter(assigned_to=user)
    elif role == Role.MODERATING_PEER:
        cases = cases.filter(peer_sample__isnull=False, audit__status=CaseAudit.Status.COMPLETE)
    case = cases.first()
    if case is None:
        raise Http404("No case found")
    case.review = review
    return review, case


def get_case_audit_for_reading(user: User, review_pk: Any, case_pk: Any) -> tuple[Review, Case]:
    """The team reads every case audit; the host reads only those the lead reviewer shared."""
    review, case = get_case_for(user, review_pk, case_pk, "view")
    if can(user, "view_team_work", review) or review.role_of(user) in CASE_SCOPED:
        return review, case
    if CaseAudit.objects.filter(case=case, shared_with_host=True).exists():
        return review, case
    raise Http404("No shared case audit found")


def get_alert_for(user: User, review_pk: Any, alert_pk: Any) -> tuple[Review, SafeguardingAlert]:
    """The team sees every alert of the review; anyone else only the alerts addressed to them."""
    review = get_review_for_case(user, review_pk, "view")
    alerts = SafeguardingAlert.objects.filter(review=review).select_related("case", "raised_by")
    if review.role_of(user) in CASE_SCOPED:
        # A partner auditor: the alerts they raised about their own cases, or addressed to them.
        alerts = alerts.filter(
            Q(raised_by=user) | Q(recipients__user=user), case__assigned_to=user
        ).distinct()
    elif not can(user, "view_team_work", review):
        alerts = alerts.filter(recipients__user=user)
    alert = alerts.filter(pk=alert_pk).first()
    if alert is None:
        raise Http404("No safeguarding alert found")
    return review, alert


def manages_tools(user: User) -> bool:
    """Coordinators (of any review) keep their organisation's audit tools."""
    return (
        user.is_authenticated
        and Membership.objects.filter(user=user, role=Role.COORDINATOR).exists()
    )


def get_tool_for(user: User, pk: Any, *, edit: bool = False) -> AuditTool:
    """A library tool this coordinator may see (shipped or their organisation's) or edit (their own
    organisation's: ``AuditTool.may_be_edited_by``; shipped tools never)."""
    if not manages_tools(user):
        raise PermissionDenied("Only coordinators keep audit tools.")
    tool: AuditTool = get_library_item(
        AuditTool.objects.visible_to(user),
        pk,
        user,
        edit=edit,
        missing="No audit tool found",
        not_editable="Only your organisation's own tools can be changed. Tools shipped with the "
        "service, and other organisations' tools, cannot be edited: make a copy.",
    )
    return tool


# An authority's own audit (issue 23) ---------------------------------------------------------------


def get_internal_audit_for(user: User, pk: Any, right: str) -> Review:
    """One of an authority's own audits, if this person has ``right`` on it (a case-scoped role is
    asked for its own right: ``CASE_SCOPED_RIGHTS``). A peer review is not found here."""
    review = get_review_for_case(user, pk, right)
    if not review.is_internal_audit:
        raise Http404("No audit found")
    return review


def get_live_case_for(user: User, review_pk: Any, case_pk: Any, right: str) -> tuple[Review, Case]:
    """A case of a live audit, for its live record (404 on any other kind of audit or review)."""
    review, case = get_case_for(user, review_pk, case_pk, right)
    if not (review.is_internal_audit and review.audit_kind == Review.AuditKind.LIVE):
        raise Http404("No live audit found")
    return review, case


def get_joinable_audit_for(user: User, authority_pk: Any, pk: Any) -> Review:
    """An audit of the authority's programme that one of its quality assurance people may join."""
    authority = get_programme_for(user, authority_pk, run=True)
    review = Review.objects.internal_audits().filter(host=authority, pk=pk).first()
    if review is None:
        raise Http404("No audit found")
    return review
