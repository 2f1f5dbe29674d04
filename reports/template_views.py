"""The library of letter templates: an organisation's coordinators copy, edit and preview them.

A letter takes its own copy of its template when it is started, so nothing here changes a letter that
has begun. Every view asks ``reports.permissions`` (built on ``reviews.permissions``).
"""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from accounts.http import AuthenticatedHttpRequest
from core.http import bound_data, bound_files
from core.versioning import StaleEdit, rebind_conflict
from reports import catalogue, template_services
from reports.forms import TemplateCopyForm, TemplateForm, TemplateSectionFormSet
from reports.models import LetterTemplate
from reports.permissions import get_letter_template_for
from reports.placeholders import PLACEHOLDERS
from reports.render import compose_letter
from reports.structure import build, rows_of
from reports.views import image_response
from reviews.permissions import can, require_coordinator, require_organisation
from reviews.setup.models import Membership, Review


@require_safe
def template_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_coordinator(request.user)
    templates = LetterTemplate.objects.usable_by(request.user).select_related("organisation")
    return render(request, "reports/template_list.html", {"templates": templates})


def _preview_reviews(request: AuthenticatedHttpRequest) -> list[Review]:
    """The reviews this person may read the draft letter of, to preview a template on."""
    reviews = (
        Review.objects.filter(
            pk__in=Membership.objects.filter(user=request.user).values("review_id")
        )
        .select_related("host", "lead_organisation")
        .order_by("-start_date", "-pk")[:50]
    )
    return [r for r in reviews if can(request.user, "view_letter_draft", r)]


@require_safe
def template_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The template's sections and settings; with ``?review=``, a preview of the letter it would
    make for that review (nothing is saved)."""
    template = get_letter_template_for(request.user, pk)
    reviews = _preview_reviews(request)
    preview = None
    chosen = request.GET.get("review", "")
    review = next((r for r in reviews if str(r.pk) == chosen), None)
    if review is not None:
        composed = compose_letter(review)
        composed.template = template
        composed.data.edits = {}  # the template's own text, not that letter's edits
        composed.sections = build(composed.data, template, rows_of(template))
        preview = composed
    return render(
        request,
        "reports/template_detail.html",
        {
            "template": template,
            "sections": [(s, catalogue.BY_KEY.get(s.block)) for s in template.sections.all()],
            "editable": template.may_be_edited_by(request.user),
            "reviews": reviews,
            "preview": preview,
            "preview_review": review,
            "signature_url": reverse("reports:template-signature", kwargs={"pk": template.pk})
            if template.signature
            else "",
            "placeholders": PLACEHOLDERS,
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def template_copy(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    template = get_letter_template_for(request.user, pk)
    require_organisation(request.user, "a letter template")
    form = TemplateCopyForm(bound_data(request), initial={"name": f"{template.name} (our version)"})
    if request.method == "POST" and form.is_valid():
        copy = template_services.copy_template(
            template=template, name=form.cleaned_data["name"], user=request.user
        )
        messages.success(request, f"Copied. You can now change “{copy.name}”.")
        return redirect("reports:template-edit", pk=copy.pk)
    return render(request, "reports/template_copy.html", {"template": template, "form": form})


@require_http_methods(["GET", "HEAD", "POST"])
def template_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    template = get_letter_template_for(request.user, pk, edit=True)
    data, files = bound_data(request), bound_files(request)
    form = TemplateForm(data, files, instance=template)
    formset = TemplateSectionFormSet(data, instance=template, prefix="sections")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            template_services.save_template(
                form=form, formset=formset, user=request.user, request=request
            )
        except StaleEdit:
            current = LetterTemplate.objects.get(pk=template.pk)
            form = rebind_conflict(TemplateForm, form.data, current)
        else:
            messages.success(request, "The letter template has been saved.")
            return redirect(template)
    return render(
        request,
        "reports/template_edit.html",
        {
            "template": template,
            "form": form,
            "formset": formset,
            "formset_has_errors": bool(formset.total_error_count()),
            "placeholders": PLACEHOLDERS,
            "save_label": "Save the letter template",
        },
    )


@require_safe
def template_signature(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    """A library template's signature image, for its page and preview."""
    template = get_letter_template_for(request.user, pk)
    return image_response(template.signature, {"image/png", "image/jpeg"}, "No signature")
