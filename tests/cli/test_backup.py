"""``foerderwerk backup`` and ``foerderwerk restore`` (R25; issue 7 item 2, issue 8): on SQLite
with the folder store and on PostgreSQL with the database store, a demo instance with
registered documents and an upload is backed up, restored into an empty instance configured
elsewhere, and the restored instance passes the smoke checks. Tampered backups, non-empty
targets and backups from a newer version are refused; a backup taken while another thread
writes restores consistently."""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic.script import ScriptDirectory
from flask import Flask
from sqlalchemy import func, select, text, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from service import create_app, db
from service.archive.backends import storage_from_config
from service.archive.register import register_document, verify_register
from service.archive.storage import FolderStorage, bind_storage, storage_kind
from service.cli import cli
from service.db import make_engine
from service.models import (
    Application,
    AuditLog,
    Document,
    DocumentBlob,
    Partnership,
    Upload,
    migrate,
)
from tests.web.staff_support import KUF, SLUG, log_in

# on PostgreSQL too (tests/conftest.py): dumps and restores
pytestmark = pytest.mark.db_semantics

TEMPLATE_HASH = hashlib.sha256(b"zuwendungsbescheid.docx").hexdigest()
PARTNERSHIP_NAME = "Partnerschaft für Demokratie Boizenburg/Elbe – Lübtheen"
UPLOAD_BYTES = b"%PDF-1.7\n1 0 obj <</Angebot (Druckerei \xc3\x9cbersee)>> endobj\n%%EOF\n"


def _pdf(label: str) -> bytes:
    return f"%PDF-1.7\n1 0 obj <</Bescheid ({label})>> endobj\n%%EOF\n".encode()


def _app(url: str, folder: Path) -> Flask:
    # Only the database, the folders and the secret: the storage kind is the default of the
    # database (folder on SQLite, database on PostgreSQL), as on a real installation.
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key-with-enough-entropy-0123456789",
            "DATABASE_URL": url,
            "STORAGE_PATH": str(folder / "documents"),
            "UPLOAD_PATH": str(folder / "uploads"),
        }
    )


def invoke(app: Flask, *args: str) -> Any:
    return app.test_cli_runner().invoke(cli, list(args), catch_exceptions=False)


def _register(session: Session, storage: Any, partnership_id: int, number: str, data: bytes):
    return register_document(
        session,
        storage,
        partnership_id=partnership_id,
        kind="notice",
        number=number,
        template_key="zuwendungsbescheid",
        template_hash=TEMPLATE_HASH,
        context={"number": number},
        file_bytes=data,
        file_name=f"Zuwendungsbescheid_{number}.pdf",
        issued=True,
    )


@pytest.fixture
def source(db_url: str, tmp_path: Path) -> Iterator[Flask]:
    """The demo partnership with three documents (two sharing their bytes, one in a second
    version) and one upload of an applicant."""
    from service.demo import STORY_DAY
    from service.operations.demo import load_demo

    app = _app(db_url, tmp_path / "source")
    with app.app_context():
        session = db.session()
        load_demo(session, STORY_DAY)
        partnership = session.scalars(select(Partnership).where(Partnership.slug == SLUG)).one()
        storage = storage_from_config(app.config, session)
        first = _register(session, storage, partnership.id, "AIF-2026-001", _pdf("eins"))
        _register(session, storage, partnership.id, "AIF-2026-002", _pdf("eins"))
        register_document(
            session,
            storage,
            partnership_id=partnership.id,
            kind="notice",
            number="AIF-2026-001",
            template_key="zuwendungsbescheid",
            template_hash=TEMPLATE_HASH,
            context={"number": "AIF-2026-001", "korrigiert": True},
            file_bytes=_pdf("eins, berichtigt"),
            file_name="Zuwendungsbescheid_AIF-2026-001.pdf",
            replaces=first,
            issued=True,
            replacement_reason="Berichtigung",
        )
        application = session.scalars(select(Application).order_by(Application.id)).first()
        assert application is not None
        address = FolderStorage(app.config["UPLOAD_PATH"]).put(UPLOAD_BYTES)
        session.add(
            Upload(
                application=application,
                kind="offer",
                display_name="Angebot_Müller.pdf",
                sha256=address,
                size=len(UPLOAD_BYTES),
                pages=1,
            )
        )
        session.commit()
    return app


def _empty_database(like: str, request: pytest.FixtureRequest, folder: Path) -> Iterator[str]:
    """An empty, never migrated database of the same kind as ``like``, dropped afterwards."""
    if like.startswith("sqlite"):
        yield f"sqlite:///{folder / 'restored.sqlite3'}"
        return
    from tests.conftest import _pg_url

    databases = request.getfixturevalue("_postgres_databases")
    name = databases.create()
    yield _pg_url(name)
    databases.drop(name)


