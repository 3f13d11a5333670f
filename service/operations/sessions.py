"""Committee sessions and written votes: agenda, attendance, conflicts, votes, decisions,
minutes.

Quorum and outcomes are never computed here: the records are turned into the meeting
interchange (spec/interchange.md) and handed to the rules engine (service.domain.check).
Operations flush, never commit.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..clock import BERLIN
from ..domain import formatting
from ..domain.check import CheckResult, check_meeting
from ..domain.headings import invitation_heading, minutes_heading
from ..domain.messages import N_, Message
from ..domain.session_schedule import (
    CANCEL_REASON_MISSING,
    CANCELLED_CLOSED,
    DECIDED_CLOSED,
    NOT_DELETABLE,
    NOT_HAPPENED,
    Problem,
    has_happened,
    next_date_problems,
    time_problems,
)
from ..domain.states import ApplicationState, DecisionOutcome, require_transition
from ..errors import StaleVersion, TransitionRefused
from ..models import (
    AgendaItem,
    AgendaItemStatus,
    Application,
    Committee,
    CommitteeMember,
    ConflictOfInterest,
    Decision,
    Document,
    Fund,
    Meeting,
    MeetingMode,
    MeetingParticipant,
    Partnership,
    Seat,
    Vote,
    VoteChoice,
)
from ..pdf.pdftools import DRAFT_STAMP
from ..rendering.context import build_invitation_context, build_minutes_context
from ..rendering.docx import Metadata
from ..uow import Actor, UnitOfWork
from . import audit
from .funds import committed_amount
from .partnerships import letterhead_of
from .publish import AuditEntry, Filing, Publication, publish

# Applications that may go on an agenda: checked formally, or deferred by an earlier session.
AGENDA_READY = (ApplicationState.in_check, ApplicationState.deferred)


class SessionError(TransitionRefused):
    """A step the session's records do not allow; ``msgid`` is shown to the user."""

    def __init__(self, msgid: str, **params: Any) -> None:
        super().__init__(Message(msgid, params))
        self.msgid = msgid
        self.params = params


class StaleRecords(StaleVersion):
    """The form showed other records than are stored now (R19): someone saved meanwhile."""

    def __init__(self, detail: str) -> None:
        super().__init__(Message(N_("Changed in the meantime")))
        self.detail = detail


def records_version(meeting: Meeting, item: AgendaItem | None = None) -> str:
    """A fingerprint of what an attendance form (``item`` None) or an item form shows.

    Meetings have no version column; the form carries this fingerprint instead, and a save
    whose fingerprint no longer matches is refused instead of overwriting the other's work.
    """
    if item is None:
        parts = [
            meeting.place,
            meeting.minute_taker,
            str(meeting.start_time),
            str(meeting.end_time),
            *sorted(
                f"{p.member_id}:{int(p.invited)}{int(p.present)}{int(p.objected)}{int(p.excused)}"
                for p in meeting.participants
            ),
        ]
    else:
        parts = [
            str(item.proposed_amount),
            item.conditions,
            item.status.value if item.status else "",
            item.status_note or "",
            *sorted(f"c{c.member_id}:{c.reason}" for c in item.conflicts),
            *sorted(f"v{v.member_id}:{v.choice.value}" for v in item.votes),
        ]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]


def _require_version(shown: str | None, current: str) -> None:
    if shown is not None and shown != current:
        raise StaleRecords(f"records at {current}, the form showed {shown}")


def member_key(member: CommitteeMember | Seat) -> str:
    return f"m{member.id}"


def list_meetings(session: Session, partnership: Partnership) -> list[Meeting]:
    return list(
        session.scalars(
            select(Meeting)
            .join(Committee)
            .where(Committee.partnership_id == partnership.id)
            .order_by(Meeting.held_on.desc(), Meeting.id.desc())
        )
    )


def get_meeting(session: Session, partnership: Partnership, meeting_id: int) -> Meeting | None:
    meeting = session.get(Meeting, meeting_id)
    if meeting is None or meeting.committee.partnership_id != partnership.id:
        return None
    return meeting


def is_decided(meeting: Meeting) -> bool:
    return bool(meeting.items) and all(item.decision is not None for item in meeting.items)


def has_decisions(meeting: Meeting) -> bool:
    """Whether any decision of the session is recorded (then it is no longer "not decided")."""
    return any(item.decision is not None for item in meeting.items)


