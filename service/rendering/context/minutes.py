"""Context of the minutes (Protokoll / Niederschrift) of a session or a written vote.

Quorum, outcomes, conflicts and vote counts come from the rules engine (one place for the
rules); this module only arranges them for the minutes and names the people.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ...domain.meeting import Meeting, MeetingOutcomes, meeting_findings
from ...domain.messages import N_, Localizer
from ..partnership import Partnership
from .common import (
    CheckOutcome,
    Context,
    coordination_office_return_line,
    get,
    letterhead,
    long_date,
    money,
    short_date,
    text,
)

_ITEM_FIELD = re.compile(r"^items\[(\d+)\]")


def _outcomes(check: CheckOutcome) -> MeetingOutcomes | None:
    parsed = getattr(check, "parsed", None)
    if isinstance(parsed, Meeting):
        return meeting_findings(parsed)[1]
    return None


def _outcome_flags(outcome: Any) -> Context:
    return {
        "approved": outcome == "approved",
        "rejected": outcome == "rejected",
        "deferred": outcome == "deferred",
        "withdrawn": outcome == "withdrawn",
    }


# the written vote's minutes list each vote (issue 18)
VOTE_LABELS = {"yes": N_("Yes"), "no": N_("No"), "abstain": N_("Abstention")}


def _ballots(
    item: Mapping[str, Any], names: Mapping[Any, str], counted: set[str], localizer: Localizer
) -> list[Context]:
    votes = item.get("votes")
    if not isinstance(votes, Mapping):
        return []
    return [
        {
            "name": names.get(voter) or text(voter),
            "vote": text(localizer.gettext(VOTE_LABELS[vote])) if vote in VOTE_LABELS else "",
            "counted": voter in counted,
        }
        for voter, vote in votes.items()
        if vote in VOTE_LABELS
    ]


def build_minutes_context(
    data: Mapping[str, Any],
    partnership: Partnership,
    check: CheckOutcome,
    localizer: Localizer,
    status: Mapping[str, Any] | None = None,
) -> Context:
    """The minutes' context. ``status``: their approval and the written vote online (issue
    20.4/20.5, service/operations/sessions.minutes_status_context); without it – minutes
    rendered from a file – neither a draft mark nor an approval is printed."""
    members = [m for m in get(data, "members", []) if isinstance(m, Mapping)]
    names = {m.get("id"): text(m.get("name")) for m in members}
    present = set(get(data, "present", []) or [])
    invited = set(get(data, "invited", []) or [])
    # an absence is excused or not (issue 20.6); records without the key say neither
    recorded = isinstance(data, Mapping) and "excused" in data
    excused = set(get(data, "excused", []) or [])
    written = get(data, "mode") == "written"
    outcomes = _outcomes(check)
    chair = next((text(m.get("name")) for m in members if m.get("chair")), "")

    attending: list[Context] = []
    absent: list[Context] = []
    for member in members:
        principal = member.get("deputy_for")
        entry = {
            "name": text(member.get("name")),
            "civil": member.get("sector") == "civil",
            "chair": bool(member.get("chair")),
            "voting": bool(member.get("voting")),
            # a deputy votes only while the member it stands in for is away
            "acting_for": names.get(principal, "")
            if principal and principal not in present
            else "",
            "deputy_of": names.get(principal, "") if principal else "",
        }
        if member.get("id") in present:
            attending.append(entry)
        else:
            absent.append(
                {
                    **{key: entry[key] for key in ("name", "civil", "voting", "deputy_of")},
                    "excused": member.get("id") in excused,
                    # expected but absent without apologies; a deputy is expected only while
                    # the member it stands in for is away too
                    "unexcused": recorded
                    and member.get("id") not in excused
                    and not (principal and principal in present),
                }
            )
    not_invited = [
        text(m.get("name")) for m in members if m.get("voting") and m.get("id") not in invited
    ]

    item_findings: dict[int, list[str]] = {}
    general: list[str] = []
    for finding in check.findings:
        rendered = text(finding.message.render(localizer))
        match = _ITEM_FIELD.match(finding.field)
        if match:
            item_findings.setdefault(int(match.group(1)), []).append(rendered)
        else:
            general.append(rendered)

    engine_items: list[Mapping[str, Any]] = list(check.extra.get("items") or [])
    agenda: list[Context] = []
    for index, item in enumerate(i for i in get(data, "items", []) if isinstance(i, Mapping)):
        result = engine_items[index] if index < len(engine_items) else {}
        detail = outcomes.items[index] if outcomes and index < len(outcomes.items) else None
        excluded = detail.excluded if detail else tuple(item.get("conflicts") or ())
        votes_cast = sum(int(result.get(key, 0) or 0) for key in ("yes", "no", "abstain"))
        flags = _outcome_flags(result.get("outcome"))
        without_vote = flags["deferred"] or flags["withdrawn"]
        agenda.append(
            {
                "no": str(index + 1),
                "ref": text(item.get("ref")),
                "applicant": text(item.get("applicant")),
                "requested": money(item.get("requested")),
                "proposed": money(item.get("proposed_amount")),
                "approved_amount": money(result.get("approved_amount")),
                "conditions": text(item.get("conditions")),
                "yes": str(result.get("yes", 0)),
                "no_votes": str(result.get("no", 0)),
                "abstain": str(result.get("abstain", 0)),
                "excluded": ", ".join(names.get(member, text(member)) for member in excluded),
                "lost_quorum": bool(detail is not None and detail.quorate is False),
                "findings": item_findings.get(index, []),
                **flags,
                # the spec counts a 0:0 as rejected; the minutes never say "abgelehnt"
                # where nobody voted (issue 18): they say that no vote was cast
                "rejected": flags["rejected"] and votes_cast > 0,
                "voted": not without_vote and votes_cast > 0,
                "note": text(item.get("note")),
                "ballots": _ballots(item, names, set(detail.counted if detail else ()), localizer)
                if written and not without_vote
                else [],
            }
        )

    written_since = [
        {
            "ref": text(get(entry, "ref")),
            "date": short_date(get(entry, "date")),
            **_outcome_flags(get(entry, "outcome")),
        }
        for entry in (get(data, "written_since", []) or [])
        if isinstance(entry, Mapping)
    ]
    quorate = check.extra.get("quorate")
    return {
        **letterhead(partnership),
        "sender_line": coordination_office_return_line(partnership),
        "kuf": {"name": text(partnership.coordination_office.name)},
        "meeting": {
            "youth_forum": get(data, "body") == "jugendforum",
            "written": written,
            "date": short_date(get(data, "date")),
            "date_long": long_date(get(data, "date")),
            "place": text(get(data, "place")),
            "start_time": text(get(data, "start_time")),
            "end_time": text(get(data, "end_time")),
            "chair": chair,
            "minute_taker": text(get(data, "minute_taker")),
            "quorate": quorate is True,
            "represented": str(outcomes.represented) if outcomes else "",
            "voting_members": str(outcomes.voting_members) if outcomes else "",
            "all_invited": not not_invited,
            "not_invited": not_invited,
            "objections": [names.get(m, text(m)) for m in get(data, "objections", []) or []],
            "budget_left": money(get(data, "budget_left")),
            "next_date_long": long_date(get(data, "next_date")),
        },
        "attending": attending,
        "absent": absent,
        "guests": [text(g) for g in get(data, "guests", []) or [] if text(g)],
        "agenda": agenda,
        "written_since": written_since,
        "findings": general,
        **(status if status is not None else NO_STATUS),
    }


NO_STATUS: Context = {
    "approval": {"approved": False, "draft": False, "when": "", "by": ""},
    "online": {"started": False, "deadline": "", "closed": ""},
}
