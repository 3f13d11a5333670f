"""Stored applications in the interchange JSON shape (spec/interchange.md) and back.

The rules engine, the documents and the JSON API speak the interchange shape; these two
functions connect it to the models. Reading goes through the domain's own parser, so a stored
application holds exactly what the rules would see (texts NFC, amounts Decimal).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from ..clock import Clock
from ..domain import application as domain
from ..domain.emails import EmailAddressError, parse_email_address
from ..domain.findings import Finding
from ..domain.messages import N_, Message
from ..domain.money import to_json_money
from ..domain.reader import INVALID
from ..errors import Refused
from ..models import (
    DECLARATION_KEYS,
    Applicant,
    Application,
    CostLine,
    Fund,
    Partnership,
    ThirdPartyFunding,
)


class InterchangeError(Refused):
    """Data that is no readable application; ``findings`` are the ``input.invalid`` ones.

    A refusal: a person sent it (a form, an import) and is told what to correct."""

    def __init__(self, findings: Sequence[Finding]) -> None:
        super().__init__(Message(N_("Please correct your entry")), findings=findings)


# -- model → interchange --------------------------------------------------------------------


def _money(value: Decimal | None) -> str | None:
    return None if value is None else to_json_money(value)


def _number(value: Decimal | None, min_places: int) -> str | None:
    """A quantity or unit price as written by people: "8", "2.5", "60.00", "0.1975"."""
    if value is None:
        return None
    text = format(value.normalize(), "f")
    places = len(text.partition(".")[2])
    if places < min_places:
        text = format(value.quantize(Decimal(1).scaleb(-min_places)), "f")
    return text


def _day(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _cost_line(line: CostLine) -> dict[str, Any]:
    data: dict[str, Any] = {"category": line.category, "description": line.description}
    optional = {
        "quantity": _number(line.quantity, 0),
        "unit": line.unit,
        "unit_price": _number(line.unit_price, 2),
    }
    data.update({key: value for key, value in optional.items() if value is not None})
    data["amount"] = _money(line.amount)
    data["offers"] = line.offers
    return data


def application_to_interchange(application: Application) -> dict[str, Any]:
    """The application as interchange JSON: money as strings, dates ISO, nothing left out.

    Missing values of a draft are ``null`` (the rules report them as field.required);
    ``submitted_on`` is left out until the application has a date of receipt, so a check
    of a draft uses today.
    """
    a = application
    adult_contact = None
    if any(
        (
            a.applicant_adult_contact_name,
            a.applicant_adult_contact_email,
            a.applicant_adult_contact_phone,
        )
    ):
        adult_contact = {
            "name": a.applicant_adult_contact_name,
            "email": a.applicant_adult_contact_email,
            "phone": a.applicant_adult_contact_phone,
        }
    data: dict[str, Any] = {"fund": a.fund.key}
    if a.submitted_on is not None:
        data["submitted_on"] = a.submitted_on.isoformat()
    data["applicant"] = {
        "name": a.applicant_name,
        "legal_form": a.applicant_legal_form,
        "street": a.applicant_street,
        "postal_code": a.applicant_postal_code,
        "city": a.applicant_city,
        "representative": a.applicant_representative,
        "contact_name": a.applicant_contact_name,
        "email": a.applicant_email,
        "phone": a.applicant_phone,
        "iban": a.applicant_iban,
        "account_holder": a.applicant_account_holder,
        "vat_deductible": a.applicant_vat_deductible,
        "birth_date": _day(a.applicant_birth_date),
        "adult_contact": adult_contact,
    }
    data["project"] = {
        "title": a.title,
        "summary": a.summary,
        "goals": a.goals,
        "fields_of_action": list(a.fields_of_action),
        "target_groups": list(a.target_groups),
        "location": a.location,
        "start": _day(a.project_start),
        "end": _day(a.project_end),
        "participants_planned": a.participants_planned,
        "early_start_requested": a.early_start_requested,
    }
    data["costs"] = [_cost_line(line) for line in a.cost_lines]
    data["financing"] = {
        "own_funds": _money(a.own_funds),
        "third_party": [
            {"source": row.source, "amount": _money(row.amount)} for row in a.third_party
        ],
        "revenue": _money(a.revenue),
        "requested": _money(a.requested),
    }
    data["declarations"] = dict(a.declarations)
    return data


def canonical_json(data: Mapping[str, Any]) -> bytes:
    """One byte sequence per content: sorted keys, no spaces, UTF-8 (for hashes)."""
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def freeze_submission(application: Application) -> str:
    """Keep the application as submitted, with the SHA-256 the receipt shows; returns it."""
    snapshot = application_to_interchange(application)
    application.submission_snapshot = snapshot
    application.submission_sha256 = hashlib.sha256(canonical_json(snapshot)).hexdigest()
    return application.submission_sha256


# -- interchange → model --------------------------------------------------------------------


def fill_from_interchange(application: Application, data: Mapping[str, Any]) -> None:
    """Replace the application's content (applicant copy, project, costs, financing,
    declarations) with ``data``; state, file number and dates of the process stay – also
    the date of receipt: ``submitted_on`` is taken only by :func:`application_from_interchange`.

    Raises :class:`InterchangeError` when the domain parser finds ``input.invalid`` problems
    (wrong types, unknown keys, unknown catalogue keys, another fund).
    """
    parsed = _parse(application.fund, data)
    _refuse_address_lists(parsed)
    _apply(application, parsed)


def _refuse_address_lists(parsed: domain.Application) -> None:
    """A stored address becomes a mail's ``To``: a list or a line break in it is refused here,
    before anything is stored, for every path (form, JSON) alike (issue 14). A single
    malformed address is refused too – ``applicant.email-invalid`` tells the same at submit."""
    problems: list[Finding] = []
    contact = parsed.applicant.adult_contact
    for path, value in (
        ("applicant.email", parsed.applicant.email),
        ("applicant.adult_contact.email", contact.email if contact else None),
    ):
        if value is None:
            continue
        try:
            parse_email_address(value)
        except EmailAddressError as exc:
            problems.append(INVALID.finding_about(path, exc.message))
    if problems:
        raise InterchangeError(problems)


def _parse(fund: Fund, data: Mapping[str, Any]) -> domain.Application:
    # ``today`` only stands in for a missing submitted_on, which no caller keeps (fill ignores
    # it, an import takes only a date the data states) – so the unpinned clock is enough here
    parsed, problems = domain.parse_application(data, fund_key=fund.key, today=Clock().today())
    if parsed is None:
        raise InterchangeError(problems)
    return parsed


def _apply(application: Application, parsed: domain.Application) -> None:
    applicant = parsed.applicant
    application.applicant_name = applicant.name or ""
    application.applicant_legal_form = applicant.legal_form or ""
    application.applicant_street = applicant.street or ""
    application.applicant_postal_code = applicant.postal_code or ""
    application.applicant_city = applicant.city or ""
    application.applicant_representative = applicant.representative or ""
    application.applicant_contact_name = applicant.contact_name or ""
    application.applicant_email = applicant.email or ""
    application.applicant_phone = applicant.phone or ""
    application.applicant_iban = applicant.iban or ""
    application.applicant_account_holder = applicant.account_holder or ""
    application.applicant_vat_deductible = applicant.vat_deductible
    application.applicant_birth_date = applicant.birth_date
    contact = applicant.adult_contact
    application.applicant_adult_contact_name = contact.name if contact else None
    application.applicant_adult_contact_email = contact.email if contact else None
    application.applicant_adult_contact_phone = contact.phone if contact else None

    project = parsed.project
    application.title = project.title or ""
    application.summary = project.summary or ""
    application.goals = project.goals or ""
    application.fields_of_action = list(project.fields_of_action or ())
    application.target_groups = list(project.target_groups or ())
    application.location = project.location or ""
    application.project_start = project.start
    application.project_end = project.end
    application.participants_planned = project.participants_planned
    application.early_start_requested = bool(project.early_start_requested)

    application.cost_lines = [
        CostLine(
            category=line.category or "",
            description=line.description or "",
            quantity=line.quantity,
            unit=line.unit,
            unit_price=line.unit_price,
            amount=line.amount,
            offers=line.offers,
        )
        for line in parsed.costs
    ]
    financing = parsed.financing
    application.own_funds = financing.own_funds
    application.revenue = financing.revenue
    application.requested = financing.requested
    application.third_party = [
        ThirdPartyFunding(source=row.source or "", amount=row.amount)
        for row in financing.third_party or ()
    ]
    for key in DECLARATION_KEYS:
        setattr(application, f"declaration_{key}", parsed.declarations.get(key, False))


def application_from_interchange(
    session: Session,
    partnership: Partnership,
    fund: Fund,
    data: Mapping[str, Any],
    *,
    applicant: Applicant | None = None,
) -> Application:
    """A new draft application of ``fund`` holding ``data``; flushed, not committed.

    ``applicant`` links the stored applicant; the applicant data of the application itself
    comes from ``data`` (the copy the application was made with).
    """
    if fund.partnership is not partnership:
        raise ValueError(f"fund {fund.key} does not belong to partnership {partnership.slug}")
    parsed = _parse(fund, data)
    application = Application(fund=fund, applicant=applicant)
    _apply(application, parsed)
    # an import keeps the date of receipt it states (a paper application, a migrated file)
    if data.get("submitted_on"):
        application.submitted_on = parsed.submitted_on
    session.add(application)
    session.flush()
    return application
