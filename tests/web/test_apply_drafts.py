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
from service.operations.applications import token_hash

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
