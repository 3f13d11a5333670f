"""How Förderwerk writes money, numbers, dates, periods and catalogue labels for people.

The one source for every page, e-mail, document and command (issue 17, item 3): the Jinja
filters (service/web/filters.py), the document contexts (service/rendering/context/common.py),
the localizer of domain messages and the command line (service/i18n.py) and the form fields
(forms/fields.py) all call these functions, so "450,00 €" cannot be written three ways.

One style per context (docs/decisions.md, "Eine Formatierung"):

* money: ``1.234,56 €`` – always two places, rounded half up to the cent; a non-breaking
  space before the sign on pages, in e-mails and on the command line (the amount never
  breaks away from its €), an ordinary space in documents (the PDF's text is searched as
  it is printed);
* dates: ``04.12.2026`` in tables, lists, facts and forms (:func:`short_date`);
  ``4. Dezember 2026`` in running text (:func:`long_date`); ``Freitag, 4. Dezember 2026``
  for the day of a session (:func:`weekday_date`); points in time as the clock in Germany
  showed them, ``23.11.2026, 14:05`` (:func:`berlin_time`);
* periods: ``1. Mai bis 30. Juni 2026`` (:func:`period`; the year once when both days share
  it);
* catalogue keys (``honorare``, ``verein``) and labelled enums: their translated label
  (:func:`label`); a key no catalogue knows is shown as it is, never dropped.

Pure: Babel's CLDR data does the locale's work; translation is handed in as a callable
(``gettext``), because the domain cannot reach a catalog.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import Enum
from typing import Any

from babel.dates import format_date, format_datetime, format_skeleton, get_timezone
from babel.numbers import format_currency, format_decimal

from . import catalogues
from .labelled import LabelledEnum
from .messages import N_

DEFAULT_LOCALE = "de"
NBSP = "\u00a0"
TIMEZONE = "Europe/Berlin"
CENT = Decimal("0.01")

Translate = Callable[[str], str]

# a period in running text: "1. Mai bis 30. Juni 2026"; open ends
PERIOD = N_("%(start)s to %(end)s")
PERIOD_FROM = N_("from %(start)s")
PERIOD_UNTIL = N_("until %(end)s")

# Every catalogue of keys a person may meet, by the name the templates use (``|label("…")``).
CATALOGUES: Mapping[str, Mapping[str, str]] = {
    "cost_category": catalogues.COST_CATEGORIES,
    "legal_form": catalogues.LEGAL_FORMS,
    "field_of_action": catalogues.FIELDS_OF_ACTION,
    "target_group": catalogues.TARGET_GROUPS,
    "fund_kind": catalogues.FUND_KINDS,
    "deciding_body": catalogues.DECIDING_BODIES,
    "financing_type": catalogues.FINANCING_TYPES,
    "declaration": catalogues.DECLARATIONS,
}


def _is_german(locale: str) -> bool:
    return str(locale).lower().startswith("de")


# --------------------------------------------------------------------------- numbers


def as_decimal(value: Any) -> Decimal | None:
    """A number from a Decimal, an int or interchange text ("480.00"); None for anything
    else (empty, a flag, text that is no number, infinity)."""
    if value is None or isinstance(value, bool) or value == "":
        return None
    if isinstance(value, Decimal):
        number = value
    else:
        try:
            number = Decimal(str(value).strip())
        except (InvalidOperation, ValueError):
            return None
    return number if number.is_finite() else None


def money(value: Any, *, locale: str = DEFAULT_LOCALE, space: str = NBSP) -> str:
    """``1.234,56 €`` (German), ``€1,234.56`` (English); "" where ``value`` is no amount.
    ``space`` stands between amount and sign: non-breaking on screen, " " in documents."""
    number = as_decimal(value)
    if number is None:
        return ""
    cents = number.quantize(CENT, rounding=ROUND_HALF_UP)
    text = str(format_currency(cents, "EUR", locale=locale, format_type="standard"))
    return text.replace(NBSP, space)


def decimal_text(value: Any, places: int | None = 2, *, locale: str = DEFAULT_LOCALE) -> str:
    """A number without a unit in the locale's notation, as a form field shows it:
    ``1.234,50`` (``places=2``) or ``2,5`` (``places=None``: as many places as written)."""
    number = as_decimal(value)
    if number is None:
        return ""
    if places is not None:
        number = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
        pattern = "#,##0." + "0" * places if places else "#,##0"
    else:
        exponent = number.as_tuple().exponent
        written = -exponent if isinstance(exponent, int) and exponent < 0 else 0
        pattern = "#,##0." + "0" * written if written else "#,##0"
    return str(format_decimal(number, format=pattern, locale=locale, decimal_quantization=False))


def number(value: Any, *, locale: str = DEFAULT_LOCALE) -> str:
    """A quantity: ``2,5``, ``1.200`` (up to three places, no trailing zeros)."""
    figure = as_decimal(value)
    if figure is None:
        return ""
    return str(format_decimal(figure, format="#,##0.###", locale=locale))


def percent(rate: Any, *, locale: str = DEFAULT_LOCALE, space: str = " ") -> str:
    """A share given as a fraction: 0.9 → ``90 %``, 0.125 → ``12,5 %`` (German puts a space
    before the sign, English none). An ordinary space everywhere: the rules engine's stored
    messages write the share so, and a page must not show it two ways."""
    share = as_decimal(rate)
    if share is None:
        return ""
    shown = str(format_decimal(share * 100, format="#,##0.##", locale=locale))
    return f"{shown}{space}%" if _is_german(locale) else f"{shown}%"


# --------------------------------------------------------------------------- dates


def as_date(value: Any) -> date | None:
    """A day from a date or interchange text ("2026-05-01"); None for anything else."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def short_date(value: Any, *, locale: str = DEFAULT_LOCALE) -> str:
    """``04.12.2026`` – tables, lists, facts; English: ``Dec 4, 2026``."""
    day = as_date(value)
    if day is None:
        return ""
    pattern = "dd.MM.yyyy" if _is_german(locale) else "medium"
    return str(format_date(day, format=pattern, locale=locale))


