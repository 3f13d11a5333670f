"""A partnership's committees and their members with terms (issue 16, item 3): list, create,
add a member, change one (a new term from a day on), end a membership, import and export the
committees file (docs/committees.md).

Every change is planned on the domain's plain terms (service/domain/committees.py), checked
there – deputies, one chair, dates – and against the sessions that have decided already (their
committee must stay as it was), and only stored when nothing is wrong; a refusal names every
problem at its key and saves nothing. Stored terms are never overwritten with other values
for days that have passed: a change ends the running term and starts a new one.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from ..domain import committees as rules
from ..domain.committees import (
    CommitteeEntry,
    FileProblem,
    MemberEntry,
    Problem,
    Role,
    Term,
    read_committees_file,
    read_member,
)
from ..domain.messages import N_, Localizer, Message
from ..errors import NotFound, Refused
from ..models import (
    AgendaItem,
    Committee,
    CommitteeBody,
    CommitteeMember,
    CommitteeTerm,
    Decision,
    Meeting,
    Partnership,
    Sector,
)
from ..uow import UnitOfWork
from . import audit

NAME_TAKEN = N_(
    "There is already a member “%(name)s” in this committee. Please tell them apart, e.g. "
    "by a middle initial."
)
COMMITTEE_TAKEN = N_("There is already a committee “%(name)s”. Please choose another name.")
NOT_READABLE = N_("The file %(file)s cannot be read (%(detail)s). Please check the path.")
NOT_TOML = N_("This is not valid TOML: %(detail)s. Please correct the file.")
NOTHING_TO_END = N_("%(name)s has no term running on %(day)s or later; there is nothing to end.")


class CommitteesRefused(Refused):
    """A planned change with problems: nothing was saved; ``problems`` names each at its key."""

    def __init__(self, problems: Sequence[FileProblem]) -> None:
        super().__init__(
            Message(N_("The committees were not saved. Please correct the following:"))
        )
        self.problems = tuple(problems)

    def render(self, localizer: Localizer) -> str:
        lines = [self.message.render(localizer)]
        lines += [f"- {p.where()}: {p.message.render(localizer)}" for p in self.problems]
        return "\n".join(lines)


# -- reading the stored committees -----------------------------------------------------------


def list_committees(uow: UnitOfWork, partnership: Partnership) -> list[Committee]:
    return list(
        uow.session.scalars(
            select(Committee)
            .where(Committee.partnership_id == partnership.id)
            .order_by(Committee.name)
        )
    )


def find_committee(uow: UnitOfWork, partnership: Partnership, committee_id: int) -> Committee:
    """The committee of this partnership, or NotFound (another partnership's looks missing)."""
    found = uow.session.get(Committee, committee_id)
    if found is None or found.partnership_id != partnership.id:
        raise NotFound(Message(N_("There is no such committee.")))
    return found


def find_member(committee: Committee, member_id: int) -> CommitteeMember:
    for member in committee.members:
        if member.id == member_id:
            return member
    raise NotFound(Message(N_("There is no such member.")))


def stored_terms(committee: Committee) -> list[Term]:
    """The committee's terms as the domain's plain values (the person: the member's name)."""
    return [
        Term(
            member.name,
            row.term_from,
            row.term_to,
            Role(
                row.organisation,
                Sector(row.sector),
                row.voting,
                row.chair,
                row.deputy_for.name if row.deputy_for is not None else None,
            ),
        )
        for member in committee.members
        for row in member.terms
    ]


def decided_days(uow: UnitOfWork, committee: Committee) -> list[date]:
    """The days of the committee's sessions (and written votes) that decided something."""
    return sorted(
        set(
            uow.session.scalars(
                select(Meeting.held_on)
                .join(AgendaItem, AgendaItem.meeting_id == Meeting.id)
                .join(Decision, Decision.agenda_item_id == AgendaItem.id)
                .where(Meeting.committee_id == committee.id)
            )
        )
    )


def civil_majority_warnings(committee: Committee, day: date) -> list[Message]:
    """For a Begleitausschuss: whether civil society holds the majority on ``day`` (a warning
    only, as for a session: the committee may be being rebuilt)."""
    if committee.body is not CommitteeBody.begleitausschuss:
        return []
    warning = rules.civil_majority_warning(stored_terms(committee), day)
    return [warning] if warning is not None else []


@dataclass(frozen=True)
class PersonRow:
    """A member with every term, newest first, for the admin page."""

    member: CommitteeMember
    terms: tuple[CommitteeTerm, ...]
    current: CommitteeTerm | None
    next: CommitteeTerm | None


def members_with_terms(committee: Committee, day: date) -> list[PersonRow]:
    """Every person of the committee with their terms: members on ``day`` first, then those
    whose term begins later, then former members."""
    rows = []
    for member in committee.members:
        current = member.term_on(day)
        later = [t for t in member.terms if t.term_from > day]
        rows.append(
            PersonRow(
                member,
                tuple(sorted(member.terms, key=lambda t: t.term_from, reverse=True)),
                current,
                later[0] if later else None,
            )
        )

    def order(row: PersonRow) -> tuple[int, str]:
        rank = 0 if row.current is not None else 1 if row.next is not None else 2
        return rank, row.member.name.casefold()

    return sorted(rows, key=order)


# -- storing a planned composition -----------------------------------------------------------


def _check(
    uow: UnitOfWork,
    committee: Committee,
    before: Sequence[Term],
    after: Sequence[Term],
    key_of: Any,
) -> list[FileProblem]:
    problems: list[Problem] = rules.roster_problems(after)
    problems += rules.touched_sessions(before, after, decided_days(uow, committee))
    return [
        FileProblem(key_of(p.person, p.start, p.key), p.message, p.person or committee.name)
        for p in problems
    ]


def _store(
    uow: UnitOfWork,
    committee: Committee,
    terms: Sequence[Term],
    emails: Mapping[str, str | None],
) -> list[str]:
    """Make the stored terms those of ``terms`` (a term unchanged keeps its row; one with the
    same person and first day is updated; the rest added or removed); returns the names of
    the people whose terms or e-mail address changed."""
    people = {member.name: member for member in committee.members}
    for name in sorted({term.person for term in terms} - set(people)):
        person = CommitteeMember(committee=committee, name=name, email=emails.get(name))
        uow.session.add(person)
        people[name] = person
    uow.session.flush()
    changed: set[str] = set()
    for name, email in emails.items():
        if people[name].email != email:
            people[name].email = email
            changed.add(name)
    for name, person in people.items():
        wanted = {term.start: term for term in terms if term.person == name}
        rows = {row.term_from: row for row in person.terms}
        for start, stale in rows.items():
            if start not in wanted:
                person.terms.remove(stale)
                changed.add(name)
        for start, term in wanted.items():
            row = rows.get(start)
            if row is None:
                row = CommitteeTerm(member=person, term_from=start)
                uow.session.add(row)
            values: dict[str, Any] = {
                "term_to": term.end,
                "organisation": term.role.organisation,
                "sector": term.role.sector,
                "voting": term.role.voting,
                "chair": term.role.chair,
                "deputy_for": people[term.role.deputy_for] if term.role.deputy_for else None,
            }
            if any(getattr(row, k) != v for k, v in values.items()) or row.id is None:
                for key, value in values.items():
                    setattr(row, key, value)
                changed.add(name)
    uow.session.flush()
    for person in people.values():
        uow.session.expire(person, ["terms"])  # read again in the order of their first days
    uow.session.expire(committee, ["members"])
    return sorted(changed)


def _emails(committee: Committee) -> dict[str, str | None]:
    return {member.name: member.email for member in committee.members}


# -- the admin page's changes ----------------------------------------------------------------


def create_committee(uow: UnitOfWork, partnership: Partnership, name: str, body: str) -> Committee:
    clean = " ".join(name.split())[: rules.MAX_NAME]
    if not clean:
        raise Refused(Message(N_("Please give the committee's name.")))
    if body not in rules.BODIES:
        raise Refused(Message(N_("Please choose the kind of committee.")))
    taken = uow.session.scalar(
        select(Committee.id).where(
            Committee.partnership_id == partnership.id, Committee.name == clean
        )
    )
    if taken is not None:
        raise Refused(Message(COMMITTEE_TAKEN, {"name": clean}))
    committee = Committee(partnership=partnership, name=clean, body=CommitteeBody(body))
    uow.session.add(committee)
    uow.session.flush()
    audit.record(
        uow.session,
        uow.actor,
        "committee.create",
        "committee",
        committee.id,
        partnership_id=partnership.id,
        name=clean,
        body=body,
    )
    return committee


def _form_key(person: str | None, start: date | None, key: str) -> str:
    return f"member.{key}" if key else "member"


def save_member(
    uow: UnitOfWork,
    committee: Committee,
    fields: Mapping[str, Any],
    *,
    member: CommitteeMember | None = None,
) -> list[FileProblem]:
    """Add a member (``member`` None) or change one from ``fields["term_from"]`` on, with the
    keys of the committees file (``member.<key>`` in the problems). A changed role is a new
    term from that day – the running one ends the day before; a changed name or e-mail
    address is a correction of the person. Returns the problems; saved only without any."""
    problems: list[FileProblem] = []
    entry = read_member(fields, "member", 1, problems)
    if entry is None:
        return problems
    before = stored_terms(committee)
    names = {m.name for m in committee.members if m is not member}
    if entry.name in names:
        return [FileProblem("member.name", Message(NAME_TAKEN, {"name": entry.name}))]
    emails = _emails(committee)
    if member is None:
        after = [*before, entry.term]
    else:
        old = member.name
        before = [_renamed(term, old, entry.name) for term in before]
        after = _changed(before, entry.term)
        emails.pop(old, None)
    emails[entry.name] = entry.email
    found = _check(uow, committee, before, after, _form_key)
    if found:
        return found
    if member is not None:
        member.name = entry.name  # a correction of the person, on every term
    changed = _store(uow, committee, after, emails)
    audit.record(
        uow.session,
        uow.actor,
        "committee.member_add" if member is None else "committee.member_change",
        "committee",
        committee.id,
        partnership_id=committee.partnership_id,
        member=entry.name,
        term_from=entry.term.start.isoformat(),
        changed=changed,
    )
    return []


def _renamed(term: Term, old: str, new: str) -> Term:
    if old == new:
        return term
    role = term.role
    if role.deputy_for == old:
        role = replace(role, deputy_for=new)
    return replace(term, person=new if term.person == old else term.person, role=role)


def _changed(terms: list[Term], new: Term) -> list[Term]:
    """The person's terms after the page's change ``new``: with the same role, the running
    term just gets the new end; otherwise the terms from ``new.start`` on are replaced by it
    (the running one ends the day before) – a term planned for later stays, and ``new`` ends
    the day before it."""
    mine = [t for t in terms if t.person == new.person]
    same = next((t for t in mine if t.covers(new.start)), None)
    if same is not None and same.role == new.role:
        return [replace(t, end=new.end) if t == same else t for t in terms]
    later = sorted((t for t in mine if t.start > new.start), key=lambda t: t.start)
    if later and (new.end is None or new.end >= later[0].start):
        new = replace(new, end=later[0].start - timedelta(days=1))
    return rules.replace_terms(terms, new.person, [new]) + later


def end_member(
    uow: UnitOfWork, committee: Committee, member: CommitteeMember, last_day: date
) -> list[FileProblem]:
    """``member`` leaves the committee after ``last_day``; refused with the problems (a
    deputy who would lose their principal, a decided session whose committee would change)."""
    before = stored_terms(committee)
    after = rules.end_membership(before, member.name, last_day)
    if after == before:
        return [
            FileProblem(
                "member.term_to",
                Message(NOTHING_TO_END, {"name": member.name, "day": last_day}),
                member.name,
            )
        ]
    found = _check(uow, committee, before, after, _form_key)
    if found:
        return found
    _store(uow, committee, after, _emails(committee))
    audit.record(
        uow.session,
        uow.actor,
        "committee.member_end",
        "committee",
        committee.id,
        partnership_id=committee.partnership_id,
        member=member.name,
        last_day=last_day.isoformat(),
    )
    return []


# -- the committees file ---------------------------------------------------------------------


def read_file(path: str | Path) -> dict[str, Any]:
    """The committees file as a mapping, or refused: not readable, not TOML."""
    try:
        return tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise CommitteesRefused(
            [FileProblem(str(path), Message(NOT_READABLE, {"file": str(path), "detail": str(exc)}))]
        ) from exc
    except tomllib.TOMLDecodeError as exc:
        raise CommitteesRefused(
            [FileProblem(str(path), Message(NOT_TOML, {"detail": str(exc)}))]
        ) from exc


@dataclass(frozen=True)
class ImportResult:
    """What an import did, per committee: created or not, and the people whose terms changed."""

    committee: Committee
    created: bool
    changed: tuple[str, ...]


def import_committees(
    uow: UnitOfWork, partnership: Partnership, data: Mapping[str, Any], *, effective: date
) -> list[ImportResult]:
    """Apply a committees file: a committee not there yet is created; for one that is, the
    file is its composition from now on and the differences become new terms (a change given
    with a stored term's first day applies from ``effective`` on). Refused with every problem
    of every committee – then nothing is saved."""
    entries, problems = read_committees_file(data)
    existing = {c.name: c for c in list_committees(uow, partnership)}
    plans: list[tuple[CommitteeEntry, Committee | None, list[Term], list[Term]]] = []
    for entry in entries:
        committee = existing.get(entry.name)
        if committee is not None and entry.body and committee.body.value != entry.body:
            problems.append(
                FileProblem(
                    f"committee[{entry.index}].body",
                    Message(
                        rules.BODY_FIXED,
                        {
                            "name": entry.name,
                            "body": Message(committee.body.label),
                            "word": committee.body.value,
                        },
                    ),
                    entry.name,
                )
            )
        if not entry.members or any(
            p.key.startswith(f"committee[{entry.index}]") for p in problems
        ):
            continue
        before = stored_terms(committee) if committee is not None else []
        after = rules.plan_committee(before, entry, effective)

        def key_of(
            person: str | None, start: date | None, key: str, e: CommitteeEntry = entry
        ) -> str:
            base = rules.member_key(e, person, start)
            return f"{base}.{key}" if key and base != f"committee[{e.index}]" else base

        if committee is None:
            found = [
                FileProblem(key_of(p.person, p.start, p.key), p.message, p.person or entry.name)
                for p in rules.roster_problems(after)
            ]
        else:
            found = _check(uow, committee, before, after, key_of)
        problems += found
        plans.append((entry, committee, before, after))
    if problems:
        raise CommitteesRefused(problems)
    results = []
    for entry, committee, _before, after in plans:
        created = committee is None
        if committee is None:
            committee = create_committee(uow, partnership, entry.name, entry.body)
        emails = _emails(committee)
        emails.update(_file_emails(entry.members))
        changed = _store(uow, committee, after, emails)
        if changed:
            audit.record(
                uow.session,
                uow.actor,
                "committee.import",
                "committee",
                committee.id,
                partnership_id=partnership.id,
                effective=effective.isoformat(),
                changed=changed,
            )
        results.append(ImportResult(committee, created, tuple(changed)))
    return results


def _file_emails(members: Iterable[MemberEntry]) -> dict[str, str | None]:
    """A person's address is the one of their last table in the file (none: none)."""
    emails: dict[str, str | None] = {}
    for member in sorted(members, key=lambda m: m.term.start):
        emails[member.name] = member.email
    return emails


def _toml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    return json.dumps(str(value), ensure_ascii=False)


def export_committees(uow: UnitOfWork, partnership: Partnership, day: date) -> str:
    """The committees as a committees file, re-importable: every term running on ``day`` or
    beginning later (former members are history and stay in the database only)."""
    lines = [
        "# Förderwerk – Gremien der Partnerschaft (docs/committees.md)",
        f"# Stand: {day.isoformat()}. Ein erneuter Import übernimmt Änderungen als neue Amtszeit.",
    ]
    for committee in list_committees(uow, partnership):
        lines += [
            "",
            "[[committee]]",
            f"name = {_toml(committee.name)}",
            f"body = {_toml(committee.body.value)}",
        ]
        for member in committee.members:
            for row in member.terms:
                if row.term_to is not None and row.term_to < day:
                    continue
                lines += ["", "[[committee.member]]", f"name = {_toml(member.name)}"]
                if row.organisation:
                    lines.append(f"organisation = {_toml(row.organisation)}")
                if member.email:
                    lines.append(f"email = {_toml(member.email)}")
                lines.append(f"group = {_toml(rules.WORD_OF_GROUP[Sector(row.sector)])}")
                lines.append(f"voting = {_toml(row.voting)}")
                if row.chair:
                    lines.append("chair = true")
                if row.deputy_for is not None:
                    lines.append(f"deputy_for = {_toml(row.deputy_for.name)}")
                lines.append(f"term_from = {_toml(row.term_from)}")
                if row.term_to is not None:
                    lines.append(f"term_to = {_toml(row.term_to)}")
    return "\n".join(lines) + "\n"