def is_cancelled(meeting: Meeting) -> bool:
    return meeting.cancelled_on is not None


def require_open(meeting: Meeting) -> None:
    """A session can be edited, cancelled or deleted only while nothing is decided and it was
    not cancelled (issue 20.6)."""
    if is_cancelled(meeting):
        raise SessionError(CANCELLED_CLOSED)
    if has_decisions(meeting):
        raise SessionError(DECIDED_CLOSED)


def can_delete(session: Session, meeting: Meeting) -> bool:
    """Deleting is for a session planned by mistake: no votes, no decisions, no documents."""
    if has_decisions(meeting) or any(item.votes for item in meeting.items):
        return False
    found = session.scalars(select(Document.id).where(Document.meeting_id == meeting.id).limit(1))
    return found.first() is None


def has_happened_yet(uow: UnitOfWork, meeting: Meeting) -> bool:
    return has_happened(meeting.held_on, uow.today())


def _seat_everyone(meeting: Meeting) -> None:
    """Every member of the committee on the session's day has an invitation row (a session
    moved to another day may find other members in office)."""
    for seat in meeting.committee.members_on(meeting.held_on):
        participant(meeting, seat.member)


def edit_meeting(
    uow: UnitOfWork,
    meeting: Meeting,
    *,
    held_on: date,
    place: str,
    start_time: time | None,
    end_time: time | None,
) -> list[Problem]:
    """Change day, times and place of a session not yet decided. Returns the problems of the
    form (nothing is changed then); an application on the agenda that would come in too late
    for the new day is refused – it has to be taken off the agenda first."""
    require_open(meeting)
    problems = time_problems(start_time, end_time)
    if problems:
        return problems
    for item in meeting.items:
        if not _submitted_in_time(item.application, held_on):
            raise SessionError(
                N_(
                    "Application %(ref)s came in too late for a session on %(date)s. Please "
                    "take it off the agenda first, or choose a later date."
                ),
                ref=item.application.reference or f"#{item.application_id}",
                date=held_on,
            )
    before = {
        "held_on": meeting.held_on.isoformat(),
        "place": meeting.place,
        "start_time": _clock(meeting.start_time),
        "end_time": _clock(meeting.end_time),
    }
    meeting.held_on = held_on
    meeting.place = place
    meeting.start_time = start_time
    meeting.end_time = end_time
    _seat_everyone(meeting)
    uow.session.flush()
    after = {
        "held_on": held_on.isoformat(),
        "place": place,
        "start_time": _clock(start_time),
        "end_time": _clock(end_time),
    }
    audit.record(
        uow.session,
        uow.actor,
        "meeting.edit",
        "meeting",
        meeting.id,
        partnership_id=meeting.committee.partnership_id,
        changed={key: [before[key], after[key]] for key in after if before[key] != after[key]},
    )
    return []


def _clock(value: time | None) -> str | None:
    return None if value is None else value.strftime("%H:%M")


def _release_agenda(uow: UnitOfWork, meeting: Meeting) -> list[int]:
    """Take every application off the agenda (back to the formal check, ready for the next
    session); the ids of the applications released."""
    released = []
    for item in list(meeting.items):
        application = item.application
        application.state = require_transition(application.state, ApplicationState.in_check)
        released.append(application.id)
        meeting.items.remove(item)
    uow.session.flush()
    return released


def cancel_meeting(uow: UnitOfWork, meeting: Meeting, reason: str) -> list[Problem]:
    """Call off a session not yet decided: it stays listed as cancelled, with the day and the
    reason; its applications go back to the queue for the next session."""
    require_open(meeting)
    reason = " ".join(reason.split())
    if not reason:
        return [Problem("reason", Message(CANCEL_REASON_MISSING))]
    released = _release_agenda(uow, meeting)
    meeting.cancelled_on = uow.today()
    meeting.cancel_reason = reason
    uow.session.flush()
    audit.record(
        uow.session,
        uow.actor,
        "meeting.cancel",
        "meeting",
        meeting.id,
        partnership_id=meeting.committee.partnership_id,
        held_on=meeting.held_on.isoformat(),
        reason=reason,
        released=released,
    )
    return []


