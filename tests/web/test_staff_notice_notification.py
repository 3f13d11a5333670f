"""The lead office issues a notice from the staff page (issue 17, item 9): a German warning and
a confirmation where the approved period or the report deadline is already past; the notice
arrives as an e-mail with its PDF; the page shows the day it counts as notified, its remedy
deadline and a waiver of the remedy, recorded on its own form. A fixed PDF stands in for
LibreOffice (as in tests/faults/test_r22_disk_full.py)."""

from __future__ import annotations

import email
import email.policy
import io
from email.message import EmailMessage

from pypdf import PdfWriter
from sqlalchemy import select

from service import db
from service.models import Application, AuditLog, Decision, Notice

from .apply_helpers import make_app
from .staff_support import KUF, LEAD, STAFF, csrf, log_in, text
from .test_mail_language import english_words

ISSUE_DAY = "2026-12-05"  # a Saturday; the demo's "Demokratiefest" ended on 30 June 2026
NOTICES = f"{STAFF}/bescheide"


def _pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _app(db_url, tmp_path, monkeypatch):
    pdf = _pdf()
    monkeypatch.setattr("service.web.uow.office_pdf", lambda *_args, **_kw: pdf)
    return make_app(db_url, tmp_path, TODAY=ISSUE_DAY)


def _fest_decision(app) -> tuple[int, str]:
    with app.app_context():
        decision = (
            db.session()
            .scalars(
                select(Decision)
                .join(Application, Application.id == Decision.application_id)
                .where(Application.title.startswith("Demokratiefest"))
            )
            .one()
        )
        return decision.id, decision.application.applicant_email


def _issue(client, decision_id: int, **fields: str):
    token = csrf(client, NOTICES)
    return client.post(
        f"{STAFF}/beschluesse/{decision_id}/erlassen", data={"csrf_token": token, **fields}
    )


def _mails(tmp_path) -> list[EmailMessage]:
    found = []
    for path in sorted((tmp_path / "mail").glob("*.eml")):
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        found.append(message)
    return found


