"""The one permission module. Every view and template asks it what a person may do on a review.

A right is held by roles on the review (see ``RIGHTS``). Someone not on the review is an outsider: the
helpers below give them 404, so they do not learn the review exists; a member without the right gets 403.

Rights are registered with django-rules as ``reviews.<right>``, so ``rules.has_perm("reviews.view",
user, review)`` works too. Superusers get no shortcut here: they manage the service in the admin site,
and see a review's content only if they are on its team (need to know).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

import rules
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.http import Http404

from accounts.models import Organisation, QualityAssuranceRole, Region, RegionalAccess
from core.library import get_library_item
from reviews.setup.models import (
    HOST_ROLES,
    PEER_REVIEW_ROLES,
    TEAM_ROLES,
    Framework,
    Membership,
    Review,
    Role,
)

if TYPE_CHECKING:
    from accounts.http import AuthenticatedHttpRequest
    from accounts.models import User

# An authority's own audit (issue 23): its quality assurance auditors run it all; partner auditors
# and moderating peers are *case-scoped*: they see only some cases (``CASE_SCOPED_RIGHTS``), and
# nothing else of the audit or the authority (404, not 403: they do not learn what else is there).
_QA = frozenset({Role.QA_AUDITOR})
CASE_SCOPED = frozenset({Role.PARTNER_AUDITOR, Role.MODERATING_PEER})
_ALL = frozenset(PEER_REVIEW_ROLES) | _QA
_TEAM = frozenset({Role.COORDINATOR, Role.LEAD_REVIEWER, Role.REVIEWER})
_AUDITORS = frozenset({Role.LEAD_REVIEWER, Role.REVIEWER})

RIGHTS: dict[str, frozenset[str]] = {
    # See the review's overview, team and status.
    "view": _ALL,
    # See the team's working material: evidence notes, draft findings, case audits.
    "view_team_work": _TEAM | _QA,
    # Change the review's details (host, dates, request, status).
    "edit_review": frozenset({Role.COORDINATOR}),
    # Invite people, change roles, remove people.
    "manage_team": frozenset({Role.COORDINATOR, Role.QA_AUDITOR}),
    # Review days, sessions, documents requested; the review's own key lines of enquiry.
    "schedule": frozenset({Role.COORDINATOR}),
    # Read and download the documents the host sent (every download is recorded).
    "read_documents": _ALL,
    # Evidence notes and findings.
    "edit_findings": _AUDITORS,
    # See and export the review's audit trail (the lead reviewer: the history of changes to findings
    # and case audits).
    "view_trail": frozenset({Role.COORDINATOR, Role.LEAD_REVIEWER, Role.QA_AUDITOR}),
    # Mark findings agreed; choose key headlines.
    "agree_findings": frozenset({Role.LEAD_REVIEWER}),
    # Audit the case files of the dip sample.
    "audit_cases": _AUDITORS | _QA,
    # Raise a safeguarding alert about a case of the sample: also after the letter is issued, while the
    # case is still held (a worry about a child must always reach people).
    "raise_alert": _AUDITORS | _QA,
    # Read the draft letter and its presentation (the host lead contact: only while it is shared for
    # the factual accuracy check, see CONDITIONS).
    "view_letter_draft": _TEAM | {Role.HOST_LEAD},
    # Compose and edit the feedback letter; share the draft; answer the host's comments.
    "edit_letter": frozenset({Role.LEAD_REVIEWER}),
    # Issue the final letter.
    "issue_letter": frozenset({Role.LEAD_REVIEWER}),
    # Choose the letter template the review's letter is written from (its default follows the
    # review's kind).
    "choose_letter_template": frozenset({Role.COORDINATOR, Role.LEAD_REVIEWER}),
    # See and download the issued versions of the letter (every download is recorded).
    "download_letter": _ALL,
    # The host's part: self-assessment and pre-reading, factual accuracy comments.
    "complete_self_assessment": frozenset({Role.HOST_LEAD}),
    # Reopen a submitted self-assessment for the host lead contact to change (issue 21).
    "reopen_self_assessment": frozenset({Role.COORDINATOR}),
    "upload_documents": frozenset({Role.HOST_LEAD, Role.COORDINATOR}),
    # Comment on the shared draft (only while it is shared, see CONDITIONS).
    "comment_on_letter": frozenset({Role.HOST_LEAD}),
    # Case audits (the audits app). Upload or paste the host's case list.
    "upload_case_list": frozenset({Role.HOST_LEAD, Role.COORDINATOR, Role.QA_AUDITOR}),
    # See the case list (the host lead contact sees what they uploaded).
    "view_case_list": frozenset(
        {Role.HOST_LEAD, Role.COORDINATOR, Role.LEAD_REVIEWER, Role.REVIEWER, Role.QA_AUDITOR}
    ),
    # Choose the audit tool, set the reference rule, draw the sample, assign cases to auditors.
    "manage_sample": frozenset({Role.COORDINATOR, Role.LEAD_REVIEWER, Role.QA_AUDITOR}),
    # Moderate another auditor's completed case audit.
    "moderate": _AUDITORS | _QA,
    # Share individual case audits with the host's staff.
    "share_audits": frozenset({Role.LEAD_REVIEWER}),
    # After the letter (the improvement app). See the host's action plan and its progress.
    "view_action_plan": frozenset(
        {Role.HOST_LEAD, Role.HOST_STAFF, Role.COORDINATOR, Role.LEAD_REVIEWER}
    ),
    # Turn recommendations and areas for consideration into actions; record progress.
    "edit_action_plan": frozenset({Role.HOST_LEAD}),
    # Start a follow-up review from this one (copies the team and the framework).
    "create_follow_up": frozenset({Role.COORDINATOR}),
    # Follow the link to the host authority's history (see CONDITIONS and
    # ``may_see_authority_history``, which decides: this only says whether to offer the link).
    "see_host_history": _ALL,
    # An authority's own audit (issue 23). Everything of the audit beyond one's own cases: not for
    # the case-scoped roles (the menu and the breadcrumbs follow it).
    "see_whole_review": _ALL,
    # Choose the completed audits peers from another council moderate; record a live audit.
    "choose_peer_sample": _QA,
    # Change an own audit's details (title, theme, dates, what it looks at): until it is closed.
    "edit_audit": _QA,
    # Close an own audit when its work is done (its work then no longer changes), or reopen it.
    "close_audit": _QA,
    # See the agreement between auditors and moderating peers (peers: over their sample only).
    "see_agreement": _QA | {Role.MODERATING_PEER},
    # A partner auditor: see and audit the cases assigned to them, raise an alert about one.
    "audit_own_cases": frozenset({Role.PARTNER_AUDITOR}),
    # A moderating peer: read and moderate the completed audits of the peer sample.
    "moderate_sample": frozenset({Role.MODERATING_PEER}),
}


# What a case-scoped role needs instead of a review-wide right, on the cases it may see (audits'
# ``get_case_for`` then narrows to those cases). Any other right: 404.
CASE_SCOPED_RIGHTS: dict[str, dict[str, str]] = {
    Role.PARTNER_AUDITOR: {
        "view": "audit_own_cases",
        "audit_cases": "audit_own_cases",
        "raise_alert": "audit_own_cases",
    },
    Role.MODERATING_PEER: {
        "view": "moderate_sample",
        "moderate": "moderate_sample",
        "see_agreement": "see_agreement",
    },
}


def _shared_with_host(review: Review, role: str | None) -> bool:
    """The team always; host roles only while the draft is out for the factual accuracy check."""
    return role in _TEAM or review.status == Review.Status.ACCURACY_CHECK


def _before_issue(review: Review, role: str | None) -> bool:
    """The issued letter rests on the team's work: once it is issued, that work no longer changes."""
    return not review.is_finished


