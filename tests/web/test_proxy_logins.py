"""Client addresses behind the reverse proxy and the login limits (issue 14, "global staff
lock-out"; R16).

Behind nginx every connection comes from 127.0.0.1. The app takes the client's address from
X-Forwarded-For only with FOERDERWERK_TRUSTED_PROXIES set, and counts failed logins per
account and address, per address, and per account from all addresses – so nobody can lock
another person out from one address. These tests go through the Flask test client, i.e.
through the ProxyFix-wrapped WSGI app."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask, request
from sqlalchemy import func, select

from service import create_app, db
from service.models import AuditLog, LoginAttempt, utcnow
from service.operations import staff as ops
from service.web.proxy import InvalidProxyCount
from tests.conftest import uow_on

from .apply_helpers import make_app
from .staff_support import ADMIN, KUF, LEAD, csrf

ATTACKER = "203.0.113.66"
COLLEAGUE = "198.51.100.23"
RIGHT = "demo-passwort-2026"
WRONG = "falsch-falsch-falsch"


@pytest.fixture
def proxied(db_url: str, tmp_path: Path) -> Iterator[Flask]:
    """The demo behind one trusted proxy (nginx on the same machine, as documented)."""
    app = make_app(db_url, tmp_path, TRUSTED_PROXIES=1)
    yield app
    with app.app_context():
        db.engine().dispose()


def _login(client, email: str, password: str, forwarded_for: str | None) -> int:
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    token = csrf(client)
    response = client.post(
        "/anmelden",
        data={"email": email, "password": password, "csrf_token": token},
        headers=headers,
        # the proxy is the socket peer of every request
        environ_base={"REMOTE_ADDR": "127.0.0.1"},
    )
    return response.status_code


def test_25_failed_logins_from_one_forwarded_address_do_not_stop_a_correct_login_from_another(
    proxied,
):
    # the acceptance probe of issue 14: an attacker behind the proxy guesses at the KuF's
    # account and at others; the KuF, at another address, still gets in
    attacker = proxied.test_client()
    statuses = [_login(attacker, KUF, WRONG, ATTACKER) for _ in range(10)]
    for number in range(15):
        email = (ADMIN, LEAD, f"raten{number}@demo.example")[number % 3]
        statuses.append(_login(attacker, email, WRONG, ATTACKER))

    colleague = proxied.test_client()
    assert _login(colleague, KUF, RIGHT, COLLEAGUE) == 302
    assert _login(proxied.test_client(), ADMIN, RIGHT, "192.0.2.10") == 302
    # and the attacker's address is limited: 5 guesses at one account, 20 in all
    assert statuses[:5] == [200] * 5
    assert statuses[5:10] == [429] * 5
    assert statuses[10:] == [200] * 15
    assert _login(attacker, "noch-einer@demo.example", WRONG, ATTACKER) == 429


def test_the_client_cannot_choose_its_address_by_prepending_to_x_forwarded_for(proxied):
    # nginx appends the address it saw ($proxy_add_x_forwarded_for); with one proxy only the
    # last entry counts, whatever the client put in front of it
    attacker = proxied.test_client()
    for number in range(6):
        _login(attacker, KUF, WRONG, f"10.0.0.{number}, {ATTACKER}")

    assert _login(attacker, KUF, RIGHT, f"{COLLEAGUE}, {ATTACKER}") == 429
    assert _login(proxied.test_client(), KUF, RIGHT, COLLEAGUE) == 302


def test_the_audit_log_records_the_forwarded_address(proxied):
    client = proxied.test_client()
    _login(client, KUF, WRONG, COLLEAGUE)
    _login(client, KUF, RIGHT, COLLEAGUE)

    with proxied.app_context():
        rows = db.session().scalars(
            select(AuditLog).where(AuditLog.action.in_(["staff.login", "staff.login_failed"]))
        )
        addresses = {row.action: row.details["address"] for row in rows}
    assert addresses == {"staff.login_failed": COLLEAGUE, "staff.login": COLLEAGUE}


def test_without_trusted_proxies_a_forwarded_for_header_is_ignored(demo_app):
    # TRUSTED_PROXIES=0 (the default): no proxy in front, so the header is the client's claim
    client = demo_app.test_client()
    for number in range(20):
        _login(client, f"raten{number}@demo.example", WRONG, f"192.0.2.{number}")

    # every guess counted for the real peer: changing the header does not escape the limit
    assert _login(client, ADMIN, RIGHT, COLLEAGUE) == 429
    with demo_app.app_context():
        recorded = {
            row.details["address"]
            for row in db.session().scalars(
                select(AuditLog).where(AuditLog.action.startswith("staff.login"))
            )
        }
    assert recorded == {"127.0.0.1"}


def test_a_locked_out_address_does_not_add_to_the_count_of_the_account(proxied):
    # refused attempts are not counted again: otherwise one address hammering a locked
    # account would drive the account's count (from all addresses) up to its limit
    client = proxied.test_client()
    for _ in range(12):
        _login(client, KUF, WRONG, ATTACKER)

    with proxied.app_context():
        counted = db.session().scalar(
            select(func.count()).select_from(LoginAttempt).where(LoginAttempt.email == KUF)
        )
    assert counted == ops.ACCOUNT_ADDRESS_LIMIT


def _failed_attempts(session, email: str, addresses: list[str], each: int) -> None:
    for address in addresses:
        for _ in range(each):
            session.add(
                LoginAttempt(email=email, address=ops.address_key(address), succeeded=False)
            )
    session.flush()


def test_a_distributed_attack_on_one_account_still_lets_its_usual_address_in(demo_app):
    # 20 addresses with 5 guesses each reach the limit of the account across addresses; a new
    # address must wait, the address the account signed in from before gets in
    with demo_app.app_context():
        session = db.session()
        assert ops.log_in(uow_on(session), KUF, RIGHT, COLLEAGUE).result is ops.LoginResult.ok
        _failed_attempts(session, KUF, [f"203.0.113.{n}" for n in range(20)], 5)

        from_new = ops.log_in(uow_on(session), KUF, RIGHT, "192.0.2.99")
        from_known = ops.log_in(uow_on(session), KUF, RIGHT, COLLEAGUE)
        session.rollback()

    assert from_new.result is ops.LoginResult.limited
    assert from_known.result is ops.LoginResult.ok


def test_the_addresses_of_one_ipv6_network_count_as_one(demo_app):
    # a client with an IPv6 connection has a whole /64 to pick addresses from
    with demo_app.app_context():
        session = db.session()
        _failed_attempts(
            session, "raten@demo.example", [f"2001:db8:1:2::{n:x}" for n in range(1, 21)], 1
        )

        same_network = ops.log_in(uow_on(session), ADMIN, RIGHT, "2001:db8:1:2:ffff::1")
        other_network = ops.log_in(uow_on(session), ADMIN, RIGHT, "2001:db8:1:3::1")
        session.rollback()

    assert same_network.result is ops.LoginResult.limited
    assert other_network.result is ops.LoginResult.ok


@pytest.mark.parametrize(
    ("address", "key"),
    [
        ("203.0.113.7", "203.0.113.7"),
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
        ("::ffff:203.0.113.7", "203.0.113.7"),
        ("unknown", "unknown"),
    ],
)
def test_the_key_the_limits_count_an_address_as(address, key):
    assert ops.address_key(address) == key


def test_the_limit_window_ends(demo_app):
    with demo_app.app_context():
        session = db.session()
        _failed_attempts(session, KUF, [ATTACKER], 5)
        assert ops.log_in(uow_on(session), KUF, RIGHT, ATTACKER).result is ops.LoginResult.limited
        for attempt in session.scalars(select(LoginAttempt)):
            attempt.created_at = utcnow() - ops.LIMIT_WINDOW - timedelta(seconds=1)
        assert ops.log_in(uow_on(session), KUF, RIGHT, ATTACKER).result is ops.LoginResult.ok
        session.rollback()


def _scheme_and_host_app(tmp_path: Path, proxies: int) -> Flask:
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key-with-enough-entropy-0123456789",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}",
            "BASE_URL": "https://foerderwerk.kommune.example",
            "TRUSTED_PROXIES": proxies,
        }
    )
    app.add_url_rule(
        "/_wer", "probe", lambda: f"{request.scheme} {request.host} {request.remote_addr}"
    )
    return app


def test_behind_the_proxy_scheme_and_address_come_from_it_the_host_does_not(tmp_path):
    client = _scheme_and_host_app(tmp_path, 1).test_client()

    response = client.get(
        "/_wer",
        headers={
            "Host": "foerderwerk.kommune.example",
            "X-Forwarded-For": COLLEAGUE,
            "X-Forwarded-Proto": "https",
            # never trusted: links come from BASE_URL, the host check sees nginx's Host
            "X-Forwarded-Host": "evil.example",
        },
    )

    assert response.get_data(as_text=True) == f"https foerderwerk.kommune.example {COLLEAGUE}"
    refused = client.get(
        "/_wer", headers={"Host": "evil.example", "X-Forwarded-Host": "foerderwerk.kommune.example"}
    )
    assert refused.status_code == 400


def test_without_trusted_proxies_forwarded_headers_change_nothing(tmp_path, caplog):
    client = _scheme_and_host_app(tmp_path, 0).test_client()
    headers = {
        "Host": "foerderwerk.kommune.example",
        "X-Forwarded-For": COLLEAGUE,
        "X-Forwarded-Proto": "https",
    }

    with caplog.at_level("WARNING", logger="foerderwerk.proxy"):
        first = client.get("/_wer", headers=headers).get_data(as_text=True)
        client.get("/_wer", headers=headers)

    assert first == "http foerderwerk.kommune.example 127.0.0.1"
    # the operator is told once per process that a proxy seems to be in front
    warnings = [r for r in caplog.records if r.name == "foerderwerk.proxy"]
    assert len(warnings) == 1
    assert "FOERDERWERK_TRUSTED_PROXIES" in warnings[0].getMessage()


@pytest.mark.parametrize("value", [-1, "zwei"])
def test_a_wrong_number_of_proxies_is_refused(tmp_path, value):
    with pytest.raises(InvalidProxyCount):
        _scheme_and_host_app(tmp_path, value)


def test_the_login_page_says_nothing_about_addresses(proxied):
    # the limit's answer is the same 429 page for every reason
    client = proxied.test_client()
    for _ in range(5):
        _login(client, KUF, WRONG, ATTACKER)
    page = client.post(
        "/anmelden",
        data={"email": KUF, "password": RIGHT, "csrf_token": csrf(client)},
        headers={"X-Forwarded-For": ATTACKER},
    )
    assert page.status_code == 429
    assert ATTACKER not in page.get_data(as_text=True)
    assert re.search(r"15 Minuten", page.get_data(as_text=True))
