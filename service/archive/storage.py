"""Content-addressed document store (R23).

A document's address is the SHA-256 of its bytes (64 lowercase hex digits). Storing the same
bytes twice stores them once; an address, once written, is never overwritten; every read
checks the bytes against their address and refuses to hand out anything that does not match,
so a changed byte on disk is detected and nothing is served.

The register (``register.py``) keeps the address, never a path. :class:`Storage` is the
interface every backend implements; :class:`FolderStorage` is the local-folder backend (the
embedded default); :class:`~service.archive.database_storage.DatabaseStorage` keeps the
bytes in the database for deployments on several machines (issue 8). :func:`storage_from_config`
chooses between them.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import logging
import os
import re
import tempfile
from collections.abc import Container, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from service.domain.messages import N_, Message

log = logging.getLogger(__name__)

_ADDRESS = re.compile(r"[0-9a-f]{64}")
CHUNK_SIZE = 64 * 1024
_TEMP_PREFIX = ".tmp-"


class StorageError(Exception):
    """The document store cannot do what was asked."""

    message = Message(N_("The document cannot be provided at the moment. Please try again later."))


class InvalidAddressError(StorageError, ValueError):
    """Not a content address: refused before it can name a path."""


class DocumentNotFoundError(StorageError, LookupError):
    message = Message(N_("The document file is missing. Please contact the coordination office."))

    def __init__(self, address: str) -> None:
        self.address = address
        super().__init__(f"no document stored under {address}")


class TamperedDocumentError(StorageError):
    """The stored bytes no longer match their address: never serve them (R23)."""

    message = Message(
        N_(
            "This document failed its integrity check and is not shown. Please contact "
            "the coordination office; they can provide a verified copy."
        )
    )

    def __init__(self, address: str, actual: str) -> None:
        self.address = address
        self.actual = actual
        super().__init__(f"document {address} is damaged or was changed (content hash {actual})")


class StorageWriteError(StorageError):
    """Writing failed (disk full, permissions); nothing was stored."""


def content_address(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def check_address(address: str) -> str:
    if not isinstance(address, str) or not _ADDRESS.fullmatch(address):
        raise InvalidAddressError(f"not a content address: {address!r:.80}")
    return address


@runtime_checkable
class DocumentStream(Protocol):
    """Verified bytes, in chunks: a WSGI response body (``close`` is called by the server)."""

    size: int

    def __iter__(self) -> Iterator[bytes]: ...

    def close(self) -> None: ...


@runtime_checkable
class Storage(Protocol):
    """What every document store offers. Addresses are :func:`content_address` values."""

    def put(self, data: bytes) -> str:
        """Store ``data``; return its address. Existing addresses are not rewritten."""
        ...

    def get(self, address: str) -> bytes:
        """The verified bytes; raises TamperedDocumentError or DocumentNotFoundError."""
        ...

    def exists(self, address: str) -> bool: ...

    def open_stream(self, address: str) -> DocumentStream:
        """Verified before the first chunk is produced, and checked again while streaming."""
        ...

    def iter_addresses(self) -> Iterator[str]:
        """Every stored address, in sorted order (for backup, migration, the orphan sweep)."""
        ...

    def last_put_at(self, address: str) -> datetime:
        """When ``address`` was last stored (or stored again); the orphan sweep spares
        recent files, whose register row may not be committed yet."""
        ...

    def delete(self, address: str) -> None:
        """Only for files no register row references (the orphan sweep, retention purges)."""
        ...


def _fsync_directory(path: Path) -> None:
    # The rename is durable only once the directory entry is on disk.
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # not supported by every file system; the file itself was synced
    finally:
        os.close(fd)


class _FileStream:
    """Streams an open, already verified file; re-hashes while streaming so a change between
    the check and the read ends the response instead of completing it."""

    def __init__(self, handle: Any, address: str, size: int) -> None:
        self._handle = handle
        self._address = address
        self.size = size

    def __iter__(self) -> Iterator[bytes]:
        digest = hashlib.sha256()
        try:
            self._handle.seek(0)
            # One chunk is held back until the whole file is hashed: if the bytes changed
            # after the check, the response ends one chunk short and is never complete.
            pending = b""
            while chunk := self._handle.read(CHUNK_SIZE):
                digest.update(chunk)
                if pending:
                    yield pending
                pending = chunk
            if digest.hexdigest() != self._address:
                log.error("document %s changed while it was being sent", self._address)
                raise TamperedDocumentError(self._address, digest.hexdigest())
            if pending:
                yield pending
        finally:
            self.close()

    def close(self) -> None:
        if not self._handle.closed:
            self._handle.close()


class FolderStorage:
    """Files under ``root/ab/abcdef…`` (two hex digits fan out the directory), written to a
    temporary file in the same directory, synced, then renamed into place."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)

    def __repr__(self) -> str:
        return f"FolderStorage({str(self.root)!r})"

    def _path(self, address: str) -> Path:
        check_address(address)
        return self.root / address[:2] / address

    def put(self, data: bytes) -> str:
        address = content_address(data)
        path = self._path(address)
        if path.exists():
            # Same bytes, same address: keep the file, but check it and note that it was
            # needed again so the orphan sweep does not take it from a new row.
            self.get(address)
            os.utime(path)
            return address
        directory = path.parent
        try:
            directory.mkdir(parents=True, exist_ok=True)
            fd, temp_name = tempfile.mkstemp(prefix=_TEMP_PREFIX, dir=directory)
        except OSError as exc:
            raise StorageWriteError(f"cannot write into {directory}: {exc}") from exc
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(temp_name, 0o440)
            # Two writers of the same bytes may race here; both files are identical, so
            # whichever rename wins leaves the same content under the address.
            os.replace(temp_name, path)
        except BaseException as exc:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temp_name)
            if isinstance(exc, OSError):
                if exc.errno == errno.ENOSPC:
                    log.error("document store %s is full", self.root)
                raise StorageWriteError(f"cannot store document {address}: {exc}") from exc
            raise
        _fsync_directory(directory)
        return address

    def get(self, address: str) -> bytes:
        path = self._path(address)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise DocumentNotFoundError(address) from None
        actual = content_address(data)
        if actual != address:
            log.error("document %s failed its integrity check (content hash %s)", address, actual)
            raise TamperedDocumentError(address, actual)
        return data

    def exists(self, address: str) -> bool:
        return self._path(address).is_file()

    def open_stream(self, address: str) -> DocumentStream:
        path = self._path(address)
        try:
            handle = path.open("rb")
        except FileNotFoundError:
            raise DocumentNotFoundError(address) from None
        try:
            digest = hashlib.sha256()
            size = 0
            while chunk := handle.read(CHUNK_SIZE):
                digest.update(chunk)
                size += len(chunk)
            if digest.hexdigest() != address:
                log.error("document %s failed its integrity check", address)
                raise TamperedDocumentError(address, digest.hexdigest())
        except BaseException:
            handle.close()
            raise
        return _FileStream(handle, address, size)

    def iter_addresses(self) -> Iterator[str]:
        if not self.root.is_dir():
            return
        for shard in sorted(self.root.iterdir()):
            if not (shard.is_dir() and len(shard.name) == 2):
                continue
            for entry in sorted(shard.iterdir()):
                if _ADDRESS.fullmatch(entry.name) and entry.name.startswith(shard.name):
                    yield entry.name

    def last_put_at(self, address: str) -> datetime:
        try:
            stat = self._path(address).stat()
        except FileNotFoundError:
            raise DocumentNotFoundError(address) from None
        return datetime.fromtimestamp(stat.st_mtime, UTC)

    def delete(self, address: str) -> None:
        try:
            self._path(address).unlink()
        except FileNotFoundError:
            raise DocumentNotFoundError(address) from None

    def iter_temporary_files(self) -> Iterator[Path]:
        """Leftovers of writes interrupted by a crash (a failed write removes its own)."""
        if self.root.is_dir():
            yield from sorted(self.root.glob(f"??/{_TEMP_PREFIX}*"))


