"""``GET /healthz``: database, migrations and document storage, for monitoring – on SQLite
and PostgreSQL, with the folder and the database document store."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from flask import Flask
from sqlalchemy import create_engine, text

from service import create_app
from service.models.migrate import _script, alembic_config, head, upgrade

# on PostgreSQL too (tests/conftest.py): the migration state the database reports
pytestmark = pytest.mark.db_semantics

SECRET = "test-secret-key-with-enough-entropy-0123456789"


def _app(url: str, tmp_path: Path, **extra: object) -> Flask:
    config = {
        "TESTING": True,
        "SECRET_KEY": SECRET,
        "DATABASE_URL": url,
        "STORAGE_PATH": str(tmp_path / "documents"),
    }
    config.update(extra)
    return create_app(config)


def _health(app: Flask):
    response = app.test_client().get("/healthz")
    return response, response.get_json()


@pytest.mark.parametrize("storage", ["folder", "database"])
def test_a_migrated_service_reports_ok(db_url: str, tmp_path: Path, storage: str):
    app = _app(db_url, tmp_path, STORAGE=storage)

    response, body = _health(app)

    assert response.status_code == 200
    assert body == {
        "status": "ok",
        "checks": {"database": "ok", "migrations": "at head", "storage": "ok"},
    }
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Type"] == "application/json"
    assert "Set-Cookie" not in response.headers
    # the probe leaves nothing behind
    if storage == "folder":
        assert list((tmp_path / "documents").iterdir()) == []


def test_the_answer_names_no_path_and_no_database_address(db_url: str, tmp_path: Path):
    app = _app(db_url, tmp_path)

    text = app.test_client().get("/healthz").get_data(as_text=True)

    assert str(tmp_path) not in text
    assert "sqlite" not in text
    assert "postgresql" not in text
    assert SECRET not in text


def test_a_database_behind_the_code_is_degraded(db_url: str, tmp_path: Path):
    previous = _script().get_revision(head()).down_revision
    assert isinstance(previous, str)
    command.stamp(alembic_config(db_url), previous)
    app = _app(db_url, tmp_path, STORAGE="folder")

    response, body = _health(app)

    assert response.status_code == 503
    assert body["status"] == "degraded"
    assert body["checks"] == {"database": "ok", "migrations": "behind", "storage": "ok"}


def test_a_database_never_migrated_is_degraded(blank_db_url: str, tmp_path: Path):
    app = _app(blank_db_url, tmp_path, STORAGE="folder")

    response, body = _health(app)

    assert response.status_code == 503
    assert body["status"] == "degraded"
    assert body["checks"]["migrations"] == "not migrated"


def test_an_unreachable_database_is_an_error(tmp_path: Path):
    url = "sqlite:///" + str(tmp_path / "no-such-folder" / "db.sqlite3")
    app = _app(url, tmp_path)

    response, body = _health(app)

    assert response.status_code == 503
    assert body["status"] == "error"
    assert body["checks"]["database"] == "error"
    # the documents are on disk here, and the disk is fine
    assert body["checks"]["storage"] == "ok"


def test_an_unreachable_database_store_is_an_error_for_the_documents_too(tmp_path: Path):
    url = "sqlite:///" + str(tmp_path / "no-such-folder" / "db.sqlite3")
    app = _app(url, tmp_path, STORAGE="database")

    _response, body = _health(app)

    assert body["checks"] == {"database": "error", "migrations": "unknown", "storage": "error"}


def test_an_unwritable_document_folder_is_degraded(db_url: str, tmp_path: Path):
    # a file where the folder should be: no directory can be made there, even as root
    blocked = tmp_path / "documents-blocked"
    blocked.write_text("not a folder")
    app = _app(db_url, tmp_path, STORAGE="folder", STORAGE_PATH=str(blocked))

    response, body = _health(app)

    assert response.status_code == 503
    assert body["status"] == "degraded"
    assert body["checks"] == {"database": "ok", "migrations": "at head", "storage": "error"}
    assert str(blocked) not in response.get_data(as_text=True)


def test_health_needs_no_login_and_sets_no_cookie_even_with_a_session(app: Flask):
    client = app.test_client()
    client.get("/anmelden")  # a visit that may have started a session

    response = client.get("/healthz")

    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_a_database_newer_than_the_code_is_reported_as_unknown_revision(tmp_path: Path):
    # a rollback of the code after a migration: the database names a revision the code lacks
    url = f"sqlite:///{tmp_path / 'newer.sqlite3'}"
    upgrade(url)
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999_from_the_future'"))
    engine.dispose()
    app = _app(url, tmp_path, STORAGE="folder")

    response, body = _health(app)

    assert response.status_code == 503
    assert body["checks"]["migrations"] == "unknown revision"
