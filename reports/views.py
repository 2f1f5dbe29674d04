"""The feedback letter's pages: the draft and its preview, section editing, the host's factual accuracy
comments, issuing, the issued versions and their downloads, the presentation.

Every view asks ``reviews.permissions``: the team reads the draft; the host lead contact reads it and
comments only while it is shared; the lead reviewer edits, shares and issues; everyone on the review
sees and downloads issued versions. Changes are POST only.

Also the letterhead the letters are printed on: an organisation's coordinators keep its address,
contact details, named officers, logo, first-page footer and default signatory (``letterhead``).
"""

from __future__ import annotations

import io
import mimetypes
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.forms import LetterheadForm
from accounts.http import AuthenticatedHttpRequest
from accounts.models import Organisation
from accounts.services import update_letterhead
from core import readiness
from core.email import Queued, deliveries_about
from core.http import bound_data, bound_files, post_or_restored
from core.versioning import StaleEdit, rebind_conflict
from reports import services, template_services
from reports.forms import (
    CommentForm,
    IssueForm,
    LetterDateForm,
    ReplyForm,
    ResetForm,
    SectionForm,
    ShareForm,
    TemplateChoiceForm,
    TemplateForm,
    TemplateSectionFormSet,
)
from reports.models import (
    Comment,
    Letter,
    LetterDownload,
    LetterTemplate,
    LetterVersion,
    SectionRevision,
)
from reports.placeholders import PLACEHOLDERS
from reports.render import (
    ComposedLetter,
    compose_letter,
    draft_letter_pdf,
    draft_presentation_pdf,
    letter_docx,
    presentation_pptx,
)
from reports.structure import template_for
from reviews.permissions import (
    get_letterhead_for,
    get_review_for,
    offers_letterhead,
    review_context,
    rights_for,
)
from reviews.setup.models import Review
from trail.models import Event
from trail.services import record_read

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
CONTENT_TYPES = {"pdf": "application/pdf", "docx": DOCX}
# The feedback presentation's formats (a version stores both).
SLIDE_TYPES = {"pdf": "application/pdf", "pptx": PPTX}


def _letter_url(review_pk: int, anchor: str = "") -> str:
    url = reverse("reports:letter", kwargs={"pk": review_pk})
    return f"{url}#{anchor}" if anchor else url


def _filename(review: Review, label: str, ext: str) -> str:
    from core.exports import download_name  # the one naming of a review's downloads

    return download_name(review, label, ext)


