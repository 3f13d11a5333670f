"""Drafts: resume links by e-mail (R15), the applicant's list, autosave."""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import event

from service import db
from service.adapters.mail.sender import wait_for_background_mail
from service.models import Application, OutboxMail
from service.operations.applications import issue_resume_token, token_hash
from tests.conftest import uow_on

from .apply_helpers import AIF_STEPS, SLUG, csrf, mails, make_app, post_step, start


@pytest.fixture
def web_app(db_url: str, tmp_path: Path) -> Iterator[Flask]:
    app = make_app(db_url, tmp_path)
    yield app
    with app.app_context():
        db.engine().dispose()


def _draft_with_email(client) -> str:
    step1 = start(client)
    assert post_step(client, step1, AIF_STEPS["antragsteller"], action="save").status_code == 302
    return step1


def _link_from(mail_text: str) -> str:
    match = re.search(r"http://localhost(/p/[^\s]+/fortsetzen/[A-Za-z0-9_\-]+)", mail_text)
    assert match, mail_text
    return match.group(1)


def test_a_resume_link_opens_the_draft_once_in_a_new_browser(web_app, tmp_path):
    first = web_app.test_client()
    step1 = _draft_with_email(first)
    page = first.get(step1).get_data(as_text=True)
    app_id = step1.split("/")[-2]
    sent = first.post(
        f"/p/{SLUG}/antrag/{app_id}/link", data={"csrf_token": csrf(page), "step": "antragsteller"}
    )
    assert sent.status_code == 302
    link = _link_from(mails(tmp_path)[-1])

    other = web_app.test_client()
    landing = other.get(link)
    assert landing.status_code == 302
    assert "fortsetzen/weiter" in landing.location  # token-free address at once
    confirm = other.get(landing.location).get_data(as_text=True)
    opened = other.post(landing.location, data={"csrf_token": csrf(confirm)})
    assert opened.status_code == 302
    assert 'value="Kulturverein Elbufer e.V."' in other.get(opened.location).get_data(as_text=True)

    third = web_app.test_client()
    third.get(link)
    confirm = third.get(f"/p/{SLUG}/fortsetzen/weiter").get_data(as_text=True)
    again = third.post(f"/p/{SLUG}/fortsetzen/weiter", data={"csrf_token": csrf(confirm)})
    assert again.status_code == 410


def test_only_the_hash_of_a_resume_token_is_stored(web_app, tmp_path):
    client = web_app.test_client()
    step1 = _draft_with_email(client)
    page = client.get(step1).get_data(as_text=True)
    app_id = int(step1.split("/")[-2])
    client.post(f"/p/{SLUG}/antrag/{app_id}/link", data={"csrf_token": csrf(page)})
    token = _link_from(mails(tmp_path)[-1]).rsplit("/", 1)[1]
    assert len(token) >= 22  # ≥ 128 bits in URL-safe base64
    with web_app.app_context():
        application = db.session().get(Application, app_id)
        assert application.resume_token_hash == token_hash(token)
        assert token not in str(application.resume_token_hash)


def test_the_resume_request_answers_the_same_for_unknown_addresses(web_app, tmp_path):
    client = web_app.test_client()
    page = client.get(f"/p/{SLUG}/fortsetzen").get_data(as_text=True)
    unknown = client.post(
        f"/p/{SLUG}/fortsetzen", data={"csrf_token": csrf(page), "email": "niemand@example.org"}
    )
    assert unknown.status_code == 200
    assert wait_for_background_mail(30)
    assert mails(tmp_path) == []
    _draft_with_email(client)
    known = client.post(
        f"/p/{SLUG}/fortsetzen", data={"csrf_token": csrf(page), "email": "KONTAKT@elbufer.example"}
    )
    assert known.status_code == 200
    assert wait_for_background_mail(30)
    assert len(mails(tmp_path)) == 1
    assert _link_from(mails(tmp_path)[-1])
    with web_app.app_context():  # the unknown address was not kept
        assert (
            db.session().query(OutboxMail).filter_by(recipient="niemand@example.org").count() == 0
        )


def _statements_of_resume_request(web_app, email: str) -> list[str]:
    """The SQL a POST to /fortsetzen runs for ``email`` (parameters left out)."""
    client = web_app.test_client()
    page = client.get(f"/p/{SLUG}/fortsetzen").get_data(as_text=True)
    seen: list[str] = []
    request_thread = threading.current_thread()

    def record(_conn, _cursor, statement, _params, _context, _many) -> None:
        # the background sender's work after the answer is not the request's
        if threading.current_thread() is request_thread:
            seen.append(" ".join(statement.split()))

    with web_app.app_context():
        engine = db.engine()
    event.listen(engine, "before_cursor_execute", record)
    try:
        response = client.post(
            f"/p/{SLUG}/fortsetzen", data={"csrf_token": csrf(page), "email": email}
        )
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert response.status_code == 200
    assert wait_for_background_mail(30)
    return seen


