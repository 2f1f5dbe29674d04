"""Search within a review: evidence notes, findings and case audit comments (the team only)."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from accounts.http import AuthenticatedHttpRequest
from audits.forms import SearchForm
from audits.services.search import Filters, full_text, search
from reviews.permissions import get_review_for, review_context


@require_safe
def review_search(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    review = get_review_for(request.user, pk, "view_team_work")
    form = SearchForm(request.GET or None, review=review)
    filters = Filters()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = Filters(
            query=data["q"] or "",
            kloe=data["kloe"] if data["kloe"] != "" else None,
            session=data["session"] if data["session"] != "" else None,
            author=data["author"] if data["author"] != "" else None,
            kind=data["kind"] or "",
            status=data["status"] or "",
        )
    page = search(
        user=request.user, review=review, filters=filters, page_number=request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audits/search.html",
        review_context(
            request,
            review,
            form=form,
            filters=filters,
            page=page,
            query=query.urlencode(),
            full_text=full_text(),
        ),
    )
