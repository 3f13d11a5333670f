"""The submit answers without waiting for the application PDF of the receipt e-mail: the
PDF is rendered by the web process's background sender after the redirect went out."""

from __future__ import annotations

import email
import email.policy
import shutil
import threading
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from service import db
from service.adapters.mail.sender import wait_for_background_mail
from service.models import Application, OutboxMail
from service.operations import receipts

from .apply_helpers import make_app, submit_application


def test_the_submit_redirects_to_the_receipt_while_the_pdf_is_still_being_rendered(
    tmp_path: Path, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
):
    template: Path = request.getfixturevalue("_sqlite_template")
    shutil.copyfile(template, tmp_path / "db.sqlite3")
    release = threading.Event()
    started = threading.Event()

    def pdf_of_the_frozen_copy(session: Session, application_id: int) -> bytes:
        started.set()
        assert release.wait(60)
        application = session.get(Application, application_id)
        assert application is not None
        assert application.submission_snapshot is not None
        return b"%PDF-1.7 " + application.reference.encode()

    monkeypatch.setattr(receipts, "application_pdf", pdf_of_the_frozen_copy)
    app = make_app(f"sqlite:///{tmp_path / 'db.sqlite3'}", tmp_path, APPLICATION_PDF_IN_MAIL=True)
    try:
        client = app.test_client()
        answer = submit_application(client)
        assert answer.status_code == 302
        assert "/eingang" in answer.headers["Location"]
        assert started.wait(30)  # the rendering runs, the answer is already there
        receipt = client.get(answer.headers["Location"])
        assert receipt.status_code == 200
        assert not list((tmp_path / "mail").glob("*.eml"))
        with app.app_context():
            [row] = db.session().query(OutboxMail).all()
            assert row.sent_at is None
            assert row.claimed_at is not None
        release.set()
        assert wait_for_background_mail(30)
        [path] = sorted((tmp_path / "mail").glob("*.eml"))
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        [attachment] = list(message.iter_attachments())
        assert attachment.get_filename().startswith("Antrag-AIF-2026-")
        assert attachment.get_content().startswith(b"%PDF-1.7 AIF-2026-")
    finally:
        release.set()
        wait_for_background_mail(30)
        with app.app_context():
            db.engine().dispose()
