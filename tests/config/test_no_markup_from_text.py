"""No one's text reaches a page as markup: every text field of every row, through every page and partial.

An attacker found that a coordinator's key line heading reached the host lead's self-assessment form
unescaped (the GOV.UK form templates mark labels as safe), and that htmx then acted on the injected
``hx-*`` attributes with the host lead's CSRF token. This test builds every object the authorization
matrix needs (so each page has something to show), writes markup with htmx attributes into every text
field of every row, then asks for every page as every role that may see it, as a whole page, as an htmx
partial, and (where a POST re-shows a form) with the form's errors showing. The markup must arrive
escaped everywhere.
"""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import IntegrityError, models, transaction
from django.urls import reverse

from tests.authz.expectations import ALL
from tests.authz.test_matrix import URL_NAMES
from tests.conftest import ROLE_ON_REVIEW, ROLES
from tests.factories import MembershipFactory, ReviewFactory

# Short enough for most fields; anything that shows it unescaped gives an element htmx would act on.
PAYLOAD = '<i hx-get="/x">'
APPS = ("accounts", "reviews", "audits", "reports", "improvement")
# Text that is not shown as text: secrets, hashes, file names chosen by the server, and fields with a
# format the app relies on (addresses, web addresses, slugs).
SKIPPED_FIELD_TYPES = (models.EmailField, models.URLField, models.SlugField, models.FileField)
SKIPPED_FIELDS = {"password", "token", "sha256", "content_type", "extension", "file", "key"}

PAGES = sorted(name for name in URL_NAMES if not name.startswith("admin:") and name in ALL)
# Four groups of pages, each a test of its own, so that the suite's workers share them.
GROUPS = {n: PAGES[n::4] for n in range(4)}


def _poison_every_text_field() -> list[str]:
    poisoned = []
    for app in APPS:
        for model in apps.get_app_config(app).get_models():
            if model._meta.proxy or not model._meta.managed:
                continue
            for field in model._meta.concrete_fields:
                if not isinstance(field, models.CharField | models.TextField):
                    continue
                if isinstance(field, SKIPPED_FIELD_TYPES) or field.choices or field.unique:
                    continue
                if field.name in SKIPPED_FIELDS:
                    continue
                if field.max_length is not None and field.max_length < len(PAYLOAD):
                    continue
                # .update(): straight to the rows, past every form's rules, as an attacker's text
                # would be if some form ever let it through.
                rows = model._default_manager.all()
                try:
                    with transaction.atomic():
                        changed = rows.update(**{field.name: PAYLOAD})
                except IntegrityError:  # unique in some other way (case-insensitively, per review)
                    changed = 0
                    for pk in rows.values_list("pk", flat=True):
                        changed += rows.filter(pk=pk).update(**{field.name: f"{PAYLOAD}{pk}"})
                if changed:
                    poisoned.append(f"{model._meta.label}.{field.name}")
    return poisoned


def _same_team_review(world):
    review = ReviewFactory(host=world.host_org, lead_organisation=world.lead_org)
    for role, membership_role in ROLE_ON_REVIEW.items():
        MembershipFactory(review=review, user=world.people[role], role=membership_role)
    return review


def _is_html(response) -> bool:
    return response.get("Content-Type", "").startswith("text/html")


@pytest.mark.parametrize("group", sorted(GROUPS))
def test_text_typed_by_anyone_reaches_no_page_as_markup(group: int, world) -> None:
    urls = {}
    for name in PAGES:  # every page's objects, so every page has something of everyone's to show
        expect = ALL[name]
        try:
            with transaction.atomic():
                kwargs = expect.kwargs(world, world.review)
        except IntegrityError:
            # Two pages want the same one-of-a-kind object (an open invitation to one address, a
            # session at one time): this page gets a review of its own, with the same team.
            kwargs = expect.kwargs(world, _same_team_review(world))
        urls[name] = (expect, reverse(name, kwargs=kwargs))
    poisoned = _poison_every_text_field()
    assert "reviews.Kloe.heading" in poisoned  # the field of the attack
    # The letterhead a coordinator keeps in the service: on its own page and on every letter.
    letterhead = {
        f"accounts.Organisation.{name}"
        for name in (
            "address",
            "telephone",
            "textphone",
            "website",
            "officers",
            "first_page_footer",
            "director_name",
            "director_title",
        )
    }
    assert letterhead <= set(poisoned), letterhead - set(poisoned)
    assert len(poisoned) > 40

    unescaped, pages_read = [], 0
    for name in GROUPS[group]:
        expect, url = urls[name]
        for role in ROLES:
            client = world.client(role)
            responses = []
            if expect.get[role] == 200:
                responses.append(("GET", client.get(url)))
                responses.append(("GET (htmx)", client.get(url, HTTP_HX_REQUEST="true")))
            if expect.post[role] == 200:
                data = expect.post_data(world, world.review)
                responses.append(("POST", client.post(url, data=data)))
            for how, response in responses:
                if not _is_html(response):
                    continue
                pages_read += 1
                if PAYLOAD in response.content.decode():
                    unescaped.append(f"{how} {url} ({name}) as {role}")
    assert pages_read > 0
    assert not unescaped, "Markup from someone's text reached these pages:\n" + "\n".join(unescaped)