STORAGE_KINDS = ("folder", "database")


def storage_kind(config: Mapping[str, Any]) -> str:
    """``STORAGE`` (``FOERDERWERK_STORAGE``) if set; otherwise ``database`` on PostgreSQL,
    where several machines share the database but no disk, and ``folder`` on SQLite, the
    embedded default on one machine."""
    kind = config.get("STORAGE")
    if kind:
        kind = str(kind).strip().lower()
        if kind not in STORAGE_KINDS:
            raise ValueError(
                f"unknown document storage {kind!r} (supported: {', '.join(STORAGE_KINDS)})"
            )
        return kind
    url = str(config.get("DATABASE_URL") or "")
    return "database" if url.startswith(("postgresql", "postgres:")) else "folder"


def bind_storage(storage: Storage, session: Any) -> Storage:
    """``storage`` working in ``session``'s transaction, where the backend has transactions
    (the database); the folder is returned as it is."""
    bound_to = getattr(storage, "bound_to", None)
    if callable(bound_to):
        rebound: Storage = bound_to(session)
        return rebound
    return storage


# --------------------------------------------------------------------------- orphan sweep

# A file is written before its register row is committed (R20); a sweep running in between
# must not take it. One hour is far longer than any request or batch item.
DEFAULT_SWEEP_GRACE = timedelta(hours=1)


