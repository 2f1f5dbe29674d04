"""Helpers for tests in which two people save at the same moment (threads, real transactions)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from django.db import OperationalError, connections

T = TypeVar("T")


def with_sqlite_retry(action: Callable[[], T]) -> T:
    """SQLite's shared in-memory test database refuses a second connection at once ("table is
    locked") where a database file would wait (its busy timeout). Wait and try again, as the file
    would; the version check in the UPDATE then decides who wins. PostgreSQL never needs this: there
    both transactions really run at once."""
    for _ in range(100):
        try:
            return action()
        except OperationalError as error:
            if connections["default"].vendor != "sqlite" or "locked" not in str(error):
                raise
            time.sleep(0.02)
    return action()
