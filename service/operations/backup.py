"""Backup and restore of a whole instance (R25, issue 7 item 2, issue 8).

A backup is one folder::

    MANIFEST.json                     format, time, revision, kinds, a hash of every file
    database/foerderwerk.sqlite3      SQLite: an online copy through SQLite's backup API
    database/foerderwerk.pgdump       PostgreSQL: ``pg_dump -Fc`` in one exported snapshot
    documents/ab/abcdef…              the document store, when it is a folder
    uploads/ab/abcdef…                the applicants' uploads (always a folder)

Consistency while the service runs: the database is copied first, as one snapshot; files are
written before their rows are committed and never rewritten (content-addressed), so every
file a row of the snapshot references is already on disk when the folders are copied
afterwards. Files newer than the snapshot come along unreferenced and do no harm.

Restore checks every file against the manifest before it touches anything, refuses a target
that is not empty, takes every path from the target's configuration (never from the backup),
writes the files first and the database last (so a failed restore can simply be run again),
brings an older backup up to the code's migration head, and then verifies the register, every
listed document and upload, the row counts and the audit log.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, func, inspect, pool, select, table
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session

from ..documents.backends import storage_from_config
from ..documents.register import verify_register
from ..documents.storage import (
    CHUNK_SIZE,
    DocumentNotFoundError,
    FolderStorage,
    StorageError,
    TamperedDocumentError,
    storage_kind,
)
from ..domain.messages import N_, Message
from ..models import AuditLog, Document, DocumentBlob, Upload, migrate

FORMAT = "foerderwerk-backup"
FORMAT_VERSION = 1
MANIFEST = "MANIFEST.json"
DATABASE_FILES = {
    "sqlite": "database/foerderwerk.sqlite3",
    "postgresql": "database/foerderwerk.pgdump",
}
FOLDERS = ("database", "documents", "uploads")
_ADDRESS = re.compile(r"[0-9a-f]{64}")


class BackupError(Exception):
    """Backup or restore refused or failed; ``message`` says why, for people (German)."""

    def __init__(self, message: Message) -> None:
        self.message = message
        super().__init__(message.msgid % {k: str(v) for k, v in message.params.items()})


def _error(msgid: str, **params: str | int) -> BackupError:
    return BackupError(Message(msgid, params))


# --------------------------------------------------------------------------- settings


def database_kind(url: str) -> str:
    backend = make_url(url).get_backend_name()
    if backend == "sqlite":
        return "sqlite"
    if backend in ("postgresql", "postgres"):
        return "postgresql"
    raise _error(
        N_("Backups are supported for SQLite and PostgreSQL only, not %(kind)s."), kind=backend
    )


def upload_path(config: Mapping[str, Any], instance_path: str) -> Path:
    """The applicants' upload folder, by the same rule as web/applicant/uploads.py."""
    return Path(config.get("UPLOAD_PATH") or Path(instance_path) / "uploads")


def _engine(url: str) -> Engine:
    # Its own engine without a pool: nothing stays connected after the command.
    return create_engine(url, poolclass=pool.NullPool)


# --------------------------------------------------------------------------- facts


def _audit_digest(session: Session, rows: int | None = None) -> tuple[int, str]:
    """Rows and SHA-256 over the first ``rows`` audit entries (all when None), in id order:
    equal digests mean the entries are unchanged, none lost, none altered."""
    digest = hashlib.sha256()
    count = 0
    # the columns of the first schema by name: an older database backs up with newer code
    columns = (
        AuditLog.id,
        AuditLog.partnership_id,
        AuditLog.actor,
        AuditLog.action,
        AuditLog.object_type,
        AuditLog.object_id,
        AuditLog.created_at,
        AuditLog.details,
    )
    query = select(*columns).order_by(AuditLog.id)
    if rows is not None:
        query = query.limit(rows)
    for row in session.execute(query):
        line = [*row[:6], row[6].isoformat(), row[7]]
        digest.update(json.dumps(line, sort_keys=True, default=str).encode() + b"\n")
        count += 1
    return count, digest.hexdigest()


