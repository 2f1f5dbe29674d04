"""A draft PDF is rendered once per content: asking for it again, with nothing changed, serves the
same bytes without rendering (a long letter takes seconds to render); any change renders again."""

from __future__ import annotations

from unittest import mock

import pytest
from django.core.cache import cache
from django.urls import reverse

from reports import render
from reviews.fieldwork.models import Finding

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def _url(name, review, **kwargs):
    return reverse(f"reports:{name}", kwargs={"pk": review.pk, **kwargs})


@pytest.fixture
def renderer():
    with mock.patch.object(render, "html_to_pdf", wraps=render.html_to_pdf) as spy:
        yield spy


def test_a_second_look_at_an_unchanged_draft_does_not_render_it_again(world, renderer) -> None:
    review = world.review
    Finding.objects.create(review=review, kind="strength", text="Strong MASH.", status="agreed")
    lead = world.client("lead_reviewer")
    first = lead.get(_url("draft-pdf", review))
    second = world.client("coordinator").get(_url("draft-pdf", review))
    assert first.status_code == second.status_code == 200
    assert first.content.startswith(b"%PDF") and second.content == first.content
    assert renderer.call_count == 1


def test_an_edit_to_the_letter_renders_the_draft_again(world, renderer) -> None:
    review = world.review
    lead = world.client("lead_reviewer")
    lead.get(_url("draft-pdf", review))
    response = lead.post(
        _url("section-edit", review, key="summary"), {"text": "Our own summary.", "version": "0"}
    )
    assert response.status_code == 302
    lead.get(_url("draft-pdf", review))
    assert renderer.call_count == 2
    lead.get(_url("draft-pdf", review))
    assert renderer.call_count == 2


def test_new_findings_render_the_draft_again(world, renderer) -> None:
    review = world.review
    lead = world.client("lead_reviewer")
    lead.get(_url("draft-pdf", review))
    Finding.objects.create(review=review, kind="strength", text="Leaders visible.", status="agreed")
    lead.get(_url("draft-pdf", review))
    assert renderer.call_count == 2


def test_the_presentation_is_rendered_once_per_content_too(world, renderer) -> None:
    review = world.review
    lead = world.client("lead_reviewer")
    assert lead.get(_url("presentation", review)).status_code == 200
    assert lead.get(_url("presentation", review)).status_code == 200
    assert renderer.call_count == 1


def test_the_letter_and_the_presentation_never_share_a_cached_file(world) -> None:
    html = "<p>Same</p>"
    assert render.draft_cache_key("letter", html, None) != render.draft_cache_key(
        "presentation", html, None
    )
    logo = {render.LOGO_URL: (b"\x89PNG one", "image/png")}
    other = {render.LOGO_URL: (b"\x89PNG two", "image/png")}
    assert render.draft_cache_key("letter", html, logo) != render.draft_cache_key(
        "letter", html, other
    )
