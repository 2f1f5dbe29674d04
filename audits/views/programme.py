"""An authority's audit programme (issue 23): its own audits, its quality assurance staff, the people
on one audit, the peer moderation sample and the agreement found ("audit the audits"), and a partner
auditor's own cases."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from accounts.http import AuthenticatedHttpRequest
from accounts.models import QualityAssuranceRole
from audits.models import Case, CaseAudit
from audits.permissions import get_internal_audit_for, get_joinable_audit_for
from audits.programme_forms import (
    AuditInvitationForm,
    InternalAuditDetailsForm,
    InternalAuditForm,
    PeerSampleForm,
    QualityAssuranceGrantForm,
    ReopenAuditForm,
)
from audits.services import programme as services
from audits.services.moderation import agreement
from audits.views._shared import GET_POST
from core.http import bound_data, site_url
from core.versioning import StaleEdit, rebind_conflict
from reviews.permissions import (
    get_programme_for,
    get_review_for,
    is_quality_assurance,
    may_coordinate,
    review_context,
)
from reviews.setup.models import Review, Role


@require_safe
def programme(request: AuthenticatedHttpRequest, org_pk: int) -> HttpResponse:
    """The authority's own audits, with their progress."""
    authority = get_programme_for(request.user, org_pk)
    return render(
        request,
        "audits/programme/programme.html",
        {
            "authority": authority,
            "rows": services.programme(authority, request.user),
            "is_qa": is_quality_assurance(request.user, authority.pk),
            "may_grant": may_coordinate(request.user),
        },
    )


