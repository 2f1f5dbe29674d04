"""The authorization matrix: every URL pattern, every role, GET and POST, against what is expected.

A URL added without an expectation fails ``test_every_url_has_an_expectation``. Objects of another
authority give 404 to everyone (``test_other_authoritys_objects_are_not_found``).
"""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.authz.expectations import ALL
from tests.authz.expectations.admin import DEFAULT_FOR_ADMIN
from tests.conftest import ROLES

# Values for the URL parameters of admin patterns, which all redirect before reading them.
_ADMIN_KWARGS = {
    "pk": "1",
    "object_id": "1",
    "content_type_id": "1",
    "app_label": "accounts",
    "id": "1",
    "url": "x/",
}


def _walk(patterns, prefix: str = "") -> list[tuple[str, URLPattern]]:
    found = []
    for entry in patterns:
        if isinstance(entry, URLResolver):
            namespace = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            found += _walk(entry.url_patterns, namespace)
        else:
            found.append(
                (
                    f"{prefix}{entry.name}" if entry.name else f"{prefix}<unnamed {entry.pattern}>",
                    entry,
                )
            )
    return found


URLS = _walk(get_resolver().url_patterns)
URL_NAMES = sorted({name for name, _ in URLS})


def _expectation(name: str):
    if name in ALL:
        return ALL[name]
    if name.startswith("admin:"):
        return DEFAULT_FOR_ADMIN
    return None


def test_every_url_has_an_expectation() -> None:
    missing = [name for name in URL_NAMES if _expectation(name) is None]
    assert not missing, (
        f"URLs with no authorization expectation: {missing}. Add them to tests/authz/expectations/."
    )


def test_no_expectation_names_a_url_that_does_not_exist() -> None:
    stale = sorted(set(ALL) - set(URL_NAMES))
    assert not stale, f"Expectations for URLs that no longer exist: {stale}"


def _reverse(name: str, kwargs: dict) -> str:
    if "<unnamed" in name:
        # Unnamed admin catch-all: any path under /admin/ that is not a page.
        return "/admin/no-such-page/"
    return reverse(name, kwargs=kwargs)


def _admin_kwargs(name: str) -> dict:
    pattern = next(p for n, p in URLS if n == name)
    wanted = set(pattern.pattern.regex.groupindex)
    return {k: v for k, v in _ADMIN_KWARGS.items() if k in wanted}


@pytest.mark.parametrize("name", URL_NAMES)
def test_each_role_gets_the_expected_status(name: str, world) -> None:
    expect = _expectation(name)
    assert expect is not None, f"No expectation for {name}"
    kwargs = (
        _admin_kwargs(name)
        if name.startswith("admin:") and name not in ALL
        else expect.kwargs(world, world.review)
    )
    url = _reverse(name, kwargs)
    wrong = []
    for role in ROLES:
        for method in ("get", "post"):
            wanted = getattr(expect, method)[role]
            client = world.client(role)
            if method == "get":
                response = client.get(url)
            else:
                response = client.post(url, data=expect.post_data(world, world.review))
            if response.status_code != wanted:
                wrong.append(
                    f"{method.upper()} {url} as {role}: got {response.status_code}, expected {wanted}"
                )
    assert not wrong, "\n".join(wrong)


SCOPED = sorted(name for name, expect in ALL.items() if expect.scoped)


@pytest.mark.parametrize("name", SCOPED)
def test_other_authoritys_objects_are_not_found(name: str, world) -> None:
    """Everyone on ``review`` asks for the same page of ``other_review``: all get 404."""
    expect = ALL[name]
    url = reverse(name, kwargs=expect.kwargs(world, world.other_review))
    # POST-only URLs are asked with POST (a GET would stop at 405 before looking anything up).
    method = "post" if expect.get["coordinator"] == 405 else "get"
    wrong = []
    for role in ("coordinator", "lead_reviewer", "reviewer", "host_lead", "host_staff"):
        response = getattr(world.client(role), method)(url)
        if response.status_code != 404:
            wrong.append(
                f"{method.upper()} {url} as {role}: got {response.status_code}, expected 404"
            )
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("name", [n for n in URL_NAMES if not n.startswith("admin:")])
def test_post_without_csrf_token_is_refused(name: str, world) -> None:
    """No view is exempt from CSRF: a POST without a token is refused for every role."""
    expect = _expectation(name)
    url = _reverse(name, expect.kwargs(world, world.review))
    wrong = []
    for role in ROLES:
        response = world.client(role, enforce_csrf_checks=True).post(
            url, data=expect.post_data(world, world.review)
        )
        if response.status_code != 403:
            wrong.append(f"POST {url} as {role} without a CSRF token: got {response.status_code}")
    assert not wrong, "\n".join(wrong)