def delete_meeting(uow: UnitOfWork, meeting: Meeting) -> None:
    """Delete a session planned by mistake – only without votes, decisions and documents;
    its applications go back to the queue. The audit log keeps what it was."""
    require_open(meeting)
    session = uow.session
    if not can_delete(session, meeting):
        raise SessionError(NOT_DELETABLE)
    released = _release_agenda(uow, meeting)
    audit.record(
        session,
        uow.actor,
        "meeting.delete",
        "meeting",
        meeting.id,
        partnership_id=meeting.committee.partnership_id,
        held_on=meeting.held_on.isoformat(),
        mode=meeting.mode.value,
        committee=meeting.committee_id,
        released=released,
    )
    # sessions that named it as their next one forget it (the database does so as well)
    for earlier in session.scalars(select(Meeting).where(Meeting.next_meeting_id == meeting.id)):
        earlier.next_meeting = None
    session.delete(meeting)
    session.flush()


def later_sessions(session: Session, meeting: Meeting) -> list[Meeting]:
    """The calendar to choose the next session from: later sessions of the same committee
    that are not cancelled."""
    return list(
        session.scalars(
            select(Meeting)
            .where(
                Meeting.committee_id == meeting.committee_id,
                Meeting.mode == MeetingMode.session,
                Meeting.held_on > meeting.held_on,
                Meeting.cancelled_on.is_(None),
            )
            .order_by(Meeting.held_on, Meeting.id)
        )
    )


def set_next_session(
    uow: UnitOfWork, meeting: Meeting, *, next_meeting: Meeting | None, next_on: date | None
) -> list[Problem]:
    """Name the next session for the minutes: a later session of the calendar, or a date
    (not both: a chosen session wins), or none."""
    if is_cancelled(meeting):
        raise SessionError(CANCELLED_CLOSED)
    if next_meeting is not None:
        if next_meeting not in later_sessions(uow.session, meeting):
            raise SessionError(N_("Please choose a later session of the same body."))
        next_on = None
    problems = next_date_problems(meeting.held_on, next_on)
    if problems:
        return problems
    meeting.next_meeting = next_meeting
    meeting.next_on = next_on
    uow.session.flush()
    audit.record(
        uow.session,
        uow.actor,
        "meeting.next",
        "meeting",
        meeting.id,
        partnership_id=meeting.committee.partnership_id,
        next_meeting=next_meeting.id if next_meeting else None,
        next_on=next_on.isoformat() if next_on else None,
    )
    return []


def next_session_date(session: Session, meeting: Meeting) -> date | None:
    """The next session the minutes name: the chosen session (unless it was cancelled since),
    else the chosen date, else the committee's next session in the calendar."""
    chosen = meeting.next_meeting
    if chosen is not None and not is_cancelled(chosen):
        return chosen.held_on
    if meeting.next_on is not None:
        return meeting.next_on
    later = later_sessions(session, meeting)
    return later[0].held_on if later else None


def runs_online(meeting: Meeting) -> bool:
    """A written vote started online (issue 20.4): the members record their own votes and
    objections; the coordination office's forms are closed for it."""
    return meeting.mode is MeetingMode.written and meeting.written_started_at is not None


_ONLINE = N_(
    "This written vote runs online: the members record their votes and objections "
    "themselves, and the result is recorded when it closes."
)


def create_meeting(
    uow: UnitOfWork,
    committee: Committee,
    held_on: date,
    mode: MeetingMode,
    place: str,
    *,
    start_time: time | None = None,
    fill: bool = True,
) -> Meeting:
    """A new session (or written vote) with every member of the committee on that day invited."""
    session = uow.session
    meeting = Meeting(
        committee=committee, held_on=held_on, mode=mode, place=place, start_time=start_time
    )
    session.add(meeting)
    for seat in committee.members_on(held_on):
        session.add(MeetingParticipant(meeting=meeting, member=seat.member, invited=True))
    session.flush()
    audit.record(
        session,
        uow.actor,
        "meeting.create",
        "meeting",
        meeting.id,
        partnership_id=committee.partnership_id,
        held_on=held_on.isoformat(),
        mode=mode.value,
    )
    if fill:
        fill_agenda(uow, meeting)
    return meeting


def session_deadline(fund: Fund, held_on: date) -> date:
    """The application deadline of the fund for a session on ``held_on``: the deadline the
    guideline publishes for that session, else ``held_on`` − submission_lead_days."""
    return fund.guideline.deadline_of(held_on)


def meeting_deadlines(meeting: Meeting) -> list[tuple[Fund, date]]:
    """Each fund the meeting's body decides, with its application deadline for the meeting."""
    return [
        (fund, session_deadline(fund, meeting.held_on))
        for fund in meeting.committee.funds
        if fund.current_guideline is not None
    ]


