"""SQLite: an online copy through SQLite's backup API, and the restore through it too."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from sqlalchemy import Connection

from ...domain.messages import N_
from .common import engine, error, sqlite_path
from .manifest import fsync

T = TypeVar("T")


def backup(url: str, into: Path, facts: Callable[[Connection], T]) -> T:
    """Copy the database at ``url`` into the file ``into``; ``facts`` read from the copy."""
    source = sqlite_path(url)
    if not source.is_file():
        raise error(N_("The database %(path)s does not exist."), path=str(source))
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
    copied = engine(f"sqlite:///{into}")
    try:
        with copied.connect() as connection:
            return facts(connection)
    finally:
        copied.dispose()
        fsync(into)


def restore(dump: Path, url: str) -> None:
    target = sqlite_path(url)
    target.parent.mkdir(parents=True, exist_ok=True)
    reader = sqlite3.connect(f"file:{dump}?mode=ro", uri=True)
    writer = sqlite3.connect(target, timeout=30)
    try:
        # through SQLite itself, not a file copy: right even if the (empty) file is open
        reader.backup(writer)
    finally:
        writer.close()
        reader.close()
