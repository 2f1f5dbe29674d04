"""The letter's share and issue say truthfully who the email is queued for, and the team sees how it
went (queued, sent, failed with the reason) on the letter and its versions."""

from __future__ import annotations

import pytest
from django.urls import reverse

from core.email import send_due
from reviews.fieldwork.models import Finding
from tests.issuing import issue_letter

pytestmark = pytest.mark.django_db


def _url(name, review):
    return reverse(f"reports:{name}", kwargs={"pk": review.pk})


def test_share_and_issue_say_queued_for_whom_and_show_the_delivery_state(world, settings):
    review = world.review
    Finding.objects.create(review=review, kind="strength", text="Strong.", status="agreed")
    host_email = world.people["host_lead"].email
    settings.EMAIL_BACKEND = "tests.core.mail_backends.RefusingBackend"
    settings.EMAIL_RETRY_DELAYS = [0]
    lead = world.client("lead_reviewer")

    page = lead.post(_url("share", review), follow=True).content.decode()
    assert "The email to tell them is queued for 1 person." in page
    assert "have been emailed" not in page
    assert f"{host_email}: " in page
    assert "Not sent yet" in page and "421" in page
    coordinator_page = world.client("coordinator").get(_url("letter", review)).content.decode()
    assert "Not sent yet" in coordinator_page
    assert host_email not in world.client("host_lead").get(_url("letter", review)).content.decode()

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send_due() == 1
    assert ">Sent</strong>" in lead.get(_url("letter", review)).content.decode()

    settings.EMAIL_BACKEND = "tests.core.mail_backends.UnknownAddressBackend"
    page = issue_letter(lead, review, follow=True).content.decode()
    assert "The email to tell the host lead contact is queued for 1 person." in page
    assert "Failed</strong> after 1 try: the mail server refused the address (550" in page
    assert (
        "Failed</strong>"
        not in world.client("host_staff").get(_url("versions", review)).content.decode()
    )
