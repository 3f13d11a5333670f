"""Databases for tests, built once per test session and copied per test.

Migrating a database and loading the demo partnership into it cost more than most tests
themselves (the demo hashes five staff passwords with Argon2id). So both are done once per
backend and test session into a *template*, and every test gets a copy of its own:

- SQLite: the template is a file in the session's temporary folder; a test's database is a
  copy of it (the template is closed and checkpointed first, so the file holds everything);
- PostgreSQL: the template is a database on the test server; a test's database is made
  with ``CREATE DATABASE … TEMPLATE …``.

The demo template is keyed by what the demo could depend on (the real date – its rows carry
the moment they were made – and a pinned FOERDERWERK_TODAY), so a session that crosses
midnight or changes the pin builds a new one instead of reusing a stale copy.

A copy is exactly what loading the demo into the empty migrated database gives: the loader
only adds rows, and sequences travel with the copy. ``put_demo`` therefore swaps the demo in
only while the database is still an untouched copy of the empty template; a database that
already holds something (a test building a second app on the same database) gets the
idempotent ``load_demo`` as before.
"""

from __future__ import annotations

import contextlib
import filecmp
import os
import queue
import shutil
import threading
import uuid
from collections.abc import Hashable
from datetime import date
from pathlib import Path

from sqlalchemy import Engine, create_engine, pool, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

