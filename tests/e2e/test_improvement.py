"""After the letter, in a real browser: the host lead contact records progress on two actions; a
follow-up review shows them; the regional view shows themes from three reviews with the authorities'
names hidden from a coordinator who was on none of them. Every distinct page is scanned with axe-core."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.models import Organisation, Region
from reviews.fieldwork.models import Finding, Theme
from reviews.setup.models import Membership, Review, Role
from tests.conftest import build_world
from tests.e2e.conftest import check_accessibility, sign_in
from tests.factories import (
    TEST_PASSWORD,
    OrganisationFactory,
    ReviewFactory,
    UserFactory,
    give_second_factor,
)


@pytest.fixture
def world(transactional_db):
    world = build_world()
    Review.objects.filter(pk=world.review.pk).update(
        status=Review.Status.ISSUED, letter_issued_at=timezone.now()
    )
    for n, text in enumerate(
        (
            "Refresh the threshold document with partners.",
            "Include health in every strategy discussion.",
        ),
        start=1,
    ):
        Finding.objects.create(
            review=world.review,
            kind=Finding.Kind.RECOMMENDATION,
            text=text,
            status=Finding.Status.AGREED,
            position=n,
        )
    # Three issued reviews of three authorities of a region, led by another authority.
    lead = OrganisationFactory(name="Southdale Council", short_name="Southdale")
    region = Region.objects.create(name="North")
    themes = {t.name: t for t in Theme.objects.all()}
    for n, name in enumerate(("Amberton", "Brookfield", "Carrow")):
        host = OrganisationFactory(name=f"{name} Council", short_name=name)
        region.organisations.add(host)
        review = ReviewFactory(
            host=host,
            lead_organisation=lead,
            title=f"{name} front door",
            status=Review.Status.ISSUED,
            letter_issued_at=timezone.now(),
            start_date=dt.date(2025, 3, 1 + n),
            end_date=dt.date(2025, 3, 2 + n),
        )
        finding = Finding.objects.create(
            review=review,
            kind=Finding.Kind.AREA,
            text="Consent is not always recorded.",
            status=Finding.Status.AGREED,
        )
        finding.themes.set([themes["Consent"], themes["Voice of the child"]])
    # A coordinator of the region, on none of those three reviews.
    home = OrganisationFactory(name="Dunmere Council", short_name="Dunmere")
    region.organisations.add(home)
    coordinator = UserFactory(email="regional.coordinator@example.org", organisation=home)
    give_second_factor(coordinator)
    elsewhere = ReviewFactory(
        host=Organisation.objects.get(name="Westbridge City Council"), lead_organisation=home
    )
    Membership.objects.create(review=elsewhere, user=coordinator, role=Role.COORDINATOR)
    return world


def _add_action(page: Page, recommendation: str, what: str) -> None:
    page.locator(".app-plan-item", has_text=recommendation).get_by_role(
        "link", name="Add an action"
    ).click()
    page.get_by_label("What will be done").fill(what)
    page.get_by_label("Owner").fill("Head of Service, Front Door")
    page.locator("#id_due_date_0").fill("31")
    page.locator("#id_due_date_1").fill("3")
    page.locator("#id_due_date_2").fill("2027")
    page.get_by_label("On track").check()
    page.get_by_role("button", name="Add the action").click()


def _record_progress(page: Page, what: str, text: str, status: str) -> None:
    page.locator("tr", has_text=what).get_by_role("link", name="Update").click()
    page.get_by_label("Progress", exact=True).fill(text)
    page.locator("fieldset", has_text="Status now").get_by_label(status).check()
    page.get_by_role("button", name="Record progress").click()
    expect(page.get_by_text("Progress recorded.")).to_be_visible()


def test_action_plan_follow_up_and_regional_view(page: Page, live_server, world) -> None:
    base = live_server.url
    review = world.review

    # The host lead contact turns both recommendations into actions and records progress.
    sign_in(page, base, "host_lead@example.org", TEST_PASSWORD)
    page.goto(f"{base}/reviews/{review.pk}/")
    page.get_by_role("link", name="Turn the recommendations into an action plan").click()
    expect(page.get_by_role("heading", name="Action plan")).to_be_visible()
    check_accessibility(page, "action plan, empty")
    page.locator(".app-plan-item", has_text="Recommendation 1").get_by_role(
        "link", name="Add an action"
    ).click()
    page.get_by_role("button", name="Add the action").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter what will be done")
    check_accessibility(page, "add an action, errors")
    page.goto(f"{base}/reviews/{review.pk}/action-plan/")
    _add_action(page, "Recommendation 1", "Rewrite the threshold document")
    _add_action(page, "Recommendation 2", "Add health to the strategy discussion record")
    _record_progress(page, "Rewrite the threshold", "Draft agreed with police and health.", "Done")
    check_accessibility(page, "action plan, with actions")
    page.locator("tr", has_text="Add health to").get_by_role("link", name="Update").click()
    check_accessibility(page, "update an action")
    page.get_by_label("Progress", exact=True).fill("Form changed; education attendance still low.")
    page.locator("fieldset", has_text="Status now").get_by_label("At risk").check()
    page.get_by_role("button", name="Record progress").click()
    expect(page.locator("tr", has_text="Add health to")).to_contain_text("At risk")
    page.context.clear_cookies()

    # The coordinator starts a follow-up review: it shows the recommendations and the progress.
    sign_in(page, base, "coordinator@example.org", TEST_PASSWORD)
    page.goto(f"{base}/reviews/{review.pk}/")
    page.get_by_role("link", name="Start a follow-up review").click()
    check_accessibility(page, "start a follow-up review")
    page.get_by_label("Title of the follow-up review").fill("Northmoor follow-up review")
    page.get_by_role("button", name="Create the follow-up review").click()
    expect(page.get_by_role("heading", name="Northmoor follow-up review")).to_be_visible()
    page.get_by_role("link", name="See the previous review's recommendations").click()
    body = page.locator("main")
    expect(body).to_contain_text("Refresh the threshold document with partners.")
    expect(body).to_contain_text("Draft agreed with police and health.")
    expect(body).to_contain_text("Form changed; education attendance still low.")
    expect(page.locator("tr", has_text="Rewrite the threshold")).to_contain_text("Done")
    check_accessibility(page, "since the last review")
    page.get_by_role("link", name="History of Northmoor").first.click()
    expect(page.locator("main")).to_contain_text("Northmoor follow-up review")
    check_accessibility(page, "authority history")
    page.context.clear_cookies()

    # A coordinator of the region who was on none of the three reviews: themes, no names.
    sign_in(page, base, "regional.coordinator@example.org", TEST_PASSWORD)
    page.get_by_role("link", name="Regional learning").click()
    main = page.locator("main")
    expect(main).to_contain_text("3 issued reviews of 3 authorities")
    for letter in ("Authority A", "Authority B", "Authority C"):
        expect(main).to_contain_text(letter)
    for name in ("Amberton", "Brookfield", "Carrow"):
        expect(main).not_to_contain_text(name)
    themes = page.locator("table", has_text="per theme and year")
    expect(themes.locator("tr", has_text="Consent")).to_contain_text("S 0, A 3")
    expect(themes.locator("tr", has_text="Voice of the child")).to_contain_text("S 0, A 3")
    check_accessibility(page, "regional learning")
