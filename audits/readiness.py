"""How ready a review is, from the audits app (``core.readiness``): case audits complete of those
assigned, auditor by auditor, and safeguarding alerts not yet acknowledged by everyone they went to.

Both are the team's (``view_team_work``): the host's people do not see the team's case audits
counted, and see only the alerts addressed to them (on their "Needs your attention" list). An alert
someone has not acknowledged stops the letter being issued; case audits not complete are a warning.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse

from audits.models import AlertRecipient, Case, CaseAudit, SafeguardingAlert
from core.readiness import Check, Figure, May, register


def case_audits(review: Any, today: dt.date, may: May) -> list[Figure]:
    if not may("view_team_work"):
        return []
    rows = list(
        Case.objects.filter(review=review, assigned_to__isnull=False)
        .values("assigned_to__full_name")
        .annotate(
            n=Count("pk"), complete=Count("pk", filter=Q(audit__status=CaseAudit.Status.COMPLETE))
        )
        .order_by("assigned_to__full_name")
    )
    assigned = sum(r["n"] for r in rows)
    complete = sum(r["complete"] for r in rows)
    url = reverse("audits:home", kwargs={"pk": review.pk})
    left = assigned - complete
    checks: tuple[Check, ...] = ()
    if left:
        checks = (
            Check(
                key="case-audits",
                text=f"{left} of {assigned} assigned case "
                f"{'audit is' if assigned == 1 else 'audits are'} not complete",
                url=url,
            ),
        )
    return [
        Figure(
            key="case-audits",
            label="Case audits complete",
            value=f"{complete} of {assigned} assigned",
            url=url,
            link_text="Go to the case audits",
            done=assigned > 0 and not left,
            order=30,
            details=tuple(
                f"{r['assigned_to__full_name']}: {r['complete']} of {r['n']}" for r in rows
            ),
            checks=checks,
        )
    ]


def alerts(review: Any, today: dt.date, may: May) -> list[Figure]:
    if not may("view_team_work"):
        return []
    waiting = Exists(
        AlertRecipient.objects.filter(alert=OuterRef("pk"), acknowledged_at__isnull=True)
    )
    counts = SafeguardingAlert.objects.filter(review=review).aggregate(
        total=Count("pk"), waiting=Count("pk", filter=waiting)
    )
    waiting = counts["waiting"]
    url = reverse("audits:alerts", kwargs={"pk": review.pk})
    checks: tuple[Check, ...] = ()
    if waiting:
        checks = (
            Check(
                key="alerts",
                text=f"{waiting} safeguarding {'alert has' if waiting == 1 else 'alerts have'} "
                "not been acknowledged by everyone it was sent to",
                url=url,
                blocker=True,
            ),
        )
    return [
        Figure(
            key="alerts",
            label="Safeguarding alerts not acknowledged by everyone",
            value=f"{waiting} of {counts['total']}",
            url=url,
            link_text="Go to the safeguarding alerts",
            done=not waiting,
            order=40,
            checks=checks,
        )
    ]


def register_providers() -> None:
    register("audits:case-audits", case_audits)
    register("audits:alerts", alerts)
