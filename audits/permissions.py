"""Per-object rules of the audits app, built on ``reviews.permissions.get_review_for``.

Outsiders get 404 for everything; so does anyone asking for another review's case or alert. Host staff
see a case audit only when the lead reviewer has shared it, and the safeguarding alerts addressed to
them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from audits.models import AuditTool, Case, CaseAudit, SafeguardingAlert
from core.library import get_library_item
from reviews.permissions import can, get_review_for
from reviews.setup.models import Membership, Review, Role

if TYPE_CHECKING:
    from accounts.models import User


def get_case_for(user: User, review_pk: Any, case_pk: Any, right: str) -> tuple[Review, Case]:
    """The review and one of its cases, if this person has ``right`` on the review."""
    review = get_review_for(user, review_pk, right)
    case = Case.objects.filter(review=review, pk=case_pk).select_related("assigned_to").first()
    if case is None:
        raise Http404("No case found")
    case.review = review
    return review, case


def get_case_audit_for_reading(user: User, review_pk: Any, case_pk: Any) -> tuple[Review, Case]:
    """The team reads every case audit; the host reads only those the lead reviewer shared."""
    review, case = get_case_for(user, review_pk, case_pk, "view")
    if can(user, "view_team_work", review):
        return review, case
    if CaseAudit.objects.filter(case=case, shared_with_host=True).exists():
        return review, case
    raise Http404("No shared case audit found")


def get_alert_for(user: User, review_pk: Any, alert_pk: Any) -> tuple[Review, SafeguardingAlert]:
    """The team sees every alert of the review; anyone else only the alerts addressed to them."""
    review = get_review_for(user, review_pk, "view")
    alerts = SafeguardingAlert.objects.filter(review=review).select_related("case", "raised_by")
    if not can(user, "view_team_work", review):
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
