"""Context of the payment request (Mittelabruf) as the recipient submitted it (issue 19.5).

Input: the request's data as the operation builds it from the stored request (plain JSON:
money as interchange strings, dates ISO) and the partnership's letterhead. The recipient
writes to the lead office on the partnership's form, like the application."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..partnership import Partnership
from .common import Context, get, iban, letterhead, money, return_line, short_date, text


def build_payment_request_context(data: Mapping[str, Any], partnership: Partnership) -> Context:
    name = text(get(data, "recipient.name"))
    street = text(get(data, "recipient.street"))
    postal_code = text(get(data, "recipient.postal_code"))
    city = text(get(data, "recipient.city"))
    return {
        **letterhead(partnership),
        "sender_line": return_line(name, street, f"{postal_code} {city}".strip()),
        "file_number": text(get(data, "file_number")),
        "place": text(get(data, "place")),
        "recipient": {
            "name": name,
            "street": street,
            "postal_code": postal_code,
            "city": city,
        },
        "payment": {
            "account_holder": text(get(data, "payment.account_holder")),
            "iban": iban(get(data, "payment.iban")),
        },
        "amount": money(get(data, "amount")),
        "needed_on": short_date(get(data, "needed_on")),
        "requested_on": short_date(get(data, "requested_on")),
        "grant": money(get(data, "grant")),
        "requested_before": money(get(data, "requested_before")),
        "requested_total": money(get(data, "requested_total")),
        "paid": money(get(data, "paid")),
        "period": {
            "start": short_date(get(data, "period.start")),
            "end": short_date(get(data, "period.end")),
        },
        "fund": {"name": text(get(data, "fund.name"))},
        "project": {"title": text(get(data, "project.title"))},
        "notice": {
            "number": text(get(data, "notice.number")),
            "date": short_date(get(data, "notice.date")),
        },
    }
