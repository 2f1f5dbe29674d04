"""Setting a review up: the review, its frameworks and its team (invitations, roles).

Also the helpers the other sub-packages' services share: ``StaleEdit``, ``save_versioned``,
``send_email``.

Keyword-only, typed functions. Each either does all of its work or none of it (one transaction);
its emails are queued in that transaction and sent after commit (``core.email``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.twofactor import reset_devices
from core.email import Queued, send_email
from core.versioning import save_versioned, update_versioned
from reviews.setup.models import Framework, Invitation, Membership, Review, Role
from trail.models import Event
from trail.services import record, trail_value

if TYPE_CHECKING:
    from collections.abc import Sequence

    from django import forms
    from django.http import HttpRequest

    from reviews.setup.forms import PastedPerson, ReviewForm


def create_review(*, form: forms.ModelForm, user: User) -> Review:
    """Save a new review, make its creator the coordinator and give it a copy of its framework."""
    framework: Framework = form.cleaned_data["framework"]
    with transaction.atomic():
        review = form.save()
        coordinator = Membership.objects.create(review=review, user=user, role=Role.COORDINATOR)
        record_team_change(coordinator, change="added", by=user)
        framework.copy(name=framework.name, organisation=review.lead_organisation, review=review)
    return review


def update_review(*, form: ReviewForm, user: User, request: HttpRequest | None = None) -> Review:
    """Save the coordinator's edit of a review and record it in the trail, in the same transaction:
    who, and each changed field (old → new); a change of status gets its own record (from, to).

    The form has refused what the coordinator may not do (a status the events set, a host once the
    review has started)."""
    review: Review = form.instance
    with transaction.atomic():
        before = Review.objects.select_for_update().get(pk=review.pk)
        review.status = form.cleaned_data["status"]
        saved = save_details(form, before=before, user=user, request=request, also=("status",))
        if before.status != saved.status:
            record_status_change(
                review=saved,
                old=before.status,
                new=saved.status,
                user=user,
                request=request,
                reason=(form.cleaned_data.get("status_reason") or "").strip()
                if before.is_step_back(saved.status)
                else "",
            )
    return saved


def save_details(
    form: forms.ModelForm,
    *,
    before: Review,
    user: User,
    request: HttpRequest | None = None,
    also: tuple[str, ...] = (),
) -> Review:
    """Save an edit of a review's (or an own audit's) details, version-checked, with one trail
    record of each changed field (old → new). ``before``: the row as it was, locked by the caller's
    transaction; ``also``: fields set on the instance besides the form's."""
    saved: Review = save_versioned(form)
    changed = {}
    for name in [*(form._meta.fields or ()), *also]:
        old, new = getattr(before, name), getattr(saved, name)
        if old != new:
            changed[name] = {"from": trail_value(old), "to": trail_value(new)}
    if changed:
        record(
            action=Event.Action.REVIEW_CHANGED,
            request=request,
            actor=user,
            obj=saved,
            detail={"change": "details edited", "changed": changed},
        )
    return saved


def record_status_change(
    *,
    review: Review,
    old: str,
    new: str,
    user: User | None,
    request: HttpRequest | None = None,
    reason: str = "",
) -> None:
    """One trail record for a change of a review's status: who, from, to, and why when the
    coordinator moved it back to an earlier stage. The caller holds the transaction of the change
    itself (the coordinator's edit, sharing the draft, issuing)."""
    detail = {"change": "status", "from": old, "to": new}
    if reason:
        detail["reason"] = reason
    record(
        action=Event.Action.REVIEW_CHANGED,
        request=request,
        actor=user,
        obj=review,
        detail=detail,
    )


# Frameworks --------------------------------------------------------------------------------------


def copy_framework(*, framework: Framework, name: str, user: User) -> Framework:
    with transaction.atomic():
        return framework.copy(name=name, organisation=user.organisation)


