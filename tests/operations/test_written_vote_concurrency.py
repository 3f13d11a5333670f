"""Thirty members voting in the same second before the deadline (issue 20, acceptance): every
vote is counted exactly once, double clicks included, and the written vote closes once. Each
member is a thread with a session of its own on PostgreSQL; the votes of one written vote are
serialised on the meeting's row (service/operations/written_votes.py)."""

from __future__ import annotations

import threading
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from service import db
from service.cli.uow import command_uow
from service.domain.states import ApplicationState, DecisionOutcome
from service.errors import Refused
from service.models import (
    AgendaItem,
    AuditLog,
    Committee,
    CommitteeBody,
    CommitteeMember,
    CommitteeTerm,
    Meeting,
    MeetingMode,
    Vote,
    VoteChoice,
)
from service.operations import written_votes
from service.uow import Actor
from tests.web.apply_helpers import make_app
from tests.written_vote_support import free_applications

DAY = date(2026, 12, 1)
DEADLINE = date(2026, 12, 3)
MEMBERS = 30
DOUBLE_CLICKS = 5


def _thirty_members_and_a_written_vote(app) -> tuple[int, int, list[int]]:
    with app.app_context(), command_uow() as uow:
        session = uow.session
        bga = session.scalars(
            select(Committee).where(Committee.body == CommitteeBody.begleitausschuss)
        ).first()
        committee = Committee(
            partnership_id=bga.partnership_id,
            body=CommitteeBody.begleitausschuss,
            name="Großer Begleitausschuss",
        )
        session.add(committee)
        for number in range(MEMBERS):
            member = CommitteeMember(committee=committee, name=f"Mitglied {number + 1:02d}")
            member.terms.append(
                CommitteeTerm(
                    term_from=date(2026, 1, 1),
                    sector="civil" if number % 3 else "admin",
                    voting=True,
                    chair=number == 0,
                )
            )
            session.add(member)
        meeting = Meeting(committee=committee, held_on=DAY, mode=MeetingMode.written)
        session.add(meeting)
        application = free_applications(session, 1)[0]
        application.state = ApplicationState.on_agenda
        item = AgendaItem(
            meeting=meeting,
            application=application,
            position=0,
            proposed_amount=application.requested,
        )
        session.add(item)
        session.flush()
        written_votes.start_written_vote(uow, meeting, deadline=DEADLINE, item_ids={item.id})
        return meeting.id, item.id, [m.id for m in committee.members]


@pytest.mark.parametrize(
    "db_url", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True
)
@pytest.mark.timeout(300)
def test_thirty_members_voting_at_once_are_each_counted_once(db_url: str, tmp_path: Path):
    app = make_app(db_url, tmp_path, TODAY=DEADLINE.isoformat())
    meeting_id, item_id, member_ids = _thirty_members_and_a_written_vote(app)
    voters = member_ids + member_ids[:DOUBLE_CLICKS]  # five members click twice
    barrier = threading.Barrier(len(voters))
    closed: list[bool] = []
    refused: list[int] = []
    problems: list[BaseException] = []

    def vote(member_id: int) -> None:
        try:
            with app.app_context(), command_uow(Actor("staff", str(member_id))) as uow:
                # all at once; then each takes a connection of the pool (15, as a web
                # process has) and its own session
                barrier.wait(timeout=60)
                meeting = uow.session.get(Meeting, meeting_id)
                member = uow.session.get(CommitteeMember, member_id)
                closed.append(
                    written_votes.cast(
                        uow, meeting, member, choices={item_id: VoteChoice.yes}, objected=False
                    )
                )
        except Refused:
            refused.append(member_id)  # a second click after the vote closed
        except BaseException as problem:  # reported below
            problems.append(problem)

    threads = [threading.Thread(target=vote, args=(m,)) for m in voters]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=240)

    assert problems == []
    assert len(closed) + len(refused) == len(voters)
    assert set(refused) <= set(member_ids[:DOUBLE_CLICKS])
    assert closed.count(True) == 1  # the last answer closed it, once
    with app.app_context():
        session = db.session()
        rows = session.execute(
            select(Vote.member_id, func.count())
            .where(Vote.agenda_item_id == item_id)
            .group_by(Vote.member_id)
        ).all()
        assert sorted(member for member, _count in rows) == sorted(member_ids)
        assert {count for _member, count in rows} == {1}
        decision = session.get(AgendaItem, item_id).decision
        assert decision.outcome is DecisionOutcome.approved
        result = written_votes.session_ops.evaluate(session.get(Meeting, meeting_id))
        assert result.extra["items"][0]["yes"] == MEMBERS
        logged = session.scalars(
            select(AuditLog.action).where(AuditLog.action.like("meeting.written_%"))
        ).all()
        assert logged.count("meeting.written_vote") == len(closed)
        assert logged.count("meeting.written_close") == 1
    with app.app_context():
        db.engine().dispose()
