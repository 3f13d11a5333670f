"""``foerderwerk reminders send`` (issue 19.4): German reminders 14 days before a report is due
and once it is overdue, in "Sie" or – youth fund – "du", with links to the configured site;
each reminder once, a second run right after sends nothing; a submitted report, an unsent
notice or a far deadline gets none. The action fund's report is due 42 days after the period
(its guideline), the youth fund's 28."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from flask import Flask
from sqlalchemy import func, select

from service import db
from service.cli import cli
from service.domain.states import ApplicationState
from service.models import SentReminder, UsageReport
from tests.reminder_support import granted
from tests.web.apply_helpers import mails, make_app

# the AIF report of a period ending 30.06.2026 is due on 11.08.2026 (42 days)
TODAY = "2026-07-30"


def _send(app: Flask, *args: str):
    return app.test_cli_runner().invoke(cli, args=["reminders", "send", *args])


def _mails(tmp_path: Path) -> list[str]:
    """The mails with runs of white space as one space (a long subject is folded)."""
    return [" ".join(text.split()) for text in mails(tmp_path)]


def _app(db_url: str, tmp_path: Path, today: str = TODAY) -> Flask:
    return make_app(db_url, tmp_path, TODAY=today)


def test_a_report_due_in_twelve_days_gets_one_german_reminder_and_a_second_run_none(
    db_url: str, tmp_path: Path
):
    app = _app(db_url, tmp_path)
    with app.app_context():
        granted(db.session(), "AIF-2026-801", period_end=date(2026, 6, 30), title="Elbfest")
        db.session().commit()

    dry = _send(app, "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "1 Erinnerung ist heute fällig" in dry.output
    assert mails(tmp_path) == []

    first = _send(app)
    assert first.exit_code == 0, first.output
    assert "1 Erinnerung versandt." in first.output
    [mail] = _mails(tmp_path)
    assert "To: verein@example.org" in mail
    assert "Erinnerung: Ihr Verwendungsnachweis zu AIF-2026-801 ist bald fällig" in mail
    assert "11.08.2026" in mail
    assert "in 12 Tagen" in mail
    assert "Elbfest" in mail
    assert "Bitte reichen Sie" in mail
    assert "http://localhost/p/boizenburg-luebtheen/" in mail
    assert "2026-08-11" not in mail  # no ISO date in a mail

    again = _send(app)
    assert again.exit_code == 0, again.output
    assert "0 Erinnerungen versandt." in again.output
    assert len(mails(tmp_path)) == 1


def test_an_overdue_report_gets_the_overdue_reminder_once_and_the_missed_due_soon_never(
    db_url: str, tmp_path: Path
):
    app = _app(db_url, tmp_path, today="2026-08-20")
    with app.app_context():
        granted(db.session(), "AIF-2026-802", period_end=date(2026, 6, 30))
        db.session().commit()

    assert _send(app).exit_code == 0
    [mail] = _mails(tmp_path)
    assert "ist überfällig" in mail
    assert "war am 11.08.2026 fällig" in mail
    assert "§ 49" in mail
    with app.app_context():
        kinds = db.session().scalars(select(SentReminder.kind)).all()
    assert kinds == ["report_overdue"]
    assert _send(app).exit_code == 0
    assert len(mails(tmp_path)) == 1


def test_the_youth_fund_is_written_to_with_du(db_url: str, tmp_path: Path):
    # the youth fund's report: 28 days after 15.07.2026 → 12.08.2026
    app = _app(db_url, tmp_path)
    with app.app_context():
        granted(db.session(), "JF-2026-803", period_end=date(2026, 7, 15), kind="jugendfonds")
        db.session().commit()

    assert _send(app).exit_code == 0
    [mail] = _mails(tmp_path)
    assert "Dein Verwendungsnachweis" in mail
    assert "12.08.2026" in mail
    assert "Bitte reiche" in mail
    assert " Sie " not in mail


def test_no_reminder_before_the_fortnight_after_a_submitted_report_or_without_a_notice(
    db_url: str, tmp_path: Path
):
    app = _app(db_url, tmp_path)
    with app.app_context():
        session = db.session()
        # due 12.09.2026: 44 days away
        granted(session, "AIF-2026-804", period_end=date(2026, 8, 1))
        reported = granted(session, "AIF-2026-805", period_end=date(2026, 6, 1))
        session.add(
            UsageReport(
                application_id=reported.id,
                submitted_on=date(2026, 7, 1),
                data={},
                result={},
                sha256="0" * 64,
                idempotency_key="report-805",
            )
        )
        reported.state = ApplicationState.report_submitted
        session.commit()

    result = _send(app)
    assert result.exit_code == 0, result.output
    assert "0 Erinnerungen versandt." in result.output
    assert mails(tmp_path) == []


def test_without_an_email_address_nothing_is_recorded_and_the_output_says_so(
    db_url: str, tmp_path: Path
):
    app = _app(db_url, tmp_path)
    with app.app_context():
        granted(db.session(), "AIF-2026-806", period_end=date(2026, 6, 30), email="")
        db.session().commit()

    result = _send(app)
    assert result.exit_code == 0, result.output
    assert "keine E-Mail-Adresse" in result.output
    with app.app_context():
        assert db.session().scalar(select(func.count()).select_from(SentReminder)) == 0
