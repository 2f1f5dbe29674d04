"""A tiny, safe markup for finding text: **bold** and lines starting "- " as bullets.

The text is stored as the person typed it. To show it, every character is escaped first, and only then
are the two marks turned into <strong> and a GOV.UK bulleted list: no HTML from a person is ever shown.
"""

from __future__ import annotations

import re
import unicodedata

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from core.forms import without_control_characters

_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")


def clean_text(value: str) -> str:
    """Normalise typed text: Unicode NFC, Windows line ends, no control characters but tab/newline."""
    return without_control_characters(unicodedata.normalize("NFC", value)).strip()


def _inline(line: str) -> str:
    return _BOLD.sub(r"<strong>\1</strong>", escape(line))


def render(text: str) -> SafeString:
    """The text as HTML paragraphs and bulleted lists, everything the person typed escaped."""
    blocks: list[str] = []
    paragraph: list[str] = []
    bullets: list[str] = []

    def flush() -> None:
        if paragraph:
            blocks.append('<p class="govuk-body">' + "<br>".join(paragraph) + "</p>")
            paragraph.clear()
        if bullets:
            items = "".join(f"<li>{item}</li>" for item in bullets)
            blocks.append(f'<ul class="govuk-list govuk-list--bullet">{items}</ul>')
            bullets.clear()

    for raw in (text or "").split("\n"):
        line = raw.strip()
        if not line:
            flush()
        elif line.startswith(("- ", "* ")) and len(line) > 2:
            if paragraph:
                flush()
            bullets.append(_inline(line[2:].strip()))
        else:
            if bullets:
                flush()
            paragraph.append(_inline(line))
    flush()
    return mark_safe("".join(blocks))  # noqa: S308 - every piece of text was escaped above
