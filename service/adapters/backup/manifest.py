"""The backup folder and its MANIFEST.json: layout, checksums, verification, and copying
content-addressed stores in and out::

    MANIFEST.json                     format, time, revision, kinds, a hash of every file
    database/foerderwerk.sqlite3      SQLite: an online copy through SQLite's backup API
    database/foerderwerk.pgdump       PostgreSQL: ``pg_dump -Fc`` in one exported snapshot
    documents/ab/abcdef…              the document store, when it is a folder
    uploads/ab/abcdef…                the applicants' uploads (always a folder)
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from typing import Any

from ...archive.storage import (
    CHUNK_SIZE,
    DocumentNotFoundError,
    FolderStorage,
    TamperedDocumentError,
)
from ...domain.messages import N_
from .common import error

FORMAT = "foerderwerk-backup"


FORMAT_VERSION = 1


MANIFEST = "MANIFEST.json"


DATABASE_FILES = {
    "sqlite": "database/foerderwerk.sqlite3",
    "postgresql": "database/foerderwerk.pgdump",
}


FOLDERS = ("database", "documents", "uploads")


ADDRESS = re.compile(r"[0-9a-f]{64}")


def sha256_file(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK_SIZE):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def write_file(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def fsync(path: Path) -> None:
    with path.open("rb") as handle:
        os.fsync(handle.fileno())


def copy_store(
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
        write_file(into / address[:2] / address, data)
        copied.append(address)
    return copied, missing, damaged


def read_manifest(source: Path) -> dict[str, Any]:
    path = source / MANIFEST
    if not source.is_dir():
        raise error(N_("The folder %(path)s does not exist."), path=str(source))
    if not path.is_file():
        raise error(
            N_("%(path)s is not a Förderwerk backup: MANIFEST.json is missing."), path=str(source)
        )
    try:
        manifest: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError):
        raise error(N_("MANIFEST.json of the backup cannot be read.")) from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise error(
            N_("%(path)s is not a Förderwerk backup: MANIFEST.json is missing."), path=str(source)
        )
    if manifest.get("format_version") != FORMAT_VERSION:
        raise error(
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
        raise error(N_("MANIFEST.json of the backup cannot be read."))
    damaged = N_(
        "The backup is damaged: the file %(file)s does not match the checksum in MANIFEST.json. "
        "Nothing was restored. Please use another backup."
    )
    for name, entry in sorted(files.items()):
        if not _safe_relative(name) or not isinstance(entry, dict):
            raise error(damaged, file=name)
        path = source / name
        if not path.is_file() or path.is_symlink():
            raise error(
                N_(
                    "The backup is incomplete: the file %(file)s is missing. Nothing was "
                    "restored. Please use another backup."
                ),
                file=name,
            )
        digest, size = sha256_file(path)
        if digest != entry.get("sha256") or size != entry.get("size"):
            raise error(damaged, file=name)
        parts = PurePosixPath(name).parts
        if parts[0] in ("documents", "uploads") and not (
            len(parts) == 3 and parts[2] == digest and parts[1] == digest[:2]
        ):
            raise error(damaged, file=name)
    for folder in FOLDERS:
        for path in sorted((source / folder).rglob("*")):
            name = path.relative_to(source).as_posix()
            if (path.is_file() or path.is_symlink()) and name not in files:
                raise error(
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
        raise error(N_("MANIFEST.json of the backup cannot be read."))
    for entry in list(manifest.get("documents") or []) + list(manifest.get("uploads") or []):
        if not isinstance(entry, dict) or not ADDRESS.fullmatch(str(entry.get("address"))):
            raise error(N_("MANIFEST.json of the backup cannot be read."))
        location = entry.get("location")
        if location != "database" and (
            location not in files or PurePosixPath(str(location)).name != entry["address"]
        ):
            raise error(
                N_(
                    "The backup is incomplete: the file %(file)s is missing. Nothing was "
                    "restored. Please use another backup."
                ),
                file=str(location),
            )
    return len(files)


def foreign_files(folder: Path, allowed: set[str]) -> bool:
    """Anything in ``folder`` that a restore of this backup would not have put there."""
    if not folder.exists():
        return False
    if not folder.is_dir():
        return True
    for path in folder.rglob("*"):
        if path.is_dir():
            continue
        if not (ADDRESS.fullmatch(path.name) and path.name in allowed):
            return True
    return False


def restore_folder(source: Path, entries: list[dict[str, Any]], store: FolderStorage) -> int:
    for entry in entries:
        data = (source / entry["location"]).read_bytes()
        if hashlib.sha256(data).hexdigest() != entry["address"]:
            # verified a moment ago; changed since – stop rather than restore it
            raise error(
                N_(
                    "The backup is damaged: the file %(file)s does not match the checksum in "
                    "MANIFEST.json. Nothing was restored. Please use another backup."
                ),
                file=str(entry["location"]),
            )
        store.put(data)  # content-addressed: an existing equal file is checked and kept
    return len(entries)
