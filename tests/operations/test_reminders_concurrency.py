"""Two ``reminders send`` runs that overlap (cron started twice, a slow run still going when
the next begins) send every reminder once: each run has planned all of them before either
inserts, then both insert their ``sent_reminder`` rows; PostgreSQL makes the second insert of
a key wait for the first run's commit and then do nothing (issue 19.4). Report and refund
deadlines alike: the refunds' reminders go through the same rows."""

from __future__ import annotations

import threading
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from service import db
from service.cli.uow import command_uow
from service.models import OutboxMail, SentReminder
from service.operations import reminders
from tests.refund_support import refund_due
from tests.reminder_support import granted
from tests.web.apply_helpers import mails, make_app

REPORTS = 12
# overdue refunds (due 20.07.2026, notice of 20.06.2026)
REFUNDS = 5
COUNT = REPORTS + REFUNDS


@pytest.mark.parametrize(
    "db_url", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True
)
def test_two_overlapping_runs_send_each_reminder_once(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    app = make_app(db_url, tmp_path, TODAY="2026-07-30")
    with app.app_context():
        for number in range(REPORTS):
            granted(db.session(), f"AIF-2026-7{number:02d}", period_end=date(2026, 6, 30))
        for number in range(REFUNDS):
            refund_due(
                db.session(),
                f"AIF-2026-6{number:02d}",
                due_on=date(2026, 7, 20),
                issued_on=date(2026, 6, 20),
            )
        db.session().commit()

    # both runs wait here, with their plans made, before the first insert of either
    barrier = threading.Barrier(2)
    waited: set[int] = set()
    insert = reminders.insert_once

    def overlapping(*args, **kwargs):
        if threading.get_ident() not in waited:
            waited.add(threading.get_ident())
            barrier.wait(timeout=30)
        return insert(*args, **kwargs)

    monkeypatch.setattr(reminders, "insert_once", overlapping)
    results: list[reminders.SendResult] = []
    problems: list[BaseException] = []

    def run() -> None:
        try:
            with app.app_context(), command_uow() as uow:
                results.append(reminders.send_reminders(uow))
        except BaseException as problem:  # reported below
            problems.append(problem)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)

    assert problems == []
    assert [r.planned for r in results] == [COUNT, COUNT]
    assert sorted(r.sent for r in results) == [0, COUNT]
    assert sorted(r.taken for r in results) == [0, COUNT]
    with app.app_context():
        session = db.session()
        rows = session.scalar(select(func.count()).select_from(SentReminder))
        queued = session.scalar(
            select(func.count())
            .select_from(OutboxMail)
            .where(OutboxMail.subject.like("%Verwendungsnachweis%"))
        )
        refund_mails = session.scalar(
            select(func.count())
            .select_from(OutboxMail)
            .where(OutboxMail.subject.like("%Erstattung%"))
        )
        refund_rows = session.scalar(
            select(func.count())
            .select_from(SentReminder)
            .where(SentReminder.kind == "refund_overdue")
        )
    with app.app_context():
        db.engine().dispose()
    assert rows == COUNT
    assert queued == REPORTS
    assert refund_mails == REFUNDS
    assert refund_rows == REFUNDS
    assert len(mails(tmp_path)) == COUNT