def _table_counts(connection: Connection) -> dict[str, int]:
    names = sorted(inspect(connection).get_table_names())
    return {
        name: int(connection.scalar(select(func.count()).select_from(table(name))) or 0)
        for name in names
    }


@dataclass
class _Snapshot:
    revision: str | None
    counts: dict[str, int]
    audit_rows: int
    audit_sha256: str
    referenced_documents: list[str]
    referenced_uploads: list[str]
    # database-kind store: address → size, verified in the snapshot
    blobs: dict[str, int] = field(default_factory=dict)
    damaged: list[str] = field(default_factory=list)


def _snapshot(connection: Connection, documents_in_database: bool) -> _Snapshot:
    with Session(bind=connection) as session:
        rows, digest = _audit_digest(session)
        snapshot = _Snapshot(
            revision=MigrationContext.configure(connection).get_current_revision(),
            counts=_table_counts(connection),
            audit_rows=rows,
            audit_sha256=digest,
            referenced_documents=sorted(
                set(session.scalars(select(Document.file_sha256).distinct()))
            ),
            referenced_uploads=sorted(set(session.scalars(select(Upload.sha256).distinct()))),
        )
        if documents_in_database:
            for address in list(session.scalars(select(DocumentBlob.sha256))):
                data = session.scalar(
                    select(DocumentBlob.data).where(DocumentBlob.sha256 == address)
                )
                data = bytes(data or b"")
                if hashlib.sha256(data).hexdigest() != address:
                    snapshot.damaged.append(address)
                snapshot.blobs[address] = len(data)
    return snapshot


# --------------------------------------------------------------------------- files


def _sha256_file(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK_SIZE):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _write_file(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def _fsync(path: Path) -> None:
    with path.open("rb") as handle:
        os.fsync(handle.fileno())


def _copy_store(
    store: FolderStorage, referenced: list[str], into: Path
) -> tuple[list[str], list[str], list[str]]:
    """Every file of ``store`` plus every referenced address, verified, into ``into/ab/…``.
    Returns (copied, missing referenced, damaged)."""
    copied: list[str] = []
    missing: list[str] = []
    damaged: list[str] = []
    wanted = set(referenced)
    for address in sorted(set(store.iter_addresses()) | wanted):
        try:
            data = store.get(address)  # hash-checked: damaged bytes are not backed up
        except DocumentNotFoundError:
            if address in wanted:
                missing.append(address)
            continue
        except TamperedDocumentError:
            damaged.append(address)
            continue
        _write_file(into / address[:2] / address, data)
        copied.append(address)
    return copied, missing, damaged


# --------------------------------------------------------------------------- PostgreSQL tools


def _libpq(url: str) -> tuple[str, dict[str, str]]:
    """A libpq URI without the password, which goes into the environment (never argv)."""
    parsed = make_url(url)
    uri = URL.create(
        "postgresql",
        username=parsed.username,
        host=parsed.host,
        port=parsed.port,
        database=parsed.database,
        query=parsed.query,
    ).render_as_string(hide_password=False)
    env = dict(os.environ)
    if parsed.password is not None:
        env["PGPASSWORD"] = str(parsed.password)
    return uri, env


def _tool(name: str, connection: Connection) -> str:
    found = shutil.which(name)
    if found is None:
        raise _error(
            N_(
                "The program %(tool)s is missing. Please install the PostgreSQL client of the "
                "server's version (Debian: apt-get install postgresql-client-%(major)s)."
            ),
            tool=name,
            major=_server_major(connection),
        )
    completed = subprocess.run(  # noqa: S603 - a fixed program, no shell
        [found, "--version"], capture_output=True, text=True, check=False
    )
    version = re.search(r"(\d+)(?:\.\d+)?", completed.stdout)
    client = int(version.group(1)) if version else 0
    server = _server_major(connection)
    if client < server:
        raise _error(
            N_(
                "%(tool)s is of PostgreSQL %(client)s, the server runs PostgreSQL %(server)s. "
                "Please install the PostgreSQL client %(server)s "
                "(Debian: apt-get install postgresql-client-%(server)s)."
            ),
            tool=name,
            client=client,
            server=server,
        )
    return found


def _server_major(connection: Connection) -> int:
    return int(connection.exec_driver_sql("SHOW server_version_num").scalar_one()) // 10000


def _run(argv: list[str], env: dict[str, str], tool: str) -> None:
    completed = subprocess.run(  # noqa: S603 - fixed programs, arguments as a list
        argv, capture_output=True, text=True, env=env, check=False
    )
    if completed.returncode != 0:
        detail = (completed.stderr or completed.stdout).strip()[-2000:]
        raise _error(
            N_("%(tool)s failed (exit code %(code)s): %(detail)s"),
            tool=tool,
            code=completed.returncode,
            detail=detail,
        )


# --------------------------------------------------------------------------- backup


@dataclass
class BackupSummary:
    path: Path
    database: str
    storage: str
    revision: str | None
    registered_documents: int
    document_files: int
    uploads: int
    audit_rows: int
    total_bytes: int
    missing: list[str] = field(default_factory=list)
    damaged: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.missing or self.damaged)


