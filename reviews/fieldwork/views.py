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
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.http import AuthenticatedHttpRequest
from core.http import bound_data, is_htmx, page_or_partial, paginate, whole_number
from core.links import PkUrls
from core.versioning import StaleEdit, rebind_conflict
from reviews.fieldwork import services as work
from reviews.fieldwork.forms import EvidenceNoteForm, FindingForm, MergeForm, NoteFilterForm
from reviews.fieldwork.models import EvidenceNote, Finding, number_recommendations
from reviews.permissions import can, get_review_for, review_context, rights_for
from reviews.schedule.models import Session
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
    sections = build_sections(review, items, rights)
    for section in sections:
        section["drafts"] = sum(1 for f in section["findings"] if not f.is_agreed)
        section["scope"] = section["kloe"].pk if section["kloe"] else "overall"
    agreed = sum(1 for f in items if f.is_agreed)
    return review_context(
        request,
        review,
        sections=sections,
        count=len(items),
        agreed=agreed,
        drafts=len(items) - agreed,
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
    if (kloe := whole_number(request.GET.get("kloe"))) is not None:
        initial["kloe"] = kloe
    form = FindingForm(
        bound_data(request),
        review=review,
        may_agree=rights["agree_findings"],
        initial=initial,
        notes_query=_notes_query(request),
    )
    if _searching(request):  # "Find notes": the form again as typed, its notes filtered
        form.hold_errors()
        if is_htmx(request):
            return render(
                request,
                "reviews/partials/findings_body.html",
                _page(request, review, rights, form),
            )
    elif request.method == "POST" and form.is_valid():
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
        notes_query=_notes_query(request),
    )
    latest = None
    if _searching(request):  # "Find notes": the form again as typed, its notes filtered
        form.hold_errors()
    elif request.method == "POST" and form.is_valid():
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


def _searching(request: AuthenticatedHttpRequest) -> bool:
    return request.method == "POST" and "find_notes" in request.POST


def _notes_query(request: AuthenticatedHttpRequest) -> str:
    if not _searching(request) or request.POST.get("find_notes") == "all":
        return ""
    return str(request.POST.get("notes_query", ""))


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


def _agree_scope(review: Review, value: str) -> tuple[int | str | None, str]:
    """``?scope=`` of "Agree all": "all", "overall" or a key line of enquiry of this review (404
    otherwise), and how the page names it."""
    if value == "overall":
        return None, "overall"
    if (wanted := whole_number(value)) is not None:
        kloe = next((k for k in review.numbered_kloes() if k.pk == wanted), None)
        if kloe is not None:
            return kloe.pk, str(kloe)
    if value in ("", "all"):
        return "all", "all key lines of enquiry and overall"
    raise Http404("No such key line of enquiry")


def _seen_versions(post: QueryDict) -> dict[int, int]:
    """The findings the confirmation page showed, as ``pk:version`` (anything else is ignored)."""
    seen: dict[int, int] = {}
    for value in post.getlist("seen")[:1000]:
        pk, _, version = str(value).partition(":")
        finding, seen_version = whole_number(pk), whole_number(version)
        if finding is not None and seen_version is not None:
            seen[finding] = seen_version
    return seen


