"""The database backend of the document store (issue 8; R20, R23) on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from service.archive.backends import storage_from_config
from service.archive.database_storage import DatabaseStorage
from service.archive.register import (
    open_download,
    read_document,
    register_document,
    sweep_orphan_files,
    verify_register,
)
from service.archive.storage import (
    DocumentNotFoundError,
    FolderStorage,
    InvalidAddressError,
    Storage,
    TamperedDocumentError,
    content_address,
    storage_kind,
)
from service.config import build_config
from service.models import Document, DocumentBlob, Partnership

# on PostgreSQL too (tests/conftest.py): document bytes stored in the database
pytestmark = pytest.mark.db_semantics

NOTICE = b"%PDF-1.7\n" + "Zuwendungsbescheid für Jürgen Groß".encode() + bytes(range(256)) * 600
TEMPLATE_HASH = hashlib.sha256(b"zuwendungsbescheid.docx").hexdigest()


@pytest.fixture
def store(db_session: Session) -> DatabaseStorage:
    return DatabaseStorage(db_session)


@pytest.fixture
def chunked(db_session: Session) -> DatabaseStorage:
    """Streams everything in small chunks over its own connection, as a 50 MB file would."""
    return DatabaseStorage(db_session, in_memory_limit=0, chunk_size=1000)


@pytest.fixture
def partnership(db_session: Session) -> Partnership:
    partnership = Partnership(slug="musterstadt", name="Partnerschaft für Demokratie Musterstadt")
    db_session.add(partnership)
    db_session.commit()
    return partnership


def _flip_a_byte(engine: Engine, address: str, position: int = 100) -> None:
    with engine.begin() as connection:
        data = bytearray(
            connection.execute(
                select(DocumentBlob.data).where(DocumentBlob.sha256 == address)
            ).scalar_one()
        )
        data[position] ^= 0x01
        connection.execute(
            update(DocumentBlob).where(DocumentBlob.sha256 == address).values(data=bytes(data))
        )


def _blob_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(DocumentBlob)) or 0


def _register(session: Session, storage: Storage, partnership: Partnership, n: int) -> Document:
    return register_document(
        session,
        storage,
        partnership_id=partnership.id,
        kind="notice",
        number=f"AIF-2026-{n:03d}",
        template_key="zuwendungsbescheid",
        template_hash=TEMPLATE_HASH,
        context={"n": n},
        file_bytes=b"%PDF-1.7 Bescheid " + str(n).encode(),
        file_name=f"Bescheid-{n}.pdf",
        issued=True,
    )


def test_the_database_store_implements_the_storage_protocol(store: DatabaseStorage) -> None:
    assert isinstance(store, Storage)


def test_stored_bytes_come_back_unchanged_under_their_sha256(
    store: DatabaseStorage, db_session: Session
) -> None:
    address = store.put(NOTICE)
    db_session.commit()

    assert address == hashlib.sha256(NOTICE).hexdigest()
    assert store.exists(address)
    assert store.get(address) == NOTICE
    assert b"".join(store.open_stream(address)) == NOTICE
    assert store.open_stream(address).size == len(NOTICE)


def test_a_large_document_streams_in_chunks_over_its_own_connection(
    chunked: DatabaseStorage, db_session: Session
) -> None:
    address = chunked.put(NOTICE)
    db_session.commit()

    stream = chunked.open_stream(address)
    db_session.close()  # the request's session ends before the server sends the body
    chunks = list(stream)

    assert b"".join(chunks) == NOTICE
    assert max(len(chunk) for chunk in chunks) == 1000
    assert stream.size == len(NOTICE)


def test_a_document_put_in_the_open_transaction_can_already_be_streamed(
    chunked: DatabaseStorage,
) -> None:
    address = chunked.put(NOTICE)

    assert b"".join(chunked.open_stream(address)) == NOTICE


def test_the_same_bytes_are_stored_once(store: DatabaseStorage, db_session: Session) -> None:
    first = store.put(NOTICE)
    second = store.put(NOTICE)
    db_session.commit()

    assert first == second
    assert _blob_count(db_session) == 1
    assert list(store.iter_addresses()) == [first]


def test_storing_again_keeps_the_bytes_and_notes_the_new_use(
    store: DatabaseStorage, db_session: Session
) -> None:
    address = store.put(NOTICE)
    db_session.commit()
    first_use = store.last_put_at(address)
    created = db_session.scalar(select(DocumentBlob.created_at))

    store.put(NOTICE)
    db_session.commit()

    assert store.last_put_at(address) >= first_use
    assert db_session.scalar(select(DocumentBlob.created_at)) == created
    assert store.get(address) == NOTICE


def test_concurrent_puts_of_the_same_bytes_both_succeed(db_engine: Engine) -> None:
    errors: list[BaseException] = []
    with Session(db_engine) as first:
        DatabaseStorage(first).put(NOTICE)

        def second_writer() -> None:
            try:
                with Session(db_engine) as second:
                    DatabaseStorage(second).put(NOTICE)
                    second.commit()
            except BaseException as exc:  # handed to the main thread
                errors.append(exc)

        thread = threading.Thread(target=second_writer)
        thread.start()
        thread.join(0.3)  # the second writer waits for the first transaction
        first.commit()
        thread.join(30)

    assert not thread.is_alive()
    assert errors == []
    with Session(db_engine) as check:
        assert _blob_count(check) == 1
        assert DatabaseStorage(check).get(content_address(NOTICE)) == NOTICE


@pytest.mark.parametrize("in_memory_limit", [0, 10 * 1024 * 1024])
def test_a_flipped_byte_in_the_row_is_detected_and_nothing_is_served(
    db_session: Session, db_engine: Engine, in_memory_limit: int
) -> None:
    store = DatabaseStorage(db_session, in_memory_limit=in_memory_limit, chunk_size=4096)
    address = store.put(NOTICE)
    db_session.commit()

    _flip_a_byte(db_engine, address)

    with pytest.raises(TamperedDocumentError) as raised:
        store.get(address)
    assert raised.value.actual != address
    with pytest.raises(TamperedDocumentError):
        store.open_stream(address)  # refused before the first chunk
    with pytest.raises(TamperedDocumentError):
        store.put(NOTICE)  # the damaged copy is neither trusted nor overwritten


def test_bytes_appended_to_a_row_fail_the_check_when_streaming(
    chunked: DatabaseStorage, db_session: Session, db_engine: Engine
) -> None:
    address = chunked.put(NOTICE)
    db_session.commit()
    with db_engine.begin() as connection:
        connection.execute(
            update(DocumentBlob)
            .where(DocumentBlob.sha256 == address)
            .values(data=NOTICE + b"<script>")
        )

    with pytest.raises(TamperedDocumentError):
        chunked.open_stream(address)


def test_bytes_changed_while_streaming_end_the_response_short(
    chunked: DatabaseStorage, db_session: Session, db_engine: Engine
) -> None:
    address = chunked.put(NOTICE)
    db_session.commit()
    stream = chunked.open_stream(address)  # verified here

    _flip_a_byte(db_engine, address, position=len(NOTICE) - 10)

    sent: list[bytes] = []
    with pytest.raises(TamperedDocumentError):
        sent.extend(stream)  # keeps the chunks handed out before the check failed
    assert len(b"".join(sent)) < len(NOTICE)


def test_a_missing_address_and_a_malformed_one_are_refused(store: DatabaseStorage) -> None:
    missing = content_address(b"nie gespeichert")

    assert not store.exists(missing)
    with pytest.raises(DocumentNotFoundError):
        store.get(missing)
    with pytest.raises(DocumentNotFoundError):
        store.open_stream(missing)
    with pytest.raises(DocumentNotFoundError):
        store.delete(missing)
    with pytest.raises(InvalidAddressError):
        store.get("../../etc/passwd")


def test_a_deleted_document_is_gone(store: DatabaseStorage, db_session: Session) -> None:
    address = store.put(NOTICE)
    store.delete(address)
    db_session.commit()

    assert not store.exists(address)
    assert list(store.iter_addresses()) == []


# --------------------------------------------------------------------------- with the register


def test_a_rolled_back_registration_leaves_no_bytes_behind(
    db_session: Session, partnership: Partnership
) -> None:
    # A store working in some other session: the register binds it to its own transaction.
    with Session(db_session.get_bind()) as elsewhere:
        document = _register(db_session, DatabaseStorage(elsewhere), partnership, 1)
        assert _blob_count(db_session) == 1
        assert _blob_count(elsewhere) == 0

    db_session.rollback()

    assert _blob_count(db_session) == 0
    assert db_session.scalar(select(func.count()).select_from(Document)) == 0
    assert document.file_sha256 == content_address(b"%PDF-1.7 Bescheid 1")


def test_registered_documents_are_downloaded_verified_and_deduplicated(
    db_session: Session, db_engine: Engine, partnership: Partnership
) -> None:
    store = DatabaseStorage(db_session)
    first = _register(db_session, store, partnership, 1)
    db_session.commit()

    assert read_document(store, first) == b"%PDF-1.7 Bescheid 1"
    assert b"".join(open_download(store, first)) == b"%PDF-1.7 Bescheid 1"
    assert verify_register(db_session, store).ok

    _flip_a_byte(db_engine, first.file_sha256, position=3)
    db_session.expire_all()

    with pytest.raises(TamperedDocumentError):
        open_download(store, first)
    assert verify_register(db_session, store).tampered == [first.id]


def test_the_orphan_sweep_removes_only_unreferenced_old_blobs(
    db_session: Session, partnership: Partnership
) -> None:
    from datetime import UTC, datetime, timedelta

    store = DatabaseStorage(db_session)
    kept = _register(db_session, store, partnership, 1)
    orphan = store.put(b"%PDF-1.7 verwaist")
    db_session.commit()

    report = sweep_orphan_files(db_session, store, now=datetime.now(UTC) + timedelta(hours=2))
    db_session.commit()

    assert report.removed == [orphan]
    assert list(store.iter_addresses()) == [kept.file_sha256]


# --------------------------------------------------------------------------- configuration


def test_the_backend_follows_the_database_unless_it_is_named(tmp_path: Path) -> None:
    sqlite = {"DATABASE_URL": "sqlite:///x.sqlite3", "STORAGE_PATH": str(tmp_path)}
    postgres = {"DATABASE_URL": "postgresql+psycopg://db/foerderwerk", "STORAGE_PATH": "x"}

    assert storage_kind(sqlite) == "folder"
    assert storage_kind(postgres) == "database"
    assert storage_kind({**postgres, "STORAGE": "folder"}) == "folder"
    assert storage_kind({**sqlite, "STORAGE": "Database"}) == "database"
    assert isinstance(storage_from_config(sqlite, Session()), FolderStorage)
    assert isinstance(storage_from_config(postgres, Session()), DatabaseStorage)
    with pytest.raises(ValueError, match="unknown document storage"):
        storage_kind({**sqlite, "STORAGE": "s3"})


def test_foerderwerk_storage_in_the_environment_chooses_the_backend(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert storage_kind(build_config(str(tmp_path))) == "folder"
    monkeypatch.setenv("FOERDERWERK_DATABASE_URL", "postgresql+psycopg://db/foerderwerk")
    assert storage_kind(build_config(str(tmp_path))) == "database"
    monkeypatch.setenv("FOERDERWERK_STORAGE", "folder")
    assert storage_kind(build_config(str(tmp_path))) == "folder"
    monkeypatch.delenv("FOERDERWERK_DATABASE_URL")
    monkeypatch.setenv("FOERDERWERK_STORAGE", "database")
    assert storage_kind(build_config(str(tmp_path))) == "database"


def test_the_database_backend_uses_the_given_session(db_session: Session, tmp_path: Path) -> None:
    config = {"STORAGE": "database", "STORAGE_PATH": str(tmp_path)}
    store = storage_from_config(config, db_session)

    address = store.put(NOTICE)
    db_session.rollback()

    assert not store.exists(address)


def test_given_the_app_context_session_the_backend_writes_in_its_transaction(
    db_url: str, tmp_path: Path
) -> None:
    from service import create_app, db

    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key-with-enough-entropy-0123456789",
            "DATABASE_URL": db_url,
            "STORAGE": "database",
            "STORAGE_PATH": str(tmp_path / "documents"),
        }
    )
    try:
        with app.app_context():
            store = storage_from_config(app.config, db.session())
            address = store.put(NOTICE)
            assert db.session().scalar(select(func.count()).select_from(DocumentBlob)) == 1
            db.session().rollback()
            assert not store.exists(address)
            store.put(NOTICE)
            db.session().commit()
        with app.app_context():
            assert storage_from_config(app.config, db.session()).get(address) == NOTICE
    finally:
        with app.app_context():
            db.engine().dispose()


def test_a_blob_stored_again_after_the_sweep_looked_at_it_is_not_deleted(
    db_session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    from datetime import UTC, datetime, timedelta

    store = DatabaseStorage(db_session)
    address = store.put(b"%PDF-1.7 verwaist, dann wieder gebraucht")
    db_session.commit()
    # The sweep saw the blob as old; meanwhile a new register row stored the same bytes.
    monkeypatch.setattr(store, "last_put_at", lambda _address: datetime(2020, 1, 1, tzinfo=UTC))

    report = sweep_orphan_files(db_session, store, now=datetime.now(UTC) + timedelta(minutes=30))
    db_session.commit()

    assert report.removed == []
    assert store.exists(address)
