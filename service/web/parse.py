"""Reading posted and query values: ``None`` for what cannot be read, never an exception.

Views ask for a value and decide what ``None`` means (a message, a 400); the only
``except ValueError`` of the pages is here, around one conversion each, so that no broad
handler in a view can swallow a bug (issue 15).
"""

from __future__ import annotations

from datetime import date, time
from enum import Enum
from typing import TypeVar

E = TypeVar("E", bound=Enum)


def integer(value: str | None) -> int | None:
    try:
        return int(value or "")
    except ValueError:
        return None


def iso_date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value or "")
    except ValueError:
        return None


def iso_time(value: str | None) -> time | None:
    try:
        return time.fromisoformat(value) if value else None
    except ValueError:
        return None


def member(kind: type[E], value: str | None) -> E | None:
    """The enum member with this value, or None."""
    try:
        return kind(value)
    except ValueError:
        return None
