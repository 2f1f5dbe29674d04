"""Evidence notes and findings: the team's pages during and after the review days.

Evidence notes are quick capture during the review days, tied to a session and key lines of enquiry:
the whole team sees each other's notes (``view_team_work``); lead reviewer and reviewers write them.
Findings are per key line of enquiry or overall (add, change, reorder, move, merge, agree, history):
lead reviewer and reviewers write them (``edit_findings``); the lead reviewer agrees them
(``agree_findings``). Host roles get 403 for both: they read findings in the letter. Inline add and
change use htmx (the partials), and every action works as a plain form without it.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.http import AuthenticatedHttpRequest
from core.http import bound_data, is_htmx, page_or_partial, paginate
from core.links import PkUrls
from core.versioning import StaleEdit, rebind_conflict
from reviews.fieldwork import services as work
from reviews.fieldwork.forms import EvidenceNoteForm, FindingForm, MergeForm, NoteFilterForm
from reviews.fieldwork.models import EvidenceNote, Finding, number_recommendations
from reviews.permissions import can, get_review_for, review_context, rights_for
from reviews.setup.models import Kloe, Review
from trail.models import Event


def finding_links(review_pk: int) -> PkUrls:
    """The links of each finding's actions on the findings page, one ``reverse()`` per name."""
    return PkUrls(
        review_pk,
        edit="reviews:finding-edit",
        reorder="reviews:finding-reorder",
        merge="reviews:finding-merge",
        agree="reviews:finding-agree",
        history="reviews:finding-history",
    )


def _finding(review: Review, pk: int) -> Finding:
    """A finding of this review (another review's finding: 404)."""
    return get_object_or_404(Finding.objects.select_related("kloe", "review"), review=review, pk=pk)


def _auto_id(finding: Finding) -> str:
    """Field ids of this finding's edit form: unique on the findings page, beside the add form."""
    return f"finding-{finding.pk}-%s"


def _list_url(review: Review, finding: Finding | None = None) -> str:
    url = reverse("reviews:findings", kwargs={"pk": review.pk})
    return f"{url}#finding-{finding.pk}" if finding else url


def build_sections(
    review: Review, findings: list[Finding], rights: dict[str, bool] | None = None
) -> list[dict[str, Any]]:
    """Overall first, then each key line of enquiry in order, each with its findings in order.

    With ``rights`` that allow working on findings, each finding gets the ``links`` of its actions.
    """
    kloes: list[Kloe] = review.numbered_kloes()
    by_kloe: dict[int | None, list[Finding]] = {}
    numbers = {k.pk: k for k in kloes}
    links = None
    if rights and (rights.get("edit_findings") or rights.get("agree_findings")):
        links = finding_links(review.pk)
    for finding in findings:
        if finding.kloe_id in numbers:
            finding.kloe = numbers[finding.kloe_id]
        if links:
            finding.links = links(finding.pk)
        by_kloe.setdefault(finding.kloe_id, []).append(finding)
    sections: list[dict[str, Any]] = [
        {"kloe": None, "label": "Overall", "findings": by_kloe.get(None, [])}
    ]
    sections += [{"kloe": k, "label": str(k), "findings": by_kloe.get(k.pk, [])} for k in kloes]
    ordered = [f for section in sections for f in section["findings"]]
    number_recommendations(ordered)
    return sections


def _page(
    request: AuthenticatedHttpRequest,
    review: Review,
    rights: dict[str, bool],
    form: FindingForm | None,
) -> dict[str, Any]:
    """What the findings page (and its part htmx replaces) shows."""
    items = list(Finding.objects.filter(review=review).for_page())
    return review_context(
        request,
        review,
        sections=build_sections(review, items, rights),
        count=len(items),
        form=form,
    )


