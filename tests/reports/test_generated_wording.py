"""Generated sentences that read right whatever the review's data (issue 18: never "rests on on")."""

from __future__ import annotations

import pytest

from reports import catalogue
from reports.render import compose_letter

pytestmark = pytest.mark.django_db


def test_the_limits_of_a_short_review_read_right_without_days_or_cases(world) -> None:
    data = compose_letter(world.review).data
    assert not data.days and not data.cases_audited
    text = catalogue.limits(data, False)
    assert " on on " not in text
    assert "What we say here rests on a limited number of conversations, so" in text


def test_a_kind_named_after_ofsted_keeps_its_capital_inside_a_sentence() -> None:
    from improvement.models import ExternalReview
    from reports.wording import lower_first

    assert lower_first(ExternalReview.Kind.OFSTED_INSPECTION.label) == "Ofsted inspection (ILACS)"
    assert lower_first(ExternalReview.Kind.JTAI.label).startswith("joint targeted area")
    assert lower_first("Referral") == "referral" and lower_first("MASH") == "MASH"


@pytest.mark.parametrize(("n", "words"), [(1, "once"), (2, "twice"), (3, "three times")])
def test_how_often_reads_as_people_say_it(n: int, words: str) -> None:
    from reports.wording import times

    assert times(n) == words
