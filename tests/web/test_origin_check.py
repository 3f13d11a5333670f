"""Forms work over HTTPS without a Referer; a browser saying "another site" is refused
(issue 14 item 7: the token-based origin check replaces WTF_CSRF_SSL_STRICT)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from service import db

from .apply_helpers import SLUG, csrf, make_app

SITE = "https://foerderwerk.example"


@pytest.fixture
def web_app(db_url: str, tmp_path: Path) -> Iterator[Flask]:
    app = make_app(db_url, tmp_path, BASE_URL=SITE)
    yield app
    with app.app_context():
        db.engine().dispose()


def _apply(web_app: Flask, **headers: str):
    """Press "apply" on the partnership page over HTTPS, sending only ``headers``."""
    client = web_app.test_client()
    page = client.get(f"/p/{SLUG}/", base_url=SITE).get_data(as_text=True)
    return client.post(
        f"/p/{SLUG}/AIF-2026/antrag",
        data={"csrf_token": csrf(page)},
        base_url=SITE,
        headers=headers,
    )


def test_an_https_post_without_referer_or_origin_succeeds_with_a_valid_token(web_app):
    response = _apply(web_app)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]


def test_an_https_post_from_our_own_site_succeeds(web_app):
    response = _apply(web_app, Origin=SITE, **{"Sec-Fetch-Site": "same-origin"})
    assert response.status_code == 302


def test_a_post_with_a_foreign_origin_is_refused_in_german(web_app):
    response = _apply(web_app, Origin="https://evil.example")
    assert response.status_code == 403
    page = response.get_data(as_text=True)
    assert "von einer anderen Website" in page


@pytest.mark.parametrize("site", ["cross-site", "same-site"])
def test_a_post_the_browser_calls_cross_site_is_refused(web_app, site):
    assert _apply(web_app, **{"Sec-Fetch-Site": site}).status_code == 403


def test_origin_null_alone_decides_nothing_and_the_token_is_still_required(web_app):
    assert _apply(web_app, Origin="null").status_code == 302
    client = web_app.test_client()
    client.get(f"/p/{SLUG}/", base_url=SITE)
    forged = client.post(f"/p/{SLUG}/AIF-2026/antrag", data={"csrf_token": "forged"}, base_url=SITE)
    assert forged.status_code == 400
