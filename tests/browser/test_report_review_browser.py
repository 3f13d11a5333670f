"""The money side after the grant in a real browser (issue 19, acceptance): the payment queue,
the payment order (page 1 as PNG), the review of the usage-of-funds report done with the
keyboard, the refund notice it leads to (page 1 as PNG) and a partial payment recorded on it
(issue 19.4) – zero axe-core violations.

With FOERDERWERK_SCREENSHOTS=docs/samples/staff the pages' screenshots and the first pages
of the payment order and the refund notice (pdftoppm) land there. A server
of its own: the test records payouts and a report the shared live server must not see."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from service import db
from service.archive.register import read_document
from service.archive.storage import FolderStorage
from service.models import Document, Partnership, PaymentRequest, PaymentStatus
from tests.conftest import require_tools
from tests.web.apply_helpers import SLUG, grant, make_app
from tests.web.review_support import submit_report
from tests.web.test_report_review_pdf import _approve_and_pay, _request_payment

from .conftest import SCREENSHOTS, LiveServer, check_page
from .test_staff_browser import _sign_in_with_the_keyboard

pytestmark = [pytest.mark.browser, pytest.mark.libreoffice]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, _sqlite_template: Path) -> Iterator[Any]:
    require_tools("soffice", "pdftoppm")
    folder = tmp_path_factory.mktemp("review")
    shutil.copyfile(_sqlite_template, folder / "db.sqlite3")
    app = make_app(f"sqlite:///{folder / 'db.sqlite3'}", folder, TODAY="2026-05-04")
    with app.app_context():
        partnership = (
            db.session().scalars(select(Partnership).where(Partnership.slug == SLUG)).one()
        )
        partnership.budget_lines = {fund.key: "3610.718000" for fund in partnership.funds}
        db.session().commit()
    applicant = app.test_client()
    app_id = grant(app, applicant)
    first = _request_payment(app, applicant, app_id, "380,00")
    _approve_and_pay(app, first, "300,00", lower="300,00")
    second = _request_payment(app, applicant, app_id, "300,00")  # still waiting in the queue
    live = LiveServer(app, folder / "mail")
    app.config["BASE_URL"] = live.url
    live.thread.start()
    yield live, app, applicant, app_id, second, folder
    live.server.shutdown()
    with app.app_context():
        db.engine().dispose()


def _first_page_png(app: Any, folder: Path, kind: str, name: str) -> Path:
    with app.app_context():
        document = db.session().scalars(select(Document).where(Document.kind == kind)).first()
        assert document is not None, kind
        data = read_document(FolderStorage(str(folder / "documents")), document)
    pdf = folder / f"{name}.pdf"
    pdf.write_bytes(data)
    # the first page beside the screenshots when they are asked for, else in the test's folder
    samples = Path(SCREENSHOTS) if SCREENSHOTS else folder
    samples.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "70",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(pdf),
            str(samples / name),
        ],
        check=True,
        timeout=120,
    )
    return samples / f"{name}.png"


def test_queue_order_review_and_refund_notice(server, page):
    live, app, applicant, app_id, second, folder = server
    base = live.url
    staff = f"{base}/p/{SLUG}/staff"

    _sign_in_with_the_keyboard(page, base, "kuf@demo.example")
    page.goto(f"{staff}/mittelabrufe")
    check_page(page, "staff-mittelabrufe")
    assert page.get_by_text("Die Saalmiete ist erst im Juli fällig.").count() >= 1
    assert _first_page_png(app, folder, "payment_order", "auszahlungsanordnung-seite-1").exists()

    # the second request: factually correct by keyboard, the lead office signs the second
    page.focus(f"#amount-{second}")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    with app.app_context():
        signed = db.session().get(PaymentRequest, second)
        assert signed is not None
        assert signed.status is PaymentStatus.checked
    _approve_and_pay(app, second, "300,00")
    submit_report(applicant, app_id)

    page.goto(f"{staff}/verwendungsnachweise")
    check_page(page, "staff-verwendungsnachweise")
    link = page.get_by_role("link", name="Prüfung öffnen", exact=False).first
    link.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    check_page(page, "staff-pruefung-verwendungsnachweis")

    # with the keyboard: the sample, a lower amount with its reason, the review note
    page.focus("#sampled-1")
    page.keyboard.press("Space")
    assert page.is_checked("#sampled-1")
    page.focus("#recognised-sachausgaben")
    page.keyboard.press("Control+A")
    page.keyboard.type("40,00")
    page.keyboard.press("Tab")  # its reason
    page.keyboard.type("Beleg 2 betrifft zu 60,00 € Büromaterial des Vereins.")
    page.focus("#note")
    page.keyboard.type("Belege 1 bis 3 mit den Originalen verglichen; Sachbericht plausibel.")
    page.get_by_role("button", name="Prüfung speichern").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_text("Die Prüfung wurde gespeichert.").count() == 1
    page.get_by_role("button", name="Prüfung abschließen").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_text("Die Prüfung ist abgeschlossen.").count() == 1
    check_page(page, "staff-pruefung-abgeschlossen")

    lead = page.context.browser.new_context(locale="de-DE", viewport={"width": 1000, "height": 900})
    lead_page = lead.new_page()
    lead_page.set_default_timeout(60000)
    _sign_in_with_the_keyboard(lead_page, base, "lead@demo.example")
    lead_page.goto(f"{staff}/verwendungsnachweise/{app_id}")
    check_page(lead_page, "staff-pruefung-federfuehrung")
    button = lead_page.get_by_role("button", name="erlassen", exact=False)
    button.focus()
    with lead_page.expect_navigation():
        lead_page.keyboard.press("Enter")
    assert lead_page.get_by_role("link", name="Teilwiderrufs- und Erstattungsbescheid").count() == 1
    check_page(lead_page, "staff-erstattungsbescheid-erlassen")

    # the treasury's statement shows a first partial payment: recorded with the keyboard
    assert lead_page.get_by_role("heading", name="Zahlungseingang der Erstattung").count() == 1
    lead_page.fill("#receipt-amount", "10,00")
    lead_page.fill("#receipt-note", "Kontoauszug 12")
    lead_page.focus("#receipt-note")
    lead_page.keyboard.press("Tab")  # the button
    with lead_page.expect_navigation():
        lead_page.keyboard.press("Enter")
    assert "Zahlungseingang erfasst." in lead_page.inner_text("body")
    assert lead_page.get_by_role("table", name="Erfasste Zahlungseingänge").count() == 1
    check_page(lead_page, "staff-zahlungseingang")
    lead.close()
    assert _first_page_png(app, folder, "refund_notice", "erstattungsbescheid-seite-1").exists()