@require_safe
def findings(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    review = get_review_for(request.user, pk, "view_team_work")
    rights = rights_for(request.user, review)
    # The add form is fetched when "Add a finding" is opened (finding_create), not built here.
    return render(request, "reviews/findings.html", _page(request, review, rights, None))


@require_http_methods(["GET", "HEAD", "POST"])
def finding_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    review = get_review_for(request.user, pk, "edit_findings")
    rights = rights_for(request.user, review)
    initial = {}
    if request.GET.get("kloe", "").isdigit():
        initial["kloe"] = request.GET["kloe"]
    form = FindingForm(
        bound_data(request), review=review, may_agree=rights["agree_findings"], initial=initial
    )
    if request.method == "POST" and form.is_valid():
        finding = work.create_finding(
            review=review, data=form.cleaned_data, author=request.user, request=request
        )
        if not is_htmx(request):
            messages.success(request, "Finding added.")
            return redirect(_list_url(review, finding))
        # Added in place: the list again, with "Add a finding" closed.
        return render(
            request, "reviews/partials/findings_body.html", _page(request, review, rights, None)
        )
    if is_htmx(request) and request.method == "POST":  # mistakes: the form open, words kept
        return render(
            request, "reviews/partials/findings_body.html", _page(request, review, rights, form)
        )
    if is_htmx(request):  # "Add a finding" opened on the findings page
        return render(
            request,
            "reviews/partials/finding_add_form.html",
            review_context(request, review, form=form),
        )
    return render(
        request,
        "reviews/finding_form.html",
        review_context(request, review, form=form, creating=True),
    )


@require_http_methods(["GET", "HEAD", "POST"])
def finding_edit(request: AuthenticatedHttpRequest, pk: int, finding: int) -> HttpResponse:
    review = get_review_for(request.user, pk, "edit_findings")
    rights = rights_for(request.user, review)
    item = _finding(review, finding)
    form = FindingForm(
        bound_data(request),
        instance=item,
        review=review,
        may_agree=rights["agree_findings"],
        auto_id=_auto_id(item),
    )
    latest = None
    if request.method == "POST" and form.is_valid():
        try:
            item = work.update_finding(
                finding=item,
                version=form.cleaned_data["version"],
                data=form.cleaned_data,
                request=request,
            )
        except StaleEdit:
            item = latest = _finding(review, item.pk)
            form = rebind_conflict(
                FindingForm,
                form.data,
                latest,
                review=review,
                may_agree=rights["agree_findings"],
                auto_id=_auto_id(latest),
            )
        else:
            if is_htmx(request):
                return _finding_partial(request, review, item, rights)
            messages.success(request, "Finding saved.")
            return redirect(_list_url(review, item))
    return page_or_partial(
        request,
        "reviews/finding_form.html",
        "reviews/partials/finding_edit.html",
        review_context(
            request,
            review,
            form=form,
            finding=item,
            latest=latest,
        ),
    )


def _finding_partial(
    request: AuthenticatedHttpRequest, review: Review, finding: Finding, rights: dict[str, bool]
) -> HttpResponse:
    # The whole list, for the finding's recommendation number; then the finding from it.
    items = list(Finding.objects.filter(review=review).for_page())
    build_sections(review, items, rights)
    finding = next(item for item in items if item.pk == finding.pk)
    return render(
        request,
        "reviews/partials/finding.html",
        review_context(request, review, finding=finding),
    )


@require_POST
def finding_delete(request: AuthenticatedHttpRequest, pk: int, finding: int) -> HttpResponse:
    review = get_review_for(request.user, pk, "edit_findings")
    item = _finding(review, finding)
    if request.POST.get("version") != str(item.version):
        # Never delete words someone changed after this person last saw them.
        messages.info(
            request,
            "This finding was changed since you opened it, so it was not deleted: check it.",
        )
        return redirect(_list_url(review, item))
    work.delete_finding(finding=item, request=request)
    messages.success(request, "Finding deleted.")
    return redirect(_list_url(review))


@require_POST
def finding_agree(request: AuthenticatedHttpRequest, pk: int, finding: int) -> HttpResponse:
    review = get_review_for(request.user, pk, "agree_findings")
    item = _finding(review, finding)
    agreed = request.POST.get("agreed", "yes") != "no"
    work.set_agreed(finding=item, agreed=agreed, by=request.user, request=request)
    messages.success(request, "Finding agreed." if agreed else "Finding back to draft.")
    return redirect(_list_url(review, item))


@require_POST
def finding_reorder(request: AuthenticatedHttpRequest, pk: int, finding: int) -> HttpResponse:
    review = get_review_for(request.user, pk, "edit_findings")
    item = _finding(review, finding)
    up = request.POST.get("direction") != "down"
    if work.reorder_finding(finding=item, up=up, request=request):
        messages.success(request, "Finding moved up." if up else "Finding moved down.")
    else:
        messages.info(request, "That finding is already at the " + ("top." if up else "bottom."))
    return redirect(_list_url(review, item))


@require_http_methods(["GET", "HEAD", "POST"])
def finding_merge(request: AuthenticatedHttpRequest, pk: int, finding: int) -> HttpResponse:
    review = get_review_for(request.user, pk, "edit_findings")
    item = _finding(review, finding)
    form = MergeForm(bound_data(request), finding=item)
    if request.method == "POST" and form.is_valid():
        into = work.merge_findings(finding=item, into=form.cleaned_data["other"], request=request)
        messages.success(request, "Findings merged. Check the merged words, then save.")
        return redirect("reviews:finding-edit", pk=review.pk, finding=into.pk)
    return render(
        request,
        "reviews/finding_merge.html",
        review_context(request, review, form=form, finding=item),
    )


@require_safe
def finding_history(request: AuthenticatedHttpRequest, pk: int, finding: int) -> HttpResponse:
    """Every change to a finding, from the audit trail, for the lead reviewer."""
    review = get_review_for(request.user, pk, "agree_findings")
    item = _finding(review, finding)
    events = Event.objects.filter(
        action=Event.Action.FINDING_CHANGED,
        object_type=Finding._meta.label,
        object_id=str(item.pk),
        review_id=review.pk,
    ).order_by("-at", "-pk")
    return render(
        request,
        "reviews/finding_history.html",
        review_context(
            request,
            review,
            finding=item,
            events=events,
            may_edit=can(request.user, "edit_findings", review),
        ),
    )


def _notes_url(review: Review) -> str:
    return reverse("reviews:notes", kwargs={"pk": review.pk})


@require_safe
def notes(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
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
    page, query = paginate(request, items, 50)
    numbers = {k.pk: k.number for k in review.numbered_kloes()}
    for note in page:
        for kloe in note.kloes.all():
            kloe.number = numbers.get(kloe.pk, "")
    return render(
        request,
        "reviews/notes.html",
        review_context(
            request,
            review,
            filters=filters,
            page=page,
            query=query,
        ),
    )


@require_http_methods(["GET", "HEAD", "POST"])
def note_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
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
def note_edit(request: AuthenticatedHttpRequest, pk: int, note: int) -> HttpResponse:
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
