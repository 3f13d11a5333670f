"""The document register on top of the Document model and the store (R20, R23)."""

from __future__ import annotations

import hashlib
import logging
import os
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from service.archive import register
from service.archive.register import (
    DocumentExistsError,
    ImmutableDocumentError,
    RegisterError,
    StaleVersionError,
    open_download,
    read_document,
    register_document,
    snapshot_context,
    sweep_orphan_files,
    verify_register,
)
from service.archive.storage import FolderStorage, TamperedDocumentError
from service.models import Document, Partnership

# on PostgreSQL too (tests/conftest.py): the register's constraints, triggers and transactions
pytestmark = pytest.mark.db_semantics

TEMPLATE_HASH = hashlib.sha256(b"zuwendungsbescheid.docx").hexdigest()
CONTEXT: dict[str, Any] = {
    "recipient": {"name": "Kinder & Jugend <Verein> \"Elbe\" 'Süd'"},
    "grant": Decimal("600.00"),
    "decided_on": date(2026, 6, 3),
    "cost_lines": ({"category": "honorare", "amount": Decimal("480.00")},),
}


@pytest.fixture
def store(tmp_path: Path) -> FolderStorage:
    return FolderStorage(tmp_path / "documents")


@pytest.fixture
def partnership(db_session: Session) -> Partnership:
    partnership = Partnership(slug="musterstadt", name="Partnerschaft für Demokratie Musterstadt")
    db_session.add(partnership)
    db_session.commit()
    return partnership


def register_notice(
    session: Session,
    store: FolderStorage,
    partnership: Partnership,
    content: bytes = b"%PDF-1.7 Bescheid v1",
    **kw: Any,
) -> Document:
    arguments: dict[str, Any] = {
        "partnership_id": partnership.id,
        "kind": "notice",
        "number": "AIF-2026-007",
        "template_key": "zuwendungsbescheid",
        "template_hash": TEMPLATE_HASH,
        "context": CONTEXT,
        "file_bytes": content,
        "file_name": "Zuwendungsbescheid_AIF-2026-007.pdf",
    }
    arguments.update(kw)
    return register_document(session, store, **arguments)


def count_documents(engine: Engine) -> int:
    with Session(engine) as fresh:
        return fresh.scalars(select(func.count()).select_from(Document)).one()


def test_a_registered_document_keeps_its_provenance_and_its_bytes(
    db_session: Session, store: FolderStorage, partnership: Partnership
) -> None:
    document = register_notice(db_session, store, partnership)
    db_session.commit()
    db_session.expire_all()

    assert document.version == 1
    assert document.replaces_id is None
    assert document.template_key == "zuwendungsbescheid"
    assert document.template_sha256 == TEMPLATE_HASH
    assert document.file_sha256 == hashlib.sha256(b"%PDF-1.7 Bescheid v1").hexdigest()
    assert document.size == len(b"%PDF-1.7 Bescheid v1")
    assert document.media_type == "application/pdf"
    assert document.context == {
        "recipient": {"name": "Kinder & Jugend <Verein> \"Elbe\" 'Süd'"},
        "grant": "600.00",
        "decided_on": "2026-06-03",
        "cost_lines": [{"category": "honorare", "amount": "480.00"}],
    }
    assert read_document(store, document) == b"%PDF-1.7 Bescheid v1"


def test_registering_only_flushes_so_the_caller_decides_about_the_commit(
    db_session: Session, db_engine: Engine, store: FolderStorage, partnership: Partnership
) -> None:
    register_notice(db_session, store, partnership)

    assert count_documents(db_engine) == 0
    db_session.commit()
    assert count_documents(db_engine) == 1


def test_a_regeneration_adds_a_version_and_the_old_bytes_stay(
    db_session: Session, store: FolderStorage, partnership: Partnership
) -> None:
    first = register_notice(db_session, store, partnership, issued=True)
    second = register_notice(
        db_session, store, partnership, b"%PDF-1.7 Bescheid v2", replaces=first, issued=True
    )
    db_session.commit()

    assert second.version == 2
    assert second.replaces_id == first.id
    assert read_document(store, first) == b"%PDF-1.7 Bescheid v1"
    assert read_document(store, second) == b"%PDF-1.7 Bescheid v2"
    assert register.latest_version(db_session, partnership.id, "notice", "AIF-2026-007") == second
    assert [d.version for d in register.version_history(db_session, first)] == [1, 2]


def test_a_second_first_version_of_the_same_number_is_refused(
    db_session: Session, store: FolderStorage, partnership: Partnership
) -> None:
    register_notice(db_session, store, partnership, issued=True)

    with pytest.raises(DocumentExistsError):
        register_notice(db_session, store, partnership, b"%PDF-1.7 overwrite attempt")

    assert not store.exists(hashlib.sha256(b"%PDF-1.7 overwrite attempt").hexdigest())


def test_replacing_a_version_that_was_already_replaced_is_refused(
    db_session: Session, store: FolderStorage, partnership: Partnership
) -> None:
    first = register_notice(db_session, store, partnership)
    register_notice(db_session, store, partnership, b"%PDF v2", replaces=first)

    with pytest.raises(StaleVersionError):
        register_notice(db_session, store, partnership, b"%PDF v2 again", replaces=first)


