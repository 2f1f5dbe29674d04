"""A live audit's record (issue 23): made with the case's social worker present, sent to them to
confirm through a link emailed through the outbox; locked once they confirm."""

from __future__ import annotations

import contextlib

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts.http import AuthenticatedHttpRequest
from audits.permissions import get_live_case_for
from audits.programme_forms import LiveAuditConfirmForm, LiveAuditRecordForm
from audits.services import programme as services
from audits.views._shared import GET_POST
from core.http import bound_data, site_url
from core.versioning import StaleEdit, rebind_conflict
from reviews.permissions import review_context


@GET_POST
def live_record(request: AuthenticatedHttpRequest, pk: int, case_pk: int) -> HttpResponse:
    review, case = get_live_case_for(request.user, pk, case_pk, "audit_cases")
    record = services.live_record(case)
    locked = bool(record and record.is_confirmed)
    form = None
    if not locked:
        form = LiveAuditRecordForm(bound_data(request), instance=record)
        if request.method == "POST" and form.is_valid():
            values = {name: form.cleaned_data[name] for name in form.Meta.fields}
            try:
                services.save_live_record(
                    case=case,
                    user=request.user,
                    values=values,
                    version=form.cleaned_data.get("version"),
                )
            except StaleEdit:
                current = services.live_record(case)
                form = rebind_conflict(LiveAuditRecordForm, request.POST, current)
            except services.RecordLocked as error:
                messages.error(request, error.message)
                return redirect("audits:live-record", pk=review.pk, case_pk=case.pk)
            else:
                messages.success(request, "The live audit record is saved.")
                return redirect("audits:live-record", pk=review.pk, case_pk=case.pk)
    elif request.method == "POST":
        messages.error(request, services.RecordLocked.message)
    return render(
        request,
        "audits/programme/live_record.html",
        review_context(request, review, case=case, record=record, form=form, locked=locked),
    )


@require_POST
def live_record_send(request: AuthenticatedHttpRequest, pk: int, case_pk: int) -> HttpResponse:
    review, case = get_live_case_for(request.user, pk, case_pk, "audit_cases")
    record = services.live_record(case)
    if record is None:
        messages.error(request, "Record the live audit before sending it to the social worker.")
    elif record.is_confirmed:
        messages.error(request, services.RecordLocked.message)
    elif not record.worker_email:
        messages.error(request, "Add the social worker's email address to send them the record.")
    else:
        queued = services.send_for_confirmation(record=record, site_url=site_url(request))
        messages.success(
            request, f"The record is sent to {record.worker_email} to confirm: {queued.summary}."
        )
    return redirect("audits:live-record", pk=review.pk, case_pk=case.pk)


@login_not_required
@require_http_methods(["GET", "HEAD", "POST"])
def live_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the social worker's email: read the record of their live audit and confirm it.
    Works for 14 days, shows only this record (a case reference, never a name), once confirmed
    says so."""
    record = services.record_by_token(token)
    if record is None:
        return render(request, "audits/programme/live_confirm_unusable.html", status=404)
    form = LiveAuditConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and not record.is_confirmed and form.is_valid():
        with contextlib.suppress(services.RecordLocked):  # confirmed in another tab meanwhile
            services.confirm_live_record(record=record, comment=form.cleaned_data["comment"])
        return redirect("audits:live-confirm", token=token)
    return render(
        request,
        "audits/programme/live_confirm.html",
        {"record": record, "form": form, "review": record.case.review},
    )
