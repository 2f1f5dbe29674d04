"""How a letter writes numbers, lists and dates: "two days", "20 cases", "26, 27 and 28 June 2018"."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

_WORDS = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
_ORDINALS = [
    "",
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
]


def number(n: int) -> str:
    """Numbers one to nine in words, 10 and above in figures (the usual style of a letter)."""
    return _WORDS[n] if 0 <= n < 10 else f"{n:,}"


def ordinal(n: int) -> str:
    return _ORDINALS[n] if 0 < n < 10 else f"{n}th"


def counted(n: int, singular: str, plural: str | None = None) -> str:
    """``counted(2, "day")`` is "two days"; ``counted(1, "case")`` is "one case"."""
    if plural is None:
        ends_in_y = singular.endswith("y") and singular[-2:-1] not in "aeiou"
        plural = singular[:-1] + "ies" if ends_in_y else singular + "s"
    return f"{number(n)} {singular if n == 1 else plural}"


def times(n: int) -> str:
    """How often: 'once', 'twice', 'three times'."""
    return {1: "once", 2: "twice"}.get(n) or counted(n, "time")


def duration(half_days: int) -> str:
    """How long, from a count of half days: "half a day", "one day", "one and a half days"."""
    whole, half = divmod(max(half_days, 0), 2)
    if not whole:
        return "half a day" if half else "no time"
    if half:
        return f"{number(whole)} and a half days"
    return counted(whole, "day")


# Names that keep their capital inside a sentence ("the Ofsted inspection").
PROPER_NAMES = ("Ofsted",)


def lower_first(text: str) -> str:
    """'Referral' -> 'referral', but 'S47 enquiry', 'MASH' and 'Ofsted inspection' stay as they are."""
    if text.split(" ", 1)[0] in PROPER_NAMES:
        return text
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text


def case_type(n: int, label: str) -> str:
    """'two referrals', 'one section 47 enquiry', 'three early help cases'."""
    name = lower_first(label)
    if name.endswith("help") or name == "other":
        return counted(n, f"{name} case")
    return counted(n, name)


def sentence_case(text: str) -> str:
    return text[:1].upper() + text[1:]


def join(items: Sequence[str], conjunction: str = "and", separator: str = ", ") -> str:
    """'a', 'a and b', 'a, b and c'; with ``separator="; "``, 'a; b and c' (for items that have
    commas of their own, like 'Jane Smith, Service Manager, Barnsley Council')."""
    items = [i for i in items if i]
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    return f"{separator.join(items[:-1])} {conjunction} {items[-1]}"


def long_date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def dates(days: Sequence[dt.date]) -> str:
    """Days as a letter writes them: '26, 27 and 28 June 2018'; '30 June and 1 July 2018'."""
    days = sorted(set(days))
    if not days:
        return ""
    groups: list[list[dt.date]] = []
    for day in days:
        if groups and (groups[-1][-1].year, groups[-1][-1].month) == (day.year, day.month):
            groups[-1].append(day)
        else:
            groups.append([day])
    parts = []
    for index, group in enumerate(groups):
        last_of_year = index == len(groups) - 1 or groups[index + 1][0].year != group[0].year
        numbers = join([str(d.day) for d in group])
        parts.append(f"{numbers} {group[0]:%B}" + (f" {group[0].year}" if last_of_year else ""))
    return join(parts)


def month_year(day: dt.date | None) -> str:
    return f"{day:%B %Y}" if day else ""


def percent(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None
