"""Context of the submitted application (Antrag), for the applicant's signature and the file."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...domain.catalogues import DECLARATIONS, FIELDS_OF_ACTION, LEGAL_FORMS, TARGET_GROUPS
from ...domain.findings import Finding
from ...domain.guideline import Guideline
from ...domain.messages import Localizer
from ..partnership import Partnership
from .common import (
    CheckOutcome,
    Context,
    get,
    iban,
    label,
    labels,
    letterhead,
    long_date,
    money,
    return_line,
    short_date,
    text,
)
from .notice import cost_lines, costs_total, third_party

DECLARATION_KEYS = tuple(DECLARATIONS)


def declaration_list(data: Mapping[str, Any], localizer: Localizer) -> list[Context]:
    """Each declaration as the applicant read it beside its checkbox (the catalogue's text,
    service/domain/catalogues.DECLARATIONS) and whether it was ticked – the PDF prints the
    very words that were confirmed (issue 17, item 9)."""
    return [
        {
            "text": text(localizer.gettext(msgid)),
            "ticked": get(data, f"declarations.{key}") is True,
        }
        for key, msgid in DECLARATIONS.items()
    ]


def _finding(finding: Finding, localizer: Localizer) -> Context:
    return {"error": finding.is_error, "message": text(finding.message.render(localizer))}


def build_application_context(
    data: Mapping[str, Any],
    guideline: Guideline,
    partnership: Partnership,
    check: CheckOutcome,
    localizer: Localizer,
) -> Context:
    contact = get(data, "applicant.adult_contact")
    applicant: Context = {
        "name": text(get(data, "applicant.name")),
        "legal_form": label(LEGAL_FORMS, get(data, "applicant.legal_form"), localizer),
        "street": text(get(data, "applicant.street")),
        "postal_code": text(get(data, "applicant.postal_code")),
        "city": text(get(data, "applicant.city")),
        "representative": text(get(data, "applicant.representative")),
        "contact_name": text(get(data, "applicant.contact_name")),
        "email": text(get(data, "applicant.email")),
        "phone": text(get(data, "applicant.phone")),
        "iban": iban(get(data, "applicant.iban")),
        "account_holder": text(get(data, "applicant.account_holder")),
        "vat_deductible": get(data, "applicant.vat_deductible") is True,
        "birth_date": short_date(get(data, "applicant.birth_date")),
        "adult_contact": {
            "name": text(get(contact, "name")),
            "email": text(get(contact, "email")),
            "phone": text(get(contact, "phone")),
        },
    }
    session = check.extra.get("session")
    return {
        **letterhead(partnership),
        "sender_line": return_line(
            str(applicant["name"]),
            str(applicant["street"]),
            f"{applicant['postal_code']} {applicant['city']}".strip(),
        ),
        "fund": {
            "name": text(guideline.fund_name),
            "youth_forum": guideline.deciding_body == "jugendforum",
        },
        "submitted_on": short_date(get(data, "submitted_on")),
        "submitted_on_long": long_date(get(data, "submitted_on")),
        "session": short_date(session),
        "applicant": applicant,
        "project": {
            "title": text(get(data, "project.title")),
            "summary": text(get(data, "project.summary")),
            "goals": text(get(data, "project.goals")),
            "fields_of_action": labels(
                FIELDS_OF_ACTION, get(data, "project.fields_of_action"), localizer
            ),
            "target_groups": labels(TARGET_GROUPS, get(data, "project.target_groups"), localizer),
            "location": text(get(data, "project.location")),
            "start": short_date(get(data, "project.start")),
            "end": short_date(get(data, "project.end")),
            "participants_planned": text(get(data, "project.participants_planned")),
            "early_start_requested": get(data, "project.early_start_requested") is True,
        },
        "costs": cost_lines(data, localizer),
        "costs_total": money(costs_total(data, check)),
        "financing": {
            "own_funds": money(get(data, "financing.own_funds")),
            "third_party": third_party(data),
            "revenue": money(get(data, "financing.revenue")),
            "requested": money(get(data, "financing.requested")),
            "total": money((check.extra.get("totals") or {}).get("income")),
        },
        # the ticks alone, for templates of a partnership that word the declarations themselves
        "declarations": {key: get(data, f"declarations.{key}") is True for key in DECLARATION_KEYS},
        "declaration_list": declaration_list(data, localizer),
        "findings": [_finding(f, localizer) for f in check.findings],
    }
