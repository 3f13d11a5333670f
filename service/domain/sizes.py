"""Byte counts and counts as people read them in messages: "2 MB", "0,5 MB", "300.000"."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

MEGABYTE = 1024 * 1024


def megabytes(size: int) -> str:
    """``size`` bytes in MB (2^20 bytes, as the limits are set) with at most one decimal place
    and the German decimal comma: 2 MB, 0,2 MB, 25 MB."""
    value = (Decimal(size) / MEGABYTE).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    if value == 0 and size > 0:
        value = Decimal("0.1")  # a limit is never shown as "0 MB"
    text = f"{value.normalize():f}".replace(".", ",")
    return f"{text} MB"


def count(number: int) -> str:
    """A count with German digit grouping: 300.000."""
    return f"{number:,}".replace(",", ".")
