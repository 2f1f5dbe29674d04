"""The authority's improvement journey: trends of its audits, its improvement priorities and board
meetings, and its journey report to a council committee. Thin views: each asks
``reviews.permissions`` first, as the authority's history does: people who may see the history read
these pages (others 404); its host lead contacts and coordinators change them (others 403)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.http import AuthenticatedHttpRequest
from accounts.models import Organisation
from core.exports import attachment
from core.http import bound_data, whole_number
from core.versioning import StaleEdit, rebind_conflict
from improvement import journey, journey_services, priorities, trends
from improvement.journey_forms import (
    BoardMeetingForm,
    JourneyReportForm,
    PriorityForm,
    ReportStructureForm,
    SectionForm,
)
from improvement.models import ImprovementPriority, JourneyReport, JourneySectionEdit
from reports.forms import TemplateSectionFormSet
from reports.models import LetterTemplate
from reviews.permissions import get_authority_for, may_record_external_review
from trail.models import Event
from trail.services import record_read

PDF = "application/pdf"


def _context(
    request: AuthenticatedHttpRequest, organisation: Organisation, **extra: object
) -> dict:
    return {
        "organisation": organisation,
        "may_edit": may_record_external_review(request.user, organisation),
        **extra,
    }


# Trends ------------------------------------------------------------------------------------------


@require_safe
def trends_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    organisation = get_authority_for(request.user, pk)
    found = trends.build(organisation)
    return render(
        request,
        "improvement/trends.html",
        _context(request, organisation, trends=found, chart=trends.chart(found)),
    )


# Priorities and the improvement board ------------------------------------------------------------


def _priority(organisation: Organisation, pk: int) -> ImprovementPriority:
    return get_object_or_404(ImprovementPriority, organisation=organisation, pk=pk)


def _priorities_url(organisation: Organisation) -> str:
    return reverse("improvement:priorities", kwargs={"pk": organisation.pk})


@require_safe
def priorities_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    organisation = get_authority_for(request.user, pk)
    return render(
        request,
        "improvement/priorities.html",
        _context(request, organisation, board=priorities.load(organisation)),
    )


@require_http_methods(["GET", "HEAD", "POST"])
def priority_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    organisation = get_authority_for(request.user, pk, record=True)
    findings = priorities.linkable_findings(organisation)
    form = PriorityForm(
        bound_data(request),
        findings=findings,
        organisation=organisation,
        initial={"letter": priorities.next_letter(organisation)},
    )
    if request.method == "POST" and form.is_valid():
        priorities.create_priority(
            organisation=organisation, data=form.cleaned_data, user=request.user, request=request
        )
        messages.success(request, "Priority added.")
        return redirect(_priorities_url(organisation))
    return render(
        request, "improvement/priority_form.html", _context(request, organisation, form=form)
    )


@require_http_methods(["GET", "HEAD", "POST"])
def priority_edit(request: AuthenticatedHttpRequest, pk: int, priority: int) -> HttpResponse:
    organisation = get_authority_for(request.user, pk, record=True)
    item = _priority(organisation, priority)
    findings = priorities.linkable_findings(organisation)
    form = PriorityForm(
        bound_data(request), instance=item, findings=findings, organisation=organisation
    )
    if request.method == "POST" and form.is_valid():
        try:
            priorities.update_priority(
                priority=item,
                version=form.cleaned_data.get("version"),
                data=form.cleaned_data,
                request=request,
            )
        except StaleEdit:
            current = _priority(organisation, item.pk)
            form = rebind_conflict(
                PriorityForm, form.data, current, findings=findings, organisation=organisation
            )
        else:
            messages.success(request, "Priority saved.")
            return redirect(_priorities_url(organisation))
    item = _priority(organisation, item.pk)
    return render(
        request,
        "improvement/priority_form.html",
        _context(request, organisation, form=form, priority=item),
    )


@require_POST
def priority_delete(request: AuthenticatedHttpRequest, pk: int, priority: int) -> HttpResponse:
    organisation = get_authority_for(request.user, pk, record=True)
    item = _priority(organisation, priority)
    version = request.POST.get("version", "")
    try:
        seen = whole_number(version)
        if seen is None:
            raise StaleEdit
        priorities.delete_priority(priority=item, version=seen, request=request)
    except StaleEdit:
        messages.info(
            request, "This priority was changed since you opened it, so it was not deleted."
        )
        return redirect(item)
    messages.success(request, f"Priority {item.letter} deleted.")
    return redirect(_priorities_url(organisation))


@require_http_methods(["GET", "HEAD", "POST"])
def board_meeting_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    organisation = get_authority_for(request.user, pk, record=True)
    board = priorities.load(organisation)
    items = [row.priority for row in board.rows]
    form = BoardMeetingForm(bound_data(request), priorities=items)
    if request.method == "POST" and form.is_valid():
        priorities.record_meeting(
            organisation=organisation,
            date=form.cleaned_data["date"],
            reviewed=form.cleaned_data["reviewed"],
            decisions=form.cleaned_data["decisions"],
            ratings=form.ratings(),
            user=request.user,
            request=request,
        )
        messages.success(request, "Board meeting recorded.")
        return redirect(_priorities_url(organisation))
    return render(
        request,
        "improvement/board_meeting_form.html",
        _context(request, organisation, form=form, board=board),
    )


# Journey reports ---------------------------------------------------------------------------------


def _report(organisation: Organisation, pk: int) -> JourneyReport:
    return get_object_or_404(
        JourneyReport.objects.select_related("organisation", "template"),
        organisation=organisation,
        pk=pk,
    )


@require_safe
def journey_reports(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    organisation = get_authority_for(request.user, pk)
    reports = list(
        JourneyReport.objects.filter(organisation=organisation).prefetch_related("versions")
    )
    return render(
        request,
        "improvement/journey_reports.html",
        _context(request, organisation, reports=reports),
    )


@require_http_methods(["GET", "HEAD", "POST"])
def journey_report_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    organisation = get_authority_for(request.user, pk, record=True)
    form = JourneyReportForm(
        bound_data(request),
        initial={
            "title": f"{organisation.display_name}: improvement journey progress"[:250],
            "period_months": 12,
            "wards": "All",
        },
    )
    if request.method == "POST" and form.is_valid():
        report = journey_services.create_report(
            organisation=organisation, data=form.cleaned_data, user=request.user, request=request
        )
        messages.success(request, "Journey report started: check each section, then issue it.")
        return redirect(report)
    return render(
        request, "improvement/journey_report_form.html", _context(request, organisation, form=form)
    )


@require_http_methods(["GET", "HEAD", "POST"])
def journey_report_edit(request: AuthenticatedHttpRequest, pk: int, report: int) -> HttpResponse:
    organisation = get_authority_for(request.user, pk, record=True)
    item = _report(organisation, report)
    form = JourneyReportForm(bound_data(request), instance=item)
    if request.method == "POST" and form.is_valid():
        try:
            journey_services.update_report(
                report=item,
                version=form.cleaned_data.get("version"),
                data=form.cleaned_data,
                request=request,
            )
        except StaleEdit:
            form = rebind_conflict(JourneyReportForm, form.data, _report(organisation, item.pk))
        else:
            messages.success(request, "Details saved.")
            return redirect(item)
    return render(
        request,
        "improvement/journey_report_form.html",
        _context(request, organisation, form=form, report=_report(organisation, item.pk)),
    )


@require_safe
def journey_report(request: AuthenticatedHttpRequest, pk: int, report: int) -> HttpResponse:
    organisation = get_authority_for(request.user, pk)
    item = _report(organisation, report)
    composed = journey_services.compose(item)
    return render(
        request,
        "improvement/journey_report.html",
        _context(
            request,
            organisation,
            report=item,
            composed=composed,
            versions=list(item.versions.all()),
        ),
    )


@require_http_methods(["GET", "HEAD", "POST"])
def journey_structure(request: AuthenticatedHttpRequest, pk: int, report: int) -> HttpResponse:
    """Rename, hide, add and reorder the report's sections and set their numbering: only the
    report's own copy of the committee report template changes (issued versions keep theirs)."""
    organisation = get_authority_for(request.user, pk, record=True)
    item = _report(organisation, report)
    if item.template is None:  # only when no committee report template was installed
        raise Http404("This report has no sections of its own to change")
    template = item.template
    data = bound_data(request)
    form = ReportStructureForm(data, instance=template)
    formset = TemplateSectionFormSet(
        data, instance=template, prefix="sections", form_kwargs={"document": template.document}
    )
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            changes = journey_services.save_structure(
                report=item, form=form, formset=formset, user=request.user, request=request
            )
        except StaleEdit:
            current = LetterTemplate.objects.get(pk=template.pk)
            form = rebind_conflict(ReportStructureForm, form.data, current)
        else:
            messages.success(
                request,
                "The report’s sections are saved."
                if changes
                else "Nothing had changed: the report is as it was.",
            )
            return redirect(item.get_absolute_url())
    return render(
        request,
        "improvement/journey_structure.html",
        _context(
            request,
            organisation,
            report=item,
            form=form,
            formset=formset,
            placeholders=journey.PLACEHOLDERS,
        ),
    )


