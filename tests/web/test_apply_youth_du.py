"""The youth fund says "du" (issue 17, item 6): a youth-fund application walked with mistakes on
every step – the pages, their hints, the forms' and the rules engine's messages at the
fields, the declarations, the review and the receipt – has no "Sie" and no "Ihr"."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfWriter

from service import db

from .apply_helpers import SLUG, csrf, formal_words, grant, make_app, page_text, post_step, start


@pytest.fixture
def web_app(db_url: str, tmp_path: Path) -> Iterator[Flask]:
    app = make_app(db_url, tmp_path, UPLOAD_PATH=str(tmp_path / "uploads"))
    yield app
    with app.app_context():
        db.engine().dispose()


class Walk:
    """The youth-fund wizard of one browser, every page it showed kept for the check."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client
        self.pages: dict[str, str] = {}

    def keep(self, name: str, response: Any, status: int) -> str:
        assert response.status_code == status, (name, response.status_code)
        html: str = response.get_data(as_text=True)
        self.pages[name] = html
        return html

    def follow(self, name: str, response: Any) -> str:
        assert response.status_code == 302, (name, response.status_code)
        return self.keep(name, self.client.get(response.location), 200)


def _pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


APPLICANT = {
    "name": "Jugendgruppe Skatepark",
    "legal_form": "initiative",
    "street": "Am Markt 1",
    "postal_code": "19273",
    "city": "Lübtheen",
    "representative": "Mia Beispiel",
    "contact_name": "Mia Beispiel",
    "email": "mia@skatepark.example",
    "iban": "DE02120300000000202051",
    "account_holder": "Mia Beispiel",
    "birth_date": "14.03.2011",
    "adult_contact_name": "Tom Beispiel",
    "adult_contact_email": "tom@skatepark.example",
}
PROJECT = {
    "title": "Skatepark-Fest",
    "summary": "Ein Nachmittag mit Workshops auf dem Skatepark.",
    "goals": "Jugendliche planen ihren Platz mit.",
    "fields_of_action": ["demokratiefoerderung"],
    "target_groups": ["jugendliche"],
    "location": "Lübtheen",
    "start": "01.05.2026",
    "end": "30.06.2026",
    "participants_planned": "40",
}
COSTS = {
    "costs-0-category": "honorare",
    "costs-0-description": "Workshopleitung",
    "costs-0-amount": "300,00",
    "costs-1-category": "sachausgaben",
    "costs-1-description": "Farbe und Holz",
    "costs-1-amount": "200,00",
}
FINANCING = {"own_funds": "0", "revenue": "0", "requested": "500,00"}
DECLARATIONS = {
    name: "y"
    for name in (
        "not_started",
        "no_double_funding",
        "anbest_acknowledged",
        "data_correct",
        "publicity",
        "privacy_consent",
    )
}


def walk_with_mistakes(client: FlaskClient) -> Walk:
    """Every step of the youth fund with the mistakes a young person makes, then right."""
    walk = Walk(client)
    step1 = start(client, "JF-2026")
    base = step1.rsplit("/", 1)[0]
    walk.keep("antragsteller-leer", client.get(step1), 200)
    # forms: an address that is none, a postal code of four digits, a date that does not exist
    walk.keep(
        "antragsteller-unlesbar",
        post_step(
            client,
            step1,
            {
                **APPLICANT,
                "email": "mia at skatepark",
                "postal_code": "1927",
                "birth_date": "31.02.2011",
            },
        ),
        422,
    )
    # the rules engine: empty fields, a wrong IBAN, no adult contact for a 14-year-old
    mistakes = {**APPLICANT, "name": "", "city": "", "iban": "DE02120300000000202052"}
    mistakes.update(adult_contact_name="", adult_contact_email="")
    walk.keep("antragsteller-fehler", post_step(client, step1, mistakes), 422)
    walk.keep(
        "antragsteller-zu-alt",
        post_step(client, step1, {**APPLICANT, "birth_date": "01.01.1990"}),
        422,
    )
    assert post_step(client, step1, APPLICANT).status_code == 302

    project = f"{base}/projekt"
    walk.keep(
        "projekt-unlesbar", post_step(client, project, {**PROJECT, "start": "31.02.2026"}), 422
    )
    walk.keep(
        "projekt-fehler",
        post_step(
            client,
            project,
            {
                **PROJECT,
                "title": "",
                "start": "01.02.2026",
                "end": "20.12.2027",
                "fields_of_action": [],
            },
        ),
        422,
    )
    early = {**PROJECT, "start": "01.02.2026", "early_start_requested": "y"}
    assert post_step(client, project, early, action="save").status_code == 302
    walk.keep("projekt-hinweis", client.get(project), 200)  # the early start's note
    assert post_step(client, project, PROJECT).status_code == 302

    costs = f"{base}/kosten"
    wrong = {
        **COSTS,
        "costs-0-quantity": "8",
        "costs-0-unit_price": "30,00",  # 8 × 30 is not 300
        "costs-1-amount": "600,00",  # no offers
        "costs-1-quantity": "1,234",
    }
    walk.keep("kosten-fehler", post_step(client, costs, wrong), 422)
    walk.keep("kosten-zeile-dazu", post_step(client, costs, wrong, action="add:costs"), 200)
    walk.keep(
        "kosten-unlesbar", post_step(client, costs, {**COSTS, "costs-0-amount": "3,001"}), 422
    )
    walk.keep("kosten-leer", post_step(client, costs, {"costs-0-description": ""}), 422)
    assert post_step(client, costs, COSTS).status_code == 302

    financing = f"{base}/finanzierung"
    walk.keep(
        "finanzierung-fehler",
        post_step(client, financing, {**FINANCING, "requested": "1.200,00"}),
        422,
    )
    walk.keep(
        "finanzierung-unlesbar", post_step(client, financing, {**FINANCING, "own_funds": "-5"}), 422
    )
    assert post_step(client, financing, FINANCING).status_code == 302

    declarations = f"{base}/erklaerungen"
    walk.keep("erklaerungen-fehler", post_step(client, declarations, {}), 422)
    page = client.get(declarations).get_data(as_text=True)
    body = {"csrf_token": csrf(page), "action": "upload", "kind": "offer"}
    no_pdf = {**body, "file": (io.BytesIO(b"kein PDF"), "angebot.pdf")}
    walk.follow("erklaerungen-datei-abgelehnt", client.post(declarations, data=no_pdf))
    walk.follow("erklaerungen-ohne-datei", client.post(declarations, data=body))
    pdf = {**body, "file": (io.BytesIO(_pdf()), "angebot.pdf")}
    walk.follow("erklaerungen-datei", client.post(declarations, data=pdf))
    walk.follow(
        "erklaerungen-link", client.post(f"{base}/link", data={**body, "step": "erklaerungen"})
    )
    walk.keep("pruefen-fehler", client.get(f"{base}/pruefen"), 200)

    assert post_step(client, declarations, DECLARATIONS).status_code == 302
    review = walk.keep("pruefen", client.get(f"{base}/pruefen"), 200)
    key = re.search(r'name="idempotency_key" value="(\w+)"', review)
    assert key is not None
    submitted = client.post(
        f"{base}/einreichen", data={"csrf_token": csrf(review), "idempotency_key": key.group(1)}
    )
    walk.follow("eingang", submitted)
    return walk


