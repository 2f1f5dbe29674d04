"""Analysis: % met per criterion with the chart, the team's commentary, and the exports."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from accounts.http import AuthenticatedHttpRequest
from audits.forms import CommentaryForm
from audits.models import Criterion, CriterionCommentary
from audits.services.analysis import chart_bars, summarise
from audits.services.exports import export_table
from core.exports import Sheet, csv_response, download_name, xlsx_response
from core.http import bound_data, is_htmx, post_or_restored
from core.versioning import StaleEdit, rebind_conflict, update_versioned
from reviews.permissions import get_review_for, review_context
from reviews.setup.models import Review
from trail.models import Event
from trail.services import record_read


@require_safe
def analysis(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    review = get_review_for(request.user, pk, "view_team_work")
    return _render_analysis(request, review)


def _commentary_form(
    criterion: Criterion, data: Any = None, *, prefix: str | None = None
) -> CommentaryForm:
    """A criterion's commentary form; on the page every one is prefixed ``c<criterion pk>`` so that
    one form can hold them all (saved together without JavaScript, one by one with htmx)."""
    commentary = getattr(criterion, "commentary", None)
    return CommentaryForm(
        data,
        prefix=f"c{criterion.pk}" if prefix is None else prefix or None,
        initial={
            "text": commentary.text if commentary else "",
            "version": commentary.version if commentary else 1,
        },
    )


def _render_analysis(
    request: AuthenticatedHttpRequest,
    review: Review,
    *,
    forms: dict[int, CommentaryForm] | None = None,
    conflicts: dict[int, CriterionCommentary] | None = None,
) -> HttpResponse:
    summary = summarise(review)
    forms, conflicts = forms or {}, conflicts or {}
    for row in summary.rows:
        row.form = forms.get(row.criterion.pk) or _commentary_form(row.criterion)
        row.conflict = conflicts.get(row.criterion.pk)
    return render(
        request,
        "audits/analysis.html",
        review_context(
            request,
            review,
            summary=summary,
            bars=chart_bars(summary),
            chart_height=20 + 32 * len(summary.rows),
            has_errors=any(row.form is not None and row.form.errors for row in summary.rows),
        ),
    )


def _save_commentary(
    request: AuthenticatedHttpRequest, criterion: Criterion, form: CommentaryForm
) -> tuple[CriterionCommentary, CommentaryForm | None]:
    """Save a valid commentary form if it changes anything (version-checked): the commentary as it
    now stands, and on a conflict the form bound again to show both versions (None otherwise)."""
    commentary, _ = CriterionCommentary.objects.get_or_create(criterion=criterion)
    if form.cleaned_data["text"] == commentary.text:
        return commentary, None
    try:
        update_versioned(
            CriterionCommentary,
            pk=commentary.pk,
            version=form.cleaned_data["version"],
            values={"text": form.cleaned_data["text"], "updated_by": request.user},
        )
    except StaleEdit:
        current = CriterionCommentary.objects.select_related("updated_by").get(pk=commentary.pk)
        return current, rebind_conflict(CommentaryForm, form.data, current, prefix=form.prefix)
    return CriterionCommentary.objects.select_related("updated_by").get(pk=commentary.pk), None


def _criteria(review: Review) -> list[Criterion]:
    return list(
        Criterion.objects.filter(tool__review=review)
        .select_related("commentary")
        .order_by("number")
    )


@post_or_restored
def commentary_save_all(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Without JavaScript: save every criterion's commentary on the page, each with its own version
    check. One that someone else changed meanwhile (or that needs a check) is shown again with the
    words typed; the others are saved."""
    review = get_review_for(request.user, pk, "audit_cases")
    data = bound_data(request) or QueryDict()
    forms: dict[int, CommentaryForm] = {}
    conflicts: dict[int, CriterionCommentary] = {}
    shown = False
    with transaction.atomic():
        for criterion in _criteria(review):
            if f"c{criterion.pk}-version" not in data:
                continue  # not on the page that was sent
            form = _commentary_form(criterion, data)
            forms[criterion.pk] = form
            if request.method != "POST" or not form.is_valid():
                shown = True
                continue
            current, rebound = _save_commentary(request, criterion, form)
            if rebound is not None:
                conflicts[criterion.pk], forms[criterion.pk] = current, rebound
                shown = True
    if shown or request.method != "POST":
        return _render_analysis(request, review, forms=forms, conflicts=conflicts)
    messages.success(request, "The team commentary is saved.")
    return redirect(reverse("audits:analysis", args=[review.pk]) + "#team-commentary")


@post_or_restored
def commentary_save(request: AuthenticatedHttpRequest, pk: int, criterion_pk: int) -> HttpResponse:
    """One criterion's commentary: saved in place by htmx as it changes (only its version and
    "Saved" are swapped in, so nothing typed elsewhere on the page is touched)."""
    review = get_review_for(request.user, pk, "audit_cases")
    criterion = get_object_or_404(
        Criterion.objects.select_related("commentary"), pk=criterion_pk, tool__review=review
    )
    data = bound_data(request)
    # The page's fields are prefixed; a form sent from a page of before (one form per criterion)
    # is not.
    prefix = None if data is not None and f"c{criterion.pk}-version" in data else ""
    form = _commentary_form(criterion, data, prefix=prefix)
    if request.method != "POST":  # back from signing in: the analysis page with the words typed
        return _render_analysis(request, review, forms={criterion.pk: form})
    conflict = None
    if form.is_valid():
        current, rebound = _save_commentary(request, criterion, form)
        if rebound is None:
            if is_htmx(request):
                return render(
                    request,
                    "audits/partials/commentary_saved.html",
                    {"criterion": criterion, "commentary": current},
                )
            messages.success(request, f"Commentary on criterion {criterion.number} saved.")
            return redirect(
                reverse("audits:analysis", args=[review.pk]) + f"#commentary-{criterion.pk}"
            )
        conflict, form = current, rebound
    elif not form.personal_warning and not is_htmx(request):
        messages.error(request, "The commentary could not be saved. Try again.")
        return redirect("audits:analysis", pk=review.pk)
    if is_htmx(request):
        response = render(
            request,
            "audits/partials/commentary.html",
            {"review": review, "row": {"criterion": criterion, "form": form, "conflict": conflict}},
        )
        response["HX-Reswap"] = "outerHTML"  # show the warning or both versions in place
        return response
    return _render_analysis(
        request,
        review,
        forms={criterion.pk: form},
        conflicts={criterion.pk: conflict} if conflict else None,
    )


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
