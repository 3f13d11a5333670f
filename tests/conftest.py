"""Shared fixtures. Tests that need PostgreSQL or Redis skip locally when the service is
missing, but FAIL on CI (CI=true): there they must run."""

from __future__ import annotations

import os
import shutil
import socket
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any, NoReturn

import hypothesis
import pytest
from argon2 import PasswordHasher
from flask import Flask
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from service import create_app
from service.clock import Clock
from service.db import make_engine
from service.domain.messages import PlainLocalizer
from service.models import Application, Fund, Partnership
from service.operations import staff as _staff
from service.uow import Actor, UnitOfWork
from tests.databases import PG_URL as PG_URL
from tests.databases import PostgresDatabases, Templates, install, pg_url, with_demo
from tests.examples import UNIT_EXAMPLES, UNIT_LAYER

ON_CI = os.environ.get("CI", "").lower() == "true"
FIXTURES = Path(__file__).parent / "fixtures"
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


# -- `make unit`: the fast layer ---------------------------------------------------------------
# FOERDERWERK_TEST_LAYER=unit (set by `make unit`) refuses to run a test that takes a database,
# an app or an outside service, so the unit layer stays seconds long and needs nothing but
# Python: a test that grows such a need belongs to the full suite (`make test`).
_NOT_UNIT_FIXTURES = frozenset(
    {"app", "demo_app", "db_url", "blank_db_url", "db_session", "db_engine", "_sqlite_template"}
    | {"_postgres_databases", "_postgres_template"}
)
_NOT_UNIT_MARKERS = ("postgres", "redis", "libreoffice", "browser", "db_semantics")

if UNIT_LAYER:
    # a shorter search for the properties in the fast loop; tests/examples.py says why
    hypothesis.settings.register_profile("unit", max_examples=UNIT_EXAMPLES)
    hypothesis.settings.load_profile("unit")


# -- `make test`: the long files first --------------------------------------------------------
# The files whose tests take half a minute or more in all (measured with --durations=0 on the
# 2-core CI machine), longest first. `make test` hands the files to its workers in collection
# order (--no-loadscope-reorder), so these start at once and the ~2000 short tests fill the
# gaps; started last, R21's batch alone kept one worker busy for three minutes after the others
# had finished. A file missing here only runs later; the order changes no result.
LONG_FILES = (
    "tests/batch/test_regenerate_local.py",
    "tests/documents/test_din5008.py",
    "tests/browser/test_apply_browser.py",
    "tests/batch/test_regenerate_distributed.py",
    "tests/bench/test_flood_smoke.py",
    "tests/cli/test_backup.py",
    "tests/bench/test_load_smoke.py",
    "tests/documents/test_pdf_conversion.py",
    "tests/cli/test_first_application_doc.py",
    "tests/browser/test_first_partnership_browser.py",
    "tests/browser/test_staff_browser.py",
    "tests/browser/test_admin_pages_browser.py",
    "tests/cli/test_storage_cli.py",
    "tests/browser/test_written_vote_browser.py",
)


def _long_first(item: pytest.Item) -> int:
    path = item.nodeid.split("::", 1)[0]
    return LONG_FILES.index(path) if path in LONG_FILES else len(LONG_FILES)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not UNIT_LAYER:
        items.sort(key=_long_first)  # stable: every other file keeps its place
        return
    wrong = [
        item.nodeid
        for item in items
        if _NOT_UNIT_FIXTURES.intersection(getattr(item, "fixturenames", ()))
        or any(item.get_closest_marker(name) for name in _NOT_UNIT_MARKERS)
    ]
    if wrong:
        raise pytest.UsageError(
            "make unit runs no test with a database, an app or a service:\n  " + "\n  ".join(wrong)
        )


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
# `db_url` gives every test its own freshly migrated database. The migrations (and, for the
# tests that want it, the demo partnership) run once per backend and test session into a
# template; each test gets a copy (a file copy, or CREATE DATABASE … TEMPLATE), so tests
# neither collide with each other nor with other people's test runs on the same server, and
# everything is dropped afterwards (tests/databases.py).
#
# Every test that takes a database runs on SQLite. Only tests about the database's own
# semantics also run on PostgreSQL: mark them `db_semantics` (module: `pytestmark`). That is
# locking and concurrency, constraints and triggers, column types (money, times) and their
# round trip, dumps and backups, the document storage in the database, migrations, and
# queries whose SQL differs between the two (searching, sums). A web page, a form or a CLI
# command on top of those is tested on SQLite only: PostgreSQL would run the same SQLAlchemy
# code again and mostly measure the demo copy. A test may still choose its backends itself
# with `@pytest.mark.parametrize("db_url", [...], indirect=True)`.

# older names, imported by some tests
_pg_url = pg_url
_PostgresDatabases = PostgresDatabases

