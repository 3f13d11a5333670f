"""Links in e-mails and documents point to the configured site, never to the request's Host
(issue 14, "Host header poisoning"): a resume request sent with ``Host: evil.example`` must
not mail the victim a link – with their access token – to evil.example."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from service import db
from service.adapters.mail.sender import wait_for_background_mail
from service.links import InvalidBaseUrl, parse_base_url, site_url, trusted_hosts
from service.web.auth import InsecureConfiguration, check_production_config

from .apply_helpers import SLUG, csrf, mails, make_app
from .test_apply_drafts import _draft_with_email

SITE = "https://foerderwerk.kommune.example"


@pytest.fixture
def site_app(db_url: str, tmp_path: Path) -> Iterator[Flask]:
    app = make_app(db_url, tmp_path, BASE_URL=SITE)
    yield app
    with app.app_context():
        db.engine().dispose()


def _ask_for_link(client, host: str, page_host: str = "foerderwerk.kommune.example") -> int:
    # the test client keeps cookies per host: the form comes from page_host
    page = client.get(f"/p/{SLUG}/fortsetzen", headers={"Host": page_host})
    response = client.post(
        f"/p/{SLUG}/fortsetzen",
        data={"csrf_token": csrf(page.get_data(as_text=True)), "email": "kontakt@elbufer.example"},
        headers={"Host": host},
    )
    return response.status_code


def test_a_request_for_another_host_is_refused_and_mails_nothing(site_app, tmp_path):
    client = site_app.test_client()
    client.environ_base["HTTP_HOST"] = "foerderwerk.kommune.example"
    _draft_with_email(client)
    before = len(mails(tmp_path))
    assert _ask_for_link(client, "evil.example") == 400
    assert len(mails(tmp_path)) == before


def test_the_resume_link_names_the_configured_site_whatever_host_the_request_named(
    db_url, tmp_path
):
    # even with the host check switched off (TRUSTED_HOSTS = [] admits every host), the link
    # is built from BASE_URL alone
    app = make_app(db_url, tmp_path, BASE_URL=SITE, TRUSTED_HOSTS=[])
    client = app.test_client()
    client.environ_base["HTTP_HOST"] = "evil.example"
    _draft_with_email(client)
    assert _ask_for_link(client, "evil.example", page_host="evil.example") == 200
    assert wait_for_background_mail(30)  # the links are filled in after the answer
    text = mails(tmp_path)[-1]
    assert "evil.example" not in text
    assert re.search(rf"{re.escape(SITE)}/p/{SLUG}/fortsetzen/[A-Za-z0-9_\-]+", text)
    with app.app_context():
        db.engine().dispose()


def test_links_are_built_outside_a_request_with_the_sites_path_prefix(app):
    app.config["BASE_URL"] = "https://www.kommune.example/foerderwerk/"
    with app.app_context():  # no request: a mail sender thread, cron, a worker
        link = site_url("apply.mine", slug="musterstadt")
    assert link == "https://www.kommune.example/foerderwerk/p/musterstadt/meine-antraege"


def test_the_trusted_hosts_are_the_sites_the_loopback_names_and_configured_extras():
    config = {
        "BASE_URL": "https://Foerderwerk.Kommune.example:8443",
        "TRUSTED_HOSTS_EXTRA": "alt.example",
    }
    assert trusted_hosts(config) == [
        "foerderwerk.kommune.example",
        "localhost",
        "127.0.0.1",
        "::1",
        "alt.example",
    ]
    assert trusted_hosts({"BASE_URL": None}) is None


@pytest.mark.parametrize(
    "value",
    [
        "foerderwerk.example",
        "ftp://foerderwerk.example",
        "https://",
        "https://a.example/?x=1",
        "https://user@a.example",
    ],
)
def test_a_site_address_must_be_an_absolute_http_address(value):
    with pytest.raises(InvalidBaseUrl):
        parse_base_url(value)


@pytest.mark.parametrize("value", [None, "", "http://foerderwerk.example", "not a url"])
def test_production_refuses_to_start_without_an_https_site_address(value):
    config = {
        "ENV": "production",
        "SECRET_KEY": "a-long-random-production-key-0123456789-abcdefghijk",
        "BASE_URL": value,
    }
    with pytest.raises(InsecureConfiguration) as refused:
        check_production_config(config)
    assert "BASE_URL" in str(refused.value)


def test_production_starts_with_an_https_site_address():
    config = {
        "ENV": "production",
        "SECRET_KEY": "a-long-random-production-key-0123456789-abcdefghijk",
        "BASE_URL": SITE,
    }
    check_production_config(config)
    assert config["SESSION_COOKIE_SECURE"] is True
