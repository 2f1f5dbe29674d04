"""An authority's own audit is changed, closed when its work is done, and reopened with a reason:
once closed its work no longer changes, it leaves its auditors' lists, and its case data falls under
the retention policy like an issued letter's."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audits.models import CaseAudit, LiveAuditRecord
from audits.services.case_audits import start_audit
from audits.services.programme import close_internal_audit
from core import attention
from reviews.setup.models import Review
from tests.audits.programme import build_programme
from trail.models import Event

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _url(name: str, audit: Review) -> str:
    return reverse(f"audits:{name}", kwargs={"pk": audit.pk})


@pytest.fixture
def programme():
    return build_programme()


def _details(audit: Review, **changes: str) -> dict[str, str]:
    data = {
        "title": audit.title,
        "request": audit.request,
        "start_date_0": "2",
        "start_date_1": "3",
        "start_date_2": "2026",
        "end_date_0": "20",
        "end_date_1": "3",
        "end_date_2": "2026",
        "version": str(audit.version),
    }
    data.update(changes)
    return data


# Changing the details ------------------------------------------------------------------------------


def test_quality_assurance_changes_the_details_and_the_trail_says_what_changed(programme):
    audit, client = programme.audit, _client(programme.qa)
    home = client.get(_url("home", audit)).content.decode()
    assert "Change the audit's details" in home
    page = client.get(_url("programme-audit-details", audit)).content.decode()
    assert "Kind of audit" not in page  # the kind and the tool stay as they began
    response = client.post(
        _url("programme-audit-details", audit),
        _details(audit, title="Multi-agency audit: exploitation, spring 2026"),
    )
    assert response.status_code == 302
    audit.refresh_from_db()
    assert audit.title == "Multi-agency audit: exploitation, spring 2026"
    assert audit.start_date == dt.date(2026, 3, 2)
    event = Event.objects.filter(action=Event.Action.REVIEW_CHANGED, review_id=audit.pk).latest(
        "pk"
    )
    assert event.detail["changed"]["title"]["to"] == "Multi-agency audit: exploitation, spring 2026"
    assert "The audit’s details are saved." in client.get(response["Location"]).content.decode()


def test_the_end_before_the_start_is_refused_with_what_was_typed_kept(programme):
    audit = programme.audit
    response = _client(programme.qa).post(
        _url("programme-audit-details", audit),
        _details(audit, title="Typed title", end_date_0="1"),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Error:" in page
    assert 'value="Typed title"' in page
    audit.refresh_from_db()
    assert audit.title != "Typed title"


def test_two_tabs_changing_the_details_do_not_overwrite_each_other(programme):
    audit, client = programme.audit, _client(programme.qa)
    first = _details(audit, title="From the first tab")
    second = _details(audit, title="From the second tab")
    assert client.post(_url("programme-audit-details", audit), first).status_code == 302
    response = client.post(_url("programme-audit-details", audit), second)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Someone else changed this" in page
    assert 'value="From the second tab"' in page
    audit.refresh_from_db()
    assert audit.title == "From the first tab"


def test_a_thematic_audit_keeps_its_theme(programme):
    audit = programme.audit
    Review.objects.filter(pk=audit.pk).update(
        audit_kind=Review.AuditKind.THEMATIC, audit_theme="Exploitation"
    )
    audit.refresh_from_db()
    response = _client(programme.qa).post(
        _url("programme-audit-details", audit), _details(audit, audit_theme="  ")
    )
    assert "Enter the theme of the thematic audit" in response.content.decode()


# Closing -------------------------------------------------------------------------------------------


def test_closing_says_what_is_still_open_and_asks_first(programme):
    audit, client = programme.audit, _client(programme.qa)
    page = client.get(_url("programme-audit-close", audit)).content.decode()
    # Two of the partner's cases are assigned and not audited.
    assert "2 of 4 assigned case audits are not complete" in page
    assert "Close the audit" in page
    audit.refresh_from_db()
    assert audit.status == Review.Status.FIELDWORK  # nothing changes on GET


def test_a_live_audit_says_which_records_the_worker_has_not_confirmed():
    programme = build_programme(kind=Review.AuditKind.LIVE)
    audit = programme.audit
    LiveAuditRecord.objects.create(
        case=programme.qa_cases[0],
        worker_name="Jo Walker",
        worker_email="jo.walker@example.org",
        reflection="I would have spoken to the school sooner.",
        confirmed_at=timezone.now(),
    )
    page = _client(programme.qa).get(_url("programme-audit-close", audit)).content.decode()
    sampled = audit.cases.filter(sample_status="sampled").count()
    assert f"{sampled - 1} live audit records have not been confirmed" in page


def test_a_closed_audit_no_longer_changes_and_says_why(programme):
    audit, client = programme.audit, _client(programme.qa)
    response = client.post(_url("programme-audit-close", audit))
    assert response.status_code == 302
    audit.refresh_from_db()
    assert audit.status == Review.Status.ISSUED
    assert audit.closed_at is not None
    home = client.get(_url("home", audit)).content.decode()
    assert "This audit was closed on" in home
    assert "Reopen the audit" in home
    assert "Close the audit" not in home
    # Its work is read-only: a partner's case audit can no longer start, the details not change.
    partner = _client(programme.partner)
    case = programme.partner_cases[0]
    refused = partner.post(
        reverse("audits:case-audit-start", kwargs={"pk": audit.pk, "case_pk": case.pk})
    )
    assert refused.status_code == 403
    assert "This audit is closed" in refused.content.decode()
    assert not CaseAudit.objects.filter(case=case).exists()
    assert client.get(_url("programme-audit-details", audit)).status_code == 403
    programme_page = client.get(
        reverse("audits:programme", kwargs={"org_pk": programme.authority.pk})
    ).content.decode()
    assert "Closed" in programme_page


def test_closing_twice_closes_once(programme):
    audit, client = programme.audit, _client(programme.qa)
    client.post(_url("programme-audit-close", audit))
    closed_at = Review.objects.get(pk=audit.pk).closed_at
    again = client.post(_url("programme-audit-close", audit), follow=True)
    assert "The audit was already closed." in again.content.decode()
    assert Review.objects.get(pk=audit.pk).closed_at == closed_at
    closes = Event.objects.filter(
        action=Event.Action.REVIEW_CHANGED, review_id=audit.pk, detail__change="status"
    )
    assert closes.count() == 1


def test_a_closed_audit_leaves_its_auditors_lists(programme):
    audit, partner = programme.audit, programme.partner
    case = programme.partner_cases[0]
    start_audit(case=case, user=partner)

    def owed() -> list[str]:
        return [
            item.text
            for item in attention.for_person(partner, timezone.localdate())
            if item.review == audit.title
        ]

    assert "Complete 2 case audits assigned to you (1 started)" in owed()
    close_internal_audit(review=audit, user=programme.qa)
    assert owed() == []


# Reopening -----------------------------------------------------------------------------------------


def test_reopening_needs_a_reason_and_keeps_it_in_the_trail(programme):
    audit, client = programme.audit, _client(programme.qa)
    close_internal_audit(review=audit, user=programme.qa)
    refused = client.post(_url("programme-audit-reopen", audit), {"reason": ""})
    assert "Say why you are reopening the audit" in refused.content.decode()
    assert Review.objects.get(pk=audit.pk).status == Review.Status.ISSUED
    response = client.post(
        _url("programme-audit-reopen", audit), {"reason": "Two cases were missed from the sample."}
    )
    assert response.status_code == 302
    audit.refresh_from_db()
    assert audit.status == Review.Status.FIELDWORK
    assert audit.closed_at is None
    event = Event.objects.filter(detail__change="status", review_id=audit.pk).latest("pk")
    assert event.detail["reason"] == "Two cases were missed from the sample."
    assert "Close the audit" in client.get(_url("home", audit)).content.decode()


def test_an_open_audit_is_not_reopened(programme):
    audit, client = programme.audit, _client(programme.qa)
    response = client.post(_url("programme-audit-reopen", audit), {"reason": "By mistake."})
    assert response.status_code == 302
    assert not Event.objects.filter(detail__change="status", review_id=audit.pk).exists()


# Retention -----------------------------------------------------------------------------------------


def test_a_closed_audits_case_data_goes_after_the_retention_period(programme, settings):
    audit = programme.audit
    other = build_programme().audit  # open: kept however old
    long_ago = timezone.now() - dt.timedelta(days=31 * (settings.RETENTION_MONTHS + 1))
    close_internal_audit(review=audit, user=programme.qa)
    Review.objects.filter(pk=audit.pk).update(closed_at=long_ago)
    Review.objects.filter(pk=other.pk).update(created_at=long_ago)
    out = StringIO()
    call_command("apply_retention", stdout=out)
    audit.refresh_from_db()
    other.refresh_from_db()
    assert audit.case_data_deleted_at is not None
    assert other.case_data_deleted_at is None
    assert f"Deleted for '{audit.title}' (closed " in out.getvalue()
    assert not CaseAudit.objects.filter(case__review=audit).exists()
