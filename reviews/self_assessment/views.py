"""The self-assessment pages: the host lead contact's form, and the team's side-by-side view.

The host lead contact completes it (``complete_self_assessment``), checks their answers and submits
it from that page, and sees only the host's part; the team (``view_team_work``) sees the side-by-side
page once it is submitted; reviewers record the team's view (``edit_findings``); the coordinator
can reopen a submitted one (``reopen_self_assessment``). Host staff get 403.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.http import AuthenticatedHttpRequest
from core.http import bound_data, site_url
from core.versioning import StaleEdit, rebind_conflict
from reviews.fieldwork.models import Finding
from reviews.fieldwork.views import build_sections
from reviews.permissions import can, get_review_for, review_context, rights_for
from reviews.self_assessment import services as self_assessment_services
from reviews.self_assessment.forms import (
    HostSelfAssessmentForm,
    JudgementForm,
    TeamViewForm,
    VersionOnlyForm,
)


@require_safe
def self_assessment(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    review = get_review_for(request.user, pk, "view")
    rights = rights_for(request.user, review)
    if not (rights["complete_self_assessment"] or rights["view_team_work"]):
        raise PermissionDenied("The self-assessment is for the host lead contact and the team.")
    assessment, rows = self_assessment_services.load(review)
    return render(
        request,
        "reviews/self_assessment.html",
        review_context(
            request,
            review,
            assessment=assessment,
            rows=rows,
            team_view=rights["view_team_work"],
            meanings=self_assessment_services.rag_meanings(review),
        ),
    )


@require_http_methods(["GET", "HEAD", "POST"])
def self_assessment_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Rate each key line and say why; save a draft, or go on to check the answers. Submitting is
    done from the check-your-answers page only (a POST here never submits)."""
    review = get_review_for(request.user, pk, "complete_self_assessment")
    assessment, rows = self_assessment_services.load(review)
    if assessment.is_submitted:
        messages.info(
            request, "The self-assessment has been submitted: it can no longer be changed."
        )
        return redirect("reviews:self-assessment", pk=review.pk)
    check = request.POST.get("action") == "check"
    form = HostSelfAssessmentForm(
        bound_data(request), rows=rows, version=assessment.version, submit=check
    )
    latest = None
    if request.method == "POST" and form.is_valid():
        try:
            self_assessment_services.save_host_part(
                review=review,
                version=form.cleaned_data.get("version") or 0,
                ratings=form.ratings(),
                by=request.user,
            )
        except StaleEdit:
            assessment, latest = self_assessment_services.load(review)
            form = rebind_conflict(
                HostSelfAssessmentForm, form.data, assessment, rows=rows, version=assessment.version
            )
        else:
            if check:
                return redirect("reviews:self-assessment-check", pk=review.pk)
            messages.success(request, "Draft saved.")
            return redirect("reviews:self-assessment", pk=review.pk)
    return render(
        request,
        "reviews/self_assessment_form.html",
        review_context(
            request,
            review,
            form=form,
            sections=[
                {
                    "row": row,
                    "rating": form[f"rating_{row.kloe.pk}"],
                    "narrative": form[f"narrative_{row.kloe.pk}"],
                }
                for row in rows
            ],
            meanings=self_assessment_services.rag_meanings(review),
            latest=latest,
        ),
    )


