"""The one way the service sends email (``core.email.send_email``): the outbox, then the worker."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from core.email import deliveries_about, send_due, send_email
from core.models import Email
from tests.core.mail_backends import FlakyBackend

pytestmark = pytest.mark.django_db

SHARED = {"review": {"title": "Front door review of Northshire"}, "url": "https://x/c"}
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def test_an_email_is_its_subject_and_body_templates_from_the_services_address(settings) -> None:
    queued = send_email(template="reports/email/shared", context=SHARED, to=["host@example.org"])
    assert queued.count == 1
    assert queued.summary == "queued for 1 person"
    (message,) = mail.outbox
    assert message.subject == "Draft feedback letter to check: Front door review of Northshire"
    assert "https://x/c" in message.body
    assert message.to == ["host@example.org"]
    assert message.from_email == settings.DEFAULT_FROM_EMAIL
    email = Email.objects.get()
    assert email.state == Email.State.SENT
    assert email.attempts == 1
    assert message.extra_headers["Message-ID"] == email.message_id
    assert email.body == ""  # not kept once sent: it may carry a one-time link


def test_each_person_gets_their_own_message_and_no_address_twice() -> None:
    queued = send_email(
        template="reports/email/shared",
        context=SHARED,
        to=["a@example.org", "b@example.org", "a@example.org", ""],
    )
    assert queued.summary == "queued for 2 people"
    assert sorted(m.to[0] for m in mail.outbox) == ["a@example.org", "b@example.org"]


def test_no_one_to_tell_sends_nothing() -> None:
    queued = send_email(template="reports/email/shared", context={}, to=[])
    assert queued.count == 0
    assert queued.summary == "not queued: no one to email"
    assert mail.outbox == []


def test_a_mail_server_that_is_down_keeps_the_email_queued_with_the_reason(settings) -> None:
    settings.EMAIL_BACKEND = "tests.core.mail_backends.RefusingBackend"
    queued = send_email(template="reports/email/shared", context=SHARED, to=["host@example.org"])
    assert queued.count == 1
    email = Email.objects.get()
    assert email.state == Email.State.QUEUED
    assert email.attempts == 1
    assert "421" in email.last_error
    assert email.next_try_at is not None
    assert email.body  # kept until it is sent


def test_after_the_last_try_it_is_failed_with_the_reason(settings) -> None:
    settings.EMAIL_BACKEND = "tests.core.mail_backends.RefusingBackend"
    settings.EMAIL_RETRY_DELAYS = [0, 0]
    send_email(template="reports/email/shared", context=SHARED, to=["host@example.org"])
    send_due()
    send_due()
    email = Email.objects.get()
    assert email.state == Email.State.FAILED
    assert email.attempts == 3
    assert "the mail server refused it (421" in email.last_error
    send_due()
    assert Email.objects.get().attempts == 3  # a failed email is not tried again by itself


def test_an_address_refused_for_good_fails_at_once(settings) -> None:
    settings.EMAIL_BACKEND = "tests.core.mail_backends.UnknownAddressBackend"
    send_email(template="reports/email/shared", context=SHARED, to=["nobody@example.org"])
    email = Email.objects.get()
    assert email.state == Email.State.FAILED
    assert email.attempts == 1
    assert "550 5.1.1 No such user" in email.last_error


def test_a_queued_email_is_sent_once_when_the_server_comes_back(settings) -> None:
    settings.EMAIL_BACKEND = "tests.core.mail_backends.FlakyBackend"
    settings.EMAIL_RETRY_DELAYS = [0, 0, 0]
    FlakyBackend.down = True
    try:
        send_email(template="reports/email/shared", context=SHARED, to=["host@example.org"])
        assert mail.outbox == []
        FlakyBackend.down = False
        assert send_due() == 1
        assert send_due() == 0
    finally:
        FlakyBackend.down = True
    assert len(mail.outbox) == 1
    email = Email.objects.get()
    assert (email.state, email.attempts) == (Email.State.SENT, 2)


def test_the_emails_of_a_change_that_is_rolled_back_are_never_queued(settings, reviewer) -> None:
    settings.TASKS = DATABASE_TASKS
    with pytest.raises(RuntimeError), transaction.atomic():
        send_email(template="reports/email/shared", context=SHARED, to=["host@example.org"])
        raise RuntimeError("the change failed")
    assert not Email.objects.exists()
    assert not DBTaskResult.objects.exists()
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)  # the worker reads what was committed
def test_with_the_database_backend_the_worker_sends_it_not_the_caller(settings) -> None:
    settings.TASKS = DATABASE_TASKS
    send_email(template="reports/email/shared", context=SHARED, to=["host@example.org"])
    assert mail.outbox == []
    assert Email.objects.get().state == Email.State.QUEUED
    assert DBTaskResult.objects.count() == 1
    # The loop of `manage.py db_worker --batch` (the command itself would take over Ctrl+C).
    Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    ).run()
    assert len(mail.outbox) == 1
    assert Email.objects.get().state == Email.State.SENT


def test_an_email_about_something_is_found_from_it(reviewer) -> None:
    send_email(
        template="reports/email/shared", context=SHARED, to=["host@example.org"], about=reviewer
    )
    send_email(template="reports/email/shared", context=SHARED, to=["other@example.org"])
    assert [e.to for e in deliveries_about(reviewer)] == ["host@example.org"]


def test_a_password_reset_goes_through_it_and_a_server_that_is_down_still_says_sent(
    client, reviewer, settings
) -> None:
    settings.EMAIL_BACKEND = "tests.core.mail_backends.RefusingBackend"
    response = client.post(reverse("accounts:password-reset"), {"email": reviewer.email})
    assert response.status_code == 302
    assert mail.outbox == []
    assert Email.objects.get().template == "accounts/email/password_reset"


def test_the_outbox_command_shows_the_queue(settings, capsys) -> None:
    settings.EMAIL_BACKEND = "tests.core.mail_backends.RefusingBackend"
    send_email(template="reports/email/shared", context=SHARED, to=["host@example.org"])
    call_command("email_outbox")
    out = capsys.readouterr().out
    assert "Queued: 1" in out
    assert "host@example.org, 1 try" in out
    assert "421" in out


def test_text_is_not_html_escaped_in_subject_or_body() -> None:
    """A review called "Children's front door & MASH" reads as typed, in every email template."""
    title = "Q&A with the DCS's team <north>"
    send_email(
        template="reports/email/shared",
        context={"review": {"title": title}, "url": "https://x/c?a=1&b=2"},
        to=["host@example.org"],
    )
    (message,) = mail.outbox
    assert title in message.subject
    assert "https://x/c?a=1&b=2" in message.body
    assert "&amp;" not in message.subject + message.body
    assert "&#x27;" not in message.subject + message.body


def test_a_line_break_in_a_title_never_makes_a_second_subject_line() -> None:
    send_email(
        template="reports/email/shared",
        context={"review": {"title": "One\rTwo\nBcc: x@example.org"}, "url": "u"},
        to=["host@example.org"],
    )
    (message,) = mail.outbox
    assert "\n" not in message.subject
    assert "\r" not in message.subject


def test_every_subject_reads_as_typed_never_html_escaped() -> None:
    from pathlib import Path

    from django.conf import settings as django_settings
    from django.template.loader import render_to_string

    from core.email import TEXT_ENGINE

    typed = "Q&A with the DCS's team <north>"
    thing = {"title": typed, "reference": typed, "host": {"display_name": typed}, "number": 2}
    thing["review"] = thing
    thing["day"] = {"date": None}
    context = {"review": thing, "session": thing, "case": thing, "version": thing, "due": [1]}
    subjects = sorted(Path(django_settings.BASE_DIR, "templates").glob("*/email/*_subject.txt"))
    assert len(subjects) >= 8
    for path in subjects:
        template = str(path.relative_to(path.parents[2]))
        subject = render_to_string(template, context, using=TEXT_ENGINE)
        assert "&amp;" not in subject and "&#x27;" not in subject and "&lt;" not in subject
        source = path.read_text()
        # (the daily digest's subject carries a count and a date, nothing anyone typed)
        if any(f".{field}" in source for field in ("title", "reference", "display_name")):
            assert typed in subject, template


def test_production_settings_send_through_the_worker_not_the_request() -> None:
    from config.settings import base

    assert base.TASKS["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend"
    assert base.EMAIL_TIMEOUT > 0
    assert sorted(base.EMAIL_RETRY_DELAYS) == base.EMAIL_RETRY_DELAYS


def test_old_sent_emails_are_forgotten_and_stuck_ones_requeued(capsys) -> None:
    import datetime as dt

    from django.utils import timezone

    send_email(template="reports/email/shared", context=SHARED, to=["a@example.org"])
    send_email(template="reports/email/shared", context=SHARED, to=["b@example.org"])
    old = timezone.now() - dt.timedelta(days=100)
    Email.objects.filter(to="a@example.org").update(sent_at=old)
    Email.objects.filter(to="b@example.org").update(state=Email.State.SENDING, tried_at=old)
    call_command("email_outbox", "--delete-sent", "90", "--requeue-stuck", "30")
    out = capsys.readouterr().out
    assert "1 sent email record(s) deleted." in out
    assert "1 email(s) queued again." in out
    (left,) = Email.objects.all()
    assert left.to == "b@example.org"
    assert left.state == Email.State.SENT  # queued again and sent by the (immediate) task
    assert len(mail.outbox) == 3
