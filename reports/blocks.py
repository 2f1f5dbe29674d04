"""The letter's markup: what generated sections are written in and what the lead reviewer edits.

Plain text, one block per paragraph (a blank line between), and four marks:

    ### Strengths          a subheading
    - an item              a bulleted list
    1. an item             a numbered list (the number is kept as written)
    **bold**               strong text inside a line

The same blocks make the HTML preview, the PDF and the Word file, so all three say the same thing.
Everything a person typed is escaped before the marks are turned into HTML.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_NUMBERED = re.compile(r"^(\d{1,3})[.)]\s+(\S.*)$")


@dataclass
class Block:
    kind: str  # "p", "h", "ul" or "ol"
    text: str = ""
    items: list[str] = field(default_factory=list)
    numbers: list[str] = field(default_factory=list)


def parse(text: str) -> list[Block]:
    blocks: list[Block] = []
    paragraph: list[str] = []

    def flush_paragraph() -> None:
        if paragraph:
            blocks.append(Block("p", " ".join(paragraph)))
            paragraph.clear()

    for raw in (text or "").replace("\r\n", "\n").split("\n"):
        line = raw.strip()
        numbered = _NUMBERED.match(line)
        if not line:
            flush_paragraph()
            if blocks and blocks[-1].kind in {"ul", "ol"}:
                blocks.append(Block("break"))
        elif line.startswith("### "):
            flush_paragraph()
            blocks.append(Block("h", line[4:].strip()))
        elif line.startswith(("- ", "* ", "• ")) and len(line) > 2:
            flush_paragraph()
            if not blocks or blocks[-1].kind != "ul":
                blocks.append(Block("ul"))
            blocks[-1].items.append(line[2:].strip())
        elif numbered:
            flush_paragraph()
            if not blocks or blocks[-1].kind != "ol":
                blocks.append(Block("ol"))
            blocks[-1].items.append(numbered.group(2))
            blocks[-1].numbers.append(numbered.group(1))
        else:
            paragraph.append(line)
    flush_paragraph()
    return [b for b in blocks if b.kind != "break"]


def inline_html(text: str) -> str:
    return _BOLD.sub(r"<strong>\1</strong>", escape(text))


def inline_runs(text: str) -> list[tuple[str, bool]]:
    """The text as (piece, bold) runs, for Word."""
    runs: list[tuple[str, bool]] = []
    position = 0
    for match in _BOLD.finditer(text):
        if match.start() > position:
            runs.append((text[position : match.start()], False))
        runs.append((match.group(1), True))
        position = match.end()
    if position < len(text):
        runs.append((text[position:], False))
    return runs


def plain(text: str) -> str:
    return _BOLD.sub(r"\1", text)


def to_html(blocks: list[Block], *, heading_level: int = 4) -> SafeString:
    out: list[str] = []
    for index, block in enumerate(blocks):
        if block.kind == "p":
            # A paragraph that leads into a list stays on the page with it ("Our key headlines are:").
            leads_in = index + 1 < len(blocks) and blocks[index + 1].kind in {"ul", "ol"}
            attrs = ' class="letter-lead-in"' if leads_in else ""
            out.append(f"<p{attrs}>{inline_html(block.text)}</p>")
        elif block.kind == "h":
            out.append(f"<h{heading_level}>{inline_html(block.text)}</h{heading_level}>")
        elif block.kind == "ul":
            items = "".join(f"<li>{inline_html(i)}</li>" for i in block.items)
            out.append(f"<ul>{items}</ul>")
        elif block.kind == "ol":
            start = block.numbers[0] if block.numbers else "1"
            items = "".join(
                f'<li value="{escape(n)}">{inline_html(i)}</li>'
                for n, i in zip(block.numbers, block.items, strict=True)
            )
            # Browsers number from ``start``; WeasyPrint ignores it, so the print stylesheet resets
            # the counter by class (``list_starts``): recommendations keep their numbers in the PDF.
            out.append(
                f'<ol class="letter-start-{escape(start)}" start="{escape(start)}">{items}</ol>'
            )
    return mark_safe("".join(out))  # noqa: S308 - every piece of text was escaped above


def list_starts(blocks: list[Block]) -> set[int]:
    """The first numbers of the numbered lists that do not start at 1."""
    starts = set()
    for block in blocks:
        if block.kind == "ol" and block.numbers and block.numbers[0].isdigit():
            n = int(block.numbers[0])
            if n > 1:
                starts.add(n)
    return starts
