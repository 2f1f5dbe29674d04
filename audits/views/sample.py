"""Setting up a review's audits: the reference rule, the audit tool, and the sample (draw, pick
by hand, assign to auditors)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.http import AuthenticatedHttpRequest
from audits.forms import ReferenceRuleForm, SampleDrawForm, ToolChoiceForm
from audits.models import AuditPlan, AuditTool, Case, CaseAudit, SampleDraw, SampleStatus
from audits.services import tools as tool_services
from audits.services.sampling import SampleLocked, assign_cases, draw_sample, set_sample_status
from audits.views._shared import GET_POST
from audits.views.case_list import back_to_list
from core.http import bound_data, whole_number
from reviews.permissions import get_review_for, review_context
from reviews.setup.models import Review


@GET_POST
def audit_settings(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    review = get_review_for(request.user, pk, "manage_sample")
    plan = AuditPlan.objects.filter(review=review).first() or AuditPlan(review=review)
    form = ReferenceRuleForm(bound_data(request), instance=plan)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "The reference rule is saved.")
        return redirect("audits:settings", pk=review.pk)
    return _render_settings(request, review, form=form)


def _render_settings(
    request: AuthenticatedHttpRequest, review: Review, **forms: Any
) -> HttpResponse:
    tool = tool_services.review_tool(review)
    tools = AuditTool.objects.visible_to(request.user)
    forms.setdefault(
        "form",
        ReferenceRuleForm(
            instance=AuditPlan.objects.filter(review=review).first() or AuditPlan(review=review)
        ),
    )
    forms.setdefault(
        "tool_form",
        ToolChoiceForm(tools=tools, initial={"tool": tool.copied_from_id if tool else None}),
    )
    return render(
        request,
        "audits/settings.html",
        review_context(
            request,
            review,
            tool=tool,
            criteria=tool.criteria.all() if tool else [],
            locked=CaseAudit.objects.for_review(review).exists(),
            **forms,
        ),
    )


@require_POST
def choose_tool(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    review = get_review_for(request.user, pk, "manage_sample")
    tool_form = ToolChoiceForm(
        bound_data(request), tools=AuditTool.objects.visible_to(request.user)
    )
    if tool_form.is_valid():
        try:
            tool_services.choose_tool(review=review, tool=tool_form.cleaned_data["tool"])
        except tool_services.ToolLocked as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "The review now uses its own copy of this audit tool.")
        return redirect("audits:settings", pk=review.pk)
    return _render_settings(request, review, tool_form=tool_form)


@GET_POST
def sample_draw(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    review = get_review_for(request.user, pk, "manage_sample")
    form = SampleDrawForm(bound_data(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            draw = draw_sample(
                review=review,
                method=data["method"],
                size=data.get("size") or 0,
                per_type=form.per_type,
                reserves=data.get("reserves") or 0,
                seed=data.get("seed"),
                user=request.user,
            )
        except SampleLocked as error:
            messages.error(request, str(error))
            return redirect("audits:home", pk=review.pk)
        messages.success(
            request,
            f"{len(draw.drawn)} cases drawn ({len(draw.reserved)} reserves) with draw number {draw.seed}.",
        )
        return redirect("audits:home", pk=review.pk)
    return render(
        request,
        "audits/sample_draw.html",
        review_context(
            request,
            review,
            form=form,
            population=Case.objects.filter(review=review).count(),
            draws=review.sample_draws.select_related("drawn_by")[:10],
            methods=SampleDraw.Method,
        ),
    )


@require_POST
def sample_pick(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    review = get_review_for(request.user, pk, "manage_sample")
    action = request.POST.get("action")
    statuses = {
        "sample": SampleStatus.SAMPLED,
        "reserve": SampleStatus.RESERVE,
        "remove": SampleStatus.NOT_SAMPLED,
    }
    ids = [n for v in request.POST.getlist("cases") if (n := whole_number(v)) is not None]
    back = back_to_list(review, request.POST.get("back", ""))  # the list as filtered and sorted
    if action not in statuses or not ids:
        messages.error(request, "Select at least one case, then choose what to do with them.")
        return redirect(back)
    changed = set_sample_status(
        review=review, case_ids=ids, status=statuses[action], user=request.user
    )
    messages.success(request, f"{changed} case{'s' if changed != 1 else ''} updated.")
    return redirect(back)


@require_POST
def sample_assign(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    review = get_review_for(request.user, pk, "manage_sample")
    assignments: dict[int, int | None] = {}
    for key, value in request.POST.dict().items():  # each name's last value
        case = whole_number(key.removeprefix("assign-")) if key.startswith("assign-") else None
        if case is not None:
            assignments[case] = whole_number(value)
    changed = assign_cases(review=review, assignments=assignments, user=request.user)
    messages.success(request, f"{changed} assignment{'s' if changed != 1 else ''} changed.")
    return redirect("audits:home", pk=review.pk)