def _prepare_target(target: Path) -> Path:
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise _error(
            N_(
                "%(path)s already exists and is not an empty folder. Please name a new folder "
                "for the backup; an existing backup is never overwritten."
            ),
            path=str(target),
        )
    parent = target.absolute().parent
    parent.mkdir(parents=True, exist_ok=True)
    work = parent / f".{target.name}.unfertig-{uuid.uuid4().hex[:8]}"
    work.mkdir(mode=0o700)  # personal data: for the operator's eyes only
    return work


def _sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise _error(N_("An in-memory database cannot be backed up or restored."))
    return Path(database)


def _backup_sqlite(url: str, into: Path, documents_in_database: bool) -> _Snapshot:
    source = _sqlite_path(url)
    if not source.is_file():
        raise _error(N_("The database %(path)s does not exist."), path=str(source))
    into.parent.mkdir(parents=True, exist_ok=True)
    reader = sqlite3.connect(source, timeout=30)
    copy = sqlite3.connect(into)
    try:
        reader.execute("PRAGMA busy_timeout=30000")
        # All pages in one step: one read transaction, one consistent snapshot; WAL lets the
        # service go on writing meanwhile.
        reader.backup(copy)
        # A self-contained file: no -wal next to it, so its hash stays what the manifest says
        copy.execute("PRAGMA journal_mode=DELETE")
        copy.commit()
    finally:
        copy.close()
        reader.close()
    engine = _engine(f"sqlite:///{into}")
    try:
        with engine.connect() as connection:
            return _snapshot(connection, documents_in_database)
    finally:
        engine.dispose()
        _fsync(into)


def _backup_postgresql(url: str, into: Path, documents_in_database: bool) -> _Snapshot:
    into.parent.mkdir(parents=True, exist_ok=True)
    engine = _engine(url)
    try:
        with engine.connect() as connection:
            pg_dump = _tool("pg_dump", connection)
        snapshot_connection = engine.connect().execution_options(isolation_level="REPEATABLE READ")
        with snapshot_connection as connection, connection.begin():
            # pg_dump reads the very snapshot this transaction sees, so the manifest's
            # facts (references, counts, audit digest) describe exactly the dump.
            exported = connection.exec_driver_sql("SELECT pg_export_snapshot()").scalar_one()
            snapshot = _snapshot(connection, documents_in_database)
            uri, env = _libpq(url)
            _run(
                [pg_dump, "--format=custom", f"--snapshot={exported}", f"--file={into}", uri],
                env,
                "pg_dump",
            )
    finally:
        engine.dispose()
    _fsync(into)
    return snapshot


