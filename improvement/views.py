"""After the letter: the action plan, follow-up reviews, an authority's history, the regional view and
the list of themes. Thin views: every one asks ``reviews.permissions`` first."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.http import AuthenticatedHttpRequest
from core.exports import attachment, csv_response, download_name, xlsx_response
from core.http import bound_data, bound_files, post_or_restored, whole_number
from core.versioning import StaleEdit, rebind_conflict, save_versioned
from improvement import exports, regional, services
from improvement.forms import (
    ActionForm,
    ExternalReviewForm,
    FollowUpForm,
    ProgressForm,
    ThemeForm,
)
from improvement.models import Action, ExternalReview
from reviews.fieldwork.models import Theme
from reviews.permissions import (
    get_authority_for,
    get_review_for,
    may_coordinate,
    may_record_external_review,
    require_coordinator,
    require_regional_view,
    review_context,
)
from reviews.setup.models import Review
from trail.models import Event
from trail.services import record_read

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _action(review: Review, pk: int) -> Action:
    """An action of this review (another review's action: 404)."""
    return get_object_or_404(Action.objects.select_related("finding"), review=review, pk=pk)


def _plan_url(review: Review, action: Action | None = None) -> str:
    from django.urls import reverse

    url = reverse("improvement:action-plan", kwargs={"pk": review.pk})
    return f"{url}#action-{action.pk}" if action else url


# The action plan ---------------------------------------------------------------------------------


@require_safe
def action_plan(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    review = get_review_for(request.user, pk, "view_action_plan")
    plan = services.load_plan(review) if review.letter_is_issued else None
    return render(
        request,
        "improvement/action_plan.html",
        review_context(request, review, plan=plan),
    )


@require_http_methods(["GET", "HEAD", "POST"])
def action_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    review = get_review_for(request.user, pk, "edit_action_plan")
    if not review.letter_is_issued:
        messages.info(request, "The action plan opens when the final letter is issued.")
        return redirect(_plan_url(review))
    findings = services.plan_findings(review)
    initial = {}
    if (finding := whole_number(request.GET.get("finding"))) is not None:
        initial["finding"] = finding
    form = ActionForm(bound_data(request), findings=findings, initial=initial)
    if request.method == "POST" and form.is_valid():
        action = services.create_action(
            review=review, data=form.cleaned_data, user=request.user, request=request
        )
        messages.success(request, "Action added.")
        return redirect(_plan_url(review, action))
    return render(
        request,
        "improvement/action_form.html",
        review_context(request, review, form=form),
    )


def _action_page(
    request: AuthenticatedHttpRequest,
    review: Review,
    action: Action,
    *,
    form: ActionForm | None = None,
    progress: ProgressForm | None = None,
    status: int = 200,
) -> HttpResponse:
    findings = services.plan_findings(review)
    numbered = {f.pk: f for f in findings}
    action.finding = numbered.get(action.finding_id, action.finding)
    return render(
        request,
        "improvement/action_edit.html",
        review_context(
            request,
            review,
            action=action,
            overdue=action.is_overdue(services.today()),
            updates=action.updates.select_related("author"),
            form=form or ActionForm(instance=action, findings=findings),
            progress_form=progress or ProgressForm(action=action),
        ),
        status=status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def action_edit(request: AuthenticatedHttpRequest, pk: int, action: int) -> HttpResponse:
    review = get_review_for(request.user, pk, "edit_action_plan")
    item = _action(review, action)
    findings = services.plan_findings(review)
    form = ActionForm(bound_data(request), instance=item, findings=findings)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.update_action(
                    action=item,
                    version=form.cleaned_data["version"],
                    data=form.cleaned_data,
                    request=request,
                )
            except StaleEdit:
                current = _action(review, item.pk)
                form = rebind_conflict(ActionForm, form.data, current, findings=findings)
            else:
                messages.success(request, "Action saved.")
                return redirect(_plan_url(review, item))
        item = _action(review, item.pk)  # the form changed the one in hand: read it again
    return _action_page(request, review, item, form=form)


@post_or_restored
def action_progress(request: AuthenticatedHttpRequest, pk: int, action: int) -> HttpResponse:
    review = get_review_for(request.user, pk, "edit_action_plan")
    item = _action(review, action)
    form = ProgressForm(bound_data(request), action=item)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_progress(
                action=item,
                version=form.cleaned_data["version"],
                data=form.cleaned_data,
                user=request.user,
                request=request,
            )
        except StaleEdit:
            item = _action(review, item.pk)
            form = rebind_conflict(ProgressForm, form.data, item, action=item)
        else:
            messages.success(request, "Progress recorded.")
            return redirect(_plan_url(review, item))
    return _action_page(request, review, item, progress=form)


@require_POST
def action_delete(request: AuthenticatedHttpRequest, pk: int, action: int) -> HttpResponse:
    review = get_review_for(request.user, pk, "edit_action_plan")
    item = _action(review, action)
    version = request.POST.get("version", "")
    try:
        seen = whole_number(version)
        if seen is None:
            raise StaleEdit
        services.delete_action(action=item, version=seen, request=request)
    except StaleEdit:
        messages.info(
            request, "This action was changed since you opened it, so it was not deleted."
        )
        return redirect(_plan_url(review, item))
    messages.success(request, "Action deleted.")
    return redirect(_plan_url(review))


@require_safe
def action_plan_export(request: AuthenticatedHttpRequest, pk: int, fmt: str) -> HttpResponse:
    review = get_review_for(request.user, pk, "view_action_plan")
    if fmt not in ("docx", "xlsx") or not review.letter_is_issued:
        raise Http404("No action plan to download")
    record_read(request, Event.Action.ACTION_PLAN_EXPORTED, review, format=fmt)
    plan = services.load_plan(review)
    name = download_name(review, "action-plan", fmt)
    if fmt == "xlsx":
        return xlsx_response(filename=name, sheets=[exports.sheet(plan)])
    return attachment(HttpResponse(exports.to_docx(plan), content_type=DOCX), name)


# Follow-up reviews -------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
def follow_up_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    previous = get_review_for(request.user, pk, "create_follow_up")
    form = FollowUpForm(
        bound_data(request), initial={"title": f"Follow-up: {previous.title}"[:250]}
    )
    if request.method == "POST" and form.is_valid():
        review = services.create_follow_up(
            previous=previous,
            user=request.user,
            title=form.cleaned_data["title"],
            start_date=form.cleaned_data.get("start_date"),
            end_date=form.cleaned_data.get("end_date"),
            request=request,
        )
        messages.success(request, "Follow-up review created, with the same team and KLOEs.")
        return redirect(review)
    return render(
        request,
        "improvement/follow_up_form.html",
        review_context(request, previous, form=form),
    )


@require_safe
def previous_review(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """On a follow-up review: the previous review's recommendations and the host's progress."""
    review = get_review_for(request.user, pk, "view")
    previous = review.previous_review
    if previous is None:
        raise Http404("This review does not follow another")
    plan = services.load_plan(previous) if previous.letter_is_issued else None
    return render(
        request,
        "improvement/previous_review.html",
        review_context(
            request,
            review,
            previous=previous,
            plan=plan,
        ),
    )


# An authority's history --------------------------------------------------------------------------


@require_safe
def authority_history(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    organisation = get_authority_for(request.user, pk)
    record_read(request, Event.Action.AUTHORITY_HISTORY_VIEWED, organisation)
    return render(
        request,
        "improvement/authority_history.html",
        {
            "organisation": organisation,
            "entries": services.authority_timeline(organisation, request.user),
            "may_record": may_record_external_review(request.user, organisation),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def external_review_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    organisation = get_authority_for(request.user, pk, record=True)
    form = ExternalReviewForm(bound_data(request), bound_files(request))
    if request.method == "POST" and form.is_valid():
        services.add_external_review(
            organisation=organisation, data=form.cleaned_data, user=request.user, request=request
        )
        messages.success(request, "External review added to the history.")
        return redirect("improvement:authority-history", pk=organisation.pk)
    return render(
        request,
        "improvement/external_review_form.html",
        {"organisation": organisation, "form": form},
    )


@require_safe
def external_review_letter(
    request: AuthenticatedHttpRequest, pk: int, external: int
) -> FileResponse:
    organisation = get_authority_for(request.user, pk)
    item = get_object_or_404(ExternalReview, organisation=organisation, pk=external)
    if not item.letter:
        raise Http404("No letter was uploaded")
    record_read(request, Event.Action.EXTERNAL_LETTER_DOWNLOADED, item)
    return FileResponse(
        item.letter.open("rb"),
        as_attachment=True,
        filename=f"{item.kind}-{item.date:%Y-%m-%d}.pdf",
        content_type="application/pdf",
    )


# Regional learning -------------------------------------------------------------------------------


@require_safe
def regional_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_regional_view(request.user)
    view = regional.build(request.user)
    return render(
        request,
        "improvement/regional.html",
        {
            "view": view,
            "theme_chart": regional.theme_bars(view.themes),
            "tool_charts": [(block, regional.criterion_bars(block)) for block in view.tools],
        },
    )


@require_safe
def regional_export(request: AuthenticatedHttpRequest, fmt: str) -> HttpResponse:
    require_regional_view(request.user)
    if fmt not in ("csv", "xlsx"):
        raise Http404("No such export")
    view = regional.build(request.user)
    record_read(request, Event.Action.REGIONAL_EXPORTED, format=fmt, reviews=len(view.reviews))
    name = f"regional-learning.{fmt}"
    if fmt == "csv":
        return csv_response(filename=name, header=regional.HEADERS, rows=regional.csv_rows(view))
    return xlsx_response(filename=name, sheets=regional.sheets(view))


# Themes ------------------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
def themes(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_coordinator(request.user)
    form = ThemeForm(bound_data(request))
    if request.method == "POST" and form.is_valid():
        theme = form.save(commit=False)
        theme.position = (
            Theme.objects.order_by("-position").values_list("position", flat=True).first() or 0
        ) + 1
        theme.save()
        messages.success(request, f"Theme “{theme.name}” added.")
        return redirect("improvement:themes")
    return render(
        request,
        "improvement/themes.html",
        {
            "themes": Theme.objects.all(),
            "form": form,
            "may_coordinate": may_coordinate(request.user),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def theme_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    require_coordinator(request.user)
    theme = get_object_or_404(Theme, pk=pk)
    form = ThemeForm(bound_data(request), instance=theme)
    if request.method == "POST" and form.is_valid():
        try:
            save_versioned(form)
        except StaleEdit:
            current = get_object_or_404(Theme, pk=pk)
            form = rebind_conflict(ThemeForm, form.data, current)
        else:
            messages.success(request, "Theme saved.")
            return redirect("improvement:themes")
    return render(request, "improvement/theme_form.html", {"theme": theme, "form": form})
