from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.datastructures import MultiValueDict
from django.views.decorators.http import require_http_methods, require_safe

from reviews import services
from reviews.forms import ReviewForm
from reviews.models import Membership, Review, Role
from reviews.permissions import get_review_for, may_coordinate, require_coordinator, rights_for


@require_safe
def your_reviews(request: HttpRequest) -> HttpResponse:
    """What each person sees first: their reviews, their role on each, and the next thing to do."""
    memberships = list(
        Membership.objects.filter(user=request.user)
        .select_related("review__host", "review__lead_organisation")
        .order_by("-review__start_date", "review__title")
    )
    current, finished = [], []
    for membership in memberships:
        review = membership.review
        review.remember_role(request.user, membership.role)
        entry = {
            "review": review,
            "role": membership.get_role_display(),
            "next_step": review.next_step_for(membership.role),
        }
        (finished if review.is_finished else current).append(entry)
    return render(
        request,
        "reviews/your_reviews.html",
        {
            "current": current,
            "finished": finished,
            "may_coordinate": may_coordinate(request.user, roles=[m.role for m in memberships]),
        },
    )


@require_safe
def review_overview(request: HttpRequest, pk: int) -> HttpResponse:
    review = get_review_for(request.user, pk, "view")
    memberships = review.memberships.select_related("user__organisation").order_by(
        "role", "user__full_name"
    )
    team = [m for m in memberships if m.is_team]
    host_people = [m for m in memberships if not m.is_team]
    role = review.role_of(request.user)
    return render(
        request,
        "reviews/review_overview.html",
        {
            "review": review,
            "review_rights": rights_for(request.user, review),
            "team": sorted(team, key=lambda m: _TEAM_ORDER.index(m.role)),
            "host_people": host_people,
            "your_role": Role(role).label if role else "",
            "next_step": review.next_step_for(role),
            "status_steps": _status_steps(review),
        },
    )


_TEAM_ORDER = [Role.LEAD_REVIEWER, Role.REVIEWER, Role.COORDINATOR]


def _status_steps(review: Review) -> list[dict[str, object]]:
    statuses = list(review.Status)
    here = statuses.index(review.status)
    return [
        {"label": status.label, "done": i < here, "current": i == here}
        for i, status in enumerate(statuses)
    ]


def form_data(request: HttpRequest) -> QueryDict | None:
    """What a form is bound to: the POST, even an empty one (so it says what is missing), or None."""
    return request.POST if request.method == "POST" else None


def form_files(request: HttpRequest) -> MultiValueDict | None:
    return request.FILES if request.method == "POST" else None


def site_url(request: HttpRequest) -> str:
    """The service's address as this request reached it, for links in emails."""
    return request.build_absolute_uri("/").rstrip("/")


@require_http_methods(["GET", "HEAD", "POST"])
def review_create(request: HttpRequest) -> HttpResponse:
    require_coordinator(request.user)
    form = ReviewForm(form_data(request), user=request.user, creating=True)
    if request.method == "POST" and form.is_valid():
        review = services.create_review(form=form, user=request.user)
        messages.success(request, f"Review “{review.title}” created. Next: invite the team.")
        return redirect(review)
    return render(request, "reviews/review_form.html", {"form": form, "creating": True})


@require_http_methods(["GET", "HEAD", "POST"])
def review_edit(request: HttpRequest, pk: int) -> HttpResponse:
    review = get_review_for(request.user, pk, "edit_review")
    form = ReviewForm(form_data(request), instance=review, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_review(form=form)
        except services.StaleEdit as stale:
            form.add_error(None, stale.message)
        else:
            messages.success(request, "Review details saved.")
            return redirect(review)
    return render(
        request,
        "reviews/review_form.html",
        {"form": form, "review": review, "review_rights": rights_for(request.user, review)},
    )
