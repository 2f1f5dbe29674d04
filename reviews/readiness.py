"""How ready a review is, from the reviews app (``core.readiness``): findings agreed, key lines of
enquiry with no agreed finding, documents the host still owes, and the self-assessment's state.

Each figure costs one query whatever the size of the review. Findings and key lines are the team's
working material (``view_team_work``): the host's people never see the team's draft findings counted.
Documents and the self-assessment are what the host owes: everyone on the review sees them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils.formats import date_format

from core.readiness import Check, Figure, May, register
from reviews.documents.models import Document, DocumentRequest
from reviews.fieldwork.models import Finding
from reviews.self_assessment.models import SelfAssessment
from reviews.setup.models import Kloe


def _plural(n: int, one: str, many: str) -> str:
    return one if n == 1 else many


def findings(review: Any, today: dt.date, may: May) -> list[Figure]:
    if not may("view_team_work"):
        return []
    url = reverse("reviews:findings", kwargs={"pk": review.pk})
    draft = Q(status=Finding.Status.DRAFT)
    counts = Finding.objects.filter(review=review).aggregate(
        total=Count("pk"),
        draft=Count("pk", filter=draft),
        draft_recommendations=Count("pk", filter=draft & Q(kind=Finding.Kind.RECOMMENDATION)),
    )
    agreed = Exists(
        Finding.objects.filter(review=review, kloe=OuterRef("pk"), status=Finding.Status.AGREED)
    )
    kloes = Kloe.objects.filter(framework__review=review).aggregate(
        total=Count("pk"), without=Count("pk", filter=~agreed)
    )
    total, n_draft = counts["total"], counts["draft"]
    recommendations = counts["draft_recommendations"]
    checks = []
    if n_draft:
        checks.append(
            Check(
                key="findings-draft",
                text=f"{n_draft} {_plural(n_draft, 'finding is', 'findings are')} still in "
                "draft: draft findings are not in the letter",
                url=url,
            )
        )
    if recommendations:
        checks.append(
            Check(
                key="recommendations-draft",
                text=f"{recommendations} "
                f"{_plural(recommendations, 'recommendation is', 'recommendations are')} still in "
                "draft: the host will not see them in the letter",
                url=url,
            )
        )
    without = kloes["without"]
    kloe_checks: tuple[Check, ...] = ()
    if without:
        kloe_checks = (
            Check(
                key="kloes-without-findings",
                text=f"{without} {_plural(without, 'key line', 'key lines')} of enquiry "
                f"{_plural(without, 'has', 'have')} no agreed finding",
                url=url,
            ),
        )
    return [
        Figure(
            key="findings",
            label="Findings agreed",
            value=f"{total - n_draft} of {total}",
            url=url,
            link_text="Go to the findings",
            done=total > 0 and not n_draft,
            order=10,
            details=(
                (
                    f"{recommendations} draft "
                    f"{_plural(recommendations, 'recommendation', 'recommendations')}",
                )
                if recommendations
                else ()
            ),
            checks=tuple(checks),
        ),
        Figure(
            key="kloes",
            label="Key lines of enquiry with no agreed finding",
            value=f"{without} of {kloes['total']}",
            url=url,
            link_text="Go to the findings",
            done=not without,
            order=20,
            checks=kloe_checks,
        ),
    ]


def documents(review: Any, today: dt.date, may: May) -> list[Figure]:
    if not may("read_documents"):
        return []
    uploaded = Exists(Document.objects.filter(request=OuterRef("pk")))
    counts = (
        DocumentRequest.objects.open()
        .filter(review=review)
        .aggregate(
            total=Count("pk"),
            outstanding=Count("pk", filter=~uploaded),
            overdue=Count("pk", filter=~uploaded & Q(due_date__lt=today)),
        )
    )
    outstanding, overdue = counts["outstanding"], counts["overdue"]
    value = f"{outstanding} of {counts['total']}"
    if overdue:
        value += f" ({overdue} overdue)"
    return [
        Figure(
            key="documents",
            label="Documents requested and not yet uploaded",
            value=value,
            url=reverse("reviews:documents", kwargs={"pk": review.pk}),
            link_text="Go to the documents",
            done=not outstanding,
            order=60,
        )
    ]


def self_assessment(review: Any, today: dt.date, may: May) -> list[Figure]:
    if not may("view"):
        return []
    row = (
        SelfAssessment.objects.filter(review=review)
        .values("status", "submitted_at", "judgement")
        .first()
    )
    if row is None:
        value = "Not started"
    elif row["status"] == SelfAssessment.Status.SUBMITTED:
        value = "Submitted"
        if row["submitted_at"]:
            value += f" on {date_format(row['submitted_at'], 'j F Y')}"
    else:
        value = "Started, not submitted"
    details: tuple[str, ...] = ()
    if row and row["judgement"] and may("view_team_work"):
        judgement = SelfAssessment.Judgement(row["judgement"]).label
        details = (f"The team judged it: {judgement.lower()}",)
    submitted = row is not None and row["status"] == SelfAssessment.Status.SUBMITTED
    return [
        Figure(
            key="self-assessment",
            label="Self-assessment",
            value=value,
            url=reverse("reviews:self-assessment", kwargs={"pk": review.pk}),
            link_text="Go to the self-assessment",
            done=submitted,
            order=70,
            details=details,
        )
    ]


def register_providers() -> None:
    register("reviews:findings", findings)
    register("reviews:documents", documents)
    register("reviews:self-assessment", self_assessment)
