"""The one way the service sends email (``core.email.send_email``)."""

from __future__ import annotations

import smtplib

import pytest
from django.core import mail
from django.urls import reverse

from core.email import send_email


def test_an_email_is_its_subject_and_body_templates_from_the_services_address(settings) -> None:
    sent = send_email(
        template="reports/email/shared",
        context={"review": {"title": "Front door review of Northshire"}, "url": "https://x/c"},
        to=["host@example.org"],
    )
    assert sent is True
    (message,) = mail.outbox
    assert message.subject == "Draft feedback letter to check: Front door review of Northshire"
    assert "https://x/c" in message.body
    assert message.to == ["host@example.org"]
    assert message.from_email == settings.DEFAULT_FROM_EMAIL


def test_no_one_to_tell_sends_nothing() -> None:
    assert send_email(template="reports/email/shared", context={}, to=[]) is True
    assert mail.outbox == []


def test_a_mail_server_that_is_down_is_logged_and_answered_not_raised(monkeypatch, caplog) -> None:
    def refuse(**kwargs):
        raise smtplib.SMTPConnectError(421, "down")

    monkeypatch.setattr("core.email.send_mail", refuse)
    sent = send_email(
        template="reports/email/shared",
        context={"review": {"title": "T"}, "url": "u"},
        to=["host@example.org"],
    )
    assert sent is False
    assert "could not send the reports/email/shared email" in caplog.text


@pytest.mark.django_db
def test_a_password_reset_goes_through_it_and_a_server_that_is_down_still_says_sent(
    client, reviewer, monkeypatch
) -> None:
    def refuse(**kwargs):
        raise smtplib.SMTPConnectError(421, "down")

    monkeypatch.setattr("core.email.send_mail", refuse)
    response = client.post(reverse("accounts:password-reset"), {"email": reviewer.email})
    assert response.status_code == 302
    assert mail.outbox == []


def test_text_is_not_html_escaped_in_subject_or_body() -> None:
    """A review called "Children's front door & MASH" reads as typed, in every email template."""
    title = "Children's front door & MASH <north>"
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
