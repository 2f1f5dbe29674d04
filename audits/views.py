"""Thin views: fetch and authorise (reviews.permissions, audits.permissions), validate, call a service."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.db.models import Count, F, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.models import User
from audits import services
from audits.forms import (
    AlertForm,
    AuditDetailsForm,
    CaseListForm,
    CommentaryForm,
    CriterionAnswerForm,
    CriterionForm,
    ReferenceRuleForm,
    SampleDrawForm,
    ToolChoiceForm,
    ToolForm,
)
from audits.models import (
    AuditPlan,
    AuditTool,
    Case,
    CaseAudit,
    CaseType,
    Criterion,
    CriterionAnswer,
    CriterionCommentary,
    Moderation,
    SafeguardingAlert,
    SampleDraw,
    SampleStatus,
)
from audits.permissions import (
    get_alert_for,
    get_case_audit_for_reading,
    get_case_for,
    get_tool_for,
    manages_tools,
)
from core.links import PkUrls
from reviews.models import Review, Role
from reviews.permissions import can, get_review_for, rights_for
from trail.models import Event
from trail.services import record_read

GET_POST = require_http_methods(["GET", "HEAD", "POST"])
CASES_PER_PAGE = 100  # a case list can hold tens of thousands of cases


def _context(request: HttpRequest, review: Review, **extra: Any) -> dict[str, Any]:
    return {"review": review, "review_rights": rights_for(request.user, review), **extra}


# --- The review's audits: home, settings, case list, sample ---------------------------------------


@require_safe
def audits_home(request: HttpRequest, pk: int) -> HttpResponse:
    """Progress across the sample for the team; shared audits and alerts for the host."""
    review = get_review_for(request.user, pk, "view")
    rights = rights_for(request.user, review)
    context = _context(request, review, tool=services.review_tool(review))
    if rights["view_team_work"]:
        sample = list(
            Case.objects.filter(review=review)
            .sampled()
            .select_related("assigned_to", "audit__auditor", "audit__moderation")
            .annotate(
                answered=Count("audit__answers", filter=~Q(audit__answers__answer="")),
                criteria=Count("audit__answers"),
            )
            .order_by("reference")
        )
        links = PkUrls(review.pk, audit="audits:case-audit")
        for case in sample:
            case.audit_url = links(case.pk)["audit"]
        context["sample"] = sample
        context["progress"] = _progress(sample)
        context["reserves"] = Case.objects.filter(
            review=review, sample_status=SampleStatus.RESERVE
        ).count()
        context["auditors"] = services.auditors_of(review) if rights["manage_sample"] else []
        context["auditor_choices"] = [(u.pk, u.full_name) for u in context["auditors"]]
        context["last_draw"] = review.sample_draws.select_related("drawn_by").first()
    else:
        context["shared"] = (
            CaseAudit.objects.for_review(review)
            .filter(shared_with_host=True)
            .select_related("case")
            .order_by("case__reference")
        )
    context["alerts"] = list(_alerts_for(request, review))
    return render(request, "audits/home.html", context)


def _progress(sample: list[Case]) -> dict[str, Any]:
    by_person: dict[str, dict[str, int]] = {}
    totals = {"not_started": 0, "in_progress": 0, "complete": 0}
    for case in sample:
        audit = getattr(case, "audit", None)
        status = audit.status if audit else "not_started"
        totals[status] = totals.get(status, 0) + 1
        name = case.assigned_to.full_name if case.assigned_to else "Not assigned"
        person = by_person.setdefault(name, {"not_started": 0, "in_progress": 0, "complete": 0})
        person[status] = person.get(status, 0) + 1
    return {"totals": totals, "by_person": sorted(by_person.items()), "count": len(sample)}


def _alerts_for(request: HttpRequest, review: Review):
    alerts = SafeguardingAlert.objects.filter(review=review).select_related("case", "raised_by")
    if not can(request.user, "view_team_work", review):
        alerts = alerts.filter(recipients__user=request.user)
    return alerts.annotate(
        waiting=Count("recipients", filter=Q(recipients__acknowledged_at__isnull=True))
    )


@GET_POST
def audit_settings(request: HttpRequest, pk: int) -> HttpResponse:
    review = get_review_for(request.user, pk, "manage_sample")
    plan = AuditPlan.objects.filter(review=review).first() or AuditPlan(review=review)
    form = ReferenceRuleForm(request.POST or None, instance=plan)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "The reference rule is saved.")
        return redirect("audits:settings", pk=review.pk)
    return _render_settings(request, review, form=form)


def _render_settings(request: HttpRequest, review: Review, **forms: Any) -> HttpResponse:
    tool = services.review_tool(review)
    tools = AuditTool.objects.visible_to(request.user)
    forms.setdefault(
        "form",
        ReferenceRuleForm(
            instance=AuditPlan.objects.filter(review=review).first() or AuditPlan(review=review)
        ),
    )
    forms.setdefault(
        "tool_form",
        ToolChoiceForm(tools=tools, initial={"tool": tool.copied_from_id if tool else None}),
    )
    return render(
        request,
        "audits/settings.html",
        _context(
            request,
            review,
            tool=tool,
            criteria=tool.criteria.all() if tool else [],
            locked=CaseAudit.objects.for_review(review).exists(),
            **forms,
        ),
    )


@require_POST
def choose_tool(request: HttpRequest, pk: int) -> HttpResponse:
    review = get_review_for(request.user, pk, "manage_sample")
    tool_form = ToolChoiceForm(request.POST, tools=AuditTool.objects.visible_to(request.user))
    if tool_form.is_valid():
        try:
            services.choose_tool(review=review, tool=tool_form.cleaned_data["tool"])
        except services.ToolLocked as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "The review now uses its own copy of this audit tool.")
        return redirect("audits:settings", pk=review.pk)
    return _render_settings(request, review, tool_form=tool_form)


@require_safe
def case_list(request: HttpRequest, pk: int) -> HttpResponse:
    review = get_review_for(request.user, pk, "view_case_list")
    record_read(request, Event.Action.CASE_LIST_VIEWED, review)
    cases = (
        Case.objects.filter(review=review)
        .select_related("assigned_to", "audit")
        .order_by("reference", "pk")
    )
    page = Paginator(cases, CASES_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "audits/case_list.html",
        _context(
            request,
            review,
            cases=page,
            page=page,
            page_numbers=page.paginator.get_elided_page_range(page.number, on_each_side=2),
            statuses=SampleStatus,
        ),
    )


@GET_POST
def case_list_import(request: HttpRequest, pk: int) -> HttpResponse:
    """Check every row; import nothing when any is wrong, unless asked to import the valid rows."""
    review = get_review_for(request.user, pk, "upload_case_list")
    form = CaseListForm(request.POST or None, request.FILES or None)
    parsed = None
    if request.method == "POST" and form.is_valid():
        parsed = services.parse_case_list(review=review, text=form.cleaned_data["text"])
        import_valid = request.POST.get("import_valid") == "yes"
        if not parsed.errors or (import_valid and parsed.valid_rows):
            try:
                count = services.import_cases(review=review, rows=parsed.valid_rows)
            except IntegrityError:
                messages.error(
                    request,
                    "Someone added some of these references at the same moment, so nothing was "
                    "imported. Check the list again.",
                )
                return redirect("audits:case-list-import", pk=review.pk)
            skipped = len(parsed.error_lines - {0})
            messages.success(
                request,
                f"{count} case{'s' if count != 1 else ''} added to the case list"
                + (
                    f"; {skipped} row{'s' if skipped != 1 else ''} with errors left out."
                    if skipped
                    else "."
                ),
            )
            return redirect("audits:case-list", pk=review.pk)
        # Keep what was uploaded so that the valid rows can be imported without uploading again.
        form = CaseListForm(initial={"text": form.cleaned_data["text"]})
    pattern, rule = services.reference_rule(review)
    return render(
        request,
        "audits/case_list_import.html",
        _context(request, review, form=form, parsed=parsed, rule=rule, case_types=CaseType),
    )


@GET_POST
def sample_draw(request: HttpRequest, pk: int) -> HttpResponse:
    review = get_review_for(request.user, pk, "manage_sample")
    form = SampleDrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            draw = services.draw_sample(
                review=review,
                method=data["method"],
                size=data.get("size") or 0,
                per_type=form.per_type,
                reserves=data.get("reserves") or 0,
                seed=data.get("seed"),
                user=request.user,
            )
        except services.SampleLocked as error:
            messages.error(request, str(error))
            return redirect("audits:home", pk=review.pk)
        messages.success(
            request,
            f"{len(draw.drawn)} cases drawn ({len(draw.reserved)} reserves) with seed {draw.seed}.",
        )
        return redirect("audits:home", pk=review.pk)
    return render(
        request,
        "audits/sample_draw.html",
        _context(
            request,
            review,
            form=form,
            population=Case.objects.filter(review=review).count(),
            draws=review.sample_draws.select_related("drawn_by")[:10],
            methods=SampleDraw.Method,
        ),
    )


@require_POST
def sample_pick(request: HttpRequest, pk: int) -> HttpResponse:
    review = get_review_for(request.user, pk, "manage_sample")
    action = request.POST.get("action")
    statuses = {
        "sample": SampleStatus.SAMPLED,
        "reserve": SampleStatus.RESERVE,
        "remove": SampleStatus.NOT_SAMPLED,
    }
    ids = [int(v) for v in request.POST.getlist("cases") if v.isdigit()]
    if action not in statuses or not ids:
        messages.error(request, "Select at least one case, then choose what to do with them.")
        return redirect("audits:case-list", pk=review.pk)
    changed = services.set_sample_status(review=review, case_ids=ids, status=statuses[action])
    messages.success(request, f"{changed} case{'s' if changed != 1 else ''} updated.")
    return redirect("audits:case-list", pk=review.pk)


@require_POST
def sample_assign(request: HttpRequest, pk: int) -> HttpResponse:
    review = get_review_for(request.user, pk, "manage_sample")
    assignments: dict[int, int | None] = {}
    for key, value in request.POST.items():
        if key.startswith("assign-") and key[7:].isdigit():
            assignments[int(key[7:])] = int(value) if value.isdigit() else None
    changed = services.assign_cases(review=review, assignments=assignments)
    messages.success(request, f"{changed} assignment{'s' if changed != 1 else ''} changed.")
    return redirect("audits:home", pk=review.pk)


# --- Auditing a case -----------------------------------------------------------------------------


@require_safe
def case_audit(request: HttpRequest, pk: int, case_pk: int) -> HttpResponse:
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


def _with_version(data: Any, prefix: str, version: int) -> Any:
    """The user's text kept, with the version they have now seen: saving again is deliberate."""
    data = data.copy()
    data[f"{prefix}-version"] = str(version)
    return data


