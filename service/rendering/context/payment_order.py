"""Context of the payment order (Auszahlungsanordnung) to the treasury (issue 19.1).

Input: the order's data as the operation stores it next to the document (plain JSON: money
as interchange strings, dates ISO) and the partnership's letterhead."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from ..partnership import Partnership
from .common import (
    Context,
    decimal,
    get,
    iban,
    lead_office_return_line,
    letterhead,
    money,
    short_date,
    text,
)


def build_payment_order_context(data: Mapping[str, Any], partnership: Partnership) -> Context:
    amount = decimal(get(data, "amount")) or Decimal(0)
    requested = decimal(get(data, "requested")) or amount
    reduced = amount < requested
    return {
        **letterhead(partnership),
        "sender_line": lead_office_return_line(partnership),
        "number": text(get(data, "number")),
        "date": short_date(get(data, "date")),
        "file_number": text(get(data, "file_number")),
        "recipient": {
            "name": text(get(data, "recipient.name")),
            "street": text(get(data, "recipient.street")),
            "postal_code": text(get(data, "recipient.postal_code")),
            "city": text(get(data, "recipient.city")),
        },
        "payment": {
            "account_holder": text(get(data, "payment.account_holder")),
            "iban": iban(get(data, "payment.iban")),
        },
        "amount": money(amount),
        "amount_requested": money(requested),
        "reduced": reduced,
        "reason": text(get(data, "reason")) if reduced else "",
        "budget_line": text(get(data, "budget_line")),
        "cash_reference": text(get(data, "cash_reference")),
        "fund": {"name": text(get(data, "fund.name"))},
        "project": {"title": text(get(data, "project.title"))},
        "notice": {
            "number": text(get(data, "notice.number")),
            "date": short_date(get(data, "notice.date")),
        },
        "requested_on": short_date(get(data, "requested_on")),
        "needed_on": short_date(get(data, "needed_on")),
        "factual": {
            "name": text(get(data, "factual.name")),
            "date": short_date(get(data, "factual.date")),
        },
        "arithmetic": {
            "name": text(get(data, "arithmetic.name")),
            "date": short_date(get(data, "arithmetic.date")),
        },
    }
