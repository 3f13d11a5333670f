"""Reading posted, query and configured values: ``None`` for what cannot be read, never an
exception.

Views ask for a value and decide what ``None`` means (a message, a 400); the only
``except ValueError`` of the pages is here, around one conversion each, so that no broad
handler in a view can swallow a bug (issue 15).
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
from datetime import date, time
from decimal import Decimal
from enum import Enum
from typing import TypeVar

from limits import RateLimitItem, parse_many

from ..domain.money import AmountError, parse_german_money

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


def ip_address(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        return None


def rate_limits(text: str) -> tuple[RateLimitItem, ...] | None:
    """Limits such as "3 per hour; 10 per day", or None when they cannot be read."""
    try:
        return tuple(parse_many(text))
    except ValueError:
        return None


def german_money(value: str) -> Decimal | None:
    """An amount typed the German way ("1.234,56"), or None if it is none."""
    try:
        return parse_german_money(value)
    except AmountError:
        return None


def base64_bytes(value: str | None) -> bytes | None:
    """The bytes of a base64 text a page posted back (a file kept between preview and
    confirmation), or None when it is no valid base64."""
    try:
        return base64.b64decode(value or "", validate=True)
    except binascii.Error:
        return None
