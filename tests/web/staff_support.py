"""Helpers for the back-office tests: sign in as a demo account, read CSRF tokens."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

from service.operations.staff import DEMO_PASSWORD

SLUG = "boizenburg-luebtheen"
KUF = "kuf@demo.example"
LEAD = "lead@demo.example"
COMMITTEE = "ausschuss@demo.example"
ADMIN = "admin@demo.example"
STAFF = f"/p/{SLUG}/staff"

_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf(client: FlaskClient, url: str = "/anmelden") -> str:
    page = client.get(url)
    found = _TOKEN.search(page.get_data(as_text=True))
    assert found, f"no CSRF token on {url} ({page.status_code})"
    return found.group(1)


def log_in(client: FlaskClient, email: str, password: str = DEMO_PASSWORD) -> None:
    response = client.post(
        "/anmelden",
        data={"email": email, "password": password, "csrf_token": csrf(client)},
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]


def post(client: FlaskClient, url: str, data: dict[str, object], page: str | None = None):
    """POST a form with the CSRF token of ``page`` (default: the staff start page)."""
    token = csrf(client, page or f"{STAFF}/sitzungen")
    return client.post(url, data={**data, "csrf_token": token})


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))
