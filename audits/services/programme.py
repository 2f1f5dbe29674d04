"""An authority's own audit programme (issue 23): its quality assurance staff start audits outside
any peer review, on the same engine (case list, sampling, case audits, moderation, alerts, analysis);
live audits are recorded with the social worker, who confirms the record; peers from another
council moderate a sample of completed audits ("audit the audits").

An audit is a ``Review`` with ``purpose`` = internal audit, hosted and led by the authority."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import Organisation, QualityAssuranceRole
from audits import readiness
from audits.models import AuditTool, Case, CaseAudit, LiveAuditRecord, PeerSampleCase
from audits.services.tools import choose_tool
from core.email import Queued, send_email
from core.readiness import everything
from core.versioning import update_versioned
from reviews.setup.models import Invitation, Membership, Review, Role
from reviews.setup.services import (
    invite,
    record_status_change,
    record_team_change,
    save_details,
)
from trail.models import Event
from trail.services import record as trail_record

if TYPE_CHECKING:
    from django.http import HttpRequest

    from accounts.models import User
    from audits.programme_forms import InternalAuditDetailsForm


# Quality assurance staff -------------------------------------------------------------------------


def quality_assurance_staff(authority: Organisation) -> list[QualityAssuranceRole]:
    return list(
        QualityAssuranceRole.objects.filter(organisation=authority)
        .select_related("user", "granted_by")
        .order_by("user__full_name", "pk")
    )


def grant_quality_assurance(
    *, authority: Organisation, user: User, by: User
) -> QualityAssuranceRole:
    """Give a person of the authority its quality assurance role (once)."""
    role, _ = QualityAssuranceRole.objects.get_or_create(
        user=user, organisation=authority, defaults={"granted_by": by}
    )
    return role


def revoke_quality_assurance(*, role: QualityAssuranceRole) -> None:
    """Take the role away: the person keeps the audits they are on (their memberships), but can
    start no more and no longer sees the programme."""
    role.delete()


# Starting and joining audits ----------------------------------------------------------------------


@transaction.atomic
def start_internal_audit(
    *,
    authority: Organisation,
    user: User,
    title: str,
    audit_kind: str,
    audit_theme: str,
    tool: AuditTool,
    start_date: dt.date | None,
    end_date: dt.date | None,
    request_text: str = "",
) -> Review:
    """A new audit of the authority's own, its creator its first quality assurance auditor, with its
    own copy of the audit tool chosen (a thematic audit's own criteria)."""
    review = Review.objects.create(
        purpose=Review.Purpose.INTERNAL_AUDIT,
        host=authority,
        lead_organisation=authority,
        kind=Review.Kind.OTHER,
        kind_other="Internal audit",
        title=title,
        audit_kind=audit_kind,
        audit_theme=audit_theme if audit_kind == Review.AuditKind.THEMATIC else "",
        status=Review.Status.FIELDWORK,
        start_date=start_date,
        end_date=end_date,
        request=request_text,
    )
    join_audit(review=review, user=user)
    choose_tool(review=review, tool=tool)
    return review


def update_internal_audit(
    *, form: InternalAuditDetailsForm, user: User, request: HttpRequest | None = None
) -> Review:
    """Save a change to an own audit's details (version-checked, ``StaleEdit`` if someone saved
    them since), each changed field in the trail."""
    with transaction.atomic():
        before = Review.objects.select_for_update().get(pk=form.instance.pk)
        return save_details(form, before=before, user=user, request=request)


def closing_checks(review: Review, today: dt.date) -> list[str]:
    """What is still open on the audit, in words, for the person about to close it: case audits
    not complete, live audit records not confirmed, alerts not acknowledged (a fixed number of
    queries). Closing does not stop alerts being acknowledged."""
    texts = [
        check.text
        for figure in [
            *readiness.case_audits(review, today, everything),
            *readiness.alerts(review, today, everything),
        ]
        for check in figure.checks
    ]
    if review.audit_kind == Review.AuditKind.LIVE:
        unconfirmed = Case.objects.filter(review=review, sample_status="sampled").exclude(
            live_record__confirmed_at__isnull=False
        )
        count = unconfirmed.count()
        if count:
            texts.append(
                f"{count} live audit {'record has' if count == 1 else 'records have'} not been "
                "confirmed by the social worker"
            )
    return texts


def close_internal_audit(*, review: Review, user: User, request: HttpRequest | None = None) -> bool:
    """Close the audit: its work no longer changes (``reviews.permissions``) and the retention
    clock starts. False if it was already closed (a second press, another tab): nothing happens."""
    return _set_closed(review, closed=True, user=user, request=request)


def reopen_internal_audit(
    *, review: Review, user: User, reason: str, request: HttpRequest | None = None
) -> bool:
    """Reopen a closed audit, with the reason in its trail. False if it was not closed."""
    return _set_closed(review, closed=False, user=user, request=request, reason=reason.strip())


def _set_closed(
    review: Review, *, closed: bool, user: User, request: HttpRequest | None, reason: str = ""
) -> bool:
    """Move the audit to closed (the last status) or back to fieldwork, once, with its trail
    record; False, with nothing written, if it is already there."""
    status = Review.Status.ISSUED if closed else Review.Status.FIELDWORK
    with transaction.atomic():
        current = Review.objects.select_for_update().get(pk=review.pk)
        if current.is_finished == closed:
            return False
        now = timezone.now()
        Review.objects.filter(pk=review.pk).update(
            status=status,
            closed_at=now if closed else None,
            version=F("version") + 1,
            updated_at=now,
        )
        record_status_change(
            review=current,
            old=current.status,
            new=status,
            user=user,
            request=request,
            reason=reason,
        )
    return True


def join_audit(*, review: Review, user: User) -> Membership:
    """Put a quality assurance person of the authority on one of its audits."""
    membership, created = Membership.objects.get_or_create(
        review=review,
        user=user,
        defaults={"role": Role.QA_AUDITOR, "council": review.host.display_name},
    )
    if created:
        record_team_change(membership, change="added", by=user)
    return membership


def invite_to_audit(
    *,
    review: Review,
    email: str,
    full_name: str,
    role: str,
    agency: str,
    council: str,
    job_title: str,
    invited_by: User,
    site_url: str,
) -> Invitation:
    """Invite a quality assurance colleague, a partner auditor (with their agency) or a moderating
    peer from another council, through the review's own invitations (one link, seven days)."""
    with transaction.atomic():
        invitation = invite(
            review=review,
            email=email,
            role=role,
            full_name=full_name,
            invited_by=invited_by,
            site_url=site_url,
            council=council,
            job_title=job_title,
        )
        if role == Role.PARTNER_AUDITOR and agency:
            invitation.agency = agency
            invitation.save(update_fields=["agency", "updated_at"])
    return invitation


# The programme page ------------------------------------------------------------------------------


@dataclass
class ProgrammeRow:
    audit: Review
    sampled: int
    complete: int
    moderated: int
    live_confirmed: int
    joined: bool

    @property
    def url(self) -> str:
        return reverse("audits:home", kwargs={"pk": self.audit.pk})


def programme(authority: Organisation, user: User) -> list[ProgrammeRow]:
    """The authority's audits, newest first, with their progress: one query for any number."""
    audits = (
        Review.objects.internal_audits()
        .filter(host=authority)
        .annotate(
            sampled=Count("cases", filter=Q(cases__sample_status="sampled"), distinct=True),
            complete=Count(
                "cases", filter=Q(cases__audit__status=CaseAudit.Status.COMPLETE), distinct=True
            ),
            moderated=Count(
                "cases",
                filter=Q(cases__peer_sample__isnull=False, cases__audit__moderation__isnull=False),
                distinct=True,
            ),
            live_confirmed=Count(
                "cases", filter=Q(cases__live_record__confirmed_at__isnull=False), distinct=True
            ),
            joined=Count("memberships", filter=Q(memberships__user=user), distinct=True),
        )
        .only(
            "title",
            "status",
            "audit_kind",
            "audit_theme",
            "start_date",
            "end_date",
            "purpose",
        )
        .order_by("-start_date", "-pk")
    )
    return [
        ProgrammeRow(
            audit=audit,
            sampled=audit.sampled,  # type: ignore[attr-defined]
            complete=audit.complete,  # type: ignore[attr-defined]
            moderated=audit.moderated,  # type: ignore[attr-defined]
            live_confirmed=audit.live_confirmed,  # type: ignore[attr-defined]
            joined=bool(audit.joined),  # type: ignore[attr-defined]
        )
        for audit in audits
    ]


# Auditing the audits: the sample peers moderate ----------------------------------------------------


def completed_audits(review: Review) -> list[Case]:
    """The cases of the audit whose case audit is complete, with their auditor and whether they are
    in the peer sample (one query)."""
    return list(
        Case.objects.filter(review=review, audit__status=CaseAudit.Status.COMPLETE)
        .select_related("audit__auditor", "peer_sample", "audit__moderation__moderator")
        .order_by("reference")
    )


@transaction.atomic
def choose_peer_sample(*, review: Review, case_ids: list[int], user: User) -> int:
    """Make the peer sample exactly these completed audits. A case a peer has already moderated
    stays in it (its moderation stands). Returns how many are in the sample."""
    eligible = set(
        Case.objects.filter(
            review=review, pk__in=case_ids, audit__status=CaseAudit.Status.COMPLETE
        ).values_list("pk", flat=True)
    )
    moderated = set(
        PeerSampleCase.objects.filter(
            review=review, case__audit__moderation__isnull=False
        ).values_list("case_id", flat=True)
    )
    keep = eligible | moderated
    PeerSampleCase.objects.filter(review=review).exclude(case_id__in=keep).delete()
    already = set(PeerSampleCase.objects.filter(review=review).values_list("case_id", flat=True))
    PeerSampleCase.objects.bulk_create(
        PeerSampleCase(review=review, case_id=pk, chosen_by=user) for pk in sorted(keep - already)
    )
    trail_record(
        action=Event.Action.REVIEW_CHANGED,
        actor=user,
        obj=review,
        detail={"change": "peer moderation sample", "cases": len(keep)},
    )
    return len(keep)


def peer_sample(review: Review) -> list[Case]:
    """The cases of the peer sample, with their audit, auditor and moderation (one query)."""
    return list(
        Case.objects.filter(review=review, peer_sample__isnull=False)
        .select_related("audit__auditor", "audit__moderation__moderator")
        .order_by("reference")
    )


def peer_moderators(review: Review) -> list[int]:
    return list(
        Membership.objects.filter(review=review, role=Role.MODERATING_PEER).values_list(
            "user_id", flat=True
        )
    )


# Live audits --------------------------------------------------------------------------------------

CONFIRM_DAYS = 14


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class RecordLocked(Exception):
    """The social worker has confirmed the live audit's record: it can no longer change."""

    message = "The social worker has confirmed this record, so it can no longer change."


def live_record(case: Case) -> LiveAuditRecord | None:
    return LiveAuditRecord.objects.filter(case=case).select_related("recorded_by").first()


def save_live_record(
    *, case: Case, user: User, values: dict[str, Any], version: int | None
) -> LiveAuditRecord:
    """Create or update the record (version-checked). Changing a record sent for confirmation
    withdraws the link: it is sent again with the record as it now stands."""
    with transaction.atomic():
        existing = LiveAuditRecord.objects.select_for_update().filter(case=case).first()
        if existing is None:
            return LiveAuditRecord.objects.create(case=case, recorded_by=user, **values)
        if existing.is_confirmed:
            raise RecordLocked
        update_versioned(
            LiveAuditRecord.objects.filter(confirmed_at__isnull=True),
            pk=existing.pk,
            version=version,
            values={**values, "token_hash": "", "sent_at": None, "recorded_by": user},
        )
        existing.refresh_from_db()
        return existing


def send_for_confirmation(*, record: LiveAuditRecord, site_url: str) -> Queued:
    """Email the social worker a link to read and confirm the record (through the outbox). Only
    the SHA-256 of the link's secret is kept; a new link replaces the old one."""
    if record.is_confirmed:
        raise RecordLocked
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        record.token_hash = _hash(token)
        record.sent_at = timezone.now()
        record.save(update_fields=["token_hash", "sent_at", "updated_at"])
        return send_email(
            template="audits/email/live_audit_confirm",
            context={
                "record": record,
                "review": record.case.review,
                "url": site_url + reverse("audits:live-confirm", kwargs={"token": token}),
                "days": CONFIRM_DAYS,
            },
            to=[record.worker_email],
            about=record,
        )


def record_by_token(token: str) -> LiveAuditRecord | None:
    """The record this link is for, while the link is usable (sent within CONFIRM_DAYS days)."""
    if not token:
        return None
    found = (
        LiveAuditRecord.objects.filter(token_hash=_hash(token))
        .exclude(token_hash="")
        .select_related("case__review__host")
        .first()
    )
    if found is None or found.sent_at is None:
        return None
    if found.sent_at + dt.timedelta(days=CONFIRM_DAYS) < timezone.now() and not found.is_confirmed:
        return None
    return found


def confirm_live_record(*, record: LiveAuditRecord, comment: str) -> LiveAuditRecord:
    """The social worker confirms the record (with a comment if they wish); it is then locked."""
    with transaction.atomic():
        updated = LiveAuditRecord.objects.filter(pk=record.pk, confirmed_at__isnull=True).update(
            confirmed_at=timezone.now(), worker_comment=comment, updated_at=timezone.now()
        )
        if not updated:
            raise RecordLocked
        record.refresh_from_db()
        trail_record(
            action=Event.Action.REVIEW_CHANGED,
            actor_email=record.worker_email,
            obj=record,
            review_id=record.case.review_id,
            detail={"change": "live audit record confirmed", "case": record.case.reference},
        )
    return record
