"""Contexts of the notices: Zuwendungsbescheid (approval) and Ablehnungsbescheid (rejection).

Input: the notice interchange object (an application plus ``decision``, interchange.md), the
fund's guideline, the partnership's letterhead and the rules engine's result for the
application part.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from decimal import Decimal
from typing import Any

from ...domain.catalogues import COST_CATEGORIES, FINANCING_TYPES, LEGAL_FORMS
from ...domain.guideline import Guideline
from ...domain.messages import Localizer
from ..partnership import Partnership
from .common import (
    CheckOutcome,
    Context,
    as_date,
    coordination_office,
    decimal,
    findings_text,
    get,
    iban,
    label,
    lead_office_return_line,
    letterhead,
    long_date,
    money,
    number,
    percent,
    short_date,
    text,
)


def _recipient(data: Mapping[str, Any], localizer: Localizer) -> Context:
    return {
        "name": text(get(data, "applicant.name")),
        "legal_form": label(LEGAL_FORMS, get(data, "applicant.legal_form"), localizer),
        "street": text(get(data, "applicant.street")),
        "postal_code": text(get(data, "applicant.postal_code")),
        "city": text(get(data, "applicant.city")),
        "representative": text(get(data, "applicant.representative")),
    }


def _fund(guideline: Guideline) -> Context:
    return {
        "name": text(guideline.fund_name),
        "youth_forum": guideline.deciding_body == "jugendforum",
    }


def signature(decision: Any, partnership: Partnership) -> tuple[str, str]:
    """Who signs and in which function: the partnership's signatory with the function from
    its settings; a notice that names another signatory (``decision.signatory``,
    interchange.md) prints that name without a function – the settings' function belongs
    to their signatory, not to whoever signs instead."""
    office = partnership.lead_office
    given = text(get(decision, "signatory"))
    if given and given != text(office.signatory):
        return given, ""
    return text(office.signatory), text(office.signatory_function)


def cost_lines(data: Mapping[str, Any], localizer: Localizer) -> list[Context]:
    lines: list[Context] = []
    costs = get(data, "costs", [])
    for index, line in enumerate(costs if isinstance(costs, list) else [], start=1):
        quantity = number(get(line, "quantity"))
        unit = text(get(line, "unit"))
        lines.append(
            {
                "no": str(index),
                "category": label(COST_CATEGORIES, get(line, "category"), localizer),
                "description": text(get(line, "description")),
                "quantity": f"{quantity} {unit}".strip() if quantity else unit,
                "unit_price": money(get(line, "unit_price")),
                "amount": money(get(line, "amount")),
            }
        )
    return lines


def costs_total(data: Mapping[str, Any], check: CheckOutcome) -> Decimal:
    totals = check.extra.get("totals")
    engine_total = decimal(get(totals, "costs")) if isinstance(totals, Mapping) else None
    if engine_total is not None:
        return engine_total
    costs = get(data, "costs", [])
    return sum(
        (decimal(get(line, "amount")) or Decimal(0) for line in costs if isinstance(line, Mapping)),
        Decimal(0),
    )


def third_party(data: Mapping[str, Any]) -> list[Context]:
    sources = get(data, "financing.third_party", [])
    return [
        {"source": text(get(entry, "source")), "amount": money(get(entry, "amount"))}
        for entry in (sources if isinstance(sources, list) else [])
    ]


def _financing_type(data: Mapping[str, Any], guideline: Guideline, localizer: Localizer) -> Context:
    key = get(data, "decision.financing_type") or guideline.financing_type
    return {
        "label": label(FINANCING_TYPES, key, localizer),
        "fehlbedarf": key == "fehlbedarf",
        "anteil": key == "anteil",
        "festbetrag": key == "festbetrag",
        "voll": key == "voll",
    }


def build_approval_context(
    data: Mapping[str, Any],
    guideline: Guideline,
    partnership: Partnership,
    check: CheckOutcome,
    localizer: Localizer,
) -> Context:
    """The Zuwendungsbescheid. The caller has refused applications with error findings and
    amounts above the requested grant (interchange.md), so the figures here are consistent."""
    decision = get(data, "decision", {})
    amount = decimal(get(decision, "amount")) or Decimal(0)
    requested = decimal(get(data, "financing.requested")) or Decimal(0)
    reduced = amount < requested
    total = costs_total(data, check)
    start, end = get(decision, "start"), get(decision, "end")
    applied_start, applied_end = get(data, "project.start"), get(data, "project.end")
    period_changed = (as_date(start), as_date(end)) != (
        as_date(applied_start),
        as_date(applied_end),
    )
    conditions = [text(c) for c in get(decision, "conditions", []) if text(c)]
    reasons = text(get(decision, "reasons"))
    end_date = as_date(end)
    due = end_date + timedelta(days=guideline.report_due_days) if end_date else None
    signatory, function = signature(decision, partnership)
    context: Context = {
        **letterhead(partnership),
        "kuf": coordination_office(partnership),
        "sender_line": lead_office_return_line(partnership),
        "number": text(get(decision, "number")),
        "date": short_date(get(decision, "date")),
        "applied_on": short_date(get(data, "submitted_on")),
        "applied_on_long": long_date(get(data, "submitted_on")),
        "recipient": _recipient(data, localizer),
        # the budget line (Haushaltsstelle) the grant is paid from, from the settings
        "fund": {
            **_fund(guideline),
            "budget_line": text(partnership.budget_line(guideline.fund_key)),
        },
        "project": {
            "title": text(get(data, "project.title")),
            "summary": text(get(data, "project.summary")),
            "location": text(get(data, "project.location")),
        },
        "financing": _financing_type(data, guideline, localizer),
        "decision": {
            "amount": money(amount),
            "amount_requested": money(requested),
            "reduced": reduced,
            "difference": money(requested - amount) if reduced else "",
            "start_long": long_date(start),
            "end_long": long_date(end),
            "applied_start_long": long_date(applied_start),
            "applied_end_long": long_date(applied_end),
            "period_changed": period_changed,
            "committee_date_long": long_date(get(decision, "committee_date")),
            "conditions": conditions,
            "reasons": reasons,
            "departs": reduced or period_changed or bool(conditions),
        },
        "plan": {
            "costs": cost_lines(data, localizer),
            "costs_total": money(total),
            "tolerance": percent(guideline.overrun_tolerance),
            "own_funds": money(get(data, "financing.own_funds")),
            "third_party": third_party(data),
            "revenue": money(get(data, "financing.revenue")),
            "total": money(total),
        },
        "payment": {
            "iban": iban(get(data, "applicant.iban")),
            "account_holder": text(get(data, "applicant.account_holder")),
        },
        "report": {
            "due_days": str(guideline.report_due_days),
            "due_long": long_date(due),
        },
        "signatory": signatory,
        "signatory_function": function,
    }
    return context


def build_rejection_context(
    data: Mapping[str, Any],
    guideline: Guideline,
    partnership: Partnership,
    check: CheckOutcome,
    localizer: Localizer,
) -> Context:
    """The Ablehnungsbescheid: decision, reasons (the decision's and the rules engine's
    findings) and the remedy. Renders for incomplete applications too."""
    decision = get(data, "decision", {})
    signatory, function = signature(decision, partnership)
    return {
        **letterhead(partnership),
        "kuf": {
            "name": text(partnership.coordination_office.name),
            "contact": text(partnership.coordination_office.contact),
            "email": text(partnership.coordination_office.email),
        },
        "sender_line": lead_office_return_line(partnership),
        "number": text(get(decision, "number")),
        "date": short_date(get(decision, "date")),
        "applied_on": short_date(get(data, "submitted_on")),
        "applied_on_long": long_date(get(data, "submitted_on")),
        "recipient": {
            key: value for key, value in _recipient(data, localizer).items() if key != "legal_form"
        },
        "fund": _fund(guideline),
        "project": {"title": text(get(data, "project.title"))},
        "decision": {
            "amount_requested": money(get(data, "financing.requested")),
            "committee_date_long": long_date(get(decision, "committee_date")),
            "reasons": text(get(decision, "reasons")),
        },
        "findings": findings_text(check.findings, localizer),
        "signatory": signatory,
        "signatory_function": function,
    }
