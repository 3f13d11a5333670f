"""The written vote online (Umlaufverfahren, issue 20.4) and the chair's approval of the
minutes (issue 20.5).

The coordination office starts a written vote for the items on its agenda with a deadline;
each member votes yes/no/abstain on their own page or objects to the written vote; a deputy
votes only for a principal who has not. When every voting member has answered, or after the
deadline (``foerderwerk sessions close-due``), the vote closes and the decisions the rules
engine computes are recorded (:func:`service.operations.sessions.decide`). Who still has to
answer, whether a deputy may vote, whether the vote is open and when the reminder is due are
the domain's rules (service/domain/meeting.py); this module applies them to the records.

Every vote, objection, reminder, close and approval is in the audit log. Votes of one
written vote are serialised on the meeting's row (``SELECT … FOR UPDATE`` on PostgreSQL):
thirty members voting in the same second are each counted once, and the vote closes once.
Operations flush, never commit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from .. import mail_texts
from ..adapters.mail.transport import Mail
from ..domain import meeting as rules
from ..domain.check import check_meeting
from ..domain.messages import N_, Message
from ..errors import Refused
from ..links import site_url
from ..models import (
    CommitteeBody,
    CommitteeMember,
    Document,
    Meeting,
    MeetingMode,
    MeetingParticipant,
    StaffUser,
    Vote,
    VoteChoice,
)
from ..uow import UnitOfWork
from . import audit
from . import sessions as session_ops
from .sessions import SessionError, member_key

NOT_WRITTEN = N_("Only a written vote can be started online.")
STARTED = N_("The written vote has been started already.")
NOTHING_CHOSEN = N_("Please choose at least one agenda item for the written vote.")
PAST_DEADLINE = N_("Please choose a deadline from today on.")
TYPED_IN = N_(
    "Votes or objections have been entered for this written vote already. Please remove "
    "them before starting it online."
)
CLOSED = N_("The written vote is closed; votes can no longer be cast or changed.")
NOT_STARTED = N_("The written vote has not been started online.")
CONFLICTED = N_("You have declared a conflict of interest for item %(no)s and do not vote on it.")
NO_CHOICE = N_("Please choose yes, no or abstention for at least one item, or object.")
REFUSALS: Mapping[str, str] = {
    "not-voting": N_("You have no vote in this committee."),
    "principal-voted": N_(
        "The member you stand in for has voted already; your vote is not needed."
    ),
    "another-deputy": N_("Another deputy has voted already for the member you stand in for."),
    "principal-objected": N_(
        "The member you stand in for has objected to the written vote already."
    ),
}
NOT_CHAIR = N_("Only the chair of the committee approves the minutes.")
NO_MINUTES = N_("The minutes have not been produced yet.")
APPROVED_ALREADY = N_("The minutes have been approved already.")
APPROVED_BY = N_("Approved by the chair, %(name)s")
NOT_DECIDED = N_("The minutes can be approved once the decisions are recorded.")


def _refuse(msgid: str, **params: int) -> Refused:
    return Refused(Message(msgid, dict(params)))


# -- reading the records through the rules --------------------------------------------------


def domain_meeting(meeting: Meeting) -> rules.Meeting:
    """The records as the rules engine reads them (the meeting interchange)."""
    result = check_meeting(session_ops.meeting_to_interchange(meeting))
    parsed = result.parsed
    if not isinstance(parsed, rules.Meeting):
        raise SessionError(N_("The session's records cannot be evaluated."))
    return parsed


def is_closed(meeting: Meeting) -> bool:
    return meeting.written_closed_at is not None


def is_open(uow: UnitOfWork, meeting: Meeting) -> bool:
    """Votes are taken now: started, not closed, the deadline not passed."""
    return session_ops.runs_online(meeting) and rules.written_open(
        meeting.written_deadline, uow.today(), closed=is_closed(meeting)
    )


@dataclass(frozen=True)
class Standing:
    """Where a member stands in an open written vote (for their page)."""

    votes: dict[int, VoteChoice]  # agenda item id → their own vote
    objected: bool
    # why they may not vote (a deputy whose principal voted …), None: they may
    refusal: str | None
    answered: bool  # a voting member who has answered every item (or objected)
    missing: int  # voting members who have not answered yet


def standing(meeting: Meeting, member: CommitteeMember) -> Standing:
    parsed = domain_meeting(meeting)
    key = member_key(member)
    row = next((p for p in meeting.participants if p.member_id == member.id), None)
    reason = rules.written_vote_refusal(parsed, key, None)
    return Standing(
        votes={
            item.id: vote.choice
            for item in meeting.items
            for vote in item.votes
            if vote.member_id == member.id
        },
        objected=bool(row and row.objected),
        refusal=REFUSALS[reason] if reason else None,
        answered=key in {m.id for m in parsed.members or () if m.voting}
        and rules.written_answered(parsed, key),
        missing=len(rules.written_missing(parsed)),
    )


def _lock(uow: UnitOfWork, meeting: Meeting) -> None:
    """Serialise the writes of one written vote on the meeting's row, then read its records
    afresh: what another transaction committed meanwhile is seen."""
    session = uow.session
    session.flush()
    session.execute(select(Meeting.id).where(Meeting.id == meeting.id).with_for_update())
    session.expire_all()


# -- start (coordination office) --------------------------------------------------------------


def start_written_vote(
    uow: UnitOfWork, meeting: Meeting, *, deadline: date, item_ids: set[int]
) -> None:
    """Start the written vote online for the chosen agenda items (the others go back to the
    queue) with ``deadline`` (votes are taken through that day); each member with an
    e-mail address is told, in "du" for the youth forum."""
    if meeting.mode is not MeetingMode.written:
        raise SessionError(NOT_WRITTEN)
    _lock(uow, meeting)
    if session_ops.runs_online(meeting):
        raise SessionError(STARTED)
    if session_ops.is_decided(meeting):
        raise SessionError(N_("The session has already decided; its records are closed."))
    if deadline < uow.today():
        raise SessionError(PAST_DEADLINE)
    chosen = [item for item in meeting.items if item.id in item_ids]
    if not chosen:
        raise SessionError(NOTHING_CHOSEN)
    if any(item.votes for item in meeting.items) or any(p.objected for p in meeting.participants):
        raise SessionError(TYPED_IN)
    for item in [item for item in meeting.items if item.id not in item_ids]:
        session_ops.remove_from_agenda(uow, meeting, item)
    # everyone seated on the day is asked (the written vote's "invitation")
    for seat in meeting.committee.members_on(meeting.held_on):
        session_ops.participant(meeting, seat.member).invited = True
    meeting.written_deadline = deadline
    meeting.written_started_at = uow.clock.now()
    uow.session.flush()
    audit.record(
        uow.session,
        uow.actor,
        "meeting.written_start",
        "meeting",
        meeting.id,
        partnership_id=meeting.committee.partnership_id,
        deadline=deadline.isoformat(),
        items=[item.application_id for item in meeting.items],
    )
    for seat in meeting.committee.members_on(meeting.held_on):
        _mail(uow, meeting, seat.member, "written_vote_started")


# -- votes and objections (the member) --------------------------------------------------------


def cast(
    uow: UnitOfWork,
    meeting: Meeting,
    member: CommitteeMember,
    *,
    choices: Mapping[int, VoteChoice],
    objected: bool,
) -> bool:
    """Record the member's votes (agenda item id → choice) or objection, replacing their
    earlier ones while the written vote is open. An objection replaces the member's votes; a
    vote withdraws an earlier objection. Returns whether the written vote closed with it
    (every voting member has answered)."""
    _lock(uow, meeting)
    if not session_ops.runs_online(meeting):
        raise SessionError(NOT_STARTED)
    if not is_open(uow, meeting):
        raise SessionError(CLOSED)
    if not objected and not choices:
        raise _refuse(NO_CHOICE)
    parsed = domain_meeting(meeting)
    key = member_key(member)
    items = {item.id: (index, item) for index, item in enumerate(meeting.items)}
    row = session_ops.participant(meeting, member)
    now = uow.clock.now()
    partnership_id = meeting.committee.partnership_id
    if objected:
        reason = rules.written_vote_refusal(parsed, key, None)
        if reason is not None:
            raise _refuse(REFUSALS[reason])
        row.objected = True
        for item in meeting.items:
            for vote in [v for v in item.votes if v.member_id == member.id]:
                item.votes.remove(vote)
        uow.session.flush()
        audit.record(
            uow.session,
            uow.actor,
            "meeting.written_objection",
            "meeting",
            meeting.id,
            partnership_id=partnership_id,
            member=member.id,
        )
    else:
        row.objected = False
        for item_id, choice in sorted(choices.items()):
            if item_id not in items:
                continue
            index, item = items[item_id]
            if any(c.member_id == member.id for c in item.conflicts):
                raise _refuse(CONFLICTED, no=index + 1)
            reason = rules.written_vote_refusal(parsed, key, parsed.items[index])  # type: ignore[index]
            if reason is not None:
                raise _refuse(REFUSALS[reason])
            mine = next((v for v in item.votes if v.member_id == member.id), None)
            if mine is None:
                item.votes.append(Vote(member=member, choice=choice, cast_at=now))
            else:
                mine.choice, mine.cast_at = choice, now
            uow.session.flush()
            audit.record(
                uow.session,
                uow.actor,
                "meeting.written_vote",
                "agenda_item",
                item.id,
                partnership_id=partnership_id,
                meeting=meeting.id,
                member=member.id,
                choice=choice.value,
            )
    uow.session.flush()
    if rules.written_complete(domain_meeting(meeting)):
        close(uow, meeting, why="complete")
        return True
    return False


# -- closing, reminders (the cron command) ----------------------------------------------------


def close(uow: UnitOfWork, meeting: Meeting, *, why: str = "deadline") -> bool:
    """Close the written vote and record its decisions (the rules engine's outcomes, dated
    today). Idempotent: a closed one is left as it is (returns False)."""
    _lock(uow, meeting)
    if not session_ops.runs_online(meeting) or is_closed(meeting):
        return False
    decisions = session_ops.decide(uow, meeting, closing_written=True)
    meeting.written_closed_at = uow.clock.now()
    uow.session.flush()
    audit.record(
        uow.session,
        uow.actor,
        "meeting.written_close",
        "meeting",
        meeting.id,
        partnership_id=meeting.committee.partnership_id,
        why=why,
        outcomes={str(d.application_id): d.outcome.value for d in decisions},
    )
    return True


def open_written_votes(uow: UnitOfWork) -> list[int]:
    """The ids of every written vote started online and not closed (all partnerships)."""
    return list(
        uow.session.scalars(
            select(Meeting.id)
            .where(Meeting.written_started_at.is_not(None), Meeting.written_closed_at.is_(None))
            .order_by(Meeting.id)
        )
    )


def unminuted_written_votes(uow: UnitOfWork) -> list[int]:
    """Closed written votes without minutes yet."""
    with_minutes = select(Document.meeting_id).where(
        Document.kind == "minutes", Document.meeting_id.is_not(None)
    )
    return list(
        uow.session.scalars(
            select(Meeting.id)
            .where(Meeting.written_closed_at.is_not(None), Meeting.id.not_in(with_minutes))
            .order_by(Meeting.id)
        )
    )


@dataclass(frozen=True)
class DueResult:
    closed: bool
    reminded: int


def settle(uow: UnitOfWork, meeting: Meeting) -> DueResult:
    """What the cron command does with one open written vote: close it after the deadline
    (or when everyone has answered), else send the one reminder when it is due."""
    today = uow.today()
    parsed = domain_meeting(meeting)
    if rules.written_due(meeting.written_deadline, today) or rules.written_complete(parsed):
        return DueResult(close(uow, meeting), 0)
    if not rules.reminder_due(meeting.written_deadline, today):
        return DueResult(False, 0)
    return DueResult(False, remind(uow, meeting))


def remind(uow: UnitOfWork, meeting: Meeting) -> int:
    """Remind each voting member who has not answered – once (``reminded_at``)."""
    _lock(uow, meeting)
    if not is_open(uow, meeting):
        return 0
    missing = set(rules.written_missing(domain_meeting(meeting)))
    sent = 0
    for seat in meeting.committee.members_on(meeting.held_on):
        member = seat.member
        if member_key(member) not in missing:
            continue
        row = session_ops.participant(meeting, member)
        if row.reminded_at is not None:
            continue
        if _mail(uow, meeting, member, "written_vote_reminder"):
            row.reminded_at = uow.clock.now()
            sent += 1
    uow.session.flush()
    return sent


def _address(member: CommitteeMember) -> str | None:
    from ..domain.partnership_settings import email_is_valid

    for email in (member.email, member.staff_user.email if member.staff_user else None):
        if email and email_is_valid(email.strip().lower()):
            return email.strip().lower()
    return None


def _mail(uow: UnitOfWork, meeting: Meeting, member: CommitteeMember, kind: str) -> bool:
    """The start notice or the reminder to ``member``, in the recipient's language and form
    of address; the link to their page is built from the configured site. False: no
    address."""
    email = _address(member)
    if email is None:
        return False
    partnership = meeting.committee.partnership
    addressee = mail_texts.Addressee(informal=meeting.committee.body is CommitteeBody.jugendforum)
    link = site_url("staff.member_session", slug=partnership.slug, meeting_id=meeting.id)
    subject, body = mail_texts.written_vote(
        kind,
        addressee,
        name=member.name,
        committee=meeting.committee.name,
        partnership=partnership.name,
        deadline=meeting.written_deadline,
        items=[
            f"{item.application.reference or item.application_id} – {item.application.title}"
            for item in meeting.items
        ],
        link=link,
    )
    uow.mail(mail_texts.from_partnership(Mail(to=email, subject=subject, body=body), partnership))
    audit.record(
        uow.session,
        uow.actor,
        f"meeting.{kind}",
        "meeting",
        meeting.id,
        partnership_id=partnership.id,
        member=member.id,
    )
    return True


# -- approval of the minutes (the chair, issue 20.5) ------------------------------------------


def latest_minutes(uow: UnitOfWork, meeting: Meeting) -> Document | None:
    return uow.session.scalars(
        select(Document)
        .where(Document.meeting_id == meeting.id, Document.kind == "minutes")
        .order_by(Document.version.desc())
        .limit(1)
    ).first()


def is_chair(meeting: Meeting, member: CommitteeMember) -> bool:
    """The member chairs the committee on the day of the meeting."""
    return any(
        seat.member.id == member.id and seat.chair
        for seat in meeting.committee.members_on(meeting.held_on)
    )


def approve_minutes(
    uow: UnitOfWork, meeting: Meeting, member: CommitteeMember, account: StaffUser
) -> list[Document]:
    """The chair approves the minutes: name and time are recorded, and the minutes are
    produced again – without the draft mark, with "genehmigt am …" – as a new version that
    replaces the draft (never overwriting it)."""
    _lock(uow, meeting)
    if not is_chair(meeting, member):
        raise _refuse(NOT_CHAIR)
    if meeting.minutes_approved_at is not None:
        raise _refuse(APPROVED_ALREADY)
    if not session_ops.is_decided(meeting):
        raise _refuse(NOT_DECIDED)
    draft = latest_minutes(uow, meeting)
    if draft is None:
        raise _refuse(NO_MINUTES)
    meeting.minutes_approved_at = uow.clock.now()
    meeting.minutes_approved_by = member.name
    meeting.minutes_approved_by_id = account.id
    uow.session.flush()
    audit.record(
        uow.session,
        uow.actor,
        "meeting.minutes_approved",
        "meeting",
        meeting.id,
        partnership_id=meeting.committee.partnership_id,
        member=member.id,
        draft=draft.id,
    )
    reason = Message(APPROVED_BY, {"name": member.name}).render(uow.localizer)
    return session_ops.generate_minutes(uow, meeting, replacement_reason=reason)


def participant_rows(meeting: Meeting) -> dict[int, MeetingParticipant]:
    return {p.member_id: p for p in meeting.participants}


def item_numbers(meeting: Meeting) -> dict[int, int]:
    return {item.id: index + 1 for index, item in enumerate(meeting.items)}


def missing_names(meeting: Meeting) -> list[str]:
    """The names of the voting members who have not answered the written vote yet."""
    missing = set(rules.written_missing(domain_meeting(meeting)))
    return [
        seat.name
        for seat in meeting.committee.members_on(meeting.held_on)
        if member_key(seat.member) in missing
    ]
