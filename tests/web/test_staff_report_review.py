"""The office's review of the usage-of-funds report (issue 19.2): the list with due and
overdue reports, the review page, recognised amounts (an override needs a reason), the
sample, the review note, finishing (who and when, audit log), the interest waiver's reason,
no refund notice without a finished review, 404 for members and applicants."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from service import db
from service.models import AuditLog, Document, ReportReview

from .apply_helpers import make_app
from .review_support import REVIEWS, post_form, reported, review_form, staff
from .staff_support import COMMITTEE, KUF, LEAD, STAFF, text


@pytest.fixture
def web_app(db_url: str, tmp_path: Path) -> Iterator[Flask]:
    app = make_app(db_url, tmp_path, TODAY="2026-05-04")
    yield app
    with app.app_context():
        db.engine().dispose()


def _row(app: Flask, app_id: int) -> ReportReview | None:
    with app.app_context():
        found = (
            db.session()
            .scalars(select(ReportReview).where(ReportReview.application_id == app_id))
            .one_or_none()
        )
        if found is not None:
            db.session().expunge(found)
        return found


def test_the_list_shows_the_submitted_report_and_the_due_day(web_app):
    _applicant, app_id = reported(web_app)
    kuf = staff(web_app, KUF)

    page = text(kuf.get(REVIEWS))

    assert "Eingereicht" in page
    # the approved period ends 30.06.2026; the fund asks for the report 42 days later
    assert "11.08.2026" in page
    assert f"{REVIEWS}/{app_id}" in kuf.get(REVIEWS).get_data(as_text=True)


def test_the_application_page_links_the_review_once_a_report_is_in(web_app):
    _applicant, app_id = reported(web_app)
    kuf = staff(web_app, KUF)

    page = kuf.get(f"{STAFF}/antraege/{app_id}").get_data(as_text=True)

    assert f'href="{REVIEWS}/{app_id}"' in page


def test_the_review_page_shows_report_receipts_and_the_rules_amounts(web_app):
    _applicant, app_id = reported(web_app)
    kuf = staff(web_app, KUF)

    response = kuf.get(f"{REVIEWS}/{app_id}")

    assert response.status_code == 200
    page = text(response)
    for expected in ("Mira Muster", "Workshopleitung", "480,00 €", "Prüfvermerk", "Stichprobe"):
        assert expected in page, expected
    html = response.get_data(as_text=True)
    assert 'name="recognised-honorare" value="480,00"' in html
    # paid 600 €, the report's final grant is 580 €: a refund notice follows
    assert "Teilwiderrufs- und Erstattungsbescheid" in page
    assert "20,00 €" in page


def test_an_override_needs_a_reason_before_the_review_can_be_finished(web_app):
    _applicant, app_id = reported(web_app)
    kuf = staff(web_app, KUF)
    url = f"{REVIEWS}/{app_id}"
    post_form(kuf, url, review_form(**{"recognised-sachausgaben": "40,00"}))

    refused = post_form(kuf, f"{url}/abschliessen", {}, page=url)

    assert _row(web_app, app_id).finished_at is None
    shown = text(kuf.get(refused.location)) if refused.status_code == 302 else text(refused)
    assert "Bitte geben Sie den Grund" in shown

    post_form(
        kuf,
        url,
        review_form(
            **{
                "recognised-sachausgaben": "40,00",
                "reason-sachausgaben": "Beleg 2 betrifft zu 60,00 € Büromaterial des Vereins.",
            }
        ),
    )
    post_form(kuf, f"{url}/abschliessen", {}, page=url)

    row = _row(web_app, app_id)
    assert row.finished_at is not None
    assert row.finished_name
    assert row.outcome == "refund_notice"
    assert row.result["final_grant"] == "520.00"
    assert row.result["refund"] == "80.00"
    assert Decimal(row.result["interest_total"]) > 0
    with web_app.app_context():
        actions = (
            db.session()
            .scalars(select(AuditLog.action).where(AuditLog.object_type == "report_review"))
            .all()
        )
    assert "report_review.save" in actions
    assert "report_review.finish" in actions
    # finished: the form no longer changes it
    post_form(kuf, url, review_form(note="anders"))
    assert _row(web_app, app_id).note != "anders"


def test_the_interest_waiver_needs_a_reason(web_app):
    _applicant, app_id = reported(web_app)
    kuf = staff(web_app, KUF)
    url = f"{REVIEWS}/{app_id}"
    post_form(kuf, url, review_form(waive_interest="1", waiver_reason=""))

    post_form(kuf, f"{url}/abschliessen", {}, page=url)
    assert _row(web_app, app_id).finished_at is None

    post_form(
        kuf,
        url,
        review_form(waive_interest="1", waiver_reason="Der Verein hat sofort zurückgezahlt."),
    )
    post_form(kuf, f"{url}/abschliessen", {}, page=url)
    row = _row(web_app, app_id)
    assert row.finished_at is not None
    assert row.result["interest_total"] == "0.00"
    assert Decimal(row.result["interest_computed"]) > 0


def test_no_refund_notice_without_a_finished_review(web_app):
    _applicant, app_id = reported(web_app)
    kuf, lead = staff(web_app, KUF), staff(web_app, LEAD)
    url = f"{REVIEWS}/{app_id}"
    post_form(kuf, url, review_form())

    refused = post_form(lead, f"{url}/bescheid", {}, page=url)

    assert refused.status_code in (302, 422)
    with web_app.app_context():
        kinds = db.session().scalars(select(Document.kind)).all()
    assert "refund_notice" not in kinds
    shown = text(lead.get(refused.location)) if refused.status_code == 302 else text(refused)
    assert "abgeschlossen" in shown


def test_the_lead_office_sees_the_review_but_cannot_change_it(web_app):
    _applicant, app_id = reported(web_app)
    lead = staff(web_app, LEAD)
    url = f"{REVIEWS}/{app_id}"

    assert lead.get(url).status_code == 200
    assert post_form(lead, url, review_form()).status_code == 403
    assert post_form(lead, f"{url}/abschliessen", {}, page=url).status_code == 403


def test_members_and_applicants_get_404(web_app):
    applicant, app_id = reported(web_app)
    member = staff(web_app, COMMITTEE)

    assert member.get(REVIEWS).status_code == 404
    assert member.get(f"{REVIEWS}/{app_id}").status_code == 404
    assert applicant.get(f"{REVIEWS}/{app_id}").status_code in (302, 404)
    assert applicant.get("/p/boizenburg-luebtheen/abschluss/1").status_code == 404


def test_another_application_without_a_report_has_no_review_page(web_app):
    _applicant, app_id = reported(web_app)
    kuf = staff(web_app, KUF)

    assert kuf.get(f"{REVIEWS}/{app_id + 1000}").status_code == 404


def test_an_outstanding_payment_is_shown_and_gets_no_document(web_app):
    _applicant, app_id = reported(web_app, paid="300.00")  # final grant 580 €
    kuf, lead = staff(web_app, KUF), staff(web_app, LEAD)
    url = f"{REVIEWS}/{app_id}"
    post_form(kuf, url, review_form())
    post_form(kuf, f"{url}/abschliessen", {}, page=url)
    row = _row(web_app, app_id)
    assert row.outcome == "outstanding_payment"
    assert row.result["outstanding"] == "280.00"

    page = text(lead.get(url))
    assert "Restzahlung" in page
    assert "280,00 €" in page
    assert "Mittelabruf" in page
    refused = post_form(lead, f"{url}/bescheid", {}, page=url)

    shown = text(lead.get(refused.location)) if refused.status_code == 302 else text(refused)
    assert "280,00 € höher als der ausgezahlte Betrag" in shown
    with web_app.app_context():
        assert db.session().scalars(select(Document.kind)).all() == []


def test_a_finished_review_can_be_opened_again_before_a_document_is_issued(web_app):
    _applicant, app_id = reported(web_app)
    kuf = staff(web_app, KUF)
    url = f"{REVIEWS}/{app_id}"
    post_form(kuf, url, review_form())
    post_form(kuf, f"{url}/abschliessen", {}, page=url)
    assert _row(web_app, app_id).finished_at is not None

    post_form(kuf, f"{url}/wieder-oeffnen", {}, page=url)

    row = _row(web_app, app_id)
    assert row.finished_at is None
    assert row.result == {}
    post_form(kuf, url, review_form(note="Nach Rückfrage ergänzt."))
    assert _row(web_app, app_id).note == "Nach Rückfrage ergänzt."


def test_the_receipt_files_of_the_report_are_on_the_review_page_with_their_own_type(web_app):
    # uploaded by the applicant with the report (issue 19.5), compared by the office (19.2)
    from .review_support import pay_directly, submit_report
    from .test_apply_after_grant_applicant import _png, _upload

    applicant = web_app.test_client()
    from .apply_helpers import grant

    app_id = grant(web_app, applicant)
    pay_directly(web_app, app_id, "600.00")
    url = f"/p/boizenburg-luebtheen/antrag/{app_id}/verwendungsnachweis"
    assert _upload(applicant, url, "Beleg 1 Quittung.png", _png()).status_code == 302
    submit_report(applicant, app_id)
    kuf = staff(web_app, KUF)

    html = kuf.get(f"{REVIEWS}/{app_id}").get_data(as_text=True)

    assert "Beleg 1 Quittung.png" in html
    [link] = [h for h in html.split('"') if f"/antraege/{app_id}/belege/" in h]
    served = kuf.get(link)
    assert served.status_code == 200
    assert served.mimetype == "image/png"
    assert served.data == _png()
    # need to know: the committee and the applicant's other doors do not serve it
    assert staff(web_app, COMMITTEE).get(link).status_code == 404
    assert kuf.get(f"{STAFF}/antraege/{app_id}/anlagen/{link.rsplit('/', 1)[1]}").status_code == 404
