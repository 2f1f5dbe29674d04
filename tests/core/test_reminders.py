"""The daily digest: one email a day to each person with something due or overdue, listing the same
items as their "Needs your attention"; none when nothing is due; never two on one day. The factual
accuracy check's reply-by date: set when the draft is shared, told to the host, reminded before it,
overdue after it. And the scheduled task: one pending run at a time."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from core.attention import for_person
from core.models import DigestSent
from core.reminders import digest_items, run_reminders, schedule_next, send_digests
from reports.models import Letter
from reports.services import working_days_after
from reviews.documents.models import DocumentRequest
from reviews.setup.models import Review

pytestmark = pytest.mark.django_db


def _digests():
    return [m for m in mail.outbox if "what needs you on your peer reviews" in m.subject]


def _requests(review, today):
    DocumentRequest.objects.create(
        review=review, kind="other", title="Data pack", due_date=today - dt.timedelta(days=2)
    )
    DocumentRequest.objects.create(
        review=review, kind="other", title="Plan", due_date=today + dt.timedelta(days=2)
    )


def test_one_digest_with_everything_due_none_when_nothing_is_due_never_twice(world) -> None:
    today = timezone.localdate()
    Review.objects.filter(pk=world.review.pk).update(
        start_date=today + dt.timedelta(days=30), end_date=today + dt.timedelta(days=32)
    )
    _requests(world.review, today)
    mail.outbox.clear()

    sent = send_digests(today=today, site="https://peer.example")
    mine = [m for m in _digests() if m.to == ["host_lead@example.org"]]
    assert len(mine) == 1, "one email with all the items"
    body = mine[0].body
    assert "Upload 2 requested documents (1 overdue)" in body
    assert "Northmoor front door" in body
    assert f"https://peer.example{reverse('reviews:documents', args=[world.review.pk])}" in body
    assert mine[0].subject.startswith("1 overdue: ")
    # The same items as "Needs your attention", in the same order.
    expected = digest_items(for_person(world.people["host_lead"], today), today)
    positions = [body.index(item.text) for item in expected]
    assert positions == sorted(positions)
    # Nothing due: no email (host staff owe nothing; the coordinator has only undated work here).
    told = {m.to[0] for m in _digests()}
    assert "host_staff@example.org" not in told
    assert "reviewer_elsewhere@example.org" not in told
    assert sent == len(_digests())

    # Not twice the same day.
    mail.outbox.clear()
    assert send_digests(today=today) == 0
    assert _digests() == []
    assert DigestSent.objects.filter(user=world.people["host_lead"], date=today).count() == 1
    # The next day, again (still overdue).
    assert send_digests(today=today + dt.timedelta(days=1)) >= 1
    assert [m for m in _digests() if m.to == ["host_lead@example.org"]]


def test_work_due_later_is_not_in_the_digest_until_shortly_before(world, settings) -> None:
    settings.REMINDER_DAYS_BEFORE = 3
    today = timezone.localdate()
    Review.objects.filter(pk=world.review.pk).update(
        start_date=today + dt.timedelta(days=30), end_date=today + dt.timedelta(days=32)
    )
    DocumentRequest.objects.create(
        review=world.review, kind="other", title="Plan", due_date=today + dt.timedelta(days=5)
    )
    mail.outbox.clear()
    send_digests(today=today)
    assert not [m for m in _digests() if m.to == ["host_lead@example.org"]]
    send_digests(today=today + dt.timedelta(days=2))  # three days before: the reminder
    mine = [m for m in _digests() if m.to == ["host_lead@example.org"]]
    assert len(mine) == 1 and "Upload 1 requested document" in mine[0].body
    assert "(due " in mine[0].body


def test_digests_wait_for_the_digest_hour(world, settings) -> None:
    today = timezone.localdate()
    _requests(world.review, today)
    mail.outbox.clear()
    settings.DIGEST_HOUR = 7
    six = timezone.make_aware(dt.datetime.combine(today, dt.time(6)))
    assert run_reminders(now=six)["digests"] == 0
    eight = timezone.make_aware(dt.datetime.combine(today, dt.time(8)))
    assert run_reminders(now=eight)["digests"] >= 1


def test_send_reminders_runs_it_now(world) -> None:
    _requests(world.review, timezone.localdate())
    mail.outbox.clear()
    out = io.StringIO()
    call_command("send_reminders", stdout=out)
    assert "escalated alerts: 0" in out.getvalue()
    assert "digests:" in out.getvalue()


def test_the_task_keeps_one_run_waiting_at_a_time(world, settings) -> None:
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    assert schedule_next() is True
    assert schedule_next() is False  # one is waiting: no second one
    call_command("send_reminders", "--schedule", stdout=io.StringIO())
    waiting = DBTaskResult.objects.filter(task_path="core.reminders.reminders", status="READY")
    assert waiting.count() == 1
    run = waiting.get()
    assert run.run_after > timezone.now() + dt.timedelta(
        minutes=settings.REMINDERS_EVERY_MINUTES - 1
    )


# The factual accuracy check's reply-by date ------------------------------------------------------


def test_ten_working_days_skip_weekends() -> None:
    friday = dt.date(2026, 12, 4)
    assert working_days_after(friday, 1) == dt.date(2026, 12, 7)  # Monday
    assert working_days_after(friday, 10) == dt.date(2026, 12, 18)


def test_sharing_asks_for_a_reply_by_date_and_tells_the_host(world) -> None:
    lead = world.client("lead_reviewer")
    url = reverse("reports:share", args=[world.review.pk])
    page = lead.get(url).content.decode()
    assert "Reply by" in page and "working days from today" in page
    # A date in the past: a clear error, the typed date kept, nothing shared.
    page = lead.post(url, {"reply_by_0": "1", "reply_by_1": "1", "reply_by_2": "2020"}).content
    assert b"The reply-by date must be in the future" in page and b'value="2020"' in page
    assert not Letter.objects.filter(review=world.review, shared_at__isnull=False).exists()

    when = timezone.localdate() + dt.timedelta(days=20)
    mail.outbox.clear()
    response = lead.post(
        url,
        {"reply_by_0": str(when.day), "reply_by_1": str(when.month), "reply_by_2": str(when.year)},
        follow=True,
    )
    letter = Letter.objects.get(review=world.review)
    assert letter.reply_by == when
    assert f"to reply by {when:%A %-d %B %Y}" in response.content.decode()
    (email,) = [m for m in mail.outbox if m.to == ["host_lead@example.org"]]
    assert f"by {when:%A %-d %B %Y}" in email.body
    host = world.client("host_lead")
    page = host.get(reverse("reports:comments", args=[world.review.pk])).content.decode()
    assert f"Please send any factual corrections by <strong>{when:%A %-d %B %Y}</strong>" in page
    page = host.get(reverse("reports:letter", args=[world.review.pk])).content.decode()
    assert f"to reply by {when:%A %-d %B %Y}" in page


def test_the_default_reply_by_is_ten_working_days(world) -> None:
    lead = world.client("lead_reviewer")
    lead.post(reverse("reports:share", args=[world.review.pk]))
    letter = Letter.objects.get(review=world.review)
    assert letter.reply_by == working_days_after(timezone.localdate(), 10)


def test_the_accuracy_check_is_reminded_before_the_date_and_overdue_after(world) -> None:
    world.client("lead_reviewer").post(reverse("reports:share", args=[world.review.pk]))
    letter = Letter.objects.get(review=world.review)
    host = world.people["host_lead"]
    before = letter.reply_by - dt.timedelta(days=2)
    (item,) = [i for i in for_person(host, before) if "factual accuracy" in i.text]
    assert item.due == letter.reply_by and not item.overdue
    mail.outbox.clear()
    send_digests(today=before)
    (email,) = [m for m in _digests() if m.to == ["host_lead@example.org"]]
    assert "Check the draft letter for factual accuracy" in email.body
    after = letter.reply_by + dt.timedelta(days=1)
    (item,) = [i for i in for_person(host, after) if "factual accuracy" in i.text]
    assert item.overdue
    page = world.client("host_lead").get(reverse("reviews:your-reviews")).content.decode()
    assert "Check the draft letter for factual accuracy" in page
