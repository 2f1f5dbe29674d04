"""Analysis: % met per criterion with the chart, the team's commentary, and the exports."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from accounts.http import AuthenticatedHttpRequest
from audits.forms import CommentaryForm
from audits.models import Criterion, CriterionCommentary
from audits.services.analysis import chart_bars, summarise
from audits.services.exports import export_table
from core.exports import Sheet, csv_response, download_name, xlsx_response
from core.http import bound_data, post_or_restored
from core.versioning import StaleEdit, rebind_conflict, update_versioned
from reviews.permissions import get_review_for, review_context
from reviews.setup.models import Review
from trail.models import Event
from trail.services import record_read


@require_safe
def analysis(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    review = get_review_for(request.user, pk, "view_team_work")
    return _render_analysis(request, review)


def _render_analysis(
    request: AuthenticatedHttpRequest,
    review: Review,
    *,
    criterion_pk: int | None = None,
    form: CommentaryForm | None = None,
) -> HttpResponse:
    summary = summarise(review)
    for row in summary.rows:
        row.form = form if row.criterion.pk == criterion_pk else None
    return render(
        request,
        "audits/analysis.html",
        review_context(
            request,
            review,
            summary=summary,
            bars=chart_bars(summary),
            chart_height=20 + 32 * len(summary.rows),
            form=form,
        ),
    )


@post_or_restored
def commentary_save(request: AuthenticatedHttpRequest, pk: int, criterion_pk: int) -> HttpResponse:
    review = get_review_for(request.user, pk, "audit_cases")
    criterion = get_object_or_404(Criterion, pk=criterion_pk, tool__review=review)
    form = CommentaryForm(bound_data(request))
    if request.method != "POST":  # back from signing in: the analysis page with the words typed
        return _render_analysis(request, review, criterion_pk=criterion.pk, form=form)
    if not form.is_valid():
        if form.personal_warning:
            return _render_analysis(request, review, criterion_pk=criterion.pk, form=form)
        messages.error(request, "The commentary could not be saved. Try again.")
        return redirect("audits:analysis", pk=review.pk)
    commentary, _ = CriterionCommentary.objects.get_or_create(criterion=criterion)
    try:
        update_versioned(
            CriterionCommentary,
            pk=commentary.pk,
            version=form.cleaned_data["version"],
            values={"text": form.cleaned_data["text"], "updated_by": request.user},
        )
    except StaleEdit:
        current = CriterionCommentary.objects.get(pk=commentary.pk)
        form = rebind_conflict(CommentaryForm, form.data, current)
        return _render_analysis(request, review, criterion_pk=criterion.pk, form=form)
    messages.success(request, f"Commentary on criterion {criterion.number} saved.")
    return redirect(reverse("audits:analysis", args=[review.pk]) + f"#commentary-{criterion.pk}")


@require_safe
def export(request: AuthenticatedHttpRequest, pk: int, table: str, fmt: str) -> HttpResponse:
    review = get_review_for(request.user, pk, "view_team_work")
    if table not in ("summary", "matrix") or fmt not in ("csv", "xlsx"):
        raise Http404("No such export")
    headers, rows = export_table(review, table)
    record_read(request, Event.Action.CASE_AUDITS_EXPORTED, review, table=table, format=fmt)
    name = download_name(review, f"case-audit-{table}", fmt)
    if fmt == "csv":
        return csv_response(filename=name, header=headers, rows=rows)
    return xlsx_response(
        filename=name, sheets=[Sheet(name=table.title(), header=headers, rows=rows)]
    )