@GET_POST
def programme_audit_create(request: AuthenticatedHttpRequest, org_pk: int) -> HttpResponse:
    authority = get_programme_for(request.user, org_pk, run=True)
    form = InternalAuditForm(bound_data(request), user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        review = services.start_internal_audit(
            authority=authority,
            user=request.user,
            title=data["title"],
            audit_kind=data["audit_kind"],
            audit_theme=data["audit_theme"],
            tool=data["tool"],
            start_date=data["start_date"],
            end_date=data["end_date"],
            request_text=data["request_text"],
        )
        messages.success(request, f"The audit “{review.title}” is set up. Add its case list next.")
        return redirect("audits:home", pk=review.pk)
    return render(
        request, "audits/programme/audit_form.html", {"authority": authority, "form": form}
    )


@require_POST
def programme_join(request: AuthenticatedHttpRequest, org_pk: int, pk: int) -> HttpResponse:
    review = get_joinable_audit_for(request.user, org_pk, pk)
    services.join_audit(review=review, user=request.user)
    messages.success(request, f"You are on the audit “{review.title}”.")
    return redirect("audits:home", pk=review.pk)


@GET_POST
def programme_staff(request: AuthenticatedHttpRequest, org_pk: int) -> HttpResponse:
    """The authority's quality assurance people; its coordinators give and take the role."""
    authority = get_programme_for(request.user, org_pk, grant=True)
    form = QualityAssuranceGrantForm(bound_data(request), authority=authority)
    if request.method == "POST" and form.is_valid():
        assert form.person is not None
        services.grant_quality_assurance(authority=authority, user=form.person, by=request.user)
        messages.success(request, f"{form.person.full_name} has the quality assurance role.")
        return redirect("audits:programme-staff", org_pk=authority.pk)
    return render(
        request,
        "audits/programme/staff.html",
        {
            "authority": authority,
            "form": form,
            "staff": services.quality_assurance_staff(authority),
        },
    )


@require_POST
def programme_staff_remove(
    request: AuthenticatedHttpRequest, org_pk: int, role_pk: int
) -> HttpResponse:
    authority = get_programme_for(request.user, org_pk, grant=True)
    role = get_object_or_404(
        QualityAssuranceRole.objects.select_related("user"), organisation=authority, pk=role_pk
    )
    services.revoke_quality_assurance(role=role)
    messages.success(request, f"{role.user.full_name} no longer has the quality assurance role.")
    return redirect("audits:programme-staff", org_pk=authority.pk)


@GET_POST
def audit_details(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Change an own audit's title, theme, dates and what it looks at (not once it is closed)."""
    review = get_internal_audit_for(request.user, pk, "edit_audit")
    form = InternalAuditDetailsForm(bound_data(request), instance=review)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_internal_audit(form=form, user=request.user, request=request)
        except StaleEdit:
            form = rebind_conflict(
                InternalAuditDetailsForm, form.data, Review.objects.get(pk=review.pk)
            )
        else:
            messages.success(request, "The audit’s details are saved.")
            return redirect("audits:home", pk=review.pk)
    return render(
        request, "audits/programme/audit_details.html", review_context(request, review, form=form)
    )


@GET_POST
def audit_close(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Close the audit when its work is done, after seeing what is still open on it."""
    review = get_internal_audit_for(request.user, pk, "close_audit")
    if request.method == "POST":
        if services.close_internal_audit(review=review, user=request.user, request=request):
            messages.success(
                request,
                f"The audit “{review.title}” is closed. Its case audits, moderation and analysis "
                "no longer change; its figures stay in the trends.",
            )
        else:
            messages.info(request, "The audit was already closed.")
        return redirect("audits:home", pk=review.pk)
    if review.is_finished:
        messages.info(request, "The audit is already closed.")
        return redirect("audits:home", pk=review.pk)
    return render(
        request,
        "audits/programme/audit_close.html",
        review_context(
            request,
            review,
            still_open=services.closing_checks(review, timezone.localdate()),
        ),
    )


@GET_POST
def audit_reopen(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Reopen a closed audit, saying why (kept in its trail)."""
    review = get_internal_audit_for(request.user, pk, "close_audit")
    if not review.is_finished:
        messages.info(request, "The audit is open.")
        return redirect("audits:home", pk=review.pk)
    form = ReopenAuditForm(bound_data(request))
    if request.method == "POST" and form.is_valid():
        if services.reopen_internal_audit(
            review=review, user=request.user, reason=form.cleaned_data["reason"], request=request
        ):
            messages.success(request, f"The audit “{review.title}” is open again.")
        return redirect("audits:home", pk=review.pk)
    return render(
        request, "audits/programme/audit_reopen.html", review_context(request, review, form=form)
    )


@GET_POST
def audit_people(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Who is on the audit, and invitations: quality assurance colleagues, partner auditors (police,
    health, education) and moderating peers from another council."""
    review = get_internal_audit_for(request.user, pk, "manage_team")
    form = AuditInvitationForm(bound_data(request), review=review)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            invitation = services.invite_to_audit(
                review=review,
                email=data["email"],
                full_name=data["full_name"],
                role=data["role"],
                agency=data["agency"],
                council=data["council"],
                job_title=data["job_title"],
                invited_by=request.user,
                site_url=site_url(request),
            )
        except ValidationError as error:
            form.add_error("email", error)
        else:
            messages.success(
                request,
                f"Invitation sent to {invitation.email} as "
                f"{invitation.get_role_display().lower()}.",
            )
            return redirect("audits:programme-people", pk=review.pk)
    members = review.memberships.select_related("user").order_by("role", "user__full_name")
    invitations = review.invitations.pending().order_by("email")
    return render(
        request,
        "audits/programme/people.html",
        review_context(request, review, form=form, members=members, invitations=invitations),
    )


@GET_POST
def peer_sample_choose(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Choose the completed audits peers from another council moderate."""
    review = get_internal_audit_for(request.user, pk, "choose_peer_sample")
    completed = services.completed_audits(review)
    choices = [
        (
            case.pk,
            f"{case.reference} ({case.audit.auditor.full_name if case.audit.auditor else ''})",
        )
        for case in completed
    ]
    data = bound_data(request)
    initial = {"cases": [c.pk for c in completed if hasattr(c, "peer_sample")]}
    form = PeerSampleForm(data, choices=choices, initial=initial)
    if request.method == "POST" and form.is_valid():
        count = services.choose_peer_sample(
            review=review, case_ids=form.cleaned_data["cases"], user=request.user
        )
        messages.success(
            request, f"The peer moderation sample has {count} audit{'s' if count != 1 else ''}."
        )
        return redirect("audits:agreement", pk=review.pk)
    return render(
        request,
        "audits/programme/peer_sample.html",
        review_context(request, review, form=form, completed=completed),
    )


@require_safe
def agreement_page(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Auditing the audits: the sample, and how far the moderating peers agreed with the auditors,
    per criterion and per auditor, with their notes. Peers see only the sample."""
    review = get_internal_audit_for(request.user, pk, "see_agreement")
    sample = services.peer_sample(review)
    return render(
        request,
        "audits/programme/agreement.html",
        review_context(
            request,
            review,
            sample=sample,
            figures=agreement(sample),
            is_peer=review.role_of(request.user) == Role.MODERATING_PEER,
        ),
    )


@require_safe
def your_cases(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A partner auditor's cases: those assigned to them, and nothing else of the audit."""
    review = get_review_for(request.user, pk, "audit_own_cases")
    cases = (
        Case.objects.filter(review=review, assigned_to=request.user)
        .select_related("audit")
        .annotate(
            answered=Count("audit__answers", filter=~Q(audit__answers__answer="")),
            criteria=Count("audit__answers"),
        )
        .order_by("reference")
    )
    return render(
        request,
        "audits/programme/your_cases.html",
        review_context(request, review, cases=cases, complete=CaseAudit.Status.COMPLETE),
    )
