"""Issue 14, mail relay: one checked address wherever one is stored; the outbox sets aside a
mail it cannot send instead of stopping the queue. The exact inputs of the issue."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from service import db
from service.adapters.mail.outbox import Mail, queue_mail
from service.cli import cli
from service.models import Application, OutboxMail
from tests.conftest import uow_on

from .apply_helpers import AIF_STEPS, SLUG, csrf, mails, make_app, post_step, start

TEN = ", ".join(f"opfer{i}@beispiel{i}.example" for i in range(10))
BROKEN = "kontakt@elbufer.example\nBcc: opfer@beispiel.example"


@pytest.fixture
def web_app(db_url: str, tmp_path: Path) -> Iterator[Flask]:
    app = make_app(db_url, tmp_path)
    yield app
    with app.app_context():
        db.engine().dispose()


def _stored_email(app: Flask, step1: str) -> str:
    with app.app_context():
        return db.session().get(Application, int(step1.split("/")[-2])).applicant_email


def test_a_draft_saved_with_ten_addresses_is_refused_at_the_field(web_app, tmp_path):
    client = web_app.test_client()
    step1 = start(client)
    data = dict(AIF_STEPS["antragsteller"], email=TEN)

    response = post_step(client, step1, data, action="save")  # "Entwurf speichern"

    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="email-error-1"' in html
    assert "Bitte geben Sie genau eine E-Mail-Adresse an" in html
    assert 'value="Kulturverein Elbufer e.V."' in html  # nothing typed is lost
    assert _stored_email(web_app, step1) == ""  # nothing saved
    assert mails(tmp_path) == []


def test_a_draft_saved_with_two_addresses_by_autosave_is_refused_too(web_app):
    client = web_app.test_client()
    step1 = start(client)
    data = dict(AIF_STEPS["antragsteller"], email="a@verein.example; b@verein.example")
    response = post_step(client, step1, data, action="autosave")
    assert response.status_code == 422
    assert _stored_email(web_app, step1) == ""


def test_the_json_path_refuses_a_list_before_anything_is_stored(web_app):
    from service.operations import applications as ops
    from service.operations.interchange import InterchangeError

    client = web_app.test_client()
    step1 = start(client)
    with web_app.app_context():
        application = db.session().get(Application, int(step1.split("/")[-2]))
        data = ops.application_data(application)
        data["applicant"]["email"] = TEN
        with pytest.raises(InterchangeError) as refused:
            ops.save_draft(uow_on(db.session(), "applicant:t"), application, data)
        assert [f.field for f in refused.value.findings] == ["applicant.email"]


def _draft_with_broken_address(app: Flask) -> tuple[FlaskClient, str]:
    """A draft whose address got a line break before addresses were checked on saving."""
    client = app.test_client()
    step1 = start(client)
    assert post_step(client, step1, AIF_STEPS["antragsteller"], action="save").status_code == 302
    with app.app_context():
        application = db.session().get(Application, int(step1.split("/")[-2]))
        application.applicant_email = BROKEN
        db.session().commit()
    return client, step1


def test_link_senden_with_a_stored_line_break_answers_a_german_page(web_app, tmp_path):
    client, step1 = _draft_with_broken_address(web_app)
    page = client.get(step1).get_data(as_text=True)
    app_id = step1.split("/")[-2]

    response = client.post(
        f"/p/{SLUG}/antrag/{app_id}/link",
        data={"csrf_token": csrf(page), "step": "antragsteller"},
        follow_redirects=True,
    )

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Die in Ihrem Entwurf gespeicherte E-Mail-Adresse kann nicht verwendet werden" in html
    with web_app.app_context():
        assert db.session().query(OutboxMail).count() == 0


def test_mail_send_sets_the_broken_mail_aside_and_sends_the_ones_behind_it(web_app, tmp_path):
    with web_app.app_context():
        session = db.session()
        # the broken one first: it stopped every run before
        queue_mail(session, Mail(to=BROKEN, subject="Ihr Link", body="Hallo"))
        queue_mail(session, Mail(to="kontakt@elbufer.example", subject="Eingang", body="Hallo"))
        queue_mail(session, Mail(to="jana@verein.example", subject="Eingang", body="Hallo"))
        session.commit()

    result = web_app.test_cli_runner().invoke(cli, ["mail", "send"])

    assert result.exit_code == 1
    assert "2 von 3" in result.output
    assert "kann nicht gesendet werden" in result.output
    assert "kontakt@elbufer.example\\nBcc" in result.output  # escaped: no forged report line
    assert "1 E-Mail endgültig zurückgestellt; bitte korrigieren Sie die Adresse" in result.output
    sent = mails(tmp_path)
    assert len(sent) == 2
    assert not any("opfer@beispiel.example" in text for text in sent)
    with web_app.app_context():
        broken = db.session().query(OutboxMail).filter_by(subject="Ihr Link").one()
        assert broken.failed_at is not None
        assert broken.sent_at is None
        assert "recipient" in broken.last_error
    # the next run does not try it again and has nothing left to do
    again = web_app.test_cli_runner().invoke(cli, ["mail", "send"])
    assert again.exit_code == 0, again.output
    assert "0 von 0" in again.output


def test_a_recipient_the_server_refuses_is_set_aside_and_the_queue_goes_on(web_app):
    import smtplib
    from email.message import EmailMessage

    from service.adapters.mail.outbox import deliver_outbox

    delivered: list[str] = []

    def server(message: EmailMessage) -> None:
        if message["To"] == "weg@verein.example":
            raise smtplib.SMTPRecipientsRefused({"weg@verein.example": (550, b"no such user")})
        delivered.append(str(message["To"]))

    with web_app.app_context():
        session = db.session()
        queue_mail(session, Mail(to="weg@verein.example", subject="A", body="x"))
        queue_mail(session, Mail(to="da@verein.example", subject="B", body="x"))
        session.commit()
        result = deliver_outbox(session, server, "foerderwerk@localhost")
        assert result.sent == 1
        assert [m.recipient for m in result.undeliverable] == ["weg@verein.example"]
        assert delivered == ["da@verein.example"]


def test_the_resume_request_refuses_a_list_at_the_field(web_app, tmp_path):
    client = web_app.test_client()
    page = client.get(f"/p/{SLUG}/fortsetzen").get_data(as_text=True)
    response = client.post(f"/p/{SLUG}/fortsetzen", data={"csrf_token": csrf(page), "email": TEN})
    assert response.status_code == 422
    assert "Bitte geben Sie genau eine E-Mail-Adresse an" in response.get_data(as_text=True)
    with web_app.app_context():
        assert db.session().query(OutboxMail).count() == 0


def test_staff_add_refuses_a_list_of_addresses_in_german(web_app):
    result = web_app.test_cli_runner().invoke(
        cli,
        [
            "staff",
            "add",
            "a@verein.example, b@verein.example",
            "--role",
            "coordination",
            "--partnership",
            SLUG,
            "--password-stdin",
        ],
        input="ein-ganz-langes-gutes-passwort\n",
    )
    assert result.exit_code == 1
    assert "Bitte geben Sie genau eine E-Mail-Adresse an" in result.output
