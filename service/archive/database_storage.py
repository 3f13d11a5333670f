"""The database backend of the document store (issue 8): bytes in ``document_blob``.

For deployments on several machines (web server, Celery workers) that share PostgreSQL but no
disk. Same promises as :class:`~service.archive.storage.FolderStorage`: the address is the
SHA-256 of the bytes, an address is never rewritten, every read is checked against it.

Writes join the caller's transaction: a :class:`DatabaseStorage` works through a session – a
fixed one, or one looked up per call (the request's) – so the register row and its bytes are
committed or rolled back together and a rollback leaves no orphan (R20). Reads stream in
chunks with ``substr`` over the column, so a large document is never held in memory twice.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator
from datetime import UTC, datetime

from sqlalchemy import Connection, Engine, delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlalchemy.sql import Executable

from service.models.blob import DocumentBlob

from .storage import (
    CHUNK_SIZE,
    DocumentNotFoundError,
    DocumentStream,
    StorageWriteError,
    TamperedDocumentError,
    check_address,
    content_address,
)

log = logging.getLogger(__name__)

# Up to this size a document is read in one statement, checked and served from memory; larger
# ones are checked and then streamed chunk by chunk, re-hashed on the way (as files are).
IN_MEMORY_LIMIT = 4 * 1024 * 1024
STREAM_CHUNK_SIZE = 1024 * 1024


def _utcnow() -> datetime:
    return datetime.now(UTC)


class _BytesStream:
    """Bytes already read and verified, handed out in chunks."""

    def __init__(self, data: bytes) -> None:
        self._data: bytes | None = data
        self.size = len(data)

    def __iter__(self) -> Iterator[bytes]:
        data = self._data
        try:
            if data is None:
                return
            for start in range(0, len(data), CHUNK_SIZE):
                yield data[start : start + CHUNK_SIZE]
        finally:
            self.close()

    def close(self) -> None:
        self._data = None


class _BlobStream:
    """Chunks read one statement at a time over its own connection (the request's session may
    be closed before the server sends the body); re-hashed while streaming, the last chunk held
    back until the whole document matched its address."""

    def __init__(
        self, connection: Connection, address: str, size: int, *, owned: bool, chunk_size: int
    ) -> None:
        self._connection = connection
        self._owned = owned
        self._address = address
        self._chunk_size = chunk_size
        self.size = size

    def __iter__(self) -> Iterator[bytes]:
        digest = hashlib.sha256()
        try:
            pending = b""
            for chunk in _chunks(self._connection, self._address, self.size, self._chunk_size):
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
        if self._owned and not self._connection.closed:
            self._connection.close()


def _chunks(connection: Connection, address: str, size: int, chunk_size: int) -> Iterator[bytes]:
    # substr() counts bytes on SQLite BLOBs and PostgreSQL bytea, from 1.
    for start in range(0, size, chunk_size):
        chunk = connection.execute(
            select(func.substr(DocumentBlob.data, start + 1, chunk_size)).where(
                DocumentBlob.sha256 == address
            )
        ).scalar_one_or_none()
        if chunk is None:
            raise DocumentNotFoundError(address)
        yield bytes(chunk)


def _hash_in_chunks(connection: Connection, address: str, size: int, chunk_size: int) -> str:
    digest = hashlib.sha256()
    for chunk in _chunks(connection, address, size, chunk_size):
        digest.update(chunk)
    return digest.hexdigest()


class DatabaseStorage:
    """Document bytes in the ``document_blob`` table, written in ``session``'s transaction
    (the caller's unit of work's; :func:`~service.archive.backends.storage_from_config`).
    Nothing is committed here: the entry point commits, as for every other row.
    """

    def __init__(
        self,
        session: Session,
        *,
        in_memory_limit: int = IN_MEMORY_LIMIT,
        chunk_size: int = STREAM_CHUNK_SIZE,
    ) -> None:
        self.session = session
        self.in_memory_limit = in_memory_limit
        self.chunk_size = chunk_size

    def __repr__(self) -> str:
        return "DatabaseStorage()"

    def bound_to(self, session: Session) -> DatabaseStorage:
        """The same store working in ``session``'s transaction (see ``register_document``)."""
        return DatabaseStorage(
            session, in_memory_limit=self.in_memory_limit, chunk_size=self.chunk_size
        )

    # ----------------------------------------------------------------------------- writing

    def put(self, data: bytes) -> str:
        address = content_address(data)
        session = self.session
        now = _utcnow()
        values = {
            "sha256": address,
            "size": len(data),
            "data": data,
            "created_at": now,
            "last_put_at": now,
        }
        dialect = session.get_bind().dialect.name
        statement: Executable
        if dialect == "postgresql":
            statement = (
                postgresql.insert(DocumentBlob)
                .values(values)
                .on_conflict_do_nothing()
                .returning(DocumentBlob.sha256)
            )
        elif dialect == "sqlite":
            statement = (
                sqlite.insert(DocumentBlob)
                .values(values)
                .on_conflict_do_nothing()
                .returning(DocumentBlob.sha256)
            )
        else:  # pragma: no cover - the service runs on SQLite and PostgreSQL only
            raise StorageWriteError(f"no document storage in a {dialect} database")
        # First note the new use of an existing row: that locks it, so an orphan sweep
        # deleting it concurrently waits and then finds it recent. No row: insert; a concurrent
        # insert of the same bytes makes ours wait and then do nothing – go round once more.
        for _attempt in range(3):
            try:
                touched = session.execute(
                    update(DocumentBlob)
                    .where(DocumentBlob.sha256 == address)
                    .values(last_put_at=now)
                    .returning(DocumentBlob.sha256)
                ).first()
                if touched is None:
                    if session.execute(statement).scalar_one_or_none() is not None:
                        return address
                    continue
            except Exception as exc:
                log.error("cannot store document %s in the database: %s", address, exc)
                raise StorageWriteError(f"cannot store document {address}: {exc}") from exc
            # Same bytes again: the stored copy is checked, never rewritten.
            self._verified_size(session.connection(), address)
            return address
        raise StorageWriteError(f"cannot store document {address}: it keeps disappearing")

    def delete(self, address: str) -> None:
        check_address(address)
        deleted = self.session.execute(
            delete(DocumentBlob)
            .where(DocumentBlob.sha256 == address)
            .returning(DocumentBlob.sha256)
        ).first()
        if deleted is None:
            raise DocumentNotFoundError(address)

    def delete_if_put_before(self, address: str, put_before: datetime) -> None:
        """Delete unless the address was stored again at or after ``put_before`` (the orphan
        sweep's guard against a register row that is being committed right now)."""
        check_address(address)
        deleted = self.session.execute(
            delete(DocumentBlob)
            .where(DocumentBlob.sha256 == address, DocumentBlob.last_put_at < put_before)
            .returning(DocumentBlob.sha256)
        ).first()
        if deleted is None:
            raise DocumentNotFoundError(address)

    # ----------------------------------------------------------------------------- reading

    def _size(self, connection: Connection, address: str) -> int:
        # The length of the bytes themselves, not the size column: bytes appended to a row
        # must make its hash fail, not be cut off unseen.
        size = connection.execute(
            select(func.length(DocumentBlob.data)).where(
                DocumentBlob.sha256 == check_address(address)
            )
        ).scalar_one_or_none()
        if size is None:
            raise DocumentNotFoundError(address)
        return int(size)

    def _verified_size(self, connection: Connection, address: str) -> int:
        size = self._size(connection, address)
        actual = _hash_in_chunks(connection, address, size, self.chunk_size)
        if actual != address:
            log.error("document %s failed its integrity check (content hash %s)", address, actual)
            raise TamperedDocumentError(address, actual)
        return size

    def get(self, address: str) -> bytes:
        check_address(address)
        found = self.session.execute(
            select(DocumentBlob.data).where(DocumentBlob.sha256 == address)
        ).scalar_one_or_none()
        if found is None:
            raise DocumentNotFoundError(address)
        data = bytes(found)
        actual = content_address(data)
        if actual != address:
            log.error("document %s failed its integrity check (content hash %s)", address, actual)
            raise TamperedDocumentError(address, actual)
        return data

    def exists(self, address: str) -> bool:
        check_address(address)
        return (
            self.session.execute(
                select(DocumentBlob.sha256).where(DocumentBlob.sha256 == address)
            ).first()
            is not None
        )

    def open_stream(self, address: str) -> DocumentStream:
        check_address(address)
        session = self.session
        size = self._size(session.connection(), address)
        if size <= self.in_memory_limit:
            return _BytesStream(self.get(address))
        # A large document streams over a connection of its own, which outlives the request's
        # session. Bytes put in this very transaction are not visible there yet: read them
        # through the session's connection instead.
        connection, owned = session.connection(), False
        bind = session.get_bind()
        if isinstance(bind, Engine):
            own = bind.connect()
            if own.execute(
                select(DocumentBlob.sha256).where(DocumentBlob.sha256 == address)
            ).first():
                connection, owned = own, True
            else:
                own.close()
        try:
            self._verified_size(connection, address)
        except BaseException:
            if owned:
                connection.close()
            raise
        return _BlobStream(connection, address, size, owned=owned, chunk_size=self.chunk_size)

    def iter_addresses(self) -> Iterator[str]:
        addresses = list(
            self.session.scalars(select(DocumentBlob.sha256).order_by(DocumentBlob.sha256))
        )
        yield from addresses

    def last_put_at(self, address: str) -> datetime:
        check_address(address)
        found = self.session.execute(
            select(DocumentBlob.last_put_at).where(DocumentBlob.sha256 == address)
        ).scalar_one_or_none()
        if found is None:
            raise DocumentNotFoundError(address)
        return found
