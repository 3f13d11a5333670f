"""An expired or missing form token on a staff form shows the same page again WITH what was
typed and a German note (R14, issue 14 item 7) – never a password, never to someone the
route's policy would refuse."""

from __future__ import annotations

from sqlalchemy import select

from service import db
from service.models import Application, ApplicationComment, Meeting

from .staff_support import KUF, LEAD, STAFF, csrf, log_in, text

NOTE = "abgelaufen"  # part of the German note


def _app_id(demo_app) -> int:
    with demo_app.app_context():
        return db.session().scalars(select(Application.id).order_by(Application.id)).first()


def test_a_comment_with_an_expired_token_comes_back_with_its_text(demo_app):
    client = demo_app.test_client()
    log_in(client, KUF)
    app_id = _app_id(demo_app)
    response = client.post(
        f"{STAFF}/antraege/{app_id}/kommentar",
        data={"csrf_token": "expired", "body": "Bitte <Kostenplan> prüfen", "visible": "1"},
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Bitte &lt;Kostenplan&gt; prüfen</textarea>" in html
    assert 'name="visible" value="1" checked' in html
    assert NOTE in text(response)
    assert 'name="csrf_token" value="' in html
    with demo_app.app_context():
        assert db.session().scalars(select(ApplicationComment)).all() == []


def test_the_formal_check_note_and_request_text_come_back(demo_app):
    client = demo_app.test_client()
    log_in(client, KUF)
    app_id = _app_id(demo_app)
    response = client.post(
        f"{STAFF}/antraege/{app_id}/pruefung",
        data={"note": "Satzung fehlt noch", "version": "1"},
    )
    assert response.status_code == 400
    assert "Satzung fehlt noch</textarea>" in response.get_data(as_text=True)


def test_a_new_session_form_keeps_place_and_date(demo_app):
    client = demo_app.test_client()
    log_in(client, KUF)
    before = len(_meetings(demo_app))
    response = client.post(
        f"{STAFF}/sitzungen",
        data={
            "csrf_token": "x",
            "held_on": "2026-05-04",
            "place": "Rathaus, Saal 2",
            "mode": "written",
        },
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'value="Rathaus, Saal 2"' in html
    assert 'value="2026-05-04"' in html
    assert len(_meetings(demo_app)) == before


def _meetings(demo_app) -> list[Meeting]:
    with demo_app.app_context():
        return list(db.session().scalars(select(Meeting)))


def test_the_notice_page_is_shown_again_for_an_expired_issue_form(demo_app):
    client = demo_app.test_client()
    log_in(client, LEAD)
    response = client.post(
        f"{STAFF}/beschluesse/999999/erlassen",
        data={"csrf_token": "x", "reasons": "Begründung der Ablehnung"},
    )
    # the form's own page is shown; a decision that does not exist has no form to fill
    assert response.status_code == 400
    assert NOTE in text(response)


def test_the_sign_in_form_keeps_the_address_but_never_the_password(demo_app):
    client = demo_app.test_client()
    response = client.post(
        "/anmelden",
        data={"csrf_token": "x", "email": "kuf@demo.example", "password": "Geheim-Passwort-123"},
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'value="kuf@demo.example"' in html
    assert "Geheim-Passwort-123" not in html
    assert NOTE in text(response)


def test_an_expired_token_shows_nothing_to_someone_not_signed_in(demo_app):
    app_id = _app_id(demo_app)
    client = demo_app.test_client()
    response = client.post(
        f"{STAFF}/antraege/{app_id}/kommentar", data={"csrf_token": "x", "body": "hallo"}
    )
    assert response.status_code == 302
    assert "/anmelden" in response.location


def test_a_valid_token_still_saves(demo_app):
    client = demo_app.test_client()
    log_in(client, KUF)
    app_id = _app_id(demo_app)
    token = csrf(client, f"{STAFF}/antraege/{app_id}")
    response = client.post(
        f"{STAFF}/antraege/{app_id}/kommentar",
        data={"csrf_token": token, "body": "gespeichert", "visible": "0"},
    )
    assert response.status_code == 302


def test_every_state_changing_route_refuses_a_post_without_a_token(demo_app):
    """R14: a form token on every state change (the check API is a cookie-less JSON API)."""
    client = demo_app.test_client()
    log_in(client, KUF)
    checked = refused_for_the_token = 0
    for rule in demo_app.url_map.iter_rules():
        if not rule.methods or not rule.methods & {"POST", "PUT", "PATCH", "DELETE"}:
            continue
        if rule.endpoint.startswith("api_check") or rule.rule.startswith("/api/"):
            continue
        values = {n: ("boizenburg-luebtheen" if n == "slug" else 1) for n in rule.arguments}
        values.update({k: "x" for k in rule.arguments if k in ("token", "step_slug", "fund_key")})
        with demo_app.test_request_context():
            url = demo_app.url_map.bind("localhost").build(rule.endpoint, values)
        response = client.post(url, data={"body": "x"})
        # 400: refused for the token (a form's own page again, or the German page); 403/404
        # where the page again is not for this role or its object does not exist
        assert response.status_code in (400, 403, 404), (rule.rule, response.status_code)
        refused_for_the_token += response.status_code == 400
        checked += 1
    assert checked >= 20
    assert refused_for_the_token >= checked - 5
