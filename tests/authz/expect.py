"""The language of the authorization matrix: what status each role gets, per URL and method.

Each app's expectations live in ``expectations/<app>.py`` as ``EXPECTATIONS: dict[str, Expect]``, keyed
by the URL's full name (``"reviews:review-overview"``). ``test_matrix.py`` walks every URL pattern of the
project; a pattern with no expectation fails the test.

For review-scoped URLs (``scoped=True``) the ``kwargs`` function is also called with the *other*
authority's review, and every signed-in role must then get 404: nobody learns another authority's review
exists.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tests.conftest import ROLES, World

SIGNED_IN = tuple(r for r in ROLES if r != "anonymous")
ON_REVIEW = ("coordinator", "lead_reviewer", "reviewer", "host_lead", "host_staff")
OUTSIDERS = ("reviewer_elsewhere", "other_host_staff")
TEAM = ("coordinator", "lead_reviewer", "reviewer")
HOST = ("host_lead", "host_staff")

# Statuses, named for what a person sees.
OK, REDIRECT, FORBIDDEN, NOT_FOUND, NOT_ALLOWED = 200, 302, 403, 404, 405


def statuses(default: int, **by_role: int) -> dict[str, int]:
    """A status for every role: ``default``, with named exceptions."""
    unknown = set(by_role) - set(ROLES)
    if unknown:
        raise ValueError(f"Unknown roles {unknown}")
    return {role: by_role.get(role, default) for role in ROLES}


def review_page(
    *, allowed: tuple[str, ...], ok: int = OK, denied: int = FORBIDDEN
) -> dict[str, int]:
    """A page inside a review: anonymous to sign-in, outsiders 404, members ``ok`` or ``denied``."""
    result = {"anonymous": REDIRECT}
    for role in OUTSIDERS:
        result[role] = NOT_FOUND
    for role in ON_REVIEW:
        result[role] = ok if role in allowed else denied
    return result


def signed_in_only(status: int) -> dict[str, int]:
    return statuses(status, anonymous=REDIRECT)


@dataclass(frozen=True)
class Expect:
    get: dict[str, int]
    post: dict[str, int]
    kwargs: Callable[[World, Any], dict[str, Any]] = field(default=lambda world, review: {})
    scoped: bool = False
    post_data: Callable[[World, Any], dict[str, Any]] = field(default=lambda world, review: {})
