"""The one place forms are set up for the GOV.UK template pack."""

from __future__ import annotations

from typing import Any

from crispy_forms_gds.helper import FormHelper


class GovukFormMixin:
    """Give a form the GOV.UK helper: no <form> tag (templates write it), errors shown in the summary."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
