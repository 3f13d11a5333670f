"""Refund reminders through ``foerderwerk reminders send`` (issue 19.4): a German e-mail 14 days
before a refund notice's due day and one when it is overdue and not received in full, each
once, with the amount still open, the payee's bank details and the Kassenzeichen, "Sie" or –
youth fund – "du", the link via the configured site; none in the week after the notice, none
once the refund is received in full."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from flask import Flask
from sqlalchemy import select

from service import db
from service.cli import cli
from service.models import RefundReceipt, ReportReview, SentReminder
from tests.refund_support import refund_due
from tests.web.apply_helpers import mails, make_app

ISSUED = date(2026, 5, 4)
DUE = date(2026, 6, 3)


def _send(app: Flask):
    return app.test_cli_runner().invoke(cli, args=["reminders", "send"])


def _mails(tmp_path: Path) -> list[str]:
    return [" ".join(text.split()) for text in mails(tmp_path)]


def _receive(app: Flask, app_id: int, amount: str) -> None:
    with app.app_context():
        session = db.session()
        row = session.scalars(
            select(ReportReview).where(ReportReview.application_id == app_id)
        ).one()
        session.add(
            RefundReceipt(
                application_id=app_id,
                report_review_id=row.id,
                amount=Decimal(amount),
                received_on=ISSUED,
                idempotency_key=f"r-{app_id}-{amount}",
            )
        )
        session.commit()


def _app(db_url: str, tmp_path: Path, today: str) -> Flask:
    return make_app(db_url, tmp_path, TODAY=today)


def test_a_refund_due_in_ten_days_gets_one_reminder_with_the_amount_open(
    db_url: str, tmp_path: Path
):
    app = _app(db_url, tmp_path, "2026-05-24")
    with app.app_context():
        application = refund_due(
            db.session(), "AIF-2026-961", due_on=DUE, issued_on=ISSUED, title="Elbfest"
        )
        db.session().commit()
        app_id = application.id
    _receive(app, app_id, "50.00")

    first = _send(app)
    assert first.exit_code == 0, first.output
    assert "1 Erinnerung versandt." in first.output
    [mail] = _mails(tmp_path)
    assert "To: verein@example.org" in mail
    assert "Erinnerung: Die Erstattung zu AIF-2026-961 ist bald fällig" in mail
    assert "ist am 03.06.2026 fällig (in 10 Tagen)" in mail
    assert "Noch offener Betrag: 33,45 €" in mail
    assert "Kassenzeichen: AIF-2026-961-E" in mail
    assert "IBAN" in mail
    assert "Elbfest" in mail
    assert "Bitte überweisen Sie" in mail
    assert "http://localhost/p/boizenburg-luebtheen/" in mail
    assert "2026-06-03" not in mail
    assert "33.45" not in mail

    again = _send(app)
    assert "0 Erinnerungen versandt." in again.output
    assert len(mails(tmp_path)) == 1


def test_an_overdue_refund_gets_the_overdue_reminder_once_in_du_for_the_youth_fund(
    db_url: str, tmp_path: Path
):
    app = _app(db_url, tmp_path, "2026-06-10")
    with app.app_context():
        refund_due(db.session(), "JF-2026-962", due_on=DUE, issued_on=ISSUED, kind="jugendfonds")
        db.session().commit()

    assert _send(app).exit_code == 0
    [mail] = _mails(tmp_path)
    assert "Erinnerung: Die Erstattung zu JF-2026-962 ist überfällig" in mail
    assert "war am 03.06.2026 fällig und ist noch nicht vollständig eingegangen" in mail
    assert "Noch offener Betrag: 83,45 €" in mail
    assert "Bitte überweise den noch offenen Betrag unverzüglich" in mail
    assert "§ 49a Abs. 3 VwVfG" in mail
    assert " Sie " not in mail
    with app.app_context():
        kinds = db.session().scalars(select(SentReminder.kind)).all()
    assert kinds == ["refund_overdue"]
    assert _send(app).exit_code == 0
    assert len(mails(tmp_path)) == 1


def test_no_reminder_once_received_in_full_nor_in_the_week_after_the_notice(
    db_url: str, tmp_path: Path
):
    app = _app(db_url, tmp_path, "2026-06-10")
    with app.app_context():
        session = db.session()
        paid = refund_due(session, "AIF-2026-963", due_on=DUE, issued_on=ISSUED)
        # issued 05.06., due 15.06.: within the fortnight, but the notice came five days ago
        refund_due(session, "AIF-2026-964", due_on=date(2026, 6, 15), issued_on=date(2026, 6, 5))
        paid_row = session.scalars(
            select(ReportReview).where(ReportReview.application_id == paid.id)
        ).one()
        paid_row.settled_on = ISSUED
        session.commit()

    result = _send(app)
    assert result.exit_code == 0, result.output
    assert "0 Erinnerungen versandt." in result.output
    assert mails(tmp_path) == []
