"""The interchange input of ``render invitation`` (docs/decisions.md, issue 18.9).

The contract (interchange.md) defines no invitation; its input is the meeting object of
``render minutes`` before the session – ``invited``, ``present``, ``objections`` and the votes
are not needed and ignored – plus what only the invitation says: ``letter_date`` (ISO date,
default: today), ``committee`` (the committee's name for the PDF's subject), ``items[].title``
(the project's title) and ``members[].organisation``. A written vote has no session to invite
to and is refused as input.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .findings import Finding
from .messages import N_, Message
from .reader import InputReader

INVITATION_KEYS = ("letter_date", "committee")
INVITATION_ITEM_KEYS = ("title",)
INVITATION_MEMBER_KEYS = ("organisation",)


def _entries(data: Mapping[str, Any], key: str) -> list[Any]:
    value = data.get(key)
    return value if isinstance(value, list) else []


def split_invitation(data: Any) -> tuple[Any, list[Finding]]:
    """The meeting object inside an invitation input (the invitation's own keys taken out, for
    the meeting reader) and the input problems of those keys."""
    if not isinstance(data, Mapping):
        return data, []
    reader = InputReader()
    reader.day(data, "letter_date", "")
    reader.text(data, "committee", "")
    if data.get("mode") == "written":
        reader.invalid("mode", Message(N_("A written vote has no session to invite to.")))
    meeting = {key: value for key, value in data.items() if key not in INVITATION_KEYS}
    for key, own, name in (
        ("items", INVITATION_ITEM_KEYS, "title"),
        ("members", INVITATION_MEMBER_KEYS, "organisation"),
    ):
        if key not in data or not isinstance(data[key], list):
            continue
        stripped: list[Any] = []
        for index, entry in enumerate(_entries(data, key)):
            if isinstance(entry, Mapping):
                reader.text(entry, name, f"{key}[{index}]")
                entry = {k: v for k, v in entry.items() if k not in own}
            stripped.append(entry)
        meeting[key] = stripped
    return meeting, list(reader.findings)


# what the meeting reader asks for that a session's invitation cannot have yet
NOT_YET = frozenset(
    ("mode", "invited", "present", "objections", "proposed_amount", "votes", "conflicts")
)


def invitation_findings(meeting_findings: list[Finding], own: list[Finding]) -> list[Finding]:
    """The meeting reader's findings that concern an invitation – what cannot be read, and
    what it must name (date, place, members, the items' applicants) – with the invitation's
    own. Quorum, votes and outcomes belong to the minutes."""
    kept = [
        finding
        for finding in meeting_findings
        if finding.code == "input.invalid"
        or (
            finding.code == "field.required"
            and finding.field.rsplit(".", 1)[-1].split("[")[0] not in NOT_YET
        )
    ]
    return [*own, *kept]
