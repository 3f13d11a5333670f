from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import ClassVar

from service.domain.messages import Message, PlainLocalizer, plural_message


class _German(PlainLocalizer):
    """A stand-in catalog: proves that nested messages go through gettext too."""

    catalog: ClassVar[dict[str, str]] = {
        "category %(category)s": "Kostenart %(category)s",
        "Fees": "Honorare",
    }

    def gettext(self, msgid: str) -> str:
        return self.catalog.get(msgid, msgid)


def test_a_nested_message_parameter_is_translated_before_it_is_inserted() -> None:
    message = Message("category %(category)s", {"category": Message("Fees")})
    assert message.render(_German()) == "Kostenart Honorare"


def test_money_and_dates_are_formatted_by_the_localizer() -> None:
    message = Message("%(amount)s on %(day)s", {"amount": Decimal("5"), "day": date(2026, 3, 1)})
    assert message.render(PlainLocalizer()) == "5.00 EUR on 2026-03-01"


def test_a_plural_message_takes_the_form_of_its_number() -> None:
    def files(num: int) -> str:
        return plural_message("%(num)s file", "%(num)s files", num).render(PlainLocalizer())

    assert files(1) == "1 file"
    assert files(3) == "3 files"
    assert files(0) == "0 files"


def test_a_plural_message_goes_through_the_catalog_with_its_other_parameters() -> None:
    class German(PlainLocalizer):
        def ngettext(self, singular: str, plural: str, num: int) -> str:
            return "%(num)s Datei in %(where)s" if num == 1 else "%(num)s Dateien in %(where)s"

    message = plural_message(
        "%(num)s file in %(where)s", "%(num)s files in %(where)s", 2, where="A"
    )
    assert message.render(German()) == "2 Dateien in A"
