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


# -- e-mails and documents -----------------------------------------------------------------


def _queued(web_app):
    from service.models import OutboxMail

    with web_app.app_context():
        return [
            (row.recipient, row.subject, row.body, dict(row.attachments or {}))
            for row in db.session().query(OutboxMail).order_by(OutboxMail.id)
        ]


def test_a_payment_request_and_a_report_each_queue_a_german_mail_with_their_pdf(tmp_path, db_url):
    app = make_app(db_url, tmp_path, TODAY="2026-06-20", APPLICATION_PDF_IN_MAIL=True)
    try:
        client = app.test_client()
        app_id = grant(app, client)
        before = len(_queued(app))
        payment = f"/p/{SLUG}/antrag/{app_id}/mittelabruf"
        body = {"amount": "380,00", "needed_on": "30.06.2026"}
        assert _post(client, payment, body).status_code == 302
        report = f"/p/{SLUG}/antrag/{app_id}/verwendungsnachweis"
        assert _post(client, report, {**REPORT, "action": "submit"}).status_code == 302
        mails = _queued(app)[before:]
        assert len(mails) == 2
        (_to, subject, text, parts), (_to2, subject2, text2, parts2) = mails
        assert subject.startswith("Ihr Mittelabruf zu ")
        assert subject.endswith("ist eingegangen")
        assert "Ihr Mittelabruf ist eingegangen." in text
        assert "380,00\u00a0€" in text
        assert "30.06.2026" in text
        assert "Ihr Mittelabruf ist als PDF beigefügt." in text
        assert f"/p/{SLUG}/meine-antraege" in text
        [deferred] = parts["deferred"]
        assert deferred["kind"] == "payment-request-pdf"
        assert deferred["filename"].startswith("Mittelabruf-")
        assert deferred["filename"].endswith("-1.pdf")
        assert subject2.startswith("Ihr Verwendungsnachweis zu ")
        assert "Koordinierungs- und Fachstelle prüft ihn vor" in text2
        [deferred2] = parts2["deferred"]
        assert deferred2["kind"] == "report-pdf"
        for mail in (text, text2):
            assert "{{" not in mail
            assert "%(" not in mail
    finally:
        with app.app_context():
            db.engine().dispose()


def test_a_youth_fund_applicant_is_told_du(web_app):
    client = web_app.test_client()
    app_id = grant(web_app, client, title="Open-Air-Kino „Film ab für Vielfalt“")
    before = len(_queued(web_app))
    url = f"/p/{SLUG}/antrag/{app_id}/mittelabruf"
    assert _post(client, url, {"amount": "200,00", "needed_on": "30.06.2026"}).status_code == 302
    [(_to, subject, text, _parts)] = _queued(web_app)[before:]
    assert subject.startswith("Dein Mittelabruf")
    assert "dein Mittelabruf ist eingegangen" in text
    assert "Ihr " not in text
    assert " Sie " not in text


def _report_text(web_app, client, app_id) -> str:
    import io

    from docx import Document

    data = client.get(f"/p/{SLUG}/antrag/{app_id}/verwendungsnachweis/dokument.docx").data
    document = Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                parts.extend(p.text for p in cell.paragraphs)
                for inner in cell.tables:
                    for inner_row in inner.rows:
                        parts.extend(c.text for c in inner_row.cells)
    return "\n".join(parts)


