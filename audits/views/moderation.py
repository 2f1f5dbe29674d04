"""Moderation: a second auditor checks a completed audit, criterion by criterion."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from accounts.http import AuthenticatedHttpRequest
from audits.models import CaseAudit, Moderation
from audits.permissions import get_case_for
from audits.services.moderation import moderate
from audits.views._shared import GET_POST
from core.http import bound_data
from reviews.permissions import review_context


@GET_POST
def case_audit_moderate(request: AuthenticatedHttpRequest, pk: int, case_pk: int) -> HttpResponse:
    review, case = get_case_for(request.user, pk, case_pk, "moderate")
    audit = get_object_or_404(CaseAudit.objects.select_related("auditor"), case=case)
    if audit.auditor_id == request.user.pk:
        raise PermissionDenied("A second auditor moderates an audit, not the person who did it.")
    answers = list(audit.answers.select_related("criterion"))
    existing = Moderation.objects.filter(audit=audit).first()
    previous = {m.answer_id: m for m in existing.answers.all()} if existing else {}
    errors: list[tuple[str, str]] = []
    data = bound_data(request)
    values = {}
    for answer in answers:
        key = f"m{answer.pk}"
        old = previous.get(answer.pk)
        values[answer.pk] = {
            "agrees": data.get(f"{key}-agrees", "")
            if data is not None
            else ({True: "yes", False: "no"}[old.agrees] if old else ""),
            "note": data.get(f"{key}-note", "") if data is not None else (old.note if old else ""),
        }
    overall = {
        "agrees": data.get("overall-agrees", "")
        if data is not None
        else ({True: "yes", False: "no"}[existing.agrees_overall] if existing else ""),
        "note": data.get("overall-note", "")
        if data is not None
        else (existing.note if existing else ""),
    }
    if request.method == "POST":
        if audit.status != CaseAudit.Status.COMPLETE:
            errors.append(
                ("overall-agrees-yes", "The audit must be complete before it is moderated")
            )
        for answer in answers:
            if values[answer.pk]["agrees"] not in ("yes", "no"):
                errors.append(
                    (
                        f"m{answer.pk}-agrees-yes",
                        f"Say whether you agree with criterion {answer.criterion.number}",
                    )
                )
        if overall["agrees"] not in ("yes", "no"):
            errors.append(("overall-agrees-yes", "Say whether you agree with the audit overall"))
        if not errors:
            moderate(
                audit=audit,
                moderator=request.user,
                agrees_overall=overall["agrees"] == "yes",
                note=overall["note"],
                checks={
                    a.pk: (values[a.pk]["agrees"] == "yes", values[a.pk]["note"]) for a in answers
                },
            )
            messages.success(request, f"Your moderation of case {case.reference} is saved.")
            return redirect("audits:case-audit", pk=review.pk, case_pk=case.pk)
    error_ids = {e[0] for e in errors}
    rows = [
        {"answer": a, "value": values[a.pk], "error": f"m{a.pk}-agrees-yes" in error_ids}
        for a in answers
    ]
    return render(
        request,
        "audits/moderate.html",
        review_context(
            request,
            review,
            case=case,
            audit=audit,
            rows=rows,
            overall=overall,
            overall_error="overall-agrees-yes" in error_ids,
            errors=errors,
        ),
    )
