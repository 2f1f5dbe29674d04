"""The review's audits home: progress across the sample for the team; shared audits and alerts
for the host."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from accounts.http import AuthenticatedHttpRequest
from audits.models import Case, CaseAudit, SampleStatus
from audits.services.sampling import auditors_of
from audits.services.tools import review_tool
from audits.views._shared import _alerts_for
from core.links import PkUrls
from reviews.permissions import get_review_for_case, is_case_scoped, review_context, rights_for
from reviews.setup.models import Role


@require_safe
def audits_home(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Progress across the sample for the team; shared audits and alerts for the host."""
    review = get_review_for_case(request.user, pk, "view")
    if is_case_scoped(request.user, review):
        # A partner auditor's or moderating peer's home on an authority's own audit (issue 23).
        if review.role_of(request.user) == Role.PARTNER_AUDITOR:
            return redirect("audits:your-cases", pk=review.pk)
        return redirect("audits:agreement", pk=review.pk)
    rights = rights_for(request.user, review)
    context = review_context(request, review, tool=review_tool(review))
    if rights["view_team_work"]:
        sample = list(
            Case.objects.filter(review=review)
            .sampled()
            .select_related("assigned_to", "audit__auditor", "audit__moderation")
            .annotate(
                answered=Count("audit__answers", filter=~Q(audit__answers__answer="")),
                criteria=Count("audit__answers"),
            )
            .order_by("reference")
        )
        links = PkUrls(review.pk, audit="audits:case-audit")
        for case in sample:
            case.audit_url = links(case.pk)["audit"]  # type: ignore[attr-defined]  # for the page
        context["sample"] = sample
        context["progress"] = _progress(sample)
        context["reserves"] = Case.objects.filter(
            review=review, sample_status=SampleStatus.RESERVE
        ).count()
        context["auditors"] = auditors_of(review) if rights["manage_sample"] else []
        context["auditor_choices"] = [(u.pk, u.full_name) for u in context["auditors"]]
        context["last_draw"] = review.sample_draws.select_related("drawn_by").first()
    else:
        context["shared"] = (
            CaseAudit.objects.for_review(review)
            .filter(shared_with_host=True)
            .select_related("case")
            .order_by("case__reference")
        )
    context["alerts"] = list(_alerts_for(request, review))
    return render(request, "audits/home.html", context)


def _progress(sample: list[Case]) -> dict[str, Any]:
    by_person: dict[str, dict[str, int]] = {}
    totals = {"not_started": 0, "in_progress": 0, "complete": 0}
    for case in sample:
        audit = getattr(case, "audit", None)
        status = audit.status if audit else "not_started"
        totals[status] = totals.get(status, 0) + 1
        name = case.assigned_to.full_name if case.assigned_to else "Not assigned"
        person = by_person.setdefault(name, {"not_started": 0, "in_progress": 0, "complete": 0})
        person[status] = person.get(status, 0) + 1
    return {"totals": totals, "by_person": sorted(by_person.items()), "count": len(sample)}