@pytest.fixture
def target_url(db_url: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    yield from _empty_database(db_url, request, tmp_path / "elsewhere")


@pytest.fixture
def target(target_url: str, tmp_path: Path) -> Flask:
    return _app(target_url, tmp_path / "elsewhere")


def _audit_rows(app: Flask) -> list[tuple[Any, ...]]:
    with app.app_context():
        return [
            (e.id, e.actor, e.action, e.object_type, e.object_id, e.created_at, e.details)
            for e in db.session().scalars(select(AuditLog).order_by(AuditLog.id))
        ]


def _documents(app: Flask) -> dict[int, tuple[str, str]]:
    with app.app_context():
        return {
            d.id: (d.number, d.file_sha256)
            for d in db.session().scalars(select(Document).order_by(Document.id))
        }


def _manifest(backup: Path) -> dict[str, Any]:
    return json.loads((backup / "MANIFEST.json").read_text(encoding="utf-8"))


def _is_empty(url: str) -> bool:
    if url.startswith("sqlite") and not Path(url.removeprefix("sqlite:///")).exists():
        return True
    return migrate.current(url) is None


# --------------------------------------------------------------------------- the round trip


def test_a_backup_restores_into_an_empty_instance_that_passes_the_smoke_checks(
    source: Flask, target: Flask, db_url: str, tmp_path: Path
) -> None:
    backup = tmp_path / "sicherung"
    expected_storage = "folder" if db_url.startswith("sqlite") else "database"
    audit_before = _audit_rows(source)
    documents_before = _documents(source)

    result = invoke(source, "backup", str(backup))

    assert result.exit_code == 0, result.output
    assert f"Sicherung in {backup} geschrieben" in result.output
    manifest = _manifest(backup)
    assert manifest["format_version"] == 1
    assert manifest["created_at"].endswith("Z")
    assert manifest["revision"] == migrate.head()
    assert manifest["database"]["kind"] == (
        "sqlite" if db_url.startswith("sqlite") else "postgresql"
    )
    assert manifest["storage"]["kind"] == expected_storage
    assert manifest["counts"]["document"] == 3
    assert manifest["audit_log"]["rows"] == len(audit_before)
    addresses = {address for _number, address in documents_before.values()}
    assert {entry["address"] for entry in manifest["documents"]} == addresses
    assert all(entry["size"] > 0 for entry in manifest["documents"])
    if expected_storage == "folder":
        for address in addresses:
            name = f"documents/{address[:2]}/{address}"
            assert manifest["files"][name]["sha256"] == address
    else:
        assert {e["location"] for e in manifest["documents"]} == {"database"}
        assert not (backup / "documents").exists()  # the bytes are inside the dump
    upload_address = hashlib.sha256(UPLOAD_BYTES).hexdigest()
    assert manifest["uploads"] == [
        {"address": upload_address, "location": f"uploads/{upload_address[:2]}/{upload_address}"}
    ]
    for name, entry in manifest["files"].items():
        data = (backup / name).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"]
        assert len(data) == entry["size"]

    result = invoke(target, "restore", str(backup))

    assert result.exit_code == 0, result.output
    assert "Alle Prüfungen bestanden" in result.output
    assert "Geprüft – registrierte Dokumente: 3" in result.output

    # paths come from the target's configuration, not from the backup
    elsewhere = tmp_path / "elsewhere"
    assert FolderStorage(elsewhere / "uploads").get(upload_address) == UPLOAD_BYTES
    if expected_storage == "folder":
        assert set(FolderStorage(elsewhere / "documents").iter_addresses()) == addresses
    else:
        assert not (elsewhere / "documents").exists()

    # smoke checks on the restored instance
    client = target.test_client()
    assert PARTNERSHIP_NAME in client.get("/").get_data(as_text=True)
    assert _audit_rows(target) == audit_before  # before the login adds its own entries
    assert _documents(target) == documents_before
    log_in(client, KUF)
    for document_id, (_number, address) in documents_before.items():
        response = client.get(f"/p/{SLUG}/staff/dokumente/{document_id}")
        assert response.status_code == 200
        assert hashlib.sha256(response.get_data()).hexdigest() == address
    with target.app_context():
        session = db.session()
        report = verify_register(session, storage_from_config(target.config, session))
        assert report.ok
        assert report.checked == 3
        # the audit log is still append-only after the restore (its triggers came along)
        with pytest.raises(DBAPIError):
            session.execute(text("UPDATE audit_log SET actor = 'jemand'"))
        session.rollback()
    # the source is untouched
    assert _documents(source) == documents_before


# --------------------------------------------------------------------------- refusals


@pytest.mark.parametrize("what", ["database", "upload"])
def test_a_flipped_byte_in_the_backup_is_refused_before_anything_is_touched(
    source: Flask, target: Flask, target_url: str, tmp_path: Path, what: str
) -> None:
    backup = tmp_path / "sicherung"
    assert invoke(source, "backup", str(backup)).exit_code == 0
    manifest = _manifest(backup)
    if what == "database":
        name = manifest["database"]["file"]
    else:
        name = manifest["uploads"][0]["location"]
    path = backup / name
    path.chmod(0o640)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))

    result = invoke(target, "restore", str(backup))

    assert result.exit_code == 1
    assert f"Die Sicherung ist beschädigt: Die Datei {name}" in result.output
    assert "Es wurde nichts wiederhergestellt" in result.output
    assert _is_empty(target_url)
    assert not (tmp_path / "elsewhere" / "uploads").exists()


