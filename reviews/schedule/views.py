"""The timetable: days and sessions, the day-by-day page and its grid, its PDF and calendar files;
publishing it and sending its changes."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.http import AuthenticatedHttpRequest
from accounts.models import User
from core.exports import attachment, download_name
from core.http import bound_data, site_url, whole_number
from core.pdf import render_pdf
from core.versioning import StaleEdit, rebind_conflict
from reviews.permissions import get_review_for, review_context, rights_for
from reviews.schedule import services
from reviews.schedule.calendar import build_calendar
from reviews.schedule.forms import ReviewDayForm, SessionForm
from reviews.schedule.models import (
    CalendarFeed,
    ReviewDay,
    Session,
    SessionQuerySet,
    TimetablePublication,
)
from reviews.schedule.timetable import build_grid, build_timetable, warnings_for
from reviews.setup.models import Membership, Review


def _publication(review: Review) -> TimetablePublication | None:
    return TimetablePublication.objects.filter(review=review).select_related("published_by").first()


@require_safe
def timetable(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    review = get_review_for(request.user, pk, "view")
    rights = rights_for(request.user, review)
    return render(
        request,
        "reviews/timetable.html",
        review_context(
            request,
            review,
            timetable=build_timetable(review),
            show_warnings=rights["schedule"],
            publication=_publication(review),
            pending=services.pending_changes(review) if rights["schedule"] else None,
        ),
    )


@require_safe
def timetable_grid(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The same timetable as a grid: a row per time, a column per reviewer."""
    review = get_review_for(request.user, pk, "view")
    built = build_timetable(review)
    return render(
        request,
        "reviews/timetable_grid.html",
        review_context(request, review, grid=build_grid(built), publication=_publication(review)),
    )


