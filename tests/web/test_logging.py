"""Structured logs (issue 7): one JSON object per line, request fields, and nothing personal
or secret in them – resume tokens (R15), query strings, e-mail addresses, IBANs, passwords,
Authorization and Cookie headers – and no forged lines from input (R24)."""

from __future__ import annotations

import io
import json
import logging
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from service import create_app, db
from service.logs import configure_logging, redact

from .apply_helpers import AIF_STEPS, SLUG, csrf, mails, make_app, post_step, start

IBAN = "DE02 1203 0000 0000 2020 51"
EMAIL = "kontakt@elbufer.example"
PASSWORD = "Mein-Geheimes-Passwort-2026"


class JsonLog:
    def __init__(self, stream: io.StringIO) -> None:
        self.stream = stream

    @property
    def text(self) -> str:
        return self.stream.getvalue()

    def entries(self) -> list[dict]:
        lines = self.text.splitlines()
        assert lines, "nothing was logged"
        return [json.loads(line) for line in lines]  # every line one JSON object


@pytest.fixture
def json_log() -> Iterator[JsonLog]:
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    alembic = logging.getLogger("alembic.runtime.migration")
    alembic_level = alembic.level
    stream = io.StringIO()
    configure_logging(stream=stream)
    yield JsonLog(stream)
    for handler in list(root.handlers):
        if handler not in handlers:
            root.removeHandler(handler)
    root.setLevel(level)
    alembic.setLevel(alembic_level)


@pytest.fixture
def web_app(db_url: str, tmp_path: Path) -> Iterator[Flask]:
    app = make_app(db_url, tmp_path)
    yield app
    with app.app_context():
        db.engine().dispose()


def _resume_link(client, step1: str, tmp_path: Path) -> str:
    page = client.get(step1).get_data(as_text=True)
    app_id = step1.split("/")[-2]
    client.post(f"/p/{SLUG}/antrag/{app_id}/link", data={"csrf_token": csrf(page)})
    match = re.search(
        r"http://localhost(/p/[^\s]+/fortsetzen/[A-Za-z0-9_\-]+)", mails(tmp_path)[-1]
    )
    assert match
    return match.group(1)


def test_a_token_url_and_a_form_with_email_and_iban_leave_none_of_them_in_the_log(
    web_app: Flask, tmp_path: Path, json_log: JsonLog
):
    client = web_app.test_client()
    step1 = start(client)
    # the applicant's step with e-mail address and IBAN, plus two fields the form does not
    # have, whose *names* are personal data – the mass-assignment warning names them (R13)
    extra = {EMAIL: "x", IBAN.replace(" ", ""): "y", "status": "bewilligt"}
    saved = post_step(client, step1, {**AIF_STEPS["antragsteller"], **extra}, action="save")
    assert saved.status_code == 302
    link = _resume_link(client, step1, tmp_path)
    token = link.rsplit("/", 1)[1]
    other = web_app.test_client()
    landing = other.get(f"{link}?email={EMAIL}&lang=de")
    assert landing.status_code == 302
    login = client.post("/anmelden", data={"email": EMAIL, "password": PASSWORD})
    assert login.status_code in (200, 400)

    text = json_log.text
    for secret in (token, EMAIL, "elbufer.example", IBAN, IBAN.replace(" ", ""), PASSWORD):
        assert secret not in text
    assert "?email" not in text
    entries = json_log.entries()
    requests = [e for e in entries if e["logger"] == "foerderwerk.request"]
    token_line = next(e for e in requests if "/fortsetzen/" in e["path"])
    assert token_line["path"] == f"/p/{SLUG}/fortsetzen/[entfernt]"
    assert token_line["method"] == "GET"
    assert token_line["status"] == 302
    assert isinstance(token_line["duration_ms"], float)
    assert re.fullmatch(r"[0-9a-f]{32}", token_line["request_id"])
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", token_line["time"])
    assert any(e["method"] == "POST" and e["path"] == "/anmelden" for e in requests)
    # the warning about the unexpected fields was written – with the names redacted
    warning = next(e for e in entries if "ignored unexpected form fields" in e["message"])
    assert "[E-Mail entfernt]" in warning["message"]
    assert "[IBAN entfernt]" in warning["message"]
    assert "status" in warning["message"]
    assert warning["request_id"]


def test_input_cannot_forge_a_log_line(app: Flask, json_log: JsonLog):
    forged = '\n{"level": "CRITICAL", "message": "forged"}\r\u2028'
    app.test_client().get("/gibt-es-nicht%0A%7B%22level%22%3A%20%22CRITICAL%22%7D")
    logging.getLogger("foerderwerk.test").warning("user typed %s", forged)

    entries = json_log.entries()

    assert all(e["level"] != "CRITICAL" for e in entries)
    typed = next(e for e in entries if e["message"].startswith("user typed"))
    assert typed["message"] == 'user typed \n{"level": "CRITICAL", "message": "forged"}\r\u2028'
    assert "\u2028" not in json_log.text  # escaped on the line, restored by a JSON reader
    page = next(e for e in entries if e["logger"] == "foerderwerk.request")
    assert page["status"] == 404
    assert page["path"].startswith("/gibt-es-nicht\n")


