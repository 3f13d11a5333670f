"""The content-addressed document store (R20, R23)."""

from __future__ import annotations

import hashlib
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from service.archive import storage as storage_module
from service.archive.backends import storage_from_config
from service.archive.storage import (
    DocumentNotFoundError,
    FolderStorage,
    InvalidAddressError,
    Storage,
    StorageWriteError,
    TamperedDocumentError,
    content_address,
    sweep_orphans,
)

NOTICE = b"%PDF-1.7\n" + "Zuwendungsbescheid für Jürgen Groß".encode() + bytes(range(256)) * 600


@pytest.fixture
def store(tmp_path: Path) -> FolderStorage:
    return FolderStorage(tmp_path / "documents")


def flip_byte(store: FolderStorage, address: str, offset: int = 100) -> None:
    path = store.root / address[:2] / address
    os.chmod(path, 0o640)
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x01
    path.write_bytes(bytes(data))


def files_under(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def test_the_folder_backend_implements_the_storage_interface(store: FolderStorage) -> None:
    assert isinstance(store, Storage)


def test_stored_bytes_come_back_unchanged_under_their_sha256(store: FolderStorage) -> None:
    address = store.put(NOTICE)

    assert address == hashlib.sha256(NOTICE).hexdigest()
    assert store.get(address) == NOTICE
    assert store.exists(address)


def test_the_same_bytes_get_the_same_address_and_are_stored_once(store: FolderStorage) -> None:
    first = store.put(NOTICE)
    second = store.put(NOTICE)

    assert first == second
    assert files_under(store.root) == [store.root / first[:2] / first]
    assert list(store.iter_addresses()) == [first]


def test_a_flipped_byte_on_disk_is_detected_and_nothing_is_returned(store: FolderStorage) -> None:
    address = store.put(NOTICE)
    flip_byte(store, address)

    with pytest.raises(TamperedDocumentError) as raised:
        store.get(address)

    assert raised.value.address == address
    assert raised.value.actual != address


def test_a_flipped_byte_is_detected_before_a_stream_yields_anything(store: FolderStorage) -> None:
    address = store.put(NOTICE)
    flip_byte(store, address, offset=len(NOTICE) - 1)  # in the last chunk

    with pytest.raises(TamperedDocumentError):
        store.open_stream(address)


def test_a_verified_stream_yields_the_whole_document_in_chunks(store: FolderStorage) -> None:
    address = store.put(NOTICE)

    stream = store.open_stream(address)
    chunks = list(stream)

    assert stream.size == len(NOTICE)
    assert len(chunks) > 1
    assert b"".join(chunks) == NOTICE


def test_a_file_changed_while_streaming_never_completes_the_response(
    store: FolderStorage,
) -> None:
    address = store.put(NOTICE)
    stream = store.open_stream(address)
    flip_byte(store, address, offset=len(NOTICE) - 1)

    received: list[bytes] = []

    def send() -> None:
        for chunk in stream:
            received.append(chunk)

    with pytest.raises(TamperedDocumentError):
        send()

    assert len(b"".join(received)) < len(NOTICE)


def test_storing_again_onto_a_damaged_file_reports_the_damage_instead_of_hiding_it(
    store: FolderStorage,
) -> None:
    address = store.put(NOTICE)
    flip_byte(store, address)

    with pytest.raises(TamperedDocumentError):
        store.put(NOTICE)


@pytest.mark.parametrize(
    "address",
    [
        "../../etc/passwd",
        "../" + "a" * 61,
        "/etc/passwd",
        "A" * 64,
        "g" * 64,
        "a" * 63,
        "a" * 64 + "/../x",
        "",
        "a" * 32 + "\x00" + "a" * 31,
    ],
)
def test_an_address_that_is_not_a_sha256_is_refused(store: FolderStorage, address: str) -> None:
    with pytest.raises(InvalidAddressError):
        store.get(address)
    with pytest.raises(InvalidAddressError):
        store.open_stream(address)
    with pytest.raises(InvalidAddressError):
        store.exists(address)
    with pytest.raises(InvalidAddressError):
        store.delete(address)


def test_a_missing_document_is_reported_as_missing(store: FolderStorage) -> None:
    with pytest.raises(DocumentNotFoundError):
        store.get(content_address(b"never stored"))


def test_a_failed_write_leaves_no_temporary_file_and_stores_nothing(
    store: FolderStorage, monkeypatch: pytest.MonkeyPatch
) -> None:
    def disk_full(_fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(storage_module.os, "fsync", disk_full)

    with pytest.raises(StorageWriteError):
        store.put(NOTICE)

    assert files_under(store.root) == []
    assert not store.exists(content_address(NOTICE))


def test_an_interrupted_rename_leaves_no_temporary_file(
    store: FolderStorage, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(_src: str, _dst: str) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(storage_module.os, "replace", interrupted)

    with pytest.raises(KeyboardInterrupt):
        store.put(NOTICE)

    assert files_under(store.root) == []


def test_stored_files_are_read_only(store: FolderStorage) -> None:
    address = store.put(NOTICE)

    mode = (store.root / address[:2] / address).stat().st_mode & 0o777

    assert mode & 0o222 == 0


def test_addresses_are_listed_sorted_for_backup(store: FolderStorage) -> None:
    addresses = [store.put(f"Dokument {n}".encode()) for n in range(20)]
    (store.root / "notes.txt").write_text("not a document")

    assert list(store.iter_addresses()) == sorted(addresses)


def test_the_configured_backend_is_the_folder_by_default(tmp_path: Path) -> None:
    configured = storage_from_config(
        {"STORAGE": "folder", "STORAGE_PATH": str(tmp_path)}, Session()
    )

    assert isinstance(configured, FolderStorage)
    assert configured.root == tmp_path
    with pytest.raises(ValueError, match="unknown document storage"):
        storage_from_config({"STORAGE": "s3", "STORAGE_PATH": str(tmp_path)}, Session())


# --------------------------------------------------------------------------- orphan sweep


def test_the_sweep_removes_old_unreferenced_files_and_reports_them(store: FolderStorage) -> None:
    kept = store.put(b"referenced notice")
    orphan = store.put(b"file of a rolled-back transaction")
    later = datetime.now(UTC) + timedelta(hours=2)

    report = sweep_orphans(store, {kept}, now=later)

    assert report.removed == [orphan]
    assert report.removed_bytes == len(b"file of a rolled-back transaction")
    assert list(store.iter_addresses()) == [kept]
    assert "removed 1 orphan file(s)" in report.summary()


def test_the_sweep_spares_a_file_whose_transaction_may_still_commit(store: FolderStorage) -> None:
    fresh = store.put(b"written a moment ago, row not committed yet")

    report = sweep_orphans(store, set())

    assert report.removed == []
    assert report.spared_recent == [fresh]
    assert store.exists(fresh)


def test_storing_an_old_orphan_again_protects_it_from_the_next_sweep(store: FolderStorage) -> None:
    address = store.put(NOTICE)
    past = datetime.now(UTC).timestamp() - 3 * 3600
    path = store.root / address[:2] / address
    os.utime(path, (past, past))

    store.put(NOTICE)  # a new transaction needs the same bytes
    report = sweep_orphans(store, set())

    assert report.spared_recent == [address]
    assert store.exists(address)


def test_a_dry_run_sweep_reports_without_removing(store: FolderStorage) -> None:
    orphan = store.put(b"orphan")

    report = sweep_orphans(store, set(), now=datetime.now(UTC) + timedelta(days=1), dry_run=True)

    assert report.removed == [orphan]
    assert store.exists(orphan)
    assert report.summary().startswith("would remove 1")


def test_the_sweep_cleans_temporary_files_left_by_a_crash(store: FolderStorage) -> None:
    address = store.put(NOTICE)
    leftover = store.root / address[:2] / ".tmp-crashed"
    leftover.write_bytes(b"half a file")

    report = sweep_orphans(store, {address}, now=datetime.now(UTC) + timedelta(hours=2))

    assert report.temporary_files_removed == 1
    assert not leftover.exists()
    assert store.exists(address)
