"""The unit of work of a request and of a command: one commit when the use case succeeded,
nothing kept when it raised; a refusal becomes a German message (flash and back, JSON, or
stderr with exit 1) – never a traceback."""

from __future__ import annotations

from datetime import date

import pytest
from flask import Flask
from sqlalchemy import func, select

from service import db
from service.adapters.mail.transport import Mail
from service.cli import cli
from service.cli.uow import command_uow
from service.clock import Clock, clock_from_config
from service.domain.messages import N_, Message
from service.errors import NotFound, Refused
from service.models import OutboxMail, Partnership
from service.web.uow import current_uow

REFUSAL = Message(N_("Please open the service at its official address."))


def _partnerships(app: Flask) -> int:
    with app.app_context():
        return db.session().scalar(select(func.count()).select_from(Partnership)) or 0


@pytest.fixture
def routed(app: Flask) -> Flask:
    def create() -> str:
        current_uow().session.add(Partnership(slug="neu", name="Neu"))
        return "ok"

    def create_then_refuse() -> str:
        uow = current_uow()
        uow.session.add(Partnership(slug="halb", name="Halb"))
        uow.session.flush()
        raise Refused(REFUSAL)

    def missing() -> str:
        raise NotFound(REFUSAL)

    app.add_url_rule("/t/create", "t_create", create, methods=["POST"])
    app.add_url_rule("/t/refuse", "t_refuse", create_then_refuse, methods=["POST"])
    app.add_url_rule("/api/t/refuse", "t_api_refuse", create_then_refuse, methods=["POST"])
    app.add_url_rule("/t/missing", "t_missing", missing)
    app.config["WTF_CSRF_ENABLED"] = False
    return app


def test_a_request_commits_its_unit_of_work_when_the_view_returned(routed):
    assert routed.test_client().post("/t/create").status_code == 200
    assert _partnerships(routed) == 1


def test_a_refused_request_keeps_nothing_and_goes_back_with_the_german_message(routed):
    client = routed.test_client()
    response = client.post("/t/refuse", headers={"Referer": "http://localhost/p/x/seite?a=1"})
    assert response.status_code == 302
    assert response.location == "/p/x/seite?a=1"
    assert _partnerships(routed) == 0
    with client.session_transaction() as browser:
        assert browser["_flashes"] == [
            ("error", "Bitte öffnen Sie den Dienst unter seiner offiziellen Adresse.")
        ]


def test_a_refusal_never_sends_the_person_to_another_site(routed):
    response = routed.test_client().post(
        "/t/refuse", headers={"Referer": "https://evil.example/phish"}
    )
    assert response.status_code == 302
    assert "evil.example" not in response.location


def test_the_api_answers_a_refusal_as_json_with_its_status(routed):
    response = routed.test_client().post("/api/t/refuse")
    assert response.status_code == 422
    assert response.get_json() == {
        "error": "Bitte öffnen Sie den Dienst unter seiner offiziellen Adresse.",
        "status": 422,
    }
    assert _partnerships(routed) == 0


def test_not_found_is_the_ordinary_404_page(routed):
    response = routed.test_client().get("/t/missing")
    assert response.status_code == 404
    assert "Seite nicht gefunden" in response.get_data(as_text=True)


def test_a_command_commits_once_and_a_refused_command_says_why_and_exits_1(app):
    @cli.command("t-create")
    def create() -> None:
        with command_uow() as uow:
            uow.session.add(Partnership(slug="cli", name="CLI"))

    @cli.command("t-refuse")
    def refuse() -> None:
        with command_uow() as uow:
            uow.session.add(Partnership(slug="nein", name="Nein"))
            uow.session.flush()
            raise Refused(REFUSAL)

    try:
        runner = app.test_cli_runner()
        assert runner.invoke(cli, ["t-create"]).exit_code == 0
        refused = runner.invoke(cli, ["t-refuse"])
        assert refused.exit_code == 1
        assert "Bitte öffnen Sie den Dienst" in refused.stderr
        assert "Traceback" not in refused.output
        assert _partnerships(app) == 1
    finally:
        for name in ("t-create", "t-refuse"):
            cli.commands.pop(name, None)


def test_the_clock_honours_the_pinned_date():
    assert clock_from_config({"TODAY": "2026-02-20"}).today() == date(2026, 2, 20)
    assert clock_from_config({"TODAY": None}) == Clock()
    assert Clock().now().tzinfo is not None


def test_the_actor_of_a_request_is_the_applicants_browser_session(routed):
    with routed.test_request_context("/"):
        actor = current_uow().actor
    assert actor.kind == "applicant"
    assert str(actor).startswith("applicant:")


def _receipt_mail() -> Mail:
    return Mail("kontakt@elbufer.example", "Eingang", "Ihr Antrag ist eingegangen.")


def _delivered(folder) -> list[str]:
    return sorted(p.name for p in folder.glob("*.eml")) if folder.exists() else []


def _outbox(app: Flask) -> int:
    with app.app_context():
        return db.session().scalar(select(func.count()).select_from(OutboxMail)) or 0


def test_a_mail_queued_by_a_refused_request_is_never_sent_and_one_of_a_good_request_is(
    routed, tmp_path
):
    folder = tmp_path / "mail"
    routed.config["MAIL_FOLDER"] = str(folder)

    def queue_then_refuse() -> str:
        current_uow().mail(_receipt_mail())
        current_uow().session.flush()
        raise Refused(REFUSAL)

    def queue() -> str:
        current_uow().mail(_receipt_mail())
        assert _delivered(folder) == []  # queued, not sent: the transaction is still open
        return "ok"

    routed.add_url_rule("/t/mail-refuse", "t_mail_refuse", queue_then_refuse, methods=["POST"])
    routed.add_url_rule("/t/mail", "t_mail", queue, methods=["POST"])
    client = routed.test_client()

    assert client.post("/t/mail-refuse").status_code == 302
    assert _delivered(folder) == []
    assert _outbox(routed) == 0

    assert client.post("/t/mail").status_code == 200
    assert len(_delivered(folder)) == 1
    assert _outbox(routed) == 1


def test_a_mail_queued_by_a_command_that_raises_is_never_sent_and_one_after_the_commit_is(
    app, tmp_path
):
    folder = tmp_path / "mail"
    app.config["MAIL_FOLDER"] = str(folder)

    def queue_then_refuse() -> None:
        with command_uow() as uow:
            uow.mail(_receipt_mail())
            uow.session.flush()
            raise Refused(REFUSAL)

    with app.app_context():
        with pytest.raises(Refused):
            queue_then_refuse()
        assert _delivered(folder) == []

        with command_uow() as uow:
            uow.mail(_receipt_mail())
            uow.session.flush()
            assert _delivered(folder) == []
        assert len(_delivered(folder)) == 1
    assert _outbox(app) == 1
