"""Fields for German input: money "1.234,56 €", decimals "2,5", dates "01.05.2026".

A value that cannot be read keeps the text as typed (nothing is lost) and gets a German
message; the field's ``data`` is then None and the rules engine never sees it.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import Field, StringField
from wtforms.validators import ValidationError

from service.domain import formatting
from service.domain.emails import EmailAddressError, parse_email_address
from service.domain.money import AmountError, parse_decimal, parse_german_money
from service.i18n import request_localizer

_GERMAN_DECIMAL = re.compile(r"(?:[0-9]{1,3}(?:[. \u00a0\u202f][0-9]{3})+|[0-9]+)(?:,[0-9]+)?")
_GERMAN_DATE = re.compile(r"([0-9]{1,2})\.([0-9]{1,2})\.([0-9]{4})")
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_POSTAL_CODE = re.compile(r"[0-9]{5}")
# A grant is about a project of this decade: a year such as 0099 or 2206 is a typo.
EARLIEST_YEAR = 1900
LATEST_YEAR = 2199


def _amount_message(problem: str, places: int) -> Any:
    if problem == "places":
        if places == 2:
            return _l("Please enter at most two decimal places (cents), for example 1.234,56.")
        return _l("Please enter at most %(places)s decimal places.", places=places)
    if problem == "negative":
        return _l("Please enter an amount of zero or more; a minus sign is not possible here.")
    if problem == "too-large":
        return _l("This number is far too large. Please check it.")
    return _l("Please enter an amount in euros, for example 1.234,56.")


class _TextKeepingField(StringField):
    """A text input whose typed text survives a parse error."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.raw_text = (valuelist[0] if valuelist else "") or ""
        self.data = None
        text = self.raw_text.strip()
        if not text:
            return
        try:
            self.data = self.parse(text)
        except ValueError as exc:
            self.data = None
            raise ValueError(str(exc.args[0] if exc.args else exc)) from None

    def parse(self, text: str) -> Any:
        raise NotImplementedError

    def show(self, value: Any) -> str:
        return str(value)

    def _value(self) -> str:
        raw = getattr(self, "raw_text", None)
        if raw is not None:
            return str(raw)
        return "" if self.data is None else self.show(self.data)


class GermanMoneyField(_TextKeepingField):
    """Euros with two decimal places at most: "1.234,56", "1234,56", "1 234,56 €"."""

    def parse(self, text: str) -> Decimal:
        try:
            return parse_german_money(text)
        except AmountError as exc:
            raise ValueError(_amount_message(exc.problem, 2)) from None

    def show(self, value: Decimal) -> str:
        return format_german(value, 2)


class GermanDecimalField(_TextKeepingField):
    """A quantity or unit price with up to ``places`` decimal places: "2,5", "0,2345"."""

    def __init__(self, *args: Any, places: int = 2, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.places = places

    def parse(self, text: str) -> Decimal:
        cleaned = text.removesuffix("€").strip()
        if not _GERMAN_DECIMAL.fullmatch(cleaned):
            if cleaned.startswith("-"):
                raise ValueError(_amount_message("negative", self.places))
            raise ValueError(_l("Please enter a number, for example 2,5."))
        plain = re.sub(r"[. \u00a0\u202f]", "", cleaned).replace(",", ".")
        try:
            return parse_decimal(plain, places=self.places)
        except AmountError as exc:
            raise ValueError(_amount_message(exc.problem, self.places)) from None

    def show(self, value: Decimal) -> str:
        return format_german(value, None)


class WholeNumberField(_TextKeepingField):
    """A count such as the planned participants: digits only."""

    def parse(self, text: str) -> int:
        if not re.fullmatch(r"[0-9]{1,7}", text):
            raise ValueError(_l("Please enter a whole number, for example 25."))
        return int(text)


class GermanDateField(_TextKeepingField):
    """A date as "01.05.2026" (also "1.5.2026" and ISO "2026-05-01" from date pickers)."""

    def parse(self, text: str) -> date:
        match = _GERMAN_DATE.fullmatch(text)
        if match:
            day, month, year = (int(part) for part in match.groups())
        else:
            iso = _ISO_DATE.fullmatch(text)
            if not iso:
                raise ValueError(
                    _l("Please enter the date as day.month.year, for example 01.05.2026.")
                )
            year, month, day = (int(part) for part in iso.groups())
        if not EARLIEST_YEAR <= year <= LATEST_YEAR:
            raise ValueError(
                _l("Please check the year: %(year)s is not possible here.", year=f"{year:04d}")
            )
        try:
            return date(year, month, day)
        except ValueError:
            raise ValueError(
                _l(
                    "This date does not exist (%(text)s). Please check day and month.",
                    text=text,
                )
            ) from None

    def show(self, value: date) -> str:
        return formatting.short_date(value)


def format_german(value: Decimal, places: int | None) -> str:
    """1234.5 → "1.234,50" (places=2) or "1.234,5" (places=None: as written). German on
    every page: the fields read German notation only (service.domain.formatting)."""
    return formatting.decimal_text(value, places)


def typed_text(field: Field) -> str:
    """What the person typed into ``field`` (for re-rendering without loss)."""
    return str(field._value()) if hasattr(field, "_value") else str(field.data or "")


class OneEmailAddress:
    """Validator: an empty field or exactly one address (service.domain.emails) – the same
    gate as the JSON and CLI paths, so a draft with a list is refused at the field."""

    def __call__(self, form: Any, field: Field) -> None:
        text = (field.data or "").strip()
        if not text:
            return
        try:
            parse_email_address(text)
        except EmailAddressError as exc:
            raise ValidationError(exc.message.render(request_localizer())) from None


class GermanPostalCode:
    """Validator: an empty field (the rules engine asks for it) or a German postal code of
    exactly five digits (issue 17: "1925" was accepted). Like an unreadable amount, a wrong
    one is said at the field and the step is not saved: it never reaches a draft or a notice.
    The rules engine takes any text (the interchange contract is unchanged)."""

    def __call__(self, form: Any, field: Field) -> None:
        text = (field.data or "").strip()
        if text and not _POSTAL_CODE.fullmatch(text):
            raise ValidationError(
                _l("Please enter the postal code with its five digits, for example 19258.")
            )
