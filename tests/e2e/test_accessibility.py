"""Keyboard only, and reflow at 320 CSS pixels: two checks a council's accessibility team would run.

- A reviewer adds a finding and audits a case criterion with the keyboard alone (Tab, Shift+Tab,
  Enter, Space and the arrow keys), and every element they reach shows a visible focus indicator.
- The main pages, full of the demo's realistic data, fit a 320 CSS pixel wide window (400% zoom of a
  1280 pixel screen) without sideways scrolling of the page (WCAG 1.4.10). Wide tables scroll inside
  their own labelled, focusable region instead.
"""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from playwright.sync_api import JSHandle, Page, expect

from audits.models import CaseAudit, CaseType
from reports.models import LetterTemplate
from reports.services import letter_for_update
from reviews.fieldwork.models import Finding
from reviews.setup.models import Framework, Kloe, Review
from tests.audits.factories import CaseFactory, use_seed_002_tool
from tests.conftest import build_world
from tests.e2e.conftest import check_accessibility, sign_in
from tests.factories import TEST_PASSWORD, give_second_factor

# What makes focus visible: an outline that can be seen, a box shadow or a change of background, on
# the element itself or, for radios and checkboxes (whose input is transparent), on the circle or box
# that the label draws with ::before/::after. A change of text colour or underline alone does not count.
FOCUS_LOOK = """(el) => {
  const parts = [];
  const take = (s) => {
    const seen = s.outlineStyle !== "none" && s.outlineColor !== "rgba(0, 0, 0, 0)"
      && parseFloat(s.outlineWidth) >= 2;
    parts.push(seen ? `${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor}` : "no outline",
      s.boxShadow, s.backgroundColor);
  };
  take(getComputedStyle(el));
  if (el.labels && el.labels.length) {
    for (const pseudo of ["::before", "::after"]) take(getComputedStyle(el.labels[0], pseudo));
  }
  return parts.join("|");
}"""

DESCRIBE = """(el) => {
  const text = (el.innerText || el.value || el.getAttribute("aria-label") || "").trim();
  return `${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""} “${text.slice(0, 40)}”`;
}"""

IN_VIEW = """(el) => {
  const box = (el.labels && el.labels.length ? el.labels[0] : el).getBoundingClientRect();
  return box.bottom > 0 && box.top < window.innerHeight && box.right > 0 && box.left < window.innerWidth;
}"""


