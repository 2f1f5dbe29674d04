"""The review team: invitations by email, accepting them, and roles."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.http import AuthenticatedHttpRequest
from accounts.models import User
from accounts.twofactor import has_confirmed_device
from core.email import Queued, deliveries_about, deliveries_for
from core.http import bound_data, site_url
from core.versioning import StaleEdit, rebind_conflict
from reviews.permissions import get_review_for, review_context
from reviews.setup import services
from reviews.setup.forms import (
    AcceptNewAccountForm,
    BulkInvitationForm,
    InvitationForm,
    MemberShownAsForm,
    RoleForm,
    ShownAsForm,
)
from reviews.setup.models import Invitation, Membership, Role


@require_safe
def team(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    review = get_review_for(request.user, pk, "manage_team")
    memberships = list(
        review.memberships.select_related("user__organisation").order_by("role", "user__full_name")
    )
    invitations = list(review.invitations.select_related("accepted_by").order_by("-sent_at"))
    # The last email of each invitation and each member (a second factor reset): how it went.
    for rows in (invitations, memberships):
        emails = deliveries_for(rows)
        for row in rows:
            row.last_email = emails[row.pk][-1] if emails[row.pk] else None  # type: ignore[union-attr]
    return render(
        request,
        "reviews/team.html",
        review_context(
            request,
            review,
            memberships=memberships,
            invitations=invitations,
        ),
    )


@require_http_methods(["GET", "HEAD", "POST"])
def invitation_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    review = get_review_for(request.user, pk, "manage_team")
    form = InvitationForm(bound_data(request), review=review)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.invite(
                review=review,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                full_name=form.cleaned_data["full_name"],
                council=form.cleaned_data["council"],
                job_title=form.cleaned_data["job_title"],
                invited_by=request.user,
                site_url=site_url(request),
            )
        except ValidationError as refused:
            form.add_error("email", refused)
        else:
            queued = Queued(deliveries_about(invitation))
            messages.success(
                request,
                f"Invitation to {invitation.email} as {invitation.get_role_display().lower()}: "
                f"its email is {queued.summary}. The list of invitations shows when it is sent.",
            )
            if "another" in request.POST:
                return redirect("reviews:invitation-create", pk=review.pk)
            return redirect("reviews:team", pk=review.pk)
    return render(
        request,
        "reviews/invitation_form.html",
        review_context(request, review, form=form),
    )


LEFT_OVER = "reviews:invitation-bulk:left-over"


@require_http_methods(["GET", "HEAD", "POST"])
def invitation_bulk(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Several people pasted at once, one a line. Three steps: check the lines (each wrong line
    named, the text kept in the box), confirm the list, send. Nothing is sent before the last step,
    and then either every line or, when asked in so many words, the valid ones."""
    review = get_review_for(request.user, pk, "manage_team")
    data = bound_data(request)  # on a GET: the text kept through a session timeout, if any
    step = request.POST.get("step", "") if request.method == "POST" else ""
    left_over = request.session.pop(LEFT_OVER, None) if request.method != "POST" else None
    if request.method == "POST" and step != "change":
        form = BulkInvitationForm(data, review=review)
    else:  # back to the box (or restored): the text, not checked yet
        text = left_over or (data.get("people", "") if data is not None else "")
        form = BulkInvitationForm(initial={"people": text}, review=review)
    if request.method == "POST" and step != "change" and form.is_valid():
        people = form.valid_people
        if step == "send":
            try:
                invitations, queued = services.invite_many(
                    review=review,
                    people=people,
                    invited_by=request.user,
                    site_url=site_url(request),
                )
            except ValidationError as refused:
                form.add_error("people", refused)
            else:
                messages.success(
                    request,
                    f"{len(invitations)} invitation{'s' if len(invitations) != 1 else ''} sent: "
                    f"their emails are {queued.summary}. The list of invitations shows when each "
                    "is sent.",
                )
                skipped = form.invalid_people
                if skipped:
                    request.session[LEFT_OVER] = "\n".join(person.text for person in skipped)
                    messages.warning(
                        request,
                        f"{len(skipped)} line{'s were' if len(skipped) != 1 else ' was'} not "
                        "sent: correct them below.",
                    )
                    return redirect("reviews:invitation-bulk", pk=review.pk)
                return redirect("reviews:team", pk=review.pk)
        else:
            return render(
                request,
                "reviews/invitation_bulk_confirm.html",
                review_context(
                    request,
                    review,
                    form=form,
                    people=people,
                    skipped=form.invalid_people,
                    text=form.cleaned_data["people"],
                    valid_only=bool(form.cleaned_data.get("valid_only")),
                ),
            )
    return render(
        request,
        "reviews/invitation_bulk.html",
        review_context(
            request,
            review,
            form=form,
            valid_count=len(form.valid_people) if form.is_bound else 0,
            broken=form.invalid_people if form.is_bound else [],
        ),
    )


def _invitation(request: AuthenticatedHttpRequest, pk: int, invitation: int) -> Invitation:
    review = get_review_for(request.user, pk, "manage_team")
    return get_object_or_404(
        Invitation.objects.select_related("review"), review=review, pk=invitation
    )


@require_POST
def invitation_resend(request: AuthenticatedHttpRequest, pk: int, invitation: int) -> HttpResponse:
    found = _invitation(request, pk, invitation)
    if found.accepted_at or found.revoked_at:
        messages.error(
            request,
            f"The invitation to {found.email} is {found.state_label.lower()}: it cannot be resent.",
        )
    else:
        queued = services.resend_invitation(invitation=found, site_url=site_url(request))
        messages.success(
            request,
            f"A new link for {found.email}: its email is {queued.summary}. "
            "The old link no longer works.",
        )
    return redirect("reviews:team", pk=pk)


