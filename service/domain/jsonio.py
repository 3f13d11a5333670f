"""Reading interchange JSON without ever making a float of an amount."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any, NoReturn


class JsonInputError(ValueError):
    """The text is no usable JSON. ``line``/``column`` are 1-based, 0 when unknown."""

    def __init__(self, reason: str, line: int = 0, column: int = 0, key: str = "") -> None:
        self.reason = reason  # "syntax", "constant", "duplicate-key", "number"
        self.line = line
        self.column = column
        self.key = key
        super().__init__(f"{reason} at line {line}, column {column}{f': {key}' if key else ''}")


def _no_constants(name: str) -> NoReturn:
    # NaN and Infinity are no JSON and no amount of money
    raise JsonInputError("constant", key=name)


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # A key given twice would silently keep the last value – a typo must not pass.
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise JsonInputError("duplicate-key", key=key)
        result[key] = value
    return result


def load_json_text(text: str) -> Any:
    """Parse interchange JSON: numbers with a fraction become Decimal from their literal text.

    Raises :class:`JsonInputError` for syntax errors, NaN/Infinity and duplicate keys.
    """
    try:
        return json.loads(
            text,
            parse_float=Decimal,
            parse_constant=_no_constants,
            object_pairs_hook=_unique_keys,
        )
    except json.JSONDecodeError as exc:
        raise JsonInputError("syntax", exc.lineno, exc.colno) from exc
    except RecursionError as exc:
        raise JsonInputError("syntax") from exc
    except ValueError as exc:
        if isinstance(exc, JsonInputError):
            raise
        # int() refuses integers with more than 4300 digits
        raise JsonInputError("number") from exc
