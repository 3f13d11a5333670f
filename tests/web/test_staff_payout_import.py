"""The treasury's CSV on the payments page (issue 19.1): upload shows a German preview and
saves nothing; confirming records the matched lines once; a malformed file is refused with its
line numbers; another file than the previewed one is refused; only the lead office imports."""

from __future__ import annotations

import base64
import html
import io
import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from service import db
from service.domain.treasury_csv import MAX_BYTES, MAX_LINES
from service.models import Payout, PayoutSource
from tests.payout_support import HEADER, approved_request

from .apply_helpers import csrf, make_app
from .staff_support import KUF, LEAD, SLUG, STAFF, log_in, text

QUEUE = f"{STAFF}/mittelabrufe"
GOOD = (
    HEADER
    + "AIF-2026-901-1;675,00;01.05.2026;;\r\n"
    + ";1.234,56;02.05.2026;;Zuschuss AIF-2026-902\r\n"
    + "XYZ-1;5,00;02.05.2026;;\r\n"
)


@pytest.fixture
def web_app(db_url: str, tmp_path: Path) -> Iterator[Flask]:
    app = make_app(db_url, tmp_path, TODAY="2026-05-04")
    with app.app_context():
        session = db.session()
        approved_request(session, SLUG, "AIF-2026-901", "675.00")
        approved_request(session, SLUG, "AIF-2026-902", "1234.56")
        session.commit()
    yield app
    with app.app_context():
        db.engine().dispose()


def _csv_payouts(app: Flask) -> list[Decimal]:
    with app.app_context():
        rows = db.session().scalars(
            select(Payout).where(Payout.source == PayoutSource.csv).order_by(Payout.id)
        )
        return [p.amount for p in rows]


def _upload(client, content: bytes):
    token = csrf(client.get(QUEUE).get_data(as_text=True))
    return client.post(
        f"{QUEUE}/kasse",
        data={"csrf_token": token, "file": (io.BytesIO(content), "kasse.csv")},
        content_type="multipart/form-data",
    )


def _lead(app: Flask):
    client = app.test_client()
    log_in(client, LEAD)
    return client


def _hidden(page: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', page)
    assert found is not None, name
    return html.unescape(found.group(1))


def test_upload_previews_then_confirm_records_once(web_app):
    lead = _lead(web_app)
    assert "Auszahlungen aus der Kasse importieren" in text(lead.get(QUEUE))

    preview = _upload(lead, GOOD.encode("cp1252"))

    assert preview.status_code == 200
    shown = text(preview)
    assert "Passt" in shown
    assert "Unbekanntes Kassenzeichen" in shown
    assert "2 Auszahlungen erfassen" in shown
    assert _csv_payouts(web_app) == []  # nothing saved by the preview

    page = preview.get_data(as_text=True)
    body = {
        "csrf_token": csrf(page),
        "content": _hidden(page, "content"),
        "sha256": _hidden(page, "sha256"),
    }
    done = lead.post(f"{QUEUE}/kasse/uebernehmen", data=body)
    assert done.status_code == 302
    assert _csv_payouts(web_app) == [Decimal("675.00"), Decimal("1234.56")]
    assert "2 Auszahlungen aus der Datei der Kasse erfasst" in text(lead.get(done.location))

    lead.post(f"{QUEUE}/kasse/uebernehmen", data=body)  # confirmed twice: recorded once
    assert _csv_payouts(web_app) == [Decimal("675.00"), Decimal("1234.56")]
    again = text(_upload(lead, GOOD.encode("utf-8")))
    assert "Bereits erfasst" in again


def test_confirm_without_csrf_saves_nothing(web_app):
    lead = _lead(web_app)
    page = _upload(lead, GOOD.encode()).get_data(as_text=True)
    body = {"content": _hidden(page, "content"), "sha256": _hidden(page, "sha256")}
    response = lead.post(f"{QUEUE}/kasse/uebernehmen", data=body)
    assert response.status_code in (400, 403)
    assert _csv_payouts(web_app) == []


def test_another_file_than_the_previewed_one_is_refused(web_app):
    lead = _lead(web_app)
    page = _upload(lead, GOOD.encode()).get_data(as_text=True)
    other = base64_of(GOOD.encode() + b"AIF-2026-902-1;1,00;01.05.2026;;\r\n")
    body = {"csrf_token": csrf(page), "content": other, "sha256": _hidden(page, "sha256")}
    response = lead.post(f"{QUEUE}/kasse/uebernehmen", data=body)
    assert response.status_code == 302
    assert "nicht die aus der Vorschau" in text(lead.get(response.location))
    assert _csv_payouts(web_app) == []


def base64_of(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def test_a_malformed_file_is_refused_with_its_line_numbers(web_app):
    lead = _lead(web_app)
    bad = GOOD + "AIF-2026-902-1;1,00;32.05.2026;;\r\n"

    preview = _upload(lead, bad.encode())

    assert preview.status_code == 422
    shown = text(preview)
    assert "Die Datei kann nicht importiert werden" in shown
    assert "Zeile 5" in shown
    assert "Auszahlungen erfassen" not in shown
    page = preview.get_data(as_text=True)
    body = {"csrf_token": csrf(page), "content": base64_of(bad.encode()), "sha256": ""}
    lead.post(f"{QUEUE}/kasse/uebernehmen", data=body)
    assert _csv_payouts(web_app) == []


def test_a_file_without_the_columns_is_refused_in_german(web_app):
    lead = _lead(web_app)
    response = _upload(lead, b"Name;Summe\nA;1,00\n")
    assert response.status_code == 302
    assert "Kopfzeile" in text(lead.get(response.location))


def test_the_coordination_office_may_not_import(web_app):
    kuf = web_app.test_client()
    log_in(kuf, KUF)
    assert "Auszahlungen aus der Kasse importieren" not in text(kuf.get(QUEUE))
    assert _upload(kuf, GOOD.encode()).status_code == 403


def test_a_file_at_the_limits_goes_through_preview_and_confirm(web_app):
    filler = "XYZ-{n};5,00;02.05.2026;Aktenzeichen {n};" + "Verwendungszweck " * 5 + "\r\n"
    body = "".join(filler.format(n=n) for n in range(MAX_LINES - 1))
    content = (
        GOOD.splitlines(keepends=True)[0] + GOOD.splitlines(keepends=True)[1] + body
    ).encode()
    assert MAX_BYTES * 0.8 < len(content) <= MAX_BYTES
    lead = _lead(web_app)

    page = _upload(lead, content).get_data(as_text=True)
    form = {
        "csrf_token": csrf(page),
        "content": _hidden(page, "content"),
        "sha256": _hidden(page, "sha256"),
    }
    assert lead.post(f"{QUEUE}/kasse/uebernehmen", data=form).status_code == 302
    assert _csv_payouts(web_app) == [Decimal("675.00")]

    too_long = _upload(lead, content + b"XYZ-x;5,00;02.05.2026;;\r\n")
    assert "mehr als 2000 Zeilen" in text(lead.get(too_long.location))
