"""The lead reviewer shapes the feedback presentation: the slides listed, one slide changed (title,
text, place, hidden), a slide added. Everyone who reads the draft downloads the result."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from accounts.http import AuthenticatedHttpRequest
from core.http import bound_data
from core.versioning import StaleEdit, rebind_conflict
from reports import slide_services
from reports.render import compose_letter
from reports.slide_forms import AddSlideForm, SlideForm
from reports.slides import slide_groups
from reviews.permissions import get_review_for, review_context


def _slides_url(pk: int) -> str:
    return reverse("reports:slides", kwargs={"pk": pk})


@require_safe
def slides(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    review = get_review_for(request.user, pk, "edit_letter")
    groups = slide_groups(compose_letter(review))
    return render(request, "reports/slides.html", review_context(request, review, groups=groups))


@require_http_methods(["GET", "HEAD", "POST"])
def slide_edit(request: AuthenticatedHttpRequest, pk: int, key: str) -> HttpResponse:
    review = get_review_for(request.user, pk, "edit_letter")
    group = slide_services.find_slide(review, key)
    if group is None:
        raise Http404("No such slide")
    current_version = group.edit.version if group.edit else 0
    stale = False
    data = bound_data(request)  # on a GET, the text kept through a session timeout, if any
    if data is not None:
        form = SlideForm(data)
        if request.method == "POST" and form.is_valid():
            try:
                slide_services.save_slide(
                    review=review,
                    key=key,
                    title=form.cleaned_data["title"],
                    text=form.cleaned_data["text"],
                    position=form.cleaned_data["position"],
                    hidden=form.cleaned_data["hidden"],
                    version=form.cleaned_data["version"],
                    user=request.user,
                    request=request,
                )
            except StaleEdit:
                stale = True
                group = slide_services.find_slide(review, key) or group
                current_version = group.edit.version if group.edit else 0
                form = rebind_conflict(
                    SlideForm, form.data, group.edit, current_version=current_version
                )
            else:
                messages.success(
                    request, f"The slide “{form.cleaned_data['title']}” has been saved."
                )
                return redirect(_slides_url(review.pk))
    else:
        form = SlideForm(
            initial={
                "title": group.title,
                "text": group.text,
                "position": group.position,
                "hidden": group.hidden,
                "version": current_version,
            }
        )
    return render(
        request,
        "reports/slide_edit.html",
        review_context(request, review, group=group, form=form, stale=stale),
    )


@require_http_methods(["GET", "HEAD", "POST"])
def slide_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    review = get_review_for(request.user, pk, "edit_letter")
    data = bound_data(request)
    form = AddSlideForm(data)
    if request.method == "POST" and form.is_valid():
        slide_services.add_slide(
            review=review,
            title=form.cleaned_data["title"],
            text=form.cleaned_data["text"],
            user=request.user,
            request=request,
        )
        messages.success(request, f"The slide “{form.cleaned_data['title']}” has been added.")
        return redirect(_slides_url(review.pk))
    return render(request, "reports/slide_add.html", review_context(request, review, form=form))