@require_POST
def timetable_publish(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    review = get_review_for(request.user, pk, "schedule")
    try:
        queued = services.publish_timetable(
            review=review, user=request.user, site_url=site_url(request)
        )
    except services.AlreadyPublished:
        messages.info(request, "The timetable was already published.")
    else:
        messages.success(
            request,
            "The timetable is published. Each person's email with their own sessions is "
            f"{queued.summary}.",
        )
    return redirect("reviews:timetable", pk=review.pk)


@require_POST
def timetable_send_changes(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    review = get_review_for(request.user, pk, "schedule")
    if not services.is_published(review):
        messages.error(request, "Publish the timetable first: nobody has been sent it yet.")
        return redirect("reviews:timetable", pk=review.pk)
    queued = services.send_changes(review=review, site_url=site_url(request))
    if queued:
        messages.success(
            request,
            f"The changes are sent: one email to each person they concern, {queued.summary}.",
        )
    else:
        messages.info(request, "There were no changes to send.")
    return redirect("reviews:timetable", pk=review.pk)


@require_safe
def timetable_pdf(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    review = get_review_for(request.user, pk, "view")
    pdf = render_pdf(
        "print/timetable.html",
        {"review": review, "timetable": build_timetable(review), "printed": timezone.now()},
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    return attachment(response, download_name(review, "timetable", "pdf"))


def _calendar_response(content: bytes, filename: str) -> HttpResponse:
    response = attachment(
        HttpResponse(content, content_type="text/calendar; charset=utf-8"), filename
    )
    # A person's timetable, fetched by a secret address with nobody signed in: no shared cache (a
    # proxy, a CDN) keeps it, and neither does the calendar app's disk cache.
    response["Cache-Control"] = "no-store, private"
    return response


def _review_sessions(review: Review) -> SessionQuerySet:
    return (
        Session.objects.filter(review=review)
        .select_related("day", "review")
        .prefetch_related("reviewers", "host_people")
        .order_by("day__date", "start_time", "pk")
    )


@require_safe
def timetable_ics(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The review's calendar file, downloaded while signed in."""
    review = get_review_for(request.user, pk, "view")
    return _calendar_response(
        build_calendar(_review_sessions(review), name=review.title),
        download_name(review, "timetable", "ics"),
    )


@require_http_methods(["GET", "HEAD", "POST"])
def day_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    review = get_review_for(request.user, pk, "schedule")
    form = ReviewDayForm(bound_data(request), review=review)
    if request.method == "POST" and form.is_valid():
        day = form.save(commit=False)
        day.review = review
        day.save()
        messages.success(request, f"Added {day}.")
        if not review.in_dates(day.date):
            messages.warning(request, f"{day} is outside the review's dates.")
        return redirect("reviews:timetable", pk=review.pk)
    return render(
        request,
        "reviews/day_form.html",
        review_context(request, review, form=form),
    )


@require_POST
def day_delete(request: AuthenticatedHttpRequest, pk: int, day: int) -> HttpResponse:
    review = get_review_for(request.user, pk, "schedule")
    found = get_object_or_404(ReviewDay, review=review, pk=day)
    try:
        services.remove_day(day=found)
    except services.DayHasSessions:
        messages.error(
            request, f"{found} still has sessions: move or cancel them before removing the day."
        )
    else:
        messages.success(request, f"Removed {found}.")
    return redirect("reviews:timetable", pk=review.pk)


def _session_page(
    request: AuthenticatedHttpRequest,
    review: Review,
    form: SessionForm,
    session: Session | None,
    copied: Session | None = None,
) -> HttpResponse:
    return render(
        request,
        "reviews/session_form.html",
        review_context(
            request,
            review,
            form=form,
            session=session,
            copied=copied,
            published=services.is_published(review),
            warnings=warnings_for(session) if session else [],
        ),
    )


def _told(review: Review) -> str:
    """What a change means for the people it concerns, said when it is saved."""
    if not services.is_published(review):
        return " The timetable is not published yet: nobody has been emailed."
    pending = services.pending_changes(review)
    if not pending:
        return ""
    return f" {pending.summary}: send them from the timetable when you have finished."


def _saved(request: AuthenticatedHttpRequest, session: Session, verb: str) -> HttpResponse:
    messages.success(request, f"{verb} “{session.title}”.{_told(session.review)}")
    for warning in warnings_for(session):
        messages.warning(request, f"Check “{session.title}”: {warning}.")
    return redirect("reviews:timetable", pk=session.review_id)


@require_http_methods(["GET", "HEAD", "POST"])
def session_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    review = get_review_for(request.user, pk, "schedule")
    initial: dict[str, object] = {}
    if day := request.GET.get("day"):
        initial["day"] = day
    copied = _copied(review, request.GET.get("copy", ""))
    if copied is not None:
        initial.update(services.copy_initial(copied))
    form = SessionForm(bound_data(request), review=review, initial=initial)
    if request.method == "POST" and form.is_valid():
        session = services.save_session(form=form, review=review)
        return _saved(request, session, "Added")
    return _session_page(request, review, form, None, copied)


def _copied(review: Review, value: str) -> Session | None:
    """The session of this review to copy (``?copy=``), or None."""
    wanted = whole_number(value)
    if wanted is None:
        return None
    return (
        Session.objects.filter(review=review, pk=wanted)
        .prefetch_related("reviewers", "host_people", "kloes")
        .first()
    )


def _session(review: Review, session: int) -> Session:
    return get_object_or_404(
        Session.objects.select_related("day", "review").filter(cancelled_at__isnull=True),
        review=review,
        pk=session,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def session_edit(request: AuthenticatedHttpRequest, pk: int, session: int) -> HttpResponse:
    review = get_review_for(request.user, pk, "schedule")
    found = _session(review, session)
    form = SessionForm(bound_data(request), instance=found, review=review)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_session(form=form, review=review)
        except StaleEdit:
            form = rebind_conflict(SessionForm, form.data, _session(review, session), review=review)
        else:
            return _saved(request, saved, "Saved")
    return _session_page(request, review, form, _session(review, session))


@require_http_methods(["GET", "HEAD", "POST"])
def session_cancel(request: AuthenticatedHttpRequest, pk: int, session: int) -> HttpResponse:
    review = get_review_for(request.user, pk, "schedule")
    found = _session(review, session)
    if request.method == "POST":
        services.cancel_session(session=found)
        messages.success(request, f"Cancelled “{found.title}”.{_told(review)}")
        return redirect("reviews:timetable", pk=review.pk)
    return render(
        request,
        "reviews/session_cancel.html",
        review_context(request, review, session=found),
    )


# Calendar feeds ----------------------------------------------------------------------------------


@require_safe
def calendar(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Your secret calendar addresses (created the first time you look)."""
    feed = CalendarFeed.objects.filter(user=request.user).first()
    reviews = Review.objects.for_user(request.user).order_by("-start_date", "title")
    return render(request, "reviews/calendar.html", {"feed": feed, "reviews": reviews})


@require_POST
def calendar_reset(request: AuthenticatedHttpRequest) -> HttpResponse:
    feed = CalendarFeed.objects.filter(user=request.user).first()
    if feed is None:
        CalendarFeed.for_user(request.user)
        messages.success(request, "Your calendar address is ready. Keep it to yourself.")
    else:
        feed.reset()
        messages.success(
            request,
            "Your calendar address was reset. The old address no longer works: subscribe again with the new one.",
        )
    return redirect("reviews:calendar")


def _feed_owner(token: str) -> User:
    feed = CalendarFeed.objects.select_related("user").filter(token=token).first()
    if feed is None or not feed.user.is_active:
        raise Http404("No such calendar")
    return feed.user


@login_not_required
@require_safe
def calendar_person_feed(request: HttpRequest, token: str) -> HttpResponse:
    """Every session this person attends, across all their reviews. The secret address is the key."""
    user = _feed_owner(token)
    reviews = Membership.objects.filter(user=user).values("review")
    sessions = (
        Session.objects.filter(review__in=reviews)
        .published()
        .for_person(user)
        .select_related("day", "review")
        .prefetch_related("reviewers", "host_people")
        .order_by("day__date", "start_time", "pk")
    )
    return _calendar_response(
        build_calendar(sessions, name=f"Peer review sessions: {user.full_name}"),
        "peer-reviews.ics",
    )


@login_not_required
@require_safe
def calendar_review_feed(request: HttpRequest, token: str, pk: int) -> HttpResponse:
    """Every session of one review the person is on."""
    user = _feed_owner(token)
    review = Review.objects.for_user(user).filter(pk=pk).first()
    if review is None:
        raise Http404("No review found")
    return _calendar_response(
        build_calendar(_review_sessions(review).published(), name=review.title),
        download_name(review, "timetable", "ics"),
    )
