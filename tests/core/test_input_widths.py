"""Short inputs are as wide as what goes in them (GOV.UK's govuk-input--width-N), across forms."""

from __future__ import annotations

from django import forms

from audits.forms import SampleDrawForm
from core.forms import GovukFormMixin


class _Example(GovukFormMixin, forms.Form):
    count = forms.IntegerField(max_value=500)
    amount = forms.DecimalField()
    postcode = forms.CharField(max_length=10)
    case_reference = forms.CharField(max_length=30)
    code = forms.CharField(max_length=6)
    name = forms.CharField(max_length=150)
    email = forms.EmailField()
    when = forms.DateField()
    chosen_width = forms.CharField(
        max_length=4, widget=forms.TextInput(attrs={"class": "govuk-!-width-one-half"})
    )


def _class(form: forms.Form, name: str) -> str:
    return form.fields[name].widget.attrs.get("class", "")


def test_short_fields_get_a_width_and_long_ones_stay_full_width() -> None:
    form = _Example()
    assert "govuk-input--width-4" in _class(form, "count")
    assert "govuk-input" in _class(form, "count").split()  # a number input gets the GOV.UK style
    assert form.fields["count"].widget.attrs["inputmode"] == "numeric"
    assert "govuk-input--width-10" in _class(form, "amount")
    assert "govuk-input--width-10" in _class(form, "postcode")
    assert "govuk-input--width-20" in _class(form, "case_reference")
    assert "govuk-input--width-10" in _class(form, "code")
    assert "govuk-input--width-10" in _class(form, "when")
    assert "width" not in _class(form, "name")
    assert "width" not in _class(form, "email")
    assert _class(form, "chosen_width") == "govuk-!-width-one-half"  # the form's own choice


def test_the_sample_size_and_seed_fit_their_numbers() -> None:
    rendered = str(SampleDrawForm()["size"]) + str(SampleDrawForm()["seed"])
    assert "govuk-input--width-4" in rendered and "govuk-input--width-20" in rendered