def test_the_report_document_names_recipient_project_payouts_and_keeps_the_precheck_apart(
    web_app,
):
    from datetime import date
    from decimal import Decimal

    from service.models import Application, Payout, PayoutSource

    client = web_app.test_client()
    app_id = grant(web_app, client)
    payment = f"/p/{SLUG}/antrag/{app_id}/mittelabruf"
    assert (
        _post(client, payment, {"amount": "500,00", "needed_on": "30.06.2026"}).status_code == 302
    )
    with web_app.app_context():
        request = db.session().query(PaymentRequest).filter_by(application_id=app_id).one()
        # the treasury paid 320 € of the 500 € requested
        db.session().add(
            Payout(
                application_id=app_id,
                payment_request_id=request.id,
                amount=Decimal("320.00"),
                paid_on=date(2026, 6, 5),
                cash_reference="KZ-77-1",
                source=PayoutSource.hand,
                created_by="kasse@example.org",
                idempotency_key=f"doc-{app_id}",
            )
        )
        db.session().commit()
        application = db.session().get(Application, app_id)
        recipient, title = application.applicant_name, application.title
        street = application.applicant_street
    url = f"/p/{SLUG}/antrag/{app_id}/verwendungsnachweis"
    receipts = {**REPORT, "receipts-0-date": "02.07.2026"}  # a receipt in the future
    assert _post(client, url, {**receipts, "action": "submit"}).status_code == 302
    text = _report_text(web_app, client, app_id)
    assert recipient in text
    assert title in text
    # the recipient sends (return line), the lead office receives
    assert f"{recipient} · {street}" in text or f"{recipient}, {street}" in text
    assert "Stadt Boizenburg/Elbe" in text
    # payouts, not requests: 320 € paid with its cash reference, the 500 € request nowhere
    assert "320,00 €" in text
    assert "KZ-77-1" in text
    assert "05.06.2026" in text
    assert "500,00" not in text
    # no on-screen help in the document
    for help_text in ("Bitte", "bitte", "Please", "prüfen Sie"):
        assert help_text not in text, help_text
    assert "nach dem Tag des Nachweises" in text
    # the pre-check is labelled as such and not presented as the authority's check
    assert "Vorprüfung" in text
    assert "Ergebnis der Prüfung" not in text
    assert "nicht die Prüfung des Verwendungsnachweises durch die Bewilligungsbehörde" in text


def test_every_document_is_reachable_from_the_applicants_list(web_app):
    client = web_app.test_client()
    app_id = grant(web_app, client)
    payment = f"/p/{SLUG}/antrag/{app_id}/mittelabruf"
    assert (
        _post(client, payment, {"amount": "300,00", "needed_on": "30.06.2026"}).status_code == 302
    )
    url = f"/p/{SLUG}/antrag/{app_id}/verwendungsnachweis"
    assert _post(client, url, {**REPORT, "action": "submit"}).status_code == 302
    html = client.get(f"/p/{SLUG}/meine-antraege").get_data(as_text=True)
    with web_app.app_context():
        request = db.session().query(PaymentRequest).filter_by(application_id=app_id).one()
    assert f"/antrag/{app_id}/antrag.pdf" in html
    assert f"/antrag/{app_id}/mittelabruf/{request.id}.pdf" in html
    assert f"/antrag/{app_id}/verwendungsnachweis/dokument.pdf" in html
    assert f"/antrag/{app_id}/verwendungsnachweis/dokument.docx" in html
    assert "-B (PDF)" in html  # the notice
    assert (
        client.get(f"/p/{SLUG}/antrag/{app_id}/verwendungsnachweis/dokument.docx").status_code
        == 200
    )
    # another browser (without the application in its session) gets 404 for each
    other = web_app.test_client()
    for path in (
        f"/antrag/{app_id}/antrag.pdf",
        f"/antrag/{app_id}/mittelabruf/{request.id}.pdf",
        f"/antrag/{app_id}/verwendungsnachweis/dokument.pdf",
    ):
        assert other.get(f"/p/{SLUG}{path}").status_code == 404


# -- receipts uploaded with the report -----------------------------------------------------


def _png() -> bytes:
    import struct
    import zlib

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00" + b"\xff\x00\x00" * 2 + b"\x00" + b"\x00\xff\x00" * 2)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def _jpeg() -> bytes:
    frame = bytes.fromhex("ffc00011080002000203011100021100031100")
    scan = bytes.fromhex("ffda000c03010002110311003f00")
    return b"\xff\xd8" + frame + scan + b"\x12\x34\x56" + b"\xff\xd9"


