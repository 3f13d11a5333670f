"""The base rate (Basiszinssatz, § 247 BGB) as a dated table – data, never code.

The Deutsche Bundesbank sets the rate on 1 January and 1 July and publishes it in the
Bundesanzeiger. The table shipped with Förderwerk lives in ``base_rates.toml`` next to this
module, with its source; an administrator keeps it current. ``check closing`` brings its own
rows in the input (spec/rules.md) and uses the same :class:`BaseRateTable`, so the rate of a
day is looked up in one place only.
"""

from __future__ import annotations

import bisect
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from .formatting import decimal_text
from .messages import N_, Message
from .money import AmountError, parse_decimal

SHIPPED_FILE = "base_rates.toml"
# The Bundesbank publishes the rate with two places; four leave room without inviting typos.
RATE_PLACES = 4
_ROW_KEYS = frozenset({"from", "rate", "unsure"})
_SOURCE_KEYS = frozenset({"name", "url"})


@dataclass(frozen=True)
class BaseRate:
    """The base rate in percent per year from ``start`` until the next row's start."""

    start: date
    rate: Decimal
    # shipped without a second source: an administrator should compare it (see the data file)
    unsure: bool = False
    # where this row's value was published (the rows an administrator adds name their own)
    source: str = ""


class NoBaseRate(LookupError):
    """A day before the first row of the table: no rate is known for it."""

    def __init__(self, day: date) -> None:
        self.day = day
        super().__init__(f"no base rate for {day.isoformat()}")


class BaseRateTableError(ValueError):
    """The table file cannot be used. ``problems`` holds (key, English description)."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{key}: {text}" for key, text in problems))


@dataclass(frozen=True)
class BaseRateTable:
    """Rows sorted by start day, no two with the same start (build with :meth:`of`)."""

    rates: tuple[BaseRate, ...]
    source: str = ""
    url: str = ""

    @classmethod
    def of(cls, rows: Iterable[BaseRate], source: str = "", url: str = "") -> BaseRateTable:
        ordered = tuple(sorted(rows, key=lambda row: row.start))
        starts = [row.start for row in ordered]
        if len(set(starts)) != len(starts):
            raise ValueError("two base rates start on the same day")
        return cls(ordered, source, url)

    @property
    def first_day(self) -> date | None:
        return self.rates[0].start if self.rates else None

    def rate_on(self, day: date) -> Decimal:
        """The rate of the row with the latest start ≤ ``day``; :class:`NoBaseRate` before
        the first row."""
        index = bisect.bisect_right([row.start for row in self.rates], day) - 1
        if index < 0:
            raise NoBaseRate(day)
        return self.rates[index].rate

    def periods(self, start: date, end: date) -> list[tuple[date, date, Decimal]]:
        """The days from ``start`` (inclusive) to ``end`` (exclusive) split where a row starts:
        (first day, day after the last, rate) per row they touch, in date order. Empty when
        ``end`` ≤ ``start``; raises :class:`NoBaseRate` when ``start`` lies before the first
        row."""
        if end <= start:
            return []
        self.rate_on(start)  # raises for a day before the first row
        result: list[tuple[date, date, Decimal]] = []
        for index, row in enumerate(self.rates):
            row_end = self.rates[index + 1].start if index + 1 < len(self.rates) else None
            lo = max(start, row.start)
            hi = end if row_end is None else min(end, row_end)
            if hi > lo:
                result.append((lo, hi, row.rate))
        return result

    def stretches(self, start: date, end: date) -> list[tuple[int, Decimal]]:
        """The days from ``start`` (inclusive) to ``end`` (exclusive) grouped by rate:
        (number of days, rate) per row they touch (see :meth:`periods`)."""
        return [((hi - lo).days, rate) for lo, hi, rate in self.periods(start, end)]

    def missing_publication(self, today: date) -> date | None:
        """The first day of the current half-year when the table has no row for it yet (the
        Bundesbank publishes one every 1 January and 1 July), else None."""
        half_year = date(today.year, 7 if today.month >= 7 else 1, 1)
        if any(row.start == half_year for row in self.rates):
            return None
        return half_year


def parse_base_rate_table(text: str) -> BaseRateTable:
    """The table from its TOML text; every problem is collected (:class:`BaseRateTableError`)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise BaseRateTableError([("", str(exc))]) from exc
    problems: list[tuple[str, str]] = []
    for key in data:
        if key not in ("source", "rate"):
            problems.append((key, "unknown key"))
    source = _source(data.get("source"), problems)
    rows_raw = data.get("rate")
    if not isinstance(rows_raw, list) or not rows_raw:
        problems.append(("rate", "at least one [[rate]] row is needed"))
        rows_raw = []
    rows: list[BaseRate] = []
    seen: set[date] = set()
    for index, raw in enumerate(rows_raw):
        row = _row(raw, f"rate[{index}]", problems)
        if row is None:
            continue
        if row.start in seen:
            problems.append((f"rate[{index}].from", "a second row with this first day"))
            continue
        seen.add(row.start)
        rows.append(row)
    if problems:
        raise BaseRateTableError(problems)
    return BaseRateTable.of(rows, source.get("name", ""), source.get("url", ""))


