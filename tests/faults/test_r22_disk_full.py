"""R22: the disk fills up while a file is written (ENOSPC). The folder store's writes get a
file object that writes half the bytes and then fails with ENOSPC, as a full disk does
(simulated: a real full file system would need root and would hit everyone on the machine).
The person gets the German 503 page with Retry-After; the draft or decision saved before is
untouched; neither the file nor a partial temporary file remains; trying again later works."""

from __future__ import annotations

import errno
import io
import os
import shutil
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from pypdf import PdfWriter
from sqlalchemy import func, select
from sqlalchemy.orm import Session

import service.archive.storage as storage_module
from service import db
from service.archive.register import register_document
from service.archive.storage import FolderStorage, StorageWriteError, content_address
from service.domain.states import ApplicationState
from service.models import Application, Decision, Document, Fund, Notice, Upload

from ..web.apply_helpers import AIF_STEPS, csrf, make_app, post_step, start
from ..web.staff_support import LEAD, STAFF, log_in, post

GERMAN_TITLE = "Die Datei kann gerade nicht gespeichert werden"


class _HalfWrittenThenFull:
    """A file whose write stores half the data, then fails as a full disk does."""

    def __init__(self, handle: Any) -> None:
        self._handle = handle

    def __enter__(self) -> _HalfWrittenThenFull:
        return self

    def __exit__(self, *_exc: object) -> None:
        self._handle.close()

    def write(self, data: bytes) -> int:
        self._handle.write(data[: len(data) // 2])
        self._handle.flush()
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._handle, name)


def _fill_the_disk(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every file the folder store opens for writing (its temporary file) hits a full disk;
    only the store module's ``os`` is replaced, so nothing else in the process is affected."""
    real_fdopen = os.fdopen
    patched = types.SimpleNamespace(**{name: getattr(os, name) for name in dir(os)})
    patched.fdopen = lambda fd, *a, **kw: _HalfWrittenThenFull(real_fdopen(fd, *a, **kw))
    monkeypatch.setattr(storage_module, "os", patched)


def _files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def _assert_german_503(response: Any) -> None:
    page = response.get_data(as_text=True)
    assert response.status_code == 503, page[:2000]
    assert response.headers["Retry-After"] == "120"
    assert GERMAN_TITLE in page
    assert "alles, was Sie vorher gespeichert haben, bleibt erhalten" in page
    assert "Traceback" not in page


def _pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@pytest.fixture
def web_app(_sqlite_template: Path, tmp_path: Path) -> Iterator[Flask]:
    # SQLite only: uploads go to a folder on every backend, and a draft surviving a failed
    # request on PostgreSQL is shown by the R20 and restart tests; the folder stays fast.
    # On PostgreSQL the register's bytes are written in the database's transaction, where a
    # full disk is a database error – the 503 of the database handler.
    path = tmp_path / "app.sqlite3"
    shutil.copyfile(_sqlite_template, path)
    app = make_app(f"sqlite:///{path}", tmp_path, UPLOAD_PATH=str(tmp_path / "uploads"))
    yield app
    with app.app_context():
        db.engine().dispose()


def test_a_full_disk_during_an_upload_gives_a_503_and_keeps_the_saved_draft(
    web_app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = web_app.test_client()
    step1 = start(client)
    app_id = int(step1.split("/")[-2])
    assert post_step(client, step1, AIF_STEPS["antragsteller"], action="save").status_code == 302
    declarations = step1.replace("antragsteller", "erklaerungen")

    def upload() -> Any:
        # "Upload file" is a button of the declarations step's form (issue 17)
        token = csrf(client.get(declarations).get_data(as_text=True))
        return client.post(
            declarations,
            data={
                "csrf_token": token,
                "action": "upload",
                "kind": "offer",
                "file": (io.BytesIO(_pdf()), "A.pdf"),
            },
            content_type="multipart/form-data",
        )

    _fill_the_disk(monkeypatch)
    _assert_german_503(upload())
    assert _files(tmp_path / "uploads") == []  # no file, no partial temporary file
    with web_app.app_context():
        session = db.session()
        assert session.scalar(select(func.count()).select_from(Upload)) == 0
        application = session.get(Application, app_id)
        assert application is not None
        assert application.applicant_name == "Kulturverein Elbufer e.V."
        assert application.state is ApplicationState.draft
    assert client.get(declarations).status_code == 200  # the draft goes on

    monkeypatch.undo()  # space freed: the same upload now works
    assert upload().status_code == 302
    assert len(_files(tmp_path / "uploads")) == 1


def test_a_full_disk_while_a_notice_is_registered_gives_a_503_and_keeps_the_decision(
    web_app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:

    # LibreOffice is not what is tested here: the register's file write is. A fixed PDF
    # stands in for the conversion.
    pdf = _pdf()
    monkeypatch.setattr("service.web.uow.office_pdf", lambda *_args, **_kw: pdf)
    lead = web_app.test_client()
    log_in(lead, LEAD)
    with web_app.app_context():
        decision = db.session().scalars(select(Decision).order_by(Decision.id)).first()
        assert decision is not None
        decision_id, app_id = decision.id, decision.application_id
    issue = f"{STAFF}/beschluesse/{decision_id}/erlassen"

    _fill_the_disk(monkeypatch)
    _assert_german_503(post(lead, issue, {"confirm_past": "1"}, f"{STAFF}/bescheide"))
    assert _files(tmp_path / "documents") == []
    with web_app.app_context():
        session = db.session()
        assert session.scalar(select(func.count()).select_from(Notice)) == 0
        assert session.scalar(select(func.count()).select_from(Document)) == 0
        application = session.get(Application, app_id)
        assert application is not None
        assert application.state is ApplicationState.approved  # the decision waits

    monkeypatch.setattr(storage_module, "os", os)  # space freed
    assert post(lead, issue, {"confirm_past": "1"}, f"{STAFF}/bescheide").status_code == 302
    with web_app.app_context():
        assert db.session().scalar(select(func.count()).select_from(Notice)) == 1
    assert len(_files(tmp_path / "documents")) == 2  # the PDF and the DOCX


# The folder store is the same on both backends; the PostgreSQL side of the register is the
# database store, covered by test_r20_register.
@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_register_document_on_a_full_disk_raises_and_leaves_neither_row_nor_file(
    db_session: Session, fund: Fund, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db_session.commit()  # what was saved before the disk filled up
    storage = FolderStorage(tmp_path / "documents")
    _fill_the_disk(monkeypatch)
    with pytest.raises(StorageWriteError):
        register_document(
            db_session,
            storage,
            partnership_id=fund.partnership_id,
            kind="notice",
            number="AIF-2026-001",
            template_key="approval",
            template_hash=content_address(b"template"),
            context={},
            file_bytes=b"%PDF-1.7 a notice",
            file_name="Bescheid.pdf",
        )
    db_session.rollback()
    assert db_session.scalar(select(func.count()).select_from(Document)) == 0
    assert db_session.get(Fund, fund.id) is not None  # what was committed before stays
    assert _files(tmp_path / "documents") == []
