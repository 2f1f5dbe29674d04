"""A person's reviews, one review's overview, creating and editing a review, its trail."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from accounts.forms import StepUpForm
from accounts.http import AuthenticatedHttpRequest
from core import attention, readiness
from core.exports import download_name
from core.http import bound_data, paginate, site_url
from core.versioning import StaleEdit, rebind_conflict
from reviews.permissions import (
    get_review_for,
    may_coordinate,
    programme_authorities_for,
    regions_granted,
    require_coordinator,
    review_context,
)
from reviews.setup import services
from reviews.setup.forms import ReviewForm
from reviews.setup.models import STAGE_ENDS, Membership, Review, Role
from reviews.setup.services import reset_member_second_factor
from trail.forms import TrailFilterForm
from trail.models import Event
from trail.services import record, trail_csv

# Finished reviews are listed a page at a time: a long-serving reviewer's page stays as quick as a
# newcomer's (docs/performance.md).
FINISHED_PER_PAGE = 10


@require_safe
def your_reviews(request: AuthenticatedHttpRequest) -> HttpResponse:
    """What each person sees first: their reviews, their role on each, and the next thing to do.

    Current reviews all, first; finished reviews newest first, ten to a page.
    """
    mine = (
        Membership.objects.filter(user=request.user)
        .select_related("review__host")
        # What the list shows, and no more: a review's request, an authority's address and logo
        # are not read for each of up to thirty rows. (Reading a field left out would cost a query a
        # row: tests/performance counts them at two sizes.)
        .only(
            "role",
            "review__title",
            "review__status",
            "review__purpose",
            "review__start_date",
            "review__end_date",
            "review__host__name",
        )
        .order_by("-review__start_date", "review__title", "pk")
    )
    # One query for how many are finished and whether the person coordinates any review.
    finished_only = Q(review__status=Review.Status.ISSUED)
    counts = mine.aggregate(
        finished=Count("pk", filter=finished_only),
        coordinating=Count("pk", filter=Q(role=Role.COORDINATOR)),
    )
    paginator = Paginator(mine.filter(finished_only), FINISHED_PER_PAGE)
    paginator.count = counts["finished"]  # known already (a cached property: no count query)
    finished = paginator.get_page(request.GET.get("page"))
    # And one for the current reviews with this page of finished ones.
    # Both conditions are on the membership, so PostgreSQL starts from the person's memberships and
    # looks each review up by key: a condition on the review's status here made it scan every review.
    shown = list(
        mine.filter(
            Q(pk__in=mine.exclude(finished_only).values("pk"))
            # A page of a queryset's paginator holds a slice of that queryset.
            | Q(pk__in=cast(QuerySet[Membership], finished.object_list).values("pk"))
        )
    )
    coordinates = may_coordinate(
        request.user, roles=[Role.COORDINATOR] if counts["coordinating"] else []
    )
    return render(
        request,
        "reviews/your_reviews.html",
        {
            "current": [_entry(request, m) for m in shown if not m.review.is_finished],
            "finished": [_entry(request, m) for m in shown if m.review.is_finished],
            "finished_page": finished,
            "may_coordinate": coordinates,
            # What needs this person now, across all their reviews (each app adds to the list).
            "attention": attention.for_person(request.user, timezone.localdate()),
            # The regional view: coordinators, and people given a regional role.
            "may_see_regional": coordinates or bool(regions_granted(request.user)),
            # An authority's own audit programme (issue 23): its quality assurance staff, coordinators.
            "programme_authorities": programme_authorities_for(
                request.user, coordinates=coordinates
            ),
        },
    )


def _entry(request: AuthenticatedHttpRequest, membership: Membership) -> dict[str, object]:
    review = membership.review
    review.remember_role(request.user, membership.role)
    return {
        "review": review,
        "role": membership.get_role_display(),
        "next_step": review.next_step_for(membership.role),
        "url": _entry_url(review, membership.role),
    }


def _entry_url(review: Review, role: str) -> str:
    """Where a review's card leads: a partner auditor to their cases, a moderating peer to the
    audits chosen for them (they see nothing else of an authority's own audit, issue 23)."""
    if role == Role.PARTNER_AUDITOR:
        return reverse("audits:your-cases", kwargs={"pk": review.pk})
    if role == Role.MODERATING_PEER:
        return reverse("audits:agreement", kwargs={"pk": review.pk})
    return review.get_absolute_url()


@require_safe
def review_overview(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    review = get_review_for(request.user, pk, "view")
    if review.is_internal_audit:
        # An authority's own audit has no letter flow: its home is its case audits (issue 23).
        return redirect("audits:home", pk=review.pk)
    memberships = review.memberships.select_related("user__organisation").order_by(
        "role", "user__full_name"
    )
    team = [m for m in memberships if m.is_team]
    host_people = [m for m in memberships if not m.is_team]
    role = review.role_of(request.user)
    context = review_context(
        request,
        review,
        team=sorted(team, key=lambda m: _TEAM_ORDER.index(m.role)),
        host_people=host_people,
        your_role=Role(role).label if role else "",
        next_step=review.next_step_for(role),
        status_steps=_status_steps(review),
    )
    rights = context["review_rights"]
    # How ready the review is: each app's figures, those this person may see (core.readiness).
    context["readiness"] = readiness.for_review(
        review, timezone.localdate(), lambda right: rights[right]
    )
    context["last_stage_change"] = _last_stage_change(review)
    return render(request, "reviews/review_overview.html", context)


SHARED_CHANGE = "letter shared for factual accuracy check"  # reports.services.share's record


def _last_stage_change(review: Review) -> dict[str, object] | None:
    """The trail's latest change of stage (one query): when, who, from and to, and why when the
    coordinator moved the review back."""
    event = (
        Event.objects.filter(
            review_id=review.pk,
            action=Event.Action.REVIEW_CHANGED,
            # Issuing and the coordinator's edits record "status"; sharing the draft its own words.
            detail__change__in=["status", SHARED_CHANGE],
        )
        .only("at", "actor_email", "detail")
        .order_by("-at", "-pk")
        .first()
    )
    if event is None:
        return None
    labels = dict(Review.Status.choices)
    old, new = event.detail.get("from", ""), event.detail.get("to", "")
    return {
        "at": event.at,
        "by": event.actor_email,
        "from": labels.get(old, old),
        "to": labels.get(new, new),
        "reason": event.detail.get("reason", ""),
        "back": bool(event.detail.get("reason")),
    }


_TEAM_ORDER = [Role.LEAD_REVIEWER, Role.REVIEWER, Role.COORDINATOR]


def _status_steps(review: Review) -> list[dict[str, object]]:
    statuses = list(review.Status)
    here = statuses.index(review.Status(review.status))
    return [
        {
            "label": status.label,
            "ends": STAGE_ENDS[status],
            "done": i < here,
            "current": i == here,
        }
        for i, status in enumerate(statuses)
    ]


@require_http_methods(["GET", "HEAD", "POST"])
def review_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_coordinator(request.user)
    form = ReviewForm(bound_data(request), user=request.user, creating=True)
    if request.method == "POST" and form.is_valid():
        review = services.create_review(form=form, user=request.user)
        messages.success(request, f"Review “{review.title}” created. Next: invite the team.")
        return redirect(review)
    return render(request, "reviews/review_form.html", {"form": form, "creating": True})


@require_http_methods(["GET", "HEAD", "POST"])
def review_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    review = get_review_for(request.user, pk, "edit_review")
    form = ReviewForm(bound_data(request), instance=review, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_review(form=form, user=request.user, request=request)
        except StaleEdit:
            form = rebind_conflict(
                ReviewForm, form.data, Review.objects.get(pk=review.pk), user=request.user
            )
        else:
            messages.success(request, "Review details saved.")
            return redirect(review)
    return render(
        request,
        "reviews/review_form.html",
        review_context(request, review, form=form),
    )


@require_http_methods(["GET", "HEAD", "POST"])
def member_reset_two_factor(
    request: AuthenticatedHttpRequest, pk: int, membership_pk: int
) -> HttpResponse:
    """The coordinator resets a team member's second factor (lost phone), after proving it is them
    (their password and a current code); the person is told by email, and the trail records it."""
    review = get_review_for(request.user, pk, "manage_team")
    membership = get_object_or_404(review.memberships.select_related("user"), pk=membership_pk)
    form = StepUpForm(bound_data(request), request=request)
    if request.method == "POST" and form.is_valid():
        queued = reset_member_second_factor(
            review=review,
            person=membership.user,
            by=request.user,
            request=request,
            site_url=site_url(request),
        )
        messages.success(
            request,
            f"{membership.user.full_name} will set up two-factor sign-in again next time they sign "
            f"in. The email telling them is {queued.summary}: the team page shows when it is sent.",
        )
        return redirect(review)
    return render(
        request,
        "reviews/member_reset_two_factor.html",
        review_context(
            request,
            review,
            member=membership,
            form=form,
        ),
    )


@require_safe
def review_trail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The review's audit trail, filtered, 50 records a page; the coordinator may download it."""
    review = get_review_for(request.user, pk, "view_trail")
    form, events = _trail_events(request, review)
    page, query = paginate(request, events, 50)
    return render(
        request,
        "reviews/review_trail.html",
        review_context(
            request,
            review,
            form=form,
            page=page,
            query=query,
        ),
    )


def _trail_events(request: HttpRequest, review: Review) -> tuple[TrailFilterForm, QuerySet[Event]]:
    """The filter form as the query string fills it, and the review's records it lets through."""
    form = TrailFilterForm(request.GET or None)
    events = Event.objects.for_review(review.pk)
    if form.is_bound and form.is_valid():
        events = form.filter(events)
    return form, events


@require_safe
def review_trail_csv(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    review = get_review_for(request.user, pk, "view_trail")
    _form, events = _trail_events(request, review)
    response = trail_csv(events, filename=download_name(review, "audit-trail", "csv"))
    record(
        action=Event.Action.TRAIL_EXPORTED,
        request=request,
        obj=review,
        detail={"filters": request.GET.dict()},
    )
    return response