def test_the_resume_request_does_the_same_work_for_known_and_unknown_addresses(web_app, tmp_path):
    # issue 14: known addresses were answered measurably slower (tokens, mail) than unknown
    # ones; now the request runs the same statements – the lookup happens after the answer
    _draft_with_email(web_app.test_client())
    known = _statements_of_resume_request(web_app, "kontakt@elbufer.example")
    unknown = _statements_of_resume_request(web_app, "niemand@example.org")
    assert known == unknown
    assert any("INSERT INTO outbox_mail" in s for s in known)
    assert not any("applicant_email" in s for s in known)  # no lookup before the answer


def test_resume_tokens_never_reach_the_request_log(caplog):
    from service.web.applicant import RedactResumeTokens

    record = logging.LogRecord(
        "werkzeug",
        logging.INFO,
        "",
        0,
        '%s - "%s" %s',
        ("127.0.0.1", "GET /p/x/fortsetzen/abcDEF123456789_- HTTP/1.1", "302"),
        None,
    )
    RedactResumeTokens().filter(record)
    assert "abcDEF123456789" not in record.getMessage()


def test_the_applicants_page_lists_their_applications_with_state(web_app):
    client = web_app.test_client()
    _draft_with_email(client)
    html = client.get(f"/p/{SLUG}/meine-antraege").get_data(as_text=True)
    assert "<table" in html
    assert "Draft" in html or "Entwurf" in html


def test_autosave_stores_the_draft_and_answers_with_the_new_version(web_app):
    client = web_app.test_client()
    step1 = start(client)
    response = post_step(client, step1, {"name": "Jugendgruppe Skatepark"}, action="autosave")
    assert response.status_code == 200
    assert response.json["saved"] is True
    with web_app.app_context():
        application = db.session().get(Application, int(step1.split("/")[-2]))
        assert application.applicant_name == "Jugendgruppe Skatepark"
        assert response.json["version"] == application.version


def _resume(web_app, app_id: str) -> tuple[object, str]:
    """Open a new resume link of the draft in a new browser: that browser and the address the
    link lands on (the token as the mail would carry it, without the mail's rate limit)."""
    with web_app.app_context():
        session = db.session()
        token = issue_resume_token(uow_on(session), session.get(Application, int(app_id)))
        session.commit()
    other = web_app.test_client()
    landing = other.get(f"/p/{SLUG}/fortsetzen/{token}")
    confirm = other.get(landing.location).get_data(as_text=True)
    opened = other.post(landing.location, data={"csrf_token": csrf(confirm)})
    assert opened.status_code == 302
    return other, opened.location


def test_a_resume_link_lands_on_the_step_where_the_applicant_stopped(web_app, tmp_path):
    """Issue 17: it always opened step 1."""
    client = web_app.test_client()
    step1 = _draft_with_email(client)
    app_id = step1.split("/")[-2]
    base = step1.rsplit("/", 1)[0]
    assert post_step(client, f"{base}/projekt", AIF_STEPS["projekt"]).status_code == 302
    # on to the costs: that page was open when the browser was closed
    _other, landed = _resume(web_app, app_id)
    assert landed.endswith(f"/antrag/{app_id}/kosten")
    # "Zurück" from the costs, then "save" on the project: the project it is
    costs = f"{base}/kosten"
    assert post_step(client, costs, AIF_STEPS["kosten"], action="back").status_code == 302
    _other, landed = _resume(web_app, app_id)
    assert landed.endswith(f"/antrag/{app_id}/projekt")
    # a step with an error keeps the applicant there
    wrong = {**AIF_STEPS["kosten"], "costs-0-amount": "500,00"}
    assert post_step(client, costs, wrong).status_code == 422
    other, landed = _resume(web_app, app_id)
    assert landed.endswith(f"/antrag/{app_id}/kosten")
    # the applicant's list continues there too
    mine = other.get(f"/p/{SLUG}/meine-antraege").get_data(as_text=True)
    assert f'href="/p/{SLUG}/antrag/{app_id}/kosten"' in mine
    # every step done: the review page
    for slug, data in list(AIF_STEPS.items())[2:]:
        assert post_step(client, f"{base}/{slug}", data).status_code == 302
    _other, landed = _resume(web_app, app_id)
    assert landed.endswith(f"/antrag/{app_id}/pruefen")


@pytest.mark.parametrize("typed", ["", "   "])
def test_the_resume_page_requires_an_e_mail_address_at_the_field(web_app, tmp_path, typed):
    """Issue 17: an empty address was accepted."""
    client = web_app.test_client()
    page = client.get(f"/p/{SLUG}/fortsetzen").get_data(as_text=True)
    assert 'required aria-required="true"' in page
    answer = client.post(f"/p/{SLUG}/fortsetzen", data={"csrf_token": csrf(page), "email": typed})
    assert answer.status_code == 422
    html = answer.get_data(as_text=True)
    message = "Bitte geben Sie die E-Mail-Adresse an, die Sie im Antrag angegeben haben."
    assert f'id="email-error"><span class="visually-hidden">Fehler: </span>{message}' in html
    assert 'href="#email"' in html  # the summary links to the field
    assert 'aria-invalid="true"' in html
    assert "wir haben gerade einen Link" not in html.lower()
    with web_app.app_context():
        assert db.session().query(OutboxMail).count() == 0
