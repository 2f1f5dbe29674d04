"""Switching a letter to another template never silently drops words the lead reviewer typed: a free
text section they added on the letter's structure page is listed before the switch and carried to the
end of the letter after it (issue 18: "Nothing typed is ever silently hidden")."""

from __future__ import annotations

import html

import pytest
from django.urls import reverse

from reports.models import LetterTemplate
from reports.render import compose_letter
from tests.reports.page_forms import form_fields

pytestmark = pytest.mark.django_db

WORDS = "We met the chief executive, who asked for this paragraph."


def _add_free_section(world) -> None:
    lead = world.client("lead_reviewer")
    pk = world.review.pk
    assert lead.post(reverse("reports:letter-start", kwargs={"pk": pk})).status_code == 302
    url = reverse("reports:letter-structure", kwargs={"pk": pk})
    data = form_fields(lead.get(url).content.decode())
    new = int(data["sections-TOTAL_FORMS"]) - 1
    data |= {
        f"sections-{new}-heading": "A word from the chief executive",
        f"sections-{new}-content": "free",
        f"sections-{new}-text": WORDS,
    }
    assert lead.post(url, data).status_code == 302
    assert WORDS in [s.text for s in compose_letter(world.review).visible]


@pytest.mark.parametrize("role", ["lead_reviewer", "coordinator"])
def test_a_free_section_the_lead_added_is_announced_and_carried_over(world, role) -> None:
    _add_free_section(world)
    plain = LetterTemplate.objects.get(is_shipped=True, key="plain")
    url = reverse("reports:letter-template", kwargs={"pk": world.review.pk})
    client = world.client(role)

    asked = client.post(url, {"template": plain.pk})
    assert asked.status_code == 200, "switched without saying what happens to the typed words"
    page = html.unescape(asked.content.decode())
    assert "A word from the chief executive" in page
    assert compose_letter(world.review).template.name != plain.name  # nothing changed yet

    assert client.post(url, {"template": plain.pk, "confirm": "True"}).status_code == 302
    letter = compose_letter(world.review)
    assert letter.template.name == plain.name
    carried = [s for s in letter.visible if s.text == WORDS]
    assert [s.full_title for s in carried] == ["A word from the chief executive"]


def test_the_templates_own_free_text_is_not_carried_into_another_template(world) -> None:
    """The peer challenge letter's own free text ("this was not an inspection") belongs to that
    template: switching to the health check letter leaves it behind, without asking."""
    lead = world.client("lead_reviewer")
    pk = world.review.pk
    assert lead.post(reverse("reports:letter-start", kwargs={"pk": pk})).status_code == 302
    health = LetterTemplate.objects.get(is_shipped=True, key="health-check")
    switched = lead.post(
        reverse("reports:letter-template", kwargs={"pk": pk}), {"template": health.pk}
    )
    assert switched.status_code == 302
    texts = " ".join(s.text for s in compose_letter(world.review).visible)
    assert "this was not an inspection" not in texts