def test_a_file_missing_from_or_added_to_the_backup_is_refused(
    source: Flask, target: Flask, target_url: str, tmp_path: Path
) -> None:
    backup = tmp_path / "sicherung"
    assert invoke(source, "backup", str(backup)).exit_code == 0
    extra = backup / "uploads" / "zz" / "eingeschmuggelt.pdf"
    extra.parent.mkdir(parents=True)
    extra.write_bytes(b"%PDF-1.7 nicht aus der Sicherung")

    result = invoke(target, "restore", str(backup))

    assert result.exit_code == 1
    assert "uploads/zz/eingeschmuggelt.pdf" in result.output
    extra.unlink()
    upload = backup / _manifest(backup)["uploads"][0]["location"]
    upload.unlink()

    result = invoke(target, "restore", str(backup))

    assert result.exit_code == 1
    assert "unvollständig" in result.output
    assert _is_empty(target_url)


def test_restore_into_a_database_with_tables_is_refused(source: Flask, tmp_path: Path) -> None:
    backup = tmp_path / "sicherung"
    assert invoke(source, "backup", str(backup)).exit_code == 0
    documents = _documents(source)

    result = invoke(source, "restore", str(backup))

    assert result.exit_code == 1
    assert "Die Zieldatenbank ist nicht leer" in result.output
    assert _documents(source) == documents


def test_restore_into_a_folder_with_other_files_is_refused(
    source: Flask, target: Flask, target_url: str, tmp_path: Path
) -> None:
    backup = tmp_path / "sicherung"
    assert invoke(source, "backup", str(backup)).exit_code == 0
    stranger = FolderStorage(tmp_path / "elsewhere" / "uploads").put(b"%PDF-1.7 fremd")

    result = invoke(target, "restore", str(backup))

    assert result.exit_code == 1
    assert str(tmp_path / "elsewhere" / "uploads") in result.output
    assert "ist nicht leer" in result.output
    assert _is_empty(target_url)
    assert FolderStorage(tmp_path / "elsewhere" / "uploads").exists(stranger)


def test_a_backup_of_a_newer_version_is_refused(
    source: Flask, target: Flask, target_url: str, tmp_path: Path
) -> None:
    backup = tmp_path / "sicherung"
    assert invoke(source, "backup", str(backup)).exit_code == 0
    manifest = _manifest(backup)
    manifest["revision"] = "0999_aus_der_zukunft"
    (backup / "MANIFEST.json").write_text(json.dumps(manifest), encoding="utf-8")

    result = invoke(target, "restore", str(backup))

    assert result.exit_code == 1
    assert "neueren Version von Förderwerk" in result.output
    assert "0999_aus_der_zukunft" in result.output
    assert _is_empty(target_url)


def test_backup_refuses_an_existing_folder_with_content(source: Flask, tmp_path: Path) -> None:
    backup = tmp_path / "sicherung"
    backup.mkdir()
    (backup / "alt.txt").write_text("eine alte Sicherung")

    result = invoke(source, "backup", str(backup))

    assert result.exit_code == 1
    assert "keine bestehende Sicherung wird überschrieben" in result.output
    assert sorted(p.name for p in backup.iterdir()) == ["alt.txt"]
    assert not [p for p in tmp_path.iterdir() if "unfertig" in p.name]


def test_a_target_configured_for_the_other_storage_backend_is_refused(
    source: Flask, target_url: str, tmp_path: Path
) -> None:
    backup = tmp_path / "sicherung"
    assert invoke(source, "backup", str(backup)).exit_code == 0
    kind = _manifest(backup)["storage"]["kind"]
    other = "database" if kind == "folder" else "folder"
    target = _app(target_url, tmp_path / "elsewhere")
    target.config["STORAGE"] = other

    result = invoke(target, "restore", str(backup))

    assert result.exit_code == 1
    assert f"FOERDERWERK_STORAGE={kind}" in result.output
    assert f"foerderwerk storage migrate --to {other}" in result.output
    assert _is_empty(target_url)


