"""The shared form set-up turns numbers the database cannot hold into clear errors."""

import pytest
from django import forms

from accounts.models import Organisation
from core.forms import GovukDateField, GovukFormMixin


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


class _TextForm(GovukFormMixin, forms.Form):
    reference = forms.CharField(label="Case reference")
    commentary = forms.CharField(label="Commentary", widget=forms.Textarea)
    password = forms.CharField(label="Password", widget=forms.PasswordInput)


def test_control_characters_are_dropped_from_every_text_field_but_lines_and_tabs_are_kept() -> None:
    """A vertical tab or a unit separator pasted into a reference made the Word letter, Issue and the
    summary spreadsheet fail: no text field keeps them."""
    form = _TextForm(
        {
            "reference": "REF\x0b-1\x1f2\x00",
            "commentary": "First line\r\nSecond\tline\x07\rThird\u200b",
            "password": "pass\x0bword",
        }
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["reference"] == "REF-12"
    # Zero-width space is a format character (Cf), not a control: kept, as typed.
    assert form.cleaned_data["commentary"] == "First line\nSecond\tline\nThird\u200b"
    assert form.cleaned_data["password"] == "pass\x0bword"  # a password is compared, never shown


@pytest.mark.parametrize(("day", "month", "year"), [("0", "5", "2025"), ("1", "0", "2025")])
def test_a_zero_day_or_month_is_not_a_real_date_rather_than_no_date(day, month, year) -> None:
    form = _Form({"organisation": "", "when_0": day, "when_1": month, "when_2": year})
    form.is_valid()
    assert form.errors["when"] == ["Enter a real date, for example 27 3 2026"]
