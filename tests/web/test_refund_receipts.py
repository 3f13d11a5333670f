"""Receipts of a refund on the review page (issue 19.4): the lead office sees what the refund
notice claims, records a partial payment and then the rest (German amounts, the day, a
note); the form sent twice records once; a refused amount is explained in German; once all
is in, the page says so, the form is gone and the file is closed. The coordination office
sees the section but records nothing (403)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from service import db
from service.domain.states import ApplicationState
from service.models import Application, RefundReceipt, ReportReview
from tests.refund_support import issued_refund

from .apply_helpers import make_app
from .review_support import REVIEWS, staff
from .staff_support import KUF, LEAD, text

_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
_KEY = re.compile(r'name="idempotency_key" value="([^"]+)"')


@pytest.fixture
def web_app(db_url: str, tmp_path: Path) -> Iterator[Flask]:
    app = make_app(db_url, tmp_path, TODAY="2026-05-04")
    yield app
    with app.app_context():
        db.engine().dispose()


def _form(client, url: str) -> dict[str, str]:
    html = client.get(url).get_data(as_text=True)
    token = _TOKEN.search(html)
    key = _KEY.search(html)
    assert token, "no form on the page"
    assert key, "no receipt form on the page"
    return {"csrf_token": token.group(1), "idempotency_key": key.group(1)}


def _total(app: Flask, app_id: int) -> Decimal:
    with app.app_context():
        row = (
            db.session()
            .scalars(select(ReportReview).where(ReportReview.application_id == app_id))
            .one()
        )
        assert row.refund_total is not None
        return row.refund_total


def _receipts(app: Flask, app_id: int) -> list[Decimal]:
    with app.app_context():
        return list(
            db.session().scalars(
                select(RefundReceipt.amount).where(RefundReceipt.application_id == app_id)
            )
        )


def test_the_lead_office_records_a_partial_payment_then_the_rest(web_app):
    app_id = issued_refund(web_app)
    lead = staff(web_app, LEAD)
    url = f"{REVIEWS}/{app_id}"
    total = _total(web_app, app_id)
    total_text = f"{total:.2f}".replace(".", ",")

    page = text(lead.get(url))
    assert "Zahlungseingang der Erstattung" in page
    assert f"{total_text} €" in page
    with web_app.app_context():
        reference = db.session().get_one(Application, app_id).reference
    assert f"Kassenzeichen {reference}-E" in page
    assert "03.06.2026" in page
    assert "Es ist noch kein Zahlungseingang erfasst." in page

    form = _form(lead, url)
    data = {**form, "amount": "10,00", "received_on": "2026-05-04", "note": "Auszug 7"}
    first = lead.post(f"{url}/zahlungseingang", data=data)
    second = lead.post(f"{url}/zahlungseingang", data=data)  # a double click
    assert first.status_code == second.status_code == 302
    assert _receipts(web_app, app_id) == [Decimal("10.00")]
    page = text(lead.get(url))
    assert "Zahlungseingang erfasst." in page
    assert "Auszug 7" in page
    rest = total - Decimal("10.00")
    assert f"{rest:.2f}".replace(".", ",") + " €" in page

    form = _form(lead, url)
    rest_text = f"{rest:.2f}".replace(".", ",")
    lead.post(
        f"{url}/zahlungseingang",
        data={**form, "amount": rest_text, "received_on": "2026-05-04"},
    )
    page = text(lead.get(url))
    assert "Die Erstattung ist vollständig eingegangen." in page
    assert "Vollständig eingegangen am 04.05.2026" in page
    assert "Zahlungseingang erfassen" not in page
    with web_app.app_context():
        assert db.session().get_one(Application, app_id).state is ApplicationState.closed


def test_more_than_is_open_is_refused_in_german(web_app):
    app_id = issued_refund(web_app)
    lead = staff(web_app, LEAD)
    url = f"{REVIEWS}/{app_id}"
    form = _form(lead, url)

    refused = lead.post(
        f"{url}/zahlungseingang",
        data={**form, "amount": "1.000,00", "received_on": "2026-05-04"},
    )

    assert refused.status_code == 302
    page = text(lead.get(refused.location))
    assert "übersteigt den noch offenen Betrag" in page
    assert _receipts(web_app, app_id) == []


def test_the_coordination_office_sees_the_refund_but_records_nothing(web_app):
    app_id = issued_refund(web_app)
    kuf = staff(web_app, KUF)
    url = f"{REVIEWS}/{app_id}"

    page = text(kuf.get(url))
    assert "Zahlungseingang der Erstattung" in page
    assert "Die Zahlungseingänge erfasst das federführende Amt." in page
    html = kuf.get(url).get_data(as_text=True)
    token = _TOKEN.search(html)
    assert token
    response = kuf.post(
        f"{url}/zahlungseingang",
        data={
            "csrf_token": token.group(1),
            "idempotency_key": "k",
            "amount": "10,00",
            "received_on": "2026-05-04",
        },
    )
    assert response.status_code == 403
    assert _receipts(web_app, app_id) == []
