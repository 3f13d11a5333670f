"""A session or written vote of the deciding body: quorum, conflicts, votes and outcomes.

Default rules (spec/rules.md): §§ 90–91 VwVfG as the fallback of the committee's rules of
procedure (Geschäftsordnung).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from . import sources
from .catalogues import DECIDING_BODIES
from .findings import Finding, RuleKind, define
from .labels import required
from .messages import N_, Message
from .reader import InputReader, at, join

MODES = ("session", "written")
SECTORS = ("civil", "admin", "politics")
VOTES = ("yes", "no", "abstain")
WRITTEN_OUTCOMES = ("approved", "rejected", "not-decided", "deferred", "withdrawn")
# an item dealt with without a vote (issue 18): postponed to a later session, or withdrawn
# by the applicant; absent: the item is voted on
ITEM_STATUSES = ("postponed", "withdrawn")
MIN_QUORUM = 3

Outcome = Literal["approved", "rejected", "not-decided", "deferred", "withdrawn"]

MEETING_KEYS = (
    "body",
    "mode",
    "date",
    "place",
    "members",
    "invited",
    "present",
    "objections",
    "items",
    "start_time",
    "end_time",
    "minute_taker",
    "guests",
    "next_date",
    "budget_left",
    "written_since",
    "excused",
)
MEMBER_KEYS = ("id", "name", "sector", "voting", "chair", "deputy_for")
ITEM_KEYS = (
    "ref",
    "applicant",
    "requested",
    "proposed_amount",
    "conditions",
    "conflicts",
    "votes",
    "status",
    "note",
)
WRITTEN_SINCE_KEYS = ("ref", "outcome", "date")
# Bounds of a session's lists (issue 14): a Begleitausschuss has 10 to 30 members with their
# deputies, a session a few dozen items. Longer lists, and an item with more votes than
# MAX_MEMBERS, are refused as input.invalid. Other lists: reader.MAX_LIST.
MAX_MEMBERS = 100
MAX_ITEMS = 200

# -- the rules (listed by `foerderwerk rules`; spec/rules.md, "Meeting codes") --------------

MEETING = RuleKind("meeting", N_("Session and written vote"), 30)

MEETING_NOT_QUORATE = define(
    MEETING,
    "meeting.not-quorate",
    "error",
    N_(
        "Only %(count)s of %(total)s voting members were present or "
        "represented by a deputy; more than half, and at least 3, are needed. "
        "Nothing could be decided. Please put the items on the agenda of the "
        "next session or decide them by written vote."
    ),
    source=sources.QUORUM,
)
MEETING_NOT_ALL_INVITED = define(
    MEETING,
    "meeting.not-all-invited",
    "error",
    N_(
        "%(name)s, a voting member, was not invited. A committee can only "
        "decide when all voting members were invited. Please invite everyone "
        "to a new session."
    ),
    source=sources.QUORUM,
)
ITEM_NOT_QUORATE = define(
    MEETING,
    "item.not-quorate",
    "error",
    N_(
        "Without the members with a conflict of interest only %(count)s of "
        "%(total)s voting members remain; more than half, and at least 3, "
        "are needed. This item could not be decided. Please decide it in "
        "another session or by written vote."
    ),
    source=sources.QUORUM,
)
VOTE_VOTER_ABSENT = define(
    MEETING,
    "vote.voter-absent",
    "error",
    N_(
        "%(name)s is not recorded as present, so the vote is not counted. "
        "Please check the list of members present or remove the vote."
    ),
    source=sources.QUORUM,
)
VOTE_CONFLICTED = define(
    MEETING,
    "vote.conflicted",
    "error",
    N_(
        "%(name)s has a conflict of interest for this item and may not vote, so the "
        "vote is not counted. Please remove it."
    ),
    source=sources.CONFLICT,
)
VOTE_DOUBLE_REPRESENTATION = define(
    MEETING,
    "vote.double-representation",
    "error",
    {
        "principal-present": N_(
            "%(name)s is a deputy, but %(principal)s, the member they stand in "
            "for, was present. The vote is not counted; please remove it."
        ),
        "another-deputy": N_(
            "%(name)s is a deputy, but another deputy already stands in for "
            "%(principal)s. The vote is not counted; please remove it."
        ),
        "written": N_(
            "%(name)s is a deputy, but %(principal)s, the member they stand in "
            "for, voted already (or another deputy did). The vote is not counted; "
            "please remove it."
        ),
    },
    source=sources.QUORUM,
)
VOTE_NOT_MEMBER = define(
    MEETING,
    "vote.not-member",
    "error",
    N_(
        "“%(voter)s” is neither a voting member nor a deputy, so the vote is not "
        "counted. Please check the identifier or remove the vote."
    ),
    source=sources.MAJORITY,
)
WRITTEN_OBJECTION = define(
    MEETING,
    "written.objection",
    "error",
    N_(
        "%(names)s objected to the written vote, so no item is decided. Please "
        "put the items on the agenda of a session."
    ),
    source=sources.WRITTEN_VOTE,
)
ITEM_NOT_VOTED_ON = define(
    MEETING,
    "item.not-voted-on",
    "error",
    {
        "postponed": N_(
            "This item was postponed and not voted on, so its votes are not counted. Please "
            "remove them, or record the item as voted on."
        ),
        "withdrawn": N_(
            "This item was withdrawn and not voted on, so its votes are not counted. Please "
            "remove them, or record the item as voted on."
        ),
    },
    source=sources.MAJORITY,
)
COMMITTEE_NO_CIVIL_MAJORITY = define(
    MEETING,
    "committee.no-civil-majority",
    "warning",
    N_(
        "Civil society must hold the majority of the voting members of "
        "the monitoring committee, but it has %(civil)s of %(total)s. "
        "Please change the composition of the committee."
    ),
    source=sources.CIVIL_MAJORITY,
)


@dataclass(frozen=True)
class Member:
    id: str | None
    name: str | None
    sector: str | None
    voting: bool | None
    chair: bool
    deputy_for: str | None

    @property
    def label(self) -> str:
        return self.name or self.id or "?"


@dataclass(frozen=True)
class Item:
    ref: str | None
    applicant: str | None
    requested: Decimal | None
    proposed_amount: Decimal | None
    conditions: str | None
    conflicts: tuple[str, ...]
    votes: Mapping[str, str] | None
    # postponed or withdrawn without a vote (issue 18); None: voted on
    status: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class WrittenDecision:
    ref: str | None
    outcome: str | None
    date: date | None


# ``Meeting.date`` shadows the type inside the class body
Day = date


@dataclass(frozen=True)
class Meeting:
    body: str | None
    mode: str | None
    date: date | None
    place: str | None
    members: tuple[Member, ...] | None
    invited: tuple[str, ...] | None
    present: tuple[str, ...] | None
    objections: tuple[str, ...]
    items: tuple[Item, ...] | None
    start_time: str | None = None
    end_time: str | None = None
    minute_taker: str | None = None
    guests: tuple[str, ...] = ()
    next_date: Day | None = None
    budget_left: Decimal | None = None
    written_since: tuple[WrittenDecision, ...] = ()
    # absent members who sent apologies (issue 20.6); only for the minutes
    excused: tuple[str, ...] = ()


@dataclass(frozen=True)
class ItemOutcome:
    ref: str | None
    outcome: Outcome
    yes: int
    no: int
    abstain: int
    approved_amount: Decimal | None
    # for the minutes: whether the item itself had quorum (None in a written vote) and the
    # members who left the room for a conflict of interest
    quorate: bool | None = None
    excluded: tuple[str, ...] = ()
    # the voters whose votes were counted (the written vote's minutes list each vote)
    counted: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {
            "ref": self.ref,
            "outcome": self.outcome,
            "yes": self.yes,
            "no": self.no,
            "abstain": self.abstain,
            "approved_amount": self.approved_amount,
        }


@dataclass(frozen=True)
class MeetingOutcomes:
    quorate: bool | None  # None in a written vote, where quorum does not apply
    items: tuple[ItemOutcome, ...]
    findings: tuple[Finding, ...] = field(default=())
    # voting members present or represented by a deputy (session only)
    represented: int = 0
    voting_members: int = 0


# -- parsing --------------------------------------------------------------------------------


def parse_meeting(data: Any) -> tuple[Meeting | None, list[Finding]]:
    """Typed meeting and its ``input.invalid`` findings (the meeting is None then)."""
    r = InputReader()
    root = r.mapping(data, "", MEETING_KEYS)
    if root is None and data is None:
        r.wrong_type("", "object")

    members = _parse_members(r, root)
    member_ids = {m.id for m in members or () if m.id is not None}
    items = _parse_items(r, root, member_ids)
    written: list[WrittenDecision] = []
    for index, entry in enumerate(r.sequence(root, "written_since", "", MAX_ITEMS) or ()):
        path = at("written_since", index)
        obj = r.mapping(entry, path, WRITTEN_SINCE_KEYS)
        written.append(
            WrittenDecision(
                ref=r.text(obj, "ref", path),
                outcome=r.choice(obj, "outcome", path, WRITTEN_OUTCOMES),
                date=r.day(obj, "date", path),
            )
        )
    guests = [
        r.text_value(name, at("guests", index))
        for index, name in enumerate(r.sequence(root, "guests", "") or ())
    ]
    meeting = Meeting(
        body=r.choice(root, "body", "", DECIDING_BODIES),
        mode=r.choice(root, "mode", "", MODES),
        date=r.day(root, "date", ""),
        place=r.text(root, "place", ""),
        members=members,
        invited=_id_list(r, root, "invited", member_ids),
        present=_id_list(r, root, "present", member_ids),
        objections=_id_list(r, root, "objections", member_ids) or (),
        items=items,
        start_time=r.time(root, "start_time", ""),
        end_time=r.time(root, "end_time", ""),
        minute_taker=r.text(root, "minute_taker", ""),
        guests=tuple(g for g in guests if g is not None),
        next_date=r.day(root, "next_date", ""),
        budget_left=r.number(root, "budget_left", "", minimum="any"),
        written_since=tuple(written),
        excused=_id_list(r, root, "excused", member_ids) or (),
    )
    if r.findings:
        return None, r.findings
    return meeting, []


def _parse_members(r: InputReader, root: Mapping[str, Any] | None) -> tuple[Member, ...] | None:
    entries = r.sequence(root, "members", "", MAX_MEMBERS)
    if entries is None:
        return None
    members: list[Member] = []
    for index, entry in enumerate(entries):
        path = at("members", index)
        obj = r.mapping(entry, path, MEMBER_KEYS)
        if obj is None and entry is None:
            r.wrong_type(path, "object")
        members.append(
            Member(
                id=r.text(obj, "id", path),
                name=r.text(obj, "name", path),
                sector=r.choice(obj, "sector", path, SECTORS),
                voting=r.flag(obj, "voting", path),
                chair=r.flag(obj, "chair", path) is True,
                deputy_for=r.text(obj, "deputy_for", path),
            )
        )
    _check_members(r, members)
    return tuple(members)


def _check_members(r: InputReader, members: list[Member]) -> None:
    """Identifiers must be unique and deputies must stand in for a voting member."""
    by_id: dict[str, Member] = {}
    for index, member in enumerate(members):
        if member.id is None:
            continue
        if member.id in by_id:
            r.invalid(
                join(at("members", index), "id"),
                Message(
                    N_("The identifier “%(id)s” is used for two members. Please make it unique."),
                    {"id": member.id},
                ),
            )
        by_id.setdefault(member.id, member)
    chairs = 0
    for index, member in enumerate(members):
        path = at("members", index)
        if member.chair:
            chairs += 1
            if chairs > 1:
                r.invalid(
                    join(path, "chair"),
                    Message(N_("Only one member can chair the meeting. Please mark only one.")),
                )
        if member.deputy_for is None:
            continue
        principal = by_id.get(member.deputy_for)
        if member.voting:
            r.invalid(
                join(path, "deputy_for"),
                Message(
                    N_(
                        "A voting member cannot be a deputy at the same time. Please set "
                        "“voting” to false for the deputy or remove “deputy_for”."
                    )
                ),
            )
        elif principal is None or not principal.voting:
            r.invalid(
                join(path, "deputy_for"),
                Message(
                    N_(
                        "A deputy must stand in for a voting member; “%(id)s” is none. "
                        "Please check the identifier."
                    ),
                    {"id": member.deputy_for},
                ),
            )


def _id_list(
    r: InputReader, obj: Mapping[str, Any] | None, key: str, member_ids: set[str]
) -> tuple[str, ...] | None:
    entries = r.sequence(obj, key, "", MAX_MEMBERS)
    if entries is None:
        return None
    return _ids(r, entries, key, member_ids)


def _ids(r: InputReader, entries: list[Any], path: str, member_ids: set[str]) -> tuple[str, ...]:
    ids: list[str] = []
    for index, entry in enumerate(entries):
        entry_path = at(path, index)
        if not isinstance(entry, str):
            r.wrong_type(entry_path, "text")
        elif entry not in member_ids:
            r.invalid(entry_path, _unknown_member(entry))
        elif entry not in ids:
            ids.append(entry)
    return tuple(ids)


def _unknown_member(member_id: str) -> Message:
    return Message(
        N_("“%(id)s” is not in the list of members. Please check the identifier."),
        {"id": member_id[:80]},
    )


def _parse_items(
    r: InputReader, root: Mapping[str, Any] | None, member_ids: set[str]
) -> tuple[Item, ...] | None:
    entries = r.sequence(root, "items", "", MAX_ITEMS)
    if entries is None:
        return None
    items: list[Item] = []
    for index, entry in enumerate(entries):
        path = at("items", index)
        obj = r.mapping(entry, path, ITEM_KEYS)
        if obj is None and entry is None:
            r.wrong_type(path, "object")
        conflicts = r.sequence(obj, "conflicts", path, MAX_MEMBERS)
        votes_path = join(path, "votes")
        votes_obj = None if obj is None else obj.get("votes")
        votes: dict[str, str] | None = None
        if votes_obj is not None:
            if not isinstance(votes_obj, Mapping):
                r.wrong_type(votes_path, "object")
            elif len(votes_obj) > MAX_MEMBERS:
                r.too_many_keys(votes_path, len(votes_obj), MAX_MEMBERS)
            else:
                votes = {}
                for voter, value in votes_obj.items():
                    # An unknown voter is a rule finding (vote.not-member), not an input error;
                    # null or "" means the member did not vote.
                    vote = r.choice_value(value, join(votes_path, voter), VOTES)
                    if vote is not None:
                        votes[voter] = vote
        items.append(
            Item(
                ref=r.text(obj, "ref", path),
                applicant=r.text(obj, "applicant", path),
                requested=r.number(obj, "requested", path),
                proposed_amount=r.number(obj, "proposed_amount", path),
                conditions=r.text(obj, "conditions", path),
                conflicts=_ids(r, conflicts or [], join(path, "conflicts"), member_ids),
                votes=votes,
                status=r.choice(obj, "status", path, ITEM_STATUSES),
                note=r.text(obj, "note", path),
            )
        )
    return tuple(items)


# -- rules and outcomes ---------------------------------------------------------------------


class _Roster:
    """Who is who in a meeting: voting members, deputies and who acts for whom."""

    def __init__(self, meeting: Meeting) -> None:
        members = [m for m in meeting.members or () if m.id is not None]
        self.by_id: dict[str, Member] = {}
        for m in members:
            if m.id is not None:
                self.by_id.setdefault(m.id, m)
        self.voting = [m.id for m in members if m.voting and m.id is not None]
        self.present = set(meeting.present or ())
        self.deputies: dict[str, list[str]] = {v: [] for v in self.voting}
        for m in members:
            if m.deputy_for in self.deputies and m.id is not None and not m.voting:
                self.deputies[m.deputy_for].append(m.id)
        # In a session the first present deputy (in the order of the member list) acts for
        # an absent member; a second deputy of the same member does not vote.
        self.acting: dict[str, str] = {}
        for principal, deputies in self.deputies.items():
            if principal in self.present:
                continue
            for deputy in deputies:
                if deputy in self.present:
                    self.acting[principal] = deputy
                    break
        self.chair = next((m.id for m in members if m.chair), None)

    def is_voting(self, member_id: str) -> bool:
        m = self.by_id.get(member_id)
        return m is not None and bool(m.voting)

    def principal_of(self, member_id: str) -> str | None:
        m = self.by_id.get(member_id)
        if m is None or m.voting or m.deputy_for not in self.deputies:
            return None
        return m.deputy_for

    def name(self, member_id: str) -> str:
        m = self.by_id.get(member_id)
        return m.label if m else member_id

    def represented(self, excluded: set[str]) -> int:
        """Voting members present or represented by their acting deputy, minus ``excluded``."""
        count = 0
        for member in self.voting:
            if member in excluded:
                continue
            deputy = self.acting.get(member)
            if member in self.present or (deputy is not None and deputy not in excluded):
                count += 1
        return count

    def has_quorum(self, count: int) -> bool:
        return 2 * count > len(self.voting) and count >= MIN_QUORUM


def meeting_outcomes(meeting: Meeting) -> MeetingOutcomes:
    """Quorum, the counted votes and the outcome of every item, with their findings."""
    roster = _Roster(meeting)
    if meeting.mode == "written":
        return _written_outcomes(meeting, roster)
    return _session_outcomes(meeting, roster)


def _session_outcomes(meeting: Meeting, roster: _Roster) -> MeetingOutcomes:
    findings: list[Finding] = []
    invited = set(meeting.invited or ())
    not_invited = [m for m in roster.voting if m not in invited]
    represented = roster.represented(set())
    for member in not_invited:
        findings.append(MEETING_NOT_ALL_INVITED.finding("invited", {"name": roster.name(member)}))
    quorate = not not_invited and roster.has_quorum(represented)
    if not not_invited and not quorate:
        findings.append(
            MEETING_NOT_QUORATE.finding(
                "present", {"count": represented, "total": len(roster.voting)}
            )
        )
    outcomes: list[ItemOutcome] = []
    for index, item in enumerate(meeting.items or ()):
        path = at("items", index)
        if item.status is not None:
            findings += _not_voted_on(item, path)
            outcomes.append(_without_vote(item))
            continue
        excluded = set(item.conflicts)
        # a deputy acting for a member with a conflict leaves the room too
        excluded |= {d for p, d in roster.acting.items() if p in item.conflicts}
        item_count = roster.represented(excluded)
        item_quorate = quorate and roster.has_quorum(item_count)
        if quorate and not item_quorate:
            findings.append(
                ITEM_NOT_QUORATE.finding(
                    join(path, "conflicts"), {"count": item_count, "total": len(roster.voting)}
                )
            )
        counted, vote_findings = _session_votes(item, path, roster)
        findings += vote_findings
        outcomes.append(
            _outcome(
                item,
                counted,
                decided=item_quorate,
                chair=roster.chair,
                excluded=excluded,
                quorate=item_quorate,
            )
        )
    return MeetingOutcomes(
        quorate=quorate,
        items=tuple(outcomes),
        findings=tuple(findings),
        represented=represented,
        voting_members=len(roster.voting),
    )


def _session_votes(item: Item, path: str, roster: _Roster) -> tuple[dict[str, str], list[Finding]]:
    counted: dict[str, str] = {}
    findings: list[Finding] = []
    for voter, vote in (item.votes or {}).items():
        vote_path = join(join(path, "votes"), voter)
        principal = roster.principal_of(voter)
        if not roster.is_voting(voter) and principal is None:
            findings.append(_not_member(vote_path, voter))
        elif principal is not None and principal in roster.present:
            findings.append(
                _double(vote_path, "principal-present", roster.name(voter), roster.name(principal))
            )
        elif (
            principal is not None
            and voter in roster.present
            and roster.acting.get(principal) != voter
        ):
            findings.append(
                _double(vote_path, "another-deputy", roster.name(voter), roster.name(principal))
            )
        elif voter not in roster.present:
            findings.append(VOTE_VOTER_ABSENT.finding(vote_path, {"name": roster.name(voter)}))
        elif voter in item.conflicts or (principal is not None and principal in item.conflicts):
            findings.append(_conflicted(vote_path, roster.name(voter)))
        else:
            counted[voter] = vote
    return counted, findings


def _written_outcomes(meeting: Meeting, roster: _Roster) -> MeetingOutcomes:
    findings: list[Finding] = []
    # an objection counts from a voting member or from a deputy on its member's behalf
    objectors = [
        o for o in meeting.objections if roster.is_voting(o) or roster.principal_of(o) is not None
    ]
    if objectors:
        findings.append(
            WRITTEN_OBJECTION.finding(
                "objections", {"names": ", ".join(roster.name(o) for o in objectors)}
            )
        )
    outcomes: list[ItemOutcome] = []
    for index, item in enumerate(meeting.items or ()):
        path = at("items", index)
        if item.status is not None:
            findings += _not_voted_on(item, path)
            outcomes.append(_without_vote(item))
            continue
        counted, vote_findings = _written_votes(item, path, roster)
        findings += vote_findings
        excluded = set(item.conflicts)
        outcomes.append(
            _outcome(
                item, counted, decided=not objectors, chair=None, excluded=excluded, quorate=None
            )
        )
    return MeetingOutcomes(
        quorate=None,
        items=tuple(outcomes),
        findings=tuple(findings),
        voting_members=len(roster.voting),
    )


def _written_votes(item: Item, path: str, roster: _Roster) -> tuple[dict[str, str], list[Finding]]:
    votes = item.votes or {}
    counted: dict[str, str] = {}
    findings: list[Finding] = []
    # Deputies vote only for a member who did not vote; of several deputies the first in the
    # member list who voted acts.
    acting: dict[str, str] = {}
    for member, deputies in roster.deputies.items():
        if member in votes:
            continue
        for deputy in deputies:
            if deputy in votes:
                acting[member] = deputy
                break
    for voter, vote in votes.items():
        vote_path = join(join(path, "votes"), voter)
        principal = roster.principal_of(voter)
        if not roster.is_voting(voter) and principal is None:
            findings.append(_not_member(vote_path, voter))
        elif principal is not None and acting.get(principal) != voter:
            findings.append(
                _double(vote_path, "written", roster.name(voter), roster.name(principal))
            )
        elif voter in item.conflicts or (principal is not None and principal in item.conflicts):
            findings.append(_conflicted(vote_path, roster.name(voter)))
        else:
            counted[voter] = vote
    return counted, findings


def _without_vote(item: Item) -> ItemOutcome:
    """A postponed item is deferred, a withdrawn one withdrawn: no vote, no quorum of its
    own, no majority – nothing is approved or rejected (issue 18)."""
    outcome: Outcome = "withdrawn" if item.status == "withdrawn" else "deferred"
    return ItemOutcome(ref=item.ref, outcome=outcome, yes=0, no=0, abstain=0, approved_amount=None)


def _not_voted_on(item: Item, path: str) -> list[Finding]:
    """Votes recorded on an item that was not voted on are not counted – one finding."""
    if not item.votes:
        return []
    return [ITEM_NOT_VOTED_ON.finding(join(path, "votes"), variant=item.status or "postponed")]


def _not_member(path: str, voter: str) -> Finding:
    return VOTE_NOT_MEMBER.finding(path, {"voter": voter[:80]})


def _double(path: str, variant: str, name: str, principal: str) -> Finding:
    return VOTE_DOUBLE_REPRESENTATION.finding(
        path, {"name": name, "principal": principal}, variant=variant
    )


def _conflicted(path: str, name: str) -> Finding:
    return VOTE_CONFLICTED.finding(path, {"name": name})


def _outcome(
    item: Item,
    counted: Mapping[str, str],
    *,
    decided: bool,
    chair: str | None,
    excluded: set[str],
    quorate: bool | None,
) -> ItemOutcome:
    yes = sum(1 for v in counted.values() if v == "yes")
    no = sum(1 for v in counted.values() if v == "no")
    abstain = sum(1 for v in counted.values() if v == "abstain")
    outcome: Outcome
    if not decided:
        outcome = "not-decided"
    elif yes > no:
        outcome = "approved"
    elif yes == no and chair is not None and counted.get(chair) == "yes":
        # § 91 VwVfG: on a tie the chair's vote decides, if it was counted
        outcome = "approved"
    else:
        outcome = "rejected"
    return ItemOutcome(
        ref=item.ref,
        outcome=outcome,
        yes=yes,
        no=no,
        abstain=abstain,
        approved_amount=item.proposed_amount if outcome == "approved" else None,
        quorate=quorate,
        excluded=tuple(sorted(excluded)),
        counted=tuple(counted),
    )


def meeting_findings(meeting: Meeting) -> tuple[list[Finding], MeetingOutcomes]:
    """Every rule finding for a parsed meeting (unsorted) and the outcomes."""
    findings: list[Finding] = []
    if meeting.body is None:
        findings.append(required("body"))
    if meeting.mode is None:
        findings.append(required("mode"))
    if meeting.date is None:
        findings.append(required("date"))
    if meeting.mode != "written":
        for key in ("place", "invited", "present"):
            if getattr(meeting, key) is None:
                findings.append(required(key))
    if not meeting.members:
        findings.append(required("members"))
    if not meeting.items:
        findings.append(required("items"))
    for index, member in enumerate(meeting.members or ()):
        path = at("members", index)
        for key in ("id", "name", "sector", "voting"):
            if getattr(member, key) is None:
                findings.append(required(join(path, key)))
    for index, item in enumerate(meeting.items or ()):
        path = at("items", index)
        # a postponed or withdrawn item needs no votes
        keys = ("ref", "applicant", "requested", "proposed_amount")
        for key in (*keys, "votes") if item.status is None else keys:
            if getattr(item, key) is None:
                findings.append(required(join(path, key)))
    if meeting.body == "begleitausschuss" and meeting.members:
        voting = [m for m in meeting.members if m.voting]
        civil = sum(1 for m in voting if m.sector == "civil")
        # administration and politics together (issue 16: three groups)
        others = sum(1 for m in voting if m.sector in ("admin", "politics"))
        if civil <= others:
            findings.append(
                COMMITTEE_NO_CIVIL_MAJORITY.finding(
                    "members", {"civil": civil, "total": len(voting)}
                )
            )
    outcomes = meeting_outcomes(meeting)
    return findings + list(outcomes.findings), outcomes


# -- the written vote online (issue 20.4) -----------------------------------------------------
# Who still has to answer, whether a deputy may vote, whether the vote is open and when the
# reminder is due: the rules of the written vote in one place, on the same interchange the
# outcomes are computed from (the operations never repeat them).

# the reminder goes out this many days before the deadline (on the deadline day at the latest)
REMINDER_DAYS = 2


def written_open(deadline: Day | None, today: Day, *, closed: bool) -> bool:
    """Votes and objections are taken through the deadline day; never once it is closed."""
    return deadline is not None and not closed and today <= deadline


def written_due(deadline: Day | None, today: Day) -> bool:
    """The deadline has passed: the written vote is to be closed (``foerderwerk sessions
    close-due``)."""
    return deadline is not None and today > deadline


def reminder_due(deadline: Day | None, today: Day) -> bool:
    """The reminder is due from :data:`REMINDER_DAYS` days before the deadline through the
    deadline day."""
    if deadline is None or today > deadline:
        return False
    return (deadline - today).days <= REMINDER_DAYS


def _voted_items(meeting: Meeting) -> list[Item]:
    return [item for item in meeting.items or () if item.status is None]


def represented_by(meeting: Meeting, member: str, item: Item) -> str | None:
    """Who answers for voting ``member`` on ``item``: the member itself if it voted, else the
    first of its deputies in the member list who voted (the engine's rule), else None."""
    votes = item.votes or {}
    if member in votes:
        return member
    roster = _Roster(meeting)
    return next((d for d in roster.deputies.get(member, []) if d in votes), None)


def _objected(meeting: Meeting, roster: _Roster, member: str) -> bool:
    return member in meeting.objections or any(
        d in meeting.objections for d in roster.deputies.get(member, [])
    )


def written_answered(meeting: Meeting, member: str) -> bool:
    """Whether voting ``member`` (or a deputy for it) has answered the written vote: objected
    to it, or voted on every item – an item where it has a conflict of interest excepted."""
    roster = _Roster(meeting)
    if _objected(meeting, roster, member):
        return True
    return all(
        member in item.conflicts or represented_by(meeting, member, item) is not None
        for item in _voted_items(meeting)
    )


def written_missing(meeting: Meeting) -> tuple[str, ...]:
    """The voting members who have not answered yet (in the member list's order)."""
    roster = _Roster(meeting)
    return tuple(m for m in roster.voting if not written_answered(meeting, m))


def written_complete(meeting: Meeting) -> bool:
    """Every voting member has answered: the result can be computed before the deadline."""
    return bool(_voted_items(meeting)) and not written_missing(meeting)


WrittenRefusal = Literal["not-voting", "principal-voted", "another-deputy", "principal-objected"]


def written_vote_refusal(meeting: Meeting, voter: str, item: Item | None) -> WrittenRefusal | None:
    """Why ``voter`` may not vote on ``item`` (or, with ``item`` None, object to the written
    vote), or None. A voting member always may; a deputy only for a principal who has not
    voted (nor objected) and for whom no other deputy has voted (spec/rules.md: "deputies vote
    only for a principal who did not vote")."""
    roster = _Roster(meeting)
    if roster.is_voting(voter):
        return None
    principal = roster.principal_of(voter)
    if principal is None:
        return "not-voting"
    if principal in meeting.objections:
        return "principal-objected"
    items = [item] if item is not None else _voted_items(meeting)
    for entry in items:
        votes = entry.votes or {}
        if principal in votes:
            return "principal-voted"
        acting = represented_by(meeting, principal, entry)
        if acting is not None and acting != voter:
            return "another-deputy"
    return None