def _submitted_in_time(application: Application, held_on: date) -> bool:
    deadline = session_deadline(application.fund, held_on)
    return application.submitted_on is not None and application.submitted_on <= deadline


def candidates(session: Session, meeting: Meeting) -> list[tuple[Application, bool]]:
    """Applications of the committee's funds ready for an agenda, each with whether it was
    submitted in time for this meeting (lead days of its fund's guideline)."""
    fund_ids = [fund.id for fund in meeting.committee.funds]
    if not fund_ids:
        return []
    on_agenda = {item.application_id for item in meeting.items}
    found = session.scalars(
        select(Application)
        .where(Application.fund_id.in_(fund_ids), Application.state.in_(AGENDA_READY))
        .order_by(Application.submitted_on, Application.id)
    )
    return [
        (application, _submitted_in_time(application, meeting.held_on))
        for application in found
        if application.id not in on_agenda
    ]


def fill_agenda(uow: UnitOfWork, meeting: Meeting) -> list[AgendaItem]:
    """Put every application submitted in time on the agenda; late ones wait."""
    if is_cancelled(meeting):
        raise SessionError(CANCELLED_CLOSED)
    added = []
    for application, in_time in candidates(uow.session, meeting):
        if in_time:
            added.append(add_to_agenda(uow, meeting, application))
    return added


def add_to_agenda(uow: UnitOfWork, meeting: Meeting, application: Application) -> AgendaItem:
    if is_cancelled(meeting):
        raise SessionError(CANCELLED_CLOSED)
    if runs_online(meeting):
        raise SessionError(_ONLINE)
    if is_decided(meeting) and meeting.items:
        raise SessionError(N_("The session has already decided; its agenda is closed."))
    if application.fund.committee_id != meeting.committee_id:
        raise SessionError(N_("This application is decided by another body."))
    if not _submitted_in_time(application, meeting.held_on):
        raise SessionError(
            N_(
                "The application came in too late for this session: its application deadline "
                "was %(deadline)s."
            ),
            deadline=session_deadline(application.fund, meeting.held_on),
        )
    application.state = require_transition(application.state, ApplicationState.on_agenda)
    item = AgendaItem(
        meeting=meeting,
        application=application,
        position=len(meeting.items),
        proposed_amount=application.requested,
    )
    session = uow.session
    session.add(item)
    session.flush()
    audit.record(
        session,
        uow.actor,
        "meeting.agenda_add",
        "meeting",
        meeting.id,
        partnership_id=meeting.committee.partnership_id,
        application=application.id,
    )
    return item


def remove_from_agenda(uow: UnitOfWork, meeting: Meeting, item: AgendaItem) -> None:
    session = uow.session
    if item.decision is not None:
        raise SessionError(N_("A decided item cannot be taken off the agenda."))
    if runs_online(meeting):
        raise SessionError(_ONLINE)
    application = item.application
    application.state = require_transition(application.state, ApplicationState.in_check)
    meeting.items.remove(item)
    for position, rest in enumerate(meeting.items):
        rest.position = position
    session.flush()
    audit.record(
        session,
        uow.actor,
        "meeting.agenda_remove",
        "meeting",
        meeting.id,
        partnership_id=meeting.committee.partnership_id,
        application=application.id,
    )


def participant(meeting: Meeting, member: CommitteeMember) -> MeetingParticipant:
    for row in meeting.participants:
        if row.member_id == member.id:
            return row
    row = MeetingParticipant(meeting=meeting, member=member, invited=False)
    meeting.participants.append(row)
    return row