DB_BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
# the fixtures whose backends pytest_generate_tests chooses
_BACKEND_FIXTURES = ("db_url", "blank_db_url")


@pytest.hookimpl(tryfirst=True)
def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """SQLite for every test that takes a database, PostgreSQL too for `db_semantics`."""
    chosen = {
        name
        for marker in metafunc.definition.iter_markers("parametrize")
        for name in (
            marker.args[0].replace(" ", "").split(",")
            if isinstance(marker.args[0], str)
            else marker.args[0]
        )
    }
    semantics = metafunc.definition.get_closest_marker("db_semantics") is not None
    for name in _BACKEND_FIXTURES:
        if name in metafunc.fixturenames and name not in chosen:
            metafunc.parametrize(name, DB_BACKENDS if semantics else ["sqlite"], indirect=True)


# Argon2id with the service's parameters (64 MiB, 3 passes) costs 0.1–0.3 s per hash and per
# login; the suite signs in thousands of times. Tests hash with the same algorithm at the
# lowest cost; test_staff_auth.py checks the parameters the service itself uses.
SERVICE_PASSWORD_HASHER = _staff._hasher
_TEST_PASSWORD_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


@pytest.fixture(scope="session", autouse=True)
def _cheap_password_hashes() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_staff, "_hasher", _TEST_PASSWORD_HASHER)
        _staff._dummy_hash.cache_clear()
        yield
    _staff._dummy_hash.cache_clear()


@pytest.fixture(scope="session", autouse=True)
def _templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Templates]:
    current = Templates(tmp_path_factory.mktemp("templates"))
    install(current)
    yield current
    install(None)
    current.close()


@pytest.fixture(scope="session")
def _postgres_databases(_templates: Templates) -> PostgresDatabases:
    require_service("PostgreSQL", "127.0.0.1", 5432)
    return _templates.postgres


@pytest.fixture(scope="session")
def _postgres_template(_postgres_databases: PostgresDatabases, _templates: Templates) -> str:
    return _templates.postgres_blank()


@pytest.fixture(scope="session")
def _sqlite_template(_templates: Templates) -> Path:
    return _templates.sqlite_blank()


@pytest.fixture
def blank_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """URL of an empty, never migrated database (for the migration tests)."""
    if getattr(request, "param", "sqlite") == "sqlite":
        yield f"sqlite:///{tmp_path / 'blank.sqlite3'}"
        return
    databases: PostgresDatabases = request.getfixturevalue("_postgres_databases")
    name = databases.create()
    yield pg_url(name)
    databases.drop_later(name)


@pytest.fixture
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """URL of a freshly migrated, empty database of its own."""
    if getattr(request, "param", "sqlite") == "sqlite":
        template: Path = request.getfixturevalue("_sqlite_template")
        path = tmp_path / "test.sqlite3"
        shutil.copyfile(template, path)
        yield f"sqlite:///{path}"
        return
    databases: PostgresDatabases = request.getfixturevalue("_postgres_databases")
    name = databases.create(template=request.getfixturevalue("_postgres_template"))
    yield pg_url(name)
    databases.drop_later(name)


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


def partnership_settings_text() -> str:
    """tests/fixtures/partnership.toml for a copy in another folder: its [annexes] (paths
    relative to the fixture) made absolute, so the copy still finds them (issue 18)."""
    text = (FIXTURES / "partnership.toml").read_text(encoding="utf-8")
    return text.replace('"../../doc_templates/', f'"{FIXTURES.parent.parent}/doc_templates/')


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
    from service.demo import STORY_DAY
    from service.operations.demo import load_demo

    # a copy of the session's demo template; loaded here only when that cannot be done
    copied = with_demo(db_url)
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
    if not copied:
        with app.app_context():
            load_demo(db.session(), STORY_DAY)
            db.session().commit()
    yield app
    with app.app_context():
        db.engine().dispose()


@pytest.fixture
def pdf_converter() -> Any:
    """The warm LibreOffice of the test process – the one the app's routes and the CLI get
    from ``get_converter()`` – shared by every test that only converts, so a session starts
    one office instead of one per module. Asked for per test: a test that closes the process
    converter gets a fresh one on the next call. Tests that stop, time out or restart an
    office make a ``PdfConverter`` of their own."""
    require_tools("soffice")
    from service.pdf import get_converter

    return get_converter()


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


def uow_on(
    session: Session, actor: str = "system:test", *, today: date | None = None
) -> UnitOfWork:
    """A unit of work on a test's session: the operations' first argument outside an
    entry point (plain English messages, the real clock or one pinned to ``today``, no
    configuration)."""
    kind, _, ident = actor.partition(":")
    return UnitOfWork(
        session,
        actor=Actor(kind, ident),
        localizer=PlainLocalizer(),
        clock=Clock(today),
        config={},
    )
