"""Documents the coordinator requests before the review, the host uploads, and the team reads."""

from __future__ import annotations

from contextlib import suppress
from typing import Any

from django.contrib import messages
from django.db.models import Count, Prefetch
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from accounts.http import AuthenticatedHttpRequest
from core.http import bound_data, bound_files
from core.versioning import StaleEdit, rebind_conflict
from reviews.documents import services
from reviews.documents.forms import (
    DocumentPackForm,
    DocumentRequestForm,
    DocumentUploadForm,
    RequestFromPackForm,
)
from reviews.documents.models import Document, DocumentPack, DocumentRequest
from reviews.permissions import get_review_for, review_context


@require_safe
def documents(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    review = get_review_for(request.user, pk, "read_documents")
    files = (
        Document.objects.select_related("uploaded_by")
        .annotate(times_opened=Count("downloads"))
        .order_by("created_at", "pk")
    )
    requests = list(
        review.document_requests.select_related("withdrawn_by").prefetch_related(
            Prefetch("documents", queryset=files)
        )
    )
    # The same file sent twice (the same SHA-256 within the review): each later copy says so.
    first: dict[str, Document] = {}
    for upload in sorted(
        (d for r in requests for d in r.documents.all()), key=lambda d: (d.created_at, d.pk)
    ):
        original = first.setdefault(upload.sha256, upload)
        upload.same_as = original if original is not upload else None  # type: ignore[attr-defined]
    removed = services.removed_files(review)
    for wanted in requests:
        wanted.removed = removed.get(wanted.pk, [])  # type: ignore[attr-defined]
    return render(
        request,
        "reviews/documents.html",
        review_context(request, review, requests=requests),
    )


@require_http_methods(["GET", "HEAD", "POST"])
def document_request_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    review = get_review_for(request.user, pk, "schedule")
    form = DocumentRequestForm(bound_data(request))
    if request.method == "POST" and form.is_valid():
        wanted = form.save(commit=False)
        wanted.review = review
        wanted.save()
        messages.success(request, f"Requested: {wanted.label}.")
        return redirect("reviews:documents", pk=review.pk)
    return render(
        request,
        "reviews/document_request_form.html",
        review_context(request, review, form=form),
    )


@require_http_methods(["GET", "HEAD", "POST"])
def document_upload(request: AuthenticatedHttpRequest, pk: int, request_pk: int) -> HttpResponse:
    review = get_review_for(request.user, pk, "upload_documents")
    wanted = get_object_or_404(DocumentRequest, review=review, pk=request_pk)
    if wanted.is_withdrawn:
        messages.error(request, f"“{wanted.label}” was withdrawn: it needs no file.")
        return redirect("reviews:documents", pk=review.pk)
    form = DocumentUploadForm(bound_data(request), bound_files(request))
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        document = services.store_document(
            request=wanted,
            upload=upload,
            inspected=form.inspected,
            user=request.user,
            http_request=request,
        )
        messages.success(request, f"Uploaded “{document.original_name}” for {wanted.label}.")
        _flag_same_file(request, document)
        return redirect("reviews:documents", pk=review.pk)
    return render(
        request,
        "reviews/document_upload.html",
        review_context(
            request,
            review,
            wanted=wanted,
            form=form,
        ),
    )


def _serve(
    request: AuthenticatedHttpRequest, pk: int, document: int, *, inline: bool
) -> FileResponse:
    review = get_review_for(request.user, pk, "read_documents")
    found = get_object_or_404(Document, review=review, pk=document)
    services.record_download(document=found, user=request.user, inline=inline, request=request)
    response = FileResponse(
        found.file.open("rb"),
        as_attachment=not inline,
        filename=found.original_name,
        content_type=found.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_safe
def document_download(request: AuthenticatedHttpRequest, pk: int, document: int) -> FileResponse:
    return _serve(request, pk, document, inline=False)


@require_safe
def document_read(request: AuthenticatedHttpRequest, pk: int, document: int) -> FileResponse:
    """Open in the browser (PDFs display; other types are saved by the browser)."""
    return _serve(request, pk, document, inline=True)


def _flag_same_file(request: AuthenticatedHttpRequest, document: Document) -> None:
    same = services.same_file(
        review_id=document.review_id, sha256=document.sha256, exclude=document.pk
    )
    if same is not None:
        messages.warning(
            request,
            f"This file is the same as “{same.original_name}” uploaded on "
            f"{same.created_at:%-d %B %Y} for {same.request.label}. Remove one of them if it was "
            "sent by mistake.",
        )


def _request(request: AuthenticatedHttpRequest, pk: int, request_pk: int, right: str) -> Any:
    review = get_review_for(request.user, pk, right)
    return review, get_object_or_404(DocumentRequest, review=review, pk=request_pk)


@require_http_methods(["GET", "HEAD", "POST"])
def document_request_edit(
    request: AuthenticatedHttpRequest, pk: int, request_pk: int
) -> HttpResponse:
    review, wanted = _request(request, pk, request_pk, "schedule")
    if wanted.is_withdrawn:
        messages.error(request, f"“{wanted.label}” was withdrawn: it can no longer change.")
        return redirect("reviews:documents", pk=review.pk)
    form = DocumentRequestForm(bound_data(request), instance=wanted)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in ("kind", "title", "notes", "due_date")}
        try:
            services.edit_request(
                wanted=DocumentRequest.objects.get(pk=wanted.pk),
                values=values,
                version=form.cleaned_data.get("version"),
                user=request.user,
                request=request,
            )
        except StaleEdit:
            current = DocumentRequest.objects.get(pk=wanted.pk)
            form = rebind_conflict(DocumentRequestForm, form.data, current)
        else:
            messages.success(request, f"Changed: {form.instance.label}.")
            return redirect("reviews:documents", pk=review.pk)
    return render(
        request,
        "reviews/document_request_form.html",
        review_context(request, review, form=form, wanted=wanted),
    )


@require_http_methods(["GET", "HEAD", "POST"])
def document_request_withdraw(
    request: AuthenticatedHttpRequest, pk: int, request_pk: int
) -> HttpResponse:
    """Confirm, then withdraw: the request stays on the list as withdrawn, and in the trail."""
    review, wanted = _request(request, pk, request_pk, "schedule")
    if request.method == "POST" and not wanted.is_withdrawn:
        with suppress(StaleEdit):  # withdrawn meanwhile: the list says so
            services.withdraw_request(wanted=wanted, user=request.user, request=request)
        messages.success(request, f"Withdrawn: {wanted.label}. The host sees it as withdrawn.")
        return redirect("reviews:documents", pk=review.pk)
    if wanted.is_withdrawn:
        return redirect("reviews:documents", pk=review.pk)
    return render(
        request,
        "reviews/document_request_withdraw.html",
        review_context(request, review, wanted=wanted),
    )


@require_http_methods(["GET", "HEAD", "POST"])
def document_request_pack(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Request documents of the lead organisation's pack in one step."""
    review = get_review_for(request.user, pk, "schedule")
    items, pack = DocumentPack.items_for(review.lead_organisation)
    requested = {r.label.casefold() for r in review.document_requests.open()}
    form = RequestFromPackForm(bound_data(request), items=items, requested=requested)
    if request.method == "POST" and form.is_valid():
        made = services.request_from_pack(
            review=review,
            items=form.chosen_items(),
            due_date=form.cleaned_data["due_date"],
            user=request.user,
            request=request,
        )
        messages.success(
            request,
            f"Requested {len(made)} document{'s' if len(made) != 1 else ''}: "
            + ", ".join(r.label for r in made)
            + ".",
        )
        return redirect("reviews:documents", pk=review.pk)
    return render(
        request,
        "reviews/document_request_pack.html",
        review_context(request, review, form=form, pack=pack, items=items),
    )


@require_http_methods(["GET", "HEAD", "POST"])
def document_pack(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The lead organisation's pack: kept for every review it leads (data, not code)."""
    review = get_review_for(request.user, pk, "schedule")
    organisation = review.lead_organisation
    items, pack = DocumentPack.items_for(organisation)
    form = DocumentPackForm(
        bound_data(request),
        version=pack.version if pack else 0,
        initial={"lines": "\n".join(item.as_line() for item in items)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.save_pack(
                organisation=organisation,
                items=form.items,
                version=form.cleaned_data.get("version"),
                user=request.user,
                request=request,
            )
        except StaleEdit:
            _, pack = DocumentPack.items_for(organisation)
            form = rebind_conflict(
                DocumentPackForm,
                form.data,
                pack,
                current_version=pack.version if pack else 0,
                version=pack.version if pack else 0,
            )
        else:
            messages.success(
                request,
                f"Saved the document pack of {organisation.name}: {len(form.items)} documents.",
            )
            return redirect("reviews:document-request-pack", pk=review.pk)
    return render(
        request,
        "reviews/document_pack.html",
        review_context(request, review, form=form, pack=pack, organisation=organisation),
    )


def _upload(request: AuthenticatedHttpRequest, pk: int, document: int) -> Any:
    review = get_review_for(request.user, pk, "upload_documents")
    return review, get_object_or_404(
        Document.objects.select_related("request", "uploaded_by"), review=review, pk=document
    )


@require_http_methods(["GET", "HEAD", "POST"])
def document_remove(request: AuthenticatedHttpRequest, pk: int, document: int) -> HttpResponse:
    """Confirm, then delete the upload and its stored file; the trail keeps what it was."""
    review, found = _upload(request, pk, document)
    if request.method == "POST" and request.POST.get("remove") == "yes":
        services.remove_document(document=found, user=request.user, request=request)
        messages.success(
            request,
            f"Removed “{found.original_name}” from {found.request.label}. The audit trail "
            "keeps its name and who sent it.",
        )
        return redirect("reviews:documents", pk=review.pk)
    return render(
        request,
        "reviews/document_remove.html",
        review_context(request, review, document=found),
    )


@require_http_methods(["GET", "HEAD", "POST"])
def document_replace(request: AuthenticatedHttpRequest, pk: int, document: int) -> HttpResponse:
    """Upload a corrected file in place of one: the old file is deleted."""
    review, found = _upload(request, pk, document)
    form = DocumentUploadForm(bound_data(request), bound_files(request))
    if request.method == "POST" and form.is_valid():
        new = services.replace_document(
            document=found,
            upload=form.cleaned_data["file"],
            inspected=form.inspected,
            user=request.user,
            request=request,
        )
        messages.success(
            request,
            f"Replaced “{found.original_name}” with “{new.original_name}” for "
            f"{found.request.label}.",
        )
        _flag_same_file(request, new)
        return redirect("reviews:documents", pk=review.pk)
    return render(
        request,
        "reviews/document_upload.html",
        review_context(request, review, wanted=found.request, form=form, replacing=found),
    )
