"""The receipt e-mail carries the application PDF of the frozen copy and its SHA-256; the PDF
is rendered by the background sender after the submit has answered. The offices' copy of the
PDF is those very bytes (the same SHA-256 on the staff page as in the e-mail)."""

from __future__ import annotations

import email
import email.policy
import hashlib
import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from service import db
from service.adapters.mail.sender import wait_for_background_mail
from service.models import Application, OutboxMail
from tests.conftest import require_tools

from .apply_helpers import make_app, submit_application
from .staff_support import KUF, STAFF, log_in

pytestmark = pytest.mark.libreoffice


def test_the_receipt_mail_has_the_application_pdf_and_its_hash(
    tmp_path: Path, request: pytest.FixtureRequest
):
    template: Path = request.getfixturevalue("_sqlite_template")
    require_tools("soffice")
    shutil.copyfile(template, tmp_path / "db.sqlite3")
    app = make_app(f"sqlite:///{tmp_path / 'db.sqlite3'}", tmp_path, APPLICATION_PDF_IN_MAIL=True)
    try:
        client = app.test_client()
        answer = submit_application(client)
        assert answer.status_code == 302
        assert wait_for_background_mail(120)
        [path] = sorted((tmp_path / "mail").glob("*.eml"))
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        [attachment] = list(message.iter_attachments())
        pdf = attachment.get_content()
        assert attachment.get_filename().startswith("Antrag-AIF-2026-")
        assert pdf.startswith(b"%PDF-")
        assert hashlib.sha256(pdf).hexdigest() in message.get_body(("plain",)).get_content()
        with app.app_context():
            [row] = db.session().query(OutboxMail).all()
            # the rendered bytes are kept with the mail (a resend sends the same PDF)
            assert row.sent_at is not None
            assert row.claimed_at is not None
            assert "deferred" not in row.attachments
            assert len(row.attachments["items"]) == 1
            reference = attachment.get_filename().removeprefix("Antrag-").removesuffix(".pdf")
            app_id = (
                db.session()
                .scalars(select(Application.id).where(Application.reference == reference))
                .one()
            )
        staff = app.test_client()
        log_in(staff, KUF)
        filed = staff.get(f"{STAFF}/antraege/{app_id}/antrag.pdf")
        assert filed.status_code == 200
        assert filed.data == pdf  # the office files what the applicant received
    finally:
        with app.app_context():
            db.engine().dispose()
