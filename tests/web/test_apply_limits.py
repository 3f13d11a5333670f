"""Oversized input on the applicant pages (R5): a German "too large" page, nothing stored."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from service import db
from service.models import Application
from service.models.backoffice import ApplicationComment

from .apply_helpers import SLUG, csrf, make_app, start


@pytest.fixture
def web_app(db_url: str, tmp_path: Path) -> Iterator[Flask]:
    app = make_app(db_url, tmp_path, MAX_CONTENT_LENGTH=1024 * 1024)
    yield app
    with app.app_context():
        db.engine().dispose()


def test_a_body_over_the_limit_gets_the_german_too_large_page(web_app):
    client = web_app.test_client()
    step1 = start(client)
    token = csrf(client.get(step1).get_data(as_text=True))
    response = client.post(step1, data={"csrf_token": token, "summary": "x" * (1024 * 1024 + 10)})
    assert response.status_code == 413
    assert "MB" in response.get_data(as_text=True)


def test_fifteen_hundred_fields_are_refused_as_too_large(web_app):
    client = web_app.test_client()
    step1 = start(client)
    token = csrf(client.get(step1).get_data(as_text=True))
    fields = {f"f{i}": "1" for i in range(1500)}
    response = client.post(step1, data={"csrf_token": token, **fields})
    assert response.status_code == 413
    with web_app.app_context():
        assert db.session().get(Application, int(step1.split("/")[-2])).version == 1


def test_comments_meant_for_the_applicant_are_listed_and_internal_ones_are_not(web_app):
    client = web_app.test_client()
    step1 = start(client)
    app_id = int(step1.split("/")[-2])
    with web_app.app_context():
        session = db.session()
        session.add(
            ApplicationComment(
                application_id=app_id, body="Bitte Angebot nachreichen.", visible_to_applicant=True
            )
        )
        session.add(
            ApplicationComment(
                application_id=app_id, body="intern: Träger bekannt", visible_to_applicant=False
            )
        )
        session.commit()
    html = client.get(f"/p/{SLUG}/meine-antraege").get_data(as_text=True)
    assert "Bitte Angebot nachreichen." in html
    assert "intern: Träger bekannt" not in html


def test_the_too_large_page_names_the_configured_request_limit(web_app):
    client = web_app.test_client()
    step1 = start(client)
    token = csrf(client.get(step1).get_data(as_text=True))
    response = client.post(step1, data={"csrf_token": token, "summary": "x" * (1024 * 1024 + 10)})
    assert response.status_code == 413
    assert "höchstens 1 MB" in response.get_data(as_text=True)
