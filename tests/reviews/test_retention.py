"""Retention: case-level data goes a set time after the letter is issued; the letter and figures stay."""

from __future__ import annotations

import datetime as dt
import os
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from core import retention
from core.retention import months_before
from reviews.setup.models import Review
from tests.factories import ReviewFactory
from trail.models import Event


@pytest.mark.parametrize(
    ("moment", "months", "expected"),
    [
        (dt.datetime(2026, 11, 22, 9, 0), 12, dt.datetime(2025, 11, 22, 9, 0)),
        (dt.datetime(2026, 3, 31, 9, 0), 1, dt.datetime(2026, 2, 28, 9, 0)),
        (dt.datetime(2028, 3, 31, 9, 0), 1, dt.datetime(2028, 2, 29, 9, 0)),
        (dt.datetime(2026, 1, 15, 9, 0), 13, dt.datetime(2024, 12, 15, 9, 0)),
    ],
)
def test_months_before_counts_calendar_months(moment, months, expected) -> None:
    assert months_before(moment, months) == expected


@pytest.fixture
def reviews(world):
    now = timezone.now()
    old = ReviewFactory(
        status=Review.Status.ISSUED,
        letter_issued_at=now - dt.timedelta(days=400),
        title="Old review",
    )
    recent = ReviewFactory(
        status=Review.Status.ISSUED, letter_issued_at=now - dt.timedelta(days=200), title="Recent"
    )
    return old, recent


@pytest.fixture
def counted_purger(monkeypatch):
    """A purger that counts what it is asked to do, standing in for an app's case-level data."""
    calls: list[tuple[str, int]] = []
    purger = retention.Purger(
        "example items",
        count=lambda review: 3,
        purge=lambda review: calls.append(("purge", review.pk)) or 3,
    )
    monkeypatch.setattr(retention, "PURGERS", [*retention.PURGERS, purger])
    monkeypatch.setattr("reviews.management.commands.apply_retention.PURGERS", retention.PURGERS)
    return calls


def test_dry_run_says_what_would_go_and_deletes_nothing(reviews, counted_purger) -> None:
    old, _recent = reviews
    out = StringIO()
    call_command("apply_retention", "--dry-run", stdout=out)
    assert "Would delete for 'Old review'" in out.getvalue()
    assert "3 example items" in out.getvalue()
    assert "Recent" not in out.getvalue()
    assert counted_purger == []
    old.refresh_from_db()
    assert old.case_data_deleted_at is None
    assert not Event.objects.filter(action=Event.Action.RETENTION_DELETED).exists()


def test_retention_purges_only_reviews_issued_before_the_cutoff_and_records_it(
    reviews, counted_purger
) -> None:
    old, recent = reviews
    out = StringIO()
    call_command("apply_retention", stdout=out)
    assert counted_purger == [("purge", old.pk)]
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.case_data_deleted_at is not None
    assert recent.case_data_deleted_at is None
    event = Event.objects.get(action=Event.Action.RETENTION_DELETED)
    assert event.review_id == old.pk
    assert event.detail["deleted"]["example items"] == 3
    assert Review.objects.filter(pk=old.pk).exists()  # the review and its letter stay

    again = StringIO()
    call_command("apply_retention", stdout=again)
    assert "Nothing to delete" in again.getvalue()
    assert counted_purger == [("purge", old.pk)]


def test_uploaded_documents_of_an_old_review_are_deleted_files_and_all(world, settings) -> None:
    from django.core.files.base import ContentFile

    from reviews.documents.models import Document, DocumentRequest

    now = timezone.now()
    world.review.status = Review.Status.ISSUED
    world.review.letter_issued_at = now - dt.timedelta(days=400)
    world.review.save()
    wanted = DocumentRequest.objects.create(review=world.review, title="Self-assessment")
    document = Document(
        review=world.review,
        request=wanted,
        original_name="self-assessment.pdf",
        file_type=Document.FileType.PDF,
        content_type="application/pdf",
        size=9,
        sha256="0" * 64,
        uploaded_by=world.people["host_lead"],
    )
    document.file.save("kept-until-retention.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
    path = document.file.path
    kept = Document.objects.create(
        review=world.other_review,
        request=DocumentRequest.objects.create(review=world.other_review, title="Data pack"),
        original_name="data.pdf",
        file_type=Document.FileType.PDF,
        content_type="application/pdf",
        size=1,
        sha256="1" * 64,
        uploaded_by=world.people["other_host_staff"],
    )

    out = StringIO()
    call_command("apply_retention", stdout=out)
    assert "1 uploaded documents" in out.getvalue()
    assert not Document.objects.filter(review=world.review).exists()
    assert not os.path.exists(path)
    assert Document.objects.filter(pk=kept.pk).exists()
    assert Review.objects.filter(pk=world.review.pk).exists()