def create_backup(config: Mapping[str, Any], instance_path: str, target: Path) -> BackupSummary:
    url = str(config["DATABASE_URL"])
    kind = database_kind(url)
    store_kind = storage_kind(config)
    work = _prepare_target(target)
    try:
        database_file = work / DATABASE_FILES[kind]
        backup = _backup_sqlite if kind == "sqlite" else _backup_postgresql
        snapshot = backup(url, database_file, store_kind == "database")
        missing: list[str] = []
        damaged = list(snapshot.damaged)
        documents: list[dict[str, Any]] = []
        if store_kind == "folder":
            copied, lost, broken = _copy_store(
                FolderStorage(config["STORAGE_PATH"]),
                snapshot.referenced_documents,
                work / "documents",
            )
            missing += lost
            damaged += broken
            documents = [{"address": a, "location": f"documents/{a[:2]}/{a}"} for a in copied]
        else:
            documents = [
                {"address": a, "size": size, "location": "database"}
                for a, size in sorted(snapshot.blobs.items())
            ]
            missing += sorted(set(snapshot.referenced_documents) - set(snapshot.blobs))
        uploads, lost, broken = _copy_store(
            FolderStorage(upload_path(config, instance_path)),
            snapshot.referenced_uploads,
            work / "uploads",
        )
        missing += lost
        damaged += broken

        files: dict[str, dict[str, Any]] = {}
        total = 0
        for path in sorted(p for p in work.rglob("*") if p.is_file()):
            digest, size = _sha256_file(path)
            files[path.relative_to(work).as_posix()] = {"sha256": digest, "size": size}
            total += size
        for entry in documents:
            if entry["location"] != "database":
                entry["size"] = files[entry["location"]]["size"]
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
            "revision": snapshot.revision,
            "database": {"kind": kind, "file": DATABASE_FILES[kind]},
            "storage": {"kind": store_kind},
            "counts": snapshot.counts,
            "audit_log": {"rows": snapshot.audit_rows, "sha256": snapshot.audit_sha256},
            "documents": documents,
            "uploads": [{"address": a, "location": f"uploads/{a[:2]}/{a}"} for a in uploads],
            "problems": {"missing": sorted(missing), "damaged": sorted(damaged)},
            "files": files,
        }
        _write_file(
            work / MANIFEST,
            json.dumps(manifest, indent=2, ensure_ascii=False).encode("utf-8") + b"\n",
        )
        if target.exists():
            target.rmdir()  # checked empty above
        os.replace(work, target)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return BackupSummary(
        path=target,
        database=kind,
        storage=store_kind,
        revision=snapshot.revision,
        registered_documents=snapshot.counts.get("document", 0),
        document_files=len(documents),
        uploads=len(uploads),
        audit_rows=snapshot.audit_rows,
        total_bytes=total,
        missing=sorted(missing),
        damaged=sorted(damaged),
    )


# --------------------------------------------------------------------------- restore


@dataclass
class RestoreSummary:
    database: str
    storage: str
    revision: str | None
    backup_revision: str | None
    created_at: str
    checked_documents: int = 0
    document_files: int = 0
    uploads: int = 0
    audit_rows: int = 0
    problems: list[Message] = field(default_factory=list)

    @property
    def upgraded(self) -> bool:
        return self.revision != self.backup_revision

    @property
    def ok(self) -> bool:
        return not self.problems


def read_manifest(source: Path) -> dict[str, Any]:
    path = source / MANIFEST
    if not source.is_dir():
        raise _error(N_("The folder %(path)s does not exist."), path=str(source))
    if not path.is_file():
        raise _error(
            N_("%(path)s is not a Förderwerk backup: MANIFEST.json is missing."), path=str(source)
        )
    try:
        manifest: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError):
        raise _error(N_("MANIFEST.json of the backup cannot be read.")) from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise _error(
            N_("%(path)s is not a Förderwerk backup: MANIFEST.json is missing."), path=str(source)
        )
    if manifest.get("format_version") != FORMAT_VERSION:
        raise _error(
            N_(
                "The backup has format version %(found)s; this version of Förderwerk reads "
                "version %(expected)s only."
            ),
            found=str(manifest.get("format_version")),
            expected=FORMAT_VERSION,
        )
    return manifest


