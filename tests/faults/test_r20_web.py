"""R20 through the applicant pages: an upload whose request fails after the file is written
leaves no row and an orphan file that the upload sweep removes and reports; a submission
whose commit fails leaves the draft as it was, no outbox row and no e-mail – the receipt
goes out only after the commit."""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from pypdf import PdfWriter
from sqlalchemy import func, select

from service import db
from service.archive.storage import FolderStorage, content_address
from service.domain.states import ApplicationState
from service.models import Application, AuditLog, OutboxMail, Upload
from service.operations import applications as application_ops
from service.operations import uploads as upload_ops

from ..conftest import uow_on
from ..web.apply_helpers import AIF_STEPS, csrf, fill_all, mails, make_app, start
from .injection import InjectedFault, fail_before

# on PostgreSQL too (tests/conftest.py): what a transaction leaves behind after a fault
pytestmark = pytest.mark.db_semantics

LATER = timedelta(hours=2)  # past the sweep's grace period


def _pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@pytest.fixture
def web_app(db_url: str, tmp_path: Path) -> Iterator[Flask]:
    app = make_app(db_url, tmp_path, UPLOAD_PATH=str(tmp_path / "uploads"))
    yield app
    with app.app_context():
        db.engine().dispose()


def _upload(client: Any, step1: str, data: bytes) -> Any:
    """ "Upload file" on the declarations step (a button of the step's form, issue 17)."""
    declarations = step1.replace("antragsteller", "erklaerungen")
    token = csrf(client.get(declarations).get_data(as_text=True))
    return client.post(
        declarations,
        data={
            "csrf_token": token,
            "action": "upload",
            "kind": "offer",
            "file": (io.BytesIO(data), "Angebot.pdf"),
        },
        content_type="multipart/form-data",
    )


def _arm_after(
    monkeypatch: pytest.MonkeyPatch, module: Any, name: str, hook: str
) -> Callable[[], None]:
    """Wrap the operation ``module.name`` so that the request's session fails at ``hook``
    right after (or, for ``before_flush``, inside) the operation."""
    original = getattr(module, name)

    def wrapped(first: Any, *args: Any, **kwargs: Any) -> Any:
        # operations take the unit of work first (issue 15), some still a session
        fail_before(getattr(first, "session", first), hook)
        return original(first, *args, **kwargs)

    monkeypatch.setattr(module, name, wrapped)
    return lambda: monkeypatch.setattr(module, name, original)


def test_an_upload_failing_after_its_file_is_written_leaves_no_row_and_a_swept_orphan(
    web_app: Flask,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    client = web_app.test_client()
    step1 = start(client)
    data = _pdf()
    address = content_address(data)
    store = FolderStorage(tmp_path / "uploads")
    # before_flush: the file is written, the row not yet (add_upload writes the file first);
    # before_commit: file and row written, the commit never comes. One app for both keeps
    # the folder's runtime down.
    for hook in ("before_flush", "before_commit"):
        disarm = _arm_after(monkeypatch, upload_ops, "add_upload", hook)
        with pytest.raises(InjectedFault):
            _upload(client, step1, data)
        disarm()

        with web_app.app_context():
            session = db.session()
            assert session.scalar(select(func.count()).select_from(Upload)) == 0
            audited = select(func.count()).select_from(AuditLog)
            assert session.scalar(audited.where(AuditLog.action == "upload.add")) == 0
            assert list(store.iter_addresses()) == [address]  # the orphan
            spared = upload_ops.sweep_orphan_uploads(uow_on(session), store).spared_recent
            assert spared == [address]
            caplog.clear()
            with caplog.at_level(logging.WARNING):
                report = upload_ops.sweep_orphan_uploads(
                    uow_on(session), store, now=datetime.now(UTC) + LATER
                )
        assert report.removed == [address], hook
        assert report.removed_bytes == len(data)
        assert f"orphan document file {address} ({len(data)} bytes) removed" in caplog.text
        assert "upload store sweep: removed 1 orphan file(s)" in caplog.text
        assert list(store.iter_addresses()) == []

    # The person tries again: stored, and the sweep leaves a referenced file alone.
    assert _upload(client, step1, data).status_code == 302
    with web_app.app_context():
        assert db.session().scalar(select(func.count()).select_from(Upload)) == 1
        later = upload_ops.sweep_orphan_uploads(
            uow_on(db.session()), store, now=datetime.now(UTC) + LATER
        )
    assert later.removed == []
    assert list(store.iter_addresses()) == [address]


def _review(client: Any) -> tuple[str, dict[str, str]]:
    review_url = fill_all(client, start(client), AIF_STEPS)
    review = client.get(review_url).get_data(as_text=True)
    found = re.search(r'name="idempotency_key" value="(\w+)"', review)
    assert found is not None
    return review_url, {"csrf_token": csrf(review), "idempotency_key": found.group(1)}


def test_a_submission_whose_commit_fails_keeps_the_draft_and_sends_no_mail(
    web_app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from service.adapters.mail import outbox as mail_ops

    client = web_app.test_client()
    review_url, form = _review(client)
    submit_url = review_url.replace("pruefen", "einreichen")
    app_id = int(review_url.split("/")[-2])
    original_queue = mail_ops.queue_mail

    def queue_then_fail(session: Any, message: Any) -> Any:
        original_queue(session, message)
        session.flush()  # the outbox row is in the database, in this transaction
        raise InjectedFault("injected after the outbox row")

    for where in ("after-outbox-write", "before-commit"):
        if where == "before-commit":
            disarm = _arm_after(monkeypatch, application_ops, "submit_application", "before_commit")
        else:
            monkeypatch.setattr(mail_ops, "queue_mail", queue_then_fail)

            def disarm() -> None:
                monkeypatch.setattr(mail_ops, "queue_mail", original_queue)

        with pytest.raises(InjectedFault):
            client.post(submit_url, data=form)
        disarm()

        assert mails(tmp_path) == [], where
        with web_app.app_context():
            session = db.session()
            application = session.get(Application, app_id)
            assert application is not None
            assert application.state is ApplicationState.draft
            assert application.submitted_at is None
            assert application.reference is None
            assert application.title == AIF_STEPS["projekt"]["title"]  # the draft is all there
            assert session.scalar(select(func.count()).select_from(OutboxMail)) == 0
            audited = select(func.count()).select_from(AuditLog)
            assert session.scalar(audited.where(AuditLog.action == "application.submit")) == 0

    # Sent again (the same idempotency key): one submission, one receipt, sent after commit.
    seen_at_commit: list[int] = []

    def count_mails_at_commit(session: Any) -> None:
        seen_at_commit.append(len(mails(tmp_path)))

    from sqlalchemy import event
    from sqlalchemy.orm import Session

    event.listen(Session, "before_commit", count_mails_at_commit)
    try:
        response = client.post(submit_url, data=form)
    finally:
        event.remove(Session, "before_commit", count_mails_at_commit)
    assert response.status_code == 302
    assert seen_at_commit
    assert seen_at_commit[0] == 0
    sent = mails(tmp_path)
    assert len(sent) == 1
    assert "kontakt@elbufer.example" in sent[0]
    with web_app.app_context():
        session = db.session()
        application = session.get(Application, app_id)
        assert application is not None
        assert application.state is ApplicationState.submitted
        outbox = session.scalars(select(OutboxMail)).all()
        assert len(outbox) == 1
        assert outbox[0].sent_at is not None
