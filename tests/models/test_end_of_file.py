"""The day a file ends (``Application.ended_on``, the retention's anchor) is the clock's day:
FOERDERWERK_TODAY where it is pinned, through the unit of work."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.orm import Session

from service.clock import Clock
from service.domain.messages import PlainLocalizer
from service.domain.states import ApplicationState
from service.models import Application
from service.uow import Actor, UnitOfWork


def test_a_withdrawn_file_ends_on_the_pinned_day_of_the_unit_of_work(
    db_session: Session, stored_application: Application
):
    UnitOfWork(
        db_session,
        actor=Actor.system("test"),
        localizer=PlainLocalizer(),
        clock=Clock(date(2026, 2, 20)),
        config={},
    )

    stored_application.state = ApplicationState.withdrawn

    assert stored_application.ended_on == date(2026, 2, 20)


def test_without_a_unit_of_work_the_environment_pins_the_day(
    db_session: Session, stored_application: Application, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("FOERDERWERK_TODAY", "2026-03-01")

    stored_application.state = ApplicationState.withdrawn

    assert stored_application.ended_on == date(2026, 3, 1)
