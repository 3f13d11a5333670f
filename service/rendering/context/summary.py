"""Values of the report's one-page summary sheet (the fillable form in
``doc_templates/forms/``, field names in :mod:`service.rendering.summary_form`).

Every field gets a German string: money "1.234,56 €", dates "01.06.2026". The sums come from
the rules engine (the same figures as in the Verwendungsnachweis); what the report interchange
does not carry (recipient, project title, date of the notice) is passed in by the caller, who
knows it from the register. Fields for handwriting (place and date of signature) stay empty
unless given.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from ...domain.catalogues import FINANCING_TYPES
from ...domain.guideline import Guideline
from ...domain.messages import Localizer
from ..partnership import Partnership
from ..summary_form import COST_CATEGORIES, FIELD_NAMES
from .common import CheckOutcome, as_date, decimal, get, label, money, short_date, text

NONE = "–"  # a category neither planned nor spent: a dash, as on paper forms


def _total(values: list[Decimal | None]) -> Decimal:
    return sum((v for v in values if v is not None), Decimal(0))


def build_report_summary_values(
    data: Mapping[str, Any],
    guideline: Guideline,
    partnership: Partnership,
    check: CheckOutcome,
    localizer: Localizer,
    *,
    recipient: str = "",
    project_title: str = "",
    notice_date: date | None = None,
    signatory: str = "",
    place_date: str = "",
    checked_on: date | None = None,
    checked_by: str = "",
) -> dict[str, str]:
    """All fields of the summary sheet for a checked report (``check`` from the rules engine)."""
    notice = get(data, "notice", {})
    plan_raw = get(notice, "plan")
    plan: Mapping[str, Any] = plan_raw if isinstance(plan_raw, Mapping) else {}
    result = check.extra.get("result")
    result = result if isinstance(result, Mapping) else None
    eligible_raw = result.get("eligible") if result else None
    eligible: Mapping[str, Any] = eligible_raw if isinstance(eligible_raw, Mapping) else {}

    actual: dict[str, list[Decimal | None]] = {}
    for receipt in get(data, "receipts", []) or []:
        if isinstance(receipt, Mapping) and receipt.get("kind") == "expense":
            actual.setdefault(str(receipt.get("category")), []).append(
                decimal(receipt.get("amount"))
            )

    values: dict[str, str] = {}
    for key, _label in COST_CATEGORIES:
        planned = decimal(plan.get(key))
        spent = actual.get(key)
        if planned is None and spent is None:
            values[f"plan_{key}"] = values[f"actual_{key}"] = NONE
            values[f"eligible_{key}"] = NONE if result else ""
            continue
        values[f"plan_{key}"] = money(planned or 0)
        values[f"actual_{key}"] = money(_total(spent or []))
        values[f"eligible_{key}"] = money(eligible.get(key, 0)) if result else ""
    values["plan_total"] = money(_total([decimal(v) for v in plan.values()]))
    values["actual_total"] = money(_total([a for amounts in actual.values() for a in amounts]))
    values["eligible_total"] = money(result.get("eligible_total")) if result else ""

    start, end = as_date(get(notice, "start")), as_date(get(notice, "end"))
    due = end + timedelta(days=guideline.report_due_days) if end else None
    financing = get(notice, "financing_type") or guideline.financing_type
    findings = [text(finding.message.render(localizer)) for finding in check.findings]
    values.update(
        {
            "partnership": text(partnership.name),
            "fund": text(guideline.fund_name),
            "recipient": text(recipient),
            "project_title": text(project_title),
            "notice_number": text(get(notice, "number")),
            "notice_date": short_date(notice_date),
            "period": f"{short_date(start)} – {short_date(end)}" if start and end else "",
            "financing_type": label(FINANCING_TYPES, financing, localizer),
            "grant": money(get(notice, "grant")),
            "paid": money(get(notice, "paid")),
            "own_funds_plan": money(get(notice, "own_funds")),
            "own_funds_actual": money(get(data, "income.own_funds")),
            "third_party_plan": money(get(notice, "third_party")),
            "third_party_actual": money(get(data, "income.third_party")),
            "revenue_plan": money(get(notice, "revenue")),
            "revenue_actual": money(get(data, "income.revenue")),
            # zero is shown, not left blank: "no refund" is a result the reader must see
            "final_grant": money(result.get("final_grant")) if result else "",
            "refund": money(result.get("refund") or 0) if result else "",
            "outstanding": money(result.get("outstanding") or 0) if result else "",
            "participants": text(get(data, "narrative.participants_actual")),
            "submitted_on": short_date(get(data, "submitted_on")),
            "report_due": short_date(due),
            "place_date": text(place_date),
            "signatory": text(signatory),
            "checked_on": short_date(checked_on),
            "checked_by": text(checked_by),
            "remarks": "\n".join(findings),
        }
    )
    missing = FIELD_NAMES - set(values)
    if missing:  # the form gained a field this builder does not know yet
        raise KeyError(f"summary sheet fields without a value: {sorted(missing)}")
    return values