def test_the_youth_fund_says_du_on_every_page_and_in_every_message(web_app):
    walk = walk_with_mistakes(web_app.test_client())
    formal = {name: formal_words(html) for name, html in walk.pages.items()}
    assert {name: words for name, words in formal.items() if words} == {}
    # and it does say "du" – at the fields too, from the forms and from the rules engine
    everything = " ".join(page_text(html) for html in walk.pages.values())
    for said in (
        "Wer bist du?",
        "Bitte fülle aus",  # field.required of the rules engine
        "Bitte gib die Postleitzahl",  # the form's postal code
        "Bitte bestätige",  # declaration.missing
        "dein Antrag ist eingegangen",  # the receipt
    ):
        assert said in everything, said


def test_the_action_fund_keeps_sie(web_app):
    """The same mistakes in the action fund are said with "Sie": the "du" is the fund's."""
    client = web_app.test_client()
    step1 = start(client)
    html = post_step(client, step1, {"name": "", "postal_code": "1927"}).get_data(as_text=True)
    assert "Bitte geben Sie die Postleitzahl" in html
    html = post_step(client, step1, {"name": ""}).get_data(as_text=True)
    assert "Bitte füllen Sie aus" in html
    assert "Bitte fülle aus" not in html


def test_the_check_finds_a_formal_word():
    assert formal_words("<p>Bitte prüfe das.</p><p>Bitte prüfen <b>Sie</b> das.</p>") == [
        "Bitte prüfen Sie das."
    ]
    assert formal_words("<p>Dein Antrag ist da.</p>") == []


def test_after_the_grant_the_youth_fund_says_du_too(db_url, tmp_path):
    """The payment request and the report of a youth fund's grant, with mistakes."""
    app = make_app(db_url, tmp_path, TODAY="2026-05-04")
    try:
        client = app.test_client()
        app_id = grant(app, client, title="Open-Air-Kino „Film ab für Vielfalt“")
        walk = Walk(client)
        payment = f"/p/{SLUG}/antrag/{app_id}/mittelabruf"
        page = client.get(payment).get_data(as_text=True)
        too_much = {"csrf_token": csrf(page), "amount": "700,00", "needed_on": "20.05.2026"}
        html = walk.keep("mittelabruf-fehler", client.post(payment, data=too_much), 422)
        assert "Du kannst höchstens" in page_text(html)
        report = f"/p/{SLUG}/antrag/{app_id}/verwendungsnachweis"
        page = walk.keep("verwendungsnachweis", client.get(report), 200)
        empty = {"csrf_token": csrf(page), "action": "submit", "receipts-0-number": "1"}
        html = walk.keep("verwendungsnachweis-fehler", client.post(report, data=empty), 422)
        assert "Bitte beschreibe im Sachbericht" in page_text(html)
    finally:
        with app.app_context():
            db.engine().dispose()
    formal = {name: formal_words(html) for name, html in walk.pages.items()}
    assert {name: words for name, words in formal.items() if words} == {}
