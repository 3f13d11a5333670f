"""Helpers of the report review tests (issue 19.2): a granted application with payouts and a
submitted report, the review form's fields."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from service import db
from service.models import Payout, PayoutSource

from .apply_helpers import SLUG, csrf, grant
from .staff_support import STAFF, log_in

REVIEWS = f"{STAFF}/verwendungsnachweise"

# three receipts in the approved period: 830 € of expenses, 250 € own and third-party funds
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


def post_form(client: FlaskClient, url: str, data: dict[str, str], page: str | None = None) -> Any:
    """POST ``data`` with the CSRF token (and idempotency key) of the page ``page`` (``url``)."""
    html = client.get(page or url).get_data(as_text=True)
    body = {"csrf_token": csrf(html), **data}
    key = re.search(r'name="idempotency_key" type="hidden" value="(\w+)"', html)
    if key and "idempotency_key" not in data:
        body["idempotency_key"] = key.group(1)
    return client.post(url, data=body)


def submit_report(client: FlaskClient, app_id: int, report: dict[str, str] | None = None) -> None:
    url = f"/p/{SLUG}/antrag/{app_id}/verwendungsnachweis"
    response = post_form(client, url, {**(report or REPORT), "action": "submit"})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]


def pay_directly(app: Flask, app_id: int, amount: str, day: date = date(2026, 5, 4)) -> None:
    """A payout recorded without a payment request (the tests that need no payment order)."""
    with app.app_context():
        db.session().add(
            Payout(
                application_id=app_id,
                amount=Decimal(amount),
                paid_on=day,
                source=PayoutSource.hand,
                created_by="kasse@example.org",
                idempotency_key=f"test-{app_id}-{amount}-{day.isoformat()}",
            )
        )
        db.session().commit()


def reported(app: Flask, paid: str = "600.00") -> tuple[FlaskClient, int]:
    """A granted application (600 €) with ``paid`` paid out and its report submitted."""
    applicant = app.test_client()
    app_id = grant(app, applicant)
    pay_directly(app, app_id, paid)
    submit_report(applicant, app_id)
    return applicant, app_id


def staff(app: Flask, email: str) -> FlaskClient:
    client = app.test_client()
    log_in(client, email)
    return client


def review_form(**changes: str) -> dict[str, str]:
    """The review form as the page fills it (the rules' amounts), sample receipt 1, a note."""
    form = {
        "recognised-honorare": "480,00",
        "recognised-sachausgaben": "100,00",
        "recognised-oeffentlichkeitsarbeit": "250,00",
        "sampled-1": "1",
        "note": "Belege 1 bis 3 mit den Originalen verglichen; Sachbericht plausibel.",
        "effective_on": "2026-05-04",
        "refund_on": "2026-06-03",
    }
    form.update(changes)
    return {k: v for k, v in form.items() if v is not None}
