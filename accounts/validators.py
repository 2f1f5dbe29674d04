from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError


class MaximumLengthValidator:
    """Allow long passphrases (well past 64 characters) but refuse absurd lengths."""

    def __init__(self, max_length: int = 256) -> None:
        self.max_length = max_length

    def validate(self, password: str, user: Any = None) -> None:
        if len(password) > self.max_length:
            raise ValidationError(
                f"Your password must be {self.max_length} characters or fewer.",
                code="password_too_long",
            )

    def get_help_text(self) -> str:
        return f"Your password can be up to {self.max_length} characters long."


# A web address as people write it on a letterhead: "www.eastvale.gov.uk", "eastvale.gov.uk/children"
# or "https://www.eastvale.gov.uk". Kept as typed; only http and https, a host name with a dot, and no
# spaces or quotes (nothing that could be anything but an address).
_HOST_LABEL = r"(?!-)[a-z0-9-]{1,63}(?<!-)"
_WEB_ADDRESS = re.compile(
    rf"^(?:https?://)?(?:{_HOST_LABEL}\.)+[a-z]{{2,63}}(?::\d{{1,5}})?(?:[/?#][^\s<>\"'`\\\\]*)?$",
    re.IGNORECASE,
)


def validate_web_address(value: str) -> None:
    text = value.strip()
    if len(text) > 200:
        return  # the field's own maximum length says so
    if text and not _WEB_ADDRESS.match(text):
        raise ValidationError(
            "Enter a web address, like www.eastvale.gov.uk or https://www.eastvale.gov.uk",
            code="invalid_web_address",
        )