def long_date(value: Any, *, locale: str = DEFAULT_LOCALE) -> str:
    """``4. Dezember 2026`` – dates in running text."""
    day = as_date(value)
    return "" if day is None else str(format_date(day, format="long", locale=locale))


def weekday_date(value: Any, *, locale: str = DEFAULT_LOCALE) -> str:
    """``Freitag, 4. Dezember 2026`` – the day of a session in an invitation."""
    day = as_date(value)
    return "" if day is None else str(format_date(day, format="full", locale=locale))


def berlin_time(
    value: datetime | None, *, locale: str = DEFAULT_LOCALE, seconds: bool = False
) -> str:
    """A point in time as the clock in Germany showed it: ``23.11.2026, 14:05`` (with
    ``seconds``: ``23.11.2026, 14:05:09``). A naive value is UTC, as the service stores every
    point in time."""
    if value is None:
        return ""
    moment = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    if _is_german(locale):
        pattern = "dd.MM.yyyy, HH:mm:ss" if seconds else "dd.MM.yyyy, HH:mm"
    else:
        pattern = "medium" if seconds else "short"
    return str(
        format_datetime(moment, format=pattern, tzinfo=get_timezone(TIMEZONE), locale=locale)
    )


def period(start: Any, end: Any, gettext: Translate, *, locale: str = DEFAULT_LOCALE) -> str:
    """``1. Mai bis 30. Juni 2026``; the year only once when both days are in the same one;
    ``ab 1. Mai 2026`` / ``bis 30. Juni 2026`` where one end is open."""
    first, last = as_date(start), as_date(end)
    if first is None and last is None:
        return ""
    if last is None:
        return gettext(PERIOD_FROM) % {"start": long_date(first, locale=locale)}
    if first is None:
        return gettext(PERIOD_UNTIL) % {"end": long_date(last, locale=locale)}
    if first.year == last.year and first != last:
        shown_start = str(format_skeleton("MMMMd", first, locale=locale))
    else:
        shown_start = long_date(first, locale=locale)
    if first == last:
        return long_date(first, locale=locale)
    return gettext(PERIOD) % {"start": shown_start, "end": long_date(last, locale=locale)}


def iban(value: Any, *, space: str = " ") -> str:
    """An IBAN in groups of four, as printed on German forms: ``DE02 1203 0000 …``;
    documents join the groups with ``space=NBSP`` so a line never breaks inside it."""
    compact = "".join(str(value or "").split()).upper()
    return space.join(compact[i : i + 4] for i in range(0, len(compact), 4))


_IBAN_IN_TEXT = re.compile(
    r"(?P<label>IBAN:?[ \u00a0]*)?\b(?P<iban>[A-Z]{2}\d{2}(?:[ \u00a0]?[A-Z0-9]{4}){2,7}"
    r"(?:[ \u00a0]?[A-Z0-9]{1,3})?)\b"
)