@require_safe
def letter(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    review = get_review_for(request.user, pk, "view_letter_draft")
    rights = rights_for(request.user, review)
    composed = compose_letter(review)
    saved = composed.data.letter
    comments = list(saved.comments.all()) if saved.pk else []
    versions = list(saved.versions.select_related("issued_by")) if saved.pk else []
    return render(
        request,
        "reports/letter.html",
        review_context(
            request,
            review,
            letter=composed,
            saved=saved,
            hidden_sections=[s for s in composed.sections if s.hidden],
            waiting_sections=[
                s
                for s in composed.sections
                if s.content == "own" and not s.hidden and s.is_empty and not s.always
            ],
            open_comments=sum(1 for c in comments if c.is_open),
            comment_count=len(comments),
            versions=versions,
            logo_url=reverse("reports:logo", kwargs={"pk": review.pk})
            if review.lead_organisation.logo
            else "",
            signature_url=reverse("reports:signature", kwargs={"pk": review.pk})
            if composed.template.signature
            else "",
            tools=rights["edit_letter"] or rights["comment_on_letter"],
            letterhead_url=reverse("reports:letterhead", kwargs={"pk": review.lead_organisation_id})
            if offers_letterhead(request.user, review)
            else "",
        ),
    )


# --- The letter's structure: its own copy of a template ---------------------------------------------


def _letter_template(review: Review) -> tuple[Letter | None, LetterTemplate]:
    saved = Letter.objects.filter(review=review).first()
    return saved, template_for(review, saved or Letter(review=review))


@require_POST
def letter_start(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Start the letter: it takes its own copy of its template, to be shaped for this review."""
    review = get_review_for(request.user, pk, "edit_letter")
    with transaction.atomic():
        services.letter_for_update(review)
    messages.success(
        request,
        "The letter now has its own copy of its template: changes to the template no longer change it.",
    )
    return redirect("reports:letter-structure", pk=review.pk)


@require_http_methods(["GET", "HEAD", "POST"])
def letter_structure(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Rename, hide, add and reorder the letter's sections; its numbering, title, salutation and
    sign-off. Only the letter's own copy changes, never the template it came from."""
    review = get_review_for(request.user, pk, "edit_letter")
    saved, template = _letter_template(review)
    if saved is None or saved.template_id is None:
        return render(
            request,
            "reports/letter_structure.html",
            review_context(request, review, template=template, started=False),
        )
    data, files = bound_data(request), bound_files(request)
    form = TemplateForm(data, files, instance=template, library=False)
    formset = TemplateSectionFormSet(data, instance=template, prefix="sections")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            changes = template_services.save_template(
                form=form, formset=formset, user=request.user, request=request, letter=saved
            )
        except StaleEdit:
            current = LetterTemplate.objects.get(pk=template.pk)
            form = rebind_conflict(TemplateForm, form.data, current, library=False)
        else:
            messages.success(
                request,
                "The letter's structure has been saved."
                if changes
                else "Nothing had changed: the letter is as it was.",
            )
            return redirect(_letter_url(review.pk))
    return render(
        request,
        "reports/letter_structure.html",
        review_context(
            request,
            review,
            template=template,
            started=True,
            form=form,
            formset=formset,
            formset_has_errors=bool(formset.total_error_count()),
            placeholders=PLACEHOLDERS,
            save_label="Save the letter's structure",
            history=SectionRevision.objects.filter(letter=saved, key="structure").select_related(
                "by"
            )[:100],
        ),
    )


@require_http_methods(["GET", "HEAD", "POST"])
def letter_date(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    review = get_review_for(request.user, pk, "edit_letter")
    saved = Letter.objects.filter(review=review).first()
    current_version = saved.version if saved else 0
    form = LetterDateForm(
        bound_data(request),
        version=current_version,
        initial={"date": saved.date if saved else None},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.set_letter_date(
                review=review,
                date=form.cleaned_data["date"],
                version=form.cleaned_data["version"],
                user=request.user,
                request=request,
            )
        except StaleEdit:
            form = rebind_conflict(LetterDateForm, form.data, None, current_version=current_version)
        else:
            messages.success(request, "The letter's date has been saved.")
            return redirect(_letter_url(review.pk))
    return render(request, "reports/letter_date.html", review_context(request, review, form=form))


@require_http_methods(["GET", "HEAD", "POST"])
def letter_template(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Choose the template the letter is written from. Switching a letter with edits first says what
    will be kept, moved and no longer shown, and asks."""
    review = get_review_for(request.user, pk, "choose_letter_template")
    saved, current = _letter_template(review)
    choices = LetterTemplate.objects.for_review(review)
    form = TemplateChoiceForm(
        bound_data(request),
        templates=choices,
        initial={"template": saved.source_id if saved and saved.source_id else current.pk},
    )
    plan = None
    if request.method == "POST" and form.is_valid():
        target = form.cleaned_data["template"]
        if saved is None or saved.template_id is None:
            with transaction.atomic():
                services.letter_for_update(review, source=target)
            messages.success(request, f"The letter will be written from “{target.name}”.")
            return redirect(_letter_url(review.pk))
        plan = template_services.switch_plan(saved, current, target)
        if form.cleaned_data["confirm"] or not (plan.kept or plan.moved or plan.not_shown):
            template_services.switch_template(
                review=review, letter=saved, target=target, user=request.user, request=request
            )
            messages.success(request, f"The letter is now written from “{target.name}”.")
            return redirect(_letter_url(review.pk))
        form = TemplateChoiceForm({"template": target.pk, "confirm": "True"}, templates=choices)
        form.is_valid()
        return render(
            request,
            "reports/letter_template_confirm.html",
            review_context(request, review, form=form, target=target, plan=plan),
        )
    return render(
        request,
        "reports/letter_template.html",
        review_context(
            request,
            review,
            form=form,
            current=current,
            saved=saved,
            templates=list(choices),
            library_url=reverse("reports:template-list")
            if offers_letterhead(request.user, review)
            else "",
        ),
    )


@require_http_methods(["GET", "HEAD", "POST"])
def section_edit(request: AuthenticatedHttpRequest, pk: int, key: str) -> HttpResponse:
    review = get_review_for(request.user, pk, "edit_letter")
    section = services.find_section(review, key)
    if section is None:
        raise Http404("No such section")
    current_version = section.edit.version if section.edit else 0
    stale = False
    data = bound_data(request)  # on a GET, the text kept through a session timeout, if any
    if data is not None:
        form = SectionForm(data)
        if request.method == "POST" and form.is_valid():
            try:
                services.save_section(
                    review=review,
                    key=key,
                    text=form.cleaned_data["text"],
                    version=form.cleaned_data["version"],
                    user=request.user,
                    request=request,
                )
            except StaleEdit:
                stale = True
                section = services.find_section(review, key) or section
                current_version = section.edit.version if section.edit else 0
                form = rebind_conflict(
                    SectionForm, form.data, section.edit, current_version=current_version
                )
            else:
                messages.success(request, f"“{section.full_title}” has been saved.")
                return redirect(_letter_url(review.pk, f"section-{key}"))
    else:
        form = SectionForm(initial={"text": section.text, "version": current_version})
    return render(
        request,
        "reports/section_edit.html",
        review_context(
            request,
            review,
            section=section,
            form=form,
            stale=stale,
            reset_form=ResetForm(initial={"version": current_version}) if section.edit else None,
        ),
    )


@require_POST
def section_reset(request: AuthenticatedHttpRequest, pk: int, key: str) -> HttpResponse:
    review = get_review_for(request.user, pk, "edit_letter")
    form = ResetForm(bound_data(request))
    if not form.is_valid():
        messages.error(request, "The section could not be reset: open it again and retry.")
        return redirect(_letter_url(review.pk, f"section-{key}"))
    try:
        services.reset_section(
            review=review,
            key=key,
            version=form.cleaned_data["version"],
            user=request.user,
            request=request,
        )
    except StaleEdit:
        messages.error(
            request,
            "The section changed since you opened it (or has no edit to reset). Nothing was reset.",
        )
    else:
        messages.success(request, "The section is back to the text generated from the review.")
    return redirect(_letter_url(review.pk, f"section-{key}"))


@require_safe
def section_history(request: AuthenticatedHttpRequest, pk: int, key: str) -> HttpResponse:
    review = get_review_for(request.user, pk, "view_trail")
    section = services.find_section(review, key)
    if section is None:
        raise Http404("No such section")
    revisions = SectionRevision.objects.filter(letter__review=review, key=key).select_related("by")
    return render(
        request,
        "reports/section_history.html",
        review_context(
            request,
            review,
            section=section,
            revisions=revisions,
        ),
    )


def _draft_download(
    request: AuthenticatedHttpRequest,
    pk: int,
    action: str,
    make: Callable[[ComposedLetter], bytes],
    stem: str,
    file_format: str,
) -> HttpResponse:
    """A file made from the letter as it stands, for whoever may read the draft; the read recorded."""
    review = get_review_for(request.user, pk, "view_letter_draft")
    record_read(request, action, review, format=file_format)
    data = make(compose_letter(review))
    response = HttpResponse(data, content_type={**CONTENT_TYPES, **SLIDE_TYPES}[file_format])
    filename = _filename(review, stem, file_format)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_safe
def draft_pdf(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _draft_download(
        request, pk, Event.Action.DRAFT_LETTER_DOWNLOADED, draft_letter_pdf, "draft-letter", "pdf"
    )


@require_safe
def draft_docx(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _draft_download(
        request, pk, Event.Action.DRAFT_LETTER_DOWNLOADED, letter_docx, "draft-letter", "docx"
    )


@require_safe
def presentation(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _draft_download(
        request,
        pk,
        Event.Action.PRESENTATION_DOWNLOADED,
        draft_presentation_pdf,
        "feedback-presentation",
        "pdf",
    )


@require_safe
def presentation_pptx_download(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _draft_download(
        request,
        pk,
        Event.Action.PRESENTATION_DOWNLOADED,
        presentation_pptx,
        "feedback-presentation",
        "pptx",
    )


@require_http_methods(["GET", "HEAD", "POST"])
def share(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Share the draft for the factual accuracy check, with the date the host is asked to reply by."""
    review = get_review_for(request.user, pk, "edit_letter")
    today = timezone.localdate()
    default = services.default_reply_by(today)
    form = ShareForm(bound_data(request), today=today, default=default)
    if request.method == "POST" and form.is_valid():
        try:
            letter = services.share(
                review=review,
                user=request.user,
                request=request,
                reply_by=form.cleaned_data["reply_by"],
            )
        except services.AlreadyIssuedReview:
            messages.error(
                request,
                "The letter has been issued, so it is not shared again for a factual accuracy "
                "check: a change is issued as a new version.",
            )
            return redirect(_letter_url(review.pk))
        emails = deliveries_about(letter, since=letter.shared_at)
        messages.success(
            request,
            "The draft has been shared with the host lead contact for a factual accuracy check, "
            f"to reply by {letter.reply_by:%A %-d %B %Y}. "
            f"The email to tell them is {Queued.describe(len(emails))}.",
        )
        return redirect(_letter_url(review.pk))
    return render(
        request,
        "reports/share.html",
        review_context(
            request,
            review,
            form=form,
            default=default,
            working_days=settings.ACCURACY_CHECK_WORKING_DAYS,
        ),
    )


@require_http_methods(["GET", "HEAD", "POST"])
def comments(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    review = get_review_for(request.user, pk, "view_letter_draft")
    rights = rights_for(request.user, review)
    composed = compose_letter(review)
    form = None
    if rights["comment_on_letter"]:
        form = CommentForm(
            bound_data(request),
            sections=composed.visible,
            initial={"section": request.GET.get("section", "")},
        )
    if request.method == "POST" and form is None:
        get_review_for(request.user, pk, "comment_on_letter")  # not theirs to comment: 403
    if request.method == "POST" and form is not None and form.is_valid():
        services.add_comment(
            review=review,
            section=form.sections[form.cleaned_data["section"]],
            quote=form.cleaned_data["quote"],
            text=form.cleaned_data["text"],
            user=request.user,
        )
        messages.success(request, "Your comment has been sent to the review team.")
        return redirect(reverse("reports:comments", kwargs={"pk": review.pk}))
    return _render_comments(
        request,
        review,
        composed,
        form=form,
        reply_form=ReplyForm() if rights["edit_letter"] else None,
    )


def _render_comments(
    request: AuthenticatedHttpRequest,
    review: Review,
    composed: ComposedLetter,
    status: int = 200,
    **context: Any,
) -> HttpResponse:
    """The comments page: the letter, its comments (none before the letter is saved) and the forms."""
    saved = composed.data.letter
    items = list(saved.comments.select_related("author", "replied_by")) if saved.pk else []
    return render(
        request,
        "reports/comments.html",
        review_context(request, review, letter=composed, comments=items, **context),
        status=status,
    )


@post_or_restored
def comment_reply(request: AuthenticatedHttpRequest, pk: int, comment: int) -> HttpResponse:
    review = get_review_for(request.user, pk, "edit_letter")
    item = get_object_or_404(
        Comment.objects.select_related("author"), letter__review=review, pk=comment
    )
    form = ReplyForm(bound_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.answer_comment(
                comment=item,
                accept=form.cleaned_data["decision"] == "accept",
                reply=form.cleaned_data["reply"],
                user=request.user,
            )
        except StaleEdit:
            messages.error(request, "This comment has already been answered. Nothing was changed.")
            return redirect(
                reverse("reports:comments", kwargs={"pk": review.pk}) + f"#comment-{item.pk}"
            )
        if form.cleaned_data["decision"] == "accept":
            messages.success(request, "Comment accepted. Now correct the section it is about.")
            return redirect(
                reverse("reports:section-edit", kwargs={"pk": review.pk, "key": item.section_key})
            )
        messages.success(request, "Comment declined, with your reply.")
        return redirect(
            reverse("reports:comments", kwargs={"pk": review.pk}) + f"#comment-{item.pk}"
        )
    return _render_comments(
        request,
        review,
        compose_letter(review),
        status=400 if request.method == "POST" else 200,  # a GET: the reply kept through a timeout
        form=None,
        reply_form=ReplyForm(),
        failed_reply=(item.pk, form),
    )


@require_http_methods(["GET", "HEAD", "POST"])
def issue(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """ "Before you issue": what stops the letter being issued (blockers: nobody issues past them)
    and what the lead reviewer confirms, one by one, to issue it anyway (warnings). The checks are
    the review's readiness (``core.readiness``), made again when the form is sent."""
    review = get_review_for(request.user, pk, "issue_letter")
    blockers, warnings = readiness.checks_for(review, timezone.localdate())
    latest = (
        LetterVersion.objects.filter(letter__review=review)
        .select_related("issued_by")
        .order_by("-number")
        .first()
    )
    form = IssueForm(
        request.POST if request.method == "POST" else None,
        blockers=blockers,
        warnings=warnings,
        initial={"based_on": latest.number if latest else 0},
    )
    if request.method == "POST" and form.is_valid():
        return _issue(request, review, form.cleaned_data["based_on"])
    return render(
        request,
        "reports/issue.html",
        review_context(
            request, review, form=form, blockers=blockers, warnings=warnings, latest=latest
        ),
        status=400 if request.method == "POST" else 200,
    )


def _issue(request: AuthenticatedHttpRequest, review: Review, based_on: int | None) -> HttpResponse:
    versions_url = reverse("reports:versions", kwargs={"pk": review.pk})
    try:
        version = services.issue(
            review=review, user=request.user, request=request, based_on=based_on
        )
    except services.AlreadyIssued as already:
        latest = already.version
        by = latest.issued_by.full_name if latest.issued_by else "a former user"
        when = date_format(timezone.localtime(latest.issued_at), "j F Y H:i")
        if already.unchanged:
            messages.info(
                request,
                f"Nothing new was issued: the letter has not changed since version "
                f"{latest.number} (issued {when} by {by}).",
            )
        else:
            messages.warning(
                request,
                f"Nothing new was issued: version {latest.number} was issued {when} by {by} while "
                f"you were on the letter's page. Check it; if the letter has changed since, issue "
                f"again from the letter's page.",
            )
        return redirect(versions_url)
    emails = deliveries_about(version)
    messages.success(
        request,
        f"Version {version.number} of the letter has been issued: the PDF and Word files and "
        f"the presentation are stored and will not change. The email to tell the host lead contact is "
        f"{Queued.describe(len(emails))}.",
    )
    return redirect(versions_url)


@require_safe
def versions(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    review = get_review_for(request.user, pk, "download_letter")
    rights = rights_for(request.user, review)
    items = list(LetterVersion.objects.filter(letter__review=review).select_related("issued_by"))
    downloads = []
    refused = []
    if rights["view_trail"]:
        downloads = list(
            LetterDownload.objects.filter(version__letter__review=review).select_related(
                "user", "version"
            )[:200]
        )
        # Stored files that were refused (missing, or not as issued): the coordinator and the lead
        # reviewer must restore them from the backup (docs/deploy.md, "Backups").
        refused = list(
            Event.objects.filter(
                review_id=review.pk, action=Event.Action.LETTER_FILE_REFUSED
            ).order_by("-at")[:50]
        )
    return render(
        request,
        "reports/versions.html",
        review_context(request, review, versions=items, downloads=downloads, refused=refused),
    )


@require_safe
def version_download(
    request: AuthenticatedHttpRequest, pk: int, number: int, fmt: str
) -> HttpResponseBase:
    review = get_review_for(request.user, pk, "download_letter")
    if fmt not in CONTENT_TYPES:
        raise Http404("No such format")
    version = get_object_or_404(
        LetterVersion.objects.select_related("letter"), letter__review=review, number=number
    )
    return _issued_file(
        request, review, version, which=fmt, fmt=fmt, stem="feedback-letter", types=CONTENT_TYPES
    )


def _issued_file(
    request: AuthenticatedHttpRequest,
    review: Review,
    version: LetterVersion,
    *,
    which: str,
    fmt: str,
    stem: str,
    types: dict[str, str],
) -> HttpResponseBase:
    """An issued version's stored file, served only if its SHA-256 is the one taken when it was
    issued (else the refusal page: 404 missing, 409 changed); the download recorded."""
    try:
        data = services.read_issued_file(
            version=version, file_format=which, user=request.user, request=request
        )
    except services.FileRefused as refused:
        return render(
            request,
            "reports/version_refused.html",
            review_context(request, review, version=version, fmt=fmt, reason=refused.reason),
            status=404 if refused.reason == "missing" else 409,
        )
    services.record_download(version=version, file_format=which, user=request.user, request=request)
    return FileResponse(
        io.BytesIO(data),
        as_attachment=True,
        filename=_filename(review, f"{stem}-v{version.number}", fmt),
        content_type=types[fmt],
    )


@require_safe
def version_presentation(
    request: AuthenticatedHttpRequest, pk: int, number: int, fmt: str
) -> HttpResponseBase:
    """The feedback presentation as issued with a version (PowerPoint or PDF); the download
    recorded as the letter's are. A version issued before presentations were stored has none: 404."""
    review = get_review_for(request.user, pk, "download_letter")
    if fmt not in SLIDE_TYPES:
        raise Http404("No such format")
    version = get_object_or_404(
        LetterVersion.objects.select_related("letter"), letter__review=review, number=number
    )
    stored = version.pptx if fmt == "pptx" else version.slides_pdf
    if not stored:
        raise Http404("This version has no stored presentation")
    which = "pptx" if fmt == "pptx" else "slides-pdf"
    return _issued_file(
        request,
        review,
        version,
        which=which,
        fmt=fmt,
        stem="feedback-presentation",
        types=SLIDE_TYPES,
    )


def image_response(image: Any, types: set[str], missing: str) -> FileResponse:
    """An uploaded image (a logo, a signature) served for the preview, sandboxed, or 404."""
    mime = mimetypes.guess_type(image.name or "")[0] if image else None
    if not image or mime not in types:
        raise Http404(missing)
    try:
        handle = image.open("rb")
    except OSError as error:
        raise Http404(missing) from error
    response = FileResponse(handle, content_type=mime)
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    return response


@require_safe
def signature(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    """The signature image of the letter's template, for the preview."""
    review = get_review_for(request.user, pk, "view_letter_draft")
    _saved, template = _letter_template(review)
    return image_response(template.signature, {"image/png", "image/jpeg"}, "No signature")


@require_safe
def logo(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    """The lead organisation's logo, for the letterhead in the preview."""
    review = get_review_for(request.user, pk, "view")
    return image_response(
        review.lead_organisation.logo, {"image/png", "image/jpeg", "image/svg+xml"}, "No logo"
    )


@require_http_methods(["GET", "HEAD", "POST"])
def letterhead(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The coordinator's own organisation's letterhead: what every letter it leads is printed on."""
    organisation = get_letterhead_for(request.user, pk)
    form = LetterheadForm(bound_data(request), bound_files(request), instance=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            update_letterhead(form=form, user=request.user, request=request)
        except StaleEdit:
            current = Organisation.objects.get(pk=organisation.pk)
            form = rebind_conflict(LetterheadForm, form.data, current)
        else:
            messages.success(request, "Your organisation's letterhead has been saved.")
            return redirect("reports:letterhead", pk=organisation.pk)
    current = Organisation.objects.get(pk=organisation.pk)  # the saved logo, whatever was sent
    return render(
        request,
        "reports/letterhead.html",
        {"organisation": current, "form": form},
    )
