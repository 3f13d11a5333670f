"""Translatable messages produced by the domain.

The domain cannot call Flask-Babel, so it keeps the English msgid and its parameters; the
entry point renders them with a :class:`Localizer` (German by default). ``N_`` marks msgids for
extraction (``pybabel extract -k N_``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Protocol, TypeAlias


def N_(msgid: str) -> str:
    return msgid


class Localizer(Protocol):
    def gettext(self, msgid: str) -> str: ...

    def format_money(self, amount: Decimal) -> str: ...

    def format_date(self, value: date) -> str: ...


# A nested Message lets a parameter be translated too (a catalogue label such as a cost
# category); it is rendered with the same localizer before it is inserted.
ParamValue: TypeAlias = "str | int | Decimal | date | Message"


@dataclass(frozen=True)
class Message:
    msgid: str
    params: Mapping[str, ParamValue] = field(default_factory=dict)

    def render(self, localizer: Localizer) -> str:
        text = localizer.gettext(self.msgid)
        if not self.params:
            return text
        shown: dict[str, str] = {}
        for name, value in self.params.items():
            if isinstance(value, Message):
                shown[name] = value.render(localizer)
            elif isinstance(value, Decimal):
                shown[name] = localizer.format_money(value)
            elif isinstance(value, date):
                shown[name] = localizer.format_date(value)
            else:
                shown[name] = str(value)
        return text % shown


class PlainLocalizer:
    """English msgids with ISO-ish formatting: for tests and debugging, never for users."""

    def gettext(self, msgid: str) -> str:
        return msgid

    def format_money(self, amount: Decimal) -> str:
        return f"{amount:.2f} EUR"

    def format_date(self, value: date) -> str:
        return value.isoformat()