def _source(raw: Any, problems: list[tuple[str, str]]) -> dict[str, str]:
    if not isinstance(raw, Mapping) or not isinstance(raw.get("name"), str) or not raw["name"]:
        problems.append(("source.name", "the source of the rates is required"))
        return {}
    for key, value in raw.items():
        if key not in _SOURCE_KEYS:
            problems.append((f"source.{key}", "unknown key"))
        elif not isinstance(value, str):
            problems.append((f"source.{key}", "must be a text"))
    return {k: v for k, v in raw.items() if isinstance(v, str)}


def _row(raw: Any, path: str, problems: list[tuple[str, str]]) -> BaseRate | None:
    if not isinstance(raw, Mapping):
        problems.append((path, "must be a table with from and rate"))
        return None
    for key in raw:
        if key not in _ROW_KEYS:
            problems.append((f"{path}.{key}", "unknown key"))
    start = raw.get("from")
    # a TOML date; a datetime is a date too, but a time of day has no place here
    if not isinstance(start, date) or hasattr(start, "hour"):
        problems.append((f"{path}.from", "must be a date such as 2026-01-01"))
        start = None
    rate: Decimal | None = None
    try:
        # text, so that no float ever holds a rate ("1.27", "-0.88")
        if not isinstance(raw.get("rate"), str):
            raise AmountError("format", RATE_PLACES)
        rate = parse_decimal(raw["rate"], places=RATE_PLACES, minimum="any")
    except AmountError:
        problems.append(
            (f"{path}.rate", f'must be a text such as "1.27" (at most {RATE_PLACES} places)')
        )
    unsure = raw.get("unsure", False)
    if not isinstance(unsure, bool):
        problems.append((f"{path}.unsure", "must be true or false"))
        unsure = False
    if start is None or rate is None:
        return None
    return BaseRate(start, rate, unsure)


@cache
def shipped_base_rates() -> BaseRateTable:
    """The table shipped with Förderwerk (``service/domain/base_rates.toml``)."""
    return parse_base_rate_table(Path(__file__).with_name(SHIPPED_FILE).read_text("utf-8"))


# -- a new row kept by an administrator (issue 19.3) ------------------------------------------

# The Bundesbank publishes the rate with two places (§ 247 Abs. 2 BGB: "Basiszinssatz … in
# Prozent"); an administrator types it as published.
ENTRY_PLACES = 2
# Plausible: every published rate since 2002 lies between -0.88 and 3.62 percent; a value
# outside these bounds is a typo (a missing minus sign is not caught, a "127" instead of
# "1,27" is).
PLAUSIBLE_LOW = Decimal("-5.00")
PLAUSIBLE_HIGH = Decimal("10.00")
MAX_SOURCE = 300

