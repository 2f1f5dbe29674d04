"""Spot what looks like a personal detail in free text (commentary must not hold one)."""

from __future__ import annotations

import re

_PERSONAL = [
    # Each pattern starts only where a run starts (look-behind) and is bounded, so a long text is
    # checked in linear time.
    (
        "an email address",
        re.compile(r"(?<![\w.+-])[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}"),
    ),
    (
        "a telephone number",
        re.compile(r"(?<![\d])(?:\+44\s?\(?0?\)?\s?|0)\d{2,4}[\s-]?\d{3,4}[\s-]?\d{3,4}(?![\d])"),
    ),
    ("an NHS number", re.compile(r"(?<![\d])[1-9]\d{2}[\s-]?\d{3}[\s-]?\d{4}(?![\d])")),
    (
        "a date of birth",
        re.compile(
            r"\b(?:d\.?o\.?b\.?|date of birth|born)\b"
            r"|(?<![\d])\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})(?![\d])"
            r"|\b\d{1,2}(?:st|nd|rd|th)?\s{1,3}(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]{0,6}\.?\s{1,3}\d{4}\b",
            re.IGNORECASE,
        ),
    ),
]


def personal_details_in(text: str) -> list[str]:
    """What in this text looks like a personal detail (in plain words), or nothing."""
    found = []
    remaining = text
    for label, pattern in _PERSONAL:
        if pattern.search(remaining):
            found.append(label)
            remaining = pattern.sub(" ", remaining)
    return found
