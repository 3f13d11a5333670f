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

import functools
import hashlib
import json
import os
import shutil
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, func, inspect, select, table
from sqlalchemy.orm import Session

from ..adapters.backup import postgres, sqlite
from ..adapters.backup.common import BackupError, database_kind, database_tables, engine, error
from ..adapters.backup.manifest import (
    DATABASE_FILES,
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    copy_store,
    foreign_files,
    read_manifest,
    restore_folder,
    sha256_file,
    verify_backup,
    write_file,
)
from ..archive.backends import storage_from_config
from ..archive.register import verify_register
from ..archive.storage import FolderStorage, StorageError, storage_kind
from ..domain.messages import N_, Message
from ..models import AuditLog, Document, DocumentBlob, Upload, migrate

__all__ = [
    "BackupError",
    "BackupSummary",
    "RestoreSummary",
    "create_backup",
    "database_kind",
    "read_manifest",
    "restore_backup",
    "upload_path",
    "verify_backup",
]


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
            revision=migrate.current_revision(connection),
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
        raise error(
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


def create_backup(config: Mapping[str, Any], instance_path: str, target: Path) -> BackupSummary:
    url = str(config["DATABASE_URL"])
    kind = database_kind(url)
    store_kind = storage_kind(config)
    work = _prepare_target(target)
    try:
        database_file = work / DATABASE_FILES[kind]
        backup = sqlite.backup if kind == "sqlite" else postgres.backup
        snapshot = backup(
            url,
            database_file,
            functools.partial(_snapshot, documents_in_database=store_kind == "database"),
        )
        missing: list[str] = []
        damaged = list(snapshot.damaged)
        documents: list[dict[str, Any]] = []
        if store_kind == "folder":
            copied, lost, broken = copy_store(
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
        uploads, lost, broken = copy_store(
            FolderStorage(upload_path(config, instance_path)),
            snapshot.referenced_uploads,
            work / "uploads",
        )
        missing += lost
        damaged += broken

        files: dict[str, dict[str, Any]] = {}
        total = 0
        for path in sorted(p for p in work.rglob("*") if p.is_file()):
            digest, size = sha256_file(path)
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
        write_file(
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


def _check_revision(revision: str | None) -> None:
    if revision is None:
        raise error(N_("MANIFEST.json of the backup cannot be read."))
    if not migrate.is_known_revision(revision):
        raise error(
            N_(
                "The backup was made by a newer version of Förderwerk (database revision "
                "%(revision)s). Please install that version or a newer one and restore again."
            ),
            revision=revision,
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
        raise error(
            N_(
                "The backup is of a %(backup)s database, the target is %(target)s. Please "
                "restore into a database of the same kind."
            ),
            backup=backup_kind,
            target=kind,
        )
    if backup_store != store_kind:
        raise error(
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
    tables = database_tables(url, kind)
    if tables:
        raise error(
            N_(
                "The target database is not empty (tables: %(count)s). A restore never "
                "overwrites data. Please create a new, empty database and restore into it."
            ),
            count=len(tables),
        )
    document_folder = Path(config["STORAGE_PATH"])
    upload_folder = upload_path(config, instance_path)
    for folder, entries in ((upload_folder, uploads),) + (
        ((document_folder, documents),) if store_kind == "folder" else ()
    ):
        if foreign_files(folder, {e["address"] for e in entries}):
            raise error(
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
        summary.document_files = restore_folder(source, documents, FolderStorage(document_folder))
    summary.uploads = restore_folder(source, uploads, FolderStorage(upload_folder))
    dump = source / manifest["database"]["file"]
    if kind == "sqlite":
        sqlite.restore(dump, url)
    else:
        postgres.restore(dump, url)

    restored = migrate.current(url)
    if restored != backup_revision:
        raise error(
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
    database = engine(url)
    try:
        with Session(database) as session:
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
                with database.connect() as connection:
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
        database.dispose()


def upload_path(config: Mapping[str, Any], instance_path: str) -> Path:
    """The applicants' upload folder, by the same rule as web/applicant/uploads.py."""
    return Path(config.get("UPLOAD_PATH") or Path(instance_path) / "uploads")
