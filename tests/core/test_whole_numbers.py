"""Ids and versions sent in a request are read one way (``core.http.whole_number``): a character that
Python calls a digit but ``int`` refuses ("²"), or a number no database column holds, is ignored like
any other nonsense, never a server error."""

from __future__ import annotations

import pytest
from django.urls import reverse

from core.http import whole_number

ODD = ["²", "٣", "1²", "9" * 40, " 7", "-3", "", "0x1f"]


def test_whole_number_takes_ascii_digits_only() -> None:
    assert whole_number("42") == 42
    assert whole_number("007") == 7
    assert [whole_number(v) for v in ODD] == [None] * len(ODD)
    assert whole_number(None) is None and whole_number(42) is None


@pytest.mark.parametrize("odd", ["²", "9" * 40])
def test_odd_numbers_in_the_requests_are_ignored_not_a_server_error(world, odd) -> None:
    review = world.review.pk
    coordinator = world.client("coordinator")
    lead = world.client("lead_reviewer")
    assert coordinator.get(
        reverse("reviews:session-create", args=[review]), {"copy": odd}
    ).status_code in (200, 302)
    assert (
        lead.get(reverse("reviews:finding-create", args=[review]), {"kloe": odd}).status_code == 200
    )
    for name, data in [
        ("audits:sample-pick", {"action": "sample", "cases": odd}),
        ("audits:sample-assign", {f"assign-{odd}": odd}),
        ("audits:case-list-assign", {"cases": odd, "auditor": odd}),
    ]:
        response = lead.post(reverse(name, args=[review]), data)
        assert response.status_code == 302, name
    response = lead.post(
        reverse("reviews:finding-agree-all", args=[review]), {"seen": f"{odd}:{odd}"}
    )
    assert response.status_code < 500
