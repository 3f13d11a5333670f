"""Contexts of the documents that close a grant (issue 19.2): the closing letter
(Abschlussmitteilung) and the partial revocation and refund notice (Teilwiderrufs- und
Erstattungsbescheid).

Input: the document's data as the operation stores it next to the document (plain JSON:
money as interchange strings, dates ISO; ``application`` the application's interchange for
the address), the partnership's letterhead and the localizer. The figures are the domain's
(service/domain/review.py, closing.py); nothing is computed here but formatting."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from ...domain.messages import Localizer
from ..partnership import Partnership
from .common import (
    Context,
    decimal,
    get,
    lead_office_return_line,
    legal,
    letterhead,
    long_date,
    money,
    percent,
    short_date,
    text,
)
from .notice import recipient_context, signature


def _lines(data: Mapping[str, Any]) -> list[Context]:
    lines = get(data, "lines", [])
    return [
        {
            "category": text(get(line, "category")),
            "planned": money(get(line, "planned")),
            "reported": money(get(line, "reported")),
            "recognised": money(get(line, "recognised")),
            "reason": text(get(line, "reason")),
        }
        for line in (lines if isinstance(lines, list) else [])
    ]


# what the DIN 5008 address field of the notices (RECIPIENT_ADDRESS) reads
ADDRESS_KEYS = (
    "name",
    "street",
    "postal_code",
    "city",
    "natural_person",
    "group",
    "guardians",
    "attention",
    "minor_name",
)


def _address(recipient: Context) -> Context:
    """The addressee as the approval notice addresses it (issue 18, item 5)."""
    return {key: recipient[key] for key in ADDRESS_KEYS}


def _common(data: Mapping[str, Any], partnership: Partnership, localizer: Localizer) -> Context:
    application = get(data, "application", {})
    signatory, function = signature({}, partnership)
    return {
        **letterhead(partnership),
        "sender_line": lead_office_return_line(partnership),
        "number": text(get(data, "number")),
        "date": short_date(get(data, "date")),
        "file_number": text(get(data, "file_number")),
        "recipient": _address(recipient_context(application, localizer, get(data, "date"))),
        "fund": {"name": text(get(data, "fund.name"))},
        "project": {"title": text(get(data, "project.title"))},
        "notice": {
            "number": text(get(data, "notice.number")),
            "date_long": long_date(get(data, "notice.date")),
            "amount": money(get(data, "notice.amount")),
            "start_long": long_date(get(data, "notice.start")),
            "end_long": long_date(get(data, "notice.end")),
        },
        "report": {"submitted_on_long": long_date(get(data, "report.submitted_on"))},
        "lines": _lines(data),
        "overrides": any(text(get(line, "reason")) for line in get(data, "lines", []) or []),
        "recognised_total": money(get(data, "recognised_total")),
        "final_grant": money(get(data, "final_grant")),
        "paid": money(get(data, "paid")),
        "signatory": signatory,
        "signatory_function": function,
    }


def build_closing_letter_context(
    data: Mapping[str, Any], partnership: Partnership, localizer: Localizer
) -> Context:
    not_claimed = decimal(get(data, "not_claimed")) or Decimal(0)
    return {
        **_common(data, partnership, localizer),
        # P − F below the fund's refund threshold: not claimed (review.py)
        "not_claimed": money(not_claimed) if not_claimed > 0 else "",
    }


def _rate(value: Any) -> str:
    """A rate in percent ("1.27") as "1,27 %"."""
    found = decimal(value)
    return percent(found / 100) if found is not None else ""


def build_refund_notice_context(
    data: Mapping[str, Any], partnership: Partnership, localizer: Localizer
) -> Context:
    periods = get(data, "refund.periods", [])
    late = get(data, "refund.late_use", [])
    interest_late = decimal(get(data, "refund.interest_late_use")) or Decimal(0)
    return {
        **_common(data, partnership, localizer),
        "legal": legal(partnership),
        "refund": {
            "amount": money(get(data, "refund.amount")),
            "effective_long": long_date(get(data, "refund.effective")),
            "due_long": long_date(get(data, "refund.due")),
            "interest_refund": money(get(data, "refund.interest_refund")),
            "interest_late_use": money(interest_late) if interest_late > 0 else "",
            "interest_total": money(get(data, "refund.interest_total")),
            "interest_computed": money(get(data, "refund.interest_computed")),
            "total_due": money(get(data, "refund.total_due")),
            "waived": bool(get(data, "refund.waived")),
            "waiver_reason": text(get(data, "refund.waiver_reason")),
            "below_threshold": bool(get(data, "refund.below_threshold")),
            "cash_reference": text(get(data, "refund.cash_reference")),
            "periods": [
                {
                    "start": short_date(get(p, "start")),
                    "end": short_date(get(p, "end")),
                    "days": text(get(p, "days")),
                    "base_rate": _rate(get(p, "base_rate")),
                    "percent": _rate(get(p, "percent")),
                }
                for p in (periods if isinstance(periods, list) else [])
            ],
            "late_use": [
                {
                    "amount": money(get(p, "amount")),
                    "paid_on": short_date(get(p, "paid_on")),
                    "used_on": short_date(get(p, "used_on")),
                    "days": text(get(p, "days")),
                }
                for p in (late if isinstance(late, list) else [])
            ],
        },
    }