def test_issuing_warns_of_past_dates_refuses_without_confirmation_and_mails_the_notice(
    db_url, tmp_path, monkeypatch
):
    app = _app(db_url, tmp_path, monkeypatch)
    decision_id, address = _fest_decision(app)
    lead = app.test_client()
    log_in(lead, LEAD)

    page = text(lead.get(NOTICES))
    assert (
        "Achtung: Der Bewilligungszeitraum endete am 30.06.2026 und der Verwendungsnachweis war "
        "am 11.08.2026 fällig – beides vor dem Tag des Erlasses (05.12.2026)." in page
    )
    html = lead.get(NOTICES).get_data(as_text=True)
    assert f'id="confirm-past-{decision_id}" name="confirm_past" value="1"' in html
    assert "Ich habe die Daten geprüft: Der Bescheid soll trotzdem erlassen werden." in page

    refused = _issue(lead, decision_id)
    assert refused.status_code == 302
    assert refused.headers["Location"].endswith(f"#beschluss-{decision_id}")
    after = text(lead.get(NOTICES))
    assert (
        "Der Bescheid wurde nicht erlassen. Der Bewilligungszeitraum endete am 30.06.2026" in after
    )
    with app.app_context():
        assert db.session().scalars(select(Notice)).all() == []
    assert _mails(tmp_path) == []

    issued = _issue(lead, decision_id, confirm_past="1")

    assert issued.status_code == 302
    page = text(lead.get(NOTICES))
    assert "mit der PDF-Datei per E-Mail zugeschickt" in page
    # posted on Saturday 5 December: the fourth day, Wednesday 9 December (settings: 4)
    assert "Bekanntgabe am 9. Dezember 2026" in page
    assert "Rechtsbehelfsfrist bis 11. Januar 2027" in page
    assert "Per E-Mail versandt am" in page
    assert "Bestandskräftig ab 12. Januar 2027, sofern kein Rechtsbehelf eingelegt wird" in page
    with app.app_context():
        notice = db.session().scalars(select(Notice)).one()
        number = notice.number
        entry = (
            db.session().scalars(select(AuditLog).where(AuditLog.action == "notice.issue")).one()
        )
        assert entry.details["confirmed_past"]["period_end"] == "2026-06-30"
    (mail,) = _mails(tmp_path)
    assert mail["To"] == address
    assert mail["Subject"] == f"Ihr Zuwendungsbescheid {number}"
    body = mail.get_body(preferencelist=("plain",)).get_content()
    assert english_words(body) == [], body
    assert "Der Bescheid gilt am 09.12.2026 als bekannt gegeben." in body
    (attachment,) = list(mail.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_filename().startswith(f"Bescheid-{number}")
    assert attachment.get_content() == _pdf_bytes_of(app, notice_id=notice.id)


def _pdf_bytes_of(app, *, notice_id: int) -> bytes:
    from service.archive.backends import storage_from_config
    from service.archive.register import read_document
    from service.models import Document

    with app.app_context():
        session = db.session()
        document = session.scalars(
            select(Document).where(Document.notice_id == notice_id, Document.kind == "notice")
        ).one()
        return read_document(storage_from_config(app.config, session), document)


def test_the_lead_office_records_a_waiver_and_the_page_shows_it(db_url, tmp_path, monkeypatch):
    app = _app(db_url, tmp_path, monkeypatch)
    decision_id, _address = _fest_decision(app)
    lead = app.test_client()
    log_in(lead, LEAD)
    _issue(lead, decision_id, confirm_past="1")
    with app.app_context():
        notice_id = db.session().scalars(select(Notice.id)).one()
    form = f"{NOTICES}/{notice_id}/rechtsbehelfsverzicht"
    assert "Rechtsbehelfsverzicht erfassen" in text(lead.get(NOTICES))

    wrong = lead.post(
        form,
        data={
            "csrf_token": csrf(lead, form),
            "waived_on": "2026-12-04",
            "form": "",
            "declared_by": "",
        },
    )

    assert wrong.status_code == 422
    page = text(wrong)
    assert "Bitte korrigieren Sie Ihre Eingabe" in page
    assert (
        "Tag der Verzichtserklärung: Der Verzicht kann nicht vor dem Erlass des Bescheids" in page
    )
    assert (
        "Form der Erklärung: Bitte wählen Sie, in welcher Form der Verzicht erklärt wurde." in page
    )
    assert "Erklärt von: Bitte nennen Sie die Person" in page
    assert 'value="2026-12-04"' in wrong.get_data(as_text=True)

    saved = lead.post(
        form,
        data={
            "csrf_token": csrf(lead, form),
            "waived_on": "2026-12-05",
            "form": "electronic",
            "declared_by": "Eva Elbe",
        },
    )

    assert saved.status_code == 302
    page = text(lead.get(NOTICES))
    assert "Der Rechtsbehelfsverzicht zum Bescheid" in page
    assert "Rechtsbehelfsverzicht erklärt am 05.12.2026 (elektronisch, von Eva Elbe)" in page
    # a waiver before the notification day: final when the notice counts as notified
    assert "Bestandskräftig ab 9. Dezember 2026 (Rechtsbehelfsverzicht)" in page
    assert "Rechtsbehelfsverzicht erfassen" not in page
    with app.app_context():
        (entry,) = db.session().scalars(select(AuditLog).where(AuditLog.action == "notice.waiver"))
        assert entry.actor.startswith("staff:")
        assert entry.details["form"] == "electronic"
    # a second waiver is refused, in German
    again = lead.post(
        form,
        data={
            "csrf_token": csrf(lead, form),
            "waived_on": "2026-12-05",
            "form": "written",
            "declared_by": "Eva Elbe",
        },
    )
    assert again.status_code == 302
    assert "ist bereits ein Rechtsbehelfsverzicht erfasst" in text(lead.get(NOTICES))


def test_the_coordination_office_sees_the_dates_but_records_no_waiver(
    db_url, tmp_path, monkeypatch
):
    app = _app(db_url, tmp_path, monkeypatch)
    decision_id, _address = _fest_decision(app)
    lead = app.test_client()
    log_in(lead, LEAD)
    _issue(lead, decision_id, confirm_past="1")
    with app.app_context():
        notice_id = db.session().scalars(select(Notice.id)).one()
    kuf = app.test_client()
    log_in(kuf, KUF)

    page = text(kuf.get(NOTICES))

    assert "Bekanntgabe am 9. Dezember 2026" in page
    assert "Rechtsbehelfsverzicht erfassen" not in page
    assert kuf.get(f"{NOTICES}/{notice_id}/rechtsbehelfsverzicht").status_code == 403
