from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import ClassVar

from service.domain.messages import Message, PlainLocalizer


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