@require_POST
def invitation_revoke(request: AuthenticatedHttpRequest, pk: int, invitation: int) -> HttpResponse:
    found = _invitation(request, pk, invitation)
    if found.accepted_at:
        messages.error(request, f"{found.email} has already accepted: change their role instead.")
    elif not found.revoked_at:
        services.revoke_invitation(invitation=found)
        messages.success(
            request, f"The invitation to {found.email} was revoked. Its link no longer works."
        )
    return redirect("reviews:team", pk=pk)


@require_http_methods(["GET", "HEAD", "POST"])
def member_role(request: AuthenticatedHttpRequest, pk: int, membership: int) -> HttpResponse:
    review = get_review_for(request.user, pk, "manage_team")
    member = get_object_or_404(
        Membership.objects.select_related("user"), review=review, pk=membership
    )
    form = RoleForm(bound_data(request), initial={"role": member.role}, review=review)
    if request.method == "POST" and form.is_valid():
        try:
            services.change_role(
                membership=member,
                role=form.cleaned_data["role"],
                by=request.user,
                request=request,
            )
        except ValidationError as refused:
            form.add_error("role", refused)
        else:
            messages.success(
                request, f"{member.user.full_name} is now {member.get_role_display().lower()}."
            )
            return redirect("reviews:team", pk=review.pk)
    return render(
        request,
        "reviews/member_role.html",
        review_context(
            request,
            review,
            member=member,
            form=form,
        ),
    )


@require_http_methods(["GET", "HEAD", "POST"])
def member_shown_as(request: AuthenticatedHttpRequest, pk: int, membership: int) -> HttpResponse:
    """The coordinator corrects the council and job title a member is shown with on the review."""
    review = get_review_for(request.user, pk, "manage_team")
    member = get_object_or_404(
        Membership.objects.select_related("user__organisation"), review=review, pk=membership
    )
    form = MemberShownAsForm(
        bound_data(request),
        version=member.version,
        initial={"council": member.shown_council, "job_title": member.shown_job_title},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.change_shown_as(
                membership=member,
                council=form.cleaned_data["council"],
                job_title=form.cleaned_data["job_title"],
                version=form.cleaned_data["version"],
                by=request.user,
                request=request,
            )
        except StaleEdit:
            member = Membership.objects.select_related("user__organisation").get(pk=member.pk)
            form = rebind_conflict(MemberShownAsForm, form.data, member)
        else:
            messages.success(
                request, f"{member.user.full_name} is now shown as {member.described}."
            )
            return redirect("reviews:team", pk=review.pk)
    return render(
        request,
        "reviews/member_shown_as.html",
        review_context(request, review, member=member, form=form),
    )


@login_not_required
@require_http_methods(["GET", "HEAD", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the invitation email. Works once, for seven days.

    No account for the address: the person creates one here. An account: they sign in as that
    person and accept. Signed in as someone else: refused (403), they must sign out first.
    """
    invitation = Invitation.objects.by_token(token)
    if invitation is None:
        raise Http404("No such invitation")
    context = {"invitation": invitation, "review": invitation.review}
    if not invitation.is_usable:
        return render(request, "reviews/invitation_unusable.html", context, status=410)
    existing = User.objects.filter(email__iexact=invitation.email).first()
    # This page is open to people not signed in: ``viewer`` is the signed-in person, if any.
    viewer = request.user if request.user.is_authenticated else None
    signed_in = viewer is not None
    if viewer is not None and viewer.email.lower() != invitation.email.lower():
        if request.method == "POST":
            raise PermissionDenied("This invitation is for someone else.")
        return render(request, "reviews/invitation_accept.html", {**context, "wrong_person": True})
    if existing and not signed_in:
        return render(request, "reviews/invitation_accept.html", {**context, "sign_in_first": True})
    if viewer is not None and settings.TWO_FACTOR_REQUIRED and not viewer.is_verified():
        # This page is open to people not signed in, so the two-factor gate does not stop here:
        # a password alone must not add the review to an account. Second factor first, then back.
        target = (
            "accounts:two-factor" if has_confirmed_device(viewer) else "accounts:two-factor-setup"
        )
        return redirect(f"{reverse(target)}?{urlencode({'next': request.path})}")

    shown_as = {
        "council": invitation.council
        or (existing.organisation.name if existing and existing.organisation else ""),
        "job_title": invitation.job_title or (existing.job_title if existing else ""),
    }
    form: ShownAsForm | AcceptNewAccountForm = (
        ShownAsForm(bound_data(request), initial=shown_as)
        if existing
        else AcceptNewAccountForm(bound_data(request), email=invitation.email, initial=shown_as)
    )
    if request.method == "POST" and form.is_valid():
        try:
            user = services.accept_invitation(
                invitation=invitation,
                user=existing,
                shown_as={
                    "council": form.cleaned_data["council"],
                    "job_title": form.cleaned_data["job_title"],
                },
                new_account=None
                if existing
                else {
                    "full_name": form.cleaned_data["full_name"],
                    "job_title": form.cleaned_data["job_title"],
                    "password": form.cleaned_data["password1"],
                },
            )
        except services.InvitationUnusable:
            return render(request, "reviews/invitation_unusable.html", context, status=410)
        if not signed_in:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(
            request,
            f"You joined “{invitation.review.title}” as {Role(invitation.role).label.lower()}.",
        )
        return redirect(invitation.review)
    return render(
        request,
        "reviews/invitation_accept.html",
        {**context, "form": form, "new_account": existing is None},
    )
