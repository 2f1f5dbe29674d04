"""An authority's own audit programme in the browser (issue 23): a live audit recorded with the
social worker and confirmed by them through the emailed link; a peer from another council moderates
the sample of completed audits and the agreement rate appears. Every page scanned with axe-core."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import Browser, Page, expect

from audits.models import Case, CaseAudit, LiveAuditRecord
from audits.services.case_audits import start_audit
from reviews.setup.models import Review
from tests.audits.factories import CaseFactory
from tests.audits.programme import build_programme, qa_person
from tests.e2e.conftest import check_accessibility, sign_in
from tests.factories import TEST_PASSWORD, OrganisationFactory


@pytest.fixture
def authority(transactional_db):
    return OrganisationFactory(name="York City Council", short_name="York")


def test_a_live_audit_is_recorded_with_the_social_worker_and_confirmed(
    page: Page, browser: Browser, live_server, authority
) -> None:
    base = live_server.url
    qa = qa_person(authority, full_name="Dana Quayle", email="dana.quayle@york.example")
    sign_in(page, base, qa.email, TEST_PASSWORD)

    # The quality assurance auditor starts a live audit from the programme.
    page.get_by_role("link", name="Audit programme of York").click()
    check_accessibility(page, "audit programme, empty")
    page.get_by_role("link", name="Start an audit").click()
    check_accessibility(page, "start an audit")
    page.get_by_role("button", name="Start the audit").click()  # nothing filled in
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a title for the audit")
    check_accessibility(page, "start an audit, errors")
    page.get_by_label("Title").fill("Live audits, assessment team")
    page.get_by_label("Live audit, with the social worker").check()
    page.get_by_label("Quality of assessment practice (ten criteria)").check()
    page.get_by_role("button", name="Start the audit").click()
    expect(page.get_by_text("is set up")).to_be_visible()
    audit = Review.objects.get(title="Live audits, assessment team")
    assert audit.purpose == Review.Purpose.INTERNAL_AUDIT
    expect(page.locator(".app-review-nav")).not_to_contain_text("Feedback letter")
    check_accessibility(page, "internal audit, case audits home")

    # A case of the sample, audited live with its social worker.
    case = CaseFactory(review=audit, reference="YK-5501", assigned_to=qa)
    start_audit(case=case, user=qa)
    page.goto(f"{base}/reviews/{audit.pk}/audits/cases/{case.pk}/")
    page.get_by_role("link", name=re.compile("The live audit record")).click()
    check_accessibility(page, "live audit record, new")
    page.get_by_label("Social worker's name").fill("Jo Walker")
    page.get_by_label("Social worker's role").fill("Social worker, assessment team")
    page.get_by_label("Social worker's email address").fill("jo.walker@york.example")
    page.get_by_label("The social worker's reflection").fill(
        "I should have spoken to the school before the strategy discussion."
    )
    page.get_by_label("The learning agreed").fill("Check school attendance at the first visit.")
    page.get_by_role("button", name="Save the record").click()
    expect(page.get_by_text("The live audit record is saved.")).to_be_visible()
    page.get_by_role("button", name="Send it to the social worker to confirm").click()
    expect(page.get_by_text("The record is sent to jo.walker@york.example")).to_be_visible()
    check_accessibility(page, "live audit record, sent")

    (email,) = [m for m in mail.outbox if m.to == ["jo.walker@york.example"]]
    link = re.search(r"https?://\S+/live-audit/confirm/\S+/", email.body).group(0)

    # The social worker, with no account, opens the link and confirms.
    worker = browser.new_context(base_url=base).new_page()
    worker.goto(link)
    expect(worker.get_by_role("heading", level=1)).to_contain_text("YK-5501")
    expect(worker.get_by_text("I should have spoken to the school")).to_be_visible()
    check_accessibility(worker, "live audit confirmation, social worker")
    worker.get_by_role("button", name="Confirm the record").click()
    expect(worker.locator(".govuk-error-summary")).to_contain_text("Tick the box")
    worker.get_by_label("Your comment (optional)").fill("A fair record of our conversation.")
    worker.get_by_label("I confirm this is a fair record of the live audit").check()
    worker.get_by_role("button", name="Confirm the record").click()
    expect(worker.get_by_text("You confirmed this record")).to_be_visible()
    check_accessibility(worker, "live audit confirmation, confirmed")
    worker.context.close()

    # The auditor sees it confirmed and locked.
    page.reload()
    expect(page.get_by_text("Confirmed by the social worker")).to_be_visible()
    expect(page.get_by_text("A fair record of our conversation.")).to_be_visible()
    expect(page.get_by_role("button", name="Save the record")).to_have_count(0)
    check_accessibility(page, "live audit record, confirmed")
    assert LiveAuditRecord.objects.get(case=case).is_confirmed

    # Its work done, the auditor puts its dates right, closes it, and reopens it with a reason.
    page.goto(f"{base}/reviews/{audit.pk}/audits/")
    page.get_by_role("link", name="Change the audit's details").click()
    check_accessibility(page, "change an audit's details")
    page.locator("#id_end_date_0").fill("1")
    page.locator("#id_end_date_1").fill("1")
    page.locator("#id_end_date_2").fill("2020")
    page.locator("#id_start_date_0").fill("3")
    page.locator("#id_start_date_1").fill("2")
    page.locator("#id_start_date_2").fill("2026")
    page.get_by_role("button", name="Save the details").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    expect(page.locator("#id_start_date_2")).to_have_value("2026")  # what was typed is kept
    check_accessibility(page, "change an audit's details, errors")
    page.locator("#id_end_date_0").fill("27")
    page.locator("#id_end_date_1").fill("3")
    page.locator("#id_end_date_2").fill("2026")
    page.get_by_role("button", name="Save the details").click()
    expect(page.get_by_text("The audit’s details are saved.")).to_be_visible()
    expect(page.locator(".app-audit-summary")).to_contain_text("3 February 2026 to 27 March 2026")
    page.get_by_role("link", name="Close the audit").click()
    # The case was audited live but its audit not marked complete: the page says so first.
    expect(page.locator(".app-still-open")).to_contain_text(
        "1 of 1 assigned case audit is not complete"
    )
    check_accessibility(page, "close an audit")
    page.get_by_role("button", name="Close the audit").click()
    expect(page.locator(".app-audit-closed")).to_contain_text("This audit was closed on")
    expect(page.get_by_role("link", name="Close the audit")).to_have_count(0)
    check_accessibility(page, "internal audit, closed")
    page.get_by_role("link", name="Reopen the audit").click()
    check_accessibility(page, "reopen an audit")
    page.get_by_label("Why are you reopening the audit?").fill("One more case to audit live.")
    page.get_by_role("button", name="Reopen the audit").click()
    expect(page.get_by_text("is open again")).to_be_visible()
    expect(page.get_by_role("link", name="Close the audit")).to_be_visible()


def test_a_peer_from_another_council_moderates_the_sample_and_the_agreement_rate_appears(
    page: Page, browser: Browser, live_server, authority
) -> None:
    base = live_server.url
    programme = build_programme(authority=authority, completed=3)
    audit = programme.audit
    first, second, third = programme.qa_cases

    # The quality assurance auditor chooses two completed audits for peer moderation.
    sign_in(page, base, programme.qa.email, TEST_PASSWORD)
    page.goto(f"{base}/reviews/{audit.pk}/audits/")
    page.get_by_role("link", name="Choose the audits peers moderate").click()
    check_accessibility(page, "peer moderation sample")
    page.get_by_label(re.compile(second.reference)).check()
    page.get_by_role("button", name="Save the sample").click()
    expect(page.get_by_text("The peer moderation sample has 2 audits.")).to_be_visible()
    check_accessibility(page, "audit the audits, nothing moderated")

    # The peer from Sheffield sees only the sample, and moderates it.
    peer = browser.new_context(base_url=base).new_page()
    sign_in(peer, base, programme.peer.email, TEST_PASSWORD)
    peer.get_by_role("link", name=audit.title).click()
    expect(peer.get_by_role("heading", level=1)).to_have_text("Audits to moderate")
    table = peer.locator(".app-peer-sample")
    expect(table).to_contain_text(first.reference)
    expect(table).to_contain_text(second.reference)
    expect(table).not_to_contain_text(third.reference)
    expect(peer.locator(".app-review-nav")).not_to_contain_text("Case list")
    check_accessibility(peer, "audits to moderate, peer")
    for case, disagree_first in ((first, True), (second, False)):
        peer.get_by_role("link", name=f"Moderate {case.reference}").click()
        check_accessibility(peer, "moderate, peer")
        answers = CaseAudit.objects.get(case=case).answers.order_by("criterion__number")
        for i, answer in enumerate(answers):
            disagree = disagree_first and i == 0
            peer.locator(
                f'input[name="m{answer.pk}-agrees"][value="{"no" if disagree else "yes"}"]'
            ).check()
            if disagree:
                peer.locator(f"#m{answer.pk}-note").fill("The record shows no consent was sought.")
        peer.locator("#overall-agrees-yes").check()
        peer.get_by_role("button", name="Save the moderation").click()
        expect(
            peer.get_by_text(f"Your moderation of case {case.reference} is saved.")
        ).to_be_visible()
        peer.goto(f"{base}/reviews/{audit.pk}/audits/agreement/")
    checked = sum(CaseAudit.objects.get(case=c).answers.count() for c in (first, second))
    rate = round(100 * (checked - 1) / checked)
    expect(peer.locator(".app-agreement-rate")).to_contain_text(f"Agreement rate: {rate}%")
    check_accessibility(peer, "audit the audits, peer")
    # The peer cannot open the audit that is not in the sample.
    response = peer.goto(f"{base}/reviews/{audit.pk}/audits/cases/{third.pk}/")
    assert response is not None and response.status == 404
    peer.context.close()

    # The quality assurance auditor sees the same rate, per criterion and auditor, with the note.
    page.goto(f"{base}/reviews/{audit.pk}/audits/agreement/")
    expect(page.locator(".app-agreement-rate")).to_contain_text(f"Agreement rate: {rate}%")
    expect(page.locator(".app-agreement-auditors")).to_contain_text(programme.qa.full_name)
    expect(page.locator(".app-agreement-notes")).to_contain_text(
        "The record shows no consent was sought."
    )
    check_accessibility(page, "audit the audits, quality assurance")
    page.goto(f"{base}/authorities/{authority.pk}/audit-programme/")
    expect(page.locator(".app-programme")).to_contain_text(audit.title)
    check_accessibility(page, "audit programme, one audit")


def test_a_partner_auditor_sees_only_their_cases(page: Page, live_server, authority) -> None:
    base = live_server.url
    programme = build_programme(authority=authority, completed=1)
    sign_in(page, base, programme.partner.email, TEST_PASSWORD)
    page.get_by_role("link", name=programme.audit.title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your cases")
    listed = page.locator(".app-your-cases")
    for case in programme.partner_cases:
        expect(listed).to_contain_text(case.reference)
    expect(listed).not_to_contain_text(programme.qa_cases[0].reference)
    check_accessibility(page, "your cases, partner auditor")
    page.get_by_role("link", name=programme.partner_cases[0].reference).click()
    page.get_by_role("button", name="Start the audit").click()
    expect(page.get_by_role("button", name="Save the audit")).to_be_visible()
    check_accessibility(page, "case audit, partner auditor")
    assert Case.objects.get(pk=programme.partner_cases[0].pk).audit.auditor == programme.partner
    other = programme.qa_cases[0]
    response = page.goto(f"{base}/reviews/{programme.audit.pk}/audits/cases/{other.pk}/")
    assert response is not None and response.status == 404
