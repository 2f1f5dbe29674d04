"""A safeguarding alert stays in front of each person it went to (a banner on every page) until they
acknowledge it; one nobody acknowledged in time is escalated, once, to the coordinator and the lead
reviewer (an email through the outbox and an urgent item on "Needs your attention")."""

from __future__ import annotations

import datetime as dt
import io

from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from audits.models import AlertRecipient, SafeguardingAlert
from audits.services.alerts import escalate_overdue_alerts, raise_alert
from core.models import Email
from tests.audits.factories import started_audit

BANNER = 'data-testid="important-banner"'


def _alert(world, *, hours_ago: float = 0) -> SafeguardingAlert:
    audit = started_audit(world.review, world.people["reviewer"])
    alert = raise_alert(
        case=audit.case, user=world.people["reviewer"], concern="Unassessed risk at home."
    )
    created = timezone.now() - dt.timedelta(hours=hours_ago)
    SafeguardingAlert.objects.filter(pk=alert.pk).update(created_at=created)
    alert.refresh_from_db()
    mail.outbox.clear()
    return alert


def _pages(world):
    return [
        reverse("reviews:your-reviews"),
        reverse("reviews:review-overview", args=[world.review.pk]),
        reverse("reviews:timetable", args=[world.review.pk]),
        reverse("audits:alerts", args=[world.review.pk]),
    ]


def test_the_banner_is_on_every_page_until_the_recipient_acknowledges(world) -> None:
    alert = _alert(world)
    host = world.client("host_lead")
    for url in _pages(world):
        page = host.get(url).content.decode()
        assert BANNER in page, url
        assert "govuk-notification-banner" in page and "Important" in page
        assert f'href="{alert.get_absolute_url()}"' in page
        assert "Read and acknowledge the safeguarding alert" in page
    # Not for people it was not addressed to.
    assert BANNER not in world.client("reviewer").get(_pages(world)[0]).content.decode()

    host.post(reverse("audits:alert-acknowledge", args=[world.review.pk, alert.pk]))
    for url in _pages(world):
        assert BANNER not in host.get(url).content.decode(), url
    # The lead reviewer has not acknowledged: still shown to them.
    assert BANNER in world.client("lead_reviewer").get(_pages(world)[0]).content.decode()


def test_the_banner_escapes_the_review_title(world) -> None:
    world.review.title = "<script>alert(1)</script> front door"
    world.review.save()
    _alert(world)
    page = world.client("host_lead").get(reverse("reviews:your-reviews")).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; front door" in page
    assert "<script>alert(1)" not in page


def test_an_alert_not_acknowledged_in_time_is_escalated_once_to_coordinator_and_lead(
    world, settings
) -> None:
    settings.SAFEGUARDING_ESCALATE_AFTER_HOURS = 24
    alert = _alert(world, hours_ago=25)
    assert escalate_overdue_alerts() == 1
    told = sorted(m.to[0] for m in mail.outbox)
    assert told == ["coordinator@example.org", "lead_reviewer@example.org"]
    message = mail.outbox[0]
    assert message.subject.startswith("Not acknowledged: safeguarding alert on case")
    assert "Unassessed risk" not in message.body  # details stay on the page
    assert alert.get_absolute_url() in message.body
    assert world.people["host_lead"].full_name in message.body  # who has not acknowledged
    assert Email.objects.filter(template="audits/email/alert_escalated").count() == 2
    alert.refresh_from_db()
    assert alert.escalated_at is not None

    # In the app: an urgent item on the coordinator's "Needs your attention", first.
    page = world.client("coordinator").get(reverse("reviews:your-reviews")).content.decode()
    assert "Follow up a safeguarding alert not acknowledged by everyone" in page

    # Once: running again (the next hour, a second worker) sends nothing more.
    mail.outbox.clear()
    assert escalate_overdue_alerts() == 0
    call_command("send_reminders", stdout=io.StringIO())
    assert not [m for m in mail.outbox if m.subject.startswith("Not acknowledged")]


def test_no_escalation_before_the_time(world, settings) -> None:
    settings.SAFEGUARDING_ESCALATE_AFTER_HOURS = 24
    alert = _alert(world, hours_ago=23)
    assert escalate_overdue_alerts() == 0
    assert mail.outbox == []
    settings.SAFEGUARDING_ESCALATE_AFTER_HOURS = 12  # the setting decides
    assert escalate_overdue_alerts() == 1
    alert.refresh_from_db()
    assert alert.escalated_at is not None


def test_no_escalation_when_everyone_acknowledged(world, settings) -> None:
    alert = _alert(world, hours_ago=48)
    AlertRecipient.objects.filter(alert=alert).update(acknowledged_at=timezone.now())
    assert escalate_overdue_alerts() == 0
    assert mail.outbox == []
    page = world.client("coordinator").get(reverse("reviews:your-reviews")).content.decode()
    assert "Follow up a safeguarding alert" not in page


def test_the_escalation_item_goes_once_everyone_has_acknowledged(world) -> None:
    alert = _alert(world, hours_ago=48)
    escalate_overdue_alerts()
    AlertRecipient.objects.filter(alert=alert).update(acknowledged_at=timezone.now())
    page = world.client("coordinator").get(reverse("reviews:your-reviews")).content.decode()
    assert "Follow up a safeguarding alert" not in page


def test_retention_deletes_the_escalation_emails_with_the_alert(world) -> None:
    from audits.retention import _purge

    _alert(world, hours_ago=48)
    escalate_overdue_alerts()
    assert Email.objects.filter(template="audits/email/alert_escalated").exists()
    _purge(world.review)
    assert not SafeguardingAlert.objects.exists()
    assert not Email.objects.exists()  # no case reference left behind in a subject