def _safe_relative(name: str) -> bool:
    path = PurePosixPath(name)
    return (
        not path.is_absolute()
        and ".." not in path.parts
        and len(path.parts) >= 2
        and path.parts[0] in FOLDERS
    )


def verify_backup(source: Path, manifest: Mapping[str, Any]) -> int:
    """Every listed file present with its size and SHA-256, nothing unlisted; the stores'
    files named by their hash. Raises BackupError naming the first file that fails."""
    files = manifest.get("files")
    if not isinstance(files, dict):
        raise _error(N_("MANIFEST.json of the backup cannot be read."))
    damaged = N_(
        "The backup is damaged: the file %(file)s does not match the checksum in MANIFEST.json. "
        "Nothing was restored. Please use another backup."
    )
    for name, entry in sorted(files.items()):
        if not _safe_relative(name) or not isinstance(entry, dict):
            raise _error(damaged, file=name)
        path = source / name
        if not path.is_file() or path.is_symlink():
            raise _error(
                N_(
                    "The backup is incomplete: the file %(file)s is missing. Nothing was "
                    "restored. Please use another backup."
                ),
                file=name,
            )
        digest, size = _sha256_file(path)
        if digest != entry.get("sha256") or size != entry.get("size"):
            raise _error(damaged, file=name)
        parts = PurePosixPath(name).parts
        if parts[0] in ("documents", "uploads") and not (
            len(parts) == 3 and parts[2] == digest and parts[1] == digest[:2]
        ):
            raise _error(damaged, file=name)
    for folder in FOLDERS:
        for path in sorted((source / folder).rglob("*")):
            name = path.relative_to(source).as_posix()
            if (path.is_file() or path.is_symlink()) and name not in files:
                raise _error(
                    N_(
                        "The backup contains the file %(file)s, which MANIFEST.json does not "
                        "list. Nothing was restored. Please use an unchanged backup."
                    ),
                    file=name,
                )
    database = manifest.get("database") or {}
    if (
        not isinstance(database, dict)
        or database.get("kind") not in DATABASE_FILES
        or database.get("file") != DATABASE_FILES[database["kind"]]
        or database["file"] not in files
    ):
        raise _error(N_("MANIFEST.json of the backup cannot be read."))
    for entry in list(manifest.get("documents") or []) + list(manifest.get("uploads") or []):
        if not isinstance(entry, dict) or not _ADDRESS.fullmatch(str(entry.get("address"))):
            raise _error(N_("MANIFEST.json of the backup cannot be read."))
        location = entry.get("location")
        if location != "database" and (
            location not in files or PurePosixPath(str(location)).name != entry["address"]
        ):
            raise _error(
                N_(
                    "The backup is incomplete: the file %(file)s is missing. Nothing was "
                    "restored. Please use another backup."
                ),
                file=str(location),
            )
    return len(files)


def _check_revision(revision: str | None) -> None:
    if revision is None:
        raise _error(N_("MANIFEST.json of the backup cannot be read."))
    script = ScriptDirectory.from_config(migrate.alembic_config(""))
    try:
        known = script.get_revision(revision)
    except Exception:  # alembic: unknown or ambiguous revision
        known = None
    if known is None:
        raise _error(
            N_(
                "The backup was made by a newer version of Förderwerk (database revision "
                "%(revision)s). Please install that version or a newer one and restore again."
            ),
            revision=revision,
        )


def _database_tables(url: str, kind: str) -> list[str]:
    if kind == "sqlite":
        path = _sqlite_path(url)
        if not path.exists():
            return []
    engine = _engine(url)
    try:
        with engine.connect() as connection:
            if kind == "sqlite":
                rows = connection.exec_driver_sql(
                    "SELECT name FROM sqlite_master WHERE type = 'table' "
                    "AND name NOT LIKE 'sqlite_%'"
                )
            else:
                rows = connection.exec_driver_sql(
                    "SELECT table_schema || '.' || table_name FROM information_schema.tables "
                    "WHERE table_schema NOT IN ('pg_catalog', 'information_schema')"
                )
            return sorted(str(name) for (name,) in rows)
    except Exception as exc:
        if isinstance(exc, BackupError):
            raise
        raise _error(
            N_("The target database cannot be reached: %(detail)s"),
            detail=str(exc).splitlines()[0][:300],
        ) from None
    finally:
        engine.dispose()


