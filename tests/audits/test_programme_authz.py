"""The authorization matrix for the case-scoped roles of an authority's own audit (issue 23).

Every page of a review that the project has (each URL of the matrix whose expectation builds its
objects for a review), asked for the authority's own audit by a partner auditor and by a moderating
peer: 404 for all of them, but the few pages of their own. A partner auditor reaches only the cases
assigned to them; a moderating peer only the completed audits chosen for peer moderation.
"""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from tests.audits.programme import build_programme
from tests.authz.expectations import ALL
from tests.authz.expectations import programme as programme_expectations
from tests.authz.test_matrix import URL_NAMES

pytestmark = pytest.mark.django_db

# The pages a case-scoped role opens (with the objects the matrix makes, which are never theirs):
# the audit's home sends them to their own page.
PARTNER_PAGES = {"audits:your-cases": 200, "audits:home": 302}
PEER_PAGES = {"audits:agreement": 200, "audits:home": 302}
# The programme's own URLs build their own audit in the matrix: asked below with this one's.
OWN = set(programme_expectations.EXPECTATIONS)
# Review-scoped URLs whose objects the matrix cannot make here: a follow-up review of the same host
# and lead (only an audit may be led by its own host), and objects one to a review that an earlier
# URL of the walk made already. Listed so that none is missed silently.
CANNOT_BUILD = {
    "improvement:previous-review",
    "reports:version-presentation",
    "reviews:invitation-revoke",
    "reviews:session-edit",
}
REVIEW_URLS = [n for n in URL_NAMES if n in ALL and ALL[n].scoped and n not in OWN]
OWN_AUDIT_URLS = [
    "audits:programme-people",
    "audits:peer-sample",
    "audits:agreement",
    "audits:your-cases",
]


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("role", ["partner", "peer"])
def test_case_scoped_roles_get_404_for_everything_else_of_the_audit(role, world) -> None:
    programme = build_programme(authority=world.host_org)
    person = getattr(programme, role)
    allowed = PARTNER_PAGES if role == "partner" else PEER_PAGES
    client = _client(person)
    wrong, asked, not_built = [], 0, set()
    for name in REVIEW_URLS:
        expect = ALL[name]
        try:
            with transaction.atomic():
                kwargs = expect.kwargs(world, programme.audit)
        except IntegrityError:
            not_built.add(name)
            continue
        url = reverse(name, kwargs=kwargs)
        method = "post" if expect.get["coordinator"] == 405 else "get"
        status = getattr(client, method)(url).status_code
        asked += 1
        wanted = allowed.get(name, 404)
        if status != wanted:
            wrong.append(f"{method.upper()} {url} ({name}) as {role}: {status}, expected {wanted}")
    for name in OWN_AUDIT_URLS:
        url = reverse(name, kwargs={"pk": programme.audit.pk})
        status = client.get(url).status_code
        wanted = allowed.get(name, 404)
        if status != wanted:
            wrong.append(f"GET {url} ({name}) as {role}: {status}, expected {wanted}")
    assert not wrong, "\n".join(wrong)
    assert asked > 40
    assert not_built <= CANNOT_BUILD, not_built


def test_a_partner_reaches_only_their_own_cases_pages(world) -> None:
    programme = build_programme(authority=world.host_org)
    client = _client(programme.partner)
    audit = programme.audit
    for case in programme.partner_cases:
        for name in ("audits:case-audit", "audits:alert-raise"):
            url = reverse(name, kwargs={"pk": audit.pk, "case_pk": case.pk})
            assert client.get(url).status_code == 200, url
    for case in programme.qa_cases:
        for name in ("audits:case-audit", "audits:alert-raise", "audits:case-audit-moderate"):
            url = reverse(name, kwargs={"pk": audit.pk, "case_pk": case.pk})
            assert client.get(url).status_code == 404, url


def test_a_peer_reaches_only_the_sample(world) -> None:
    programme = build_programme(authority=world.host_org)
    client = _client(programme.peer)
    audit = programme.audit
    sampled, other = programme.qa_cases
    for name in ("audits:case-audit", "audits:case-audit-moderate"):
        assert (
            client.get(reverse(name, kwargs={"pk": audit.pk, "case_pk": sampled.pk})).status_code
            == 200
        )
        assert (
            client.get(reverse(name, kwargs={"pk": audit.pk, "case_pk": other.pk})).status_code
            == 404
        )
    assert (
        client.get(
            reverse("audits:alert-raise", kwargs={"pk": audit.pk, "case_pk": sampled.pk})
        ).status_code
        == 404
    )


def test_people_of_a_peer_review_do_not_see_an_authoritys_own_audit(world) -> None:
    programme = build_programme(authority=world.host_org)
    for role in ("coordinator", "lead_reviewer", "reviewer", "host_lead", "host_staff"):
        client = world.client(role)
        for name in ("audits:home", "audits:agreement", "audits:case-list"):
            url = reverse(name, kwargs={"pk": programme.audit.pk})
            assert client.get(url).status_code == 404, (role, name)