def test_a_damaged_document_is_named_by_backup_and_fails_the_restore_checks(
    source: Flask, target: Flask, tmp_path: Path
) -> None:
    with source.app_context():
        session = db.session()
        address = session.scalars(select(Document.file_sha256).order_by(Document.id)).first()
        assert address is not None
        if storage_kind(source.config) == "folder":
            path = Path(source.config["STORAGE_PATH"]) / address[:2] / address
            path.chmod(0o640)
            path.write_bytes(b"%PDF-1.7 verfaelscht")
        else:
            session.execute(
                update(DocumentBlob)
                .where(DocumentBlob.sha256 == address)
                .values(data=b"%PDF-1.7 verfaelscht")
            )
            session.commit()
    backup = tmp_path / "sicherung"

    result = invoke(source, "backup", str(backup))

    assert result.exit_code == 1
    assert "Prüfsummenprüfung nicht bestanden" in result.output
    assert address in result.output
    assert _manifest(backup)["problems"]["damaged"] == [address]

    result = invoke(target, "restore", str(backup))

    assert result.exit_code == 1
    assert "nicht bestanden" in result.output
    assert "Bitte verwenden Sie sie nicht" in result.output


def test_the_uploads_folder_is_the_one_the_applicant_pages_use(source: Flask) -> None:
    from service.operations.backup import upload_path
    from service.web.applicant.uploads import upload_storage

    with source.test_request_context():
        assert upload_storage().root == upload_path(source.config, source.instance_path)


def test_an_older_backup_is_restored_and_upgraded_to_the_newest_revision(
    blank_db_url: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    script = ScriptDirectory.from_config(migrate.alembic_config(""))
    older = script.get_revision(migrate.head()).down_revision
    assert isinstance(older, str)
    migrate.upgrade(blank_db_url, older)
    old_source = _app(blank_db_url, tmp_path / "source")
    backup = tmp_path / "sicherung"
    assert invoke(old_source, "backup", str(backup)).exit_code == 0
    assert _manifest(backup)["revision"] == older

    for url in _empty_database(blank_db_url, request, tmp_path / "elsewhere"):
        result = invoke(_app(url, tmp_path / "elsewhere"), "restore", str(backup))

        assert result.exit_code == 0, result.output
        assert f"Die Sicherung hatte den Stand {older}" in result.output
        assert "Alle Prüfungen bestanden" in result.output
        assert migrate.current(url) == migrate.head()


# --------------------------------------------------------------------------- online backup


def test_a_backup_taken_while_another_thread_writes_restores_consistently(
    source: Flask, target: Flask, db_url: str, tmp_path: Path
) -> None:
    """The writer registers documents and audit entries and commits after each; the backup
    runs in between. The restored instance holds a prefix of what was written, and every
    document it registers has its bytes."""
    engine = make_engine(db_url)
    stop = threading.Event()
    written: list[int] = []
    errors: list[BaseException] = []

    def writer() -> None:
        try:
            with Session(engine, expire_on_commit=False) as session:
                partnership_id = session.scalars(
                    select(Partnership.id).where(Partnership.slug == SLUG)
                ).one()
                storage = bind_storage(storage_from_config(source.config, session), session)
                n = 0
                while not stop.is_set() and n < 2000:
                    n += 1
                    _register(session, storage, partnership_id, f"W-{n:04d}", _pdf(f"w{n}"))
                    session.add(
                        AuditLog(actor="test:writer", action="document.add", object_id=str(n))
                    )
                    session.commit()
                    written.append(n)
        except BaseException as exc:  # reported by the test below
            errors.append(exc)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while len(written) < 5 and thread.is_alive():
            stop.wait(0.01)
        before = len(written)
        backup = tmp_path / "sicherung"
        result = invoke(source, "backup", str(backup))
        after = len(written)
        while len(written) < after + 5 and thread.is_alive():
            stop.wait(0.01)
    finally:
        stop.set()
        thread.join(timeout=60)
        engine.dispose()
    assert not errors, errors
    assert result.exit_code == 0, result.output
    assert len(written) > after  # the writer went on during and after the backup

    result = invoke(target, "restore", str(backup))

    assert result.exit_code == 0, result.output
    assert "Alle Prüfungen bestanden" in result.output
    with target.app_context():
        session = db.session()
        numbers = sorted(
            int(number[2:])
            for number in session.scalars(
                select(Document.number).where(Document.number.like("W-%"))
            )
        )
        entries = session.scalar(
            select(func.count()).select_from(AuditLog).where(AuditLog.actor == "test:writer")
        )
    # a consistent snapshot: everything committed before the backup, nothing half. A commit
    # inside the snapshot may not be counted in ``written`` yet when ``after`` was read.
    assert before <= len(numbers) <= after + 1
    assert numbers == list(range(1, len(numbers) + 1))
    assert entries == len(numbers)
