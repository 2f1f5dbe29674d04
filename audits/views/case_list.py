"""The case list: page through it, and import a CSV of cases."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from accounts.http import AuthenticatedHttpRequest
from audits.forms import CaseListForm
from audits.models import Case, CaseType, SampleStatus
from audits.services.case_list import import_cases, parse_case_list, reference_rule
from audits.views._shared import GET_POST
from core.http import bound_data, bound_files
from reviews.permissions import get_review_for, review_context
from trail.models import Event
from trail.services import record_read

CASES_PER_PAGE = 100  # a case list can hold tens of thousands of cases


@require_safe
def case_list(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    review = get_review_for(request.user, pk, "view_case_list")
    record_read(request, Event.Action.CASE_LIST_VIEWED, review)
    cases = (
        Case.objects.filter(review=review)
        .select_related("assigned_to", "audit")
        .order_by("reference", "pk")
    )
    page = Paginator(cases, CASES_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "audits/case_list.html",
        review_context(
            request,
            review,
            cases=page,
            page=page,
            page_numbers=page.paginator.get_elided_page_range(page.number, on_each_side=2),
            statuses=SampleStatus,
        ),
    )


@GET_POST
def case_list_import(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Check every row; import nothing when any is wrong, unless asked to import the valid rows."""
    review = get_review_for(request.user, pk, "upload_case_list")
    form = CaseListForm(bound_data(request), bound_files(request))
    parsed = None
    if request.method == "POST" and form.is_valid():
        parsed = parse_case_list(review=review, text=form.cleaned_data["text"])
        import_valid = request.POST.get("import_valid") == "yes"
        if not parsed.errors or (import_valid and parsed.valid_rows):
            try:
                count = import_cases(review=review, rows=parsed.valid_rows)
            except IntegrityError:
                messages.error(
                    request,
                    "Someone added some of these references at the same moment, so nothing was "
                    "imported. Check the list again.",
                )
                return redirect("audits:case-list-import", pk=review.pk)
            skipped = len(parsed.error_lines - {0})
            messages.success(
                request,
                f"{count} case{'s' if count != 1 else ''} added to the case list"
                + (
                    f"; {skipped} row{'s' if skipped != 1 else ''} with errors left out."
                    if skipped
                    else "."
                ),
            )
            return redirect("audits:case-list", pk=review.pk)
        # Keep what was uploaded so that the valid rows can be imported without uploading again.
        form = CaseListForm(initial={"text": form.cleaned_data["text"]})
    _pattern, rule = reference_rule(review)
    return render(
        request,
        "audits/case_list_import.html",
        review_context(request, review, form=form, parsed=parsed, rule=rule, case_types=CaseType),
    )
