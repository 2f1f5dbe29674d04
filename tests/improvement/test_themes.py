"""Themes: a shared list coordinators keep, offered on the finding form."""

from __future__ import annotations

import pytest
from django.urls import reverse

from reviews.default_themes import DEFAULT_THEMES
from reviews.fieldwork.models import Finding, Theme

pytestmark = pytest.mark.django_db


def test_the_default_themes_are_installed() -> None:
    assert list(Theme.objects.values_list("name", flat=True)) == DEFAULT_THEMES


def test_a_reviewer_tags_a_finding_with_themes(world) -> None:
    consent = Theme.objects.get(name="Consent")
    fathers = Theme.objects.get(name="Fathers")
    client = world.client("reviewer")
    url = reverse("reviews:finding-create", kwargs={"pk": world.review.pk})
    assert "Voice of the child" in client.get(url).content.decode()
    response = client.post(
        url, {"kind": "area", "text": "Consent is not always recorded.", "themes": [consent.pk]}
    )
    assert response.status_code == 302
    finding = Finding.objects.get()
    assert list(finding.themes.all()) == [consent]
    edit = reverse("reviews:finding-edit", kwargs={"pk": world.review.pk, "finding": finding.pk})
    client.post(
        edit,
        {"kind": "area", "text": finding.text, "themes": [fathers.pk], "version": finding.version},
    )
    assert list(finding.themes.all()) == [fathers]
    page = client.get(reverse("reviews:findings", kwargs={"pk": world.review.pk}))
    assert "Themes: Fathers" in page.content.decode()


def test_coordinators_add_rename_and_retire_themes(world) -> None:
    client = world.client("coordinator")
    assert client.post(reverse("improvement:themes"), {"name": "Domestic abuse"}).status_code == 302
    duplicate = client.post(reverse("improvement:themes"), {"name": "consent"})
    assert "There is already a theme with this name" in duplicate.content.decode()
    theme = Theme.objects.get(name="Domestic abuse")
    url = reverse("improvement:theme-edit", kwargs={"pk": theme.pk})
    response = client.post(url, {"name": "Domestic abuse and neglect", "version": theme.version})
    assert response.status_code == 302
    theme.refresh_from_db()
    assert theme.name == "Domestic abuse and neglect" and not theme.is_active
    form = world.client("reviewer").get(
        reverse("reviews:finding-create", kwargs={"pk": world.review.pk})
    )
    assert "Domestic abuse and neglect" not in form.content.decode()