def _foreign_files(folder: Path, allowed: set[str]) -> bool:
    """Anything in ``folder`` that a restore of this backup would not have put there."""
    if not folder.exists():
        return False
    if not folder.is_dir():
        return True
    for path in folder.rglob("*"):
        if path.is_dir():
            continue
        if not (_ADDRESS.fullmatch(path.name) and path.name in allowed):
            return True
    return False


def _restore_folder(source: Path, entries: list[dict[str, Any]], store: FolderStorage) -> int:
    for entry in entries:
        data = (source / entry["location"]).read_bytes()
        if hashlib.sha256(data).hexdigest() != entry["address"]:
            # verified a moment ago; changed since – stop rather than restore it
            raise _error(
                N_(
                    "The backup is damaged: the file %(file)s does not match the checksum in "
                    "MANIFEST.json. Nothing was restored. Please use another backup."
                ),
                file=str(entry["location"]),
            )
        store.put(data)  # content-addressed: an existing equal file is checked and kept
    return len(entries)


def _restore_sqlite(dump: Path, url: str) -> None:
    target = _sqlite_path(url)
    target.parent.mkdir(parents=True, exist_ok=True)
    reader = sqlite3.connect(f"file:{dump}?mode=ro", uri=True)
    writer = sqlite3.connect(target, timeout=30)
    try:
        # through SQLite itself, not a file copy: right even if the (empty) file is open
        reader.backup(writer)
    finally:
        writer.close()
        reader.close()


def _restore_postgresql(dump: Path, url: str) -> None:
    engine = _engine(url)
    try:
        with engine.connect() as connection:
            pg_restore = _tool("pg_restore", connection)
    finally:
        engine.dispose()
    uri, env = _libpq(url)
    _run(
        [
            pg_restore,
            "--no-owner",
            "--no-acl",
            "--exit-on-error",
            # all or nothing: a failed restore leaves the database empty, to be run again
            "--single-transaction",
            f"--dbname={uri}",
            str(dump),
        ],
        env,
        "pg_restore",
    )


