"""Shared fixtures. Tests that need PostgreSQL or Redis skip locally when the service is
missing, but FAIL on CI (CI=true): there they must run."""

from __future__ import annotations

import os
import shutil
import socket
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import NoReturn

import pytest
from flask import Flask
from sqlalchemy import Engine, create_engine, pool, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from service import create_app
from service.clock import Clock
from service.db import make_engine
from service.domain.messages import PlainLocalizer
from service.models import Application, Fund, Partnership
from service.models.migrate import upgrade
from service.uow import Actor, UnitOfWork

ON_CI = os.environ.get("CI", "").lower() == "true"
FIXTURES = Path(__file__).parent / "fixtures"
PG_URL = os.environ.get(
    "FOERDERWERK_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
REDIS_URL = os.environ.get("FOERDERWERK_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def _reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def cannot_run(message: str) -> NoReturn:
    """What a test does without something it needs: skip locally, fail on CI."""
    if ON_CI:
        pytest.fail(f"{message} – on CI this test must run, not skip")
    pytest.skip(message)


def require_tools(*tools: str) -> None:
    """Skip locally when a program the test drives is not installed; fail on CI."""
    missing = [tool for tool in tools if shutil.which(tool) is None]
    if missing:
        cannot_run("needs " + ", ".join(missing))


def require_service(name: str, host: str, port: int) -> None:
    if not _reachable(host, port):
        cannot_run(f"{name} is not reachable at {host}:{port}")


@pytest.fixture
def app(tmp_path: Path, _sqlite_template: Path) -> Flask:
    """The app on a migrated, empty SQLite database."""
    shutil.copyfile(_sqlite_template, tmp_path / "test.sqlite3")
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key-with-enough-entropy-0123456789",
            "DATABASE_URL": "sqlite:///" + str(tmp_path / "test.sqlite3"),
            "STORAGE_PATH": str(tmp_path / "documents"),
        }
    )
    return app


# -- databases -------------------------------------------------------------------------------
# `db_url` gives every test its own freshly migrated database, on SQLite and on PostgreSQL.
# The migrations run once per backend and test session into a template; each test gets a
# copy (a file copy, or CREATE DATABASE … TEMPLATE), so tests neither collide with each other
# nor with other people's test runs on the same server, and everything is dropped afterwards.

DB_BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


def _pg_admin_engine() -> Engine:
    return create_engine(PG_URL, isolation_level="AUTOCOMMIT", poolclass=pool.NullPool)


def _pg_url(database: str) -> str:
    return make_url(PG_URL).set(database=database).render_as_string(hide_password=False)


class _PostgresDatabases:
    """Creates uniquely named databases on the test server and drops them all at the end."""

    def __init__(self) -> None:
        self.prefix = f"fw_{uuid.uuid4().hex[:10]}"
        self.created: list[str] = []
        self.engine = _pg_admin_engine()

    def create(self, template: str | None = None) -> str:
        name = f"{self.prefix}_{len(self.created)}"
        clause = f' TEMPLATE "{template}"' if template else ""
        with self.engine.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"{clause}'))
        self.created.append(name)
        return name

    def drop(self, name: str) -> None:
        with self.engine.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    def drop_all(self) -> None:
        for name in reversed(self.created):
            self.drop(name)
        self.engine.dispose()


@pytest.fixture(scope="session")
def _postgres_databases() -> Iterator[_PostgresDatabases]:
    require_service("PostgreSQL", "127.0.0.1", 5432)
    databases = _PostgresDatabases()
    yield databases
    databases.drop_all()


@pytest.fixture(scope="session")
def _postgres_template(_postgres_databases: _PostgresDatabases) -> str:
    name = _postgres_databases.create()
    upgrade(_pg_url(name))
    return name


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sqlite-template") / "template.sqlite3"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture(params=DB_BACKENDS)
def blank_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """URL of an empty, never migrated database (for the migration tests)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'blank.sqlite3'}"
        return
    databases: _PostgresDatabases = request.getfixturevalue("_postgres_databases")
    name = databases.create()
    yield _pg_url(name)
    databases.drop(name)


@pytest.fixture(params=DB_BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """URL of a freshly migrated, empty database of its own."""
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("_sqlite_template")
        path = tmp_path / "test.sqlite3"
        shutil.copyfile(template, path)
        yield f"sqlite:///{path}"
        return
    databases: _PostgresDatabases = request.getfixturevalue("_postgres_databases")
    name = databases.create(template=request.getfixturevalue("_postgres_template"))
    yield _pg_url(name)
    databases.drop(name)


@pytest.fixture
def db_engine(db_url: str) -> Iterator[Engine]:
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def db_session(db_engine: Engine) -> Iterator[Session]:
    """A session on a migrated database; the test commits or flushes as it likes."""
    with Session(db_engine, expire_on_commit=False) as session:
        yield session


# -- small builders on top of db_session ------------------------------------------------------

AIF_GUIDELINE = (FIXTURES / "guideline-aif-2026.toml").read_text(encoding="utf-8")


def make_fund(session: Session, slug: str = "musterstadt") -> Fund:
    """A partnership with the fund AIF-2026 and its example guideline, flushed."""
    partnership = Partnership(slug=slug, name=f"Partnerschaft für Demokratie {slug}")
    fund = Fund(partnership=partnership, key="AIF-2026")
    fund.add_guideline(AIF_GUIDELINE)
    session.add(fund)
    session.flush()
    return fund


@pytest.fixture
def fund(db_session: Session) -> Fund:
    return make_fund(db_session)


@pytest.fixture
def stored_application(db_session: Session, fund: Fund) -> Application:
    application = Application(fund=fund, title="Demokratiefest am Elbufer")
    db_session.add(application)
    db_session.commit()
    return application


@pytest.fixture
def demo_app(db_url: str, tmp_path: Path) -> Iterator[Flask]:
    """The app on a migrated database (SQLite and PostgreSQL) with the demo partnership."""
    from service import db
    from service.operations.demo import load_demo

    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key-with-enough-entropy-0123456789",
            "DATABASE_URL": db_url,
            # Pinned: tests/web/test_policy.py and test_staff_sessions.py build a FolderStorage
            # themselves; on PostgreSQL the default would be the database backend (issue 8).
            "STORAGE_PATH": str(tmp_path / "documents"),
        }
    )
    with app.app_context():
        load_demo(db.session())
        db.session().commit()
    yield app
    with app.app_context():
        db.engine().dispose()


@pytest.fixture(autouse=True)
def _dispose_app_engines(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Close the connection pools of every engine a test's apps created.

    create_app builds an engine per app; left to the garbage collector, a pooled PostgreSQL
    connection is closed during some later test and pytest reports it there as an
    unraisable exception (filterwarnings = error).
    """
    import service.db

    created: list[Engine] = []
    original = service.db.make_engine

    def tracking(url: str) -> Engine:
        engine = original(url)
        created.append(engine)
        return engine

    monkeypatch.setattr(service.db, "make_engine", tracking)
    yield
    for engine in created:
        engine.dispose()


def uow_on(session: Session, actor: str = "system:test") -> UnitOfWork:
    """A unit of work on a test's session: the operations' first argument outside an
    entry point (plain English messages, the real clock, no configuration)."""
    kind, _, ident = actor.partition(":")
    return UnitOfWork(
        session,
        actor=Actor(kind, ident),
        localizer=PlainLocalizer(),
        clock=Clock(),
        config={},
    )
