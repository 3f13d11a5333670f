"""After the grant: payment requests (Nr. 1.4 ANBest-P) and the usage-of-funds report."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from service import db
from service.domain.states import ApplicationState
from service.models import Application, PaymentRequest, Payout, PayoutSource, UsageReport

from .apply_helpers import SLUG, csrf, grant, make_app


@pytest.fixture
def web_app(db_url: str, tmp_path: Path) -> Iterator[Flask]:
    app = make_app(db_url, tmp_path, TODAY="2026-05-04")
    yield app
    with app.app_context():
        db.engine().dispose()


def _post(client, url, data):
    page = client.get(url).get_data(as_text=True)
    key = re.search(r'name="idempotency_key" type="hidden" value="(\w+)"', page)
    body = {"csrf_token": csrf(page), **data}
    if key and "idempotency_key" not in data:
        body["idempotency_key"] = key.group(1)
    return client.post(url, data=body)


@pytest.mark.db_semantics
def test_a_payment_request_within_the_rules_is_recorded_once(web_app):
    client = web_app.test_client()
    app_id = grant(web_app, client)
    url = f"/p/{SLUG}/antrag/{app_id}/mittelabruf"
    body = {"amount": "380,00", "needed_on": "20.05.2026", "idempotency_key": "k" * 32}
    assert _post(client, url, body).status_code == 302
    assert _post(client, url, body).status_code == 302  # replayed: still one request
    with web_app.app_context():
        assert db.session().query(PaymentRequest).filter_by(application_id=app_id).count() == 1
        assert db.session().get(Application, app_id).state is ApplicationState.in_payment


def _pay(web_app, app_id: int, amount: str) -> None:
    from datetime import date
    from decimal import Decimal

    with web_app.app_context():
        db.session().add(
            Payout(
                application_id=app_id,
                amount=Decimal(amount),
                paid_on=date(2026, 5, 4),
                source=PayoutSource.hand,
                created_by="kasse@example.org",
                idempotency_key=f"test-{app_id}-{amount}",
            )
        )
        db.session().commit()


@pytest.mark.db_semantics
def test_the_report_names_as_paid_what_was_paid_out_not_what_was_requested(web_app):
    # issue 19: 675 € requested, nothing paid – the report showed 675 € "ausgezahlt"
    client = web_app.test_client()
    app_id = grant(web_app, client)
    payment = f"/p/{SLUG}/antrag/{app_id}/mittelabruf"
    assert (
        _post(client, payment, {"amount": "380,00", "needed_on": "20.05.2026"}).status_code == 302
    )
    page = client.get(payment).get_data(as_text=True)
    assert "380,00" in page  # requested so far
    _pay(web_app, app_id, "200.00")
    url = f"/p/{SLUG}/antrag/{app_id}/verwendungsnachweis"
    assert _post(client, url, {**REPORT, "action": "submit"}).status_code == 302
    with web_app.app_context():
        report = db.session().query(UsageReport).filter_by(application_id=app_id).one()
        assert report.data["notice"]["paid"] == "200.00"


def test_a_payment_request_above_the_grant_is_refused_at_the_amount_field(web_app):
    client = web_app.test_client()
    app_id = grant(web_app, client)
    response = _post(
        client,
        f"/p/{SLUG}/antrag/{app_id}/mittelabruf",
        {"amount": "600,01", "needed_on": "20.05.2026"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'href="#amount"' in html
    assert 'value="600,01"' in html


def test_money_needed_later_than_six_weeks_is_refused_at_the_date(web_app):
    client = web_app.test_client()
    app_id = grant(web_app, client)
    response = _post(
        client,
        f"/p/{SLUG}/antrag/{app_id}/mittelabruf",
        {"amount": "100,00", "needed_on": "30.06.2026"},
    )
    assert response.status_code == 422
    assert 'href="#needed_on"' in response.get_data(as_text=True)


REPORT = {
    "activities": "Fest mit drei Workshops am 20. Mai.",
    "goals_reached": "Ja, 95 Gäste kamen ins Gespräch.",
    "participants_actual": "95",
    "receipts-0-number": "1",
    "receipts-0-date": "20.05.2026",
    "receipts-0-payee": "Mira Muster",
    "receipts-0-purpose": "Workshopleitung",
    "receipts-0-category": "honorare",
    "receipts-0-amount": "480,00",
    "receipts-0-kind": "expense",
    "receipts-1-number": "2",
    "receipts-1-date": "18.05.2026",
    "receipts-1-payee": "Bürobedarf Elbe",
    "receipts-1-purpose": "Moderationsmaterial",
    "receipts-1-category": "sachausgaben",
    "receipts-1-amount": "100,00",
    "receipts-1-kind": "expense",
    "receipts-2-number": "3",
    "receipts-2-date": "10.05.2026",
    "receipts-2-payee": "Druckerei Boizenburg",
    "receipts-2-purpose": "Plakate und Flyer",
    "receipts-2-category": "oeffentlichkeitsarbeit",
    "receipts-2-amount": "250,00",
    "receipts-2-kind": "expense",
    "own_funds": "100,00",
    "third_party": "150,00",
    "revenue": "0",
}


def test_a_report_with_three_receipts_shows_the_final_grant_and_is_submitted(web_app):
    client = web_app.test_client()
    app_id = grant(web_app, client)
    url = f"/p/{SLUG}/antrag/{app_id}/verwendungsnachweis"
    calculated = _post(client, url, {**REPORT, "action": "calculate"}).get_data(as_text=True)
    assert 'id="final-grant"' in calculated
    submitted = _post(client, url, {**REPORT, "action": "submit"})
    assert submitted.status_code == 302
    receipt = client.get(submitted.location).get_data(as_text=True)
    with web_app.app_context():
        report = db.session().query(UsageReport).filter_by(application_id=app_id).one()
        assert report.result["result"]["final_grant"] == "580.00"
        assert len(report.data["receipts"]) == 3
        assert db.session().get(Application, app_id).state is ApplicationState.report_submitted
    assert report.sha256 in receipt
    document = client.get(f"{url}/dokument.docx")
    assert document.status_code == 200
    assert document.data.startswith(b"PK")
    assert "attachment" in document.headers["Content-Disposition"]


def test_a_report_without_narrative_is_refused_with_the_message_at_the_field(web_app):
    client = web_app.test_client()
    app_id = grant(web_app, client)
    response = _post(
        client,
        f"/p/{SLUG}/antrag/{app_id}/verwendungsnachweis",
        {**REPORT, "activities": "", "action": "submit"},
    )
    assert response.status_code == 422
    assert 'href="#activities"' in response.get_data(as_text=True)


def test_receipt_rows_are_added_and_removed_without_javascript(web_app):
    client = web_app.test_client()
    app_id = grant(web_app, client)
    url = f"/p/{SLUG}/antrag/{app_id}/verwendungsnachweis"
    html = _post(client, url, {**REPORT, "action": "add:receipts"}).get_data(as_text=True)
    assert 'id="receipts-3-amount"' in html
    html = _post(client, url, {**REPORT, "action": "remove:receipts:0"}).get_data(as_text=True)
    assert 'id="receipts-2-amount"' not in html
    assert 'value="Moderationsmaterial"' in html


def test_an_application_without_a_grant_has_no_report_page(web_app):
    client = web_app.test_client()
    with client.session_transaction() as browser_session:
        browser_session["applications"] = [1]
    assert client.get(f"/p/{SLUG}/antrag/1/verwendungsnachweis").status_code == 404


def test_the_applicants_list_links_the_issued_notice_and_the_report(web_app):
    client = web_app.test_client()
    app_id = grant(web_app, client)
    html = client.get(f"/p/{SLUG}/meine-antraege").get_data(as_text=True)
    assert f"/antrag/{app_id}/verwendungsnachweis" in html
    assert f"/antrag/{app_id}/mittelabruf" in html
    assert "-B (PDF)" in html