def _render_case(
    request: HttpRequest,
    review: Review,
    case: Case,
    *,
    forms: dict[int, CriterionAnswerForm] | None = None,
    conflicts: dict[int, CriterionAnswer] | None = None,
    details_form: AuditDetailsForm | None = None,
    details_conflict: CaseAudit | None = None,
    status: int = 200,
) -> HttpResponse:
    rights = rights_for(request.user, review)
    audit = CaseAudit.objects.filter(case=case).select_related("auditor", "updated_by").first()
    tool = services.review_tool(review)
    editable = bool(audit and rights["audit_cases"] and not review.is_finished)
    rows = []
    if audit and tool:
        forms, conflicts = forms or {}, conflicts or {}
        for answer in audit.answers.select_related("criterion", "updated_by"):
            rows.append(
                {
                    "answer": answer,
                    "form": forms.get(answer.pk) or _answer_form(answer, tool),
                    "conflict": conflicts.get(answer.pk),
                }
            )
        details_form = details_form or _details_form(audit, tool)
    moderation = (
        Moderation.objects.filter(audit=audit).select_related("moderator").first()
        if audit
        else None
    )
    return render(
        request,
        "audits/case_audit.html",
        _context(
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
            has_errors=bool(
                any(r["form"].errors or r["conflict"] for r in rows)
                or (details_form and details_form.errors)
                or details_conflict
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
def case_audit_start(request: HttpRequest, pk: int, case_pk: int) -> HttpResponse:
    review, case = get_case_for(request.user, pk, case_pk, "audit_cases")
    try:
        services.start_audit(case=case, user=request.user)
    except services.NoTool as error:
        messages.error(request, str(error))
    return redirect("audits:case-audit", pk=review.pk, case_pk=case.pk)


def _get_audit(case: Case) -> CaseAudit:
    audit = CaseAudit.objects.filter(case=case).first()
    if audit is None:
        raise Http404("This case's audit has not started")
    return audit


@require_POST
def case_audit_save(request: HttpRequest, pk: int, case_pk: int) -> HttpResponse:
    """Save the whole page: each criterion and the details with their own version check."""
    review, case = get_case_for(request.user, pk, case_pk, "audit_cases")
    audit = _get_audit(case)
    tool = services.review_tool(review)
    if request.htmx:
        return _save_details_in_place(request, review, case, audit, tool)
    forms: dict[int, CriterionAnswerForm] = {}
    conflicts: dict[int, CriterionAnswer] = {}
    for answer in audit.answers.all():
        if f"c{answer.pk}-version" not in request.POST:
            continue  # not on the page that was sent
        form = _answer_form(answer, tool, request.POST)
        if not form.is_valid():
            forms[answer.pk] = form
            continue
        data = form.cleaned_data
        if data["answer"] == answer.answer and data["comment"] == answer.comment:
            continue
        saved = services.save_answer(
            answer_id=answer.pk,
            version=data["version"],
            answer=data["answer"],
            comment=data["comment"],
            user=request.user,
        )
        if not saved.ok:
            conflicts[answer.pk] = saved.current
            forms[answer.pk] = _answer_form(
                answer, tool, _with_version(request.POST, f"c{answer.pk}", saved.current.version)
            )
    details_form = _details_form(audit, tool, request.POST)
    details_conflict = None
    if details_form.is_valid():
        data = details_form.cleaned_data
        fields = ("decision_agreement", "decision_reason", "overall_grade", "status")
        if any(data[f] != getattr(audit, f) for f in fields):
            saved = services.save_audit_details(
                audit_id=audit.pk,
                version=data["version"],
                user=request.user,
                **{f: data[f] for f in fields},
            )
            if not saved.ok:
                details_conflict = saved.current
                details_form = _details_form(
                    audit, tool, _with_version(request.POST, "audit", saved.current.version)
                )
                details_form.is_valid()
        details_form = details_form if details_conflict else None
    if forms or conflicts or details_form is not None:
        for form in forms.values():
            form.is_valid()
        return _render_case(
            request,
            review,
            case,
            forms=forms,
            conflicts=conflicts,
            details_form=details_form,
            details_conflict=details_conflict,
        )
    messages.success(request, f"The audit of case {case.reference} is saved.")
    return redirect("audits:case-audit", pk=review.pk, case_pk=case.pk)


def _save_details_in_place(
    request: HttpRequest, review: Review, case: Case, audit: CaseAudit, tool: AuditTool
) -> HttpResponse:
    """htmx: save the decision, grade and status as they change; swap the section in only to show
    a warning or both versions."""
    form = _details_form(audit, tool, request.POST)
    conflict = None
    if form.is_valid():
        data = form.cleaned_data
        fields = ("decision_agreement", "decision_reason", "overall_grade", "status")
        if any(data[f] != getattr(audit, f) for f in fields):
            saved = services.save_audit_details(
                audit_id=audit.pk,
                version=data["version"],
                user=request.user,
                **{f: data[f] for f in fields},
            )
            audit = saved.current
            if not saved.ok:
                conflict = saved.current
                form = _details_form(
                    audit, tool, _with_version(request.POST, "audit", conflict.version)
                )
                form.is_valid()
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
        },
    )
    response["HX-Reswap"] = "outerHTML"
    return response


@require_POST
def criterion_answer_save(
    request: HttpRequest, pk: int, case_pk: int, answer_pk: int
) -> HttpResponse:
    """Save one criterion as you go (htmx swaps the criterion back in); without JS, the whole page."""
    review, case = get_case_for(request.user, pk, case_pk, "audit_cases")
    answer = get_object_or_404(
        CriterionAnswer.objects.select_related("criterion", "updated_by"),
        pk=answer_pk,
        audit__case=case,
    )
    tool = services.review_tool(review)
    form = _answer_form(answer, tool, request.POST)
    conflict = None
    if form.is_valid():
        data = form.cleaned_data
        if (data["answer"], data["comment"]) != (answer.answer, answer.comment):
            saved = services.save_answer(
                answer_id=answer.pk,
                version=data["version"],
                answer=data["answer"],
                comment=data["comment"],
                user=request.user,
            )
            answer = saved.current
            if saved.ok:
                form = _answer_form(answer, tool)
            else:
                conflict = saved.current
                form = _answer_form(
                    answer, tool, _with_version(request.POST, f"c{answer.pk}", conflict.version)
                )
                form.is_valid()
        else:
            form = _answer_form(answer, tool)
    if request.htmx:
        if not form.errors and conflict is None:
            return render(
                request, "audits/partials/criterion_saved.html", {"answer": answer, "form": form}
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
def case_audit_share(request: HttpRequest, pk: int, case_pk: int) -> HttpResponse:
    review, case = get_case_for(request.user, pk, case_pk, "share_audits")
    audit = _get_audit(case)
    shared = request.POST.get("share") == "yes"
    services.share_audit(audit=audit, user=request.user, shared=shared)
    messages.success(
        request,
        f"The audit of case {case.reference} is {'now shared with' if shared else 'no longer shared with'} "
        f"{review.host.display_name}'s staff.",
    )
    return redirect("audits:case-audit", pk=review.pk, case_pk=case.pk)


@GET_POST
def case_audit_moderate(request: HttpRequest, pk: int, case_pk: int) -> HttpResponse:
    review, case = get_case_for(request.user, pk, case_pk, "moderate")
    audit = get_object_or_404(CaseAudit.objects.select_related("auditor"), case=case)
    if audit.auditor_id == request.user.pk:
        raise PermissionDenied("A second auditor moderates an audit, not the person who did it.")
    answers = list(audit.answers.select_related("criterion"))
    existing = Moderation.objects.filter(audit=audit).first()
    previous = {m.answer_id: m for m in existing.answers.all()} if existing else {}
    errors: list[tuple[str, str]] = []
    values = {}
    for answer in answers:
        key = f"m{answer.pk}"
        old = previous.get(answer.pk)
        values[answer.pk] = {
            "agrees": request.POST.get(f"{key}-agrees", "")
            if request.method == "POST"
            else ({True: "yes", False: "no"}[old.agrees] if old else ""),
            "note": request.POST.get(f"{key}-note", "")
            if request.method == "POST"
            else (old.note if old else ""),
        }
    overall = {
        "agrees": request.POST.get("overall-agrees", "")
        if request.method == "POST"
        else ({True: "yes", False: "no"}[existing.agrees_overall] if existing else ""),
        "note": request.POST.get("overall-note", "")
        if request.method == "POST"
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
            services.moderate(
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
        _context(
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


# --- Safeguarding alerts -------------------------------------------------------------------------


@GET_POST
def alert_raise(request: HttpRequest, pk: int, case_pk: int) -> HttpResponse:
    review, case = get_case_for(request.user, pk, case_pk, "raise_alert")
    people = User.objects.filter(
        memberships__review=review, memberships__role=Role.HOST_STAFF
    ).order_by("full_name")
    form = AlertForm(request.POST or None, people=people)
    if request.method == "POST" and form.is_valid():
        alert = services.raise_alert(
            case=case,
            user=request.user,
            concern=form.cleaned_data["concern"],
            also_tell=list(form.cleaned_data.get("also_tell") or []),
            site=request.build_absolute_uri("/").rstrip("/"),
        )
        messages.success(
            request,
            "Safeguarding alert raised. The host lead contact and the lead reviewer have been told.",
        )
        return redirect(alert.get_absolute_url())
    return render(
        request,
        "audits/alert_raise.html",
        _context(
            request,
            review,
            case=case,
            form=form,
            recipients=services.default_alert_recipients(review),
        ),
    )


@require_safe
def alert_list(request: HttpRequest, pk: int) -> HttpResponse:
    review = get_review_for(request.user, pk, "view")
    return render(
        request,
        "audits/alerts.html",
        _context(request, review, alerts=_alerts_for(request, review)),
    )


@require_safe
def alert_detail(request: HttpRequest, pk: int, alert_pk: int) -> HttpResponse:
    review, alert = get_alert_for(request.user, pk, alert_pk)
    record_read(request, Event.Action.SAFEGUARDING_ALERT_VIEWED, alert)
    recipients = list(alert.recipients.select_related("user"))
    mine = next((r for r in recipients if r.user_id == request.user.pk), None)
    return render(
        request,
        "audits/alert.html",
        _context(request, review, alert=alert, recipients=recipients, mine=mine),
    )


@require_POST
def alert_acknowledge(request: HttpRequest, pk: int, alert_pk: int) -> HttpResponse:
    review, alert = get_alert_for(request.user, pk, alert_pk)
    if not alert.recipients.filter(user=request.user).exists():
        raise PermissionDenied("Only the people an alert is addressed to acknowledge it.")
    services.acknowledge_alert(alert=alert, user=request.user)
    messages.success(request, "You have acknowledged the safeguarding alert.")
    return redirect(alert.get_absolute_url())


# --- Analysis and exports ------------------------------------------------------------------------


@require_safe
def analysis(request: HttpRequest, pk: int) -> HttpResponse:
    review = get_review_for(request.user, pk, "view_team_work")
    return _render_analysis(request, review)


def _render_analysis(
    request: HttpRequest,
    review: Review,
    *,
    criterion_pk: int | None = None,
    form: CommentaryForm | None = None,
) -> HttpResponse:
    summary = services.summarise(review)
    for row in summary.rows:
        row.form = form if row.criterion.pk == criterion_pk else None
    return render(
        request,
        "audits/analysis.html",
        _context(
            request,
            review,
            summary=summary,
            bars=services.chart_bars(summary),
            chart_height=20 + 32 * len(summary.rows),
            form=form,
        ),
    )


@require_POST
def commentary_save(request: HttpRequest, pk: int, criterion_pk: int) -> HttpResponse:
    review = get_review_for(request.user, pk, "audit_cases")
    criterion = get_object_or_404(Criterion, pk=criterion_pk, tool__review=review)
    form = CommentaryForm(request.POST)
    if not form.is_valid():
        if form.personal_warning:
            return _render_analysis(request, review, criterion_pk=criterion.pk, form=form)
        messages.error(request, "The commentary could not be saved. Try again.")
        return redirect("audits:analysis", pk=review.pk)
    commentary, _ = CriterionCommentary.objects.get_or_create(criterion=criterion)
    updated = CriterionCommentary.objects.filter(
        pk=commentary.pk, version=form.cleaned_data["version"]
    ).update(
        text=form.cleaned_data["text"],
        version=F("version") + 1,
        updated_by=request.user,
        updated_at=timezone.now(),
    )
    if updated:
        messages.success(request, f"Commentary on criterion {criterion.number} saved.")
    else:
        messages.error(
            request,
            f"Someone else changed the commentary on criterion {criterion.number} since you opened the "
            f"page. Theirs is shown now; yours was: “{form.cleaned_data['text']}”. Add your words and save again.",
        )
    return redirect(reverse("audits:analysis", args=[review.pk]) + f"#commentary-{criterion.pk}")


@require_safe
def export(request: HttpRequest, pk: int, table: str, fmt: str) -> HttpResponse:
    review = get_review_for(request.user, pk, "view_team_work")
    if table not in ("summary", "matrix") or fmt not in ("csv", "xlsx"):
        raise Http404("No such export")
    headers, rows = services.export_table(review, table)
    record_read(request, Event.Action.CASE_AUDITS_EXPORTED, review, table=table, format=fmt)
    name = f"case-audit-{table}-review-{review.pk}.{fmt}"
    if fmt == "csv":
        response = HttpResponse(
            services.to_csv(headers, rows), content_type="text/csv; charset=utf-8"
        )
    else:
        response = HttpResponse(
            services.to_xlsx(headers, rows, title=table.title()),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# --- The tool library (coordinators) -------------------------------------------------------------


def _tools_allowed(request: HttpRequest) -> None:
    if not manages_tools(request.user):
        raise PermissionDenied("Only coordinators keep audit tools.")


@require_safe
def tool_list(request: HttpRequest) -> HttpResponse:
    _tools_allowed(request)
    tools = (
        AuditTool.objects.visible_to(request.user)
        .annotate(n=Count("criteria"))
        .select_related("organisation")
    )
    return render(request, "audits/tools.html", {"tools": tools})


@require_safe
def tool_detail(request: HttpRequest, pk: int) -> HttpResponse:
    tool = get_tool_for(request.user, pk)
    return render(
        request,
        "audits/tool.html",
        {
            "tool": tool,
            "criteria": tool.criteria.all(),
            "editable": tool.may_be_edited_by(request.user),
        },
    )


@require_POST
def tool_copy(request: HttpRequest, pk: int) -> HttpResponse:
    tool = get_tool_for(request.user, pk)
    if request.user.organisation is None:
        raise PermissionDenied("You need an organisation to keep a copy of a tool.")
    copy = tool.copy(name=f"Copy of {tool.name}"[:200], organisation=request.user.organisation)
    messages.success(request, f"“{copy.name}” is your organisation's copy: edit it as you need.")
    return redirect("audits:tool", pk=copy.pk)


@GET_POST
def tool_edit(request: HttpRequest, pk: int) -> HttpResponse:
    tool = get_tool_for(request.user, pk, edit=True)
    form = ToolForm(request.POST or None, instance=tool)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(
            request, "The tool is saved. Reviews that already use it keep their own copy."
        )
        return redirect("audits:tool", pk=tool.pk)
    return render(request, "audits/tool_form.html", {"tool": tool, "form": form})


@GET_POST
def criterion_add(request: HttpRequest, pk: int) -> HttpResponse:
    tool = get_tool_for(request.user, pk, edit=True)
    last = tool.criteria.order_by("-number").values_list("number", flat=True).first() or 0
    form = CriterionForm(
        request.POST or None, instance=Criterion(tool=tool), initial={"number": last + 1}
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Criterion added.")
        return redirect("audits:tool", pk=tool.pk)
    return render(
        request, "audits/criterion_form.html", {"tool": tool, "form": form, "adding": True}
    )


@GET_POST
def criterion_edit(request: HttpRequest, pk: int, criterion_pk: int) -> HttpResponse:
    tool = get_tool_for(request.user, pk, edit=True)
    criterion = get_object_or_404(Criterion, pk=criterion_pk, tool=tool)
    form = CriterionForm(request.POST or None, instance=criterion)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"Criterion {criterion.number} saved.")
        return redirect("audits:tool", pk=tool.pk)
    return render(
        request, "audits/criterion_form.html", {"tool": tool, "form": form, "adding": False}
    )


@require_POST
def criterion_delete(request: HttpRequest, pk: int, criterion_pk: int) -> HttpResponse:
    tool = get_tool_for(request.user, pk, edit=True)
    criterion = get_object_or_404(Criterion, pk=criterion_pk, tool=tool)
    criterion.delete()
    messages.success(request, f"Criterion {criterion.number} removed.")
    return redirect("audits:tool", pk=tool.pk)
