"""What the reviews app asks of people: documents to upload, the self-assessment to complete, findings
waiting for the lead reviewer's agreement (``core.attention``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Exists, Min, OuterRef, Q
from django.urls import reverse

from core.attention import Item, register
from reviews.documents.models import Document, DocumentRequest
from reviews.fieldwork.models import Finding
from reviews.self_assessment.models import SelfAssessment
from reviews.setup.models import Membership, Review, Role


def _reviews_as(user: Any, *roles: str) -> Any:
    return (
        Membership.objects.filter(user=user, role__in=roles)
        .exclude(review__status=Review.Status.ISSUED)
        .values("review_id")
    )


def documents_to_upload(user: Any, today: dt.date) -> list[Item]:
    rows = (
        DocumentRequest.objects.open()
        .filter(review__in=_reviews_as(user, Role.HOST_LEAD))
        .annotate(uploaded=Exists(Document.objects.filter(request=OuterRef("pk"))))
        .filter(uploaded=False)
        .values("review_id", "review__title")
        .annotate(
            n=Count("pk"),
            first_due=Min("due_date"),
            overdue=Count("pk", filter=Q(due_date__lt=today)),
        )
        .order_by()
    )
    out = []
    for row in rows:
        n, late = row["n"], row["overdue"]
        text = f"Upload {n} requested document{'s' if n != 1 else ''}"
        if late:
            text += f" ({late} overdue)"
        out.append(
            Item(
                text=text,
                url=reverse("reviews:documents", kwargs={"pk": row["review_id"]}),
                review=row["review__title"],
                due=row["first_due"],
                overdue=bool(late),
            )
        )
    return out


def self_assessment_to_complete(user: Any, today: dt.date) -> list[Item]:
    reviews = Review.objects.filter(pk__in=_reviews_as(user, Role.HOST_LEAD)).exclude(
        self_assessment__status=SelfAssessment.Status.SUBMITTED
    )
    return [
        Item(
            text="Complete and submit the self-assessment",
            url=reverse("reviews:self-assessment", kwargs={"pk": pk}),
            review=title,
            due=start,
            overdue=bool(start and start <= today),
        )
        for pk, title, start in reviews.values_list("pk", "title", "start_date")
    ]


def findings_to_agree(user: Any, today: dt.date) -> list[Item]:
    rows = (
        Finding.objects.filter(
            review__in=_reviews_as(user, Role.LEAD_REVIEWER), status=Finding.Status.DRAFT
        )
        .values("review_id", "review__title")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return [
        Item(
            text=f"Agree or return {row['n']} draft finding{'s' if row['n'] != 1 else ''}",
            url=reverse("reviews:findings", kwargs={"pk": row["review_id"]}),
            review=row["review__title"],
        )
        for row in rows
    ]


def register_providers() -> None:
    register("reviews:documents", documents_to_upload)
    register("reviews:self-assessment", self_assessment_to_complete)
    register("reviews:findings", findings_to_agree)
