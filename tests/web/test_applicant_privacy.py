"""Issue 14, applicant privacy: nothing personal is cached, the applicant session is short
and can be ended, and other people's applications answer 404 on every method."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from service import db
from service.models import Application
from service.web.policy import POLICY

from .apply_helpers import AIF_STEPS, SLUG, csrf, make_app, post_step, start


@pytest.fixture
def web_app(db_url: str, tmp_path: Path) -> Iterator[Flask]:
    app = make_app(db_url, tmp_path)
    yield app
    with app.app_context():
        db.engine().dispose()


def _applicant_rules(app: Flask) -> list:
    return [
        rule
        for rule in app.url_map.iter_rules()
        if POLICY.get(rule.endpoint) is not None
        and POLICY[rule.endpoint].kind in ("applicant", "public")
        and rule.rule.startswith("/p/<slug>")
        and "/staff" not in rule.rule
    ]


def _url(rule, app_id: int) -> str:
    values = {
        "slug": SLUG,
        "app_id": app_id,
        "upload_id": 1,
        "request_id": 1,
        "document_id": 1,
        "fund_key": "AIF-2026",
    }
    values |= {"step_slug": "antragsteller", "token": "x" * 20, "notice_id": 1, "annex": "anbest-p"}
    return rule.build({a: values[a] for a in rule.arguments}, append_unknown=False)[1]


def test_every_applicant_page_says_no_store_and_static_assets_may_be_cached(web_app):
    client = web_app.test_client()
    step1 = start(client)
    post_step(client, step1, AIF_STEPS["antragsteller"], action="save")
    app_id = int(step1.split("/")[-2])
    checked = 0
    for rule in _applicant_rules(web_app):
        if "GET" not in rule.methods:
            continue
        response = client.get(_url(rule, app_id))
        assert response.headers.get("Cache-Control") == "no-store", (rule.endpoint, response)
        checked += 1
    assert checked >= 8
    # error pages and POST answers too
    assert client.get(f"/p/{SLUG}/antrag/999999/antragsteller").headers["Cache-Control"] == (
        "no-store"
    )
    static = client.get("/static/site.css")
    static.close()
    assert "no-store" not in (static.headers.get("Cache-Control") or "")


def test_another_applicants_application_answers_the_same_404_on_every_method(web_app):
    owner = web_app.test_client()
    step1 = start(owner)
    app_id = int(step1.split("/")[-2])
    with web_app.app_context():
        fund_name = db.session().get(Application, app_id).fund.guideline.fund_name
    stranger = web_app.test_client()
    start(stranger)  # a session with applications of its own
    page = stranger.get(f"/p/{SLUG}/").get_data(as_text=True)
    token = csrf(page)
    checked = 0
    for rule in _applicant_rules(web_app):
        if "app_id" not in rule.arguments:
            continue
        url = _url(rule, app_id)
        for method in ("GET", "POST", "PUT", "PATCH", "DELETE"):
            data = {"csrf_token": token, "action": "save", **AIF_STEPS["antragsteller"]}
            response = stranger.open(url, method=method, data=data)
            if method in rule.methods:
                assert response.status_code == 404, (rule.endpoint, method, response.status)
                assert fund_name not in response.get_data(as_text=True), rule.endpoint
                checked += 1
            else:
                assert response.status_code in (404, 405), (rule.endpoint, method)
    assert checked >= 10


def test_a_post_to_a_step_of_another_application_is_404_without_the_fund_name(web_app):
    # the finding: 403 with the fund's name
    owner = web_app.test_client()
    step1 = start(owner)
    stranger = web_app.test_client()
    page = stranger.get(f"/p/{SLUG}/").get_data(as_text=True)
    response = stranger.post(
        step1, data={"csrf_token": csrf(page), "action": "save", **AIF_STEPS["antragsteller"]}
    )
    assert response.status_code == 404
    assert "Aktionsfonds" not in response.get_data(as_text=True)


def test_an_idle_applicant_session_forgets_its_applications(web_app):
    web_app.config["APPLICANT_SESSION_IDLE_MINUTES"] = 120
    client = web_app.test_client()
    step1 = start(client)
    assert client.get(step1).status_code == 200
    with client.session_transaction() as browser:
        assert not browser.permanent  # the cookie ends with the browser, not after 31 days
        browser["applicant_seen"] -= 121 * 60
    assert client.get(step1).status_code == 404
    with client.session_transaction() as browser:
        assert "applications" not in browser


def test_an_applicant_session_in_use_stays(web_app):
    client = web_app.test_client()
    step1 = start(client)
    with client.session_transaction() as browser:
        browser["applicant_seen"] -= 119 * 60
    assert client.get(step1).status_code == 200
    assert client.get(step1).status_code == 200


def test_abmelden_ends_the_applicant_session(web_app):
    client = web_app.test_client()
    step1 = start(client)
    page = client.get(step1).get_data(as_text=True)
    assert f'action="/p/{SLUG}/abmelden"' in page
    assert '<button type="submit">Abmelden</button>' in page  # a real button: keyboard

    response = client.post(f"/p/{SLUG}/abmelden", data={"csrf_token": csrf(page)})

    assert response.status_code == 302
    landing = client.get(response.location).get_data(as_text=True)
    assert "Sie haben sich abgemeldet" in landing
    assert client.get(step1).status_code == 404
    assert client.get(f"/p/{SLUG}/meine-antraege").status_code == 200
    with client.session_transaction() as browser:
        assert not {"applications", "ended_applications", "visitor"} & set(browser)


def test_abmelden_needs_the_form_token(web_app):
    web_app.config["WTF_CSRF_ENABLED"] = True
    client = web_app.test_client()
    step1 = start(client)
    assert client.post(f"/p/{SLUG}/abmelden").status_code == 400
    assert client.get(step1).status_code == 200
