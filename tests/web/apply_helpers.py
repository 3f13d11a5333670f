"""Helpers for the applicant page tests: a client that fills the wizard like a person."""

from __future__ import annotations

import email
import email.policy
import re
from html import unescape
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from service import create_app, db
from service.demo import STORY_DAY
from service.operations.demo import load_demo
from tests.databases import with_demo

SLUG = "boizenburg-luebtheen"
# The demo's fund year is 2026; the wizard is tried as on the example's date of receipt.
TODAY = "2026-02-20"

AIF_STEPS: dict[str, dict[str, Any]] = {
    "antragsteller": {
        "name": "Kulturverein Elbufer e.V.",
        "legal_form": "verein",
        "street": "Elbstraße 4",
        "postal_code": "19258",
        "city": "Boizenburg/Elbe",
        "representative": "Jana Beispiel",
        "contact_name": "Jana Beispiel",
        "email": "kontakt@elbufer.example",
        "phone": "038847 0000",
        "iban": "DE02 1203 0000 0000 2020 51",
        "account_holder": "Kulturverein Elbufer e.V.",
    },
    "projekt": {
        "title": "Demokratiefest am Elbufer",
        "summary": "Ein Nachmittag mit Workshops, Musik und Gesprächen.",
        "goals": "Jugendliche und Eltern kommen ins Gespräch.",
        "fields_of_action": ["demokratiefoerderung"],
        "target_groups": ["jugendliche", "eltern"],
        "location": "Boizenburg/Elbe",
        "start": "01.05.2026",
        "end": "30.06.2026",
        "participants_planned": "120",
    },
    "kosten": {
        "costs-0-category": "honorare",
        "costs-0-description": "Workshopleitung",
        "costs-0-quantity": "8",
        "costs-0-unit": "h",
        "costs-0-unit_price": "60,00",
        "costs-0-amount": "480,00",
        "costs-0-offers": "0",
        "costs-1-category": "sachausgaben",
        "costs-1-description": "Moderationsmaterial",
        "costs-1-amount": "120,00",
        "costs-2-category": "oeffentlichkeitsarbeit",
        "costs-2-description": "Plakate und Flyer",
        "costs-2-amount": "250 €",
    },
    "finanzierung": {
        "own_funds": "100,00",
        "third_party-0-source": "Sparkassenstiftung",
        "third_party-0-amount": "150,00",
        "revenue": "0",
        "requested": "600,00",
    },
    "erklaerungen": {
        name: "y"
        for name in (
            "not_started",
            "no_double_funding",
            "anbest_acknowledged",
            "data_correct",
            "publicity",
            "privacy_consent",
        )
    },
}


# the formal address in any of its forms; "Sie" also at the start of a sentence – none of
# the youth fund's texts speaks of a "she" or "they"
FORMAL = re.compile(r"\b(Sie|Ihr|Ihre|Ihren|Ihrem|Ihrer|Ihres|Ihnen)\b")


def page_text(html: str) -> str:
    """What a person reads: the page without markup, scripts and attribute values."""
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return unescape(re.sub(r"<[^>]+>", " ", body))


def formal_words(html: str) -> list[str]:
    """The sentences of the page that address the reader formally."""
    text = re.sub(r"\s+", " ", page_text(html))
    return [
        sentence.strip()
        for sentence in re.split(r"(?<=[.!?:])\s", text)
        if FORMAL.search(sentence) or "Bitte füllen Sie" in sentence
    ]


def make_app(db_url: str, tmp_path: Path, **config: Any) -> Flask:
    """The app with the demo partnership on the migrated database at ``db_url``: a copy of the
    test session's demo template while the database is untouched, else ``load_demo``."""
    copied = with_demo(db_url)
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key-with-enough-entropy-0123456789",
            "DATABASE_URL": db_url,
            "STORAGE_PATH": str(tmp_path / "documents"),
            "MAIL_FOLDER": str(tmp_path / "mail"),
            # the configured site address: links in e-mails are built from it (issue 14)
            "BASE_URL": "http://localhost",
            "TODAY": TODAY,
            # the PDF needs LibreOffice: only the tests marked for it render one
            "APPLICATION_PDF_IN_MAIL": False,
            **config,
        }
    )
    if not copied:
        with app.app_context():
            load_demo(db.session(), STORY_DAY)
            db.session().commit()
    return app


