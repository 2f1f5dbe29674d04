"""The letter's pages do not ask the database once per section: the letter page and the letter's
structure page make the same number of queries with 5 sections as with 30. Also: the section editor
offers the catalogue's generated texts, with each generated section's own one chosen.
"""

from __future__ import annotations

import html

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports import catalogue, services
from reports.models import Letter, SectionEdit, TemplateSection
from reviews.fieldwork.models import Finding
from reviews.setup.models import Framework, Kloe
from tests.reports.page_forms import form_fields

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_last_seen_writes")]

# Generated blocks a letter may have more than once (the detailed findings and the annex once only).
REPEATABLE = [b.key for b in catalogue.BLOCKS if b.subsections is None and not b.annex]


def _letter_with_sections(world, size: int) -> Letter:
    """The review's letter, started, its own template replaced by ``size`` sections: generated
    blocks, free text with placeholders and the lead's own words (every other one written)."""
    review = world.review
    framework = Framework.objects.create(name="KLOEs", review=review)
    kloes = Kloe.objects.bulk_create(
        Kloe(framework=framework, position=i, heading=f"Line {i}") for i in range(3)
    )
    Finding.objects.bulk_create(
        Finding(review=review, kloe=k, kind=kind, text="t", status="agreed", is_key_headline=True)
        for k in kloes
        for kind in ("strength", "area", "recommendation")
    )
    with transaction.atomic():
        letter = services.letter_for_update(review)
    template = letter.template
    template.sections.all().delete()
    rows = []
    for i in range(size):
        kind = i % 3
        if kind == 0:
            block = REPEATABLE[(i // 3) % len(REPEATABLE)]
            rows.append(TemplateSection(key=f"gen-{i}", content="generated", block=block))
        elif kind == 1:
            rows.append(TemplateSection(key=f"free-{i}", content="free", text="Thanks to {host}."))
        else:
            rows.append(TemplateSection(key=f"own-{i}", content="own", show="always"))
    for position, row in enumerate(rows, start=1):
        row.template = template
        row.position = position
        row.heading = f"Heading {position}"
        row.hidden = position % 7 == 0
    TemplateSection.objects.bulk_create(rows)
    SectionEdit.objects.bulk_create(
        SectionEdit(letter=letter, key=row.key, text="Our words.", generated_hash="0")
        for row in rows[2::6]
    )
    return letter


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("name", ["reports:letter", "reports:letter-structure"])
def test_the_letters_pages_make_as_many_queries_with_30_sections_as_with_5(world, name) -> None:
    url = reverse(name, kwargs={"pk": world.review.pk})
    client = world.client("lead_reviewer")
    counts = {}
    for size in (5, 30):
        with transaction.atomic():
            letter = _letter_with_sections(world, size)
            body = client.get(url).content.decode()
            assert f"Heading {size - 1}" in body  # the sections are on the page
            client.get(url)  # warm the caches a first request fills (the session, the rights)
            counts[size] = _count(client, url)
            assert letter.template.sections.count() == size
            transaction.set_rollback(True)
    assert counts[5] == counts[30], (
        f"{name}: {counts[5]} queries with 5 sections, {counts[30]} with 30"
    )


def test_the_section_editor_offers_the_generated_texts_with_each_sections_chosen(world) -> None:
    letter = _letter_with_sections(world, 6)
    page = world.client("lead_reviewer").get(
        reverse("reports:letter-structure", kwargs={"pk": world.review.pk})
    )
    body = html.unescape(page.content.decode())
    for _key, label in catalogue.CHOICES:
        assert label in body
    sent = form_fields(page.content.decode())
    rows = list(letter.template.sections.all())
    for i, row in enumerate(rows):
        assert sent[f"sections-{i}-block"] == row.block
