"""Next year's fund from this year's guideline (``foerderwerk funds copy``, issue 16.2).

The copy is the same guideline for another year: the key and the name carry the new year
(AIF-2026 → AIF-2027), ``fund.year`` is the new year, and every date – the sessions, their
published deadlines, ``period.latest_end`` – moves by the same number of whole years (29
February becomes 28 February). The budget stays as it was; the fund made from the copy is a
draft until an admin confirms budget and dates. Comments of the original are not carried over:
the copy starts with a comment that says where it came from.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Mapping
from datetime import date
from typing import Any

from .guideline import GuidelineError, load_guideline_text
from .messages import N_, Message

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


class CopyError(ValueError):
    """The guideline cannot be copied to that year; ``message`` says why."""

    def __init__(self, message: Message) -> None:
        super().__init__(message.msgid)
        self.message = message


def shift_date(day: date, years: int) -> date:
    """``day`` moved by whole years; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def key_for_year(key: str, old_year: int, new_year: int) -> str:
    """AIF-2026 → AIF-2027; a key without its year gets the new year appended (AIF → AIF-2027)."""
    old = str(old_year)
    if old in key:
        head, _sep, tail = key.rpartition(old)
        return f"{head}{new_year}{tail}"
    return f"{key}-{new_year}"


def name_for_year(name: str, old_year: int, new_year: int) -> str:
    old = str(old_year)
    if old in name:
        head, _sep, tail = name.rpartition(old)
        return f"{head}{new_year}{tail}"
    return f"{name} {new_year}"


def _shift(value: Any, years: int) -> Any:
    """Every date in ``value`` (TOML dates and ISO date strings) moved by ``years``."""
    if isinstance(value, date):
        return shift_date(value, years)
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        try:
            return shift_date(date.fromisoformat(value), years).isoformat()
        except ValueError:
            return value
    if isinstance(value, list):
        return [_shift(item, years) for item in value]
    if isinstance(value, dict):
        return {key: _shift(item, years) for key, item in value.items()}
    return value


def copy_guideline_text(text: str, year: int, *, source: str = "") -> str:
    """The guideline ``text`` for ``year`` (see the module). Raises :class:`GuidelineError`
    for a text the reader does not accept and :class:`CopyError` for a year that is not
    after the guideline's own."""
    rules = load_guideline_text(text)
    if year <= rules.year:
        raise CopyError(
            Message(
                N_("The copy must be for a year after %(year)s. Please give a later year."),
                {"year": str(rules.year)},
            )
        )
    if year >= 2200:
        raise CopyError(Message(N_("The year %(year)s is implausible."), {"year": str(year)}))
    years = year - rules.year
    data = _shift(tomllib.loads(text), years)
    fund = data["fund"]
    fund["key"] = key_for_year(rules.fund_key, rules.year, year)
    fund["name"] = name_for_year(rules.fund_name, rules.year, year)
    fund["year"] = year
    header = [
        f"# Fördergrundsätze {fund['name']} – Entwurf, übernommen aus {rules.fund_key}"
        + (f" ({source})" if source else ""),
        "# Sitzungstermine und Fristen sind um ganze Jahre verschoben, das Budget ist",
        "# übernommen: beides bitte prüfen und bestätigen, bevor der Fonds geöffnet wird.",
    ]
    copied = dump_toml(data, header)
    try:
        load_guideline_text(copied)
    except GuidelineError as exc:  # pragma: no cover – the writer's own bug
        raise AssertionError(f"copied guideline does not read back: {exc}") from exc
    return copied


# -- a small TOML writer for what a guideline holds ----------------------------------------------


def _key(key: str) -> str:
    return key if _BARE_KEY.fullmatch(key) else json.dumps(key, ensure_ascii=False)


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        # a JSON string is a valid TOML basic string (the same escapes)
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(_value(item) for item in value) + "]"
    if isinstance(value, Mapping):
        inner = ", ".join(f"{_key(str(k))} = {_value(v)}" for k, v in value.items())
        return "{ " + inner + " }" if inner else "{}"
    raise TypeError(f"cannot write {type(value).__name__} as TOML")


def dump_toml(data: Mapping[str, Any], header: list[str] | None = None) -> str:
    """``data`` as TOML: top-level values first, then one ``[table]`` per top-level mapping
    (deeper mappings as inline tables)."""
    lines = list(header or [])
    for key, value in data.items():
        if not isinstance(value, Mapping):
            lines.append(f"{_key(key)} = {_value(value)}")
    for key, value in data.items():
        if isinstance(value, Mapping):
            lines += ["", f"[{_key(key)}]"]
            lines += [f"{_key(str(k))} = {_value(v)}" for k, v in value.items()]
    return "\n".join(lines) + "\n"