class LetterIssued(PermissionDenied):
    """A write refused because the review's letter is issued (the 403 page says so in these words)."""

    user_message = (
        "The letter has been issued, so this review's evidence notes, findings, case list, sample, "
        "case audits, moderation and analysis can no longer change."
    )


class AuditClosed(LetterIssued):
    """The same refusal on an authority's own audit, which has no letter: it is closed."""

    user_message = (
        "This audit is closed, so its details, case list, sample, case audits, moderation and "
        "analysis can no longer change. A quality assurance auditor on it can reopen it."
    )


def _related_to_host(review: Review, role: str | None) -> bool:
    """The host's people always; the team once the letter is issued (``_related_reviews``)."""
    return role in HOST_ROLES or review.letter_is_issued


# Rights that also depend on where the review is, not only on the role.
CONDITIONS: dict[str, Callable[[Review, str | None], bool]] = {
    "view_letter_draft": _shared_with_host,
    "comment_on_letter": _shared_with_host,
    # Writes to the work the letter rests on stop when it is issued (pages only show it read-only).
    "edit_findings": _before_issue,
    "agree_findings": _before_issue,
    "audit_cases": _before_issue,
    "edit_audit": _before_issue,
    "moderate": _before_issue,
    "manage_sample": _before_issue,
    "upload_case_list": _before_issue,
    "see_host_history": _related_to_host,
    "choose_peer_sample": _before_issue,
    "audit_own_cases": _before_issue,
    "moderate_sample": _before_issue,
}


