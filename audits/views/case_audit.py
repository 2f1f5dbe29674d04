"""Auditing a case: the audit page, starting it, saving the page or one criterion (with version
checks), sharing it with the host."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from accounts.http import AuthenticatedHttpRequest
from audits.forms import AuditDetailsForm, CriterionAnswerForm
from audits.models import AuditTool, Case, CaseAudit, CriterionAnswer, Moderation
from audits.permissions import get_case_audit_for_reading, get_case_for
from audits.services.case_audits import (
    AnswerNeededOnCompleteAudit,
    IncompleteAudit,
    NoTool,
    save_answer,
    save_audit_details,
    share_audit,
    start_audit,
)
from audits.services.tools import review_tool
from core.http import bound_data, is_htmx, post_or_restored
from core.versioning import StaleEdit, rebind_conflict
from reviews.permissions import review_context, rights_for
from reviews.setup.models import Review
from trail.models import Event
from trail.services import record_read


@require_safe
def case_audit(request: AuthenticatedHttpRequest, pk: int, case_pk: int) -> HttpResponse:
    review, case = get_case_audit_for_reading(request.user, pk, case_pk)
    record_read(request, Event.Action.CASE_AUDIT_VIEWED, case)
    return _render_case(request, review, case)


def _answer_form(answer: CriterionAnswer, tool: AuditTool, data: Any = None) -> CriterionAnswerForm:
    return CriterionAnswerForm(
        data,
        prefix=f"c{answer.pk}",
        answers=tool.answers,
        initial={"answer": answer.answer, "comment": answer.comment, "version": answer.version},
    )


def _details_form(audit: CaseAudit, tool: AuditTool, data: Any = None) -> AuditDetailsForm:
    return AuditDetailsForm(
        data,
        prefix="audit",
        grades=tool.grades,
        initial={
            "decision_agreement": audit.decision_agreement,
            "decision_reason": audit.decision_reason,
            "overall_grade": audit.overall_grade,
            "status": audit.status,
            "version": audit.version,
        },
    )


def _render_case(
    request: AuthenticatedHttpRequest,
    review: Review,
    case: Case,
    *,
    forms: dict[int, CriterionAnswerForm] | None = None,
    conflicts: dict[int, CriterionAnswer] | None = None,
    details_form: AuditDetailsForm | None = None,
    details_conflict: CaseAudit | None = None,
    incomplete: list[CriterionAnswer] | None = None,
    status: int = 200,
) -> HttpResponse:
    rights = rights_for(request.user, review)
    audit = CaseAudit.objects.filter(case=case).select_related("auditor", "updated_by").first()
    tool = review_tool(review)
    editable = bool(audit and rights["audit_cases"] and not review.is_finished)
    rows: list[dict[str, Any]] = []
    missing = {a.pk for a in incomplete or []}
    if audit and tool:
        forms, conflicts = forms or {}, conflicts or {}
        for answer in audit.answers.select_related("criterion", "updated_by"):
            rows.append(
                {
                    "answer": answer,
                    "form": forms.get(answer.pk) or _answer_form(answer, tool),
                    "conflict": conflicts.get(answer.pk),
                    "missing": answer.pk in missing,
                }
            )
        details_form = details_form or _details_form(audit, tool)
    unanswered = [row["answer"] for row in rows if not row["answer"].answer]
    moderation = (
        Moderation.objects.filter(audit=audit).select_related("moderator").first()
        if audit
        else None
    )
    return render(
        request,
        "audits/case_audit.html",
        review_context(
            request,
            review,
            case=case,
            audit=audit,
            tool=tool,
            rows=rows,
            editable=editable,
            details_form=details_form,
            details_conflict=details_conflict,
            moderation=moderation,
            progress={"answered": len(rows) - len(unanswered), "total": len(rows)},
            unanswered=unanswered,
            incomplete=incomplete or [],
            has_errors=bool(
                any(r["form"].errors or r["conflict"] for r in rows)
                or (details_form and details_form.errors)
                or details_conflict
                or incomplete
            ),
            can_moderate=bool(
                audit
                and audit.status == CaseAudit.Status.COMPLETE
                and rights["moderate"]
                and audit.auditor_id != request.user.pk
            ),
        ),
        status=status,
    )


@require_POST
def case_audit_start(request: AuthenticatedHttpRequest, pk: int, case_pk: int) -> HttpResponse:
    review, case = get_case_for(request.user, pk, case_pk, "audit_cases")
    try:
        start_audit(case=case, user=request.user)
    except NoTool as error:
        messages.error(request, str(error))
    return redirect("audits:case-audit", pk=review.pk, case_pk=case.pk)


def _progress(audit_id: int) -> dict[str, Any]:
    """ "7 of 10 answered" and the criteria not answered yet, for the page's progress line. One query."""
    answers = list(CriterionAnswer.objects.filter(audit_id=audit_id).select_related("criterion"))
    unanswered = [a for a in answers if not a.answer]
    return {
        "progress": {"answered": len(answers) - len(unanswered), "total": len(answers)},
        "unanswered": unanswered,
    }