_RATE_TEXT = re.compile(r"[+-]?\d{1,3}(?:[,.]\d{1,4})?")


def parse_rate_text(text: str) -> Decimal | None:
    """A rate as a person types it: "1,27", "-0,88", "1.27", "−0,88", with or without "%";
    None when it is no number."""
    cleaned = text.strip().replace("\u2212", "-").removesuffix("%").strip().replace(" ", "")
    if not _RATE_TEXT.fullmatch(cleaned):
        return None
    return Decimal(cleaned.replace(",", "."))


def next_half_year(day: date) -> date:
    """The first 1 January or 1 July after ``day``."""
    return date(day.year, 7, 1) if day.month < 7 else date(day.year + 1, 1, 1)


def new_rate_problems(
    table: BaseRateTable, start: date | None, rate: Decimal | None, source: str, today: date
) -> list[tuple[str, Message]]:
    """What keeps a new row (``start``, ``rate`` in percent, ``source``) out of ``table``:
    (field – ``from``, ``rate`` or ``source`` –, German-ready message) for the person who
    typed it; empty when it may be added.

    The rate changes only on 1 January and 1 July (§ 247 Abs. 1 Satz 2 BGB); a day the table
    has already is a correction, not a new row; the Bundesbank publishes the value shortly
    before the half-year begins, so the next half-year may be entered, a later one not."""
    problems: list[tuple[str, Message]] = []

    def add(field: str, message: Message) -> None:
        problems.append((field, message))

    if start is None:
        add("from", Message(N_("Please enter the first day of the rate, e.g. 01.07.2026.")))
    elif (start.month, start.day) not in ((1, 1), (7, 1)):
        add(
            "from",
            Message(
                N_(
                    "The base rate changes only on 1 January and 1 July (§ 247 BGB). Please "
                    "enter one of these days instead of %(day)s."
                ),
                {"day": start},
            ),
        )
    elif any(row.start == start for row in table.rates):
        add(
            "from",
            Message(
                N_(
                    "The table already has a base rate from %(day)s. A half-year is entered "
                    "once; if the value is wrong, please contact the operator."
                ),
                {"day": start},
            ),
        )
    elif start > next_half_year(today):
        add(
            "from",
            Message(
                N_(
                    "The base rate from %(day)s has not been published yet: the Bundesbank "
                    "announces it shortly before the half-year begins. The latest day you can "
                    "enter now is %(latest)s."
                ),
                {"day": start, "latest": next_half_year(today)},
            ),
        )
    if rate is None:
        add(
            "rate",
            Message(N_("Please enter the rate in percent as published, e.g. 1,27 or -0,88.")),
        )
    elif rate != rate.quantize(Decimal(1).scaleb(-ENTRY_PLACES)):
        add(
            "rate",
            Message(
                N_("The Bundesbank publishes the base rate with two decimal places, e.g. 1,27.")
            ),
        )
    elif not PLAUSIBLE_LOW <= rate <= PLAUSIBLE_HIGH:
        add(
            "rate",
            Message(
                N_(
                    "A base rate of %(rate)s percent is not plausible (expected between "
                    "%(low)s and %(high)s). Please check the value: it is entered in "
                    "percent, e.g. 1,27."
                ),
                {
                    "rate": rate_text(rate),
                    "low": rate_text(PLAUSIBLE_LOW),
                    "high": rate_text(PLAUSIBLE_HIGH),
                },
            ),
        )
    if not source.strip():
        add(
            "source",
            Message(
                N_(
                    "Please name the source of the value, e.g. “Deutsche Bundesbank, "
                    "Bundesanzeiger of 30.06.2026”."
                )
            ),
        )
    elif len(source.strip()) > MAX_SOURCE:
        add(
            "source",
            Message(N_("Please shorten the source to %(max)s characters."), {"max": MAX_SOURCE}),
        )
    return problems


def rate_text(rate: Decimal) -> str:
    """A rate in percent as text without the percent sign: "1,27", "-0,88"."""
    return decimal_text(rate, ENTRY_PLACES)