@dataclass
class SweepReport:
    removed: list[str] = field(default_factory=list)
    removed_bytes: int = 0
    spared_recent: list[str] = field(default_factory=list)
    temporary_files_removed: int = 0
    dry_run: bool = False

    def summary(self) -> str:
        verb = "would remove" if self.dry_run else "removed"
        return (
            f"{verb} {len(self.removed)} orphan file(s), {self.removed_bytes} bytes; "
            f"spared {len(self.spared_recent)} recent; "
            f"{self.temporary_files_removed} temporary file(s) cleaned"
        )


def sweep_orphans(
    storage: Storage,
    referenced: Container[str],
    *,
    now: datetime | None = None,
    grace: timedelta = DEFAULT_SWEEP_GRACE,
    dry_run: bool = False,
) -> SweepReport:
    """Remove stored files no register row references, sparing those put within ``grace``.

    Each removal is logged (a warning: an orphan means a transaction failed after its file
    was written) and listed in the report.
    """
    now = now or datetime.now(UTC)
    report = SweepReport(dry_run=dry_run)
    for address in list(storage.iter_addresses()):
        if address in referenced:
            continue
        try:
            if now - storage.last_put_at(address) < grace:
                report.spared_recent.append(address)
                continue
            size = (
                len(storage.get(address))
                if dry_run
                else _size_and_delete(storage, address, now - grace)
            )
        except DocumentNotFoundError:
            continue  # removed meanwhile by another sweep
        except TamperedDocumentError:
            # Unreferenced and damaged: nothing can depend on it; remove it all the same.
            size = 0
            if not dry_run:
                try:
                    _delete(storage, address, now - grace)
                except DocumentNotFoundError:
                    continue
        report.removed.append(address)
        report.removed_bytes += size
        log.warning(
            "orphan document file %s (%d bytes) %s",
            address,
            size,
            "found" if dry_run else "removed",
        )
    if isinstance(storage, FolderStorage):
        for temp in storage.iter_temporary_files():
            age = now - datetime.fromtimestamp(temp.stat().st_mtime, UTC)
            if age >= grace:
                if not dry_run:
                    temp.unlink(missing_ok=True)
                report.temporary_files_removed += 1
    return report


def _size_and_delete(storage: Storage, address: str, put_before: datetime) -> int:
    # Read before deleting: an unverifiable size would make the report lie.
    size = len(storage.get(address))
    _delete(storage, address, put_before)
    return size


def _delete(storage: Storage, address: str, put_before: datetime) -> None:
    # A backend with transactions deletes only if nobody stored the address again since the
    # check: a put in a transaction not yet committed holds the row, and the delete waits and
    # then finds it recent (the database backend; a folder has no such window to close).
    delete_if_unused = getattr(storage, "delete_if_put_before", None)
    if callable(delete_if_unused):
        delete_if_unused(address, put_before)
    else:
        storage.delete(address)