def _get_tool(review: Review) -> AuditTool:
    tool = review_tool(review)
    if tool is None:
        raise Http404("This review has no audit tool")
    return tool


def _get_audit(case: Case) -> CaseAudit:
    audit = CaseAudit.objects.filter(case=case).first()
    if audit is None:
        raise Http404("This case's audit has not started")
    return audit


def _save_answer_form(
    request: AuthenticatedHttpRequest,
    answer: CriterionAnswer,
    tool: AuditTool,
    form: CriterionAnswerForm,
) -> tuple[CriterionAnswer, CriterionAnswerForm | None]:
    """Save a valid criterion form if it changes anything: the answer as it now stands, and, when
    someone else saved first, the form bound again to show both versions (None otherwise)."""
    data = form.cleaned_data
    if (data["answer"], data["comment"]) == (answer.answer, answer.comment):
        return answer, None
    try:
        saved = save_answer(
            answer_id=answer.pk,
            version=data["version"],
            answer=data["answer"],
            comment=data["comment"],
            user=request.user,
        )
    except AnswerNeededOnCompleteAudit as refused:
        form.add_error("answer", str(refused))
        return answer, None
    except StaleEdit as stale:
        rebound = rebind_conflict(
            CriterionAnswerForm,
            form.data,
            stale.current,
            prefix=f"c{answer.pk}",
            answers=tool.answers,
        )
        return stale.current, rebound
    return saved, None


def _save_details_form(
    request: AuthenticatedHttpRequest, audit: CaseAudit, tool: AuditTool, form: AuditDetailsForm
) -> tuple[CaseAudit, AuditDetailsForm | None, list[CriterionAnswer]]:
    """Save a valid details form (decision, grade, status) if it changes anything: the audit as it
    now stands; the form bound again to show both versions on a conflict, or the refusal to mark
    the audit complete (None otherwise); and the criteria still to answer when it was refused."""
    data = form.cleaned_data
    fields = ("decision_agreement", "decision_reason", "overall_grade", "status")
    if all(data[f] == getattr(audit, f) for f in fields):
        return audit, None, []
    try:
        saved = save_audit_details(
            audit_id=audit.pk,
            version=data["version"],
            user=request.user,
            **{f: data[f] for f in fields},
        )
    except StaleEdit as stale:
        rebound = rebind_conflict(
            AuditDetailsForm, form.data, stale.current, prefix="audit", grades=tool.grades
        )
        return stale.current, rebound, []
    except IncompleteAudit as refused:
        # The decision and grade are saved; the form shows them at the new version, the status as
        # it stands (so the next save of the decision is not refused again), and why.
        current = refused.audit or audit
        shown = form.data.copy()  # type: ignore[attr-defined]  # a QueryDict
        shown[form.add_prefix("version")] = str(current.version)
        shown[form.add_prefix("status")] = current.status
        again = AuditDetailsForm(shown, prefix="audit", grades=tool.grades)
        again.is_valid()
        again.add_error("status", str(refused))
        return current, again, refused.unanswered
    return saved, None, []


@post_or_restored
def case_audit_save(request: AuthenticatedHttpRequest, pk: int, case_pk: int) -> HttpResponse:
    """Save the whole page: each criterion and the details with their own version check."""
    review, case = get_case_for(request.user, pk, case_pk, "audit_cases")
    audit = _get_audit(case)
    tool = _get_tool(review)
    if request.method != "POST":
        return _restored_case(request, review, case, audit, tool)
    if is_htmx(request):
        return _save_details_in_place(request, review, case, audit, tool)
    forms: dict[int, CriterionAnswerForm] = {}
    conflicts: dict[int, CriterionAnswer] = {}
    # One transaction for the whole page with its trail records: a failure halfway (the database,
    # the trail) leaves nothing of it written. A criterion someone else saved is not written (its
    # conflict is shown); the others are.
    with transaction.atomic():
        for answer in audit.answers.all():
            if f"c{answer.pk}-version" not in request.POST:
                continue  # not on the page that was sent
            form = _answer_form(answer, tool, bound_data(request))
            if not form.is_valid():
                forms[answer.pk] = form
                continue
            current, rebound = _save_answer_form(request, answer, tool, form)
            if rebound is not None:
                conflicts[answer.pk] = current
                forms[answer.pk] = rebound
            elif form.errors:  # an answer taken away from a complete audit
                forms[answer.pk] = form
        details_form = _details_form(audit, tool, bound_data(request))
        details_conflict = None
        incomplete: list[CriterionAnswer] = []
        details_shown: AuditDetailsForm | None = details_form  # shown again, unless saved
        if details_form.is_valid():
            current_audit, details_shown, incomplete = _save_details_form(
                request, audit, tool, details_form
            )
            if details_shown is not None and not incomplete:
                details_conflict = current_audit
    if forms or conflicts or details_shown is not None:
        for form in forms.values():
            form.is_valid()
        return _render_case(
            request,
            review,
            case,
            forms=forms,
            conflicts=conflicts,
            details_form=details_shown,
            details_conflict=details_conflict,
            incomplete=incomplete,
        )
    messages.success(request, f"The audit of case {case.reference} is saved.")
    return redirect("audits:case-audit", pk=review.pk, case_pk=case.pk)