def _upload(client, url, name: str, data: bytes, extra: dict[str, str] | None = None):
    import io

    page = client.get(url).get_data(as_text=True)
    body = {"csrf_token": csrf(page), "action": "upload", **(extra or {})}
    body["file"] = (io.BytesIO(data), name)
    return client.post(url, data=body, content_type="multipart/form-data")


def test_receipts_are_uploaded_as_pdf_jpeg_or_png_and_checked(web_app):
    import io

    client = web_app.test_client()
    app_id = grant(web_app, client)
    url = f"/p/{SLUG}/antrag/{app_id}/verwendungsnachweis"
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    buffer = io.BytesIO()
    writer.write(buffer)
    typed = {"activities": "Zwei Abende im Jugendclub."}
    answer = _upload(client, url, "R-01 Foto.png", _png(), typed)
    assert answer.status_code == 302
    page = client.get(answer.location).get_data(as_text=True)
    assert "„R-01 Foto.png“ wurde hinzugefügt." in page
    assert "Zwei Abende im Jugendclub." in page  # what was typed is kept with the upload
    assert _upload(client, url, "R-02.jpeg", _jpeg()).status_code == 302
    assert _upload(client, url, "R-03.pdf", buffer.getvalue()).status_code == 302
    # a GIF, and a PNG whose bytes were changed: refused in German at the field
    refused = _upload(client, url, "beleg.gif", b"GIF89a" + b"\x00" * 40)
    html = client.get(refused.location).get_data(as_text=True)
    assert "weder ein PDF noch ein JPEG- oder PNG-Bild" in html
    broken = _png()[:-20] + b"\x00" * 20
    html = client.get(_upload(client, url, "kaputt.png", broken).location).get_data(as_text=True)
    assert "kann nicht gelesen werden" in html
    with web_app.app_context():
        from service.models import Upload

        rows = db.session().query(Upload).filter_by(application_id=app_id, kind="receipt").all()
        names = sorted(u.display_name for u in rows)
    assert names[:2] == ["R-01 Foto.png", "R-02.jpg"]
    # the file comes back with its own type, to this browser only
    [png] = [u for u in rows if u.display_name.endswith(".png")]
    served = client.get(f"/p/{SLUG}/antrag/{app_id}/belege/{png.id}")
    assert served.status_code == 200
    assert served.mimetype == "image/png"
    assert served.data == _png()
    assert (
        web_app.test_client().get(f"/p/{SLUG}/antrag/{app_id}/belege/{png.id}").status_code == 404
    )
    # removed with the form's own button
    page = client.get(url).get_data(as_text=True)
    client.post(url, data={"csrf_token": csrf(page), "action": f"remove-file:{png.id}"})
    with web_app.app_context():
        left = db.session().query(Upload).filter_by(application_id=app_id, kind="receipt").count()
    assert left == len(names) - 1
    assert names == ["R-01 Foto.png", "R-02.jpg", "R-03.pdf"]


def test_the_sandbox_says_what_a_file_is_and_an_offer_stays_pdf_only(monkeypatch):
    from service.adapters import uploads as sandbox
    from service.adapters.pdfcheck import verdict
    from service.operations import uploads as upload_ops

    assert verdict(_png())["media"] == "image/png"
    assert verdict(_jpeg())["media"] == "image/jpeg"
    assert verdict(b"GIF89a")["ok"] is False
    assert verdict(_jpeg()[:-2])["ok"] is False  # cut off before its end marker
    # the offers' check refuses an image as "not a PDF", with the offers' own message
    monkeypatch.setattr(
        sandbox, "check_pdf", lambda data, *a, **k: sandbox.PdfVerdict(1, False, "image/png")
    )
    with pytest.raises(upload_ops.UploadRefused) as refused:
        upload_ops.check_offer(_png())
    assert refused.value.problem == "not-pdf"
