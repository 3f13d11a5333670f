"""``foerderwerk storage migrate|verify`` and the transfer behind it (issue 8), on SQLite and
PostgreSQL: 300 notices both ways, every hash verified, resumable after an interruption."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from service import create_app, db
from service.archive.backends import storage_from_config
from service.archive.database_storage import DatabaseStorage
from service.archive.register import read_document, register_document, verify_register
from service.archive.storage import FolderStorage, Storage
from service.archive.transfer import transfer_documents
from service.cli import cli
from service.models import Document, DocumentBlob, Partnership

# on PostgreSQL too (tests/conftest.py): moving the document storage into the database and back
pytestmark = pytest.mark.db_semantics

COUNT = 300
TEMPLATE_HASH = hashlib.sha256(b"zuwendungsbescheid.docx").hexdigest()


def _pdf(n: int) -> bytes:
    # Small, distinct PDFs; every tenth repeats an earlier one so deduplication is exercised.
    return f"%PDF-1.7\n1 0 obj <</Bescheid {n % 290}>> endobj\n%%EOF\n".encode()


def _app(db_url: str, tmp_path: Path, storage: str) -> Flask:
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key-with-enough-entropy-0123456789",
            "DATABASE_URL": db_url,
            "STORAGE": storage,
            "STORAGE_PATH": str(tmp_path / "documents"),
        }
    )


@pytest.fixture
def folder_app(db_url: str, tmp_path: Path) -> Iterator[Flask]:
    """An instance with 300 issued notices in the folder."""
    app = _app(db_url, tmp_path, "folder")
    with app.app_context():
        session = db.session()
        partnership = Partnership(slug="musterstadt", name="PfD Musterstadt")
        session.add(partnership)
        session.flush()
        storage = storage_from_config(app.config, session)
        for n in range(COUNT):
            _register(session, storage, partnership, n)
        session.commit()
    yield app
    with app.app_context():
        db.engine().dispose()


def _register(session: Session, storage: Storage, partnership: Partnership, n: int) -> None:
    register_document(
        session,
        storage,
        partnership_id=partnership.id,
        kind="notice",
        number=f"AIF-2026-{n:03d}",
        template_key="zuwendungsbescheid",
        template_hash=TEMPLATE_HASH,
        context={"n": n},
        file_bytes=_pdf(n),
        file_name=f"Bescheid-{n}.pdf",
        issued=True,
    )


def invoke(app: Flask, *args: str):
    return app.test_cli_runner().invoke(cli, list(args), catch_exceptions=False)


def _every_document_reads_back(app: Flask) -> int:
    with app.app_context():
        session = db.session()
        storage = storage_from_config(app.config, session)
        documents = session.scalars(select(Document).order_by(Document.id)).all()
        for document in documents:
            data = read_document(storage, document)  # hash-checked
            assert hashlib.sha256(data).hexdigest() == document.file_sha256
        report = verify_register(session, storage)
        assert report.ok
        return report.checked


def test_300_notices_move_to_the_database_and_back_with_every_hash_verified(
    folder_app: Flask, db_url: str, tmp_path: Path
) -> None:
    result = invoke(folder_app, "storage", "migrate", "--to", "database", "--quiet")

    assert result.exit_code == 0, result.output
    assert "Geprüfte Dokumente: 290; kopiert: 290" in result.output
    database_app = _app(db_url, tmp_path, "database")
    assert _every_document_reads_back(database_app) == COUNT
    with database_app.app_context():
        assert db.session().scalar(select(func.count()).select_from(DocumentBlob)) == 290

    # Back into an empty folder: the database is now the only copy.
    back_app = _app(db_url, tmp_path / "fresh", "folder")
    result = invoke(back_app, "storage", "migrate", "--to", "folder")

    assert result.exit_code == 0, result.output
    assert "kopiert: 290" in result.output
    assert "[290/290]" in result.output  # progress
    assert len(list(FolderStorage(tmp_path / "fresh" / "documents").iter_addresses())) == 290
    assert _every_document_reads_back(back_app) == COUNT
    result = invoke(back_app, "storage", "verify")
    assert result.exit_code == 0, result.output
    assert "300 registrierte Dokumente" in result.output
    for app in (database_app, back_app):
        with app.app_context():
            db.engine().dispose()


def test_an_interrupted_migration_resumes_without_duplicates_or_losses(
    folder_app: Flask,
) -> None:
    class Interrupted(Exception):
        pass

    def crash_after_120(done: int, _total: int, _address: str, _outcome: str) -> None:
        if done == 120:
            raise Interrupted

    with folder_app.app_context():
        session = db.session()
        source = FolderStorage(folder_app.config["STORAGE_PATH"])
        referenced = set(session.scalars(select(Document.file_sha256)))
        with pytest.raises(Interrupted):
            transfer_documents(
                source,
                DatabaseStorage(session),
                referenced,
                commit=session.commit,
                progress=crash_after_120,
            )
        session.rollback()
        assert session.scalar(select(func.count()).select_from(DocumentBlob)) == 120

    result = invoke(folder_app, "storage", "migrate", "--to", "database")

    assert result.exit_code == 0, result.output
    assert "kopiert: 170" in result.output
    assert "bereits mit geprüfter Prüfsumme am Ziel vorhanden: 120" in result.output
    with folder_app.app_context():
        session = db.session()
        assert session.scalar(select(func.count()).select_from(DocumentBlob)) == 290
        report = verify_register(session, DatabaseStorage(session))
        assert report.ok
        assert report.checked == COUNT

    again = invoke(folder_app, "storage", "migrate", "--to", "database")
    assert "kopiert: 0 " in again.output
    assert "bereits mit geprüfter Prüfsumme am Ziel vorhanden: 290" in again.output


def test_a_damaged_source_file_is_reported_and_not_copied(folder_app: Flask) -> None:
    folder = FolderStorage(folder_app.config["STORAGE_PATH"])
    damaged = next(folder.iter_addresses())
    path = folder.root / damaged[:2] / damaged
    path.chmod(0o640)
    path.write_bytes(path.read_bytes().replace(b"PDF", b"PDG"))

    result = invoke(folder_app, "storage", "migrate", "--to", "database")

    assert result.exit_code == 1
    assert damaged in result.output
    assert "kopiert: 289" in result.output
    with folder_app.app_context():
        assert not DatabaseStorage(db.session()).exists(damaged)


def test_verify_names_the_documents_whose_bytes_were_changed(
    folder_app: Flask, db_url: str, tmp_path: Path
) -> None:
    assert invoke(folder_app, "storage", "migrate", "--to", "database").exit_code == 0
    database_app = _app(db_url, tmp_path, "database")
    with database_app.app_context():
        session = db.session()
        document = session.scalars(select(Document).order_by(Document.id)).first()
        assert document is not None
        session.execute(
            update(DocumentBlob)
            .where(DocumentBlob.sha256 == document.file_sha256)
            .values(data=b"%PDF-1.7 gefaelscht")
        )
        session.commit()
        damaged_id = document.id

    result = invoke(database_app, "storage", "verify")

    assert result.exit_code == 1
    assert f"Prüfsummenprüfung nicht bestanden (Dokument-IDs): {damaged_id}" in result.output
    with database_app.app_context():
        db.engine().dispose()