def _holds(right: str, review: Review, role: str | None) -> bool:
    if role not in RIGHTS[right]:
        return False
    condition = CONDITIONS.get(right)
    return condition is None or condition(review, role)


def _role_in(right: str, roles: frozenset[str]) -> rules.Predicate:
    def check(user: User, review: Review | None) -> bool:
        return review is not None and _holds(right, review, review.role_of(user))

    return rules.predicate(check, name=f"has_role_for_{right}")


for _right, _roles in RIGHTS.items():
    rules.add_perm(f"reviews.{_right}", _role_in(_right, _roles))


def can(user: User, right: str, review: Review) -> bool:
    """May this person do this on this review? ``right`` is a key of ``RIGHTS``."""
    if right not in RIGHTS:
        raise KeyError(f"Unknown right {right!r}: add it to reviews.permissions.RIGHTS")
    return rules.has_perm(f"reviews.{right}", user, review)


def rights_for(user: User, review: Review) -> dict[str, bool]:
    """Every right this person has on this review, for templates: ``{% if review_rights.edit_findings %}``.

    A case-scoped role (partner auditor, moderating peer) is shown the rights it holds on the cases
    it may see (``CASE_SCOPED_RIGHTS``): the pages it reaches are only those cases' pages."""
    role = review.role_of(user)
    scoped = CASE_SCOPED_RIGHTS.get(role or "")
    if scoped is not None:
        return {
            right: _holds(scoped[right], review, role)
            if right in scoped
            else _holds(right, review, role)
            for right in RIGHTS
        }
    return {right: _holds(right, review, role) for right in RIGHTS}


def review_context(
    request: AuthenticatedHttpRequest, review: Review, /, **extra: Any
) -> dict[str, Any]:
    """The context of every page of a review: the review, what this person may do on it (templates
    read ``review_rights``, e.g. ``{% if review_rights.edit_findings %}``) and the page's own
    ``extra``."""
    return {"review": review, "review_rights": rights_for(request.user, review), **extra}


def get_review_for(
    user: User, pk: Any, right: str = "view", *, queryset: QuerySet[Review] | None = None
) -> Review:
    """The review, if this person may do ``right`` on it: 404 for outsiders, 403 for members without it."""
    if right not in RIGHTS:
        raise KeyError(f"Unknown right {right!r}")
    review = _fetch_review(user, pk, queryset)
    _check(user, right, review)
    return review


