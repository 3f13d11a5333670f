"""The confirmations of a payment request and a report carry the PDF/A of what was submitted,
rendered by the background sender with the real converter (issue 19.5)."""

from __future__ import annotations

import email
import email.policy
import io
import re
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader

from service import db
from service.adapters.mail.sender import wait_for_background_mail
from tests.conftest import require_tools

from .apply_helpers import SLUG, csrf, grant, make_app
from .test_apply_after_grant_applicant import REPORT

pytestmark = pytest.mark.libreoffice


def _post(client, url, data):
    page = client.get(url).get_data(as_text=True)
    key = re.search(r'name="idempotency_key" type="hidden" value="(\w+)"', page)
    return client.post(
        url, data={"csrf_token": csrf(page), "idempotency_key": key.group(1), **data}
    )


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_the_payment_request_and_report_mails_carry_their_pdfs(
    tmp_path: Path, request: pytest.FixtureRequest
):
    template: Path = request.getfixturevalue("_sqlite_template")
    require_tools("soffice")
    shutil.copyfile(template, tmp_path / "db.sqlite3")
    app = make_app(
        f"sqlite:///{tmp_path / 'db.sqlite3'}",
        tmp_path,
        TODAY="2026-06-20",
        APPLICATION_PDF_IN_MAIL=True,
    )
    try:
        client = app.test_client()
        app_id = grant(app, client)
        payment = f"/p/{SLUG}/antrag/{app_id}/mittelabruf"
        assert (
            _post(client, payment, {"amount": "380,00", "needed_on": "30.06.2026"}).status_code
            == 302
        )
        report = f"/p/{SLUG}/antrag/{app_id}/verwendungsnachweis"
        assert _post(client, report, {**REPORT, "action": "submit"}).status_code == 302
        assert wait_for_background_mail(180)
        found: dict[str, str] = {}
        for path in sorted((tmp_path / "mail").glob("*.eml")):
            message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            for attachment in message.iter_attachments():
                pdf = attachment.get_content()
                assert pdf.startswith(b"%PDF-")
                found[attachment.get_filename()] = _text(pdf)
        [request_pdf] = [t for name, t in found.items() if name.startswith("Mittelabruf-")]
        [report_pdf] = [t for name, t in found.items() if name.startswith("Verwendungsnachweis-")]
        assert "Mittelabruf" in request_pdf
        assert "380,00" in request_pdf
        assert "Kulturverein Elbufer e.V." in request_pdf  # the demo recipient, as sender
        assert "Demokratiefest am Elbufer" in report_pdf
        assert "Vorprüfung" in report_pdf
        assert "Bitte" not in report_pdf
        # the same documents from "Ihre Anträge"
        with app.app_context():
            from service.models import PaymentRequest

            [request_id] = [r.id for r in db.session().query(PaymentRequest).all()]
        for path in (
            f"/antrag/{app_id}/antrag.pdf",
            f"/antrag/{app_id}/mittelabruf/{request_id}.pdf",
            f"/antrag/{app_id}/verwendungsnachweis/dokument.pdf",
        ):
            answer = client.get(f"/p/{SLUG}{path}")
            assert answer.status_code == 200, path
            assert answer.data.startswith(b"%PDF-"), path
            assert answer.mimetype == "application/pdf"
    finally:
        with app.app_context():
            db.engine().dispose()
