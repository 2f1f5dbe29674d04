"""The case list: page through it filtered and sorted, import a CSV or Excel list of cases, remove
cases before the draw, assign the selected cases, balance the assignments across the auditors."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from accounts.http import AuthenticatedHttpRequest
from audits.forms import CaseFilterForm, CaseListForm
from audits.models import Case, CaseType, SampleDraw, SampleStatus
from audits.services.case_list import (
    SORTS,
    TEMPLATE_HEADER,
    TEMPLATE_ROWS,
    CaseFilters,
    CaseListLocked,
    filtered_cases,
    import_cases,
    parse_case_list,
    plan_balance,
    reference_rule,
    remove_cases,
    teams_of,
)
from audits.services.sampling import assign_cases, auditors_of
from audits.views._shared import GET_POST
from core.exports import Sheet, xlsx_response
from core.http import bound_data, bound_files, whole_number
from reviews.permissions import get_review_for, review_context
from reviews.setup.models import Review
from trail.models import Event
from trail.services import record_read

CASES_PER_PAGE = 100  # a case list can hold tens of thousands of cases
_FILTER_KEYS = ("case_type", "team", "auditor", "state", "sort", "page")


def _filters(form: CaseFilterForm) -> CaseFilters:
    if not form.is_bound or not form.is_valid():
        return CaseFilters()
    data = form.cleaned_data
    return CaseFilters(
        case_type=data["case_type"] or "",
        team=data["team"] or "",
        auditor=data["auditor"] or "",
        state=data["state"] or "",
        sort=data["sort"] or "reference",
    )


def _sort_links(query: QueryDict, filters: CaseFilters) -> list[dict[str, str]]:
    """Each column's link: sorts by it (the other way when it is the sort already), keeping the
    filters; and its aria-sort."""
    links = []
    for key, (_column, label) in SORTS.items():
        here = filters.sort_key == key
        wanted = QueryDict(mutable=True)
        for name in ("case_type", "team", "auditor", "state"):
            value = query.get(name)
            if value:
                wanted[name] = str(value)
        wanted["sort"] = f"-{key}" if here and not filters.descending else key
        links.append(
            {
                "key": key,
                "label": label,
                "query": wanted.urlencode(),
                "aria_sort": ("descending" if filters.descending else "ascending")
                if here
                else "none",
            }
        )
    return links


def back_to_list(review: Review, back: str) -> str:
    """The case list with the filters it was sent from (only the list's own parameters kept)."""
    sent = QueryDict(back[:500])
    kept = QueryDict(mutable=True)
    for name in _FILTER_KEYS:
        if sent.get(name):
            kept[name] = sent[name][:60]
    url = reverse("audits:case-list", args=[review.pk])
    return f"{url}?{kept.urlencode()}" if kept else url


@require_safe
def case_list(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    review = get_review_for(request.user, pk, "view_case_list")
    record_read(request, Event.Action.CASE_LIST_VIEWED, review)
    auditors = auditors_of(review)
    form = CaseFilterForm(
        request.GET or None, teams=teams_of(review), auditors=auditors, auto_id="filter-%s"
    )
    filters = _filters(form)
    cases = filtered_cases(review, filters).select_related("assigned_to", "audit")
    page = Paginator(cases, CASES_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
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
            filter_form=form,
            filtered=any((filters.case_type, filters.team, filters.auditor, filters.state)),
            sort_links=_sort_links(request.GET, filters),
            query=f"{query.urlencode()}&" if query else "",
            auditors=auditors,
            drawn=SampleDraw.objects.filter(review=review).exists(),
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


@require_safe
def case_list_template(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """An Excel workbook with the columns a case list needs and two example rows."""
    get_review_for(request.user, pk, "upload_case_list")
    return xlsx_response(
        filename="case-list-template.xlsx",
        sheets=[
            Sheet(
                name="Case list",
                header=TEMPLATE_HEADER,
                rows=TEMPLATE_ROWS,
                widths=(18, 24, 12, 22, 24),
            )
        ],
    )


def _selected(request: AuthenticatedHttpRequest) -> list[int]:
    ids = [whole_number(v) for v in request.POST.getlist("cases")]
    return [n for n in ids if n is not None][:CASES_PER_PAGE]


@require_POST
def case_list_remove(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    review = get_review_for(request.user, pk, "upload_case_list")
    back = back_to_list(review, request.POST.get("back", ""))
    ids = _selected(request)
    if not ids:
        messages.error(request, "Select at least one case to remove from the list.")
        return redirect(back)
    try:
        removed = remove_cases(review=review, case_ids=ids, user=request.user)
    except CaseListLocked as error:
        messages.error(request, str(error))
        return redirect(back)
    messages.success(
        request, f"{removed} case{'s' if removed != 1 else ''} removed from the case list."
    )
    return redirect(back)


@require_POST
def case_list_assign(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Assign the selected cases of the sample to one auditor (or to nobody)."""
    review = get_review_for(request.user, pk, "manage_sample")
    back = back_to_list(review, request.POST.get("back", ""))
    ids = _selected(request)
    choice = request.POST.get("auditor", "")
    auditors = {u.pk: u for u in auditors_of(review)}
    auditor = whole_number(choice)
    auditor = auditor if auditor in auditors else None
    if not ids or (choice != "none" and auditor is None):
        messages.error(request, "Select at least one case and the auditor to assign it to.")
        return redirect(back)
    sampled = set(
        Case.objects.filter(
            review=review, pk__in=ids, sample_status=SampleStatus.SAMPLED
        ).values_list("pk", flat=True)
    )
    changed = assign_cases(
        review=review, assignments=dict.fromkeys(sampled, auditor), user=request.user
    )
    skipped = len(set(ids) - sampled)
    who = (auditors[auditor].full_name or auditors[auditor].email) if auditor else "nobody"
    messages.success(
        request,
        f"{changed} case{'s' if changed != 1 else ''} assigned to {who}."
        + (
            f" {skipped} selected case{'s are' if skipped != 1 else ' is'} not in the sample, "
            "so not assigned."
            if skipped
            else ""
        ),
    )
    return redirect(back)


@GET_POST
def case_list_balance(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Share the sample evenly across the auditors: the plan first, applied once confirmed."""
    review = get_review_for(request.user, pk, "manage_sample")
    balance = plan_balance(review)
    if request.method == "POST":
        if request.POST.get("plan") != balance.fingerprint:
            messages.error(
                request,
                "The sample or its assignments changed since you looked: check the new plan, "
                "then confirm again.",
            )
            return redirect("audits:case-list-balance", pk=review.pk)
        changed = assign_cases(review=review, assignments=dict(balance.moves), user=request.user)
        messages.success(
            request, f"Assignments balanced: {changed} case{'s' if changed != 1 else ''} moved."
        )
        return redirect("audits:home", pk=review.pk)
    return render(
        request, "audits/case_list_balance.html", review_context(request, review, balance=balance)
    )
