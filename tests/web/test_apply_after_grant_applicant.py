"""The applicant after the grant, tried as a new applicant would (issue 19.5): the payment
form closes once the whole grant is requested, the report is saved as a draft and resumed,
income receipts need no cost category, receipts dated after the report get a warning, and
every document stays reachable from "Ihre Anträge"."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from service import db
from service.models import AuditLog, PaymentRequest, ReportDraft, UsageReport

from .apply_helpers import SLUG, csrf, grant, make_app


@pytest.fixture
def web_app(db_url: str, tmp_path: Path) -> Iterator[Flask]:
    app = make_app(db_url, tmp_path, TODAY="2026-06-20")
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


# a small youth-centre project of people who did not write these tests
REPORT = {
    "activities": "Zwei Abende „Demokratie im Dorf“ im Jugendclub Greven, mit Film und Gespräch.",
    "goals_reached": "Ja. 31 junge Leute kamen, drei wollen im Jugendforum mitmachen.",
    "deviations": "Die Plakate wurden günstiger, dafür kostete die Referentin mehr.",
    "participants_actual": "31",
    "receipts-0-number": "R-01",
    "receipts-0-date": "02.06.2026",
    "receipts-0-payee": "Dr. Aylin Kaya",
    "receipts-0-purpose": "Honorar Moderation, 2 Abende",
    "receipts-0-category": "honorare",
    "receipts-0-amount": "450,00",
    "receipts-0-kind": "expense",
    "receipts-1-number": "E-01",
    "receipts-1-date": "03.06.2026",
    "receipts-1-payee": "Teilnehmende",
    "receipts-1-purpose": "Kostenbeiträge Abendessen",
    "receipts-1-category": "",
    "receipts-1-amount": "37,50",
    "receipts-1-kind": "income",
    "own_funds": "100,00",
    "third_party": "150,00",
    "revenue": "37,50",
}


def test_the_payment_form_closes_once_the_whole_grant_is_requested(web_app):
    client = web_app.test_client()
    app_id = grant(web_app, client)
    url = f"/p/{SLUG}/antrag/{app_id}/mittelabruf"
    body = {"amount": "600,00", "needed_on": "30.06.2026", "idempotency_key": "a" * 32}
    assert _post(client, url, body).status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert 'id="payment-closed"' in page
    assert "Die gesamte Zuwendung ist abgerufen" in page
    assert 'name="amount"' not in page
    # the same form once more (double click, reload): still one request, no error
    assert client.post(url, data={**body, "csrf_token": csrf(page)}).status_code == 302
    # a second form (another tab) is refused with the explanation
    other = client.post(
        url,
        data={**body, "idempotency_key": "b" * 32, "csrf_token": csrf(page)},
    )
    assert other.status_code == 409
    assert "Die gesamte Zuwendung ist abgerufen" in other.get_data(as_text=True)
    with web_app.app_context():
        assert db.session().query(PaymentRequest).filter_by(application_id=app_id).count() == 1


def test_an_open_payment_form_lists_the_earlier_requests(web_app):
    client = web_app.test_client()
    app_id = grant(web_app, client)
    url = f"/p/{SLUG}/antrag/{app_id}/mittelabruf"
    assert _post(client, url, {"amount": "250,00", "needed_on": "30.06.2026"}).status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert 'name="amount"' in page
    assert "250,00\u00a0€" in page
    assert "Ihre Mittelabrufe" in page


def test_the_report_is_saved_as_a_draft_and_resumed_then_submitted(web_app):
    client = web_app.test_client()
    app_id = grant(web_app, client)
    url = f"/p/{SLUG}/antrag/{app_id}/verwendungsnachweis"
    # half done, with a date the form cannot read yet: kept as typed
    half = {k: v for k, v in REPORT.items() if not k.startswith("receipts-1")}
    half["receipts-0-date"] = "2.6."
    saved = _post(client, url, {**half, "action": "save"})
    assert saved.status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert "Entwurf gespeichert" in page
    assert "Dr. Aylin Kaya" in page
    assert 'value="2.6."' in page
    assert "Demokratie im Dorf" in page
    # another browser visit (a new client of the same applicant) sees the same draft
    with web_app.app_context():
        draft = db.session().query(ReportDraft).filter_by(application_id=app_id).one()
        assert draft.fields["receipts-0-payee"] == ["Dr. Aylin Kaya"]
        assert "csrf_token" not in draft.fields
        actions = [a.action for a in db.session().query(AuditLog).all()]
        assert "report.save_draft" in actions
    submitted = _post(client, url, {**REPORT, "action": "submit"})
    assert submitted.status_code == 302
    with web_app.app_context():
        assert db.session().query(ReportDraft).filter_by(application_id=app_id).count() == 0
        assert db.session().query(UsageReport).filter_by(application_id=app_id).count() == 1
    # the report page now leads to the submitted report, not to an empty form
    assert client.get(url).status_code == 302


def test_an_income_receipt_without_cost_category_is_accepted(web_app):
    client = web_app.test_client()
    app_id = grant(web_app, client)
    url = f"/p/{SLUG}/antrag/{app_id}/verwendungsnachweis"
    response = _post(client, url, {**REPORT, "action": "submit"})
    assert response.status_code == 302, response.get_data(as_text=True)
    with web_app.app_context():
        report = db.session().query(UsageReport).filter_by(application_id=app_id).one()
        income = report.data["receipts"][1]
        assert income["kind"] == "income"
        assert income["category"] == ""


def test_a_receipt_dated_in_the_future_is_a_warning_at_its_date(web_app):
    client = web_app.test_client()
    app_id = grant(web_app, client)
    url = f"/p/{SLUG}/antrag/{app_id}/verwendungsnachweis"
    html = _post(
        client, url, {**REPORT, "receipts-0-date": "02.07.2026", "action": "calculate"}
    ).get_data(as_text=True)
    assert 'href="#receipts-0-date"' in html
    assert "nach dem Tag des Nachweises" in html
    # a warning: the report can still be submitted
    assert (
        _post(client, url, {**REPORT, "receipts-0-date": "02.07.2026", "action": "submit"})
    ).status_code == 302
