"""Staff passwords (issue 14): change with the current password, reset by an e-mailed link
that works once for 60 minutes, the same answer for known and unknown addresses, other
sessions ended, audit entries, and staff sessions that end 12 hours after the login."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from service import db
from service.adapters.mail.sender import wait_for_background_mail
from service.logs import redact
from service.models import AuditLog, OutboxMail, StaffPasswordReset, StaffSession, StaffUser
from service.models import utcnow as now
from service.operations import staff as ops
from tests.conftest import uow_on

from .apply_helpers import make_app
from .staff_support import ADMIN, KUF, STAFF, csrf, log_in, text

SITE = "https://foerderwerk.kommune.example"
OLD = "demo-passwort-2026"
NEW = "Elbfähre quert um halb neun"
FORWARDED = "198.51.100.23"


@pytest.fixture
def site(db_url: str, tmp_path: Path) -> Iterator[Flask]:
    """The demo with a configured site address, behind one proxy."""
    app = make_app(db_url, tmp_path, BASE_URL=SITE, TRUSTED_PROXIES=1)
    yield app
    with app.app_context():
        db.engine().dispose()


def _change(client, current: str, new: str, repeat: str | None = None):
    token = csrf(client, "/intern/passwort")
    return client.post(
        "/intern/passwort",
        data={
            "current": current,
            "new": new,
            "repeat": new if repeat is None else repeat,
            "csrf_token": token,
        },
        headers={"X-Forwarded-For": FORWARDED},
    )


def _can_log_in(app: Flask, email: str, password: str) -> bool:
    client = app.test_client()
    response = client.post(
        "/anmelden", data={"email": email, "password": password, "csrf_token": csrf(client)}
    )
    return response.status_code == 302


def _actions(app: Flask) -> list[AuditLog]:
    with app.app_context():
        return list(db.session().scalars(select(AuditLog).order_by(AuditLog.id)))


# -- change --------------------------------------------------------------------------------------


def test_a_signed_in_user_changes_the_password_and_every_other_session_ends(site):
    here, elsewhere = site.test_client(), site.test_client()
    log_in(here, KUF)
    log_in(elsewhere, KUF)

    response = _change(here, OLD, NEW)

    assert response.status_code == 302
    assert here.get(f"{STAFF}/antraege").status_code == 200  # this browser stays signed in
    assert elsewhere.get(f"{STAFF}/antraege").status_code == 302  # the other one is out
    assert _can_log_in(site, KUF, NEW)
    assert not _can_log_in(site, KUF, OLD)
    change = [a for a in _actions(site) if a.action == "staff.password_change"]
    assert len(change) == 1
    assert change[0].details == {"address": FORWARDED}
    assert NEW not in str([a.details for a in _actions(site)])


def test_the_change_needs_the_current_password_and_says_so_in_german(site):
    client = site.test_client()
    log_in(client, KUF)

    response = _change(client, "nicht-das-passwort", NEW)

    assert response.status_code == 422
    assert "Das ist nicht Ihr aktuelles Passwort" in text(response)
    assert 'aria-invalid="true"' in response.get_data(as_text=True)
    assert _can_log_in(site, KUF, OLD)


@pytest.mark.parametrize(
    ("new", "repeat", "message"),
    [
        ("aaaaaaaaaaaa", None, "wiederholten Zeichen"),
        ("123456789012", None, "Folgen wie 1234"),
        ("Sommer2026!!", None, "am häufigsten verwendeten"),
        ("koordinatorin-kim-1", None, None),  # fine: the account's name is Kim Koordination
        ("kurz", None, "mindestens 12 Zeichen"),
        (NEW, NEW + "x", "unterscheiden sich"),
    ],
)
def test_a_weak_or_mistyped_new_password_is_refused_at_the_field(site, new, repeat, message):
    client = site.test_client()
    log_in(client, KUF)

    response = _change(client, OLD, new, repeat)

    if message is None:
        assert response.status_code == 302
        return
    assert response.status_code == 422
    assert message in text(response)
    assert 'href="#new"' in response.get_data(as_text=True) or 'href="#repeat"' in (
        response.get_data(as_text=True)
    )
    assert _can_log_in(site, KUF, OLD)


def test_guessing_the_current_password_on_the_change_page_is_limited(site):
    client = site.test_client()
    log_in(client, KUF)
    for _ in range(ops.ACCOUNT_ADDRESS_LIMIT):
        assert _change(client, "falsch-falsch-falsch", NEW).status_code == 422

    response = _change(client, OLD, NEW)

    assert response.status_code == 422
    assert "15 Minuten" in text(response)
    assert _can_log_in(site, KUF, OLD)


def test_the_change_page_is_only_for_signed_in_staff(site):
    client = site.test_client()
    response = client.get("/intern/passwort")

    assert response.status_code == 302
    assert "/anmelden" in response.headers["Location"]


def test_the_back_office_links_to_the_change_page(site):
    client = site.test_client()
    log_in(client, KUF)

    assert 'href="/intern/passwort"' in client.get(f"{STAFF}/antraege").get_data(as_text=True)


# -- reset ---------------------------------------------------------------------------------------


def _forgot(client, email: str):
    token = csrf(client, "/anmelden/passwort-vergessen")
    return client.post(
        "/anmelden/passwort-vergessen",
        data={"email": email, "csrf_token": token},
        headers={"X-Forwarded-For": FORWARDED},
    )


def _reset_mails(app: Flask) -> list[OutboxMail]:
    assert wait_for_background_mail(30)
    with app.app_context():
        rows = db.session().scalars(select(OutboxMail).order_by(OutboxMail.id))
        return [row for row in rows if "Passwort" in row.subject]


def _link(mail: OutboxMail) -> str:
    found = re.search(r"https://\S+/anmelden/passwort-neu/\S+", mail.body)
    assert found, mail.body
    return found.group(0)


def _set_new(client, new: str, repeat: str | None = None):
    token = csrf(client, "/anmelden/passwort-neu")
    return client.post(
        "/anmelden/passwort-neu",
        data={"new": new, "repeat": new if repeat is None else repeat, "csrf_token": token},
        headers={"X-Forwarded-For": FORWARDED},
    )


def _page(response) -> str:
    body = re.sub(r'name="csrf_token" value="[^"]*"', "", response.get_data(as_text=True))
    return re.sub(r'id="email" name="email" value="[^"]*"', "", body)


def test_known_and_unknown_addresses_get_the_same_answer_and_only_accounts_a_mail(site):
    known = _forgot(site.test_client(), KUF)
    unknown = _forgot(site.test_client(), "niemand@demo.example")

    assert known.status_code == unknown.status_code == 200
    assert _page(known) == _page(unknown)
    assert "Wenn es ein Konto mit dieser Adresse gibt" in text(known)
    mails = _reset_mails(site)
    assert [m.recipient for m in mails] == [KUF]
    assert mails[0].sent_at is not None


def test_the_reset_mail_is_german_and_links_to_the_configured_site(site):
    client = site.test_client()
    _forgot(client, KUF)

    (mail,) = _reset_mails(site)

    assert mail.subject == "Neues Passwort für Förderwerk festlegen"
    assert "60 Minuten" in mail.body
    assert _link(mail).startswith(f"{SITE}/anmelden/passwort-neu/")
    with site.app_context():
        stored = db.session().scalars(select(StaffPasswordReset)).one()
        token = _link(mail).rsplit("/", 1)[1]
        assert token not in stored.token_hash  # only its SHA-256 is kept
        assert len(stored.token_hash) == 64


def test_a_reset_link_sets_a_new_password_once_and_ends_every_session(site):
    signed_in = site.test_client()
    log_in(signed_in, KUF)
    _forgot(site.test_client(), KUF)
    (mail,) = _reset_mails(site)
    browser = site.test_client()

    opened = browser.get(_link(mail).removeprefix(SITE))
    assert opened.status_code == 302
    assert opened.headers["Location"] == "/anmelden/passwort-neu"  # the token leaves the URL
    form = browser.get("/anmelden/passwort-neu")
    assert form.status_code == 200
    assert KUF in text(form)

    weak = _set_new(browser, "aaaaaaaaaaaa")
    assert weak.status_code == 422
    assert "wiederholten Zeichen" in text(weak)
    done = _set_new(browser, NEW)  # the link still works after a refused try

    assert done.status_code == 302
    assert done.headers["Location"] == "/anmelden"
    assert _can_log_in(site, KUF, NEW)
    assert not _can_log_in(site, KUF, OLD)
    assert signed_in.get(f"{STAFF}/antraege").status_code == 302
    again = site.test_client()
    again.get(_link(mail).removeprefix(SITE))
    assert again.get("/anmelden/passwort-neu").status_code == 410
    reset = [a for a in _actions(site) if a.action == "staff.password_reset"]
    assert [a.details for a in reset] == [{"address": FORWARDED}]
    requested = [a for a in _actions(site) if a.action == "staff.password_reset_request"]
    assert [a.details for a in requested] == [{"address": FORWARDED}]


def test_a_reset_link_expires_after_60_minutes(site):
    _forgot(site.test_client(), KUF)
    (mail,) = _reset_mails(site)
    with site.app_context():
        row = db.session().scalars(select(StaffPasswordReset)).one()
        assert row.expires_at - row.created_at == timedelta(minutes=60)
        row.expires_at = now() - timedelta(seconds=1)
        db.session().commit()
    browser = site.test_client()
    browser.get(_link(mail).removeprefix(SITE))

    page = browser.get("/anmelden/passwort-neu")

    assert page.status_code == 410
    assert "Dieser Link funktioniert nicht (mehr)" in text(page)
    browser.get(_link(mail).removeprefix(SITE))  # a form sent anyway changes nothing either
    token = csrf(browser, "/anmelden/passwort-vergessen")
    sent = browser.post(
        "/anmelden/passwort-neu", data={"new": NEW, "repeat": NEW, "csrf_token": token}
    )
    assert sent.status_code == 410
    assert _can_log_in(site, KUF, OLD)


def test_an_unknown_token_opens_nothing(site):
    browser = site.test_client()
    browser.get("/anmelden/passwort-neu/" + "A1b2" * 10)

    assert browser.get("/anmelden/passwort-neu").status_code == 410
    assert browser.get("/anmelden/passwort-neu").status_code == 410


def test_reset_links_are_limited_per_account_against_mail_bombing(site):
    for _ in range(ops.RESETS_PER_HOUR + 2):
        _forgot(site.test_client(), ADMIN)

    assert len(_reset_mails(site)) == ops.RESETS_PER_HOUR


def test_a_deactivated_account_gets_no_reset_link(site):
    with site.app_context():
        session = db.session()
        user = session.scalars(select(StaffUser).where(StaffUser.email == ADMIN)).one()
        ops.deactivate(uow_on(session), user)
        session.commit()

    _forgot(site.test_client(), ADMIN)

    assert _reset_mails(site) == []


def test_the_reset_token_never_reaches_the_log():
    assert "geheim" not in redact("GET /anmelden/passwort-neu/geheimesToken123 302")


# -- session lifetime ----------------------------------------------------------------------------


def test_a_staff_session_ends_12_hours_after_the_login_however_busy(demo_app):
    client = demo_app.test_client()
    log_in(client, KUF)
    assert client.get(f"{STAFF}/antraege").status_code == 200
    with demo_app.app_context():
        row = db.session().scalars(select(StaffSession)).one()
        row.created_at = now() - timedelta(hours=12, minutes=1)
        row.last_seen_at = now()  # busy until a moment ago
        db.session().commit()

    response = client.get(f"{STAFF}/antraege")

    assert response.status_code == 302
    assert "/anmelden" in response.headers["Location"]
