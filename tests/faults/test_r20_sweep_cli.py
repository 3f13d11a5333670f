"""R20, the operator's side: ``foerderwerk storage sweep`` finds the orphans failed requests
left in the document and upload stores, reports them in German (``--dry-run`` only lists
them) and removes them; registered files, uploads with a row and recent files stay."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from service import create_app, db
from service.archive.register import register_document
from service.archive.storage import FolderStorage, content_address
from service.cli import cli

from ..conftest import make_fund

# on PostgreSQL too (tests/conftest.py): what a transaction leaves behind after a fault
pytestmark = pytest.mark.db_semantics

HOURS_AGO = 2 * 3600  # past the sweep's one-hour grace period


@pytest.fixture
def sweep_app(db_url: str, tmp_path: Path) -> Iterator[Flask]:
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key-with-enough-entropy-0123456789",
            "DATABASE_URL": db_url,
            "STORAGE": "folder",
            "STORAGE_PATH": str(tmp_path / "documents"),
            "UPLOAD_PATH": str(tmp_path / "uploads"),
        }
    )
    yield app
    with app.app_context():
        db.engine().dispose()


def _age(store: FolderStorage, address: str) -> None:
    then = time.time() - HOURS_AGO
    os.utime(store.root / address[:2] / address, (then, then))


def test_storage_sweep_reports_and_removes_the_orphans_of_both_stores(
    sweep_app: Flask, tmp_path: Path
) -> None:
    documents = FolderStorage(tmp_path / "documents")
    uploads = FolderStorage(tmp_path / "uploads")
    with sweep_app.app_context():
        session = db.session()
        fund = make_fund(session)
        register_document(
            session,
            documents,
            partnership_id=fund.partnership_id,
            kind="notice",
            number="AIF-2026-001",
            template_key="approval",
            template_hash=content_address(b"template"),
            context={},
            file_bytes=b"%PDF registered",
            file_name="Bescheid.pdf",
        )
        session.commit()
    registered = content_address(b"%PDF registered")
    orphan_document = documents.put(b"%PDF of a rolled-back notice")
    orphan_upload = uploads.put(b"%PDF of a rolled-back upload")
    recent_upload = uploads.put(b"%PDF being uploaded right now")
    for store, address in (
        (documents, registered),
        (documents, orphan_document),
        (uploads, orphan_upload),
    ):
        _age(store, address)
    runner = sweep_app.test_cli_runner()

    listed = runner.invoke(cli, ["storage", "sweep", "--dry-run"], catch_exceptions=False)
    assert listed.exit_code == 0, listed.output
    assert "Dokumentenablage – verwaiste Dateien: 1" in listed.output
    assert "Ablage der Anlagen – verwaiste Dateien: 1" in listed.output
    assert "neue Dateien behalten: 1" in listed.output
    assert orphan_document in listed.output
    assert orphan_upload in listed.output
    assert "Probelauf: Es wurde nichts entfernt." in listed.output
    assert documents.exists(orphan_document)
    assert uploads.exists(orphan_upload)

    swept = runner.invoke(cli, ["storage", "sweep"], catch_exceptions=False)
    assert swept.exit_code == 0, swept.output
    assert "Die verwaisten Dateien wurden entfernt." in swept.output
    assert sorted(documents.iter_addresses()) == [registered]
    assert sorted(uploads.iter_addresses()) == [recent_upload]

    again = runner.invoke(cli, ["storage", "sweep"], catch_exceptions=False)
    assert "Dokumentenablage – verwaiste Dateien: 0" in again.output
    assert "Die verwaisten Dateien wurden entfernt." not in again.output
