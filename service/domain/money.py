"""Money as :class:`decimal.Decimal`: parsing, cent rounding and the JSON form.

Every amount stays exact while it is computed; it is rounded half up to cents only once, at
the end of a computation (:func:`quantize_cents`). Floats never enter a calculation: a float
handed in from a careless JSON parser is taken by its shortest text (``repr``), which is the
literal the sender wrote for every amount with up to 15 significant digits.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Literal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")

# No grant, cost line or budget of a partnership comes near this; a larger number is a typo or
# an attack (1e309), and it keeps every product and quotient well inside Decimal's precision.
MAX_AMOUNT = Decimal("1000000000")

_PLAIN_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?", re.ASCII)
# German form input: "1.234,56", "1234,56", "1 234,56 €", "1234"
_GERMAN_NUMBER = re.compile(r"-?(?:[0-9]{1,3}(?:[. \u00a0\u202f][0-9]{3})+|[0-9]+)(?:,[0-9]+)?")

AmountProblem = Literal["format", "places", "negative", "not-positive", "too-large"]


class AmountError(ValueError):
    """A number that is no acceptable amount; ``problem`` says why (for the message)."""

    def __init__(self, problem: AmountProblem, places: int = 2) -> None:
        self.problem: AmountProblem = problem
        self.places = places
        super().__init__(problem)


def decimal_places(value: Decimal) -> int:
    """Decimal places as written: Decimal("480.000") has 3, Decimal("480") has 0."""
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def parse_decimal(
    raw: object,
    *,
    places: int = 2,
    minimum: Literal["any", "zero", "positive"] = "zero",
) -> Decimal:
    """A number from interchange JSON: a string like "480.00" or a JSON number.

    ``places`` is the most decimal places allowed as written; ``minimum`` "zero" refuses
    negative numbers, "positive" also refuses 0. Raises :class:`AmountError`.
    """
    if isinstance(raw, bool):
        raise AmountError("format", places)
    if isinstance(raw, str):
        if not _PLAIN_NUMBER.fullmatch(raw):
            raise AmountError("format", places)
        value = Decimal(raw)
    elif isinstance(raw, int):
        value = Decimal(raw)
    elif isinstance(raw, Decimal):
        value = raw
    elif isinstance(raw, float):
        value = Decimal(repr(raw))
    else:
        raise AmountError("format", places)
    if not value.is_finite():
        raise AmountError("format", places)
    if abs(value) >= MAX_AMOUNT:
        raise AmountError("too-large", places)
    if decimal_places(value) > places:
        raise AmountError("places", places)
    if minimum != "any" and value < 0:
        raise AmountError("negative", places)
    if minimum == "positive" and value == 0:
        raise AmountError("not-positive", places)
    # normalise the exponent of JSON numbers such as 1E+2 so that str() never shows "1E+2"
    return value if decimal_places(value) else value.quantize(Decimal(1))


def parse_money(raw: object, *, minimum: Literal["any", "zero", "positive"] = "zero") -> Decimal:
    """An amount in euros with at most two decimal places (see :func:`parse_decimal`)."""
    return parse_decimal(raw, places=2, minimum=minimum)


def parse_german_money(text: str) -> Decimal:
    """An amount as people type it on a German form: "1.234,56", "1234,56", "1 234,56 €".

    Refuses negative amounts, more than two decimal places, non-ASCII digits and anything
    else (``NaN``, ``1e309``). Raises :class:`AmountError`.
    """
    cleaned = text.strip().removesuffix("€").removesuffix("EUR").strip()
    # [0-9] in the pattern admits ASCII digits only ("١٢٣" is refused, unlike with \d)
    if not _GERMAN_NUMBER.fullmatch(cleaned):
        raise AmountError("format")
    plain = re.sub(r"[. \u00a0\u202f]", "", cleaned).replace(",", ".")
    return parse_money(plain)


def quantize_cents(value: Decimal) -> Decimal:
    """Round half up (kaufmännisch, away from zero on .5) to whole cents."""
    try:
        rounded = value.quantize(CENT, rounding=ROUND_HALF_UP)
    except InvalidOperation as exc:  # more digits than the context allows
        raise AmountError("too-large") from exc
    # -0.00 would show as "-0.00" in JSON and documents
    return ZERO if rounded == 0 else rounded


def to_json_money(value: Decimal) -> str:
    """The interchange form: a string with exactly two places, e.g. "576.40"."""
    return format(quantize_cents(value), "f")
