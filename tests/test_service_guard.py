"""Tests needing PostgreSQL or Redis skip on a developer's machine without them, but on CI
(CI=true) a missing service fails the test instead of hiding it behind a skip."""

from __future__ import annotations

import socket

import pytest

import tests.conftest as shared
from tests.conftest import REDIS_URL, require_service


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_a_missing_service_skips_locally(monkeypatch):
    monkeypatch.setattr(shared, "ON_CI", False)
    with pytest.raises(pytest.skip.Exception):
        require_service("Redis", "127.0.0.1", _closed_port())


def test_a_missing_service_fails_on_ci(monkeypatch):
    monkeypatch.setattr(shared, "ON_CI", True)
    with pytest.raises(pytest.fail.Exception, match="on CI this test must run"):
        require_service("Redis", "127.0.0.1", _closed_port())


@pytest.mark.redis
def test_redis_answers_on_the_machine():
    """The broker of the distributed batch (FOERDERWERK_CELERY_BROKER) is reachable and
    keeps what it is given."""
    import redis

    require_service("Redis", "127.0.0.1", 6379)
    client = redis.Redis.from_url(REDIS_URL)
    key = "foerderwerk:test:ping"
    client.set(key, "bereit", ex=10)
    assert client.get(key) == b"bereit"
    client.delete(key)
