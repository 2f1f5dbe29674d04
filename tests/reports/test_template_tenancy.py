"""Whose letter templates are whose: an organisation's templates are its own, the shipped ones are
copied and never changed, a letter's own copy is changed only through its letter, and a review's
letter is written only from the shipped templates or its lead organisation's.
"""

from __future__ import annotations

import html

import pytest
from django.test import Client
from django.urls import reverse

from reports import services
from reports.models import Letter, LetterTemplate
from reports.render import compose_letter
from reviews.setup.models import Role
from tests.factories import MembershipFactory, ReviewFactory, UserFactory, give_second_factor
from tests.reports.page_forms import form_fields

pytestmark = pytest.mark.django_db

LIBRARY_PAGES = ("reports:template-detail", "reports:template-copy", "reports:template-edit")
# The template's page takes no POST at all (405); the others find no template (404).
_REFUSED_POST = {
    "reports:template-detail": 405,
    "reports:template-copy": 404,
    "reports:template-edit": 404,
}


def _signed_in(user) -> Client:
    give_second_factor(user)
    client = Client()
    client.force_login(user)
    return client


def _shipped(key: str = "peer-challenge") -> LetterTemplate:
    return LetterTemplate.objects.get(is_shipped=True, key=key)


def _own_template(organisation, name: str = "Our letter") -> LetterTemplate:
    return _shipped().copy(name=name, organisation=organisation, is_shipped=False, key="")


def _coordinator_of(organisation):
    """A coordinator whose organisation is ``organisation`` (on a review it leads)."""
    person = UserFactory(organisation=organisation)
    review = ReviewFactory(lead_organisation=organisation)
    MembershipFactory(review=review, user=person, role=Role.COORDINATOR)
    return person


def _start_letter(review) -> Letter:
    from django.db import transaction

    with transaction.atomic():
        return services.letter_for_update(review)


@pytest.mark.parametrize("name", LIBRARY_PAGES)
def test_another_organisations_coordinator_cannot_find_an_organisations_template(
    world, name
) -> None:
    template = _own_template(world.lead_org, "Eastvale letter")
    client = _signed_in(_coordinator_of(world.other_org))
    url = reverse(name, kwargs={"pk": template.pk})
    assert client.get(url).status_code == 404
    assert client.post(url, {"name": "Taken"}).status_code == _REFUSED_POST[name]
    template.refresh_from_db()
    assert template.name == "Eastvale letter"
    assert not LetterTemplate.objects.filter(name="Taken").exists()
    # Nor is it in their library.
    listing = html.unescape(client.get(reverse("reports:template-list")).content.decode())
    assert "Eastvale letter" not in listing
    assert _shipped().name in listing


def test_the_owning_organisations_coordinator_can_open_copy_and_change_it(world) -> None:
    """The other side of the test above: the 404 is about tenancy, not a broken page."""
    template = _own_template(world.lead_org, "Eastvale letter")
    client = world.client("coordinator")
    for name in LIBRARY_PAGES:
        assert client.get(reverse(name, kwargs={"pk": template.pk})).status_code == 200


@pytest.mark.parametrize("key", ["peer-challenge", "health-check", "plain"])
def test_a_shipped_templates_edit_page_is_refused_to_every_coordinator(world, key) -> None:
    shipped = _shipped(key)
    url = reverse("reports:template-edit", kwargs={"pk": shipped.pk})
    page = form_fields(
        world.client("coordinator")
        .get(reverse("reports:template-edit", kwargs={"pk": _own_template(world.lead_org).pk}))
        .content.decode()
    )
    for client in (world.client("coordinator"), _signed_in(_coordinator_of(world.other_org))):
        assert client.get(url).status_code == 403
        assert client.post(url, page | {"salutation": "Hello"}).status_code == 403
        # Still offered for copying.
        detail = client.get(reverse("reports:template-detail", kwargs={"pk": shipped.pk}))
        assert detail.status_code == 200
        assert (
            reverse("reports:template-copy", kwargs={"pk": shipped.pk}) in detail.content.decode()
        )
        assert url not in detail.content.decode()
    shipped.refresh_from_db()
    assert shipped.salutation != "Hello"


