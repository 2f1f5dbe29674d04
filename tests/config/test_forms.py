"""The shared form set-up turns numbers the database cannot hold into clear errors."""

import pytest
from django import forms

from accounts.models import Organisation
from config.forms import GovukDateField, GovukFormMixin


class _Form(GovukFormMixin, forms.Form):
    organisation = forms.ModelChoiceField(queryset=Organisation.objects.all())
    count = forms.IntegerField(required=False)
    when = GovukDateField(label="When", required=False)


@pytest.mark.parametrize("value", ["9" * 25, "-" + "9" * 40, "4²", "٣" * 30, "1e5"])
def test_a_row_choice_beyond_the_database_is_an_invalid_choice(db, value) -> None:
    form = _Form({"organisation": value})
    assert not form.is_valid()
    assert "organisation" in form.errors


def test_a_number_beyond_the_database_is_refused(db) -> None:
    form = _Form({"organisation": "", "count": str(2**70)})
    assert not form.is_valid()
    assert "less than or equal to" in form.errors["count"][0]


@pytest.mark.parametrize(
    ("day", "month", "year"), [("1", "1", "9" * 30), ("31", "2", "2026"), ("1", "1", "0")]
)
def test_a_date_that_is_not_real_says_so(db, day, month, year) -> None:
    form = _Form({"when_0": day, "when_1": month, "when_2": year})
    assert not form.is_valid()
    assert "Enter a real date" in str(form.errors["when"])
