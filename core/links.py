"""Many rows' links for the cost of one ``reverse()`` each.

A page that lists 40 findings with six actions each would call ``reverse()`` 240 times, at tens of
microseconds a call (most of the findings page's time went there). ``PkUrls`` reverses each URL name
once, with a marker in place of the row's key, and fills the key in for each row: the same URLs,
checked against ``reverse()`` by tests/core/test_links.py.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.urls import reverse

# Stands in for the row's key while reversing: a number no other part of these URLs can contain
# (the other arguments are matched as whole path segments, see _split).
_MARKER = 2_147_483_647


def _split(name: str, args: Iterable[Any]) -> tuple[str, str]:
    url = reverse(name, args=[*args, _MARKER])
    head, sep, tail = url.rpartition(f"/{_MARKER}/")
    if not sep:
        raise ValueError(f"{name}: the row's key must be a whole path segment")
    return head + "/", "/" + tail


class PkUrls:
    """``PkUrls(review.pk, edit="reviews:finding-edit")(finding.pk)["edit"]`` is
    ``reverse("reviews:finding-edit", args=[review.pk, finding.pk])``."""

    def __init__(self, *args: Any, **names: str) -> None:
        self._parts = {key: _split(name, args) for key, name in names.items()}

    def __call__(self, pk: int) -> dict[str, str]:
        return {key: f"{head}{int(pk)}{tail}" for key, (head, tail) in self._parts.items()}