@require_safe
def self_assessment_check(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Check your answers: each key line's rating and narrative with a Change link; submit here."""
    review = get_review_for(request.user, pk, "complete_self_assessment")
    assessment, rows = self_assessment_services.load(review)
    if assessment.is_submitted:
        return redirect("reviews:self-assessment", pk=review.pk)
    return render(
        request,
        "reviews/self_assessment_check.html",
        review_context(
            request,
            review,
            assessment=assessment,
            rows=rows,
            unrated=self_assessment_services.unrated(rows),
            form=VersionOnlyForm(version=assessment.version),
        ),
    )


@require_POST
def self_assessment_submit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    review = get_review_for(request.user, pk, "complete_self_assessment")
    form = VersionOnlyForm(request.POST)
    if not form.is_valid():
        messages.error(request, "The self-assessment was not submitted. Check your answers again.")
        return redirect("reviews:self-assessment-check", pk=review.pk)
    try:
        self_assessment_services.submit(
            review=review, version=form.cleaned_data["version"], by=request.user
        )
    except self_assessment_services.NotReady as not_ready:
        messages.error(request, str(not_ready))
        return redirect("reviews:self-assessment-check", pk=review.pk)
    except StaleEdit:
        messages.error(
            request,
            "The self-assessment changed since this page showed it (in another tab or window, or "
            "it was submitted). Check the answers below, then submit.",
        )
        return redirect("reviews:self-assessment-check", pk=review.pk)
    messages.success(request, "Self-assessment submitted to the review team.")
    return redirect("reviews:self-assessment", pk=review.pk)


@require_http_methods(["GET", "HEAD", "POST"])
def self_assessment_reopen(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The coordinator reopens a submitted self-assessment, after a page that asks them to confirm."""
    review = get_review_for(request.user, pk, "reopen_self_assessment")
    assessment, _ = self_assessment_services.load(review)
    if not assessment.is_submitted:
        messages.info(request, "The self-assessment is not submitted: there is nothing to reopen.")
        return redirect("reviews:self-assessment", pk=review.pk)
    form = VersionOnlyForm(request.POST or None, version=assessment.version)
    if request.method == "POST":
        try:
            if not form.is_valid():
                raise StaleEdit
            self_assessment_services.reopen(
                review=review,
                version=form.cleaned_data["version"],
                by=request.user,
                site_url=site_url(request),
            )
        except StaleEdit:
            messages.error(
                request, "The self-assessment changed since this page showed it. Check it again."
            )
            return redirect("reviews:self-assessment-reopen", pk=review.pk)
        messages.success(
            request,
            "The self-assessment is open again. The host lead contact has been told by email.",
        )
        return redirect("reviews:self-assessment", pk=review.pk)
    return render(
        request,
        "reviews/self_assessment_reopen.html",
        review_context(request, review, assessment=assessment, form=form),
    )


@require_http_methods(["GET", "HEAD", "POST"])
def self_assessment_team(request: AuthenticatedHttpRequest, pk: int, kloe: int) -> HttpResponse:
    review = get_review_for(request.user, pk, "edit_findings")
    assessment, rows = self_assessment_services.load(review)
    row = next((r for r in rows if r.kloe.pk == kloe), None)
    if row is None:
        raise Http404("No such key line of enquiry on this review")
    entry = row.entry
    form = TeamViewForm(
        bound_data(request),
        initial={
            "version": entry.version,
            "team_agreement": entry.team_agreement,
            "team_rating": entry.team_rating,
            "team_reason": entry.team_reason,
        },
    )
    latest = None
    if request.method == "POST" and form.is_valid():
        try:
            self_assessment_services.save_team_view(
                review=review,
                kloe=row.kloe,
                version=form.cleaned_data.get("version") or 0,
                data=form.cleaned_data,
            )
        except StaleEdit:
            _, rows = self_assessment_services.load(review)
            latest = next(r for r in rows if r.kloe.pk == kloe).entry
            form = rebind_conflict(TeamViewForm, form.data, latest)
        else:
            messages.success(request, f"The team's view of {row.kloe} saved.")
            return redirect("reviews:self-assessment", pk=review.pk)
    return render(
        request,
        "reviews/self_assessment_team.html",
        review_context(
            request,
            review,
            form=form,
            row=row,
            assessment=assessment,
            latest=latest,
        ),
    )


@require_http_methods(["GET", "HEAD", "POST"])
def self_assessment_judgement(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    review = get_review_for(request.user, pk, "edit_findings")
    assessment, _ = self_assessment_services.load(review)
    form = JudgementForm(
        bound_data(request),
        initial={
            "version": assessment.version,
            "judgement": assessment.judgement,
            "judgement_reason": assessment.judgement_reason,
        },
    )
    latest = None
    if request.method == "POST" and form.is_valid():
        try:
            self_assessment_services.save_judgement(
                review=review, version=form.cleaned_data.get("version") or 0, data=form.cleaned_data
            )
        except StaleEdit:
            latest, _ = self_assessment_services.load(review)
            form = rebind_conflict(JudgementForm, form.data, latest)
        else:
            messages.success(request, "The team's judgement of the self-assessment saved.")
            return redirect("reviews:self-assessment", pk=review.pk)
    return render(
        request,
        "reviews/self_assessment_judgement.html",
        review_context(
            request,
            review,
            form=form,
            latest=latest,
            may_edit=can(request.user, "edit_findings", review),
        ),
    )


@require_safe
def consolidation(request: AuthenticatedHttpRequest, pk: int, kloe: int) -> HttpResponse:
    """One KLOE for the team meeting: the self-assessment, the evidence notes and the findings."""
    from reviews.fieldwork.models import EvidenceNote
    from reviews.self_assessment import services as self_assessment_services

    review = get_review_for(request.user, pk, "view_team_work")
    assessment, rows = self_assessment_services.load(review)
    row = next((r for r in rows if r.kloe.pk == kloe), None)
    if row is None:
        raise Http404("No such key line of enquiry on this review")
    items = list(Finding.objects.filter(review=review).for_page())
    rights = rights_for(request.user, review)
    sections = build_sections(review, items, rights)
    section = next(s for s in sections if s["kloe"] and s["kloe"].pk == kloe)
    notes = (
        EvidenceNote.objects.filter(review=review, kloes=row.kloe)
        .select_related("author", "session__day")
        .order_by("created_at", "pk")
    )
    return render(
        request,
        "reviews/consolidation.html",
        review_context(
            request,
            review,
            assessment=assessment,
            row=row,
            kloes=[r.kloe for r in rows],
            section=section,
            notes=notes,
        ),
    )
