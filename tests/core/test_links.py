"""Links built once per page (core/links.py, and the findings page's finding_links) are exactly the URLs
reverse() gives."""

from __future__ import annotations

import pytest
from django.urls import reverse

from core.links import PkUrls
from reviews.fieldwork.views import finding_links

NAMES = {
    "edit": "reviews:finding-edit",
    "reorder": "reviews:finding-reorder",
    "merge": "reviews:finding-merge",
    "agree": "reviews:finding-agree",
    "history": "reviews:finding-history",
}


@pytest.mark.parametrize(
    ("review_pk", "finding_pk"), [(1, 1), (7, 2_147_483_646), (2_147_483_647, 3), (12, 12)]
)
def test_finding_links_are_the_urls_reverse_gives(review_pk: int, finding_pk: int) -> None:
    links = finding_links(review_pk)(finding_pk)
    assert set(links) == set(NAMES)
    for key, name in NAMES.items():
        assert links[key] == reverse(name, args=[review_pk, finding_pk])


def test_a_url_whose_last_argument_is_not_a_whole_segment_is_refused() -> None:
    with pytest.raises(ValueError, match="whole path segment"):
        PkUrls(feed="reviews:calendar-person-feed")  # .../calendar/<token>.ics
