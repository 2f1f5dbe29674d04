"""How ready one review is, and what stands in the way of issuing its letter: the registry each app
adds to (as ``core.attention`` does across a person's reviews).

An app registers a provider in its AppConfig.ready(). A provider takes the review, today's date and
``may`` (does the person looking hold this right on the review? ``None``: everything, for the checks
made before issuing) and returns ``Figure``s, in a fixed number of queries whatever the size of the
review (the overview must not grow in queries with the data). A figure says what is done of what is
owed, links to the page where the work is, and carries the ``Check``s it means for issuing the letter:
a blocker (nobody issues past it) or a warning (the lead reviewer confirms it to issue).

The review overview shows the figures; the "Before you issue" page lists their checks. Both ask
``for_review``, so they always agree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Check:
    key: str  # stable, in the confirmation form: "findings-draft"
    text: str  # what stands in the way, in words: "3 findings are still in draft"
    url: str  # straight to the work
    blocker: bool = False  # True: the letter cannot be issued; False: a warning to confirm


@dataclass(frozen=True)
class Figure:
    key: str
    label: str  # what is counted: "Findings agreed"
    value: str  # how far: "5 of 8"
    url: str  # straight to the work
    link_text: str  # "Go to the findings"
    done: bool = False  # nothing more is owed
    order: int = 100  # place on the overview
    details: tuple[str, ...] = ()  # e.g. one line per auditor
    checks: tuple[Check, ...] = field(default_factory=tuple)

    @property
    def blocks(self) -> bool:
        """Stops the letter being issued."""
        return any(c.blocker for c in self.checks)


May = Callable[[str], bool]
Provider = Callable[[Any, dt.date, May], list[Figure]]
PROVIDERS: dict[str, Provider] = {}


def register(key: str, provider: Provider) -> None:
    PROVIDERS.setdefault(key, provider)


def everything(right: str) -> bool:
    """``may`` for a check made whoever looks: every figure, every right."""
    return True


def for_review(review: Any, today: dt.date, may: May | None = None) -> list[Figure]:
    """The figures of this review the person may see (``may``), in their order on the overview."""
    check = may or everything
    figures = [f for provider in PROVIDERS.values() for f in provider(review, today, check)]
    return sorted(figures, key=lambda f: (f.order, f.key))


def checks_for(review: Any, today: dt.date) -> tuple[list[Check], list[Check]]:
    """What stands in the way of issuing the letter, whoever looks: (blockers, warnings)."""
    checks = [c for f in for_review(review, today) for c in f.checks]
    return [c for c in checks if c.blocker], [c for c in checks if not c.blocker]