def get_review_for_case(user: User, pk: Any, right: str) -> Review:
    """``get_review_for`` for the pages of one case: a case-scoped role (partner auditor, moderating
    peer) is asked for its own right instead (``CASE_SCOPED_RIGHTS``; 404 when it has none). The
    caller (``audits.permissions.get_case_for``) then narrows the cases to those it may see."""
    if right not in RIGHTS:
        raise KeyError(f"Unknown right {right!r}")
    review = _fetch_review(user, pk, None)
    scoped = CASE_SCOPED_RIGHTS.get(review.role_of(user) or "")
    if scoped is not None:
        if right not in scoped:
            raise Http404("No review found")
        right = scoped[right]
    _check(user, right, review)
    return review


def is_case_scoped(user: User, review: Review) -> bool:
    """A partner auditor or moderating peer on this review: they see only some of its cases."""
    return review.role_of(user) in CASE_SCOPED


def _fetch_review(user: User, pk: Any, queryset: QuerySet[Review] | None) -> Review:
    qs = (
        queryset
        if queryset is not None
        else Review.objects.select_related("host", "lead_organisation")
    )
    if user.is_authenticated:
        # The person's role comes with the review (one query, not two on every page of a review).
        role = Membership.objects.filter(review=OuterRef("pk"), user=user).values("role")[:1]
        review = qs.annotate(viewer_role=Subquery(role)).filter(pk=pk).first()
        if review is not None:
            review.remember_role(user, review.viewer_role)
    else:
        review = qs.filter(pk=pk).first()
    if review is None or review.role_of(user) is None:
        raise Http404("No review found")
    return review


def _check(user: User, right: str, review: Review) -> None:
    if not can(user, right, review):
        role = review.role_of(user)
        if CONDITIONS.get(right) is _before_issue and role in RIGHTS[right]:
            # The person holds the right: they are told why it stops here (a partner auditor too).
            if review.is_internal_audit:
                raise AuditClosed(f"The audit is closed: no more changes ({right}).")
            raise LetterIssued(f"The letter is issued: no more changes ({right}).")
        if role in CASE_SCOPED:
            # Partner auditors and moderating peers see only their cases: the rest is not there.
            raise Http404("No review found")
        raise PermissionDenied(f"Your role on this review does not allow this ({right}).")


def may_coordinate(user: User, *, roles: Iterable[str] | None = None) -> bool:
    """May this person set up new reviews and keep frameworks of KLOEs?

    Coordinators of any review may; so may people an administrator gave "Can add review" to (directly
    or through a group), which is how the first coordinator of an organisation starts. ``roles``: this
    person's roles on their reviews, when the caller has them already (saves a query).
    """
    if not user.is_authenticated or not user.is_active:
        return False
    if roles is None:
        if Membership.objects.filter(user=user, role=Role.COORDINATOR).exists():
            return True
    elif Role.COORDINATOR in roles:
        return True
    granted = Q(user=user) | Q(group__user=user)
    return (
        Permission.objects.filter(granted, codename="add_review", content_type__app_label="reviews")
        .distinct()
        .exists()
    )


def require_coordinator(user: User) -> None:
    if not may_coordinate(user):
        raise PermissionDenied("Only coordinators can do this.")


def get_framework_for(user: User, pk: Any, *, edit: bool = False) -> Framework:
    """A framework template this coordinator may use (404 otherwise); ``edit``: one they may change.

    Defaults are read-only for everyone (copy one to adapt it); a copy belongs to its organisation and
    only that organisation's people may change it (``Framework.may_be_edited_by``).
    """
    require_coordinator(user)
    framework: Framework = get_library_item(
        Framework.objects.usable_by(user),
        pk,
        user,
        edit=edit,
        missing="No framework found",
        not_editable="Only your organisation's own frameworks can be changed. The default "
        "frameworks cannot be changed: make a copy.",
    )
    return framework


def offers_letterhead(user: User, review: Review) -> bool:
    """Does the letter page link to the lead organisation's letterhead? For the review's coordinator
    who is of that organisation (no query: the role comes with the review); anyone else who may keep
    it finds it on Your reviews."""
    return (
        review.role_of(user) == Role.COORDINATOR
        and user.organisation_id is not None
        and user.organisation_id == review.lead_organisation_id
    )


