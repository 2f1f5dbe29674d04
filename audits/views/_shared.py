"""What several stages' views use: the page context of a review's audits, GET-or-POST, the
alerts a person may see."""

from __future__ import annotations

from django.db.models import Count, Q
from django.views.decorators.http import require_http_methods

from accounts.http import AuthenticatedHttpRequest
from audits.models import SafeguardingAlert
from reviews.permissions import can
from reviews.setup.models import Review

GET_POST = require_http_methods(["GET", "HEAD", "POST"])


def _alerts_for(request: AuthenticatedHttpRequest, review: Review):
    alerts = SafeguardingAlert.objects.filter(review=review).select_related("case", "raised_by")
    if not can(request.user, "view_team_work", review):
        alerts = alerts.filter(recipients__user=request.user)
    return alerts.annotate(
        waiting=Count("recipients", filter=Q(recipients__acknowledged_at__isnull=True))
    )
