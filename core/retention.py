"""The retention policy's registry: each app says how to delete its case-level data for a review.

Apps register a purger in their AppConfig.ready(); ``manage.py apply_retention`` runs them for every
review whose letter was issued more than RETENTION_MONTHS ago. The issued letter, the aggregate figures
and the audit trail are never purged.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Purger:
    label: str  # what it deletes, in words: "case audits", "uploaded documents"
    count: Callable[[Any], int]  # how many items would go, for a review
    purge: Callable[[Any], int]  # delete them; returns how many went


PURGERS: list[Purger] = []


def register(*, label: str, count: Callable[[Any], int], purge: Callable[[Any], int]) -> None:
    if any(p.label == label for p in PURGERS):
        return
    PURGERS.append(Purger(label, count, purge))


def months_before(moment: dt.datetime, months: int) -> dt.datetime:
    """The same day and time ``months`` calendar months earlier (31 March - 1 month = 28/29 February)."""
    month_index = moment.year * 12 + (moment.month - 1) - months
    year, month = divmod(month_index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)