def csrf(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def version(html: str) -> str:
    match = re.search(r'id="version" name="version" type="hidden" value="(\d+)"', html)
    return match.group(1) if match else ""


def start(client: FlaskClient, fund: str = "AIF-2026") -> str:
    """Open the partnership page, press "apply"; the URL of step 1."""
    page = client.get(f"/p/{SLUG}/").get_data(as_text=True)
    response = client.post(f"/p/{SLUG}/{fund}/antrag", data={"csrf_token": csrf(page)})
    assert response.status_code == 302
    return response.location


def post_step(client: FlaskClient, url: str, data: dict[str, Any], action: str = "next") -> Any:
    page = client.get(url).get_data(as_text=True)
    body = {"csrf_token": csrf(page), "version": version(page), "action": action, **data}
    return client.post(url, data=body)


def fill_all(client: FlaskClient, step1_url: str, steps: dict[str, dict[str, Any]]) -> str:
    """Fill every step with ``steps``; the URL of the review page."""
    base = step1_url.rsplit("/", 1)[0]
    for slug, data in steps.items():
        response = post_step(client, f"{base}/{slug}", data)
        assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    return f"{base}/pruefen"


def submit_application(client: FlaskClient, fund: str = "AIF-2026") -> Any:
    """A whole application of ``AIF_STEPS`` from the partnership page to the submit button;
    the answer of the submit."""
    review_url = fill_all(client, start(client, fund), AIF_STEPS)
    review = client.get(review_url).get_data(as_text=True)
    key = re.search(r'name="idempotency_key" value="(\w+)"', review)
    assert key, "no idempotency key on the review page"
    return client.post(
        review_url.replace("pruefen", "einreichen"),
        data={"csrf_token": csrf(review), "idempotency_key": key.group(1)},
    )


def mails(tmp_path: Path) -> list[str]:
    """The mails written to the development folder: headers and decoded text body."""
    folder = tmp_path / "mail"
    if not folder.is_dir():
        return []
    texts = []
    for path in sorted(folder.glob("*.eml")):
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        body = message.get_body(preferencelist=("plain",))
        content = body.get_content() if body is not None else ""
        texts.append(f"To: {message['To']}\nSubject: {message['Subject']}\n\n{content}")
    return texts


def grant(app: Flask, client: FlaskClient | None, title: str = "Demokratiefest am Elbufer") -> int:
    """Give the demo application ``title`` an issued grant notice and hand it to ``client``'s
    browser session (as a link from the coordination office would); its id."""
    from datetime import UTC, date, datetime
    from decimal import Decimal

    from sqlalchemy import select

    from service.domain.states import ApplicationState, NoticeKind, NoticeState
    from service.models import Application, Notice

    with app.app_context():
        session = db.session()
        application = session.scalars(
            select(Application).where(
                Application.title == title, Application.state == ApplicationState.approved
            )
        ).first()
        assert application is not None
        session.add(
            Notice(
                fund_id=application.fund_id,
                application=application,
                number=f"{application.reference}-B",
                kind=NoticeKind.zuwendung,
                state=NoticeState.issued,
                amount=Decimal("600.00"),
                period_start=date(2026, 5, 1),
                period_end=date(2026, 6, 30),
                financing_type="fehlbedarf",
                issued_on=date(2026, 3, 17),
                issued_at=datetime(2026, 3, 17, 9, tzinfo=UTC),
            )
        )
        application.state = ApplicationState.notice_issued
        session.commit()
        app_id = application.id
    if client is not None:
        with client.session_transaction() as browser_session:
            browser_session["applications"] = [app_id]
    return app_id