def record_attendance(
    uow: UnitOfWork,
    meeting: Meeting,
    *,
    invited: set[int],
    present: set[int],
    objected: set[int],
    minute_taker: str,
    start_time: time | None,
    end_time: time | None,
    place: str,
    version: str | None = None,
    excused: set[int] | None = None,
) -> list[Problem]:
    """Save who was invited, present (or excused when absent) and objected, and the session's
    times. Returns the problems of the form (nothing is saved then): the end must be after the
    start."""
    session = uow.session
    if is_decided(meeting):
        raise SessionError(N_("The session has already decided; its records are closed."))
    if is_cancelled(meeting):
        raise SessionError(CANCELLED_CLOSED)
    if runs_online(meeting):
        raise SessionError(_ONLINE)
    _require_version(version, records_version(meeting))
    problems = time_problems(start_time, end_time)
    if problems:
        return problems
    excused = excused or set()
    for seat in meeting.committee.members_on(meeting.held_on):
        member = seat.member
        row = participant(meeting, member)
        row.invited = member.id in invited
        row.present = member.id in present and meeting.mode is MeetingMode.session
        # apologies count only for someone absent from a session
        row.excused = (
            member.id in excused and not row.present and meeting.mode is MeetingMode.session
        )
        row.objected = member.id in objected and meeting.mode is MeetingMode.written
    meeting.minute_taker = minute_taker
    meeting.start_time = start_time
    meeting.end_time = end_time
    meeting.place = place
    session.flush()
    audit.record(
        session,
        uow.actor,
        "meeting.attendance",
        "meeting",
        meeting.id,
        partnership_id=meeting.committee.partnership_id,
        present=sorted(present),
        excused=sorted(p.member_id for p in meeting.participants if p.excused),
        objected=sorted(objected),
    )
    return []


def record_item(
    uow: UnitOfWork,
    item: AgendaItem,
    *,
    proposed_amount: Decimal | None,
    conditions: str,
    conflicts: Mapping[int, str],
    votes: Mapping[int, VoteChoice],
    version: str | None = None,
    status: AgendaItemStatus = AgendaItemStatus.vote,
    note: str = "",
) -> None:
    """Replace the item's conflicts and votes with what the form shows. A postponed or
    withdrawn item (``status``, issue 18) is not voted on: its votes are dropped, and
    ``note`` says why in the minutes."""
    session = uow.session
    if item.decision is not None:
        raise SessionError(N_("A decided item cannot be changed."))
    if is_cancelled(item.meeting):
        raise SessionError(CANCELLED_CLOSED)
    if runs_online(item.meeting):
        raise SessionError(_ONLINE)
    _require_version(version, records_version(item.meeting, item))
    meeting = item.meeting
    members = {s.id: s.member for s in meeting.committee.members_on(meeting.held_on)}
    item.proposed_amount = proposed_amount
    item.conditions = conditions
    item.status = status
    item.status_note = note.strip()
    if status is not AgendaItemStatus.vote:
        votes = {}
    item.conflicts.clear()
    item.votes.clear()
    session.flush()
    for member_id, reason in conflicts.items():
        if member_id in members:
            item.conflicts.append(ConflictOfInterest(member=members[member_id], reason=reason))
    for member_id, choice in votes.items():
        if member_id in members:
            item.votes.append(Vote(member=members[member_id], choice=choice))
    session.flush()
    audit.record(
        session,
        uow.actor,
        "meeting.item",
        "agenda_item",
        item.id,
        partnership_id=item.meeting.committee.partnership_id,
        proposed_amount=str(proposed_amount) if proposed_amount is not None else None,
        status=status.value,
        conflicts=sorted(conflicts),
        votes={str(k): v.value for k, v in sorted(votes.items())},
    )


