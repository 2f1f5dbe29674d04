"""What needs each person now, across all their reviews: the registry each app adds to.

An app registers a provider in its AppConfig.ready(); a provider takes the person and today's date and
returns ``Item``s, in a fixed number of queries whatever the number of reviews (the "Needs your
attention" list on Your reviews must not grow in queries with the data). ``for_person`` gathers
them, overdue first, then by due date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Item:
    text: str  # what to do, in words: "Upload 3 documents"
    url: str  # straight to the work
    review: str = ""  # which review, by its title
    due: dt.date | None = None
    overdue: bool = False
    urgent: bool = False  # a safeguarding alert: always first


Provider = Callable[[Any, dt.date], list[Item]]
PROVIDERS: dict[str, Provider] = {}


def register(key: str, provider: Provider) -> None:
    PROVIDERS.setdefault(key, provider)


def for_person(user: Any, today: dt.date) -> list[Item]:
    items = [item for provider in PROVIDERS.values() for item in provider(user, today)]
    return sorted(
        items,
        key=lambda i: (not i.urgent, not i.overdue, i.due or dt.date.max, i.review, i.text),
    )
