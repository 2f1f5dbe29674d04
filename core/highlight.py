"""Search words, and the matched words of a text marked for the reader, the one way.

Every piece of the text is escaped before any ``<mark>`` is put around it, so a text holding
``<script>`` shows as those characters, never as markup. PostgreSQL's ``ts_headline`` marks its
matches with two private-use characters (``START``/``STOP``), which ``marked_to_html`` turns into
``<mark>`` after escaping; SQLite's fallback finds the words itself (``highlight``).
"""

from __future__ import annotations

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

MAX_QUERY_LENGTH = 200
MAX_WORDS = 10
START = "\ue000"
STOP = "\ue001"
_WORD = re.compile(r"[\w'’-]+")


def search_words(query: str) -> list[str]:
    """The words of a search, at most ``MAX_WORDS`` and each once (case ignored)."""
    words: list[str] = []
    for word in _WORD.findall(query[:MAX_QUERY_LENGTH]):
        word = word.strip("'’-")
        if word and word.lower() not in (w.lower() for w in words):
            words.append(word)
    return words[:MAX_WORDS]


def _excerpt(text: str, start: int, length: int) -> tuple[str, bool, bool]:
    """``length`` characters of ``text`` from near ``start``, cut at spaces where it can."""
    if len(text) <= length:
        return text, False, False
    begin = max(0, start - length // 3)
    if begin:
        space = text.find(" ", begin)
        begin = space + 1 if 0 <= space < start else begin
    end = min(len(text), begin + length)
    if end < len(text):
        space = text.rfind(" ", begin, end)
        end = space if space > begin else end
    return text[begin:end], begin > 0, end < len(text)


def highlight(text: str, words: list[str], *, length: int = 300) -> SafeString:
    """An excerpt of ``text`` around the first matched word, every match of ``words`` in <mark>."""
    pattern = (
        re.compile(
            "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)), re.IGNORECASE
        )
        if words
        else None
    )
    first = pattern.search(text) if pattern else None
    excerpt, before, after = _excerpt(text, first.start() if first else 0, length)
    pieces = ["… " if before else ""]
    position = 0
    for match in pattern.finditer(excerpt) if pattern else ():
        pieces.append(escape(excerpt[position : match.start()]))
        pieces.append(f"<mark>{escape(match.group())}</mark>")
        position = match.end()
    pieces.append(escape(excerpt[position:]))
    pieces.append(" …" if after else "")
    return mark_safe("".join(pieces))  # noqa: S308 - every piece of the text was escaped above


def marked_to_html(marked: str, *, whole: str) -> SafeString | None:
    """A ``ts_headline`` result (matches between START and STOP) as escaped HTML with <mark>, or
    None when the original text itself holds those characters (then ``highlight`` is used)."""
    if START in whole or STOP in whole:
        return None
    plain = marked.replace(START, "").replace(STOP, "").strip()
    text = str(escape(marked.strip())).replace(START, "<mark>").replace(STOP, "</mark>")
    stripped = whole.strip()
    before = "… " if plain and not stripped.startswith(plain) else ""
    after = " …" if plain and not stripped.endswith(plain) else ""
    return mark_safe(before + text + after)  # noqa: S308 - escaped; only our markers became <mark>