def save_framework(*, form: forms.ModelForm, formset: forms.BaseInlineFormSet) -> Framework:
    """Save the name and every KLOE at once, then number the positions 1, 2, 3 ... in order."""
    with transaction.atomic():
        framework = form.save() if form.instance.pk is None else save_versioned(form)
        formset.instance = framework
        formset.save()
        for position, kloe in enumerate(framework.kloes.order_by("position", "pk"), start=1):
            if kloe.position != position:
                kloe.position = position
                kloe.save(update_fields=["position", "updated_at"])
    return framework


# Team --------------------------------------------------------------------------------------------


def _send_invitation(*, invitation: Invitation, token: str, site_url: str) -> Queued:
    """Queue the invitation's email, in the caller's transaction; the team page shows how it went."""
    return send_email(
        template="reviews/email/invitation",
        context={
            "invitation": invitation,
            "review": invitation.review,
            "url": site_url + reverse("reviews:invitation-accept", kwargs={"token": token}),
            "days": 7,
        },
        to=[invitation.email],
        about=invitation,
    )


def invite(
    *,
    review: Review,
    email: str,
    role: str,
    full_name: str,
    invited_by: User,
    site_url: str,
    council: str = "",
    job_title: str = "",
) -> Invitation:
    """Invite someone by email to a role on the review. Refused if they are on it or invited.

    ``council`` and ``job_title``: how they are shown on this review (copied to their membership when
    they accept); a label only, never membership of that organisation."""
    invitation = Invitation(
        review=review,
        email=email.lower(),
        role=role,
        full_name=full_name,
        council=council,
        job_title=job_title,
        invited_by=invited_by,
    )
    token = invitation.new_token()
    try:
        with transaction.atomic():
            invitation.save()
            _send_invitation(invitation=invitation, token=token, site_url=site_url)
    except IntegrityError:
        raise ValidationError(
            f"An invitation to {email} has already been sent: resend it from the list of invitations"
        ) from None
    return invitation


def invite_many(
    *, review: Review, people: Sequence[PastedPerson], invited_by: User, site_url: str
) -> tuple[list[Invitation], Queued]:
    """Invite several people at once (the pasted lines of ``BulkInvitationForm``): all of them or,
    if any cannot be invited (someone invited them a moment ago), none. Each gets the one
    invitation email, through the outbox."""
    invitations: list[Invitation] = []
    queued = Queued()
    try:
        with transaction.atomic():
            for person in people:
                invitation = Invitation(
                    review=review,
                    email=person.email.lower(),
                    role=person.role,
                    full_name=person.full_name,
                    council=person.council,
                    job_title=person.job_title,
                    invited_by=invited_by,
                )
                token = invitation.new_token()
                invitation.save()
                queued += _send_invitation(invitation=invitation, token=token, site_url=site_url)
                invitations.append(invitation)
    except IntegrityError:
        raise ValidationError(
            "Someone has just invited one of these people: check the list again"
        ) from None
    return invitations, queued


def resend_invitation(*, invitation: Invitation, site_url: str) -> Queued:
    """A new link for seven more days; the old link stops working."""
    token = invitation.new_token()
    with transaction.atomic():
        invitation.save(update_fields=["token_hash", "sent_at", "expires_at", "updated_at"])
        return _send_invitation(invitation=invitation, token=token, site_url=site_url)


def revoke_invitation(*, invitation: Invitation) -> None:
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at", "updated_at"])


def record_team_change(
    membership: Membership,
    *,
    change: str,
    by: User | None,
    request: HttpRequest | None = None,
    previous_role: str | None = None,
    changed: dict[str, dict[str, str]] | None = None,
) -> None:
    """Record a change to a review's team, with who made it (``by``) and from where. Every code path
    that adds someone to a team, changes their role or how they are shown, or removes them calls
    this, in the transaction of the change (a removal before the row is deleted, so the record keeps
    its id). ``changed``: each changed label, old → new."""
    detail: dict[str, object] = {
        "change": change,
        "person": membership.user.email,
        "role": membership.role,
    }
    if previous_role is not None:
        detail["from"] = previous_role
    if changed:
        detail["changed"] = changed
    record(
        action=Event.Action.TEAM_CHANGED, actor=by, request=request, obj=membership, detail=detail
    )