def _restored_case(
    request: AuthenticatedHttpRequest, review: Review, case: Case, audit: CaseAudit, tool: AuditTool
) -> HttpResponse:
    """Back from signing in after a timeout: the audit page with what was typed, nothing saved."""
    data = bound_data(request) or QueryDict()
    forms = {
        answer.pk: _answer_form(answer, tool, data)
        for answer in audit.answers.all()
        if f"c{answer.pk}-version" in data
    }
    details_form = _details_form(audit, tool, data) if "audit-version" in data else None
    record_read(request, Event.Action.CASE_AUDIT_VIEWED, case)
    return _render_case(request, review, case, forms=forms, details_form=details_form)


def _save_details_in_place(
    request: AuthenticatedHttpRequest, review: Review, case: Case, audit: CaseAudit, tool: AuditTool
) -> HttpResponse:
    """htmx: save the decision, grade and status as they change; swap the section in only to show
    a warning or both versions."""
    form = _details_form(audit, tool, bound_data(request))
    conflict = None
    incomplete: list[CriterionAnswer] = []
    if form.is_valid():
        audit, rebound, incomplete = _save_details_form(request, audit, tool, form)
        if rebound is not None:
            form = rebound
            conflict = None if incomplete else audit
    if not form.errors and conflict is None:
        return render(
            request,
            "audits/partials/audit_details_saved.html",
            {"audit": audit, "form": _details_form(audit, tool)},
        )
    response = render(
        request,
        "audits/partials/audit_details.html",
        {
            "review": review,
            "case": case,
            "audit": audit,
            "editable": True,
            "details_form": form,
            "details_conflict": conflict,
            "incomplete": incomplete,
        },
    )
    response["HX-Reswap"] = "outerHTML"
    return response


@post_or_restored
def criterion_answer_save(
    request: AuthenticatedHttpRequest, pk: int, case_pk: int, answer_pk: int
) -> HttpResponse:
    """Save one criterion as you go (htmx swaps the criterion back in); without JS, the whole page."""
    review, case = get_case_for(request.user, pk, case_pk, "audit_cases")
    answer = get_object_or_404(
        CriterionAnswer.objects.select_related("criterion", "updated_by"),
        pk=answer_pk,
        audit__case=case,
    )
    tool = _get_tool(review)
    if request.method != "POST":
        return _restored_case(request, review, case, answer.audit, tool)
    form = _answer_form(answer, tool, bound_data(request))
    conflict = None
    if form.is_valid():
        answer, rebound = _save_answer_form(request, answer, tool, form)
        if rebound is not None:
            conflict, form = answer, rebound
        elif not form.errors:
            form = _answer_form(answer, tool)
    if is_htmx(request):
        if not form.errors and conflict is None:
            return render(
                request,
                "audits/partials/criterion_saved.html",
                {"answer": answer, "form": form, **_progress(answer.audit_id), "review": review},
            )
        response = render(
            request,
            "audits/partials/criterion.html",
            {
                "row": {"answer": answer, "form": form, "conflict": conflict},
                "editable": True,
                "review": review,
                "case": case,
            },
        )
        response["HX-Reswap"] = "outerHTML"  # show the warning or both versions in place
        return response
    if form.errors or conflict:
        return _render_case(
            request,
            review,
            case,
            forms={answer.pk: form},
            conflicts={answer.pk: conflict} if conflict else None,
        )
    messages.success(request, f"Criterion {answer.criterion.number} is saved.")
    return redirect(
        reverse("audits:case-audit", args=[review.pk, case.pk]) + f"#criterion-{answer.pk}"
    )


@require_POST
def case_audit_share(request: AuthenticatedHttpRequest, pk: int, case_pk: int) -> HttpResponse:
    review, case = get_case_for(request.user, pk, case_pk, "share_audits")
    audit = _get_audit(case)
    shared = request.POST.get("share") == "yes"
    share_audit(audit=audit, user=request.user, shared=shared)
    messages.success(
        request,
        f"The audit of case {case.reference} is {'now shared with' if shared else 'no longer shared with'} "
        f"{review.host.display_name}'s staff.",
    )
    return redirect("audits:case-audit", pk=review.pk, case_pk=case.pk)
