"""``foerderwerk db upgrade|current`` and ``foerderwerk demo`` on an empty database."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from service import create_app, db
from service.cli import cli
from service.db import make_engine
from service.models import Application, Partnership
from service.models.migrate import current, head

# on PostgreSQL too (tests/conftest.py): the migrations
pytestmark = pytest.mark.db_semantics


def _app(url: str, tmp_path: Path) -> Flask:
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key-with-enough-entropy-0123456789",
            "DATABASE_URL": url,
            "STORAGE_PATH": str(tmp_path / "documents"),
        }
    )


def _dispose(app: Flask) -> None:
    # the test database is dropped afterwards; pooled connections must not outlive it
    with app.app_context():
        db.engine().dispose()


@pytest.fixture
def blank_app(blank_db_url: str, tmp_path: Path) -> Iterator[Flask]:
    app = _app(blank_db_url, tmp_path)
    yield app
    _dispose(app)


def invoke(app: Flask, *args: str):
    return app.test_cli_runner().invoke(cli, list(args), catch_exceptions=False)


def test_db_current_reports_an_unmigrated_database_with_exit_1(blank_app: Flask):
    result = invoke(blank_app, "db", "current")

    assert result.exit_code == 1
    assert "foerderwerk db upgrade" in result.stderr


def test_db_upgrade_migrates_to_the_newest_revision(blank_app: Flask, blank_db_url: str):
    result = invoke(blank_app, "db", "upgrade")

    assert result.exit_code == 0
    assert current(blank_db_url) == head()
    assert invoke(blank_app, "db", "current").exit_code == 0


@pytest.mark.parametrize("blank_db_url", ["postgresql"], indirect=True)
@pytest.mark.postgres
def test_the_database_password_is_not_shown(blank_db_url: str, tmp_path: Path):
    # the test server trusts local connections, so any password gets in
    with_password = make_url(blank_db_url).set(password="geheim-123")
    app = _app(with_password.render_as_string(hide_password=False), tmp_path)
    try:
        upgrade = invoke(app, "db", "upgrade")
        current = invoke(app, "db", "current")
    finally:
        _dispose(app)

    assert upgrade.exit_code == current.exit_code == 0
    assert "geheim" not in upgrade.output + current.output
    assert "***" in current.output


def test_demo_refuses_an_unmigrated_database(blank_app: Flask):
    result = invoke(blank_app, "demo")

    assert result.exit_code == 1
    assert "foerderwerk db upgrade" in result.stderr


def test_demo_after_upgrade_loads_once_and_then_changes_nothing(
    blank_app: Flask, blank_db_url: str
):
    assert invoke(blank_app, "db", "upgrade").exit_code == 0

    first = invoke(blank_app, "demo")
    second = invoke(blank_app, "demo")

    assert first.exit_code == second.exit_code == 0
    assert first.output != second.output
    engine = make_engine(blank_db_url)
    try:
        with Session(engine) as session:
            assert session.scalars(select(Partnership.slug)).all() == ["boizenburg-luebtheen"]
            assert session.scalar(select(func.count()).select_from(Application)) == 14
    finally:
        engine.dispose()
