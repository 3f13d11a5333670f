"""Committee memberships with their terms (issue 16, item 3).

A committee – Begleitausschuss or Jugendforum – is a list of people, and each person sits on it
in *terms*: from a first day to a last day (open: still running), in a group (civil society,
administration, politics), with or without a vote, perhaps as chair, perhaps as the personal
deputy of a voting member. A change never overwrites a term: the running term ends the day
before the change and a new one begins, so that the committee *on a day* – the day of a
session – is always known again (``on``), and the minutes of a past session keep listing
who was a member then.

Everything here is pure Python: the terms are plain values keyed by the person's name (unique
within a committee). The operations (service/operations/committees.py) turn the stored rows
into these values, plan a change with :func:`replace_terms`, :func:`end_membership` or
:func:`plan_committee`, check it with :func:`roster_problems` and :func:`touched_sessions`, and
store the result only when nothing is wrong. The committees file (TOML, docs/committees.md) is
read by :func:`read_committees_file` into the same values.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from itertools import pairwise
from typing import Any

from .catalogues import DECIDING_BODIES
from .emails import EmailAddressError, parse_email_address
from .labelled import LabelledEnum
from .messages import N_, Message

MAX_NAME = 200
MAX_ORGANISATION = 200
# a Begleitausschuss has 10 to 30 members with their deputies (issue 14: bounded lists)
MAX_MEMBERS = 200
MAX_COMMITTEES = 20


class Sector(LabelledEnum):
    """The group a member comes from. Civil society must hold the majority of the voting
    members of a Begleitausschuss; administration and politics together are the rest.

    The stored value ``admin`` stays what it was; until issue 16 it meant "administration and
    politics" (docs/decisions.md, "Gremien mit Amtszeiten")."""

    civil = "civil", N_("Civil society")
    admin = "admin", N_("Administration")
    politics = "politics", N_("Politics")


# the words of the committees file, as the offices say them (docs/committees.md)
GROUP_WORDS: dict[str, Sector] = {
    "zivilgesellschaft": Sector.civil,
    "verwaltung": Sector.admin,
    "politik": Sector.politics,
}
WORD_OF_GROUP: dict[Sector, str] = {sector: word for word, sector in GROUP_WORDS.items()}
BODIES = tuple(DECIDING_BODIES)


@dataclass(frozen=True)
class Role:
    """What a person is on the committee during one term."""

    organisation: str
    sector: Sector
    voting: bool
    chair: bool = False
    # the name of the voting member this person stands in for
    deputy_for: str | None = None


@dataclass(frozen=True)
class Term:
    """One term of one person: ``start`` to ``end`` (both included; ``None``: open)."""

    person: str
    start: date
    end: date | None
    role: Role

    def covers(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)

    def overlaps(self, other: Term) -> bool:
        return _overlap(self.start, self.end, other.start, other.end)


def _overlap(a_start: date, a_end: date | None, b_start: date, b_end: date | None) -> bool:
    return (a_end is None or b_start <= a_end) and (b_end is None or a_start <= b_end)


@dataclass(frozen=True)
class Problem:
    """Why a planned composition cannot be stored: about ``person``'s term beginning ``start``
    (both None: the committee as a whole), at ``key`` (a key of the committees file:
    ``term_to``, ``deputy_for`` …; "" for the entry as a whole)."""

    person: str | None
    start: date | None
    key: str
    message: Message


# -- messages --------------------------------------------------------------------------------

END_BEFORE_START = N_(
    "The term cannot end (%(end)s) before it begins (%(start)s). Please check the last day "
    "of the term."
)
OVERLAP = N_(
    "%(name)s has two terms that overlap (from %(start)s and from %(other)s). A person can "
    "hold only one term at a time; please let one end before the other begins."
)
DEPUTY_VOTES = N_(
    "A deputy has no vote of their own: they vote only in place of the member they stand "
    "in for. Please make the deputy an advisory member, or name nobody they stand in for."
)
OWN_DEPUTY = N_("Nobody can be their own deputy. Please name another voting member.")
UNKNOWN_PRINCIPAL = N_(
    "“%(principal)s” is not a member of this committee. Please name a voting member of this "
    "committee, spelt exactly as in its member list."
)
PRINCIPAL_NOT_VOTING = N_(
    "%(principal)s is not a voting member of the committee on %(day)s, so nobody can stand "
    "in for them then. Please end this deputy's term by then or name another voting member."
)
CHAIR_NOT_VOTING = N_(
    "The chair must be a voting member, because their vote decides a tie. Please give the "
    "chair a vote, or choose another chair."
)
TWO_CHAIRS = N_(
    "%(name)s and %(other)s would both chair the committee on %(day)s. A committee has one "
    "chair at a time; please end the other chair's term as chair first."
)
DECIDED_SESSION = N_(
    "This change would alter who was a member at the session of %(day)s, which has decided "
    "already (%(names)s). Please let the change take effect after %(day)s."
)
NO_CIVIL_MAJORITY = N_(
    "Civil society holds %(civil)s of the %(total)s votes on %(day)s; it must hold the "
    "majority of the voting members of the monitoring committee. Please check the "
    "composition."
)