def unbreakable_ibans(text: str) -> str:
    """``text`` (a bank line of the settings: "Sparkasse …, IBAN DE12 5001 …") with every
    IBAN in groups of four joined by non-breaking spaces, and "IBAN" kept with it."""

    def grouped(match: re.Match[str]) -> str:
        label = match.group("label") or ""
        if label:
            label = label.rstrip(" \u00a0") + NBSP
        return label + iban(match.group("iban"), space=NBSP)

    return _IBAN_IN_TEXT.sub(grouped, text)


# --------------------------------------------------------------------------- quotes

# German quotation marks: „double“ and, inside them, ‚single‘ (DIN 5008). "”" closes a
# double quote too (typed on English keyboards); "’" is the apostrophe and no quote.
_OPENING = {"„": "double", "‚": "single"}
_CLOSING = {"“": "double", "”": "double", "‘": "single"}
_MARKS = {"double": ("„", "“"), "single": ("‚", "‘")}


def quote_edits(text: str) -> dict[int, str]:
    """What makes the nesting of German quotation marks in ``text`` correct: position →
    replacement ("" removes the mark). Text already in quotes that is quoted again
    („„Titel““, a template's quotes around a user's) loses the inner pair; quotes inside
    quotes of the same kind alternate („… ‚…‘ …“). Text whose marks do not pair up is left
    as it is (an apostrophe-like or English use cannot be told apart)."""
    stack: list[int] = []
    parent: dict[int, int | None] = {}
    close_of: dict[int, int] = {}
    for position, char in enumerate(text):
        if char in _OPENING:
            parent[position] = stack[-1] if stack else None
            stack.append(position)
        elif char in _CLOSING:
            if not stack or _OPENING[text[stack[-1]]] != _CLOSING[char]:
                return {}
            close_of[stack.pop()] = position
    if stack:
        return {}
    edits: dict[int, str] = {}
    kind: dict[int, str] = {}  # the kind of each pair that stays, after the edits

    def only_removed(start: int, end: int) -> bool:
        return all(edits.get(position) == "" for position in range(start, end))

    for opening in sorted(close_of):
        closing = close_of[opening]
        kept = parent[opening]
        while kept is not None and kept not in kind:
            kept = parent[kept]
        if (
            kept is not None
            and only_removed(kept + 1, opening)
            and only_removed(closing + 1, close_of[kept])
        ):
            edits[opening] = edits[closing] = ""  # quoted twice: the inner pair goes
            continue
        own = _OPENING[text[opening]]
        if kept is not None and kind[kept] == own:
            own = "single" if own == "double" else "double"
        kind[opening] = own
        marks = _MARKS[own]
        if text[opening] != marks[0]:
            edits[opening] = marks[0]
        if text[closing] != marks[1]:
            edits[closing] = marks[1]
    return edits


def nest_quotes(text: str) -> str:
    """``text`` with :func:`quote_edits` applied."""
    edits = quote_edits(text)
    if not edits:
        return text
    return "".join(edits.get(position, char) for position, char in enumerate(text))


# --------------------------------------------------------------------------- labels


def label(key: Any, catalogue: Mapping[str, str] | str | None = None, *, gettext: Translate) -> str:
    """The translated label of a catalogue key or a labelled enum member. ``catalogue`` is
    a mapping of keys to msgids or the name of one of :data:`CATALOGUES`; an enum member
    carries its own label. A key nobody knows is shown as it is."""
    if isinstance(key, LabelledEnum):
        return gettext(key.label)
    if isinstance(key, Enum):
        key = key.value
    if key is None or isinstance(key, bool):
        return ""
    text = str(key)
    found = CATALOGUES.get(catalogue, {}) if isinstance(catalogue, str) else catalogue
    if found is None:
        found = _ALL_LABELS
    msgid = found.get(text)
    return gettext(msgid) if msgid else text


def labels(
    keys: Iterable[Any] | None,
    catalogue: Mapping[str, str] | str | None = None,
    *,
    gettext: Translate,
    separator: str = ", ",
) -> str:
    """Several keys' labels in their order, joined: ``Kinder, Jugendliche``."""
    if keys is None or isinstance(keys, (str, bytes)):
        return label(keys, catalogue, gettext=gettext) if keys else ""
    return separator.join(label(key, catalogue, gettext=gettext) for key in keys)


def catalogue_keys() -> frozenset[str]:
    """Every key of every catalogue: what must never reach a person as it is."""
    return frozenset(_ALL_LABELS)


# keys of all catalogues (they do not overlap; a test says so)
_ALL_LABELS: dict[str, str] = {
    key: msgid for catalogue in CATALOGUES.values() for key, msgid in catalogue.items()
}
