"""The one place forms are set up for the GOV.UK template pack."""

from __future__ import annotations

import unicodedata
from datetime import date
from typing import TYPE_CHECKING, Any

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator

_MAX_DB_INT = 2**63 - 1

# Kept in typed text: tab and newline. Everything else of Unicode's control (Cc), surrogate (Cs),
# private-use (Co) and unassigned (Cn) categories is dropped: XML (Word, Excel, the PDF's tags) cannot
# hold most of them, and none is anything a person means to type.
_KEPT_CONTROLS = frozenset({"\n", "\t"})
_DROPPED_CATEGORIES = frozenset({"Cc", "Cs", "Co", "Cn"})


def without_control_characters(value: str) -> str:
    """``value`` with Windows and old Mac line ends as newlines and no other control characters."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(
        ch
        for ch in value
        if ch in _KEPT_CONTROLS or unicodedata.category(ch) not in _DROPPED_CATEGORIES
    )


ONE_LINE_MESSAGE = (
    "Type this on one line, without line breaks: it is used in email subjects and calendar entries"
)


# Every character str.splitlines() breaks a line at: CR, LF, and the rarer ones.
LINE_BREAKS = frozenset("\r\n\v\f\x1c\x1d\x1e\x85\u2028\u2029")


def has_line_break(value: str) -> bool:
    """True if ``value`` holds a carriage return, a line feed or any other line boundary."""
    return any(ch in LINE_BREAKS for ch in value)


def refuse_line_breaks(field: forms.Field) -> None:
    """Make ``field`` refuse a value with a line break (CR, LF, a lone CR) with a form error, as
    sent, before anything strips or turns it: a subject or a calendar line is one line."""
    original = field.to_python

    def to_python(value: Any) -> Any:
        if isinstance(value, str) and has_line_break(value):
            raise ValidationError(ONE_LINE_MESSAGE, code="line_break")
        return original(value)

    field.to_python = to_python  # type: ignore[method-assign]  # wraps this field's own


class GovukFormMixin:
    """Give a form the GOV.UK helper: no <form> tag (templates write it), errors in the summary.

    Also guards choices of database rows: a number too big for the database (typed or forged) is an
    invalid choice, not a server error (Django lets SQLite's OverflowError through); and drops control
    characters from every text field but passwords (a vertical tab in a case reference made the Word
    letter and the spreadsheets fail).

    Labels, legends and hints are escaped when they are shown (``templates/gds/`` overrides the GOV.UK
    pack's templates, which mark them as safe), so a label built from someone's text cannot carry markup.
    """

    fields: dict[str, forms.Field]  # typing only: mixed into a form, which has its fields
    # Fields that become email subjects or calendar lines: a line break is a form error.
    one_line_fields: tuple[str, ...] = ()

    if TYPE_CHECKING:
        # A form's clean() returns its cleaned_data (django-stubs allows None, for overrides).
        def clean(self) -> dict[str, Any]: ...

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        for field in self.fields.values():
            if isinstance(field, forms.ModelChoiceField):
                _guard_row_choice(field)
            elif isinstance(field, forms.CharField) and not isinstance(
                field.widget, forms.PasswordInput
            ):
                _drop_control_characters(field)
            elif isinstance(field, forms.IntegerField) and field.max_value is None:
                # A number beyond what the database holds is a validation error, not an overflow.
                field.validators.append(MaxValueValidator(_MAX_DB_INT))
                field.validators.append(MinValueValidator(-_MAX_DB_INT - 1))
        for name in self.one_line_fields:
            if name in self.fields:
                refuse_line_breaks(self.fields[name])
        for name, field in self.fields.items():
            fit_input_width(name, field)


# GOV.UK's fixed-width inputs: a box as wide as what goes in it (a date, a number, a postcode, a
# reference) says what is expected; a full-width box for five digits does not.
_WIDTHS = ((3, 4), (5, 5), (10, 10), (20, 20))
_NARROW_BY_NAME = {"postcode": 10, "reference": 20, "ref": 20}


def fit_input_width(name: str, field: forms.Field) -> None:
    """Give a short text or number input a ``govuk-input--width-N`` class (unless the form set a
    width itself). Numbers: as wide as their largest value; a date or time typed in one box: 10;
    text by its ``max_length``
    (up to 20 characters) or its name (postcodes, references)."""
    widget = field.widget
    if not isinstance(widget, forms.widgets.Input) or widget.input_type not in ("text", "number"):
        return  # passwords, emails, addresses, files, hidden fields, checkboxes: left as they are
    classes = widget.attrs.get("class", "").split()
    if any("width" in css for css in classes):
        return
    width: int | None = None
    if isinstance(field, forms.IntegerField | forms.DecimalField | forms.FloatField):
        # As wide as the biggest number allowed (a seed of 12 digits needs more than 5).
        digits = len(str(field.max_value)) if field.max_value is not None else 10
        width = next((w for limit, w in _WIDTHS if digits <= limit), 20)
        widget.attrs.setdefault(
            "inputmode", "numeric" if isinstance(field, forms.IntegerField) else "decimal"
        )
    elif isinstance(field, forms.DateField | forms.TimeField):
        width = 5 if isinstance(field, forms.TimeField) else 10
    elif isinstance(field, forms.CharField):
        longest = field.max_length
        if longest is not None:
            width = next((w for limit, w in _WIDTHS if longest <= limit), None)
        by_name = next((w for key, w in _NARROW_BY_NAME.items() if name.endswith(key)), None)
        if by_name is not None and (longest is None or longest <= 50):
            width = min(width or by_name, by_name)
    if width is not None:
        # TextInput gets "govuk-input" from the template pack; a NumberInput or DateInput does not.
        if type(widget) is not forms.TextInput and "govuk-input" not in classes:
            classes.append("govuk-input")
        widget.attrs["class"] = " ".join([*classes, f"govuk-input--width-{width}"])


def _drop_control_characters(field: forms.CharField) -> None:
    original = field.to_python

    def to_python(value: Any) -> Any:
        if isinstance(value, str):
            value = without_control_characters(value)
        return original(value)

    field.to_python = to_python  # type: ignore[method-assign]  # wraps this field's own


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

    field.clean = clean  # type: ignore[method-assign]  # wraps this field's own


class GovukDateField(DateInputField):
    """The GOV.UK day-month-year date input, saying plainly when a date is not real.

    crispy-forms-gds lets an enormous year through as a server error (OverflowError) and shows
    Python's own words ("year 0 is out of range") for impossible dates.
    """

    def compress(self, data_list: list[Any]) -> date | None:
        if not data_list or all(part in (None, "") for part in data_list):
            return None
        day, month, year = data_list
        if day in (None, "") or month in (None, "") or year in (None, ""):
            # Part of a date (or a 0 day or month, which the original let through as "no date").
            raise ValidationError("Enter a real date, for example 27 3 2026", code="invalid_date")
        try:
            return date(day=int(day), month=int(month), year=int(year))
        except (ValueError, OverflowError):
            raise ValidationError(
                "Enter a real date, for example 27 3 2026", code="invalid_date"
            ) from None


END_AFTER_START = "The end date must be the same as or after the start date"


def check_date_order(
    form: forms.BaseForm, data: dict[str, Any], start: str, end: str, message: str
) -> None:
    """When both dates are given and the ``end`` one comes before the ``start`` one, put
    ``message`` on the ``end`` field."""
    first, last = data.get(start), data.get(end)
    if first and last and last < first:
        form.add_error(end, message)
