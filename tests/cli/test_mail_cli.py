"""`foerderwerk mail send` retries what a failed delivery left in the outbox."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from service import db
from service.adapters.mail.outbox import Mail, queue_mail
from service.cli import cli
from service.models import OutboxMail


def test_mail_send_delivers_what_waits_in_the_outbox(app, tmp_path: Path):
    app.config["MAIL_FOLDER"] = str(tmp_path / "mail")
    with app.app_context():
        session = db.session()
        # queued without a bound transport: as after a crash between commit and delivery
        queue_mail(session, Mail(to="kontakt@elbufer.example", subject="Eingang", body="Hallo"))
        session.commit()

    result = app.test_cli_runner().invoke(cli, ["mail", "send"])

    assert result.exit_code == 0, result.output
    assert "1 von 1" in result.output
    (written,) = (tmp_path / "mail").glob("*.eml")
    assert "kontakt@elbufer.example" in written.read_text(encoding="utf-8")
    with app.app_context():
        assert db.session().query(OutboxMail).filter(OutboxMail.sent_at.is_(None)).count() == 0


def test_mail_send_keeps_what_the_server_refused_and_says_so(app, tmp_path: Path):
    app.config["MAIL_SMTP_HOST"] = "127.0.0.1"
    app.config["MAIL_SMTP_PORT"] = 1  # nothing listens there
    with app.app_context():
        session = db.session()
        queue_mail(session, Mail(to="kontakt@elbufer.example", subject="Eingang", body="Hallo"))
        session.commit()

    result = app.test_cli_runner().invoke(cli, ["mail", "send"])

    assert result.exit_code == 1
    assert "0 von 1" in result.output
    with app.app_context():
        row = db.session().query(OutboxMail).one()
        assert row.sent_at is None
        assert row.attempts == 1


def test_mail_send_quiet_says_nothing_when_all_went_out(app, tmp_path: Path):
    app.config["MAIL_FOLDER"] = str(tmp_path / "mail")
    with app.app_context():
        queue_mail(
            db.session(), Mail(to="kontakt@elbufer.example", subject="Eingang", body="Hallo")
        )
        db.session().commit()

    result = app.test_cli_runner().invoke(cli, ["mail", "send", "--quiet"])

    assert result.exit_code == 0, result.output
    assert result.output == ""
    assert len(list((tmp_path / "mail").glob("*.eml"))) == 1


def test_mail_send_leaves_a_mail_to_the_sender_rendering_it(app, tmp_path: Path):
    app.config["MAIL_FOLDER"] = str(tmp_path / "mail")
    with app.app_context():
        session = db.session()
        row = queue_mail(session, Mail(to="kontakt@elbufer.example", subject="Eingang", body="Hi"))
        session.flush()
        row.claimed_at = datetime.now(UTC)  # a web process's background sender is on it
        session.commit()

    result = app.test_cli_runner().invoke(cli, ["mail", "send"])

    assert result.exit_code == 0, result.output
    assert "0 von 0" in result.output
    assert not (tmp_path / "mail").exists() or not list((tmp_path / "mail").glob("*.eml"))
