"""Translatable messages produced by the domain.

The domain cannot call Flask-Babel, so it keeps the English msgid and its parameters; the
entry point renders them with a :class:`Localizer` (German by default). ``N_`` marks msgids for
extraction (``pybabel extract -k N_``); :func:`plural_message` is a message with a singular and
a plural msgid (``-k plural_message:1,2``), the form chosen by its ``num`` like ``ngettext``.
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

    def ngettext(self, singular: str, plural: str, num: int) -> str: ...

    def format_money(self, amount: Decimal) -> str: ...

    def format_date(self, value: date) -> str: ...


# A nested Message lets a parameter be translated too (a catalogue label such as a cost
# category); it is rendered with the same localizer before it is inserted.
ParamValue: TypeAlias = "str | int | Decimal | date | Message"


@dataclass(frozen=True)
class Message:
    """``msgid`` with its parameters; with ``plural``, ``msgid`` is the singular and the
    integer parameter ``num`` chooses the form (use :func:`plural_message`)."""

    msgid: str
    params: Mapping[str, ParamValue] = field(default_factory=dict)
    plural: str | None = None

    def render(self, localizer: Localizer) -> str:
        if self.plural is None:
            text = localizer.gettext(self.msgid)
        else:
            num = self.params.get("num")
            if not isinstance(num, int):
                raise TypeError(f"a plural message needs an integer 'num': {self.msgid!r}")
            text = localizer.ngettext(self.msgid, self.plural, num)
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


def plural_message(singular: str, plural: str, num: int, **params: ParamValue) -> Message:
    """A message in the form for ``num`` (``%(num)s`` in the text), like ``ngettext``:
    German and English have a singular and a plural, other languages more forms."""
    return Message(singular, {"num": num, **params}, plural=plural)


class PlainLocalizer:
    """English msgids with ISO-ish formatting: for tests and debugging, never for users."""

    def gettext(self, msgid: str) -> str:
        return msgid

    def ngettext(self, singular: str, plural: str, num: int) -> str:
        return singular if num == 1 else plural

    def format_money(self, amount: Decimal) -> str:
        return f"{amount:.2f} EUR"

    def format_date(self, value: date) -> str:
        return value.isoformat()
