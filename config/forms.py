"""The one place forms are set up for the GOV.UK template pack."""

from __future__ import annotations

from datetime import date
from typing import Any

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator

_MAX_DB_INT = 2**63 - 1


class GovukFormMixin:
    """Give a form the GOV.UK helper: no <form> tag (templates write it), errors in the summary.

    Also guards choices of database rows: a number too big for the database (typed or forged) is an
    invalid choice, not a server error (Django lets SQLite's OverflowError through).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        for field in self.fields.values():  # type: ignore[attr-defined]
            if isinstance(field, forms.ModelChoiceField):
                _guard_row_choice(field)
            elif isinstance(field, forms.IntegerField) and field.max_value is None:
                # A number beyond what the database holds is a validation error, not an overflow.
                field.validators.append(MaxValueValidator(_MAX_DB_INT))
                field.validators.append(MinValueValidator(-_MAX_DB_INT - 1))


def _guard_row_choice(field: forms.ModelChoiceField) -> None:
    original = field.clean

    def clean(value: Any) -> Any:
        values = value if isinstance(value, list | tuple) else [value]
        for item in values:
            text = str(item).strip() if item is not None else ""
            try:
                number = int(text)  # Python refuses past 4,300 digits with ValueError
            except ValueError:
                continue  # not a number at all: the field itself says it is not a valid choice
            if abs(number) > _MAX_DB_INT:
                raise ValidationError(
                    field.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": text[:30]},
                )
        return original(value)

    field.clean = clean  # type: ignore[method-assign]


class GovukDateField(DateInputField):
    """The GOV.UK day-month-year date input, saying plainly when a date is not real.

    crispy-forms-gds lets an enormous year through as a server error (OverflowError) and shows
    Python's own words ("year 0 is out of range") for impossible dates.
    """

    def compress(self, data_list):  # type: ignore[no-untyped-def]
        day, month, year = data_list
        if not (day and month and year):
            return None
        try:
            return date(day=int(day), month=int(month), year=int(year))
        except (ValueError, OverflowError):
            raise ValidationError(
                "Enter a real date, for example 27 3 2026", code="invalid_date"
            ) from None
