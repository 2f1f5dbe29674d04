from __future__ import annotations

import re

from django.core import mail
from django.urls import reverse

from audits.models import AlertRecipient, CaseAudit, SafeguardingAlert
from core.email import send_due
from core.models import Email
from tests.audits.factories import started_audit


def test_a_safeguarding_alert_tells_the_host_lead_and_the_lead_reviewer_at_once(world) -> None:
    audit = started_audit(world.review, world.people["reviewer"])
    response = world.client("reviewer").post(
        reverse("audits:alert-raise", args=[world.review.pk, audit.case_id]),
        {
            "concern": "Case shows an unassessed risk from a new partner; no strategy discussion held."
        },
    )
    alert = SafeguardingAlert.objects.get()
    assert response.url == alert.get_absolute_url()
    told = {m.to[0] for m in mail.outbox}
    assert told == {"host_lead@example.org", "lead_reviewer@example.org"}
    assert all(audit.case.reference in m.subject for m in mail.outbox)
    assert all("new partner" not in m.body for m in mail.outbox)  # details stay on the page
    assert all(f"http://testserver{alert.get_absolute_url()}" in m.body for m in mail.outbox)

    host = world.client("host_lead")
    page = host.get(alert.get_absolute_url()).content.decode()
    assert "new partner" in page
    assert "I have read this alert" in page
    assert (
        host.post(reverse("audits:alert-acknowledge", args=[world.review.pk, alert.pk])).status_code
        == 302
    )
    mine = AlertRecipient.objects.get(alert=alert, user=world.people["host_lead"])
    assert mine.acknowledged_at is not None
    assert (
        AlertRecipient.objects.get(alert=alert, user=world.people["lead_reviewer"]).acknowledged_at
        is None
    )
    waiting = world.client("coordinator").get(reverse("audits:alerts", args=[world.review.pk]))
    assert "Waiting for 1" in waiting.content.decode()


def test_host_staff_see_only_the_alerts_addressed_to_them(world) -> None:
    audit = started_audit(world.review, world.people["reviewer"])
    url = reverse("audits:alert-raise", args=[world.review.pk, audit.case_id])
    world.client("reviewer").post(url, {"concern": "First concern."})
    world.client("reviewer").post(
        url, {"concern": "Second concern.", "also_tell": [world.people["host_staff"].pk]}
    )
    first, second = SafeguardingAlert.objects.order_by("pk")
    staff = world.client("host_staff")
    assert staff.get(first.get_absolute_url()).status_code == 404
    assert staff.get(second.get_absolute_url()).status_code == 200
    listing = staff.get(reverse("audits:alerts", args=[world.review.pk])).content.decode()
    # (the banner on every page links to the same alert until host staff acknowledge it)
    assert set(re.findall(r"/audits/alerts/(\d+)/", listing)) == {str(second.pk)}
    assert "hoststaff" not in listing
    assert (
        staff.post(
            reverse("audits:alert-acknowledge", args=[world.review.pk, second.pk])
        ).status_code
        == 302
    )


def _complete(audit, answers=("met",) * 10):
    for answer, value in zip(audit.answers.all(), answers, strict=False):
        answer.answer = value
        answer.save()
    CaseAudit.objects.filter(pk=audit.pk).update(status=CaseAudit.Status.COMPLETE)


def test_a_second_auditor_moderates_and_the_agreement_rate_is_shown(world) -> None:
    audit = started_audit(world.review, world.people["reviewer"])
    _complete(audit)
    url = reverse("audits:case-audit-moderate", args=[world.review.pk, audit.case_id])
    assert world.client("reviewer").get(url).status_code == 403  # not your own audit
    lead = world.client("lead_reviewer")
    page = lead.post(url, {}).content.decode()
    assert "Say whether you agree with criterion 1" in page
    data = {"overall-agrees": "yes", "overall-note": "A sound audit."}
    for index, answer in enumerate(audit.answers.all()):
        data[f"m{answer.pk}-agrees"] = "no" if index < 2 else "yes"
        data[f"m{answer.pk}-note"] = "Partly met at best." if index < 2 else ""
    assert lead.post(url, data).status_code == 302
    analysis = lead.get(reverse("audits:analysis", args=[world.review.pk])).content.decode()
    assert (
        "Moderators agreed with <strong>80%</strong> of the answers they checked (8 of 10)"
        in analysis
    )
    case_page = lead.get(
        reverse("audits:case-audit", args=[world.review.pk, audit.case_id])
    ).content.decode()
    assert "agrees with this audit overall" in case_page


def test_an_audit_in_progress_cannot_be_moderated(world) -> None:
    audit = started_audit(world.review, world.people["reviewer"])
    url = reverse("audits:case-audit-moderate", args=[world.review.pk, audit.case_id])
    data = {"overall-agrees": "yes", **{f"m{a.pk}-agrees": "yes" for a in audit.answers.all()}}
    page = world.client("lead_reviewer").post(url, data).content.decode()
    assert "The audit must be complete before it is moderated" in page