def change_role(
    *, membership: Membership, role: str, by: User, request: HttpRequest | None = None
) -> None:
    """Change a member's role; the review always keeps at least one coordinator. Recorded in the
    trail in the same transaction: who changed whose role, from what to what."""
    with transaction.atomic():
        coordinators = Membership.objects.select_for_update().filter(
            review=membership.review_id, role=Role.COORDINATOR
        )
        if (
            membership.role == Role.COORDINATOR
            and role != Role.COORDINATOR
            and coordinators.count() <= 1
        ):
            raise ValidationError("The review needs at least one coordinator")
        if membership.role == role:
            return
        previous = membership.role
        membership.role = role
        membership.save(update_fields=["role", "updated_at"])
        record_team_change(
            membership, change="role changed", by=by, request=request, previous_role=previous
        )


def change_shown_as(
    *,
    membership: Membership,
    council: str,
    job_title: str,
    version: int | None,
    by: User,
    request: HttpRequest | None = None,
) -> None:
    """Correct the council and job title a member is shown with on the review (a label: no right
    comes from it). Refused with ``StaleEdit`` if someone changed them since ``version``; recorded
    in the trail in the same transaction: who, and each label changed (old → new)."""
    values = {"council": council, "job_title": job_title}
    with transaction.atomic():
        before = Membership.objects.select_for_update().get(pk=membership.pk)
        membership.version = update_versioned(
            Membership, pk=membership.pk, version=version, values=values
        )
        changed = {
            name: {"from": getattr(before, name), "to": value}
            for name, value in values.items()
            if getattr(before, name) != value
        }
        membership.council, membership.job_title = council, job_title
        if changed:
            record_team_change(
                membership, change="shown as changed", by=by, request=request, changed=changed
            )


class InvitationUnusable(Exception):
    pass


def accept_invitation(
    *,
    invitation: Invitation,
    user: User | None = None,
    new_account: dict[str, str] | None = None,
    shown_as: dict[str, str] | None = None,
) -> User:
    """Accept once: add the role to ``user``, or create the account from ``new_account``.

    The membership shows the person with ``shown_as`` (``council``, ``job_title``: what they
    confirmed on the acceptance page), else with what the invitation said.

    An invitation gives a role on one review, never membership of an organisation: a new account has
    no organisation (an administrator, or in time the organisation's own coordinators, sets it). Host
    staff see their authority's reviews through their memberships of those reviews, not through it.
    """
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if not invitation.is_usable:
            raise InvitationUnusable(invitation.state)
        if user is None:
            assert new_account is not None
            user = User.objects.create_user(
                invitation.email,
                new_account["password"],
                full_name=new_account["full_name"],
                job_title=new_account.get("job_title", ""),
                organisation=None,
            )
        if not Membership.objects.filter(review=invitation.review, user=user).exists():
            labels = shown_as or {}
            membership = Membership.objects.create(
                review=invitation.review,
                user=user,
                role=invitation.role,
                council=labels.get("council", invitation.council),
                job_title=labels.get("job_title", invitation.job_title),
                agency=invitation.agency,
            )
            # Recorded as the person's own doing: they accepted the invitation.
            record_team_change(membership, change="added", by=user)
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by", "updated_at"])
    return user


def reset_member_second_factor(
    *,
    review: Review,
    person: User,
    by: User,
    request: HttpRequest | None = None,
    site_url: str = "",
) -> Queued:
    """Remove the person's second factor (they set up a new one at their next sign-in), sign them out
    everywhere, record it, and queue an email to tell them (if they did not ask for it, they say
    so), all in one transaction. The email is about their membership: the team page shows it."""
    with transaction.atomic():
        reset_devices(person)
        record(
            action=Event.Action.TWO_FACTOR_RESET,
            request=request,
            actor=by,
            obj=person,
            review_id=review.pk,
            detail={"person": person.email},
        )
        return send_email(
            template="reviews/email/second_factor_reset",
            context={
                "person": person,
                "by": by,
                "review": review,
                "sign_in_url": site_url + reverse(settings.LOGIN_URL),
            },
            to=[person.email],
            about=Membership.objects.filter(review=review, user=person).first(),
        )
