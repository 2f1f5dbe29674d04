"""A fast review day in a real browser (issue 22): the coordinator invites three people from pasted
lines (one wrong line first: named, the text kept; corrected; checked; sent); the host lead contact
removes a wrong upload and replaces another; the coordinator requests documents from the pack. Every
page is scanned with axe-core; the new pages, the action plan and the regional view fit 320 CSS
pixels without sideways scrolling; and on a desktop no word in a table is broken in the middle."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.models import Organisation, Region
from core.uploads import inspect_upload
from improvement.models import Action
from reviews.documents import services as document_services
from reviews.documents.models import Document, DocumentRequest
from reviews.fieldwork.models import Finding, Theme
from reviews.setup.models import Invitation, Membership, Review, Role
from tests.conftest import build_world
from tests.e2e.conftest import check_accessibility, sign_in
from tests.e2e.test_accessibility import OVERFLOW
from tests.factories import (
    TEST_PASSWORD,
    OrganisationFactory,
    ReviewFactory,
    UserFactory,
    give_second_factor,
)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

# Words of a table cell that wrap over two lines although they are whole words: each word's text
# range must sit on one line (one distinct top), unless the word alone is wider than its cell.
BROKEN_WORDS = """(selector) => {
  const broken = [];
  for (const cell of document.querySelectorAll(selector)) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const element = node.parentElement;
      if (!element || element.closest(".govuk-visually-hidden")) continue;
      for (const match of node.textContent.matchAll(/\\S+/g)) {
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        const tops = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)));
        if (tops.size > 1 && range.getBoundingClientRect().width < cell.clientWidth) {
          broken.push(match[0]);
        }
      }
    }
  }
  return broken;
}"""


def _fits_320(page: Page, label: str) -> None:
    page.set_viewport_size({"width": 320, "height": 640})
    page.reload()
    measured = page.evaluate(OVERFLOW)
    assert measured["scrollWidth"] <= 320, (
        f"{label}: {measured['scrollWidth']}px wide because of {measured['wide']}"
    )
    check_accessibility(page, f"{label} at 320 CSS pixels")
    page.set_viewport_size({"width": 1200, "height": 900})


def _no_broken_words(page: Page, label: str) -> None:
    cells = "th.govuk-table__header, td.govuk-table__cell"
    assert page.locator(cells).count() > 0, f"{label}: no table"
    broken = page.evaluate(BROKEN_WORDS, cells)
    assert not broken, f"{label}: words broken in the middle: {broken}"
    wrap = page.evaluate(
        "(s) => [...document.querySelectorAll(s)].map((c) => getComputedStyle(c).overflowWrap)",
        cells,
    )
    assert "anywhere" not in wrap


def _store(wanted: DocumentRequest, name: str, content: bytes, user) -> Document:
    upload = SimpleUploadedFile(name, content, content_type="application/pdf")
    return document_services.store_document(
        request=wanted, upload=upload, inspected=inspect_upload(upload, max_mb=25), user=user
    )


@pytest.fixture
def world(transactional_db):
    world = build_world()
    host_lead = world.people["host_lead"]
    thresholds = DocumentRequest.objects.create(
        review=world.review, kind=DocumentRequest.Kind.THRESHOLD_DOCUMENT
    )
    data = DocumentRequest.objects.create(review=world.review, kind=DocumentRequest.Kind.DATA_PACK)
    _store(thresholds, "Westbridge thresholds.pdf", PDF, host_lead)  # the wrong council's
    _store(data, "data pack draft.pdf", PDF + b"%draft", host_lead)
    # An open invitation (its Resend button sits in a table cell of the team page).
    invitation = Invitation(
        review=world.review, email="pending.person@example.org", role=Role.REVIEWER
    )
    invitation.new_token()
    invitation.save()
    return world


@pytest.fixture
def issued(world):
    """The review issued, with an action plan; three issued reviews of a region, and a coordinator
    of that region on none of them."""
    review = world.review
    Review.objects.filter(pk=review.pk).update(
        status=Review.Status.ISSUED, letter_issued_at=timezone.now()
    )
    finding = Finding.objects.create(
        review=review,
        kind=Finding.Kind.RECOMMENDATION,
        text="Include health in every strategy discussion.",
        status=Finding.Status.AGREED,
        position=1,
    )
    Action.objects.create(
        review=review,
        finding=finding,
        what="Add health to the strategy discussion record and audit its use quarterly.",
        owner="Head of Service, Front Door and Early Help (Multi-Agency Safeguarding Hub)",
        due_date=dt.date(2027, 3, 31),
        measure="Health present in 90% of strategy discussions audited.",
        status=Action.Status.ON_TRACK,
    )
    lead = OrganisationFactory(name="Southdale Council", short_name="Southdale")
    region = Region.objects.create(name="North")
    themes = {t.name: t for t in Theme.objects.all()}
    for n, name in enumerate(("Amberton", "Brookfield", "Carrow")):
        host = OrganisationFactory(name=f"{name} Council", short_name=name)
        region.organisations.add(host)
        other = ReviewFactory(
            host=host,
            lead_organisation=lead,
            title=f"{name} front door",
            status=Review.Status.ISSUED,
            letter_issued_at=timezone.now(),
            start_date=dt.date(2024 + n % 2, 3, 1 + n),
            end_date=dt.date(2024 + n % 2, 3, 2 + n),
        )
        area = Finding.objects.create(
            review=other,
            kind=Finding.Kind.AREA,
            text="Consent is not always recorded.",
            status=Finding.Status.AGREED,
        )
        area.themes.set([themes["Consent"], themes["Voice of the child"]])
    home = OrganisationFactory(name="Dunmere Council", short_name="Dunmere")
    region.organisations.add(home)
    coordinator = UserFactory(email="regional.coordinator@example.org", organisation=home)
    give_second_factor(coordinator)
    elsewhere = ReviewFactory(
        host=Organisation.objects.get(name="Westbridge City Council"), lead_organisation=home
    )
    Membership.objects.create(review=elsewhere, user=coordinator, role=Role.COORDINATOR)
    return world


def test_the_coordinator_invites_three_people_from_pasted_lines(
    page: Page, live_server, world
) -> None:
    base = live_server.url
    review = world.review
    sign_in(page, base, "coordinator@example.org", TEST_PASSWORD)
    page.goto(f"{base}/reviews/{review.pk}/team/")
    _no_broken_words(page, "team")
    check_accessibility(page, "team")
    _fits_320(page, "team")
    page.get_by_role("link", name="Invite several people").click()
    check_accessibility(page, "invite several people")
    _fits_320(page, "invite several people")
    box = page.get_by_label("People to invite, one a line")
    box.fill(
        "Sam Patel, sam.patel@barnsley.example, reviewer, Barnsley Council, Head of Service\n"
        "Ann Lee, ann.lee@leeds.example, lead reviwer, Leeds City Council\n"
        "Jo Kent, jo.kent@northmoor.example, host staff, Northmoor Borough Council, Team Manager"
    )
    page.get_by_role("button", name="Check the list").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Line 2: “lead reviwer” is not a role")
    expect(page.locator(".app-bulk-broken")).to_contain_text("ann.lee@leeds.example, lead reviwer")
    box = page.get_by_label("People to invite, one a line")
    expect(box).to_have_value(
        "Sam Patel, sam.patel@barnsley.example, reviewer, Barnsley Council, Head of Service\n"
        "Ann Lee, ann.lee@leeds.example, lead reviwer, Leeds City Council\n"
        "Jo Kent, jo.kent@northmoor.example, host staff, Northmoor Borough Council, Team Manager"
    )
    check_accessibility(page, "invite several people, a wrong line")
    assert not Invitation.objects.filter(email__endswith="leeds.example").exists()

    box.fill(box.input_value().replace("lead reviwer", "lead reviewer"))
    page.get_by_role("button", name="Check the list").click()
    expect(
        page.get_by_role("heading", name="Check the invitations before they are sent")
    ).to_be_visible()
    expect(page.locator(".app-bulk-people")).to_contain_text("Lead reviewer")
    check_accessibility(page, "check the invitations")
    _fits_320(page, "check the invitations")
    assert Invitation.objects.filter(review=review).count() == 1  # nothing sent yet
    page.get_by_role("button", name="Send 3 invitations").click()
    expect(page.get_by_text("3 invitations sent")).to_be_visible()
    invited = set(Invitation.objects.filter(review=review).values_list("email", "role", "council"))
    assert {
        ("sam.patel@barnsley.example", Role.REVIEWER, "Barnsley Council"),
        ("ann.lee@leeds.example", Role.LEAD_REVIEWER, "Leeds City Council"),
        ("jo.kent@northmoor.example", Role.HOST_STAFF, "Northmoor Borough Council"),
    } <= invited
    expect(page.locator("main")).to_contain_text("ann.lee@leeds.example")
    check_accessibility(page, "team, three invited")


def test_the_host_removes_a_wrong_upload_and_replaces_another(
    page: Page, live_server, world, tmp_path: Path
) -> None:
    base = live_server.url
    review = world.review
    wrong = Document.objects.get(original_name="Westbridge thresholds.pdf")
    stored = Path(wrong.file.path)
    sign_in(page, base, "host_lead@example.org", TEST_PASSWORD)
    page.goto(f"{base}/reviews/{review.pk}/documents/")
    check_accessibility(page, "documents, host")
    _fits_320(page, "documents, host")
    page.get_by_role("link", name="Remove Westbridge thresholds.pdf").click()
    check_accessibility(page, "remove a file")
    _fits_320(page, "remove a file")
    page.get_by_role("button", name="Remove the file").click()
    expect(page.get_by_text("Removed “Westbridge thresholds.pdf”")).to_be_visible()
    assert not Document.objects.filter(pk=wrong.pk).exists()
    assert not stored.exists()

    page.get_by_role("link", name="Replace data pack draft.pdf").click()
    check_accessibility(page, "replace a file")
    final = tmp_path / "data pack final.pdf"
    final.write_bytes(PDF + b"%final")
    page.get_by_label("Choose a file").set_input_files(str(final))
    page.get_by_role("button", name="Replace the file").click()
    expect(
        page.get_by_text("Replaced “data pack draft.pdf” with “data pack final.pdf”")
    ).to_be_visible()
    names = set(Document.objects.filter(review=review).values_list("original_name", flat=True))
    assert names == {"data pack final.pdf"}
    page.get_by_text("Files removed (1)").first.click()
    expect(page.locator("main")).to_contain_text("“Westbridge thresholds.pdf” removed")
    check_accessibility(page, "documents, after removing and replacing")


def test_the_coordinator_requests_from_the_pack_and_withdraws_one(
    page: Page, live_server, world
) -> None:
    base = live_server.url
    review = world.review
    sign_in(page, base, "coordinator@example.org", TEST_PASSWORD)
    page.goto(f"{base}/reviews/{review.pk}/documents/")
    page.get_by_role("link", name="Request documents from the pack").click()
    check_accessibility(page, "request documents from the pack")
    _fits_320(page, "request documents from the pack")
    expect(page.get_by_label("Threshold document (already requested)")).not_to_be_checked()
    page.get_by_label("Self-assessment").uncheck()
    page.locator("#id_due_date_0").fill("3")
    page.locator("#id_due_date_1").fill("2")
    page.locator("#id_due_date_2").fill("2027")
    page.get_by_role("button", name="Request the documents").click()
    expect(page.get_by_text("Requested 4 documents")).to_be_visible()
    labels = {r.label for r in DocumentRequest.objects.filter(review=review)}
    assert {"Front door procedures", "Quality assurance reports"} <= labels
    assert "Self-assessment" not in labels
    charts = page.locator(
        "#request-" + str(DocumentRequest.objects.get(review=review, title="Structure charts").pk)
    )
    charts.get_by_role("link", name="Withdraw the request").click()
    check_accessibility(page, "withdraw a request")
    page.get_by_role("button", name="Withdraw the request").click()
    expect(charts).to_contain_text("Withdrawn")
    expect(charts.get_by_role("link", name="Withdraw the request")).to_have_count(0)
    page.get_by_role("link", name="Request documents from the pack").click()
    page.get_by_role("link", name="Change the pack").click()
    check_accessibility(page, "the document pack")
    _fits_320(page, "the document pack")


def test_the_action_plan_and_regional_view_fit_a_phone_and_keep_words_whole(
    page: Page, live_server, issued
) -> None:
    base = live_server.url
    review = issued.review
    sign_in(page, base, "host_lead@example.org", TEST_PASSWORD)
    page.goto(f"{base}/reviews/{review.pk}/action-plan/")
    expect(page.locator("main")).to_contain_text("Add health to the strategy discussion")
    _no_broken_words(page, "action plan")
    _fits_320(page, "action plan")
    # Stacked on a phone: each cell says what it is.
    page.set_viewport_size({"width": 320, "height": 640})
    owner = page.locator("td[data-label='Owner']").first
    assert (
        page.evaluate("(el) => getComputedStyle(el, '::before').content", owner.element_handle())
        == '"Owner"'
    )
    page.set_viewport_size({"width": 1200, "height": 900})
    page.context.clear_cookies()

    sign_in(page, base, "regional.coordinator@example.org", TEST_PASSWORD)
    page.goto(f"{base}/regional/")
    expect(page.locator("main")).to_contain_text("Consent")
    _no_broken_words(page, "regional learning")
    _fits_320(page, "regional learning")
