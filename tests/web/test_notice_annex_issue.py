"""Issuing an approval on the staff pages (issue 18, item 1): the stored, issued PDF ends with
the partnership's Anlage 2; without the annex in the settings the notice is refused with a
German message before anything is issued."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from service import db
from service.models import Decision, Document, Notice, Partnership

from .staff_support import KUF, LEAD, SLUG, STAFF, log_in, post, record_decisions
from .test_staff_sessions import _run_session


def _decided(demo_app):
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
    return lead, decision_id


@pytest.mark.timeout(600)
def test_the_issued_approval_pdf_ends_with_its_anlage_2(demo_app):
    lead, decision_id = _decided(demo_app)

    # the planspiel's period may be over on the day the test runs: confirmed (issue 17.9)
    response = post(
        lead,
        f"{STAFF}/beschluesse/{decision_id}/erlassen",
        {"confirm_past": "1"},
        f"{STAFF}/bescheide",
    )

    assert response.status_code == 302
    with demo_app.app_context():
        session = db.session()
        notice = session.scalars(select(Notice)).one()
        document_id = session.scalars(
            select(Document.id).where(Document.notice_id == notice.id, Document.kind == "notice")
        ).one()
    downloaded = lead.get(f"{STAFF}/dokumente/{document_id}")
    assert downloaded.status_code == 200
    reader = PdfReader(io.BytesIO(downloaded.data))
    assert "Zuwendungsbescheid" in reader.pages[0].extract_text()
    assert "MUSTER – nicht die amtliche Fassung" in reader.pages[-1].extract_text()
    # nested lists are the headings' own bookmarks (issue 18, item 8)
    bookmarks = [item.title for item in reader.outline if not isinstance(item, list)]
    assert bookmarks[-1] == "Anlage 2: ANBest-P"


@pytest.mark.timeout(600)
def test_an_approval_without_its_anlage_2_is_refused_before_it_is_issued(demo_app):
    with demo_app.app_context():
        partnership = (
            db.session().scalars(select(Partnership).where(Partnership.slug == SLUG)).one()
        )
        partnership.set_file("annexes", "anbest_p", None, None)
        db.session().commit()
    lead, decision_id = _decided(demo_app)

    # the planspiel's period may be over on the day the test runs: confirmed (issue 17.9)
    response = post(
        lead,
        f"{STAFF}/beschluesse/{decision_id}/erlassen",
        {"confirm_past": "1"},
        f"{STAFF}/bescheide",
    )

    page = lead.get(response.headers["Location"]).get_data(as_text=True)
    assert "Seine Anlage 2, die ANBest-P, fehlt in den Einstellungen der Partnerschaft" in page
    with demo_app.app_context():
        assert db.session().scalars(select(Notice)).all() == []