def get_letterhead_for(user: User, pk: Any) -> Organisation:
    """A person's own organisation, to keep its letterhead: its coordinators (``may_coordinate``, in
    the organisation an administrator set for them) may. 404 for anyone not of it (another
    organisation's coordinators too), 403 for its people who are not coordinators."""
    own = user.organisation_id if user.is_authenticated else None
    organisation = (
        Organisation.objects.filter(pk=own).first()
        if own is not None and str(own) == str(pk)
        else None
    )
    if organisation is None:
        raise Http404("No organisation found")
    if not may_coordinate(user):
        raise PermissionDenied("Only your organisation's coordinators can change its letterhead.")
    return organisation


# An authority's audit programme (issue 23) ---------------------------------------------------------


def is_quality_assurance(user: User, organisation_pk: Any) -> bool:
    """Was this person given the quality assurance role of this authority (by its coordinators or an
    administrator)? Only while they are of that organisation."""
    if not user.is_authenticated or not user.is_active or user.organisation_id is None:
        return False
    return (
        str(user.organisation_id) == str(organisation_pk)
        and QualityAssuranceRole.objects.filter(user=user, organisation_id=organisation_pk).exists()
    )


def programme_authorities_for(user: User, *, coordinates: bool | None = None) -> list[Organisation]:
    """The authorities whose audit programme this person may open: their own organisation, when they
    have its quality assurance role or coordinate for it. ``coordinates``: ``may_coordinate(user)``,
    when the caller knows it already (saves two queries)."""
    if not user.is_authenticated or user.organisation_id is None:
        return []
    if coordinates is None:
        coordinates = may_coordinate(user)
    if coordinates or is_quality_assurance(user, user.organisation_id):
        return list(Organisation.objects.filter(pk=user.organisation_id))
    return []


def get_programme_for(
    user: User, pk: Any, *, run: bool = False, grant: bool = False
) -> Organisation:
    """The authority whose audit programme this person may see: its quality assurance staff and its
    coordinators. ``run``: start audits (quality assurance staff only). ``grant``: give or take the
    quality assurance role (its coordinators only). 404 for anyone not of the authority, 403 for its
    people without the right."""
    own = user.organisation_id if user.is_authenticated else None
    organisation = (
        Organisation.objects.filter(pk=own).first()
        if own is not None and str(own) == str(pk)
        else None
    )
    if organisation is None:
        raise Http404("No authority found")
    qa = is_quality_assurance(user, organisation.pk)
    coordinates = may_coordinate(user)
    if not (qa or coordinates):
        raise PermissionDenied(
            "The audit programme is for the authority's quality assurance staff."
        )
    if run and not qa:
        raise PermissionDenied("Only the authority's quality assurance staff start its audits.")
    if grant and not coordinates:
        raise PermissionDenied("Only the authority's coordinators give the quality assurance role.")
    return organisation


def require_organisation(user: User, what: str) -> None:
    """Library copies (frameworks, audit tools) belong to an organisation: a person with none (for
    example someone who joined by invitation, before an administrator set their organisation) cannot
    keep one."""
    if user.organisation_id is None:
        raise PermissionDenied(
            f"You need an organisation to keep a copy of {what}: ask an administrator to set yours."
        )


# Beyond one review: an authority's history and the regional view ---------------------------------
#
# Regions and regional access live in the accounts app; the decisions about them live here, with
# every other permission.


def regions_granted(user: User) -> list[int]:
    """The regions this person was given a regional role for (in the admin site)."""
    if not user.is_authenticated or not user.is_active:
        return []
    return list(RegionalAccess.objects.filter(user=user).values_list("region_id", flat=True))


def may_see_regional_view(user: User) -> bool:
    """Coordinators and people with a regional role see the regional view."""
    return bool(regions_granted(user)) or may_coordinate(user)


def require_regional_view(user: User) -> None:
    if not may_see_regional_view(user):
        raise PermissionDenied("The regional view is for coordinators and regional leads.")