class Keyboard:
    """Moves focus with the keyboard only, and checks that each element it lands on shows it."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.checked = 0

    def _focused(self) -> JSHandle:
        return self.page.evaluate_handle("document.activeElement")

    def _check_visible_focus(self, element: JSHandle, focused_look: str) -> None:
        if not element.evaluate("(el) => el.isConnected && el !== document.body"):
            return
        name = element.evaluate(DESCRIBE)
        unfocused_look = element.evaluate(FOCUS_LOOK)
        assert focused_look != unfocused_look, f"No visible focus indicator on {name}"
        self.checked += 1

    def press(self, key: str, until: str, limit: int = 150) -> None:
        """Press ``key`` until the focused element matches the JavaScript test ``until`` (given
        ``el``), checking the focus indicator of every element passed on the way."""
        for _ in range(limit):
            before = self._focused()
            before_look = before.evaluate(FOCUS_LOOK)
            self.page.keyboard.press(key)
            self._check_visible_focus(before, before_look)
            now = self._focused()
            if now.evaluate(f"(el) => {until}"):
                assert now.evaluate(IN_VIEW), f"{now.evaluate(DESCRIBE)} is focused out of sight"
                return
        raise AssertionError(f"Could not reach the element with {key}: {until}")

    def tab_to(self, until: str) -> None:
        self.press("Tab", until)

    def tab_to_text(self, text: str) -> None:
        self.tab_to(f"(el.innerText || el.value || '').trim() === {text!r}")

    def shift_tab_to(self, until: str) -> None:
        self.press("Shift+Tab", until)


@pytest.fixture
def world(transactional_db):
    world = build_world()
    framework = Framework.objects.create(name="KLOEs", review=world.review)
    Kloe.objects.create(framework=framework, position=1, heading="Thresholds and policies")
    Kloe.objects.create(framework=framework, position=2, heading="Quality of practice")
    use_seed_002_tool(world.review)
    CaseFactory(
        review=world.review,
        reference="NM-24101",
        case_type=CaseType.S17,
        assigned_to=world.people["reviewer"],
    )
    return world


def test_a_reviewer_adds_a_finding_and_audits_a_criterion_with_the_keyboard_alone(
    page: Page, live_server, world
) -> None:
    sign_in(page, live_server.url, "reviewer@example.org", TEST_PASSWORD)
    keys = Keyboard(page)

    # From "Your reviews" to the review's findings.
    keys.tab_to_text(world.review.title)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=world.review.title, level=1)).to_be_visible()
    keys.tab_to_text("Findings")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Findings", level=1)).to_be_visible()

    # Open "Add a finding", choose the kind and the key line of enquiry, type it and add it.
    keys.tab_to_text("Add a finding")
    page.keyboard.press("Enter")
    # Opening it fetches the form into place (as a person would, wait until it shows).
    expect(page.locator("#finding-add form")).to_be_visible()
    keys.tab_to("el.type === 'radio'")
    page.keyboard.press("Space")  # the first kind: Strength
    expect(page.locator("#finding-add form input[type=radio]").first).to_be_checked()
    keys.tab_to("el.tagName === 'SELECT'")
    page.keyboard.press("ArrowDown")  # from "Overall" to the first key line of enquiry
    keys.tab_to("el.tagName === 'TEXTAREA'")
    page.keyboard.type("Screening decisions are timely and recorded with reasons.")
    keys.tab_to_text("Add the finding")
    page.keyboard.press("Enter")
    expect(
        page.locator(".app-finding").get_by_text(
            "Screening decisions are timely and recorded with reasons.", exact=True
        )
    ).to_be_visible()
    finding = Finding.objects.get(review=world.review)
    assert finding.kind == "strength" and finding.kloe.heading == "Thresholds and policies"
    check_accessibility(page, "findings, added with the keyboard")

    # To the case audits, the case, and its first criterion.
    page.keyboard.press("Shift+Tab")  # focus back into the page after the list was replaced
    keys.shift_tab_to("el.innerText && el.innerText.trim() === 'Case audits'")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Case audits", level=1)).to_be_visible()
    keys.tab_to_text("NM-24101")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Case NM-24101", level=1)).to_be_visible()
    keys.tab_to_text("Start the audit")
    page.keyboard.press("Enter")
    expect(
        page.get_by_role("heading", name="1. Evidence of a strength based approach")
    ).to_be_visible()
    keys.tab_to("el.type === 'radio' && el.name.includes('answer')")
    page.keyboard.press("Space")  # Met
    saved = page.locator(".app-criterion").first.locator(".app-criterion__saved")
    expect(saved).to_contain_text("Saved")
    page.keyboard.press("ArrowRight")  # the arrow keys move within the answers: Partly met
    expect(
        page.get_by_role("group", name="Answer for criterion 1", exact=True).locator(
            "input:checked"
        )
    ).to_have_value("partly")
    keys.tab_to("el.tagName === 'TEXTAREA'")
    page.keyboard.type("Strengths named; the family's own words are missing.")
    # The save that carries the comment (the answer's own save may still be on its way back).
    with page.expect_response(
        lambda r: (
            "/criteria/" in r.url
            and r.request.method == "POST"
            and "Strengths" in (r.request.post_data or "")
        )
    ):
        keys.tab_to("el.type === 'radio'")  # leaving the comment saves it
    answer = CaseAudit.objects.get().answers.get(criterion__number=1)
    assert answer.answer == "partly"
    assert answer.comment == "Strengths named; the family's own words are missing."
    assert keys.checked > 20, "the walk should have passed many focusable elements"


# The main pages of the demo, as the people who use them most; each person signs in once.
REFLOW_PAGES = {
    "reviewer@eastvale.example": [
        "/",
        "{review}",
        "{review}findings/",
        "{review}findings/new/",
        "{review}findings/{finding}/",
        "{review}notes/",
        "{review}kloes/{kloe}/consolidation/",
        "{review}timetable/",
        "{review}self-assessment/",
        "{review}documents/",
        "{review}audits/",
        "{review}audits/cases/{case}/",
        "{review}audits/analysis/",
        "{review}letter/",
    ],
    "hostlead@northmoor.example": [
        "/",
        "{review}",
        "{review}self-assessment/",
        "{review}self-assessment/edit/",
        "{review}documents/",
        "{review}audits/case-list/",
        "{review}letter/versions/",
    ],
    "coordinator@eastvale.example": [
        "{review}team/",
        "{review}timetable/sessions/new/",
        "{review}audits/sample/draw/",
        "{review}audit-trail/",
        "{review}team/{membership}/shown-as/",
        "/organisations/{organisation}/letterhead/",
        "/letter-templates/",
        "/letter-templates/{template}/",
        "/letter-templates/{template}/?review={review_pk}",
        "/letter-templates/{template}/copy/",
        "/letter-templates/{own_template}/edit/",
        "{review}letter/template/",
    ],
    "lead@eastvale.example": [
        "{review}letter/",
        "{review}letter/structure/",
        "{review}letter/date/",
        "{review}letter/template/",
    ],
}

OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const wide = [...document.querySelectorAll("body *")].filter((el) => {
    const box = el.getBoundingClientRect();
    if (box.right <= width + 1 || box.width === 0) return false;
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      if (["auto", "scroll", "hidden"].includes(getComputedStyle(up).overflowX)) return false;
    }
    return true;
  });
  return {
    scrollWidth: document.documentElement.scrollWidth,
    wide: wide.slice(0, 5).map((el) => el.tagName.toLowerCase() + (el.className ? "." + String(el.className).split(" ").join(".") : "")),
  };
}"""


