"""The office's payment queue (issue 19.1): findings per request, approval lower only with a
reason, refusal with a reason and an e-mail, four eyes, the payment order and payouts."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from flask import Flask
from pypdf import PdfReader
from sqlalchemy import select

from service import db
from service.models import Document, Partnership, PaymentRequest, PaymentStatus, Payout

from .apply_helpers import csrf, grant, mails, make_app
from .staff_support import KUF, LEAD, SLUG, STAFF, log_in, text

QUEUE = f"{STAFF}/mittelabrufe"


@pytest.fixture
def web_app(db_url: str, tmp_path: Path) -> Iterator[Flask]:
    app = make_app(db_url, tmp_path, TODAY="2026-05-04")
    with app.app_context():
        partnership = (
            db.session().scalars(select(Partnership).where(Partnership.slug == SLUG)).one()
        )
        partnership.budget_lines = {fund.key: "3610.718000" for fund in partnership.funds}
        db.session().commit()
    yield app
    with app.app_context():
        db.engine().dispose()


def _request(app: Flask, amount: str = "380,00") -> int:
    applicant = app.test_client()
    app_id = grant(app, applicant)
    url = f"/p/{SLUG}/antrag/{app_id}/mittelabruf"
    page = applicant.get(url).get_data(as_text=True)
    key = re.search(r'name="idempotency_key" type="hidden" value="(\w+)"', page)
    assert key is not None
    response = applicant.post(
        url,
        data={
            "csrf_token": csrf(page),
            "idempotency_key": key.group(1),
            "amount": amount,
            "needed_on": "20.05.2026",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        return db.session().scalars(select(PaymentRequest.id)).one()


def _post(client, url: str, data: dict[str, str]):
    token = csrf(client.get(QUEUE).get_data(as_text=True))
    return client.post(url, data={**data, "csrf_token": token})


def _staff(app: Flask, email: str):
    client = app.test_client()
    log_in(client, email)
    return client


def _stored(app: Flask, request_id: int) -> PaymentRequest:
    with app.app_context():
        found = db.session().get(PaymentRequest, request_id)
        assert found is not None
        db.session().expunge(found)
        return found


def test_the_queue_shows_the_request_with_the_rules_check(web_app):
    request_id = _request(web_app)
    kuf = _staff(web_app, KUF)

    page = text(kuf.get(QUEUE))

    assert "380,00 €" in page
    assert "Keine Feststellungen" in page
    assert f"{STAFF}/mittelabrufe/{request_id}/sachlich" in kuf.get(QUEUE).get_data(as_text=True)


def test_a_lower_amount_needs_a_reason(web_app):
    request_id = _request(web_app)
    kuf = _staff(web_app, KUF)

    refused = _post(kuf, f"{QUEUE}/{request_id}/sachlich", {"amount": "300,00", "reason": ""})
    assert refused.status_code in (302, 303, 422)
    assert _stored(web_app, request_id).status is PaymentStatus.pending

    _post(
        kuf, f"{QUEUE}/{request_id}/sachlich", {"amount": "300,00", "reason": "Saal erst im Juli"}
    )
    stored = _stored(web_app, request_id)
    assert (stored.status, stored.approved_amount) == (PaymentStatus.checked, Decimal("300.00"))
    assert stored.reason == "Saal erst im Juli"


def test_the_second_sign_off_by_the_same_account_is_refused_in_german(web_app):
    request_id = _request(web_app)
    lead = _staff(web_app, LEAD)
    _post(lead, f"{QUEUE}/{request_id}/sachlich", {})
    assert _stored(web_app, request_id).status is PaymentStatus.checked

    response = _post(lead, f"{QUEUE}/{request_id}/rechnerisch", {})

    assert _stored(web_app, request_id).status is PaymentStatus.checked
    shown = (
        text(lead.get(response.location)) if response.status_code in (302, 303) else text(response)
    )
    assert "Vier-Augen-Prinzip" in shown
    assert "anderes Konto" in shown


def test_the_coordination_office_may_not_sign_arithmetically(web_app):
    request_id = _request(web_app)
    kuf = _staff(web_app, KUF)
    _post(kuf, f"{QUEUE}/{request_id}/sachlich", {})

    assert _post(kuf, f"{QUEUE}/{request_id}/rechnerisch", {}).status_code == 403


def test_a_refusal_needs_a_reason_and_tells_the_applicant(web_app, tmp_path):
    request_id = _request(web_app)
    kuf = _staff(web_app, KUF)
    _post(kuf, f"{QUEUE}/{request_id}/ablehnen", {"reason": " "})
    assert _stored(web_app, request_id).status is PaymentStatus.pending

    _post(kuf, f"{QUEUE}/{request_id}/ablehnen", {"reason": "Die Rechnung fehlt."})

    assert _stored(web_app, request_id).status is PaymentStatus.refused
    # the decision, not the confirmation the applicant got when filing (issue 19.5)
    sent = [m for m in mails(tmp_path) if "Mittelabruf" in m and "ist eingegangen" not in m]
    assert sent
    assert "abgelehnt" in sent[-1]
    assert "Die Rechnung fehlt." in sent[-1]


@pytest.mark.timeout(600)
def test_two_accounts_approve_the_order_is_registered_and_a_payout_sets_the_paid_amount(
    web_app, tmp_path
):
    request_id = _request(web_app)
    kuf, lead = _staff(web_app, KUF), _staff(web_app, LEAD)
    _post(kuf, f"{QUEUE}/{request_id}/sachlich", {"amount": "350,00", "reason": "Saal im Juli"})

    response = _post(lead, f"{QUEUE}/{request_id}/rechnerisch", {})
    assert response.status_code == 302
    again = _post(lead, f"{QUEUE}/{request_id}/rechnerisch", {})  # a double click
    assert again.status_code in (302, 409)

    stored = _stored(web_app, request_id)
    assert stored.status is PaymentStatus.approved
    assert stored.cash_reference
    with web_app.app_context():
        orders = (
            db.session().scalars(select(Document).where(Document.kind == "payment_order")).all()
        )
        assert len(orders) == 1
        order_id = orders[0].id
    pdf = lead.get(f"{STAFF}/dokumente/{order_id}")
    assert pdf.status_code == 200
    words = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    words = " ".join(words.split())
    for expected in ("Auszahlungsanordnung", "350,00 €", "3610.718000", stored.cash_reference):
        assert expected in words, expected
    # the decision, not the confirmation the applicant got when filing (issue 19.5)
    sent = [m for m in mails(tmp_path) if "Mittelabruf" in m and "ist eingegangen" not in m]
    assert sent
    assert "350,00\u00a0€" in sent[-1]  # money in mails: non-breaking space before €
    assert "Saal im Juli" in sent[-1]

    page = lead.get(QUEUE).get_data(as_text=True)
    key = re.search(r'name="idempotency_key" value="([^"]+)"', page)
    assert key is not None
    body = {"amount": "350,00", "paid_on": "2026-05-04", "idempotency_key": key.group(1)}
    _post(lead, f"{QUEUE}/{request_id}/auszahlung", body)
    _post(lead, f"{QUEUE}/{request_id}/auszahlung", body)  # replayed: one payout
    with web_app.app_context():
        payouts = db.session().scalars(select(Payout)).all()
        assert [p.amount for p in payouts] == [Decimal("350.00")]
