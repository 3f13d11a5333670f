"""Context of the invitation with agenda (Einladung mit Tagesordnung) to a committee session.

The invitation is the proof that every member and deputy was invited (domain.md, "What the
minutes contain"), so it names them all; its agenda has the same numbering as the minutes.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from ..partnership import Partnership
from .common import (
    Context,
    coordination_office_return_line,
    decimal,
    get,
    letterhead,
    money,
    short_date,
    text,
    weekday_date,
)


def _entries(data: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    return [entry for entry in get(data, key, []) or [] if isinstance(entry, Mapping)]


def _with_organisation(member: Mapping[str, Any]) -> str:
    name = text(member.get("name"))
    organisation = text(member.get("organisation"))
    return f"{name} ({organisation})" if organisation else name


def build_invitation_context(data: Mapping[str, Any], partnership: Partnership) -> Context:
    """``data``: body, date, place, start_time, letter_date, members (id, name, organisation,
    sector, voting, chair, deputy_for), items (ref, applicant, title, requested),
    written_since (ref, date, outcome) and budget_left."""
    members = _entries(data, "members")
    deputies: dict[Any, list[str]] = {}
    for member in members:
        if member.get("deputy_for"):
            deputies.setdefault(member["deputy_for"], []).append(_with_organisation(member))
    known = {member.get("id") for member in members}
    invitees = [
        {
            "name": text(member.get("name")),
            "organisation": text(member.get("organisation")),
            "civil": member.get("sector") == "civil",
            "chair": bool(member.get("chair")),
            "voting": bool(member.get("voting")),
            "deputies": ", ".join(deputies.get(member.get("id"), [])),
        }
        for member in members
        # a deputy is listed beside the member it stands in for, unless that one is gone
        if not member.get("deputy_for") or member.get("deputy_for") not in known
    ]

    agenda: list[Context] = []
    total = Decimal(0)
    for index, item in enumerate(_entries(data, "items")):
        total += decimal(item.get("requested")) or Decimal(0)
        agenda.append(
            {
                "no": str(index + 1),
                "ref": text(item.get("ref")),
                "applicant": text(item.get("applicant")),
                "title": text(item.get("title")),
                "requested": money(item.get("requested")),
            }
        )
    written_since = [
        {
            "ref": text(entry.get("ref")),
            "date": short_date(entry.get("date")),
            "approved": entry.get("outcome") == "approved",
            "rejected": entry.get("outcome") == "rejected",
            "deferred": entry.get("outcome") == "deferred",
        }
        for entry in _entries(data, "written_since")
    ]
    office = partnership.coordination_office
    return {
        **letterhead(partnership),
        "sender_line": coordination_office_return_line(partnership),
        "letter_date": short_date(get(data, "letter_date")),
        "kuf": {
            "name": text(office.name),
            "carrier": text(office.carrier),
            "contact": text(office.contact),
            "email": text(office.email),
        },
        "meeting": {
            "youth_forum": get(data, "body") == "jugendforum",
            "date": short_date(get(data, "date")),
            "date_long": weekday_date(get(data, "date")),
            "place": text(get(data, "place")),
            "start_time": text(get(data, "start_time")),
            "budget_left": money(get(data, "budget_left")),
            "requested_total": money(total) if agenda else "",
        },
        "agenda": agenda,
        "written_since": written_since,
        "invitees": invitees,
    }
