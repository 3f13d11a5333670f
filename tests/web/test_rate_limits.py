"""Rate limits of the anonymous side (issue 14): resume mails per address and per client,
drafts per client, the check API per client – each answered with a German 429 (a page, or JSON
for the API) with Retry-After, and each per client: a second client is not affected.

The limits are the real mechanism (service/web/ratelimit.py, counted in memory or Redis); the
tests only set small figures so that a limit is reached in a few requests."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from service import create_app, db
from service.adapters.mail.sender import wait_for_background_mail
from service.models import Application
from tests.conftest import FIXTURES, REDIS_URL, require_service

from .apply_helpers import AIF_STEPS, SLUG, csrf, mails, make_app, post_step, start

OTHER_CLIENT = "198.51.100.7"
DRAFT_ADDRESS = AIF_STEPS["antragsteller"]["email"]


@pytest.fixture
def sqlite_url(tmp_path: Path, _sqlite_template: Path) -> str:
    # the limits do not touch the database: one backend is enough
    import shutil

    shutil.copyfile(_sqlite_template, tmp_path / "limits.sqlite3")
    return f"sqlite:///{tmp_path / 'limits.sqlite3'}"


def _app(url: str, tmp_path: Path, **limits: str) -> Flask:
    return make_app(url, tmp_path, **limits)


@pytest.fixture
def limited(sqlite_url: str, tmp_path: Path) -> Iterator[Flask]:
    app = _app(
        sqlite_url,
        tmp_path,
        RATELIMIT_DRAFTS_PER_CLIENT="3 per hour",
        RATELIMIT_RESUME_PER_ADDRESS="2 per hour",
        RATELIMIT_RESUME_PER_CLIENT="4 per hour",
        RATELIMIT_CHECK_API_PER_CLIENT="3 per minute",
    )
    yield app
    with app.app_context():
        db.engine().dispose()


def _client(app: Flask, address: str = "127.0.0.1") -> FlaskClient:
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def _start_status(client: FlaskClient) -> int:
    page = client.get(f"/p/{SLUG}/").get_data(as_text=True)
    return client.post(f"/p/{SLUG}/AIF-2026/antrag", data={"csrf_token": csrf(page)}).status_code


def _applications(app: Flask) -> int:
    with app.app_context():
        return int(db.session().scalar(select(func.count(Application.id))) or 0)


def _resume(client: FlaskClient, email: str):
    page = client.get(f"/p/{SLUG}/fortsetzen").get_data(as_text=True)
    return client.post(f"/p/{SLUG}/fortsetzen", data={"csrf_token": csrf(page), "email": email})


def _assert_german_429(response, *words: str) -> None:
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    assert response.headers["Cache-Control"] == "no-store"
    text = response.get_data(as_text=True)
    assert "Zu viele Versuche" in text
    for word in words:
        assert word in text


# -- drafts per client ---------------------------------------------------------------------------


def test_drafts_per_client_get_the_german_429_page_and_another_client_still_starts(limited):
    client = _client(limited)
    before = _applications(limited)
    assert [_start_status(client) for _ in range(3)] == [302, 302, 302]
    refused = client.post(
        f"/p/{SLUG}/AIF-2026/antrag",
        data={"csrf_token": csrf(client.get(f"/p/{SLUG}/").get_data(as_text=True))},
    )
    _assert_german_429(refused, "Anträge begonnen", "Meine Anträge")
    assert "<!doctype html>" in refused.get_data(as_text=True).lower()
    assert _applications(limited) == before + 3  # the refused request created nothing

    assert _start_status(_client(limited, OTHER_CLIENT)) == 302
    assert _applications(limited) == before + 4


def test_an_ipv6_client_is_counted_by_its_64_network(limited):
    for suffix in ("1", "2", "3"):
        assert _start_status(_client(limited, f"2001:db8:0:1::{suffix}")) == 302
    assert _start_status(_client(limited, "2001:db8:0:1::ffff")) == 429
    assert _start_status(_client(limited, "2001:db8:0:2::1")) == 302


# -- resume mails per address and per client -----------------------------------------------------


def _saved_draft(client: FlaskClient) -> str:
    step1 = start(client)
    assert post_step(client, step1, AIF_STEPS["antragsteller"], action="save").status_code == 302
    return step1


def test_resume_mails_per_address_stop_after_the_limit_from_any_client(limited, tmp_path):
    _saved_draft(_client(limited, "203.0.113.9"))
    client = _client(limited)
    assert [_resume(client, DRAFT_ADDRESS).status_code for _ in range(2)] == [200, 200]
    assert wait_for_background_mail(30)  # the links are filled in after the answer
    assert len(mails(tmp_path)) == 2
    _assert_german_429(_resume(client, DRAFT_ADDRESS.upper()), "E-Mail-Adresse", "Spam-Ordner")
    # another client asking for the same address is refused as well: the address is protected
    _assert_german_429(_resume(_client(limited, OTHER_CLIENT), DRAFT_ADDRESS))
    assert len(mails(tmp_path)) == 2
    # another address from the first client is not affected by the address's limit
    assert _resume(client, "someone-else@example.org").status_code == 200


def test_an_address_without_drafts_is_limited_alike_so_the_limit_tells_nobody_who_applied(
    limited, tmp_path
):
    client = _client(limited)
    answers = [_resume(client, "niemand@example.org").status_code for _ in range(3)]
    assert answers == [200, 200, 429]
    assert wait_for_background_mail(30)
    assert mails(tmp_path) == []


def test_resume_mails_per_client_count_the_link_button_too_and_spare_other_clients(
    limited, tmp_path
):
    client = _client(limited)
    step1 = _saved_draft(client)
    app_id = step1.split("/")[-2]
    for number in range(3):
        assert _resume(client, f"person{number}@example.org").status_code == 200
    # "Link senden" on the draft is the fourth resume mail of this client
    page = client.get(step1).get_data(as_text=True)
    sent = client.post(f"/p/{SLUG}/antrag/{app_id}/link", data={"csrf_token": csrf(page)})
    assert sent.status_code == 302
    assert len(mails(tmp_path)) == 1
    _assert_german_429(_resume(client, "person9@example.org"), "Links angefordert")
    page = client.get(step1).get_data(as_text=True)
    again = client.post(f"/p/{SLUG}/antrag/{app_id}/link", data={"csrf_token": csrf(page)})
    _assert_german_429(again)
    assert len(mails(tmp_path)) == 1

    assert _resume(_client(limited, OTHER_CLIENT), "person9@example.org").status_code == 200


def test_the_link_button_is_limited_per_address(sqlite_url, tmp_path):
    app = _app(sqlite_url, tmp_path, RATELIMIT_RESUME_PER_ADDRESS="2 per hour")
    client = _client(app)
    step1 = _saved_draft(client)
    app_id = step1.split("/")[-2]

    def press() -> int:
        page = client.get(step1).get_data(as_text=True)
        url = f"/p/{SLUG}/antrag/{app_id}/link"
        return client.post(url, data={"csrf_token": csrf(page)}).status_code

    assert [press(), press(), press()] == [302, 302, 429]
    assert len(mails(tmp_path)) == 2
    with app.app_context():
        db.engine().dispose()


# -- the check API per client --------------------------------------------------------------------


def _check(client: FlaskClient, body: bytes, prefix: str = ""):
    return client.post(
        f"{prefix}/api/v1/check/application?fund=AIF-2026",
        data=body,
        content_type="application/json",
    )


def test_the_check_api_answers_german_json_429_with_retry_after_per_client(limited):
    body = (FIXTURES / "application-aif.json").read_bytes()
    client = _client(limited)
    assert [_check(client, body).status_code for _ in range(3)] == [200, 200, 200]
    refused = _check(client, body, prefix=f"/p/{SLUG}")  # the partnership's copy counts alike
    assert refused.status_code == 429
    assert refused.mimetype == "application/json"
    answer = refused.get_json()
    assert answer["status"] == 429
    assert "Prüfungen" in answer["hint"]
    assert answer["retry_after"] == int(refused.headers["Retry-After"]) > 0
    # refused before the body is read: a large body costs nothing more
    assert _check(client, b"[" + b"0," * 500_000 + b"0]").status_code == 429

    assert _check(_client(limited, OTHER_CLIENT), body).status_code == 200


def test_a_large_check_body_counts_once_more_for_every_100_kb(sqlite_url, tmp_path):
    app = _app(sqlite_url, tmp_path, RATELIMIT_CHECK_API_PER_CLIENT="12 per minute")
    client = _client(app)
    small = (FIXTURES / "application-aif.json").read_bytes()
    large = b'{"padding": "' + b"x" * (500 * 1024) + b'"}'  # 500 KB: counts 6 times
    assert _check(client, large).status_code == 400
    assert [_check(client, small).status_code for _ in range(6)] == [200] * 6
    assert _check(client, small).status_code == 429
    with app.app_context():
        db.engine().dispose()


# -- settings and stores -------------------------------------------------------------------------


def test_an_unreadable_limit_setting_stops_the_start_naming_it(sqlite_url, tmp_path):
    with pytest.raises(ValueError, match="FOERDERWERK_RATELIMIT_DRAFTS_PER_CLIENT"):
        create_app(
            {
                "TESTING": True,
                "DATABASE_URL": sqlite_url,
                "RATELIMIT_DRAFTS_PER_CLIENT": "drei pro Stunde",
            }
        )
    with pytest.raises(ValueError, match="FOERDERWERK_RATELIMIT_STORAGE"):
        create_app({"TESTING": True, "DATABASE_URL": sqlite_url, "RATELIMIT_STORAGE": "mysql://x"})


def test_an_empty_setting_switches_that_limit_off(sqlite_url, tmp_path):
    app = _app(sqlite_url, tmp_path, RATELIMIT_DRAFTS_PER_CLIENT="")
    client = _client(app)
    assert {_start_status(client) for _ in range(5)} == {302}
    with app.app_context():
        db.engine().dispose()


@pytest.mark.redis
def test_with_redis_every_server_process_counts_together(sqlite_url, tmp_path):
    """Two apps stand for two gunicorn workers: with Redis the second sees the first's
    requests; the keys are hashes, never the address itself."""
    require_service("Redis", "127.0.0.1", 6379)
    import redis

    settings = {
        "RATELIMIT_STORAGE": REDIS_URL,
        "RATELIMIT_DRAFTS_PER_CLIENT": "3 per minute",
        # a key of its own for this run: nothing left by an earlier run counts
        "SECRET_KEY": f"redis-limit-test-{uuid.uuid4().hex}-0123456789abcdef",
    }
    first = _app(sqlite_url, tmp_path / "one", **settings)
    second = _app(sqlite_url, tmp_path / "two", **settings)
    client_one, client_two = _client(first), _client(second)
    assert [_start_status(client_one), _start_status(client_two), _start_status(client_one)] == [
        302,
        302,
        302,
    ]
    assert _start_status(client_two) == 429
    assert _start_status(_client(second, OTHER_CLIENT)) == 302

    keys = [key.decode() for key in redis.Redis.from_url(REDIS_URL).keys("*foerderwerk/drafts*")]
    assert keys
    assert not any("127.0.0.1" in key or OTHER_CLIENT in key for key in keys)
    for app in (first, second):
        with app.app_context():
            db.engine().dispose()


def test_when_the_redis_store_is_away_limits_hold_in_memory_and_nothing_fails(
    sqlite_url, tmp_path, caplog
):
    app = _app(
        sqlite_url,
        tmp_path,
        RATELIMIT_STORAGE="redis://127.0.0.1:1/0",  # nothing listens on port 1
        RATELIMIT_DRAFTS_PER_CLIENT="2 per hour",
    )
    client = _client(app)
    assert [_start_status(client) for _ in range(3)] == [302, 302, 429]
    assert "rate limit store not reachable" in caplog.text
    with app.app_context():
        db.engine().dispose()


def test_the_default_limits_are_generous_enough_for_a_youth_workshop(sqlite_url, tmp_path):
    """Fifteen young people of one school network start their applications within the hour;
    the default per-client limit lets them (docs/operations.md names the figures)."""
    app = _app(sqlite_url, tmp_path)
    client = _client(app)
    assert {_start_status(client) for _ in range(15)} == {302}
    with app.app_context():
        db.engine().dispose()


def test_the_limits_json_body_is_the_error_shape_of_the_api(limited):
    client = _client(limited)
    body = json.dumps({}).encode()
    for _ in range(3):
        _check(client, body)
    answer = _check(client, body).get_json()
    assert set(answer) == {"error", "hint", "status", "retry_after"}
