"""The case list with mistakes, a seeded sample draw, the audit tools library and a safeguarding alert.

(Auditing cases, a personal-details warning, moderation and the analysis are part of the journey in
test_review_life.py.)"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from audits.models import AlertRecipient, CaseType
from tests.audits.factories import CaseFactory, use_seed_002_tool
from tests.conftest import build_world
from tests.e2e.conftest import check_accessibility, check_accessibility_without_javascript, sign_in
from tests.factories import TEST_PASSWORD


@pytest.fixture
def world(transactional_db):
    world = build_world()
    use_seed_002_tool(world.review)
    for reference, case_type in (("NM-24101", CaseType.S17), ("NM-24102", CaseType.S47)):
        CaseFactory(
            review=world.review,
            reference=reference,
            case_type=case_type,
            assigned_to=world.people["reviewer"],
        )
    return world


BAD_CSV = (
    "case reference,case type,date,team,outcome\n"
    "NM-3001,Contact,2026-10-01,MASH,Early help\n"
    "NM-3002,Telepathy,2026-10-02,MASH,NFA\n"
    "NM-3001,Referral,2026-10-03,MASH,Section 47\n"
    "NM 3004 Jane Smith,Section 17 assessment,2026-10-04,Assessment,NFA\n"
    "NM-3005,Section 47 enquiry,2026-10-05,Assessment,ICPC\n"
)


def test_case_list_sample_and_a_safeguarding_alert_from_end_to_end(
    page: Page, live_server, world
) -> None:
    base = live_server.url
    audits = f"{base}/reviews/{world.review.pk}/audits"

    # The host lead contact pastes a case list with bad rows: nothing is imported.
    sign_in(page, base, "host_lead@example.org", TEST_PASSWORD)
    page.goto(f"{audits}/")
    check_accessibility(page, "case audits, host lead")
    page.get_by_role("link", name="Upload or paste the case list").click()
    check_accessibility(page, "add cases")
    page.get_by_label("Or paste the case list").fill(BAD_CSV)
    page.get_by_role("button", name="Check and import").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Nothing was imported")
    expect(summary).to_contain_text("Line 3: The case type “Telepathy” is not known")
    expect(summary).to_contain_text("Line 4: The reference NM-3001 is a duplicate")
    expect(summary).to_contain_text(
        "Line 5: The reference “NM 3004 Jane Smith” does not follow the rule"
    )
    check_accessibility(page, "add cases, with errors")
    page.get_by_role("button", name="Import the 2 valid rows only").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("2 cases added")
    check_accessibility(page, "case list, host lead")
    page.get_by_role("button", name="Sign out").click()

    # The coordinator draws a sample with a seed and looks at the tool library.
    sign_in(page, base, "coordinator@example.org", TEST_PASSWORD)
    page.goto(f"{audits}/sample/draw/")
    check_accessibility(page, "draw the sample")
    page.get_by_role("button", name="Draw the sample").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter how many cases to draw")
    check_accessibility(page, "draw the sample, with errors")
    page.get_by_label("Number of cases (at random)").fill("3")
    page.get_by_label("Draw number (optional)").fill("4242")
    page.get_by_role("button", name="Draw the sample").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "with draw number 4242"
    )
    page.goto(f"{audits}/settings/")
    check_accessibility(page, "audit tool and reference rule")
    page.get_by_role("link", name="Audit tools library").click()
    check_accessibility(page, "audit tools")
    page.get_by_role("link", name="Front door contact and referral").click()
    check_accessibility(page, "audit tool")
    page.get_by_role("button", name="Copy this tool").click()
    page.get_by_role("link", name="Edit the tool").click()
    page.get_by_label("Name").fill("")
    page.get_by_role("button", name="Save the tool").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a name for the tool")
    check_accessibility(page, "edit the tool, with errors")
    page.get_by_role("button", name="Sign out").click()

    # A reviewer raises a safeguarding alert; the lead reviewer acknowledges it. (The host lead
    # contact's acknowledgement is tested without a browser: one sign-in per person keeps the
    # two-factor codes from being replayed within one 30-second step.)
    sign_in(page, base, "reviewer@example.org", TEST_PASSWORD)
    page.goto(f"{audits}/")
    page.get_by_role("link", name="NM-24101").click()
    page.get_by_role("link", name="Raise a safeguarding alert").click()
    check_accessibility(page, "raise a safeguarding alert")
    page.get_by_label("What is the concern?").fill(
        "No strategy discussion despite a disclosure at school."
    )
    page.get_by_role("button", name="Raise the alert").click()
    expect(page.get_by_role("heading", name="Safeguarding alert on case NM-24101")).to_be_visible()
    check_accessibility(page, "safeguarding alert")
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, base, "lead_reviewer@example.org", TEST_PASSWORD)
    page.goto(f"{audits}/alerts/")
    check_accessibility(page, "safeguarding alerts")
    page.get_by_role("link", name=re.compile(r"\d{4}")).first.click()
    page.get_by_role("button", name="I have read this alert and will act on it").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "You have acknowledged"
    )
    assert (
        AlertRecipient.objects.get(user=world.people["lead_reviewer"]).acknowledged_at is not None
    )
    assert AlertRecipient.objects.get(user=world.people["host_lead"]).acknowledged_at is None


def test_an_audit_is_complete_only_with_every_criterion_answered(
    page: Page, live_server, world, browser
) -> None:
    """Issue 21: "7 of 10 answered" as criteria save; marking complete with gaps is refused (as
    the details save in place, and for the whole page without JavaScript), then accepted."""
    from audits.models import CaseAudit

    base = live_server.url
    sign_in(page, base, "reviewer@example.org", TEST_PASSWORD)
    page.goto(f"{base}/reviews/{world.review.pk}/audits/")
    page.get_by_role("link", name="NM-24101").click()
    page.get_by_role("button", name="Start the audit").click()
    progress = page.locator("#audit-progress")
    expect(progress).to_contain_text("0 of 10 answered")
    for number in range(1, 8):
        group = page.get_by_role("group", name=f"Answer for criterion {number}", exact=True)
        group.get_by_label("Met", exact=True).check()
        expect(progress).to_contain_text(f"{number} of 10 answered")
    expect(progress.get_by_role("link", name=re.compile(r"^8\. "))).to_be_visible()
    check_accessibility(page, "case audit, 7 of 10 answered")
    # Saved as it changes: refused in place, with the criteria still to answer.
    page.get_by_role("group", name="Status of this audit").get_by_label(
        "Complete", exact=True
    ).check()
    details = page.locator("#audit-details")
    expect(details).to_contain_text("Not answered: 8, 9, 10.")
    check_accessibility(page, "case audit, complete refused in place")

    # The same page without JavaScript (the same session): the whole page is refused.
    context = browser.new_context(java_script_enabled=False, locale="en-GB")
    context.add_cookies(page.context.cookies())
    plain = context.new_page()
    url = page.url.split("#")[0]
    plain.goto(url)
    expect(plain.locator("#audit-progress")).to_contain_text("7 of 10 answered")
    plain.get_by_label("Why").fill("Threshold applied correctly.")
    plain.get_by_role("group", name="Status of this audit").get_by_label(
        "Complete", exact=True
    ).check()
    plain.get_by_role("button", name="Save the audit").click()
    summary = plain.locator(".govuk-error-summary")
    expect(summary).to_contain_text("The audit is not marked complete: 3 criteria are not answered")
    expect(summary).to_contain_text("Criterion 8 (")
    expect(summary).to_contain_text("Criterion 10 (")
    expect(plain.get_by_label("Why")).to_have_value("Threshold applied correctly.")
    check_accessibility_without_javascript(plain, "case audit, complete refused (no JavaScript)")
    for number in (8, 9, 10):
        group = plain.get_by_role("group", name=f"Answer for criterion {number}", exact=True)
        group.get_by_label("Not applicable", exact=True).check()
    plain.get_by_role("group", name="Status of this audit").get_by_label(
        "Complete", exact=True
    ).check()
    plain.get_by_role("button", name="Save the audit").click()
    expect(plain.locator(".govuk-notification-banner--success")).to_contain_text("is saved")
    expect(plain.locator("#audit-progress")).to_contain_text("10 of 10 answered")
    context.close()
    assert CaseAudit.objects.get(case__reference="NM-24101").status == "complete"


def test_the_host_checks_the_self_assessment_answers_before_submitting(
    page: Page, live_server, world
) -> None:
    """Issue 21: prompts and what each rating means beside each key line; a check-your-answers
    page with Change links; submitted from there."""
    from reviews.self_assessment.models import SelfAssessment
    from reviews.setup.models import Framework, Kloe

    framework = Framework.objects.create(
        name="KLOEs", review=world.review, rag_red="Children wait too long for a decision."
    )
    for position, heading in enumerate(("Thresholds", "Partnerships"), start=1):
        Kloe.objects.create(
            framework=framework,
            position=position,
            heading=heading,
            prompts="Is the threshold document understood?" if position == 1 else "",
        )
    base = live_server.url
    sign_in(page, base, "host_lead@example.org", TEST_PASSWORD)
    page.goto(f"{base}/reviews/{world.review.pk}/self-assessment/edit/")
    expect(page.get_by_text("Is the threshold document understood?")).to_be_visible()
    expect(page.get_by_text("Children wait too long for a decision.").first).to_be_visible()
    check_accessibility(page, "complete the self-assessment, prompts and meanings")
    page.get_by_role("group", name="Your rating of 1 Thresholds").get_by_label(
        "Amber", exact=True
    ).check()
    page.get_by_label("Why you rate 1 Thresholds so").fill("Thresholds are new.")
    page.get_by_role("group", name="Your rating of 2 Partnerships").get_by_label(
        "Green", exact=True
    ).check()
    page.get_by_role("button", name="Continue to check your answers").click()
    expect(
        page.get_by_role("heading", name="Check your answers before you submit the self-assessment")
    ).to_be_visible()
    expect(page.locator(".app-check-answers")).to_contain_text("Thresholds are new.")
    check_accessibility(page, "self-assessment, check your answers")
    page.get_by_role("link", name="Change your rating of 2 Partnerships").click()
    page.get_by_role("group", name="Your rating of 2 Partnerships").get_by_label(
        "Red", exact=True
    ).check()
    page.get_by_role("button", name="Continue to check your answers").click()
    expect(page.locator(".app-check-answers")).to_contain_text("Red")
    page.get_by_role("button", name="Submit to the review team").click()
    expect(page.get_by_text("Self-assessment submitted to the review team.")).to_be_visible()
    assert SelfAssessment.objects.get(review=world.review).is_submitted
