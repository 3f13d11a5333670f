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
from ...domain.notice import (
    ANNEX_GK,
    addressee,
    annex_report_due,
    annex_rules,
    anteil_share,
    approved_own_funds,
    rejection_reasons,
    report_deadline_departs,
)
from ..partnership import Partnership
from .common import (
    CheckOutcome,
    Context,
    as_date,
    coordination_office,
    decimal,
    get,
    iban,
    label,
    lead_office_return_line,
    legal,
    letterhead,
    long_date,
    money,
    number,
    percent,
    short_date,
    text,
)


def recipient_context(data: Mapping[str, Any], localizer: Localizer, on: Any) -> Context:
    """The recipient and whom the notice is addressed to (issue 18, item 5): an
    organisation by its representative; a minor through the legal guardians; a group without
    legal form through the natural persons behind it."""
    contact = get(data, "applicant.adult_contact")
    found = addressee(
        legal_form=get(data, "applicant.legal_form"),
        name=text(get(data, "applicant.name")),
        representative=text(get(data, "applicant.representative")),
        contact_name=text(get(data, "applicant.contact_name")),
        birth_date=as_date(get(data, "applicant.birth_date")),
        adult_contact=text(get(contact, "name")) if isinstance(contact, Mapping) else "",
        on=as_date(on),
    )
    return {
        "name": text(get(data, "applicant.name")),
        "legal_form": label(LEGAL_FORMS, get(data, "applicant.legal_form"), localizer),
        "street": text(get(data, "applicant.street")),
        "postal_code": text(get(data, "applicant.postal_code")),
        "city": text(get(data, "applicant.city")),
        "representative": text(get(data, "applicant.representative")),
        "natural_person": found.natural_person,
        "group": found.group,
        "organisation": not found.natural_person and not found.group,
        "minor": found.minor,
        "guardians": found.guardians,
        "attention": found.attention,
        "represented_by": found.represented_by,
        "minor_name": found.minor_name,
        "adult_contact": found.adult_contact,
        "persons": [
            {"name": person.name, "minor": person.minor, "adult_contact": person.adult_contact}
            for person in found.persons
        ],
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


def _third_party_total(data: Mapping[str, Any]) -> Decimal:
    sources = get(data, "financing.third_party", [])
    return sum(
        (
            decimal(get(entry, "amount")) or Decimal(0)
            for entry in sources
            if isinstance(entry, Mapping)
        ),
        Decimal(0),
    )


def _revenue(data: Mapping[str, Any]) -> Decimal:
    return decimal(get(data, "financing.revenue")) or Decimal(0)


def share_text(share: Decimal | None) -> str:
    """The share of an Anteilfinanzierung as printed: "70 %", "36,45 %" (two decimals at
    most; the notice names the amounts it is computed from, so it stays definite)."""
    if share is None:
        return ""
    return percent(share.quantize(Decimal("0.0001")))


def _annex(data: Mapping[str, Any], pages: int) -> Context:
    """Anlage 2 (issue 18, item 1): which general conditions, their page count, and the
    numbers the notice cites from them. (A changed annex file changes the partnership's
    settings fingerprint, so the regeneration sees it.)"""
    rules = annex_rules(get(data, "applicant.legal_form"))
    return {
        "gk": rules.key == ANNEX_GK,
        "title": rules.title,
        "pages": (f"{pages} Seite" if pages == 1 else f"{pages} Seiten") if pages else "",
        "cite_payment": rules.payment,
        "payment_departs": rules.payment_departs,
        "cite_plan": rules.plan,
        "cite_reduction": rules.reduction,
        "cite_report": rules.report,
        "cite_audit": rules.audit,
    }


def build_approval_context(
    data: Mapping[str, Any],
    guideline: Guideline,
    partnership: Partnership,
    check: CheckOutcome,
    localizer: Localizer,
    *,
    annex_pages: int = 0,
) -> Context:
    """The Zuwendungsbescheid. The caller has refused applications with error findings and
    amounts above the requested grant (interchange.md), so the figures here are consistent.
    ``annex_pages``: the page count of the Anlage 2 the caller appends (0: not known)."""
    decision = get(data, "decision", {})
    amount = decimal(get(decision, "amount")) or Decimal(0)
    requested = decimal(get(data, "financing.requested")) or Decimal(0)
    reduced = amount < requested
    difference = requested - amount if reduced else Decimal(0)
    total = costs_total(data, check)
    own = decimal(get(data, "financing.own_funds")) or Decimal(0)
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
    legal_form = get(data, "applicant.legal_form")
    departs = report_deadline_departs(end_date, due, legal_form)
    signatory, function = signature(decision, partnership)
    financing = _financing_type(data, guideline, localizer)
    share = anteil_share(amount, total) if financing["anteil"] else None
    context: Context = {
        **letterhead(partnership),
        "kuf": coordination_office(partnership),
        "sender_line": lead_office_return_line(partnership),
        "legal": legal(partnership),
        "annex": _annex(data, annex_pages),
        "number": text(get(decision, "number")),
        "date": short_date(get(decision, "date")),
        "applied_on": short_date(get(data, "submitted_on")),
        "applied_on_long": long_date(get(data, "submitted_on")),
        "recipient": recipient_context(data, localizer, get(decision, "date")),
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
        "financing": {
            **financing,
            # Anteilfinanzierung: q = Z / Σp, stated with the amounts it is computed from
            "share": share_text(share),
            # Fehlbedarf: the gap the plan leaves after own funds, third-party funds, revenue
            "deficit": money(total - own - _third_party_total(data) - _revenue(data)),
        },
        "decision": {
            "amount": money(amount),
            "amount_requested": money(requested),
            "reduced": reduced,
            "difference": money(difference) if reduced else "",
            "start_long": long_date(start),
            "end_long": long_date(end),
            "applied_start_long": long_date(applied_start),
            "applied_end_long": long_date(applied_end),
            "period_changed": period_changed,
            "committee_date_long": long_date(get(decision, "committee_date")),
            "conditions": conditions,
            "reasons": reasons,
            # the notice departs from the application: its reasons must say why (§ 39)
            "departs": reduced or period_changed or bool(conditions),
        },
        "plan": {
            "costs": cost_lines(data, localizer),
            "costs_total": money(total),
            "tolerance": percent(guideline.overrun_tolerance),
            "own_funds": money(get(data, "financing.own_funds")),
            # the approved plan: the recipient bears the difference of a reduced grant from
            # further own funds, so the settlement counts them as planned (issue 18)
            "own_funds_approved": money(approved_own_funds(own, requested, amount)),
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
            # the deadline departs from Nr. 6.1 of the annex: the notice says so
            "departs": departs,
            "annex_due_long": long_date(annex_report_due(end_date, legal_form)) if end_date else "",
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
    """The Ablehnungsbescheid: decision, reasons (the committee's, and the rules engine's
    errors as reasons in administrative German, issue 18) and the remedy. Renders for
    incomplete applications too."""
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
        "legal": legal(partnership),
        "number": text(get(decision, "number")),
        "date": short_date(get(decision, "date")),
        "applied_on": short_date(get(data, "submitted_on")),
        "applied_on_long": long_date(get(data, "submitted_on")),
        "recipient": {
            key: value
            for key, value in recipient_context(data, localizer, get(decision, "date")).items()
            # the rejection is addressed (guardians, adult contact); it lists nobody
            if key not in ("legal_form", "persons")
        },
        "fund": _fund(guideline),
        "project": {"title": text(get(data, "project.title"))},
        "decision": {
            "amount_requested": money(get(data, "financing.requested")),
            "committee_date_long": long_date(get(decision, "committee_date")),
            "reasons": text(get(decision, "reasons")),
        },
        # the findings as reasons: never the form's instructions ("Bitte …")
        "findings": [
            text(reason.render(localizer)) for reason in rejection_reasons(check.findings)
        ],
        "signatory": signatory,
        "signatory_function": function,
    }
