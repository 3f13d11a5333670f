"""The back office's "submitted in time" for a session (issue 16.2): the session's own
published deadline where the guideline gives one, else the lead days – a real calendar with a
Friday deadline 10 days before a Monday session."""

from __future__ import annotations

from datetime import date

import pytest

from service.domain.states import ApplicationState
from service.i18n import BabelLocalizer
from service.models import Application, Committee, CommitteeBody, Meeting, MeetingMode
from service.operations import funds as ops
from service.operations.sessions import (
    SessionError,
    add_to_agenda,
    candidates,
    meeting_deadlines,
)
from tests.conftest import AIF_GUIDELINE, uow_on

MONDAY = date(2026, 6, 15)
FRIDAY = date(2026, 6, 5)  # 10 days before; 14 lead days would end on Monday 1 June
PUBLISHED = AIF_GUIDELINE.replace(
    'sessions = ["2026-03-10", "2026-05-12", "2026-09-08"]',
    'sessions = [{ date = "2026-06-15", deadline = "2026-06-05" }, "2026-09-07"]',
)


@pytest.fixture
def meeting(db_session, fund):
    ops.add_guideline_version(uow_on(db_session), fund, PUBLISHED)
    committee = Committee(
        partnership=fund.partnership, body=CommitteeBody.begleitausschuss, name="BgA"
    )
    db_session.add(committee)
    fund.committee = committee
    found = Meeting(committee=committee, held_on=MONDAY, mode=MeetingMode.session)
    db_session.add(found)
    db_session.flush()
    return found


def checked(db_session, fund, submitted_on: date, title: str) -> Application:
    application = Application(
        fund=fund, title=title, state=ApplicationState.in_check, submitted_on=submitted_on
    )
    db_session.add(application)
    db_session.flush()
    return application


def test_the_friday_deadline_decides_who_is_in_time(db_session, fund, meeting):
    on_friday = checked(db_session, fund, FRIDAY, "Freitag")
    on_saturday = checked(db_session, fund, date(2026, 6, 6), "Samstag")

    found = {a.title: in_time for a, in_time in candidates(db_session, meeting)}

    assert found == {"Freitag": True, "Samstag": False}
    assert meeting_deadlines(meeting) == [(fund, FRIDAY)]
    add_to_agenda(uow_on(db_session), meeting, on_friday)
    with pytest.raises(SessionError) as refused:
        add_to_agenda(uow_on(db_session), meeting, on_saturday)
    german = refused.value.render(BabelLocalizer())
    assert "Antragsfrist endete am 05.06.2026" in german, german


def test_a_session_without_its_own_deadline_counts_the_lead_days(db_session, fund, meeting):
    meeting.held_on = date(2026, 9, 7)  # 14 lead days: Monday 24 August
    checked(db_session, fund, date(2026, 8, 24), "rechtzeitig")
    checked(db_session, fund, date(2026, 8, 25), "zu spät")

    found = {a.title: in_time for a, in_time in candidates(db_session, meeting)}

    assert found == {"rechtzeitig": True, "zu spät": False}
