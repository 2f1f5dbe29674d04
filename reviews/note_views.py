"""Evidence notes: quick capture during the review days, tied to a session and key lines of enquiry.

The whole team sees each other's notes (``view_team_work``); lead reviewer and reviewers write them.
Host roles never see them (403).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from core.http import bound_data, page_or_partial
from core.versioning import StaleEdit, rebind_conflict
from reviews import work
from reviews.models import EvidenceNote, Review
from reviews.permissions import get_review_for, review_context
from reviews.work_forms import EvidenceNoteForm, NoteFilterForm


def _notes_url(review: Review) -> str:
    return reverse("reviews:notes", kwargs={"pk": review.pk})


@require_safe
def notes(request: HttpRequest, pk: int) -> HttpResponse:
    review = get_review_for(request.user, pk, "view_team_work")
    filters = NoteFilterForm(request.GET or None, review=review)
    items = (
        EvidenceNote.objects.filter(review=review)
        .select_related("author", "session__day")
        .prefetch_related("kloes")
    )
    if filters.is_bound and filters.is_valid():
        data = filters.cleaned_data
        if data.get("kloe"):
            items = items.filter(kloes=data["kloe"])
        if data.get("session"):
            items = items.filter(session_id=data["session"])
        if data.get("author"):
            items = items.filter(author_id=data["author"])
    page = Paginator(items, 50).get_page(request.GET.get("page"))
    numbers = {k.pk: k.number for k in review.numbered_kloes()}
    for note in page:
        for kloe in note.kloes.all():
            kloe.number = numbers.get(kloe.pk, "")
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "reviews/notes.html",
        review_context(
            request,
            review,
            filters=filters,
            page=page,
            query=query.urlencode(),
        ),
    )


@require_http_methods(["GET", "HEAD", "POST"])
def note_create(request: HttpRequest, pk: int) -> HttpResponse:
    review = get_review_for(request.user, pk, "edit_findings")
    initial = {}
    if request.GET.get("session", "").isdigit():
        initial["session"] = request.GET["session"]
    form = EvidenceNoteForm(bound_data(request), review=review, initial=initial)
    if request.method == "POST" and form.is_valid():
        work.create_note(review=review, data=form.cleaned_data, author=request.user)
        messages.success(request, "Evidence note added.")
        return redirect(_notes_url(review))
    return page_or_partial(  # opened in place on the notes page (htmx), or as a page of its own
        request,
        "reviews/note_form.html",
        "reviews/partials/note_add_form.html",
        review_context(request, review, form=form),
    )


@require_http_methods(["GET", "HEAD", "POST"])
def note_edit(request: HttpRequest, pk: int, note: int) -> HttpResponse:
    review = get_review_for(request.user, pk, "edit_findings")
    item = get_object_or_404(EvidenceNote, review=review, pk=note)
    form = EvidenceNoteForm(bound_data(request), instance=item, review=review)
    latest = None
    if request.method == "POST" and form.is_valid():
        try:
            work.update_note(
                note=item, version=form.cleaned_data["version"], data=form.cleaned_data
            )
        except StaleEdit:
            latest = get_object_or_404(EvidenceNote, review=review, pk=note)
            form = rebind_conflict(EvidenceNoteForm, form.data, latest, review=review)
        else:
            messages.success(request, "Evidence note saved.")
            return redirect(_notes_url(review))
    return render(
        request,
        "reviews/note_form.html",
        review_context(
            request,
            review,
            form=form,
            note=item,
            latest=latest,
        ),
    )
