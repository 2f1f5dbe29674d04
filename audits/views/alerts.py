"""Safeguarding alerts: raise one on a case, list them, read one, acknowledge it."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from accounts.http import AuthenticatedHttpRequest
from accounts.models import User
from audits.forms import AlertForm
from audits.permissions import get_alert_for, get_case_for
from audits.services.alerts import (
    acknowledge_alert,
    alert_deliveries,
    default_alert_recipients,
    emails_not_sent,
    raise_alert,
)
from audits.views._shared import GET_POST, _alerts_for
from core.email import Queued
from core.http import bound_data, site_url
from reviews.permissions import get_review_for, review_context
from reviews.setup.models import Role
from trail.models import Event
from trail.services import record_read


@GET_POST
def alert_raise(request: AuthenticatedHttpRequest, pk: int, case_pk: int) -> HttpResponse:
    review, case = get_case_for(request.user, pk, case_pk, "raise_alert")
    people = User.objects.filter(
        memberships__review=review, memberships__role=Role.HOST_STAFF
    ).order_by("full_name")
    form = AlertForm(bound_data(request), people=people)
    if request.method == "POST" and form.is_valid():
        alert = raise_alert(
            case=case,
            user=request.user,
            concern=form.cleaned_data["concern"],
            also_tell=list(form.cleaned_data.get("also_tell") or []),
            site=site_url(request),
        )
        recipients = list(alert.recipients.all())
        queued = sum(len(e) for e in alert_deliveries(recipients).values())
        messages.success(
            request,
            f"Safeguarding alert raised. Its email is {Queued.describe(queued)}: this page shows "
            "when each one is sent.",
        )
        return redirect(alert.get_absolute_url())
    return render(
        request,
        "audits/alert_raise.html",
        review_context(
            request,
            review,
            case=case,
            form=form,
            recipients=default_alert_recipients(review),
        ),
    )


@require_safe
def alert_list(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    review = get_review_for(request.user, pk, "view")
    alerts = list(_alerts_for(request, review))
    not_sent = emails_not_sent(alerts)
    for alert in alerts:
        alert.emails_not_sent = not_sent[alert.pk]
    return render(
        request,
        "audits/alerts.html",
        review_context(request, review, alerts=alerts),
    )


@require_safe
def alert_detail(request: AuthenticatedHttpRequest, pk: int, alert_pk: int) -> HttpResponse:
    review, alert = get_alert_for(request.user, pk, alert_pk)
    record_read(request, Event.Action.SAFEGUARDING_ALERT_VIEWED, alert)
    recipients = list(alert.recipients.select_related("user"))
    mine = next((r for r in recipients if r.user_id == request.user.pk), None)
    deliveries = alert_deliveries(recipients)
    for r in recipients:
        r.deliveries = deliveries[r.pk]  # type: ignore[attr-defined]
    not_sent = [
        (r, e) for r in recipients for e in deliveries[r.pk] if e.attempts and e.state != "sent"
    ]
    return render(
        request,
        "audits/alert.html",
        review_context(
            request, review, alert=alert, recipients=recipients, mine=mine, not_sent=not_sent
        ),
    )


@require_POST
def alert_acknowledge(request: AuthenticatedHttpRequest, pk: int, alert_pk: int) -> HttpResponse:
    _review, alert = get_alert_for(request.user, pk, alert_pk)
    if not alert.recipients.filter(user=request.user).exists():
        raise PermissionDenied("Only the people an alert is addressed to acknowledge it.")
    acknowledge_alert(alert=alert, user=request.user)
    messages.success(request, "You have acknowledged the safeguarding alert.")
    return redirect(alert.get_absolute_url())