# reading the committees file
REQUIRED = N_("This is missing; please add it.")
NOT_TEXT = N_("Please give a text in quotation marks.")
NOT_BOOLEAN = N_("Please give true or false (without quotation marks).")
NOT_DATE = N_("Please give the date as YYYY-MM-DD, e.g. 2027-01-01.")
TOO_LONG = N_("At most %(max)s characters are possible.")
NOT_A_CHOICE = N_("Please give one of: %(choices)s.")
UNKNOWN_KEY = N_("This key is unknown. Please check its spelling; known keys here: %(keys)s.")
NOT_A_LIST = {
    "committee": N_(
        "Please give the committees as tables [[committee]], one table for each committee."
    ),
    "committee.member": N_(
        "Please give the members as tables [[committee.member]], one table for each member."
    ),
}
TOO_MANY = N_("At most %(max)s entries are possible here.")
NO_MEMBERS = N_(
    "The committee has no member. Please list its members, each as a table [[committee.member]]."
)
TWICE = N_(
    "“%(name)s” appears twice in the file. Please give every committee once (its members "
    "as [[committee.member]] tables under it)."
)
BODY_FIXED = N_(
    "The committee “%(name)s” is a %(body)s; its body cannot be changed (its sessions and "
    'funds depend on it). Please give body = "%(word)s" or a new name.'
)


# -- the committee on a day ------------------------------------------------------------------


def on(terms: Iterable[Term], day: date) -> list[Term]:
    """The terms that run on ``day``: the committee as it was (or will be) then."""
    return [term for term in terms if term.covers(day)]


def composition(terms: Iterable[Term], day: date) -> dict[str, Role]:
    """Who sits on the committee on ``day`` and as what."""
    return {term.person: term.role for term in on(terms, day)}


def civil_majority_warning(terms: Iterable[Term], day: date) -> Message | None:
    """For a Begleitausschuss: a warning when civil society does not hold more than half of
    the votes on ``day`` (the rule ``committee.no-civil-majority`` of a session)."""
    voting = [term for term in on(terms, day) if term.role.voting]
    civil = sum(1 for term in voting if term.role.sector is Sector.civil)
    if not voting or 2 * civil > len(voting):
        return None
    return Message(NO_CIVIL_MAJORITY, {"civil": civil, "total": len(voting), "day": day})


# -- planning a change -----------------------------------------------------------------------


def _day_before(day: date) -> date:
    return day - timedelta(days=1)


def replace_terms(terms: Sequence[Term], person: str, entries: Sequence[Term]) -> list[Term]:
    """``person``'s terms from the first entry's start on become ``entries``; earlier terms are
    kept, one reaching into the new start ends the day before it. Other people's terms stay."""
    if not entries:
        return list(terms)
    first = min(entry.start for entry in entries)
    result: list[Term] = []
    for term in terms:
        if term.person != person:
            result.append(term)
        elif term.start < first:
            if term.end is None or term.end >= first:
                term = replace(term, end=_day_before(first))
            result.append(term)
    result.extend(sorted(entries, key=lambda entry: entry.start))
    return result


def end_membership(terms: Sequence[Term], person: str, last_day: date) -> list[Term]:
    """``person`` is no member after ``last_day``: a term running on ends that day, a term
    beginning later is dropped."""
    result: list[Term] = []
    for term in terms:
        if term.person == person and term.start > last_day:
            continue
        if term.person == person and (term.end is None or term.end > last_day):
            term = replace(term, end=last_day)
        result.append(term)
    return result


def changes_from(stored: Sequence[Term], entries: Sequence[Term], effective: date) -> list[Term]:
    """The terms of one person as a file gives them, with the one reading of an exported file
    that was edited: an entry that begins on the day a stored term begins but says something
    else about the person is a change *from* ``effective`` on (the import's date, by default
    today) – the stored term ends the day before, history is kept – provided the stored term
    began before ``effective`` and the entry still runs then."""
    result: list[Term] = []
    for entry in entries:
        same = next((t for t in stored if t.start == entry.start), None)
        if (
            same is not None
            and same.role != entry.role
            and same.start < effective
            and (entry.end is None or effective <= entry.end)
        ):
            result.append(replace(same, end=_day_before(effective)))
            result.append(replace(entry, start=effective))
        else:
            result.append(entry)
    return result