def regional_reviews_for(user: User) -> QuerySet[Review]:
    """The issued reviews the regional view counts for this person.

    People with a regional role: reviews hosted by their regions' authorities. Coordinators: reviews
    hosted by the authorities of any region their own organisation belongs to, and every review led by
    their own organisation (the organisation an administrator set: an invitation never sets one, and a
    person with none gets nothing from it). Anyone else: none. Which authorities are named rather than
    lettered is ``named_authorities_for``.
    """
    if not user.is_authenticated or not user.is_active:
        return Review.objects.none()
    region_ids = set(regions_granted(user))
    scope = Q(pk__in=[])
    if may_coordinate(user) and user.organisation_id:
        region_ids |= set(
            Region.objects.filter(organisations=user.organisation_id).values_list("pk", flat=True)
        )
        scope |= Q(lead_organisation_id=user.organisation_id)
    if region_ids:
        scope |= Q(host__regions__in=region_ids)
    return Review.objects.filter(scope, status=Review.Status.ISSUED).distinct()


def _related_reviews(user: User) -> QuerySet[Review]:
    """The reviews through which this person has a real relationship with their host authority.

    - A host role (host lead contact, host staff) on a review: they are that authority's people.
    - A team role (coordinator, lead reviewer, reviewer) on a review whose final letter was issued
      while they were on its team (their membership began no later than the letter's first issue).
      Creating a review, joining one, or moving its status on by hand does not count: only the
      letter that the lead reviewer issues at the end of a real review does.

    (A live review's team reads what it needs on the review's own pages; a follow-up reaches the
    review it follows up through its own link.)
    """
    host_roles = Q(memberships__user=user, memberships__role__in=HOST_ROLES)
    issued_while_on_team = Q(
        memberships__user=user,
        memberships__role__in=TEAM_ROLES,
        memberships__created_at__lte=F("letter_issued_at"),
        status=Review.Status.ISSUED,
        letter_issued_at__isnull=False,
    )
    return Review.objects.filter(host_roles | issued_while_on_team)


def named_authorities_for(user: User) -> set[int]:
    """Authorities this person may see named in regional figures (others are lettered): those they
    have a real relationship with through a review (``_related_reviews``). A regional role lets a
    person count a region's reviews, not name its authorities; setting up a review names nobody."""
    if not user.is_authenticated or not user.is_active:
        return set()
    return set(_related_reviews(user).values_list("host_id", flat=True).distinct())


def may_see_authority_history(user: User, organisation: Organisation) -> bool:
    """An authority's history (its reviews, their recommendations and actions, the external reviews
    recorded) is for people with a real relationship with it:

    - its people on any of its reviews (a host role: host lead contact or host staff);
    - the team of one of its reviews, once that review's letter was issued while they were on it
      (``_related_reviews``): not the coordinator who merely picked it as the host of a new review;
    - people an administrator gave a regional role for a region it belongs to.
    """
    if not user.is_authenticated or not user.is_active:
        return False
    if _related_reviews(user).filter(host=organisation).exists():
        return True
    granted = regions_granted(user)
    return bool(granted) and organisation.regions.filter(pk__in=granted).exists()


def may_record_external_review(user: User, organisation: Organisation) -> bool:
    """Host lead contacts of the authority's reviews, and coordinators of its reviews who may see
    its history (``may_see_authority_history``: an issued review they were on)."""
    if not user.is_authenticated or not user.is_active:
        return False
    if Membership.objects.filter(
        user=user, review__host=organisation, role=Role.HOST_LEAD
    ).exists():
        return True
    return (
        _related_reviews(user)
        .filter(host=organisation, memberships__user=user, memberships__role=Role.COORDINATOR)
        .exists()
    )


def get_authority_for(user: User, pk: Any, *, record: bool = False) -> Organisation:
    """An authority whose history this person may see (404 otherwise); ``record``: and add to it (403)."""
    organisation = Organisation.objects.filter(pk=pk).first()
    if organisation is None or not may_see_authority_history(user, organisation):
        raise Http404("No authority found")
    if record and not may_record_external_review(user, organisation):
        raise PermissionDenied(
            "Only the host lead contact or a coordinator can add to the history."
        )
    return organisation