@require_http_methods(["GET", "HEAD", "POST"])
def journey_section_edit(
    request: AuthenticatedHttpRequest, pk: int, report: int, key: str
) -> HttpResponse:
    organisation = get_authority_for(request.user, pk, record=True)
    item = _report(organisation, report)
    _data, section = journey_services.section_of(item, key)
    if section is None:
        raise Http404("No such section")
    edit = JourneySectionEdit.objects.filter(report=item, key=key).first()
    initial = {"text": section.text, "version": edit.version if edit else None}
    form = SectionForm(bound_data(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            journey_services.save_section(
                report=item,
                section=section,
                text=form.cleaned_data["text"],
                version=form.cleaned_data.get("version"),
                user=request.user,
                request=request,
            )
        except StaleEdit:
            current = JourneySectionEdit.objects.filter(report=item, key=key).first()
            data = request.POST.copy()
            data["version"] = str(current.version) if current else ""
            form = SectionForm(data)
            form.is_valid()
            form.add_error(None, StaleEdit.message)
        else:
            messages.success(request, f"Section “{section.title or section.label}” saved.")
            return redirect(f"{item.get_absolute_url()}#section-{section.key}")
    return render(
        request,
        "improvement/journey_section_edit.html",
        _context(request, organisation, report=item, section=section, form=form, edit=edit),
    )


@require_POST
def journey_section_reset(
    request: AuthenticatedHttpRequest, pk: int, report: int, key: str
) -> HttpResponse:
    organisation = get_authority_for(request.user, pk, record=True)
    item = _report(organisation, report)
    version = request.POST.get("version", "")
    try:
        journey_services.reset_section(
            report=item,
            key=key,
            version=whole_number(version),
            request=request,
        )
    except StaleEdit:
        messages.info(request, "This section was changed since you opened it, so it was not reset.")
    else:
        messages.success(request, "The section is back to the text written from the data.")
    return redirect(f"{item.get_absolute_url()}#section-{key}")


@require_safe
def journey_report_draft(
    request: AuthenticatedHttpRequest, pk: int, report: int, fmt: str
) -> HttpResponse:
    organisation = get_authority_for(request.user, pk)
    if fmt not in ("pdf", "docx"):
        raise Http404("No such format")
    item = _report(organisation, report)
    record_read(request, Event.Action.DRAFT_LETTER_DOWNLOADED, item, format=fmt)
    composed = journey_services.compose(item)
    if fmt == "pdf":
        body, content_type = journey_services.report_pdf(composed), PDF
    else:
        body, content_type = journey_services.report_docx(composed), journey_services.DOCX
    return attachment(
        HttpResponse(body, content_type=content_type), f"journey-report-{item.pk}-draft.{fmt}"
    )


@require_POST
def journey_report_issue(request: AuthenticatedHttpRequest, pk: int, report: int) -> HttpResponse:
    organisation = get_authority_for(request.user, pk, record=True)
    item = _report(organisation, report)
    after = request.POST.get("after", "")
    try:
        version = journey_services.issue(
            report=item,
            user=request.user,
            request=request,
            after=whole_number(after),
        )
    except journey_services.AlreadyIssued as error:
        messages.info(
            request,
            f"Version {error.number} was issued since you opened this page, so no other version "
            "was issued. Check it below, and issue again if the report has changed since.",
        )
        return redirect(item)
    messages.success(request, f"Version {version.number} issued.")
    return redirect(item)


@require_safe
def journey_report_version(
    request: AuthenticatedHttpRequest, pk: int, report: int, number: int, fmt: str
) -> HttpResponse:
    organisation = get_authority_for(request.user, pk)
    if fmt not in ("pdf", "docx"):
        raise Http404("No such format")
    item = _report(organisation, report)
    version = get_object_or_404(item.versions, number=number)
    try:
        body = journey_services.read_version_file(version=version, file_format=fmt, request=request)
    except journey_services.VersionFileRefused:
        raise Http404("This file is not as it was issued") from None
    record_read(request, Event.Action.LETTER_DOWNLOADED, item, version=number, format=fmt)
    return attachment(
        HttpResponse(body, content_type=PDF if fmt == "pdf" else journey_services.DOCX),
        f"journey-report-{item.pk}-v{number}.{fmt}",
    )