@dataclass(frozen=True)
class MemberEntry:
    """One ``[[committee.member]]`` table of the file: a term of a person, with its place."""

    index: int
    name: str
    email: str | None
    term: Term


@dataclass(frozen=True)
class CommitteeEntry:
    """One ``[[committee]]`` table of the file."""

    index: int
    name: str
    body: str
    members: tuple[MemberEntry, ...]


def plan_committee(stored: Sequence[Term], entry: CommitteeEntry, effective: date) -> list[Term]:
    """The committee's terms after importing ``entry``: for every person in the file, their
    terms from the first one given on are those of the file (read with
    :func:`changes_from`); everybody else still in office on ``effective`` leaves the day
    before (a term beginning on or after it is dropped)."""
    terms = list(stored)
    given: dict[str, list[Term]] = {}
    for member in entry.members:
        given.setdefault(member.name, []).append(member.term)
    for person, entries in given.items():
        mine = [term for term in terms if term.person == person]
        terms = replace_terms(terms, person, changes_from(mine, entries, effective))
    for person in sorted({term.person for term in terms} - set(given)):
        terms = end_membership(terms, person, _day_before(effective))
    return terms


def _start(term: Term) -> date:
    return term.start


# -- checking a composition ------------------------------------------------------------------


def roster_problems(terms: Sequence[Term]) -> list[Problem]:
    """Everything that makes a committee's terms impossible, each at the term and key it is
    about: a term ending before it begins, overlapping terms of one person, a deputy with a
    vote of their own, without a voting principal in the same committee for the whole term,
    or standing in for themselves, a chair without a vote, two chairs at a time."""
    problems: list[Problem] = []
    by_person: dict[str, list[Term]] = {}
    for term in terms:
        by_person.setdefault(term.person, []).append(term)
    for term in terms:
        if term.end is not None and term.end < term.start:
            problems.append(
                Problem(
                    term.person,
                    term.start,
                    "term_to",
                    Message(END_BEFORE_START, {"start": term.start, "end": term.end}),
                )
            )
    valid = [term for term in terms if term.end is None or term.end >= term.start]
    for person, own in by_person.items():
        own = sorted((t for t in own if t in valid), key=_start)
        for earlier, later in pairwise(own):
            if earlier.overlaps(later):
                problems.append(
                    Problem(
                        person,
                        later.start,
                        "term_from",
                        Message(
                            OVERLAP, {"name": person, "start": earlier.start, "other": later.start}
                        ),
                    )
                )
    for term in valid:
        role = term.role
        if role.deputy_for is not None:
            problems += _deputy_problems(term, by_person)
        if role.chair and not role.voting:
            problems.append(Problem(term.person, term.start, "chair", Message(CHAIR_NOT_VOTING)))
    problems += _chair_problems([t for t in valid if t.role.chair and t.role.voting])
    return problems


def _deputy_problems(term: Term, by_person: Mapping[str, list[Term]]) -> list[Problem]:
    role = term.role
    principal = role.deputy_for or ""
    if role.voting:
        return [Problem(term.person, term.start, "voting", Message(DEPUTY_VOTES))]
    if principal == term.person:
        return [Problem(term.person, term.start, "deputy_for", Message(OWN_DEPUTY))]
    if principal not in by_person:
        return [
            Problem(
                term.person,
                term.start,
                "deputy_for",
                Message(UNKNOWN_PRINCIPAL, {"principal": principal[:MAX_NAME]}),
            )
        ]
    gap = _first_day_without_vote(by_person[principal], term.start, term.end)
    if gap is None:
        return []
    return [
        Problem(
            term.person,
            term.start,
            "deputy_for",
            Message(PRINCIPAL_NOT_VOTING, {"principal": principal, "day": gap}),
        )
    ]


def _first_day_without_vote(terms: Sequence[Term], start: date, end: date | None) -> date | None:
    """The first day from ``start`` to ``end`` on which none of ``terms`` is a voting seat of
    its own (no deputy), or None when they cover the whole span."""
    day = start
    for term in sorted(terms, key=_start):
        if not term.role.voting or term.role.deputy_for is not None:
            continue
        if term.end is not None and term.end < day:
            continue
        if term.start > day:
            return day
        if term.end is None:
            return None
        day = term.end + timedelta(days=1)
        if end is not None and day > end:
            return None
    if end is not None and day > end:
        return None
    return day


