"""The audit tool library (coordinators): list, read, copy and edit tools and their criteria."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST, require_safe

from accounts.http import AuthenticatedHttpRequest
from audits.forms import CriterionForm, ToolForm
from audits.models import AuditTool, Criterion
from audits.permissions import get_tool_for, manages_tools
from audits.views._shared import GET_POST
from core.http import bound_data


def _tools_allowed(request: AuthenticatedHttpRequest) -> None:
    if not manages_tools(request.user):
        raise PermissionDenied("Only coordinators keep audit tools.")


@require_safe
def tool_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    _tools_allowed(request)
    tools = (
        AuditTool.objects.visible_to(request.user)
        .annotate(n=Count("criteria"))
        .select_related("organisation")
    )
    return render(request, "audits/tools.html", {"tools": tools})


@require_safe
def tool_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    tool = get_tool_for(request.user, pk)
    return render(
        request,
        "audits/tool.html",
        {
            "tool": tool,
            "criteria": tool.criteria.all(),
            "editable": tool.may_be_edited_by(request.user),
        },
    )


@require_POST
def tool_copy(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    tool = get_tool_for(request.user, pk)
    if request.user.organisation is None:
        raise PermissionDenied("You need an organisation to keep a copy of a tool.")
    copy = tool.copy(name=f"Copy of {tool.name}"[:200], organisation=request.user.organisation)
    messages.success(request, f"“{copy.name}” is your organisation's copy: edit it as you need.")
    return redirect("audits:tool", pk=copy.pk)


@GET_POST
def tool_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    tool = get_tool_for(request.user, pk, edit=True)
    form = ToolForm(bound_data(request), instance=tool)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(
            request, "The tool is saved. Reviews that already use it keep their own copy."
        )
        return redirect("audits:tool", pk=tool.pk)
    return render(request, "audits/tool_form.html", {"tool": tool, "form": form})


@GET_POST
def criterion_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    tool = get_tool_for(request.user, pk, edit=True)
    last = tool.criteria.order_by("-number").values_list("number", flat=True).first() or 0
    form = CriterionForm(
        bound_data(request), instance=Criterion(tool=tool), initial={"number": last + 1}
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Criterion added.")
        return redirect("audits:tool", pk=tool.pk)
    return render(
        request, "audits/criterion_form.html", {"tool": tool, "form": form, "adding": True}
    )


@GET_POST
def criterion_edit(request: AuthenticatedHttpRequest, pk: int, criterion_pk: int) -> HttpResponse:
    tool = get_tool_for(request.user, pk, edit=True)
    criterion = get_object_or_404(Criterion, pk=criterion_pk, tool=tool)
    form = CriterionForm(bound_data(request), instance=criterion)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"Criterion {criterion.number} saved.")
        return redirect("audits:tool", pk=tool.pk)
    return render(
        request, "audits/criterion_form.html", {"tool": tool, "form": form, "adding": False}
    )


@require_POST
def criterion_delete(request: AuthenticatedHttpRequest, pk: int, criterion_pk: int) -> HttpResponse:
    tool = get_tool_for(request.user, pk, edit=True)
    criterion = get_object_or_404(Criterion, pk=criterion_pk, tool=tool)
    criterion.delete()
    messages.success(request, f"Criterion {criterion.number} removed.")
    return redirect("audits:tool", pk=tool.pk)
