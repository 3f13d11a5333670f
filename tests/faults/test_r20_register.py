"""R20 for the document register: an exception between the row and the file, or between the
file and the commit, leaves no row; a file left behind is an orphan that the sweep finds,
removes and reports, while committed documents and recent files stay."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service.archive.database_storage import DatabaseStorage
from service.archive.register import register_document, sweep_orphan_files
from service.archive.storage import FolderStorage, Storage, bind_storage, content_address
from service.models import Document, Fund

from .injection import InjectedFault, fail_before

# on PostgreSQL too (tests/conftest.py): what a transaction leaves behind after a fault
pytestmark = pytest.mark.db_semantics

TEMPLATE_HASH = content_address(b"template of the test notice")
LATER = timedelta(hours=2)  # past the sweep's grace period


def _register(session: Session, storage: Storage, fund: Fund, number: str, data: bytes) -> None:
    register_document(
        session,
        storage,
        partnership_id=fund.partnership_id,
        kind="notice",
        number=number,
        template_key="approval",
        template_hash=TEMPLATE_HASH,
        context={"number": number},
        file_bytes=data,
        file_name=f"Bescheid-{number}.pdf",
    )


def _rows(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Document)) or 0


class _PutFails:
    """The store's put, failing: the row is flushed, the file never written."""

    def __init__(self, storage: Storage) -> None:
        self.storage = storage

    def __getattr__(self, name: str) -> object:
        return getattr(self.storage, name)

    def bound_to(self, session: Session) -> _PutFails:
        # register_document binds the store to its session; the fault must survive that.
        return _PutFails(bind_storage(self.storage, session))

    def put(self, data: bytes) -> str:
        raise InjectedFault("injected between the row and the file")


def _register_and_fail(
    session: Session, storage: Storage, fund: Fund, data: bytes, where: str
) -> None:
    """Register a second document with a fault injected at ``where``; raises InjectedFault."""
    if where == "between-row-and-file":
        _register(session, _PutFails(storage), fund, "AIF-2026-002", data)
    else:
        _register(session, storage, fund, "AIF-2026-002", data)
        fail_before(session, "before_commit")
        session.commit()


@pytest.mark.parametrize("where", ["between-row-and-file", "between-file-and-commit"])
def test_a_fault_in_the_folder_register_leaves_no_row_and_the_sweep_removes_the_orphan(
    db_session: Session, fund: Fund, tmp_path: Path, where: str, caplog: pytest.LogCaptureFixture
) -> None:
    storage = FolderStorage(tmp_path / "documents")
    _register(db_session, storage, fund, "AIF-2026-001", b"%PDF committed")
    db_session.commit()
    kept = content_address(b"%PDF committed")
    orphan = content_address(b"%PDF never committed")

    with pytest.raises(InjectedFault):
        _register_and_fail(db_session, storage, fund, b"%PDF never committed", where)
    db_session.rollback()

    assert _rows(db_session) == 1  # only the committed document: no orphan row
    written = sorted(storage.iter_addresses())
    expected_orphans = [orphan] if where == "between-file-and-commit" else []
    assert written == sorted([kept, *expected_orphans])

    # A sweep within the grace period spares the fresh file: its row might be on its way.
    early = sweep_orphan_files(db_session, storage)
    assert early.removed == []
    assert early.spared_recent == expected_orphans

    with caplog.at_level(logging.WARNING):
        report = sweep_orphan_files(db_session, storage, now=datetime.now(UTC) + LATER)
    assert report.removed == expected_orphans
    assert report.removed_bytes == (len(b"%PDF never committed") if expected_orphans else 0)
    assert list(storage.iter_addresses()) == [kept]
    if expected_orphans:
        assert f"orphan document file {orphan}" in caplog.text
        assert "removed 1 orphan file(s)" in caplog.text


@pytest.mark.parametrize(
    "db_url", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True
)
@pytest.mark.parametrize("where", ["between-row-and-file", "between-file-and-commit"])
def test_the_database_store_rolls_the_bytes_back_with_the_row(
    db_session: Session, fund: Fund, where: str
) -> None:
    storage = DatabaseStorage(db_session)
    _register(db_session, storage, fund, "AIF-2026-001", b"%PDF committed")
    db_session.commit()

    with pytest.raises(InjectedFault):
        _register_and_fail(db_session, storage, fund, b"%PDF rolled back", where)
    db_session.rollback()

    assert _rows(db_session) == 1
    # The bytes were written in the same transaction: nothing is left for the sweep.
    assert list(storage.iter_addresses()) == [content_address(b"%PDF committed")]
    report = sweep_orphan_files(db_session, storage, now=datetime.now(UTC) + LATER)
    assert report.removed == []