def _chair_problems(chairs: Sequence[Term]) -> list[Problem]:
    problems: list[Problem] = []
    ordered = sorted(chairs, key=lambda t: (t.start, t.person))
    for index, term in enumerate(ordered):
        for other in ordered[:index]:
            if other.person != term.person and term.overlaps(other):
                day = max(term.start, other.start)
                problems.append(
                    Problem(
                        term.person,
                        term.start,
                        "chair",
                        Message(
                            TWO_CHAIRS, {"name": term.person, "other": other.person, "day": day}
                        ),
                    )
                )
                break
    return problems


def touched_sessions(
    before: Sequence[Term], after: Sequence[Term], session_days: Iterable[date]
) -> list[Problem]:
    """A change must leave the committee of every session that has decided as it was: its
    minutes are produced again from it, and its quorum and votes were counted on it."""
    problems: list[Problem] = []
    for day in sorted(set(session_days)):
        old, new = composition(before, day), composition(after, day)
        changed = sorted(name for name in set(old) | set(new) if old.get(name) != new.get(name))
        if changed:
            problems.append(
                Problem(
                    changed[0] if len(changed) == 1 else None,
                    None,
                    "",
                    Message(DECIDED_SESSION, {"day": day, "names": ", ".join(changed)}),
                )
            )
    return problems


# -- reading the committees file -------------------------------------------------------------

COMMITTEE_KEYS = ("name", "body", "member")
MEMBER_KEYS = (
    "name",
    "organisation",
    "email",
    "group",
    "voting",
    "chair",
    "deputy_for",
    "term_from",
    "term_to",
)


@dataclass(frozen=True)
class FileProblem:
    """One problem of the committees file, at its key: ``committee[1].member[3].email`` (the
    tables counted from 1, as a person counts them in the file), with the name it concerns."""

    key: str
    message: Message
    name: str = ""

    def where(self) -> str:
        return f"{self.key} ({self.name})" if self.name else self.key


def _text(
    table: Mapping[str, Any], key: str, path: str, problems: list[FileProblem], maximum: int
) -> str:
    raw = table.get(key)
    if raw is None:
        return ""
    if not isinstance(raw, str):
        problems.append(FileProblem(f"{path}.{key}", Message(NOT_TEXT)))
        return ""
    value = " ".join(raw.split())
    if len(value) > maximum:
        problems.append(FileProblem(f"{path}.{key}", Message(TOO_LONG, {"max": maximum})))
        return value[:maximum]
    return value


def _flag(
    table: Mapping[str, Any], key: str, path: str, problems: list[FileProblem], default: bool
) -> bool:
    raw = table.get(key)
    if raw is None:
        return default
    if not isinstance(raw, bool):
        problems.append(FileProblem(f"{path}.{key}", Message(NOT_BOOLEAN)))
        return default
    return raw


def parse_day(raw: Any) -> date | None:
    """A TOML date, or the same written as a text; None for anything else."""
    if isinstance(raw, date) and not hasattr(raw, "hour"):
        return raw
    if isinstance(raw, str):
        try:
            return date.fromisoformat(raw.strip())
        except ValueError:
            return None
    return None


def _day(
    table: Mapping[str, Any], key: str, path: str, problems: list[FileProblem], *, required: bool
) -> date | None:
    raw = table.get(key)
    if raw is None or raw == "":
        if required:
            problems.append(FileProblem(f"{path}.{key}", Message(REQUIRED)))
        return None
    found = parse_day(raw)
    if found is None:
        problems.append(FileProblem(f"{path}.{key}", Message(NOT_DATE)))
    return found


def _unknown(table: Mapping[str, Any], known: Sequence[str], path: str) -> list[FileProblem]:
    return [
        FileProblem(
            f"{path}.{key}" if path else str(key),
            Message(UNKNOWN_KEY, {"keys": ", ".join(known)}),
        )
        for key in table
        if key not in known
    ]


def _tables(
    raw: Any, path: str, table: str, maximum: int, problems: list[FileProblem]
) -> list[Mapping[str, Any]]:
    if not isinstance(raw, list) or not all(isinstance(entry, Mapping) for entry in raw):
        problems.append(FileProblem(path, Message(NOT_A_LIST[table])))
        return []
    if len(raw) > maximum:
        problems.append(FileProblem(path, Message(TOO_MANY, {"max": maximum})))
        return []
    return list(raw)


