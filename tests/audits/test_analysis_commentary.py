"""The team's commentary per criterion: one form saves them all; with htmx each saves in place."""

from __future__ import annotations

import pytest
from django.urls import reverse

from audits.models import CriterionCommentary
from tests.audits.factories import use_seed_002_tool

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def criteria(world):
    tool = use_seed_002_tool(world.review)
    return list(tool.criteria.order_by("number")[:2])


def _text(criterion) -> str:
    return CriterionCommentary.objects.filter(criterion=criterion).values_list("text", flat=True)[0]


def _page_data(first, second, one="Threshold decisions clear.", two="Consent mostly recorded."):
    return {
        f"c{first.pk}-text": one,
        f"c{first.pk}-version": "1",
        f"c{second.pk}-text": two,
        f"c{second.pk}-version": "1",
    }


def test_the_page_holds_every_commentary_in_one_form(world, criteria) -> None:
    page = world.client("reviewer").get(reverse("audits:analysis", args=[world.review.pk]))
    html = page.content.decode()
    action = reverse("audits:commentary-save-all", args=[world.review.pk])
    assert html.count(f'action="{action}"') == 1
    for criterion in criteria:
        assert f'name="c{criterion.pk}-text"' in html
        url = reverse("audits:commentary-save", args=[world.review.pk, criterion.pk])
        assert f'hx-post="{url}"' in html


def test_without_javascript_one_button_saves_every_commentary(world, criteria) -> None:
    first, second = criteria
    response = world.client("reviewer").post(
        reverse("audits:commentary-save-all", args=[world.review.pk]), _page_data(first, second)
    )
    assert response.status_code == 302
    assert _text(first) == "Threshold decisions clear."
    assert _text(second) == "Consent mostly recorded."


def test_saving_all_keeps_the_others_when_one_was_changed_meanwhile(world, criteria) -> None:
    first, second = criteria
    client = world.client("reviewer")
    url = reverse("audits:commentary-save-all", args=[world.review.pk])
    client.post(url, {f"c{first.pk}-text": "A colleague's words.", f"c{first.pk}-version": "1"})
    response = client.post(url, _page_data(first, second, one="My words on one."))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Someone else changed this" in html
    assert "My words on one." in html and "A colleague&#x27;s words." in html
    assert "Consent mostly recorded." in html  # the other one's words are on the page
    assert _text(first) == "A colleague's words."  # not overwritten
    assert _text(second) == "Consent mostly recorded."  # saved


def test_htmx_saves_one_commentary_in_place_and_leaves_the_others(world, criteria) -> None:
    first, second = criteria
    client = world.client("reviewer")
    # htmx sends the whole form (every commentary); only the criterion posted to is saved.
    url = reverse("audits:commentary-save", args=[world.review.pk, first.pk])
    response = client.post(url, _page_data(first, second), **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Saved at" in html
    assert f'id="commentary-version-{first.pk}"' in html and 'value="2"' in html
    assert "Consent mostly recorded." not in html  # nothing of the other commentary is swapped
    assert _text(first) == "Threshold decisions clear."
    assert not CriterionCommentary.objects.filter(criterion=second, text__gt="").exists()


def test_htmx_shows_both_versions_in_place_on_a_conflict(world, criteria) -> None:
    first, second = criteria
    client = world.client("reviewer")
    url = reverse("audits:commentary-save", args=[world.review.pk, first.pk])
    client.post(url, _page_data(first, second, one="Earlier words."), **HTMX)
    response = client.post(url, _page_data(first, second, one="Later words."), **HTMX)
    html = response.content.decode()
    assert response["HX-Reswap"] == "outerHTML"
    assert "Earlier words." in html and "Later words." in html
    assert _text(first) == "Earlier words."


def test_htmx_asks_to_confirm_personal_details_in_place(world, criteria) -> None:
    first, second = criteria
    url = reverse("audits:commentary-save", args=[world.review.pk, first.pk])
    data = _page_data(first, second, one="Child born 3 March 2019 not seen")
    html = world.client("reviewer").post(url, data, **HTMX).content.decode()
    assert "may hold a date of birth" in html
    assert f'name="c{first.pk}-confirm"' in html
    data[f"c{first.pk}-confirm"] = "on"
    world.client("reviewer").post(url, data, **HTMX)
    assert _text(first) == "Child born 3 March 2019 not seen"