def _money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def meeting_to_interchange(
    meeting: Meeting, *, extras: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The records as the meeting interchange the rules engine and the minutes read.

    The members are those of the committee on the day of the session (their terms then), so
    the minutes of a past session, produced again, list who was a member then; attendance and
    conflicts of anybody else are left out (votes stay: the rules engine names them)."""
    committee = meeting.committee
    members = committee.members_on(meeting.held_on)
    seated = {m.id for m in members}
    participants = [p for p in meeting.participants if p.member_id in seated]
    data: dict[str, Any] = {
        "body": committee.body.value,
        "mode": meeting.mode.value,
        "date": meeting.held_on.isoformat(),
        "place": meeting.place,
        "members": [
            {
                "id": member_key(m),
                "name": m.name,
                "sector": m.sector.value,
                "voting": m.voting,
                "chair": m.chair,
                **({"deputy_for": f"m{m.deputy_for_id}"} if m.deputy_for_id else {}),
            }
            for m in members
        ],
        "invited": [member_key(p.member) for p in participants if p.invited],
        "present": [member_key(p.member) for p in participants if p.present],
        "objections": [member_key(p.member) for p in participants if p.objected],
        "items": [
            {
                "ref": item.application.reference or f"#{item.application_id}",
                "applicant": item.application.applicant_name,
                "requested": _money(item.application.requested),
                "proposed_amount": _money(item.proposed_amount),
                "conditions": item.conditions,
                "conflicts": [
                    member_key(c.member) for c in item.conflicts if c.member_id in seated
                ],
                "votes": {member_key(v.member): v.choice.value for v in item.votes},
                # postponed or withdrawn without a vote (issue 18)
                **(
                    {"status": item.status.value, "note": item.status_note}
                    if item.status not in (None, AgendaItemStatus.vote)
                    else {}
                ),
            }
            for item in meeting.items
        ],
    }
    if extras:
        data.update(extras)
    return data


def evaluate(meeting: Meeting) -> CheckResult:
    """Quorum, findings and outcomes from the rules engine (never computed here)."""
    return check_meeting(meeting_to_interchange(meeting))


@dataclass(frozen=True)
class BudgetLine:
    fund: Fund
    budget: Decimal
    committed: Decimal

    @property
    def left(self) -> Decimal:
        return self.budget - self.committed


def budgets(session: Session, committee: Committee) -> list[BudgetLine]:
    return [
        BudgetLine(fund, fund.guideline.budget, committed_amount(session, fund))
        for fund in committee.funds
        if fund.current_guideline is not None
    ]


def decision_version(meeting: Meeting) -> str:
    """A fingerprint of everything the decisions follow from (attendance and every item): the
    confirmation page carries it, so what was summarised is what gets recorded (issue 20.6)."""
    parts = [records_version(meeting), *(records_version(meeting, i) for i in meeting.items)]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]


def decide(
    uow: UnitOfWork,
    meeting: Meeting,
    *,
    version: str | None = None,
    closing_written: bool = False,
) -> list[Decision]:
    """Record the committee's decisions as the rules engine computed them – of a session only
    from its day on, and (with ``version``) only if the records are still those confirmed.

    ``closing_written``: the written vote online closes (issue 20.4) – only then are its
    decisions recorded, dated the day it closes; an item nobody voted on is not decided
    (never rejected without a vote, and never refused: the deadline has passed)."""
    session = uow.session
    if is_cancelled(meeting):
        raise SessionError(CANCELLED_CLOSED)
    if meeting.mode is MeetingMode.session and not has_happened_yet(uow, meeting):
        raise SessionError(NOT_HAPPENED, date=meeting.held_on)
    if not meeting.items:
        raise SessionError(N_("The agenda is empty."))
    _require_version(version, decision_version(meeting))
    if runs_online(meeting) and not closing_written:
        raise SessionError(_ONLINE)
    result = evaluate(meeting)
    if result.input_invalid:
        raise SessionError(N_("The session's records cannot be evaluated."))
    outcomes = [dict(o) for o in result.extra.get("items") or []]
    # nothing is rejected without a vote (issue 18): the contract counts a 0:0 as rejected,
    # but no committee rejected anything where nobody voted
    for item, outcome in zip(meeting.items, outcomes, strict=True):
        silent = not any(outcome.get(key) for key in ("yes", "no", "abstain"))
        if closing_written and outcome.get("outcome") == "rejected" and silent:
            outcome["outcome"] = DecisionOutcome.not_decided.value
        if item.decision is None and outcome.get("outcome") == "rejected" and silent:
            raise SessionError(
                N_(
                    "Item %(no)s has no votes. Please record the votes, or record the item "
                    "as postponed or withdrawn."
                ),
                no=item.position + 1,
            )
    decisions = []
    for item, outcome in zip(meeting.items, outcomes, strict=True):
        if item.decision is not None:
            continue
        value = DecisionOutcome(outcome["outcome"])
        amount = outcome.get("approved_amount")
        decision = Decision(
            application=item.application,
            item=item,
            # the guideline version in force when the committee decides (issue 16.2)
            guideline=item.application.fund.current_guideline,
            outcome=value,
            amount=amount if value is DecisionOutcome.approved else None,
            conditions=item.conditions,
            reasons="",
            decided_on=uow.today() if closing_written else meeting.held_on,
        )
        session.add(decision)
        application = item.application
        application.state = require_transition(application.state, value.application_state)
        decisions.append(decision)
        session.flush()
        audit.record(
            session,
            uow.actor,
            "meeting.decide",
            "application",
            application.id,
            partnership_id=meeting.committee.partnership_id,
            meeting=meeting.id,
            outcome=value.value,
            amount=str(amount) if amount is not None else None,
        )
    session.flush()
    return decisions


def _written_since(session: Session, meeting: Meeting) -> list[dict[str, Any]]:
    earlier = session.scalars(
        select(Meeting)
        .where(
            Meeting.committee_id == meeting.committee_id,
            Meeting.mode == MeetingMode.session,
            Meeting.held_on < meeting.held_on,
            # a cancelled session did not take place
            Meeting.cancelled_on.is_(None),
        )
        .order_by(Meeting.held_on.desc())
        .limit(1)
    ).first()
    since = earlier.held_on if earlier else date.min
    written = session.scalars(
        select(Meeting).where(
            Meeting.committee_id == meeting.committee_id,
            Meeting.mode == MeetingMode.written,
            Meeting.held_on > since,
            Meeting.held_on <= meeting.held_on,
        )
    )
    entries = []
    for vote in written:
        for item in vote.items:
            if item.decision is not None:
                entries.append(
                    {
                        "ref": item.application.reference or "",
                        "outcome": item.decision.outcome.value,
                        "date": vote.held_on.isoformat(),
                    }
                )
    return entries


def minutes_data(session: Session, meeting: Meeting) -> dict[str, Any]:
    left = sum((line.left for line in budgets(session, meeting.committee)), Decimal(0))
    extras: dict[str, Any] = {
        "minute_taker": meeting.minute_taker,
        "guests": list(meeting.guests or []),
        "budget_left": _money(left),
        "written_since": _written_since(session, meeting),
    }
    if meeting.start_time:
        extras["start_time"] = meeting.start_time.strftime("%H:%M")
    if meeting.end_time:
        extras["end_time"] = meeting.end_time.strftime("%H:%M")
    next_on = next_session_date(session, meeting)
    if next_on:
        extras["next_date"] = next_on.isoformat()
    seated = {m.id for m in meeting.committee.members_on(meeting.held_on)}
    extras["excused"] = [
        member_key(p.member)
        for p in meeting.participants
        if p.excused and not p.present and p.member_id in seated
    ]
    return meeting_to_interchange(meeting, extras=extras)


def minutes_number(meeting: Meeting) -> str:
    prefix = "JF" if meeting.committee.body.value == "jugendforum" else "BgA"
    kind = "UV" if meeting.mode is MeetingMode.written else "S"
    return f"{prefix}-{kind}-{meeting.held_on.isoformat()}-{meeting.id}"


MINUTES_APPROVED = N_("The minutes have been approved by the chair; they are not produced again.")


def generate_minutes(
    uow: UnitOfWork, meeting: Meeting, *, replacement_reason: str = ""
) -> list[Document]:
    """Render the minutes from the records (DOCX and PDF/A) and register both.

    The PDF comes from the unit of work's PDF port. A second run adds new versions; the old
    bytes stay. Until the chair has approved them (issue 20.5) the minutes are a draft: the
    PDF carries the draft mark across every page and the text says so; approved, they say
    when and by whom – and are not produced again (the chair approved that version).
    """
    session, localizer, actor = uow.session, uow.localizer, uow.actor
    if meeting.minutes_approved_at is not None and not replacement_reason:
        raise SessionError(MINUTES_APPROVED)
    data = minutes_data(session, meeting)
    result = check_meeting(data)
    letterhead = letterhead_of(meeting.committee.partnership)
    context = build_minutes_context(
        data, letterhead, result, localizer, minutes_status_context(meeting)
    )
    heading = minutes_heading(meeting.mode.value, meeting.held_on, meeting.committee.name)
    meta = Metadata(heading.title, heading.subject, letterhead.lead_office.name)
    number = minutes_number(meeting)
    approved = meeting.minutes_approved_at is not None
    filing, entry = _meeting_filing(meeting, "minutes", number, f"Protokoll-{number}", actor)
    return publish(
        uow,
        Publication("minutes", context, meta, watermark=None if approved else DRAFT_STAMP),
        replace(filing, replacement_reason=replacement_reason),
        entry,
    )


def minutes_status_context(meeting: Meeting) -> dict[str, Any]:
    """What the minutes say about their approval and – for a written vote online – its
    deadline and close (issue 20.4/20.5), in the one formatting layer."""
    approved_at = meeting.minutes_approved_at
    closed_at = meeting.written_closed_at
    return {
        "approval": {
            "approved": approved_at is not None,
            "draft": approved_at is None,
            # "05.12.2026, 14:03": the clock in Germany
            "when": formatting.berlin_time(approved_at),
            "by": meeting.minutes_approved_by,
        },
        "online": {
            "started": meeting.written_started_at is not None,
            "deadline": formatting.short_date(meeting.written_deadline)
            if meeting.written_deadline
            else "",
            "closed": formatting.short_date(berlin_day(closed_at)) if closed_at else "",
        },
    }


def berlin_day(moment: datetime) -> date:
    """The day in Germany of a stored (UTC) moment."""
    return moment.astimezone(BERLIN).date()


def invitation_data(session: Session, meeting: Meeting, letter_date: date) -> dict[str, Any]:
    """What the invitation with agenda says: every member of the committee on the day of the
    session (the invitation is the proof that all were invited), the agenda with titles,
    written votes and budget."""
    left = sum((line.left for line in budgets(session, meeting.committee)), Decimal(0))
    data: dict[str, Any] = {
        "body": meeting.committee.body.value,
        "date": meeting.held_on.isoformat(),
        "place": meeting.place,
        "letter_date": letter_date.isoformat(),
        "members": [
            {
                "id": member_key(m),
                "name": m.name,
                "organisation": m.organisation,
                "sector": m.sector.value,
                "voting": m.voting,
                "chair": m.chair,
                **({"deputy_for": f"m{m.deputy_for_id}"} if m.deputy_for_id else {}),
            }
            for m in meeting.committee.members_on(meeting.held_on)
        ],
        "items": [
            {
                "ref": item.application.reference or f"#{item.application_id}",
                "applicant": item.application.applicant_name,
                "title": item.application.title,
                "requested": _money(item.application.requested),
            }
            for item in meeting.items
        ],
        "written_since": _written_since(session, meeting),
        "budget_left": _money(left),
    }
    if meeting.start_time:
        data["start_time"] = meeting.start_time.strftime("%H:%M")
    return data


def invitation_number(meeting: Meeting) -> str:
    keys = "-".join(sorted(fund.key for fund in meeting.committee.funds))
    prefix = keys or ("JF" if meeting.committee.body.value == "jugendforum" else "BgA")
    return f"Einladung {prefix} {meeting.held_on.isoformat()}"


def generate_invitation(uow: UnitOfWork, meeting: Meeting) -> list[Document]:
    """Render the invitation with agenda (PDF/A and DOCX) and register both.

    Dated today (the unit of work's clock), converted by its PDF port. Producing it again
    (the agenda changed) adds new versions that replace the old ones; the old bytes stay.
    """
    session, actor = uow.session, uow.actor
    letter_date = uow.today()
    if is_cancelled(meeting):
        raise SessionError(CANCELLED_CLOSED)
    if meeting.mode is MeetingMode.written:
        raise SessionError(N_("A written vote has no session to invite to."))
    letterhead = letterhead_of(meeting.committee.partnership)
    context = build_invitation_context(invitation_data(session, meeting, letter_date), letterhead)
    heading = invitation_heading(meeting.held_on, meeting.committee.name)
    author = letterhead.coordination_office.name or letterhead.lead_office.name
    number = invitation_number(meeting)
    return publish(
        uow,
        Publication("invitation", context, Metadata(heading.title, heading.subject, author)),
        *_meeting_filing(meeting, "invitation", number, number.replace(" ", "-"), actor),
    )


def meeting_documents(session: Session, meeting: Meeting) -> list[Document]:
    return list(
        session.scalars(
            select(Document)
            .where(Document.meeting_id == meeting.id)
            .order_by(Document.kind, Document.version.desc())
        )
    )


def _meeting_filing(
    meeting: Meeting, template_key: str, number: str, stem: str, actor: Actor
) -> tuple[Filing, AuditEntry]:
    """A session document: PDF/A (kind ``template_key``) and editable DOCX (kind
    ``<template_key>-docx``), each a new version of what was registered before; audited as
    ``meeting.<template_key>`` with the documents' ids."""
    partnership_id = meeting.committee.partnership_id
    filing = Filing(
        partnership_id=partnership_id,
        number=number,
        stem=stem,
        kinds=(template_key, f"{template_key}-docx"),
        meeting_id=meeting.id,
    )
    entry = AuditEntry(
        f"meeting.{template_key}",
        "meeting",
        meeting.id,
        partnership_id,
        list_documents=True,
        actor=actor,
    )
    return filing, entry