def test_team_commentary_and_alerts_warn_about_personal_details_too(world) -> None:
    from audits.services.tools import review_tool

    audit = started_audit(world.review, world.people["reviewer"])
    criterion = review_tool(world.review).criteria.get(number=5)
    url = reverse("audits:commentary-save", args=[world.review.pk, criterion.pk])
    client = world.client("reviewer")
    page = client.post(
        url, {"text": "Child born 3 March 2019 not seen", "version": 1}
    ).content.decode()
    assert "This looks like it may hold a date of birth" in page
    assert "Child born 3 March 2019 not seen" in page
    assert (
        client.post(
            url, {"text": "Views of non-verbal children need capturing", "version": 1}
        ).status_code
        == 302
    )
    criterion.refresh_from_db()
    assert criterion.commentary.text == "Views of non-verbal children need capturing"

    alert_url = reverse("audits:alert-raise", args=[world.review.pk, audit.case_id])
    page = client.post(alert_url, {"concern": "Mum's mobile is 07700 900456"}).content.decode()
    assert "may hold a telephone number" in page
    assert SafeguardingAlert.objects.count() == 0
    client.post(alert_url, {"concern": "Mum's mobile is 07700 900456", "confirm": "on"})
    assert SafeguardingAlert.objects.count() == 1


def test_an_alert_is_kept_on_record_even_when_an_email_cannot_be_sent(world, settings) -> None:
    """Its sender and the coordinator see at once, on the alert, that the email has not gone and
    why; it is tried again."""
    settings.EMAIL_BACKEND = "tests.core.mail_backends.RefusingBackend"
    settings.EMAIL_RETRY_DELAYS = [0]
    audit = started_audit(world.review, world.people["reviewer"])
    response = world.client("reviewer").post(
        reverse("audits:alert-raise", args=[world.review.pk, audit.case_id]),
        {"concern": "Risk."},
        follow=True,
    )
    page = response.content.decode()
    assert "Its email is queued for 2 people" in page
    alert = SafeguardingAlert.objects.get()
    assert alert.recipients.count() == 2
    assert Email.objects.filter(state=Email.State.QUEUED, attempts=1).count() == 2
    for role in ("reviewer", "coordinator"):
        page = world.client(role).get(alert.get_absolute_url()).content.decode()
        assert "has not gone yet: the mail server refused it (421" in page
        assert "It is being tried again" in page
        assert "Not sent yet" in page
    alerts = reverse("audits:alerts", args=[world.review.pk])
    assert "2 not sent" in world.client("coordinator").get(alerts).content.decode()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send_due() == 2
    assert "not sent" not in world.client("coordinator").get(alerts).content.decode()
    page = world.client("coordinator").get(alert.get_absolute_url()).content.decode()
    assert "has not gone yet" not in page
    assert page.count(">Sent</strong>") == 2


def test_an_alert_email_that_fails_for_good_says_so_on_the_alert(world, settings) -> None:
    settings.EMAIL_BACKEND = "tests.core.mail_backends.UnknownAddressBackend"
    audit = started_audit(world.review, world.people["reviewer"])
    world.client("reviewer").post(
        reverse("audits:alert-raise", args=[world.review.pk, audit.case_id]), {"concern": "Risk."}
    )
    alert = SafeguardingAlert.objects.get()
    page = world.client("reviewer").get(alert.get_absolute_url()).content.decode()
    assert "has failed after 1 try: the mail server refused the address (550" in page
    assert "Tell them another way" in page


def test_the_list_of_alerts_reads_their_emails_in_flat_queries(world) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    audit = started_audit(world.review, world.people["reviewer"])
    raise_url = reverse("audits:alert-raise", args=[world.review.pk, audit.case_id])
    alerts = reverse("audits:alerts", args=[world.review.pk])
    client = world.client("coordinator")

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(alerts).status_code == 200
        return len(queries)

    world.client("reviewer").post(raise_url, {"concern": "Risk one."})
    small = count()
    for n in range(3):
        world.client("reviewer").post(raise_url, {"concern": f"Risk {n}."})
    assert SafeguardingAlert.objects.count() == 4
    assert count() == small


def test_retention_deletes_an_alerts_emails_with_it(world) -> None:
    from audits.retention import _purge

    audit = started_audit(world.review, world.people["reviewer"])
    world.client("reviewer").post(
        reverse("audits:alert-raise", args=[world.review.pk, audit.case_id]), {"concern": "Risk."}
    )
    assert Email.objects.count() == 2
    _purge(world.review)
    assert not SafeguardingAlert.objects.exists()
    assert not Email.objects.exists()  # no case reference left behind in a subject