def test_a_letters_own_copy_is_never_reachable_through_the_library(world) -> None:
    letter = _start_letter(world.review)
    own_copy = letter.template
    assert own_copy is not None and own_copy.organisation_id is None
    # Not even by the coordinator of the review, nor by its lead reviewer (not a coordinator).
    for client in (world.client("coordinator"), _signed_in(_coordinator_of(world.other_org))):
        for name in LIBRARY_PAGES:
            url = reverse(name, kwargs={"pk": own_copy.pk})
            assert client.get(url).status_code == 404, name
            assert client.post(url, {"name": "Stolen"}).status_code == _REFUSED_POST[name], name
        listing = client.get(reverse("reports:template-list")).content.decode()
        assert reverse("reports:template-detail", kwargs={"pk": own_copy.pk}) not in listing
    assert not LetterTemplate.objects.filter(name="Stolen").exists()
    assert LetterTemplate.objects.filter(copied_from=own_copy).count() == 0


def test_a_lead_reviewer_from_another_organisation_chooses_only_shipped_and_the_lead_orgs_templates(
    world,
) -> None:
    eastvale = _own_template(world.lead_org, "Eastvale letter")
    westbridge = _own_template(world.other_org, "Westbridge letter")
    # The review's lead reviewer works for Westbridge, not for the lead organisation (Eastvale).
    Letter.objects.filter(review=world.review).delete()
    lead = UserFactory(organisation=world.other_org)
    world.review.memberships.filter(role=Role.LEAD_REVIEWER).delete()
    MembershipFactory(review=world.review, user=lead, role=Role.LEAD_REVIEWER)
    client = _signed_in(lead)
    url = reverse("reports:letter-template", kwargs={"pk": world.review.pk})

    page = html.unescape(client.get(url).content.decode())
    assert "Eastvale letter" in page
    for shipped in LetterTemplate.objects.library().filter(is_shipped=True):
        assert shipped.name in page
    # A committee report template (an authority's journey report, issue 23) is not a letter's.
    assert LetterTemplate.objects.committee_reports().exists()
    assert "Committee report: the improvement journey" not in page
    assert "Westbridge letter" not in page  # their own organisation's: not this review's

    forged = client.post(url, {"template": westbridge.pk})
    assert forged.status_code == 200
    assert "Choose one of the letter templates" in forged.content.decode()
    assert not Letter.objects.filter(review=world.review, source=westbridge).exists()
    assert compose_letter(world.review).template.name != "Westbridge letter"

    chosen = client.post(url, {"template": eastvale.pk})
    assert chosen.status_code == 302
    letter = Letter.objects.get(review=world.review)
    assert letter.source == eastvale
    assert letter.template.name == "Eastvale letter" and letter.template.pk != eastvale.pk


def test_a_coordinator_of_the_review_cannot_choose_another_organisations_template(world) -> None:
    westbridge = _own_template(world.other_org, "Westbridge letter")
    url = reverse("reports:letter-template", kwargs={"pk": world.review.pk})
    forged = world.client("coordinator").post(url, {"template": westbridge.pk})
    assert "Choose one of the letter templates" in forged.content.decode()
    assert not Letter.objects.filter(review=world.review, source=westbridge).exists()


def test_editing_a_library_template_never_changes_a_letter_already_started(world) -> None:
    template = _own_template(world.lead_org, "Eastvale letter")
    coordinator = world.client("coordinator")
    chosen = coordinator.post(
        reverse("reports:letter-template", kwargs={"pk": world.review.pk}),
        {"template": template.pk},
    )
    assert chosen.status_code == 302
    # Started: the letter has its own copy now.
    started = world.client("lead_reviewer").post(
        reverse("reports:letter-start", kwargs={"pk": world.review.pk})
    )
    assert started.status_code == 302
    before = compose_letter(world.review)
    headings_before = [s.full_title for s in before.sections]
    title_before = before.title_lines
    hidden_before = [s.key for s in before.sections if s.hidden]

    # The coordinator changes the library template: renames its first section, hides the second,
    # changes the title and the salutation.
    edit_url = reverse("reports:template-edit", kwargs={"pk": template.pk})
    data = form_fields(coordinator.get(edit_url).content.decode())
    data["sections-0-heading"] = "A brand new first heading"
    data["sections-1-hidden"] = "on"
    data["title"] = "A new title for {host}"
    data["salutation"] = "Hello {first name}"
    saved = coordinator.post(edit_url, data)
    assert saved.status_code == 302, (
        saved.context["form"].errors,
        saved.context["formset"].errors,
        saved.context["formset"].non_form_errors(),
    )
    template.refresh_from_db()
    assert template.sections.first().heading == "A brand new first heading"

    after = compose_letter(world.review)
    assert [s.full_title for s in after.sections] == headings_before
    assert after.title_lines == title_before
    assert [s.key for s in after.sections if s.hidden] == hidden_before
    assert not after.salutation.startswith("Hello")
    page = world.client("lead_reviewer").get(
        reverse("reports:letter", kwargs={"pk": world.review.pk})
    )
    assert "A brand new first heading" not in page.content.decode()
