"""Placeholders in a letter template's free text, title and salutation: ``{host}``, ``{review dates}``.

``PLACEHOLDERS`` is the list the template editor shows (name, what it becomes, an example). A name in
braces that is not in the list is a form error (``unknown``), so a template never prints a gap or a
stray "{". Two braces print one: ``{{`` is "{". A placeholder whose data the review does not have yet
(no coordinator, no dates) prints as a visible note in square brackets, never as nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from reports import wording as w

if TYPE_CHECKING:
    from reports.compose import LetterData

_PLACEHOLDER = re.compile(r"\{\{|\}\}|\{([^{}\n]{0,80})\}")


@dataclass(frozen=True)
class Placeholder:
    name: str
    meaning: str
    example: str
    value: Callable[[LetterData], str]
    missing: str = ""  # what prints when the review has no such data ("" = a note in brackets)


def _review_name(data: LetterData) -> str:
    """The kind of review as a title names it, never "front door ... of the front door"."""
    kind = data.kind
    if "front door" in kind.lower():
        return kind
    return f"{kind} of the front door arrangements"


def _first_name(data: LetterData) -> str:
    name = data.review.addressee_name.strip()
    return name.split()[0] if name else ""


def _cases(data: LetterData) -> str:
    n = data.cases_audited
    return w.counted(n, "case") if n else ""


def _kloes(data: LetterData) -> str:
    n = len(data.kloes)
    return w.counted(n, "key line of enquiry", "key lines of enquiry") if n else ""


PLACEHOLDERS: list[Placeholder] = [
    Placeholder("host", "The host authority's name", "Barnsley", lambda d: d.host_name),
    Placeholder(
        "host council", "The host authority's full name", "Barnsley Council", lambda d: d.host.name
    ),
    Placeholder(
        "lead organisation",
        "The lead organisation's name",
        "East Riding of Yorkshire Council",
        lambda d: d.lead_organisation.display_name,
    ),
    Placeholder("kind", "The kind of review", "Peer challenge", lambda d: d.kind),
    Placeholder(
        "kind in a sentence",
        "The kind of review, as a sentence says it",
        "peer challenge",
        lambda d: w.lower_first(d.kind),
    ),
    Placeholder(
        "review name",
        "The review as a title names it",
        "Peer challenge of the front door arrangements",
        _review_name,
    ),
    Placeholder(
        "month and year",
        "The month the review started",
        "June 2018",
        lambda d: w.month_year(d.review.start_date),
    ),
    Placeholder(
        "review dates", "The review's days", "26, 27 and 28 June 2018", lambda d: w.dates(d.days)
    ),
    Placeholder(
        "duration",
        "How long the review took, from the timetable",
        "two and a half days",
        lambda d: w.duration(d.half_days) if d.days else "",
    ),
    Placeholder(
        "lead reviewer", "The lead reviewer's name", "Paul Dwyerson", lambda d: d.lead_name
    ),
    Placeholder(
        "lead reviewer email",
        "The lead reviewer's email address",
        "paul.dwyerson@example.org",
        lambda d: d.lead.email if d.lead else "",
    ),
    Placeholder(
        "coordinator",
        "The coordinator's name",
        "Rob Maynard",
        lambda d: d.coordinator.name if d.coordinator else "",
    ),
    Placeholder(
        "coordinator email",
        "The coordinator's email address",
        "rob.maynard@example.org",
        lambda d: d.coordinator.email if d.coordinator else "",
    ),
    Placeholder(
        "team",
        "The reviewers, each with their job title and council",
        "Dana Whitby, Service Manager, Northby Council; and Sam Oduya, Team Manager, Leeds",
        lambda d: w.join([p.described for p in d.reviewers], separator="; "),
    ),
    Placeholder("number of cases", "The number of cases audited", "20 cases", _cases),
    Placeholder(
        "number of key lines",
        "The number of key lines of enquiry",
        "seven key lines of enquiry",
        _kloes,
    ),
    Placeholder(
        "framework",
        "The name of the review's key lines of enquiry",
        "Regional self-assessment",
        lambda d: d.framework_name,
    ),
    Placeholder(
        "addressee",
        "The addressee's name",
        "Rhona Dickens",
        lambda d: d.review.addressee_name.strip(),
    ),
    Placeholder(
        "first name",
        "The addressee's first name (“colleague” when there is no addressee)",
        "Rhona",
        _first_name,
        missing="colleague",
    ),
    Placeholder(
        "date", "The date of the letter", "3 July 2018", lambda d: w.long_date(d.letter_date)
    ),
]

BY_NAME: dict[str, Placeholder] = {p.name: p for p in PLACEHOLDERS}


def _normal(name: str) -> str:
    return " ".join(name.lower().replace("_", " ").replace("’", "'").split())


def unknown(text: str, allowed: Collection[str] | None = None) -> list[str]:
    """The placeholders in ``text`` that are not in the list (or not ``allowed``: another
    document's own), as written (for the form's error)."""
    names = BY_NAME if allowed is None else allowed
    out = []
    for match in _PLACEHOLDER.finditer(text or ""):
        name = match.group(1)
        if name is not None and _normal(name) not in names and match.group(0) not in out:
            out.append(match.group(0))
    return out


def error_message(text: str, allowed: Collection[str] | None = None) -> str:
    """The form error for ``text``'s unknown placeholders, or "" when they are all known."""
    bad = unknown(text, allowed)
    if not bad:
        return ""
    such_as = "{host} or {review dates}" if allowed is None else "{host} or {date}"
    return (
        f"{w.join(bad)} {'is not a placeholder' if len(bad) == 1 else 'are not placeholders'}. "
        f"Use one from the list, such as {such_as}, or write {{{{ for a brace"
    )


def values(data: LetterData) -> dict[str, str]:
    return {p.name: p.value(data) for p in PLACEHOLDERS}


def fill(text: str, filled: Mapping[str, str]) -> str:
    """``text`` with each placeholder replaced by its value. An unknown one is left as written (the
    forms refuse them, so only an old template could have one) and a missing value prints a note."""

    def replace(match: re.Match[str]) -> str:
        whole = match.group(0)
        if whole in ("{{", "}}"):
            return whole[0]
        name = _normal(match.group(1))
        placeholder = BY_NAME.get(name)
        if placeholder is None:
            return whole
        value = filled.get(name, "")
        if value:
            return value
        return placeholder.missing or f"[{placeholder.meaning.lower()}: not on the review yet]"

    return _PLACEHOLDER.sub(replace, text or "")