def read_member(
    table: Mapping[str, Any], path: str, index: int, problems: list[FileProblem]
) -> MemberEntry | None:
    """One member's table (of the file or of the admin page's form) as a term, or None with
    its problems added."""
    found: list[FileProblem] = _unknown(table, MEMBER_KEYS, path)
    name = _text(table, "name", path, found, MAX_NAME)
    if not name and not any(p.key == f"{path}.name" for p in found):
        found.append(FileProblem(f"{path}.name", Message(REQUIRED)))
    organisation = _text(table, "organisation", path, found, MAX_ORGANISATION)
    email: str | None = None
    raw_email = table.get("email")
    if isinstance(raw_email, str) and raw_email.strip():
        try:
            email = parse_email_address(raw_email)
        except EmailAddressError as error:
            found.append(FileProblem(f"{path}.email", error.message))
    elif raw_email is not None and not isinstance(raw_email, str):
        found.append(FileProblem(f"{path}.email", Message(NOT_TEXT)))
    group = _text(table, "group", path, found, 50).lower()
    sector = GROUP_WORDS.get(group)
    if not group and not any(p.key == f"{path}.group" for p in found):
        found.append(FileProblem(f"{path}.group", Message(REQUIRED)))
    elif group and sector is None:
        choices = ", ".join(f"„{word}“" for word in GROUP_WORDS)
        found.append(FileProblem(f"{path}.group", Message(NOT_A_CHOICE, {"choices": choices})))
    deputy_for = _text(table, "deputy_for", path, found, MAX_NAME) or None
    voting = _flag(table, "voting", path, found, deputy_for is None)
    chair = _flag(table, "chair", path, found, False)
    start = _day(table, "term_from", path, found, required=True)
    end = _day(table, "term_to", path, found, required=False)
    for problem in found:
        problems.append(replace(problem, name=name))
    if found or sector is None or start is None:
        return None
    role = Role(organisation, sector, voting, chair, deputy_for)
    return MemberEntry(index, name, email, Term(name, start, end, role))


def read_committees_file(data: Mapping[str, Any]) -> tuple[list[CommitteeEntry], list[FileProblem]]:
    """The committees of a file (docs/committees.md) and every problem, each at its key;
    the entries are to be used only when there is no problem."""
    problems: list[FileProblem] = _unknown(data, ("committee",), "")
    raw = data.get("committee")
    if raw is None:
        problems.append(FileProblem("committee", Message(NOT_A_LIST["committee"])))
        return [], problems
    committees: list[CommitteeEntry] = []
    seen: set[str] = set()
    for c_index, table in enumerate(
        _tables(raw, "committee", "committee", MAX_COMMITTEES, problems), start=1
    ):
        path = f"committee[{c_index}]"
        mine: list[FileProblem] = _unknown(table, COMMITTEE_KEYS, path)
        name = _text(table, "name", path, mine, MAX_NAME)
        if not name and not any(p.key == f"{path}.name" for p in mine):
            mine.append(FileProblem(f"{path}.name", Message(REQUIRED)))
        if name in seen:
            mine.append(FileProblem(f"{path}.name", Message(TWICE, {"name": name})))
        seen.add(name)
        body = _text(table, "body", path, mine, 50).lower()
        if not body:
            mine.append(FileProblem(f"{path}.body", Message(REQUIRED)))
        elif body not in BODIES:
            choices = ", ".join(f"„{word}“" for word in BODIES)
            mine.append(FileProblem(f"{path}.body", Message(NOT_A_CHOICE, {"choices": choices})))
        members: list[MemberEntry] = []
        raw_members = table.get("member")
        if raw_members is None or raw_members == []:
            mine.append(FileProblem(f"{path}.member", Message(NO_MEMBERS)))
        else:
            for m_index, member in enumerate(
                _tables(raw_members, f"{path}.member", "committee.member", MAX_MEMBERS, mine),
                start=1,
            ):
                entry = read_member(member, f"{path}.member[{m_index}]", m_index, mine)
                if entry is not None:
                    members.append(entry)
        problems += [replace(p, name=p.name or name) for p in mine]
        committees.append(CommitteeEntry(c_index, name, body, tuple(members)))
    return committees, problems


def member_key(committee: CommitteeEntry, person: str | None, start: date | None) -> str:
    """The file key of a planned term's problem: the member's table that gave the term (or
    the person's first table, or the committee itself)."""
    path = f"committee[{committee.index}]"
    if person is None:
        return path
    mine = [m for m in committee.members if m.name == person]
    if not mine:
        return path  # somebody the file leaves out
    exact = [m for m in mine if m.term.start == start]
    return f"{path}.member[{(exact or mine)[0].index}]"