def test_secrets_in_messages_and_tracebacks_are_removed(json_log: JsonLog):
    log = logging.getLogger("foerderwerk.test")
    log.info("headers: Authorization: Bearer abc.DEF.ghi123")
    log.info("headers: Cookie: session=eyJhbGciOi.abcdef; lang=de")
    log.info("connecting to %s", "postgresql+psycopg://fw:db-geheim@db.example/fw")
    log.info("login with password=%s for %s", PASSWORD, EMAIL)
    try:
        raise ConnectionError(f"550 mailbox {EMAIL} refused, IBAN {IBAN}")
    except ConnectionError:
        log.exception("e-mail %s could not be sent", 17)

    text = json_log.text

    for secret in ("abc.DEF.ghi123", "eyJhbGciOi", "db-geheim", PASSWORD, EMAIL, IBAN):
        assert secret not in text
    entries = json_log.entries()
    failure = entries[-1]
    assert failure["level"] == "ERROR"
    assert failure["message"] == "e-mail 17 could not be sent"
    assert "ConnectionError: 550 mailbox [E-Mail entfernt] refused" in failure["exception"]
    assert "postgresql+psycopg://fw:[entfernt]@db.example/fw" in entries[2]["message"]


def test_the_request_id_of_the_proxy_is_kept_and_anything_else_replaced(
    app: Flask, json_log: JsonLog
):
    client = app.test_client()
    given = client.get("/healthz", headers={"X-Request-ID": "c0ffee00-1234-4abc-9def-001122334455"})
    odd = client.get("/healthz", headers={"X-Request-ID": "x" * 200})

    assert given.headers["X-Request-ID"] == "c0ffee00-1234-4abc-9def-001122334455"
    assert re.fullmatch(r"[0-9a-f]{32}", odd.headers["X-Request-ID"])
    ids = [e["request_id"] for e in json_log.entries() if e["logger"] == "foerderwerk.request"]
    assert ids == [given.headers["X-Request-ID"], odd.headers["X-Request-ID"]]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/p/demo/fortsetzen/weiter", "/p/demo/fortsetzen/weiter"),
        ("/p/demo/fortsetzen/AbC123_-xyz0", "/p/demo/fortsetzen/[entfernt]"),
        ("/p/demo/antrag/5/kosten?lang=en", "/p/demo/antrag/5/kosten?[entfernt]"),
        ("Mail an max.muster@example.org", "Mail an [E-Mail entfernt]"),
        ("IBAN DE89370400440532013000.", "IBAN [IBAN entfernt]."),
        ('{"password": "a b c"}', '{"password": [entfernt]}'),
        ("api_key=abc123", "api_key=[entfernt]"),
        ("token Abcdefghijk1234567890XYZ here", "token [entfernt] here"),
        # content addresses of documents and ordinary German text stay readable
        ("document " + "ab12" * 16 + " stored", "document " + "ab12" * 16 + " stored"),
        (
            "Verwendungsnachweis für AIF-2026-0007 eingereicht, 1.234,56 €",
            "Verwendungsnachweis für AIF-2026-0007 eingereicht, 1.234,56 €",
        ),
    ],
)
def test_redaction_rules(text: str, expected: str):
    assert redact(text) == expected


def test_an_unexpected_error_is_logged_with_its_traceback_redacted(
    request: pytest.FixtureRequest, tmp_path: Path, json_log: JsonLog
):
    shutil.copyfile(request.getfixturevalue("_sqlite_template"), tmp_path / "test.sqlite3")
    # not TESTING: the production error handler, which answers the German 500 page
    app = create_app(
        {
            "SECRET_KEY": "test-secret-key-with-enough-entropy-0123456789",
            "DATABASE_URL": "sqlite:///" + str(tmp_path / "test.sqlite3"),
            "STORAGE_PATH": str(tmp_path / "documents"),
        }
    )

    def broken() -> str:
        raise RuntimeError(f"cannot handle {EMAIL}")

    app.add_url_rule("/kaputt", "broken", broken)

    response = app.test_client().get("/kaputt?iban=DE02120300000000202051")

    assert response.status_code == 500
    assert "Traceback" not in response.get_data(as_text=True)
    entries = json_log.entries()
    error = next(e for e in entries if e["message"] == "unexpected error during GET /kaputt")
    assert error["level"] == "ERROR"
    assert "RuntimeError: cannot handle [E-Mail entfernt]" in error["exception"]
    assert error["request_id"]
    assert any(e.get("path") == "/kaputt" and e.get("status") == 500 for e in entries)
    assert EMAIL not in json_log.text
    assert "DE0212" not in json_log.text
