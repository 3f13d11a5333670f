"""Notices: an amendment is a new version pointing to the old one; the applicant who owns the
application downloads its notice, nobody else does."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from service import create_app, db
from service.domain.states import NoticeKind
from service.models import Decision, Document, Meeting, Notice

from .staff_support import KUF, LEAD, SLUG, STAFF, log_in, post, record_decisions, text
from .test_staff_sessions import _members, _run_session


def _issued(demo_app):
    kuf = demo_app.test_client()
    log_in(kuf, KUF)
    meeting_id, planspiel, _forum = _run_session(kuf, demo_app)
    record_decisions(kuf, f"{STAFF}/sitzungen/{meeting_id}")
    lead = demo_app.test_client()
    log_in(lead, LEAD)
    with demo_app.app_context():
        decision_id = (
            db.session()
            .scalars(select(Decision.id).where(Decision.application_id == planspiel.id))
            .one()
        )
    # the planspiel's period may be over on the day the test runs: confirmed (issue 17.9)
    response = post(
        lead,
        f"{STAFF}/beschluesse/{decision_id}/erlassen",
        {"confirm_past": "1"},
        f"{STAFF}/bescheide",
    )
    assert response.status_code == 302
    with demo_app.app_context():
        notice = db.session().scalars(select(Notice)).one()
        return lead, notice.id, planspiel


@pytest.mark.timeout(600)
def test_an_amendment_is_a_new_version_that_replaces_the_old_one_and_says_why(demo_app):
    lead, notice_id, _planspiel = _issued(demo_app)

    response = post(
        lead,
        f"{STAFF}/bescheide/{notice_id}/aendern",
        {"amount": "500,00", "reason": "Der Träger verzichtet auf einen Teil der Zuwendung."},
        f"{STAFF}/bescheide",
    )

    assert response.status_code == 302
    with demo_app.app_context():
        session = db.session()
        first, second = session.scalars(select(Notice).order_by(Notice.version)).all()
        assert second.number == first.number
        assert (second.version, second.kind) == (2, NoticeKind.aenderung)
        assert second.replaces_id == first.id
        assert second.amount == Decimal("500.00")
        assert "verzichtet" in second.replacement_reason
        pdfs = session.scalars(
            select(Document).where(Document.kind == "notice").order_by(Document.version)
        ).all()
        assert [d.version for d in pdfs] == [1, 2]
        assert pdfs[1].replaces_id == pdfs[0].id
        assert pdfs[0].file_sha256 != pdfs[1].file_sha256


@pytest.mark.timeout(600)
def test_the_applicant_who_owns_the_application_downloads_its_notice_and_nobody_else(demo_app):
    _lead, notice_id, planspiel = _issued(demo_app)
    owner = demo_app.test_client()
    with owner.session_transaction() as browser:
        browser["applications"] = [planspiel.id]
    stranger = demo_app.test_client()
    with stranger.session_transaction() as browser:
        browser["applications"] = [planspiel.id + 1]

    mine = owner.get(f"/p/{SLUG}/bescheid/{notice_id}")

    assert mine.status_code == 200
    assert mine.data.startswith(b"%PDF")
    assert "attachment" in mine.headers["Content-Disposition"]
    assert stranger.get(f"/p/{SLUG}/bescheid/{notice_id}").status_code == 404
    assert demo_app.test_client().get(f"/p/{SLUG}/bescheid/{notice_id}").status_code == 404


@pytest.mark.timeout(600)
def test_an_amendment_written_against_a_replaced_version_gets_the_conflict_page(demo_app):
    lead, notice_id, _planspiel = _issued(demo_app)
    url = f"{STAFF}/bescheide/{notice_id}/aendern"
    post(
        lead,
        url,
        {"version": "1", "amount": "500,00", "reason": "Erste Änderung"},
        f"{STAFF}/bescheide",
    )

    response = post(
        lead,
        url,
        {"version": "1", "amount": "400,00", "reason": "Zweite Änderung"},
        f"{STAFF}/bescheide",
    )

    assert response.status_code == 409
    assert "Erste Änderung" in text(response)
    assert "Zweite Änderung" in text(response)
    assert "500,00 €" in text(response)  # the stored amount in German money (issue 17.3)
    with demo_app.app_context():
        assert [n.version for n in db.session().scalars(select(Notice))] == [1, 2]


@pytest.mark.timeout(600)
def test_a_rejection_notice_takes_the_reasons_the_lead_office_writes(demo_app):
    kuf = demo_app.test_client()
    log_in(kuf, KUF)
    meeting_id, _planspiel, forum = _run_session(kuf, demo_app)
    url = f"{STAFF}/sitzungen/{meeting_id}"
    members = _members(demo_app)
    with demo_app.app_context():
        meeting = db.session().get(Meeting, meeting_id)
        item_id = next(i.id for i in meeting.items if i.application_id == forum.id)
    post(kuf, f"{url}/top/{item_id}", {f"vote-{members['Anna Beispiel']}": "no"}, url)
    record_decisions(kuf, url)
    lead = demo_app.test_client()
    log_in(lead, LEAD)
    with demo_app.app_context():
        decision = (
            db.session().scalars(select(Decision).where(Decision.application_id == forum.id)).one()
        )
        assert decision.reasons == ""

    without = post(lead, f"{STAFF}/beschluesse/{decision.id}/erlassen", {}, f"{STAFF}/bescheide")
    with demo_app.app_context():
        assert db.session().scalars(select(Notice)).all() == []
    post(
        lead,
        f"{STAFF}/beschluesse/{decision.id}/erlassen",
        {"reasons": "Der Begleitausschuss sieht keinen Bezug zu den Zielen des Fonds."},
        f"{STAFF}/bescheide",
    )

    assert without.status_code == 302
    with demo_app.app_context():
        notice = db.session().scalars(select(Notice)).one()
        assert notice.kind is NoticeKind.ablehnung
        assert "keinen Bezug" in notice.grounds


@pytest.mark.timeout(600)
def test_a_notice_is_dated_on_the_pinned_day(demo_app):
    # FOERDERWERK_TODAY becomes the TODAY setting; the unit of work's clock holds it
    demo_app.config["TODAY"] = "2026-10-05"
    _lead, notice_id, _planspiel = _issued(demo_app)
    with demo_app.app_context():
        notice = db.session().get(Notice, notice_id)
        assert notice.issued_on == date(2026, 10, 5)


@pytest.mark.timeout(600)
def test_foerderwerk_today_dates_the_start_page_and_the_issued_notice(demo_app, monkeypatch):
    # an app started with FOERDERWERK_TODAY in its environment, on the demo database
    monkeypatch.setenv("FOERDERWERK_TODAY", "2026-10-05")
    keep = ("TESTING", "SECRET_KEY", "DATABASE_URL", "STORAGE_PATH")
    pinned = create_app({key: demo_app.config[key] for key in keep})
    try:
        page = text(pinned.test_client().get("/"))
        # the next session as on 5 October 2026: 10 November, applications by 27 October
        assert "10. November 2026 – Antrag bis 27. Oktober 2026 einreichen" in page
        assert "8. September 2026" not in page

        _lead, notice_id, planspiel = _issued(pinned)

        with pinned.app_context():
            notice = db.session().get(Notice, notice_id)
            assert notice.issued_on == date(2026, 10, 5)
        owner = pinned.test_client()
        with owner.session_transaction() as browser:
            browser["applications"] = [planspiel.id]
        pdf = owner.get(f"/p/{SLUG}/bescheid/{notice_id}")
        assert pdf.status_code == 200
        printed = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
        assert "05.10.2026" in printed
    finally:
        with pinned.app_context():
            db.engine().dispose()
