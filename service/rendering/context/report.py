"""Context of the usage-of-funds report (Verwendungsnachweis) with the check's result.

The eligible amounts, the final grant and the refund come from the rules engine; receipts the
engine did not count are marked with the engine's own explanation.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import timedelta
from decimal import Decimal
from typing import Any

from ...domain.catalogues import COST_CATEGORIES, FINANCING_TYPES
from ...domain.guideline import Guideline
from ...domain.messages import Localizer
from ...domain.report import document_note
from ..partnership import Partnership
from .common import (
    CheckOutcome,
    Context,
    as_date,
    decimal,
    get,
    label,
    letterhead,
    long_date,
    money,
    return_line,
    short_date,
    text,
)
from .notice import recipient_context

_RECEIPT_FIELD = re.compile(r"^receipts\[(\d+)\]")
# Findings that mean "this receipt is not counted" (spec/rules.md, report codes)
NOT_ELIGIBLE = ("receipt.outside-period", "receipt.category-not-in-plan")


def _sum(values: list[Decimal | None]) -> Decimal:
    return sum((v for v in values if v is not None), Decimal(0))


def build_report_context(
    data: Mapping[str, Any],
    guideline: Guideline,
    partnership: Partnership,
    check: CheckOutcome,
    localizer: Localizer,
    about: Mapping[str, Any] | None = None,
) -> Context:
    """``about`` (optional, not part of the report's interchange) names what the report is
    about: ``application`` (the application's frozen interchange JSON: the recipient),
    ``reference`` (file number), ``title`` and ``payouts`` ([{date, amount, cash_reference}],
    what the treasury paid). Without it (`foerderwerk render report`) those parts stay empty."""
    about = about or {}
    notice = get(data, "notice", {})
    plan = get(notice, "plan", {}) if isinstance(get(notice, "plan"), Mapping) else {}
    receipts = [r for r in get(data, "receipts", []) or [] if isinstance(r, Mapping)]
    result = check.extra.get("result")
    result = result if isinstance(result, Mapping) else None
    eligible = result.get("eligible", {}) if result else {}

    not_counted: dict[int, list[str]] = {}
    general: list[str] = []
    for finding in check.findings:
        # the document states facts; the form's help ("Please …") stays on the page
        rendered = text(document_note(finding).render(localizer))
        match = _RECEIPT_FIELD.match(finding.field)
        if match and finding.code in NOT_ELIGIBLE:
            not_counted.setdefault(int(match.group(1)), []).append(rendered)
        else:
            general.append(rendered)

    expenses: dict[str, list[Decimal | None]] = {}
    for receipt in receipts:
        if receipt.get("kind") == "expense":
            expenses.setdefault(str(receipt.get("category")), []).append(
                decimal(receipt.get("amount"))
            )
    order = [key for key in COST_CATEGORIES if key in plan or key in expenses]
    categories = [
        {
            "label": label(COST_CATEGORIES, key, localizer),
            "planned": money(plan.get(key)) or money(0),
            "actual": money(_sum(expenses.get(key, []))),
            "eligible": money(eligible.get(key, 0)) if result else "",
        }
        for key in order
    ]
    end = as_date(get(notice, "end"))
    due = end + timedelta(days=guideline.report_due_days) if end else None
    financing_key = get(notice, "financing_type") or guideline.financing_type
    refund = decimal(result.get("refund")) if result else None
    outstanding = decimal(result.get("outstanding")) if result else None
    recipient = _report_recipient(about, localizer, get(data, "submitted_on"))
    payouts = [p for p in get(about, "payouts", []) or [] if isinstance(p, Mapping)]
    return {
        **letterhead(partnership),
        # the recipient reports to the lead office: the return line is the recipient's
        "sender_line": return_line(
            recipient["name"],
            recipient["street"],
            f"{recipient['postal_code']} {recipient['city']}".strip(),
        )
        if recipient["name"]
        else "",
        "recipient": recipient,
        "project": {
            "title": text(get(about, "title")),
            "reference": text(get(about, "reference")),
        },
        # without ``about`` (`render report`) only the total paid is known
        "payouts_known": isinstance(get(about, "payouts"), list),
        "payouts": [
            {
                "date": short_date(get(p, "date")),
                "cash_reference": text(get(p, "cash_reference")) or "–",
                "amount": money(get(p, "amount")),
            }
            for p in payouts
        ],
        "number": text(get(notice, "number")),
        "submitted_on": short_date(get(data, "submitted_on")),
        "submitted_on_long": long_date(get(data, "submitted_on")),
        "due_long": long_date(due),
        "period": {
            "start_long": long_date(get(notice, "start")),
            "end_long": long_date(get(notice, "end")),
        },
        "financing": {"label": label(FINANCING_TYPES, financing_key, localizer)},
        "narrative": {
            "activities": text(get(data, "narrative.activities")),
            "goals_reached": text(get(data, "narrative.goals_reached")),
            "deviations": text(get(data, "narrative.deviations")),
            "participants_actual": text(get(data, "narrative.participants_actual")),
        },
        "categories": categories,
        "totals": {
            "planned": money(_sum([decimal(v) for v in plan.values()])),
            "actual": money(_sum([a for values in expenses.values() for a in values])),
        },
        "cover": {
            "own_planned": money(get(notice, "own_funds")),
            "own_actual": money(get(data, "income.own_funds")),
            "third_planned": money(get(notice, "third_party")),
            "third_actual": money(get(data, "income.third_party")),
            "revenue_planned": money(get(notice, "revenue")),
            "revenue_actual": money(get(data, "income.revenue")),
        },
        "grant": {
            "computed": result is not None,
            "approved": money(get(notice, "grant")),
            "paid": money(get(notice, "paid")),
            "eligible_total": money(result.get("eligible_total")) if result else "",
            "final": money(result.get("final_grant")) if result else "",
            "refund": money(refund) if refund else "",
            "outstanding": money(outstanding) if outstanding else "",
        },
        "receipts": [
            {
                "number": text(receipt.get("number")),
                "date": short_date(receipt.get("date")),
                "payee": text(receipt.get("payee")),
                "purpose": text(receipt.get("purpose")),
                "category": label(COST_CATEGORIES, receipt.get("category"), localizer),
                "amount": money(receipt.get("amount")),
                "income": receipt.get("kind") == "income",
                "eligible": receipt.get("kind") == "expense" and index not in not_counted,
                "notes": not_counted.get(index, []),
            }
            for index, receipt in enumerate(receipts)
        ],
        "findings": general,
    }


def _report_recipient(about: Mapping[str, Any], localizer: Localizer, on: Any) -> Context:
    """Name, legal form, address and representation of the recipient, as the notice names
    them (a minor through the legal guardians, a group through its persons)."""
    application = get(about, "application")
    if not isinstance(application, Mapping):
        keys = ("name", "legal_form", "street", "postal_code", "city", "representative")
        return {**dict.fromkeys(keys, ""), "address": ""}
    found = recipient_context(application, localizer, on)
    street, postal, city = found["street"], found["postal_code"], found["city"]
    return {
        "name": found["name"],
        "legal_form": found["legal_form"],
        "street": street,
        "postal_code": postal,
        "city": city,
        "address": ", ".join(part for part in (street, f"{postal} {city}".strip()) if part),
        # an organisation's representative; a group is named by its persons (§ 12 VwVfG); a
        # minor's organisation names nobody who could represent it (issue 18.5)
        "representative": text(found["represented_by"])
        or ", ".join(text(p["name"]) for p in found["persons"]),
    }
