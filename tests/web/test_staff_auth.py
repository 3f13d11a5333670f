"""Staff login (R16) and the production configuration check (R17)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from service import create_app, db
from service.models import AuditLog, StaffUser
from service.web.auth import InsecureConfiguration, check_production_config

from .staff_support import ADMIN, KUF, STAFF, csrf, log_in, post


def _login_page(client, email, password):
    response = client.post(
        "/anmelden", data={"email": email, "password": password, "csrf_token": csrf(client)}
    )
    body = re.sub(r'value="[^"]*"', 'value=""', response.get_data(as_text=True))
    return response.status_code, body


def test_a_demo_account_signs_in_and_reaches_the_inbox(demo_app):
    client = demo_app.test_client()
    log_in(client, KUF)

    response = client.get(f"{STAFF}/antraege")

    assert response.status_code == 200
    assert "AIF-2026-" in response.get_data(as_text=True)


def test_passwords_are_stored_as_argon2id_hashes(demo_app):
    with demo_app.app_context():
        user = db.session().scalars(select(StaffUser).where(StaffUser.email == KUF)).one()
        assert user.password_hash.startswith("$argon2id$")


def test_the_service_hashes_with_argon2id_and_rfc_9106s_low_memory_parameters():
    # the suite hashes cheaply (tests/conftest.py); the service's own hasher keeps the cost
    from argon2 import Type

    from tests.conftest import SERVICE_PASSWORD_HASHER as hasher

    assert hasher.type is Type.ID
    assert (hasher.memory_cost, hasher.time_cost, hasher.parallelism) == (65536, 3, 4)
    assert hasher.hash("demo-passwort-2026").startswith("$argon2id$v=19$m=65536,t=3,p=4$")


def test_unknown_account_and_wrong_password_get_the_same_answer(demo_app):
    client = demo_app.test_client()

    unknown = _login_page(client, "nobody@demo.example", "whatever-password")
    wrong = _login_page(client, "nobody@demo.example", "demo-passwort-falsch")
    known = _login_page(client, KUF, "demo-passwort-falsch")

    assert unknown[0] == wrong[0] == known[0] == 200
    assert unknown[1] == known[1]


def test_too_many_failures_lock_the_account_for_a_while_even_with_the_right_password(demo_app):
    client = demo_app.test_client()
    for _ in range(5):
        assert _login_page(client, KUF, "falsch-falsch-falsch")[0] == 200

    status, body = _login_page(client, KUF, "demo-passwort-2026")

    assert status == 429
    assert "15" in body


def test_failures_from_one_address_are_limited_across_accounts(demo_app):
    client = demo_app.test_client()
    for number in range(20):
        _login_page(client, f"guess{number}@demo.example", "falsch-falsch-falsch")

    status, _body = _login_page(client, ADMIN, "demo-passwort-2026")

    assert status == 429


def test_a_copied_cookie_stops_working_after_logout(demo_app):
    client = demo_app.test_client()
    log_in(client, KUF)
    copied = client.get_cookie("session").value
    thief = demo_app.test_client()
    thief.set_cookie("session", copied)
    assert thief.get(f"{STAFF}/antraege").status_code == 200

    post(client, "/abmelden", {})

    response = thief.get(f"{STAFF}/antraege")
    assert response.status_code == 302
    assert "/anmelden" in response.headers["Location"]


def test_deactivating_an_account_ends_its_open_sessions(demo_app):
    kuf = demo_app.test_client()
    log_in(kuf, KUF)
    admin = demo_app.test_client()
    log_in(admin, ADMIN)
    with demo_app.app_context():
        kuf_id = db.session().scalars(select(StaffUser.id).where(StaffUser.email == KUF)).one()

    response = post(
        admin,
        f"{STAFF}/verwaltung/konten/{kuf_id}/deaktivieren",
        {},
        page=f"{STAFF}/verwaltung/konten",
    )

    assert response.status_code == 302
    assert kuf.get(f"{STAFF}/antraege").status_code == 302
    with demo_app.app_context():
        actions = db.session().scalars(select(AuditLog.action)).all()
    assert "staff.deactivate" in actions


def test_staff_pages_are_not_cached_and_carry_the_security_headers(demo_app):
    client = demo_app.test_client()
    log_in(client, KUF)

    response = client.get(f"{STAFF}/antraege")

    assert response.headers["Cache-Control"] == "no-store"
    assert "object-src 'none'" in response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_a_login_redirect_never_leaves_the_site(demo_app):
    client = demo_app.test_client()
    response = client.post(
        "/anmelden?next=//evil.example/x",
        data={"email": KUF, "password": "demo-passwort-2026", "csrf_token": csrf(client)},
    )

    assert response.status_code == 302
    assert "evil.example" not in response.headers["Location"]


# a valid site address in each, so that each configuration is refused for its own problem
SITE = "https://foerderwerk.kommune.example"


@pytest.mark.parametrize(
    "config",
    [
        {
            "ENV": "production",
            "BASE_URL": SITE,
            "DEBUG": True,
            "SECRET_KEY": "k" * 20 + "abcdefghijklmnopqrstuv",
        },
        {"ENV": "production", "BASE_URL": SITE, "SECRET_KEY": "dev-only-insecure-key"},
        {"ENV": "production", "BASE_URL": SITE, "SECRET_KEY": "short"},
        {"ENV": "production", "BASE_URL": SITE, "SECRET_KEY": "a" * 64},
        {
            "ENV": "production",
            "BASE_URL": SITE,
            "SECRET_KEY": "Zq3-vN8pL1xR7tY2mK9wB4cF6hJ0sD5gA_eU",
            "TODAY": "2026-02-20",
        },
    ],
)
def test_production_refuses_debug_a_weak_secret_key_or_a_pinned_date(config):
    with pytest.raises(InsecureConfiguration):
        check_production_config(dict(config))


def test_production_with_a_strong_key_starts_with_secure_cookies(tmp_path):
    app = create_app(
        {
            "ENV": "production",
            "BASE_URL": SITE,
            "SECRET_KEY": "Zq3-vN8pL1xR7tY2mK9wB4cF6hJ0sD5gA_eU",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}",
        }
    )

    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_create_app_refuses_to_start_in_production_with_the_default_key(tmp_path):
    with pytest.raises(InsecureConfiguration):
        create_app(
            {
                "ENV": "production",
                "BASE_URL": SITE,
                "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}",
            }
        )


def test_the_back_office_stylesheet_is_served_to_everyone(demo_app):
    with demo_app.test_client().get("/static/staff/staff.css") as response:
        assert response.status_code == 200
        assert response.mimetype == "text/css"