def test_a_new_version_must_keep_the_kind_and_number(
    db_session: Session, store: FolderStorage, partnership: Partnership
) -> None:
    first = register_notice(db_session, store, partnership)

    with pytest.raises(RegisterError):
        register_notice(
            db_session, store, partnership, b"%PDF other", number="AIF-2026-008", replaces=first
        )


def test_an_issued_document_cannot_be_changed_in_place(
    db_session: Session, store: FolderStorage, partnership: Partnership
) -> None:
    document = register_notice(db_session, store, partnership, issued=True)
    db_session.commit()

    document.file_sha256 = hashlib.sha256(b"forged").hexdigest()
    with pytest.raises(ImmutableDocumentError):
        db_session.flush()


def test_an_issued_document_cannot_be_withdrawn_to_a_draft(
    db_session: Session, store: FolderStorage, partnership: Partnership
) -> None:
    document = register_notice(db_session, store, partnership, issued=True)
    db_session.commit()

    document.issued = False
    with pytest.raises(ImmutableDocumentError):
        db_session.flush()


def test_a_draft_may_be_marked_issued_but_not_rewritten(
    db_session: Session, store: FolderStorage, partnership: Partnership
) -> None:
    draft = register_notice(db_session, store, partnership)
    db_session.commit()

    draft.issued = True
    db_session.commit()
    assert draft.issued

    draft.context = {"changed": True}
    with pytest.raises(ImmutableDocumentError):
        db_session.flush()


def test_identical_bytes_of_two_documents_are_stored_once(
    db_session: Session, store: FolderStorage, partnership: Partnership
) -> None:
    a = register_notice(db_session, store, partnership, b"%PDF same", number="AIF-2026-001")
    b = register_notice(db_session, store, partnership, b"%PDF same", number="AIF-2026-002")

    assert a.file_sha256 == b.file_sha256
    assert list(store.iter_addresses()) == [a.file_sha256]


def test_a_flipped_byte_is_detected_on_download_and_nothing_is_served(
    db_session: Session,
    store: FolderStorage,
    partnership: Partnership,
    caplog: pytest.LogCaptureFixture,
) -> None:
    document = register_notice(db_session, store, partnership, issued=True)
    db_session.commit()
    path = store.root / document.file_sha256[:2] / document.file_sha256
    os.chmod(path, 0o640)
    data = bytearray(path.read_bytes())
    data[3] ^= 0x20
    path.write_bytes(bytes(data))

    with caplog.at_level(logging.ERROR), pytest.raises(TamperedDocumentError):
        open_download(store, document)
    with pytest.raises(TamperedDocumentError):
        read_document(store, document)

    assert f"document {document.id} " in caplog.text
    report = verify_register(db_session, store)
    assert report.tampered == [document.id]
    assert not report.ok


def test_a_download_streams_the_verified_bytes(
    db_session: Session, store: FolderStorage, partnership: Partnership
) -> None:
    content = b"%PDF-1.7 " + os.urandom(300_000)
    document = register_notice(db_session, store, partnership, content)

    stream = open_download(store, document)

    assert stream.size == len(content)
    assert b"".join(stream) == content


def test_a_failure_between_the_row_and_the_file_leaves_neither(
    db_session: Session,
    db_engine: Engine,
    store: FolderStorage,
    partnership: Partnership,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def crash(_data: bytes) -> str:
        raise RuntimeError("injected between database write and file write")

    monkeypatch.setattr(store, "put", crash)

    with pytest.raises(RuntimeError, match="injected"):
        register_notice(db_session, store, partnership)
    db_session.rollback()

    assert count_documents(db_engine) == 0
    assert list(FolderStorage(store.root).iter_addresses()) == []


def test_a_failure_between_the_file_and_the_commit_leaves_an_orphan_that_is_swept(
    db_session: Session, db_engine: Engine, store: FolderStorage, partnership: Partnership
) -> None:
    kept = register_notice(db_session, store, partnership, b"%PDF committed")
    db_session.commit()
    orphan = register_notice(db_session, store, partnership, b"%PDF lost", replaces=kept)
    orphan_address = orphan.file_sha256
    db_session.rollback()  # the exception before the commit

    assert count_documents(db_engine) == 1
    assert store.exists(orphan_address)

    too_early = sweep_orphan_files(db_session, store)
    assert too_early.removed == []
    report = sweep_orphan_files(db_session, store, now=datetime.now(UTC) + timedelta(hours=2))

    assert report.removed == [orphan_address]
    assert not store.exists(orphan_address)
    assert store.exists(kept.file_sha256)


def test_a_missing_file_is_found_by_the_register_check(
    db_session: Session, store: FolderStorage, partnership: Partnership
) -> None:
    document = register_notice(db_session, store, partnership)
    db_session.commit()
    store.delete(document.file_sha256)

    report = verify_register(db_session, store)

    assert report.checked == 1
    assert report.missing == [document.id]


def test_a_template_hash_that_is_not_sha256_is_refused(
    db_session: Session, store: FolderStorage, partnership: Partnership
) -> None:
    with pytest.raises(ValueError, match="not a content address"):
        register_notice(db_session, store, partnership, template_hash="v1")


@pytest.mark.parametrize(
    "value",
    [object(), Decimal("NaN"), float("inf"), {1: "numeric key"}, {"x"}],
    ids=["object", "nan", "infinity", "non-string-key", "set"],
)
def test_a_context_that_json_cannot_keep_exactly_is_refused(value: object) -> None:
    with pytest.raises(TypeError):
        snapshot_context({"value": value})
