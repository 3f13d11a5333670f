"""Inbox, detail page, formal check, comments, information requests and state moves."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from service import db
from service.domain.states import ApplicationState
from service.models import Application, ApplicationComment, AuditLog

from .staff_support import KUF, LEAD, STAFF, log_in, post, text


def _app(demo_app, title_start: str) -> Application:
    with demo_app.app_context():
        return (
            db.session()
            .scalars(select(Application).where(Application.title.startswith(title_start)))
            .one()
        )


def _actions(demo_app) -> list[str]:
    with demo_app.app_context():
        return list(db.session().scalars(select(AuditLog.action).order_by(AuditLog.id)))


@pytest.mark.db_semantics
def test_the_inbox_filters_by_fund_and_state_and_searches_titles(demo_app):
    client = demo_app.test_client()
    log_in(client, KUF)

    youth = text(client.get(f"{STAFF}/antraege?fonds=JF-2026"))
    submitted = text(client.get(f"{STAFF}/antraege?status=submitted"))
    found = text(client.get(f"{STAFF}/antraege?suche=planspiel"))

    assert "Graffiti" in youth
    assert "Forumtheater" not in youth
    assert "Forumtheater" in submitted
    assert "Planspiel" not in submitted
    assert "Planspiel" in found
    assert "Forumtheater" not in found


def test_drafts_stay_with_the_applicant(demo_app):
    client = demo_app.test_client()
    log_in(client, KUF)
    draft = _app(demo_app, "Demokratie-Picknick")

    assert "Picknick" not in text(client.get(f"{STAFF}/antraege"))
    assert client.get(f"{STAFF}/antraege/{draft.id}").status_code == 404


def test_the_detail_page_shows_the_frozen_submission_and_the_rules_engines_findings(demo_app):
    client = demo_app.test_client()
    log_in(client, KUF)
    planspiel = _app(demo_app, "Kommunalpolitik zum Anfassen")

    page = text(client.get(f"{STAFF}/antraege/{planspiel.id}"))

    assert planspiel.reference in page
    assert planspiel.applicant_name in page
    assert planspiel.submission_sha256[:16] in page


def test_the_formal_check_is_saved_with_the_version_and_audited(demo_app):
    client = demo_app.test_client()
    log_in(client, KUF)
    planspiel = _app(demo_app, "Kommunalpolitik zum Anfassen")
    url = f"{STAFF}/antraege/{planspiel.id}"

    response = post(
        client,
        f"{url}/pruefung",
        {"version": planspiel.version, "complete": "1", "in_time": "1", "note": "Alles da."},
        page=url,
    )

    assert response.status_code == 302
    after = _app(demo_app, "Kommunalpolitik zum Anfassen")
    assert after.version == planspiel.version + 1
    assert "application.formal_check" in _actions(demo_app)


def test_a_second_save_of_an_old_form_gets_the_conflict_page_with_both_versions(demo_app):
    first = demo_app.test_client()
    second = demo_app.test_client()
    log_in(first, KUF)
    log_in(second, KUF)
    planspiel = _app(demo_app, "Kommunalpolitik zum Anfassen")
    url = f"{STAFF}/antraege/{planspiel.id}"
    old_version = planspiel.version
    post(first, f"{url}/pruefung", {"version": old_version, "complete": "1", "note": "Erste"}, url)

    response = post(
        second, f"{url}/pruefung", {"version": old_version, "eligible": "1", "note": "Zweite"}, url
    )

    assert response.status_code == 409
    page = text(response)
    assert "Zweite" in page
    assert "Erste" in page
    with demo_app.app_context():
        from service.models import FormalCheck

        check = db.session().get(FormalCheck, planspiel.id)
        assert check.note == "Erste"


def test_comments_are_internal_or_visible_to_the_applicant(demo_app):
    client = demo_app.test_client()
    log_in(client, LEAD)
    fest = _app(demo_app, "Demokratiefest")
    url = f"{STAFF}/antraege/{fest.id}"

    post(client, f"{url}/kommentar", {"body": "Nur intern", "visible": "0"}, url)
    post(client, f"{url}/kommentar", {"body": "Für den Träger", "visible": "1"}, url)

    with demo_app.app_context():
        comments = (
            db.session()
            .scalars(select(ApplicationComment).where(ApplicationComment.application_id == fest.id))
            .all()
        )
        assert {(c.body, c.visible_to_applicant) for c in comments} == {
            ("Nur intern", False),
            ("Für den Träger", True),
        }


def test_requesting_information_returns_the_application_with_a_deadline(demo_app):
    client = demo_app.test_client()
    log_in(client, KUF)
    planspiel = _app(demo_app, "Kommunalpolitik zum Anfassen")
    url = f"{STAFF}/antraege/{planspiel.id}"
    due = date.today() + timedelta(days=14)

    post(
        client,
        f"{url}/nachfrage",
        {"version": planspiel.version, "due_on": due.isoformat(), "message": "Bitte Angebote."},
        url,
    )

    after = _app(demo_app, "Kommunalpolitik zum Anfassen")
    assert after.state is ApplicationState.info_requested
    assert after.info_due_on == due
    assert "application.request_info" in _actions(demo_app)


def test_a_request_without_a_future_deadline_changes_nothing(demo_app):
    client = demo_app.test_client()
    log_in(client, KUF)
    planspiel = _app(demo_app, "Kommunalpolitik zum Anfassen")
    url = f"{STAFF}/antraege/{planspiel.id}"

    post(
        client,
        f"{url}/nachfrage",
        {"version": planspiel.version, "due_on": "2020-01-01", "message": "Bitte."},
        url,
    )

    assert _app(demo_app, "Kommunalpolitik zum Anfassen").state is ApplicationState.in_check


def test_the_office_starts_the_formal_check_of_a_submitted_application(demo_app):
    client = demo_app.test_client()
    log_in(client, KUF)
    forum = _app(demo_app, "Forumtheater")
    url = f"{STAFF}/antraege/{forum.id}"

    post(client, f"{url}/status", {"version": forum.version, "target": "in_check"}, url)

    assert _app(demo_app, "Forumtheater").state is ApplicationState.in_check


def test_a_state_the_office_may_not_set_by_hand_is_refused(demo_app):
    client = demo_app.test_client()
    log_in(client, KUF)
    planspiel = _app(demo_app, "Kommunalpolitik zum Anfassen")
    url = f"{STAFF}/antraege/{planspiel.id}"

    post(client, f"{url}/status", {"version": planspiel.version, "target": "on_agenda"}, url)

    assert _app(demo_app, "Kommunalpolitik zum Anfassen").state is ApplicationState.in_check


def test_the_audit_log_escapes_line_breaks_and_drops_secrets():
    from service.operations.audit import clean_details, escape

    assert escape("a\nstaff:1 admin.login") == "a\\x0astaff:1 admin.login"
    assert escape("\u202eevil") == "\\u202eevil"
    assert clean_details({"token": "abc", "password": "x", "title": "T\r\n"}) == {
        "title": "T\\x0d\\x0a"
    }
