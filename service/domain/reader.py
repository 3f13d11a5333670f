"""Reading an interchange object field by field, collecting every ``input.invalid`` problem.

A getter returns ``None`` for a value that is missing, ``null`` or empty: that is not an input
problem but a rule finding (``field.required`` …) the rules decide on. A value of the wrong
type or format is an ``input.invalid`` finding naming its path (``costs[2].amount``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Mapping
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from .findings import COMMON, Finding, define
from .messages import N_, Message
from .money import AmountError, parse_decimal
from .sizes import count as shown_count

# Its findings carry the message of the particular problem (wrong type, unknown key …).
INVALID = define(
    COMMON,
    "input.invalid",
    "error",
    N_(
        "The message names the problem and what to give instead: a wrong type or format, an "
        "unknown key or catalogue value, an impossible date, an amount with too many decimal "
        "places, a file that is no JSON."
    ),
    specific_messages=True,
)
INPUT_INVALID = INVALID.code

# Characters that have no business in a form field: C0 controls except tab and line breaks,
# DEL, non-characters and bidirectional overrides (which can make "100" display as "001").
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\u202a-\u202e\u2066-\u2069]")
# Invisible characters that only get in the way of searching and comparing; dropped silently.
_DROPPED = re.compile("[\u200b\ufeff]")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)
_TIME = re.compile(r"([01][0-9]|2[0-3]):[0-5][0-9]", re.ASCII)

MAX_TEXT = 100_000
FIRST_YEAR = 1900
LAST_YEAR = 2199
# The longest list or object read from an input unless its parser names another bound (issue
# 14): far above what a real application, report or session holds, and low enough that the
# rules' work and the answer stay small – 300,000 cost lines took 3.7 s to check. A longer
# list is refused whole, before any of its entries is read.
MAX_LIST = 100
# At most this many input problems are listed; a file with more gets one more finding that
# says so (a list of 100 objects with 1,000 unknown keys each would otherwise answer with
# 100,000 findings).
MAX_INPUT_FINDINGS = 200


def join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def at(path: str, index: int) -> str:
    return f"{path}[{index}]"


def clean_text(value: str) -> str:
    """Stored form of a text: invisible zero-width characters dropped, Unicode NFC."""
    return unicodedata.normalize("NFC", _DROPPED.sub("", value))


def _allowed_list(keys: Collection[str]) -> str:
    return ", ".join(sorted(keys))


_AMOUNT_MESSAGES: dict[str, str] = {
    "format": N_(
        'Please give a number with a point as the decimal separator here, for example "480.00".'
    ),
    "places": N_("Please give at most %(places)s decimal places here."),
    "negative": N_("Please give 0 or more here; a negative amount is not possible."),
    "not-positive": N_("Please give an amount greater than 0 here."),
    "too-large": N_("This number is implausibly large. Please check it."),
}


class InputReader:
    """Collects ``input.invalid`` findings while typed values are read."""

    def __init__(self) -> None:
        self.findings: list[Finding] = []
        self._more = False

    # -- reporting -------------------------------------------------------------------------

    def invalid(self, path: str, message: Message) -> None:
        if len(self.findings) < MAX_INPUT_FINDINGS:
            self.findings.append(INVALID.finding_about(path, message))
            return
        if not self._more:
            self._more = True
            self.findings.append(
                INVALID.finding_about(
                    "",
                    Message(
                        N_(
                            "The input has more than %(limit)s problems; only the first "
                            "%(limit)s are listed. Please correct them and check again."
                        ),
                        {"limit": shown_count(MAX_INPUT_FINDINGS)},
                    ),
                )
            )

    def too_long(self, path: str, count: int, limit: int) -> None:
        self.invalid(
            path,
            Message(
                N_(
                    "This list has %(count)s entries; at most %(limit)s are possible. Please "
                    "shorten it or split the input."
                ),
                {"count": shown_count(count), "limit": shown_count(limit)},
            ),
        )

    def wrong_type(self, path: str, expected: str) -> None:
        messages = {
            "object": N_("Please give an object with named fields here (JSON {…})."),
            "list": N_("Please give a list here (JSON […])."),
            "text": N_("Please give a text here (in quotation marks)."),
            "flag": N_("Please give true or false here."),
            "integer": N_("Please give a whole number of 0 or more here."),
            "date": N_("Please give a date in the form YYYY-MM-DD here, for example 2026-05-01."),
            "time": N_("Please give a time in the form HH:MM here, for example 18:30."),
        }
        self.invalid(path, Message(messages[expected]))

    # -- structure -------------------------------------------------------------------------

    def mapping(self, value: Any, path: str, allowed: Collection[str]) -> Mapping[str, Any] | None:
        """An object whose keys must all be in ``allowed``; ``None`` when missing or null."""
        if value is None:
            return None
        if not isinstance(value, Mapping):
            self.wrong_type(path, "object")
            return None
        if len(value) > MAX_LIST:
            self.too_many_keys(path, len(value), MAX_LIST)
            return None
        for key in value:
            if key not in allowed:
                self.invalid(
                    join(path, str(key)),
                    Message(
                        N_(
                            "The field “%(key)s” is unknown. Please remove it or correct its "
                            "spelling (allowed here: %(allowed)s)."
                        ),
                        {"key": str(key), "allowed": _allowed_list(allowed)},
                    ),
                )
        return value

    def too_many_keys(self, path: str, count: int, limit: int) -> None:
        self.invalid(
            path,
            Message(
                N_(
                    "This object has %(count)s fields; at most %(limit)s are possible. Please "
                    "remove the fields that do not belong here."
                ),
                {"count": shown_count(count), "limit": shown_count(limit)},
            ),
        )

    def sequence(
        self, obj: Mapping[str, Any] | None, key: str, path: str, limit: int = MAX_LIST
    ) -> list[Any] | None:
        """The list at ``key``; ``None`` when missing, null, no list or longer than ``limit``
        (each an ``input.invalid`` finding but the first)."""
        value = _get(obj, key)
        if value is None:
            return None
        if not isinstance(value, list):
            self.wrong_type(join(path, key), "list")
            return None
        if len(value) > limit:
            self.too_long(join(path, key), len(value), limit)
            return None
        return value

    # -- scalar values ---------------------------------------------------------------------

    def text(self, obj: Mapping[str, Any] | None, key: str, path: str) -> str | None:
        return self.text_value(_get(obj, key), join(path, key))

    def text_value(self, value: Any, path: str) -> str | None:
        if value is None:
            return None
        if not isinstance(value, str):
            self.wrong_type(path, "text")
            return None
        if _FORBIDDEN.search(value):
            self.invalid(
                path,
                Message(
                    N_(
                        "The text contains invisible control characters. Please remove them, "
                        "for example by typing the text again."
                    )
                ),
            )
            return None
        if len(value) > MAX_TEXT:
            self.invalid(
                path,
                Message(
                    N_("The text is too long. Please shorten it to at most %(limit)s characters."),
                    {"limit": str(MAX_TEXT)},
                ),
            )
            return None
        cleaned = clean_text(value)
        return cleaned if cleaned.strip() else None

    def flag(self, obj: Mapping[str, Any] | None, key: str, path: str) -> bool | None:
        value = _get(obj, key)
        if value is None:
            return None
        if not isinstance(value, bool):
            self.wrong_type(join(path, key), "flag")
            return None
        return value

    def integer(self, obj: Mapping[str, Any] | None, key: str, path: str) -> int | None:
        value = _get(obj, key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            self.wrong_type(join(path, key), "integer")
            return None
        return value

    def day(self, obj: Mapping[str, Any] | None, key: str, path: str) -> date | None:
        return self.day_value(_get(obj, key), join(path, key))

    def day_value(self, value: Any, path: str) -> date | None:
        if value is None or value == "":
            return None
        if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
            self.wrong_type(path, "date")
            return None
        try:
            parsed = date.fromisoformat(value)
        except ValueError:
            self.invalid(
                path,
                Message(
                    N_("The date %(value)s does not exist. Please check day and month."),
                    {"value": value},
                ),
            )
            return None
        if not FIRST_YEAR <= parsed.year <= LAST_YEAR:
            self.invalid(
                path,
                Message(
                    N_("The year of %(value)s is implausible. Please check the date."),
                    {"value": value},
                ),
            )
            return None
        return parsed

    def time(self, obj: Mapping[str, Any] | None, key: str, path: str) -> str | None:
        value = _get(obj, key)
        if value is None or value == "":
            return None
        if not isinstance(value, str) or not _TIME.fullmatch(value):
            self.wrong_type(join(path, key), "time")
            return None
        return value

    def number(
        self,
        obj: Mapping[str, Any] | None,
        key: str,
        path: str,
        *,
        places: int = 2,
        minimum: Literal["any", "zero", "positive"] = "zero",
    ) -> Decimal | None:
        """Money (places=2) or another decimal such as a quantity; see money.parse_decimal."""
        return self.number_value(_get(obj, key), join(path, key), places=places, minimum=minimum)

    def number_value(
        self,
        value: Any,
        path: str,
        *,
        places: int = 2,
        minimum: Literal["any", "zero", "positive"] = "zero",
    ) -> Decimal | None:
        if value is None or value == "":
            return None
        try:
            return parse_decimal(value, places=places, minimum=minimum)
        except AmountError as exc:
            self.invalid(path, Message(_AMOUNT_MESSAGES[exc.problem], {"places": str(exc.places)}))
            return None

    def choice(
        self, obj: Mapping[str, Any] | None, key: str, path: str, catalogue: Collection[str]
    ) -> str | None:
        return self.choice_value(_get(obj, key), join(path, key), catalogue)

    def choice_value(self, value: Any, path: str, catalogue: Collection[str]) -> str | None:
        if value is None or value == "":
            return None
        if not isinstance(value, str):
            self.wrong_type(path, "text")
            return None
        if value not in catalogue:
            self.invalid(
                path,
                Message(
                    N_("“%(value)s” is not an allowed value here. Please use one of: %(allowed)s."),
                    {"value": value[:80], "allowed": _allowed_list(catalogue)},
                ),
            )
            return None
        return value

    def choices(
        self, obj: Mapping[str, Any] | None, key: str, path: str, catalogue: Collection[str]
    ) -> tuple[str, ...] | None:
        """A list of catalogue keys; an empty list is returned as () (the rules call it empty)."""
        items = self.sequence(obj, key, path)
        if items is None:
            return None
        keys: list[str] = []
        for index, item in enumerate(items):
            chosen = self.choice_value(item, at(join(path, key), index), catalogue)
            if chosen is None and item in (None, ""):
                self.wrong_type(at(join(path, key), index), "text")
            if chosen is not None and chosen not in keys:
                keys.append(chosen)
        return tuple(keys)


def _get(obj: Mapping[str, Any] | None, key: str) -> Any:
    return None if obj is None else obj.get(key)