PG_URL = os.environ.get(
    "FOERDERWERK_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def pg_url(database: str) -> str:
    return make_url(PG_URL).set(database=database).render_as_string(hide_password=False)


def demo_key() -> Hashable:
    """What the demo's rows could depend on besides the code."""
    return (date.today().isoformat(), os.environ.get("FOERDERWERK_TODAY"))


class PostgresDatabases:
    """Creates uniquely named databases on the test server and drops them all at the end."""

    def __init__(self) -> None:
        self.prefix = f"fw_{uuid.uuid4().hex[:10]}"
        self.created: list[str] = []
        self.dropped: set[str] = set()
        self._queue: queue.Queue[str | None] = queue.Queue()
        self._dropper: threading.Thread | None = None
        self.engine: Engine = create_engine(
            PG_URL, isolation_level="AUTOCOMMIT", poolclass=pool.NullPool
        )

    def create(self, template: str | None = None, name: str | None = None) -> str:
        name = name or f"{self.prefix}_{len(self.created)}"
        clause = f' TEMPLATE "{template}"' if template else ""
        with self.engine.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"{clause}'))
        if name not in self.created:
            self.created.append(name)
        self.dropped.discard(name)
        return name

    def drop(self, name: str) -> None:
        with self.engine.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        self.dropped.add(name)

    def drop_later(self, name: str) -> None:
        """Drop a test's database in a background thread: DROP DATABASE waits for
        PostgreSQL's checkpoint (0.4–1 s), which the next test need not wait for."""
        if self._dropper is None:
            self._dropper = threading.Thread(target=self._drop_queued, daemon=True)
            self._dropper.start()
        self._queue.put(name)

    def _drop_queued(self) -> None:
        while (name := self._queue.get()) is not None:
            # a failure here is retried by drop_all at the end of the session
            with contextlib.suppress(Exception):
                self.drop(name)

    def owns(self, url: str) -> str | None:
        """The name of the database ``url`` points to when this session created it."""
        parsed = make_url(url)
        server = make_url(PG_URL)
        if (parsed.host, parsed.port) != (server.host, server.port):
            return None
        return parsed.database if parsed.database in self.created else None

    def drop_all(self) -> None:
        if self._dropper is not None:
            self._queue.put(None)
            self._dropper.join()
        for name in reversed(self.created):
            if name not in self.dropped:
                self.drop(name)
        self.engine.dispose()


def _load_demo(url: str) -> None:
    from service.db import make_engine
    from service.demo import STORY_DAY
    from service.operations.demo import load_demo

    engine = make_engine(url)
    try:
        with Session(engine) as session:
            load_demo(session, STORY_DAY)
            session.commit()
        if url.startswith("sqlite"):
            with engine.connect() as connection:
                # everything into the main file before it is copied
                connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        engine.dispose()


def _copy_sqlite(source: Path, target: Path) -> None:
    for suffix in ("-wal", "-shm", "-journal"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(source, target)


class Templates:
    """The session's templates: migrated (empty) and migrated with the demo, per backend."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._sqlite: dict[Hashable, Path] = {}
        self._postgres: dict[Hashable, str] = {}
        self._databases: PostgresDatabases | None = None

    # -- SQLite ------------------------------------------------------------------------------
    def sqlite_blank(self) -> Path:
        if "blank" not in self._sqlite:
            from service.models.migrate import upgrade

            path = self.folder / "template.sqlite3"
            upgrade(f"sqlite:///{path}")
            self._sqlite["blank"] = path
        return self._sqlite["blank"]

    def sqlite_demo(self) -> Path:
        key = ("demo", demo_key())
        if key not in self._sqlite:
            path = self.folder / f"demo-{len(self._sqlite)}.sqlite3"
            _copy_sqlite(self.sqlite_blank(), path)
            _load_demo(f"sqlite:///{path}")
            self._sqlite[key] = path
        return self._sqlite[key]

    # -- PostgreSQL --------------------------------------------------------------------------
    @property
    def postgres(self) -> PostgresDatabases:
        if self._databases is None:
            self._databases = PostgresDatabases()
        return self._databases

    def postgres_blank(self) -> str:
        if "blank" not in self._postgres:
            from service.models.migrate import upgrade

            name = self.postgres.create()
            upgrade(pg_url(name))
            self._postgres["blank"] = name
        return self._postgres["blank"]

    def postgres_demo(self) -> str:
        key = ("demo", demo_key())
        if key not in self._postgres:
            name = self.postgres.create(template=self.postgres_blank())
            _load_demo(pg_url(name))
            self._postgres[key] = name
        return self._postgres[key]

    # -- the demo in a test's database -------------------------------------------------------
    def put_demo(self, url: str) -> bool:
        """Make the database at ``url`` a copy of the demo template if it is still an
        untouched copy of the empty one; False when it is not (the caller loads the demo)."""
        if url.startswith("sqlite:///"):
            path = Path(make_url(url).database or "")
            blank = self.sqlite_blank()
            wal = Path(f"{path}-wal")
            if not path.is_file() or (wal.exists() and wal.stat().st_size):
                return False
            if not filecmp.cmp(path, blank, shallow=False):
                return False
            _copy_sqlite(self.sqlite_demo(), path)
            return True
        if self._databases is None:
            return False
        name = self._databases.owns(url)
        if name is None or name in self._postgres.values() or not _is_empty(url):
            return False
        template = self.postgres_demo()
        self._databases.drop(name)
        self._databases.create(template=template, name=name)
        return True

    def close(self) -> None:
        if self._databases is not None:
            self._databases.drop_all()


def _is_empty(url: str) -> bool:
    """No rows in any table of the models (the migrated, never used database)."""
    from service.models import Base

    engine = create_engine(url, poolclass=pool.NullPool)
    try:
        with engine.connect() as connection:
            for table in Base.metadata.sorted_tables:
                if connection.execute(table.select().limit(1)).first() is not None:
                    return False
        return True
    finally:
        engine.dispose()


_current: Templates | None = None


def templates() -> Templates:
    """The running test session's templates (set up by tests/conftest.py)."""
    if _current is None:
        raise RuntimeError("the test session's database templates are not set up")
    return _current


def install(current: Templates | None) -> None:
    global _current
    _current = current


def with_demo(url: str) -> bool:
    """Put the demo partnership into the test database at ``url`` by copying the template;
    False when that cannot be done and the caller must run ``load_demo`` itself."""
    return _current is not None and _current.put_demo(url)
