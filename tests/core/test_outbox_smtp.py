"""The outbox against a real SMTP server (aiosmtpd in a thread), the real task worker (django-tasks'
database backend, the loop of ``manage.py db_worker``) and the real ``deliver`` task.

- A server that is down, then refuses, then accepts gets every queued email once it accepts, the
  safeguarding alert shows "Sent" afterwards, and nothing is sent twice.
- A server that accepts the connection and never answers does not hold the request that raised the
  alert, and holds the worker only for ``EMAIL_TIMEOUT``.

Rerun with ``.venv/bin/pytest tests/core/test_outbox_smtp.py``.
"""

from __future__ import annotations

import socket
import threading
import time
from email import message_from_bytes

import pytest
from aiosmtpd.controller import Controller
from django.urls import reverse
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from audits.models import SafeguardingAlert
from core.email import deliver_now, send_due
from core.models import Email
from tests.audits.factories import started_audit

pytestmark = pytest.mark.django_db(transaction=True)

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


class Handler:
    """Refuses every message (451, try again later) while ``refusing``; else keeps it."""

    def __init__(self) -> None:
        self.refusing = True
        self.received: list[tuple[str, str]] = []  # (recipient, Message-ID)

    async def handle_DATA(self, server, session, envelope):
        if self.refusing:
            return "451 4.3.0 Mail server busy, try again later"
        message = message_from_bytes(envelope.content)
        for rcpt in envelope.rcpt_tos:
            self.received.append((rcpt, message["Message-ID"]))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _run_worker(max_tasks: int | None = None) -> None:
    """The worker loop of ``manage.py db_worker --batch``, in this thread."""
    Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=max_tasks,
        worker_id="test-worker",
        excluded_queue_names=[],
    ).run()


@pytest.fixture
def smtp_settings(settings):
    settings.TASKS = DATABASE_TASKS
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = _free_port()
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 1
    settings.EMAIL_RETRY_DELAYS = [0, 0, 0, 0]
    return settings


def _raise_alert(world) -> tuple[SafeguardingAlert, float, str]:
    audit = started_audit(world.review, world.people["reviewer"])
    started = time.monotonic()
    response = world.client("reviewer").post(
        reverse("audits:alert-raise", args=[world.review.pk, audit.case_id]),
        {"concern": "Q&A: the child's worker's concern."},
        follow=True,
    )
    took = time.monotonic() - started
    assert response.status_code == 200
    return SafeguardingAlert.objects.get(), took, response.content.decode()


def test_a_server_down_then_refusing_then_accepting_gets_every_email_once(world, smtp_settings):
    alert, _took, page = _raise_alert(world)
    assert "Its email is queued for 2 people" in page
    emails = list(Email.objects.order_by("pk"))
    assert [e.state for e in emails] == [Email.State.QUEUED] * 2
    assert DBTaskResult.objects.count() == 2

    # 1. Nothing listens on the port: the connection is refused.
    _run_worker(max_tasks=2)
    page = world.client("coordinator").get(alert.get_absolute_url()).content.decode()
    assert page.count("has not gone yet: the mail server refused the connection") == 2
    assert "It is being tried again" in page

    handler = Handler()
    controller = Controller(handler, hostname="127.0.0.1", port=smtp_settings.EMAIL_PORT)
    controller.start()
    try:
        # 2. The server answers, and refuses the message: 451, try again later.
        _run_worker(max_tasks=2)
        page = world.client("reviewer").get(alert.get_absolute_url()).content.decode()
        assert (
            page.count("has not gone yet: the mail server refused it (451 4.3.0 Mail server") == 2
        )
        assert handler.received == []
        assert list(Email.objects.values_list("attempts", flat=True)) == [2, 2]

        # 3. The server accepts: every queued email arrives, once.
        handler.refusing = False
        _run_worker()
        _run_worker()  # a second pass finds nothing to send
        assert send_due() == 0
        assert all(deliver_now(e.pk) == "skipped" for e in emails)
    finally:
        controller.stop()

    expected = sorted((e.to, e.message_id) for e in Email.objects.filter(state=Email.State.SENT))
    assert len(expected) == 2
    assert sorted(handler.received) == expected  # each person once, nothing twice
    assert {to for to, _ in handler.received} == {
        world.people["host_lead"].email,
        world.people["lead_reviewer"].email,
    }
    page = world.client("coordinator").get(alert.get_absolute_url()).content.decode()
    assert page.count(">Sent</strong>") == 2
    assert "has not gone yet" not in page
    assert list(Email.objects.values_list("attempts", flat=True)) == [3, 3]


def test_a_server_that_never_answers_holds_neither_the_request_nor_the_worker(world, smtp_settings):
    listener = socket.socket()
    listener.bind(("127.0.0.1", smtp_settings.EMAIL_PORT))
    listener.listen()
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept_and_say_nothing() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            held.append(connection)  # accepted, never answered

    thread = threading.Thread(target=accept_and_say_nothing, daemon=True)
    thread.start()
    try:
        alert, took, page = _raise_alert(world)
        assert took < smtp_settings.EMAIL_TIMEOUT  # no email is sent inside the request
        assert "Its email is queued for 2 people" in page
        assert held == []  # the request never even connected

        started = time.monotonic()
        _run_worker(max_tasks=2)
        worker_took = time.monotonic() - started
    finally:
        stop.set()
        thread.join()
        for connection in held:
            connection.close()
        listener.close()
    assert len(held) == 2  # the worker tried, once per email
    assert worker_took < 2 * smtp_settings.EMAIL_TIMEOUT + 3  # each try gave up at the limit
    page = world.client("coordinator").get(alert.get_absolute_url()).content.decode()
    assert page.count("has not gone yet: the mail server did not answer within 1 second") == 2