@require_http_methods(["GET", "HEAD", "POST"])
def finding_agree_all(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Agree every draft finding of a key line of enquiry (or all of them) after one confirmation
    page. The page lists the drafts with the versions shown; the POST agrees only those, and says
    which were changed (or added) since, rather than agreeing words nobody checked."""
    review = get_review_for(request.user, pk, "agree_findings")
    source = request.POST if request.method == "POST" else request.GET
    kloe, label = _agree_scope(review, str(source.get("scope", "all")))
    scope = work.drafts_in_scope(review, kloe)
    if request.method == "POST":
        result = work.agree_all(
            review=review,
            kloe=kloe,
            seen=_seen_versions(request.POST),
            by=request.user,
            request=request,
        )
        n = len(result.agreed)
        messages.success(request, f"{n} finding{'' if n == 1 else 's'} agreed ({label}).")
        if result.changed or result.added:
            left = result.changed + result.added
            messages.info(
                request,
                f"{left} finding{' was' if left == 1 else 's were'} changed or added since you "
                "opened the confirmation page, so not agreed: check "
                f"{'it' if left == 1 else 'them'} below.",
            )
        return redirect(_list_url(review))
    items = list(Finding.objects.filter(scope).for_page())
    numbered = {k.pk: k for k in review.numbered_kloes()}
    for item in items:
        if item.kloe_id in numbered:
            item.kloe = numbered[item.kloe_id]
    return render(
        request,
        "reviews/finding_agree_all.html",
        review_context(
            request,
            review,
            drafts=items,
            scope="overall" if kloe is None else kloe,
            label=label,
        ),
    )


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
    """Two steps: choose the finding to merge with; then check and change the merged words (both
    findings' words, one after the other, to start with). Nothing is saved before the second step,
    and only if neither finding was saved by someone else in between."""
    review = get_review_for(request.user, pk, "edit_findings")
    item = _finding(review, finding)
    data = bound_data(request)
    editing = data is not None and "text" in data
    form = MergeForm(data, finding=item, editing=editing)
    into: Finding | None = None
    if request.method == "POST" and form.is_valid():
        into = form.cleaned_data["other"]
        if not editing:  # step two: the merged words to check, nothing saved yet
            form = MergeForm(
                None,
                finding=item,
                editing=True,
                initial={
                    "other": into.pk,
                    "text": work.merged_text(item, into),
                    "version": item.version,
                    "other_version": into.version,
                },
            )
        else:
            versions = (form.cleaned_data["version"], form.cleaned_data["other_version"])
            try:
                into = work.merge_findings(
                    finding=item,
                    into=into,
                    text=form.cleaned_data["text"],
                    versions=versions,  # a missing version (None) is refused as stale
                    request=request,
                )
            except StaleEdit:
                messages.info(
                    request,
                    "One of these findings was changed since you started merging, so nothing "
                    "was merged: their words are below as they are now. Check them, then merge.",
                )
                item = _finding(review, item.pk)
                into = _finding(review, into.pk)
                form = MergeForm(
                    None,
                    finding=item,
                    editing=True,
                    initial={
                        "other": into.pk,
                        "text": form.cleaned_data["text"],
                        "version": item.version,
                        "other_version": into.version,
                    },
                )
            else:
                messages.success(request, "Findings merged.")
                return redirect(_list_url(review, into))
    if into is None and form.is_bound:  # the merged words with a mistake: both findings still shown
        into = getattr(form, "cleaned_data", {}).get("other")
    return render(
        request,
        "reviews/finding_merge.html",
        review_context(request, review, form=form, finding=item, into=into),
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
    form = None
    if can(request.user, "edit_findings", review):  # capture first: the form open, ready to type
        form = EvidenceNoteForm(
            None,
            review=review,
            initial=_note_initial(request, review),
            auto_id=NOTE_AUTO_ID,
        )
        if "kept" in request.GET:  # "Save and add another": straight back in the note's box
            form.fields["text"].widget.attrs["autofocus"] = True
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
            form=form,
        ),
    )


# The add form's field ids on the notes page (apart from the filters' "id_session" and the like):
# the note's box is "note-text", which the page's shortcut and "Save and add another" go back to.
NOTE_AUTO_ID = "note-%s"


def _note_initial(request: AuthenticatedHttpRequest, review: Review) -> dict[str, Any]:
    """What the add form starts with. ``?note_session=`` (a session's "Add a note" link): that
    session, its key lines ticked; with ``kept`` ("Save and add another"), the key lines given in
    ``note_kloe`` instead. Otherwise the session by the clock (``session_for_now``) and its key lines.
    A session of another review, or a cancelled one, is ignored."""
    wanted = str(request.GET.get("note_session") or request.GET.get("session") or "")
    session = None
    if (session_pk := whole_number(wanted)) is not None:
        session = (
            Session.objects.live()
            .filter(review=review, pk=session_pk)
            .prefetch_related("kloes")
            .first()
        )
    elif "kept" not in request.GET:
        session = work.session_for_now(review=review, user=request.user, now=timezone.now())
    initial: dict[str, Any] = {}
    if session is not None:
        initial["session"] = session.pk
    if "kept" in request.GET:
        valid = {k.pk for k in review.numbered_kloes()}
        kloes = [whole_number(v) for v in request.GET.getlist("note_kloe")]
        initial["kloes"] = [k for k in kloes if k is not None and k in valid]
    elif session is not None:
        initial["kloes"] = [k.pk for k in session.kloes.all()]
    return initial


def _another_url(review: Review, data: dict[str, Any]) -> str:
    """The notes page again, the add form keeping this note's session and key lines, focus in the
    note's box."""
    query: list[tuple[str, Any]] = [("kept", "1")]
    if data.get("session"):
        query.append(("note_session", data["session"].pk))
    query += [("note_kloe", k.pk) for k in data.get("kloes") or []]
    return f"{_notes_url(review)}?{urlencode(query)}#note-text"


@require_http_methods(["GET", "HEAD", "POST"])
def note_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    review = get_review_for(request.user, pk, "edit_findings")
    initial = _note_initial(request, review) if request.method != "POST" else {}
    form = EvidenceNoteForm(
        bound_data(request), review=review, initial=initial, auto_id=NOTE_AUTO_ID
    )
    if request.method == "POST" and form.is_valid():
        work.create_note(review=review, data=form.cleaned_data, author=request.user)
        if "another" in request.POST:
            messages.success(request, "Evidence note added. Add another.")
            return redirect(_another_url(review, form.cleaned_data))
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
