"""Documents the coordinator requests before the review, the host uploads, and the team reads."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count, Prefetch
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from accounts.http import AuthenticatedHttpRequest
from core.http import bound_data, bound_files
from reviews.documents import services
from reviews.documents.forms import DocumentRequestForm, DocumentUploadForm
from reviews.documents.models import Document, DocumentRequest
from reviews.permissions import get_review_for, review_context


@require_safe
def documents(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    review = get_review_for(request.user, pk, "read_documents")
    files = Document.objects.select_related("uploaded_by").annotate(times_opened=Count("downloads"))
    requests = review.document_requests.prefetch_related(Prefetch("documents", queryset=files))
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
    form = DocumentUploadForm(bound_data(request), bound_files(request))
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        services.store_document(
            request=wanted, upload=upload, inspected=form.inspected, user=request.user
        )
        messages.success(request, f"Uploaded “{upload.name}” for {wanted.label}.")
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
