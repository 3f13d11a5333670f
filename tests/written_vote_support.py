"""A written vote of the demo's Begleitausschuss for the tests of issue 20.4/20.5: a
meeting in written mode with demo applications on its agenda, and an account of its own for
every member seated (seven voting members, three deputies)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import Flask
from sqlalchemy import select

from service import db
from service.domain.states import ApplicationState
from service.models import (
    AgendaItem,
    Application,
    Committee,
    CommitteeBody,
    Meeting,
    MeetingMode,
    MeetingParticipant,
    StaffRole,
    StaffUser,
)
from service.operations.staff import DEMO_PASSWORD, add_staff_user
from tests.conftest import uow_on


@dataclass(frozen=True)
class WrittenVote:
    meeting: int
    items: list[int]  # agenda item ids, in order
    applications: list[int]
    references: list[str]
    # member name → (committee member id, e-mail of its account)
    members: dict[str, tuple[int, str]]


def _address(name: str) -> str:
    return name.split()[0].lower() + ".umlauf@demo.example"


def free_applications(
    session, count: int, body: CommitteeBody = CommitteeBody.begleitausschuss
) -> list[Application]:
    """Submitted demo applications of the committee's funds nobody decided."""
    committee = session.scalars(select(Committee).where(Committee.body == body)).first()
    fund_ids = [fund.id for fund in committee.funds]
    found = [
        a
        for a in session.scalars(
            select(Application)
            .where(Application.fund_id.in_(fund_ids), Application.submitted_on.is_not(None))
            .order_by(Application.id)
        )
        if not a.decisions and not a.agenda_items
    ]
    assert len(found) >= count, [a.title for a in found]
    return found[:count]


def written_vote(
    app: Flask,
    day: date,
    *,
    applications: int = 1,
    skip: int = 0,
    accounts: bool = True,
    body: CommitteeBody = CommitteeBody.begleitausschuss,
) -> WrittenVote:
    """A written vote of the Begleitausschuss (or ``body``) on ``day`` with ``applications``
    free demo applications (after the first ``skip``) on its agenda, not started yet."""
    with app.app_context():
        session = db.session()
        committee = session.scalars(select(Committee).where(Committee.body == body)).first()
        meeting = Meeting(committee=committee, held_on=day, mode=MeetingMode.written)
        session.add(meeting)
        chosen = free_applications(session, skip + applications, body)[skip:]
        items = []
        for position, application in enumerate(chosen):
            application.state = ApplicationState.on_agenda
            item = AgendaItem(
                meeting=meeting,
                application=application,
                position=position,
                proposed_amount=application.requested,
            )
            session.add(item)
            items.append(item)
        members: dict[str, tuple[int, str]] = {}
        for seat in committee.members_on(day):
            session.add(MeetingParticipant(meeting=meeting, member=seat.member, invited=True))
            email = _address(seat.name)
            if accounts:
                account = session.scalars(select(StaffUser).where(StaffUser.email == email)).first()
                if account is None:
                    account = add_staff_user(
                        uow_on(session),
                        email,
                        seat.name,
                        DEMO_PASSWORD,
                        [(committee.partnership, StaffRole.committee)],
                    )
                seat.member.staff_user_id = account.id
                seat.member.email = email
            members[seat.name] = (seat.member.id, email)
        session.commit()
        return WrittenVote(
            meeting=meeting.id,
            items=[i.id for i in items],
            applications=[a.id for a in chosen],
            references=[a.reference or "" for a in chosen],
            members=members,
        )
