"""The staff view of an application shows everything the applicant submitted (issue 17,
item 4): German labels, bank and contact data for the offices, the uploads and the PDF of the
frozen copy with its SHA-256, the findings linked to their fields, the checklist linked to
what it asks about."""

from __future__ import annotations

import copy
import hashlib
import re

from sqlalchemy import select

from service import db
from service.archive.storage import FolderStorage
from service.models import Application, AuditLog, Document, Upload
from service.operations.staff import CHECKLIST_KEYS
from service.web.staff.application_page import anchor, place_of

from .staff_support import COMMITTEE, KUF, LEAD, STAFF, log_in, text
from .test_policy import _pdf
from .test_policy import matrix as matrix  # the demo with an upload of "Demokratiefest"


def _application(app, title_start: str) -> Application:
    with app.app_context():
        return (
            db.session()
            .scalars(select(Application).where(Application.title.startswith(title_start)))
            .one()
        )


def _ids_and_links(html: str) -> tuple[set[str], set[str]]:
    ids = set(re.findall(r'\sid="([^"]+)"', html))
    links = set(re.findall(r'href="#([^"]+)"', html))
    return ids, links


def test_the_offices_see_what_was_submitted_with_german_labels(matrix):
    app, a, _b = matrix
    client = app.test_client()
    log_in(client, KUF)

    html = client.get(f"{STAFF}/antraege/{a.app_id}").get_data(as_text=True)
    page = text_of(html)

    for shown in (
        "Aktions- und Initiativfonds",
        "Eingetragener Verein",  # the legal form's label, not "verein"
        "Elbstraße 4 19258 Boizenburg/Elbe",
        "Telefon 038847",
        "kontakt@elbufer.example",
        "DE02 1203 0000 0000 2020 51",  # the IBAN in groups of four
        "Kontoinhaber/in Kulturverein Elbufer e.V.",
        "1. Mai bis 30. Juni 2026",
        "Jugendliche, Eltern",
        "Demokratieförderung",
        "Honorare Workshopleitung 8 h 60,00 € 0 480,00 €",
        "Gesamtkosten 850,00 €",
        "Drittmittel: Sparkassenstiftung 150,00 €",
        "Beantragte Zuwendung 600,00 €",
        "Gesamtfinanzierung 850,00 €",
        "Bestätigt: Mit dem Projekt wurde noch nicht begonnen; es wurden noch keine Verträge",
        "Angebot Workshopleitung.pdf Angebot 1",
    ):
        assert shown in page, shown
    for raw in ("honorare", "verein", "2026-05-01", "480.00", "DE02120300000000202051"):
        assert not re.search(rf"\b{re.escape(raw)}\b", page), raw


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("\u00a0", " ")


def test_the_youth_fund_shows_birth_date_and_adult_contact_to_the_offices_only(matrix):
    app, _a, _b = matrix
    graffiti = _application(app, "Graffiti")
    office, committee = app.test_client(), app.test_client()
    log_in(office, LEAD)
    log_in(committee, COMMITTEE)

    seen = text(office.get(f"{STAFF}/antraege/{graffiti.id}"))

    assert "Geburtsdatum 02.05.2010" in seen
    assert "Erwachsene Ansprechperson Petra Muster petra@muster.example" in seen
    # committee members read applications only through their own agenda (issue 20.2)
    assert committee.get(f"{STAFF}/antraege/{graffiti.id}").status_code == 404
    assert committee.get(f"{STAFF}/antraege/{graffiti.id}/antrag.pdf").status_code == 404


def test_the_pdf_of_the_frozen_copy_is_filed_once_and_its_hash_shown(matrix):
    app, a, _b = matrix
    client = app.test_client()
    log_in(client, KUF)
    url = f"{STAFF}/antraege/{a.app_id}"
    assert "beim ersten Öffnen" in text(client.get(url))

    first = client.get(f"{url}/antrag.pdf")
    second = client.get(f"{url}/antrag.pdf")

    assert first.status_code == 200
    assert first.mimetype == "application/pdf"
    assert first.data == second.data
    assert "Antrag-AIF-2026-" in first.headers["Content-Disposition"]
    digest = hashlib.sha256(first.data).hexdigest()
    assert digest in client.get(url).get_data(as_text=True)
    with app.app_context():
        session = db.session()
        fest = session.get(Application, a.app_id)
        [pdf] = session.scalars(
            select(Document).where(
                Document.application_id == a.app_id, Document.kind == "application"
            )
        ).all()
        assert pdf.file_sha256 == digest
        assert pdf.issued
        assert pdf.source_sha256 == fest.submission_sha256
        assert pdf.number == fest.reference
        filed = session.scalars(
            select(AuditLog).where(AuditLog.action == "application.pdf_filed")
        ).all()
        assert len(filed) == 1
        assert filed[0].details["sha256"] == digest