def restore_backup(config: Mapping[str, Any], instance_path: str, source: Path) -> RestoreSummary:
    manifest = read_manifest(source)
    verify_backup(source, manifest)

    url = str(config["DATABASE_URL"])
    kind = database_kind(url)
    store_kind = storage_kind(config)
    backup_kind = manifest["database"]["kind"]
    backup_store = (manifest.get("storage") or {}).get("kind")
    if backup_kind != kind:
        raise _error(
            N_(
                "The backup is of a %(backup)s database, the target is %(target)s. Please "
                "restore into a database of the same kind."
            ),
            backup=backup_kind,
            target=kind,
        )
    if backup_store != store_kind:
        raise _error(
            N_(
                "The backup keeps its documents in the %(backup)s backend, the target is "
                "configured for %(target)s. Please restore with FOERDERWERK_STORAGE=%(backup)s "
                "and then run “foerderwerk storage migrate --to %(target)s”."
            ),
            backup=str(backup_store),
            target=store_kind,
        )
    backup_revision = manifest.get("revision")
    _check_revision(backup_revision)

    documents = [e for e in manifest.get("documents") or [] if e.get("location") != "database"]
    uploads = list(manifest.get("uploads") or [])
    tables = _database_tables(url, kind)
    if tables:
        raise _error(
            N_(
                "The target database is not empty (it has %(count)s tables). A restore never "
                "overwrites data. Please create a new, empty database and restore into it."
            ),
            count=len(tables),
        )
    document_folder = Path(config["STORAGE_PATH"])
    upload_folder = upload_path(config, instance_path)
    for folder, entries in ((upload_folder, uploads),) + (
        ((document_folder, documents),) if store_kind == "folder" else ()
    ):
        if _foreign_files(folder, {e["address"] for e in entries}):
            raise _error(
                N_(
                    "The folder %(path)s is not empty. A restore never overwrites data. Please "
                    "empty it or configure an empty folder."
                ),
                path=str(folder),
            )

    # Files first, the database last: until the database is there, the target still counts
    # as empty and a failed restore is simply run again.
    summary = RestoreSummary(
        database=kind,
        storage=store_kind,
        revision=backup_revision,
        backup_revision=backup_revision,
        created_at=str(manifest.get("created_at")),
    )
    if store_kind == "folder":
        summary.document_files = _restore_folder(source, documents, FolderStorage(document_folder))
    summary.uploads = _restore_folder(source, uploads, FolderStorage(upload_folder))
    dump = source / manifest["database"]["file"]
    if kind == "sqlite":
        _restore_sqlite(dump, url)
    else:
        _restore_postgresql(dump, url)

    restored = migrate.current(url)
    if restored != backup_revision:
        raise _error(
            N_(
                "The restored database is at revision %(found)s, the backup says %(expected)s. "
                "Please use another backup."
            ),
            found=str(restored),
            expected=str(backup_revision),
        )
    if restored != migrate.head():
        # An older backup is brought up to this version's schema (documented in
        # docs/operations.md); the data are checked after that.
        migrate.upgrade(url)
        summary.revision = migrate.current(url)
    _check_restored(config, manifest, summary, url, upload_folder)
    return summary


def _check_restored(
    config: Mapping[str, Any],
    manifest: Mapping[str, Any],
    summary: RestoreSummary,
    url: str,
    upload_folder: Path,
) -> None:
    engine = _engine(url)
    try:
        with Session(engine) as session:
            storage = storage_from_config(config, session)
            report = verify_register(session, storage)
            summary.checked_documents = report.checked
            if not report.ok:
                summary.problems.append(
                    Message(
                        N_(
                            "The register does not match the document store: missing "
                            "(document ids) %(missing)s; failed hash check %(tampered)s."
                        ),
                        {
                            "missing": ", ".join(map(str, report.missing)) or "–",
                            "tampered": ", ".join(map(str, report.tampered)) or "–",
                        },
                    )
                )
            listed = list(manifest.get("documents") or [])
            for entry in listed:
                try:
                    storage.get(entry["address"])
                except StorageError:
                    summary.problems.append(
                        Message(
                            N_("The document %(address)s of the backup is not readable."),
                            {"address": entry["address"]},
                        )
                    )
            if summary.storage == "database":
                summary.document_files = len(listed)
            uploads = FolderStorage(upload_folder)
            for upload in manifest.get("uploads") or []:
                try:
                    uploads.get(upload["address"])
                except StorageError:
                    summary.problems.append(
                        Message(
                            N_("The upload %(address)s of the backup is not readable."),
                            {"address": upload["address"]},
                        )
                    )
            audit = manifest.get("audit_log") or {}
            rows, digest = _audit_digest(session, int(audit.get("rows", 0)))
            summary.audit_rows = rows
            if rows != audit.get("rows") or digest != audit.get("sha256"):
                summary.problems.append(
                    Message(N_("The audit log differs from the one in the backup."))
                )
            if not summary.upgraded:
                with engine.connect() as connection:
                    counts = _table_counts(connection)
                for name, expected in sorted((manifest.get("counts") or {}).items()):
                    if counts.get(name) != expected:
                        summary.problems.append(
                            Message(
                                N_(
                                    "The table %(table)s has %(found)s rows, the backup "
                                    "%(expected)s."
                                ),
                                {
                                    "table": name,
                                    "found": int(counts.get(name) or 0),
                                    "expected": int(expected),
                                },
                            )
                        )
    finally:
        engine.dispose()
