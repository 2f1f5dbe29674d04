"""Frameworks of key lines of enquiry: the library of templates, copies, and each review's own copy."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from accounts.http import AuthenticatedHttpRequest
from core.http import bound_data
from core.versioning import StaleEdit, rebind_conflict
from reviews.permissions import (
    get_framework_for,
    get_review_for,
    require_coordinator,
    require_organisation,
    review_context,
)
from reviews.setup import services
from reviews.setup.forms import FrameworkCopyForm, FrameworkForm, KloeFormSet
from reviews.setup.models import Framework


@require_safe
def framework_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_coordinator(request.user)
    frameworks = Framework.objects.usable_by(request.user).prefetch_related("kloes")
    return render(request, "reviews/framework_list.html", {"frameworks": frameworks})


@require_safe
def framework_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    framework = get_framework_for(request.user, pk)
    return render(
        request,
        "reviews/framework_detail.html",
        {
            "framework": framework,
            "kloes": framework.numbered_kloes(),
            "editable": framework.may_be_edited_by(request.user),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def framework_copy(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    framework = get_framework_for(request.user, pk)
    require_organisation(request.user, "a framework")
    form = FrameworkCopyForm(
        bound_data(request), initial={"name": f"{framework.name} (our version)"}
    )
    if request.method == "POST" and form.is_valid():
        copy = services.copy_framework(
            framework=framework, name=form.cleaned_data["name"], user=request.user
        )
        messages.success(request, f"Copied. You can now change “{copy.name}”.")
        return redirect("reviews:framework-edit", pk=copy.pk)
    return render(request, "reviews/framework_copy.html", {"framework": framework, "form": form})


def _edit(
    request: AuthenticatedHttpRequest, framework: Framework, context: dict
) -> HttpResponse | None:
    form = FrameworkForm(bound_data(request), instance=framework, prefix="framework")
    formset = KloeFormSet(bound_data(request), instance=framework, prefix="kloes")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            services.save_framework(form=form, formset=formset)
        except StaleEdit:
            current = Framework.objects.get(pk=framework.pk)
            form = rebind_conflict(FrameworkForm, form.data, current, prefix="framework")
        else:
            messages.success(request, "Key lines of enquiry saved.")
            return None
    return render(
        request,
        "reviews/framework_edit.html",
        {**context, "framework": framework, "form": form, "formset": formset},
    )


@require_http_methods(["GET", "HEAD", "POST"])
def framework_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    framework = get_framework_for(request.user, pk, edit=True)
    return _edit(request, framework, {}) or redirect(framework)


@require_safe
def review_framework(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    review = get_review_for(request.user, pk, "view")
    framework = review.framework
    return render(
        request,
        "reviews/review_framework.html",
        review_context(
            request,
            review,
            framework=framework,
            kloes=framework.numbered_kloes() if framework else [],
        ),
    )


@require_http_methods(["GET", "HEAD", "POST"])
def review_framework_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    review = get_review_for(request.user, pk, "schedule")
    framework = review.framework
    if framework is None:  # a review set up before frameworks: saved with its first KLOEs
        framework = Framework(name="Key lines of enquiry", review=review)
    context = review_context(request, review)
    return _edit(request, framework, context) or redirect("reviews:review-framework", pk=review.pk)