@pytest.mark.parametrize("email", list(REFLOW_PAGES))
def test_main_pages_reflow_at_320_css_pixels_without_sideways_scrolling(
    page: Page, live_server, transactional_db, email: str
) -> None:
    from accounts.models import User
    from audits.models import Case
    from demo.reviews import DEMO_PASSWORD, FIELDWORK_TITLE

    call_command("load_demo", stdout=StringIO())
    give_second_factor(User.objects.get(email=email))
    review = Review.objects.get(title=FIELDWORK_TITLE)
    shipped = LetterTemplate.objects.get(is_shipped=True, key="peer-challenge")
    own = shipped.copy(
        name="Eastvale letter", organisation=review.lead_organisation, is_shipped=False, key=""
    )
    with transaction.atomic():  # the letter's structure is a form once the letter is started
        letter_for_update(review)
    values = {
        "review": f"/reviews/{review.pk}/",
        "finding": Finding.objects.filter(review=review).first().pk,
        "kloe": Kloe.objects.filter(framework__review=review).first().pk,
        "case": Case.objects.filter(review=review, audit__isnull=False).first().pk,
        "membership": review.memberships.first().pk,
        "organisation": review.lead_organisation_id,
        "template": shipped.pk,
        "own_template": own.pk,
        "review_pk": review.pk,
    }
    page.set_viewport_size({"width": 320, "height": 640})
    sign_in(page, live_server.url, email, DEMO_PASSWORD)
    failures = []
    for path in REFLOW_PAGES[email]:
        url = live_server.url + path.format(**values)
        response = page.goto(url)
        assert response is not None and response.ok, f"{url}: {response and response.status}"
        check_accessibility(page, f"{path} at 320 CSS pixels")
        measured = page.evaluate(OVERFLOW)
        if measured["scrollWidth"] > 320:
            failures.append(
                f"{path}: {measured['scrollWidth']}px wide, because of {measured['wide']}"
            )
    assert not failures, "Pages scroll sideways at 320 CSS pixels:\n" + "\n".join(failures)
