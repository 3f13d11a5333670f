"""An agenda item postponed or withdrawn on the staff session page (issue 18, item 4): its
votes are not saved, deciding records it as deferred or withdrawn (never rejected), the
minutes print it as such; an item voted on without any vote is not decided as rejected."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from service import db
from service.domain.states import ApplicationState, DecisionOutcome
from service.models import AgendaItemStatus, Application, Decision, Document, Meeting

from .staff_support import KUF, STAFF, log_in, post, record_decisions, text
from .test_staff_sessions import _members, _run_session


def _items(demo_app, meeting_id: int) -> dict[int, int]:
    with demo_app.app_context():
        meeting = db.session().get(Meeting, meeting_id)
        return {item.application_id: item.id for item in meeting.items}


@pytest.mark.timeout(600)
def test_a_postponed_and_a_withdrawn_item_are_decided_without_a_vote_and_printed_so(demo_app):
    kuf = demo_app.test_client()
    log_in(kuf, KUF)
    meeting_id, planspiel, forum = _run_session(kuf, demo_app)
    url = f"{STAFF}/sitzungen/{meeting_id}"
    items = _items(demo_app, meeting_id)
    members = _members(demo_app)

    # votes sent along with "postponed" are dropped
    response = post(
        kuf,
        f"{url}/top/{items[planspiel.id]}",
        {
            "proposed_amount": "500,00",
            "conditions": "",
            "status": "postponed",
            "status_note": "Der Kostenplan wird überarbeitet.",
            f"vote-{members['Anna Beispiel']}": "no",
        },
        url,
    )
    assert response.status_code == 302
    post(
        kuf,
        f"{url}/top/{items[forum.id]}",
        {"proposed_amount": "900,00", "conditions": "", "status": "withdrawn"},
        url,
    )
    page = text(kuf.get(url))
    assert "Behandlung des Tagesordnungspunkts" in page
    assert "Vermerk für das Protokoll" in page

    assert record_decisions(kuf, url).status_code == 302

    with demo_app.app_context():
        session = db.session()
        meeting = session.get(Meeting, meeting_id)
        assert [item.status for item in meeting.items] == [
            AgendaItemStatus.postponed,
            AgendaItemStatus.withdrawn,
        ]
        assert all(not item.votes for item in meeting.items)
        outcomes = {
            d.application_id: d.outcome
            for d in session.scalars(select(Decision).where(Decision.agenda_item_id.is_not(None)))
            if d.item is not None and d.item.meeting_id == meeting_id
        }
        assert outcomes == {
            planspiel.id: DecisionOutcome.deferred,
            forum.id: DecisionOutcome.withdrawn,
        }
        assert session.get(Application, planspiel.id).state is ApplicationState.deferred
        assert session.get(Application, forum.id).state is ApplicationState.withdrawn

    assert post(kuf, f"{url}/protokoll", {}).status_code == 302
    with demo_app.app_context():
        minutes_id = (
            db.session()
            .scalars(
                select(Document.id).where(
                    Document.meeting_id == meeting_id, Document.kind == "minutes"
                )
            )
            .one()
        )
    pdf = kuf.get(f"{STAFF}/dokumente/{minutes_id}")
    minutes = " ".join(
        " ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf.data)).pages
    )
    assert "vertagt – ohne Abstimmung" in minutes
    assert "Der Kostenplan wird überarbeitet." in minutes
    assert "zurückgezogen – ohne Abstimmung" in minutes
    assert "abgelehnt" not in minutes


@pytest.mark.timeout(600)
def test_an_item_without_any_vote_is_not_decided_as_rejected(demo_app):
    kuf = demo_app.test_client()
    log_in(kuf, KUF)
    meeting_id, planspiel, _forum = _run_session(kuf, demo_app)
    url = f"{STAFF}/sitzungen/{meeting_id}"
    items = _items(demo_app, meeting_id)
    post(kuf, f"{url}/top/{items[planspiel.id]}", {"proposed_amount": "500,00"}, url)

    response = record_decisions(kuf, url)

    page = text(kuf.get(response.headers["Location"]))
    assert "Zu Tagesordnungspunkt 1 sind keine Stimmen erfasst." in page
    with demo_app.app_context():
        assert (
            db.session()
            .scalars(select(Decision).where(Decision.agenda_item_id.in_(items.values())))
            .all()
            == []
        )
