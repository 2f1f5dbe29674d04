"""The audit tool a review uses: the shipped tools, and the review's own copy of one."""

from __future__ import annotations

from django.db import transaction

from audits.default_tools import ASSESSMENT_QUALITY, FRONT_DOOR, install_default_tools
from audits.models import AuditTool, CaseAudit, Criterion
from reviews.setup.models import Review


class ToolLocked(Exception):
    """The review's audits have started: its tool can no longer be changed."""


@transaction.atomic
def choose_tool(*, review: Review, tool: AuditTool) -> AuditTool:
    """Give the review its own copy of ``tool``. Refused once any case audit has started."""
    if CaseAudit.objects.for_review(review).exists():
        raise ToolLocked("Case audits have started, so the review's audit tool cannot change.")
    AuditTool.objects.filter(review=review).delete()
    return tool.copy(review=review)


SEED_002_TOOL = ASSESSMENT_QUALITY["name"]
FRONT_DOOR_TOOL = FRONT_DOOR["name"]


def shipped_tool(name: str = SEED_002_TOOL) -> AuditTool:
    """A tool shipped with the service (added by migration; added again if a test flushed it)."""
    tool = AuditTool.objects.filter(name=name, organisation=None, review=None).first()
    if tool is None:
        install_default_tools(AuditTool, Criterion)
        tool = AuditTool.objects.get(name=name, organisation=None, review=None)
    return tool


def review_tool(review: Review) -> AuditTool | None:
    return AuditTool.objects.filter(review=review).first()
