"""Shared fixtures. Tests that need PostgreSQL or Redis skip locally when the service is
missing, but FAIL on CI (CI=true): there they must run."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest
from flask import Flask

from service import create_app

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


def require_service(name: str, host: str, port: int) -> None:
    if _reachable(host, port):
        return
    message = f"{name} is not reachable at {host}:{port}"
    if ON_CI:
        pytest.fail(f"{message} – on CI this test must run, not skip")
    pytest.skip(message)


@pytest.fixture
def app(tmp_path: Path) -> Flask:
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key-with-enough-entropy-0123456789",
            "DATABASE_URL": "sqlite:///" + str(tmp_path / "test.sqlite3"),
            "STORAGE_PATH": str(tmp_path / "documents"),
        }
    )
    return app