def test_an_upload_is_served_to_the_offices_and_only_under_its_own_application(matrix):
    app, a, _b = matrix
    client = app.test_client()
    log_in(client, LEAD)
    other = _application(app, "Graffiti")

    answer = client.get(f"{STAFF}/antraege/{a.app_id}/anlagen/{a.upload_id}")
    assert answer.status_code == 200
    assert answer.data == _pdf()
    assert "Angebot" in answer.headers["Content-Disposition"]
    assert client.get(f"{STAFF}/antraege/{other.id}/anlagen/{a.upload_id}").status_code == 404


def test_a_changed_upload_file_is_not_served(matrix):
    app, a, _b = matrix
    client = app.test_client()
    log_in(client, KUF)
    with app.app_context():
        upload = db.session().get(Upload, a.upload_id)
        path = FolderStorage(app.config["UPLOAD_PATH"])._path(upload.sha256)
    path.write_bytes(b"%PDF-1.7 changed")

    answer = client.get(f"{STAFF}/antraege/{a.app_id}/anlagen/{a.upload_id}")

    assert answer.status_code == 503


def test_every_finding_and_every_checklist_item_links_to_a_place_on_the_page(matrix):
    app, a, _b = matrix
    with app.app_context():
        session = db.session()
        fest = session.get(Application, a.app_id)
        wrong = copy.deepcopy(fest.submission_snapshot)
        wrong["applicant"]["iban"] = "DE00 1234"
        wrong["costs"][0]["amount"] = "500.00"  # 8 h at 60,00 € are 480,00 €
        wrong["project"]["end"] = "2026-04-01"  # before the start
        fest.submission_snapshot = wrong
        session.commit()
    client = app.test_client()
    log_in(client, KUF)

    html = client.get(f"{STAFF}/antraege/{a.app_id}").get_data(as_text=True)
    ids, links = _ids_and_links(html)

    assert f'href="#{anchor("applicant.iban")}"' in html
    assert 'href="#feld-financing"' in html  # the plan is not balanced
    assert 'href="#feld-project-period"' in html
    assert 'href="#feld-costs-0"' in html
    assert "(Zeile 1)" in text_of(html)
    assert links - ids == set()
    for key in CHECKLIST_KEYS:
        assert f'id="where-{key}"' in html


def test_a_finding_about_an_unreadable_value_links_to_its_line_too(matrix):
    app, a, _b = matrix
    with app.app_context():
        session = db.session()
        fest = session.get(Application, a.app_id)
        wrong = copy.deepcopy(fest.submission_snapshot)
        wrong["costs"][2]["category"] = "druckkosten"  # no category of the catalogue
        fest.submission_snapshot = wrong
        session.commit()
    client = app.test_client()
    log_in(client, KUF)

    html = client.get(f"{STAFF}/antraege/{a.app_id}").get_data(as_text=True)

    assert 'href="#feld-costs-2"' in html
    assert "Kostenart (Zeile 3)" in text_of(html)
    assert 'id="feld-costs-2"' in html


def test_a_field_path_leads_to_the_place_that_shows_it():
    assert place_of("costs[2].amount") == "costs[2]"
    assert place_of("financing.third_party[0].source") == "financing.third_party[0]"
    assert place_of("project.start") == "project.period"
    assert place_of("applicant.adult_contact.email") == "applicant.adult_contact"
    assert place_of("applicant.postal_code") == "applicant.address"
    assert place_of("applicant.something_new") == "applicant"
    assert place_of("session") == "application"
    assert place_of("") == "application"
    assert anchor("costs[2].amount") == "feld-costs-2"
