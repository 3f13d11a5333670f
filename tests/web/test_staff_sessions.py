"""Committee sessions in the back office, and the issue's acceptance run: coordination office
puts two demo applications on a session, records attendance with a deputy and a conflict of
interest, votes, produces the minutes; the lead office issues both notices and downloads the
print file."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from service import db
from service.archive.backends import storage_from_config
from service.domain.states import ApplicationState, DecisionOutcome
from service.models import (
    Application,
    AuditLog,
    CommitteeMember,
    Decision,
    Document,
    Meeting,
    Notice,
)

from .staff_support import KUF, LEAD, STAFF, log_in, post, record_decisions, text

PRESENT = (
    "Anna Beispiel",
    "Ben Muster",
    "Clara Platzhalter",
    "David Exempel",
    "Felix Vorlage",
    "Greta Probe",
    "Ilja Vertreter",  # deputy of Erika Mustermann, who is absent
)


def _app(demo_app, title_start: str) -> Application:
    with demo_app.app_context():
        return (
            db.session()
            .scalars(select(Application).where(Application.title.startswith(title_start)))
            .one()
        )


def _members(demo_app) -> dict[str, int]:
    with demo_app.app_context():
        rows = db.session().scalars(select(CommitteeMember)).all()
        return {m.name: m.id for m in rows if m.committee.body.value == "begleitausschuss"}


def _committee_id(demo_app) -> int:
    with demo_app.app_context():
        member = (
            db.session()
            .scalars(select(CommitteeMember).where(CommitteeMember.name == "Anna Beispiel"))
            .one()
        )
        return member.committee_id


def _new_session(client, demo_app, day: str, fill: bool) -> int:
    data = {
        "committee": _committee_id(demo_app),
        "held_on": day,
        "mode": "session",
        "place": "Rathaus Boizenburg, Kirchplatz 1",
        "start_time": "17:00",
    }
    if fill:
        data["fill"] = "1"
    response = post(client, f"{STAFF}/sitzungen", data)
    assert response.status_code == 302
    return int(re.search(r"/sitzungen/(\d+)", response.headers["Location"]).group(1))


def _run_session(client, demo_app) -> tuple[int, Application, Application]:
    forum = _app(demo_app, "Forumtheater")
    url = f"{STAFF}/antraege/{forum.id}"
    post(client, f"{url}/status", {"version": forum.version, "target": "in_check"}, url)
    meeting_id = _new_session(client, demo_app, "2026-09-22", fill=False)
    meeting_url = f"{STAFF}/sitzungen/{meeting_id}"
    planspiel = _app(demo_app, "Kommunalpolitik zum Anfassen")
    forum = _app(demo_app, "Forumtheater")
    for application in (planspiel, forum):
        response = post(
            client,
            f"{meeting_url}/tagesordnung",
            {"action": "add", "application": application.id},
            meeting_url,
        )
        assert response.status_code == 302
    members = _members(demo_app)
    response = client.post(
        f"{meeting_url}/anwesenheit",
        data={
            "csrf_token": _token(client, meeting_url),
            "invited": [str(i) for i in members.values()],
            "present": [str(members[name]) for name in PRESENT],
            "minute_taker": "Kim Koordination",
            "start_time": "17:00",
            "end_time": "18:45",
            "place": "Rathaus Boizenburg, Kirchplatz 1",
        },
    )
    assert response.status_code == 302
    with demo_app.app_context():
        meeting = db.session().get(Meeting, meeting_id)
        items = {item.application_id: item.id for item in meeting.items}
    votes_planspiel = {
        "Anna Beispiel": "yes",
        "Clara Platzhalter": "yes",
        "David Exempel": "yes",
        "Felix Vorlage": "no",
        "Greta Probe": "yes",
        "Ilja Vertreter": "abstain",
    }
    data = {"proposed_amount": f"{planspiel.requested:.2f}".replace(".", ","), "conditions": ""}
    data |= {f"vote-{members[name]}": choice for name, choice in votes_planspiel.items()}
    data |= {
        f"conflict-{members['Ben Muster']}": "1",
        f"reason-{members['Ben Muster']}": "Vorstand des antragstellenden Vereins",
    }
    response = post(client, f"{meeting_url}/top/{items[planspiel.id]}", data, meeting_url)
    assert response.status_code == 302
    data = {
        "proposed_amount": "900,00",
        "conditions": "Das Programmlogo ist auf allen Plakaten zu zeigen.",
    }
    data |= {f"vote-{members[name]}": "yes" for name in PRESENT if name != "Greta Probe"}
    data[f"vote-{members['Greta Probe']}"] = "no"
    response = post(client, f"{meeting_url}/top/{items[forum.id]}", data, meeting_url)
    assert response.status_code == 302
    return meeting_id, planspiel, forum


def _token(client, url: str) -> str:
    from .staff_support import csrf

    return csrf(client, url)


def test_a_new_session_fills_its_agenda_with_applications_submitted_in_time(demo_app):
    client = demo_app.test_client()
    log_in(client, KUF)

    # 3 September: Planspiel (received 20 August) is in time with 14 lead days, the deferred
    # Erzählcafé too; Forumtheater is only submitted, not yet checked.
    meeting_id = _new_session(client, demo_app, "2026-09-03", fill=True)

    with demo_app.app_context():
        meeting = db.session().get(Meeting, meeting_id)
        titles = sorted(item.application.title[:12] for item in meeting.items)
        states = {item.application.state for item in meeting.items}
    assert titles == ["Erzählcafé „", "Kommunalpoli"]
    assert states == {ApplicationState.on_agenda}


def test_an_application_received_too_late_cannot_be_put_on_the_agenda(demo_app):
    client = demo_app.test_client()
    log_in(client, KUF)
    meeting_id = _new_session(client, demo_app, "2026-08-30", fill=False)
    planspiel = _app(demo_app, "Kommunalpolitik zum Anfassen")  # received 20 August
    url = f"{STAFF}/sitzungen/{meeting_id}"

    response = post(
        client, f"{url}/tagesordnung", {"action": "add", "application": planspiel.id}, url
    )

    assert response.status_code == 302
    assert _app(demo_app, "Kommunalpolitik zum Anfassen").state is ApplicationState.in_check


def test_quorum_and_outcomes_come_from_the_rules_engine(demo_app):
    client = demo_app.test_client()
    log_in(client, KUF)
    meeting_id, planspiel, forum = _run_session(client, demo_app)

    page = text(client.get(f"{STAFF}/sitzungen/{meeting_id}"))

    assert "7 of 7" in page or "7 von 7" in page
    response = record_decisions(client, f"{STAFF}/sitzungen/{meeting_id}")
    assert response.status_code == 302
    with demo_app.app_context():
        decisions = {
            d.application_id: d
            for d in db.session().scalars(
                select(Decision).where(Decision.decided_on == date(2026, 9, 22))
            )
        }
        assert decisions[planspiel.id].outcome is DecisionOutcome.approved
        assert decisions[planspiel.id].amount == planspiel.requested
        assert decisions[forum.id].amount == 900
        assert db.session().get(Application, forum.id).state is ApplicationState.approved
        meeting = db.session().get(Meeting, meeting_id)
        item = next(i for i in meeting.items if i.application_id == planspiel.id)
        assert [c.member.name for c in item.conflicts] == ["Ben Muster"]


def test_a_conflicted_members_vote_is_not_counted(demo_app):
    client = demo_app.test_client()
    log_in(client, KUF)
    meeting_id, planspiel, _forum = _run_session(client, demo_app)
    members = _members(demo_app)
    url = f"{STAFF}/sitzungen/{meeting_id}"
    with demo_app.app_context():
        meeting = db.session().get(Meeting, meeting_id)
        item_id = next(i.id for i in meeting.items if i.application_id == planspiel.id)
    data = {
        "proposed_amount": "100,00",
        f"conflict-{members['Ben Muster']}": "1",
        f"vote-{members['Ben Muster']}": "yes",
        f"vote-{members['Anna Beispiel']}": "no",
    }
    post(client, f"{url}/top/{item_id}", data, url)

    record_decisions(client, url)

    with demo_app.app_context():
        decision = (
            db.session()
            .scalars(select(Decision).where(Decision.application_id == planspiel.id))
            .one()
        )
        assert decision.outcome is DecisionOutcome.rejected


def test_a_written_vote_is_stopped_by_one_objection(demo_app):
    client = demo_app.test_client()
    log_in(client, KUF)
    members = _members(demo_app)
    response = post(
        client,
        f"{STAFF}/sitzungen",
        {
            "committee": _committee_id(demo_app),
            "held_on": "2026-09-05",
            "mode": "written",
            "place": "",
            "fill": "1",
        },
    )
    meeting_id = int(re.search(r"/sitzungen/(\d+)", response.headers["Location"]).group(1))
    url = f"{STAFF}/sitzungen/{meeting_id}"
    client.post(
        f"{url}/anwesenheit",
        data={
            "csrf_token": _token(client, url),
            "invited": [str(i) for i in members.values()],
            "objected": [str(members["Greta Probe"])],
        },
    )
    with demo_app.app_context():
        items = [i.id for i in db.session().get(Meeting, meeting_id).items]
    assert items
    for item_id in items:
        data = {f"vote-{m}": "yes" for m in members.values()}
        post(client, f"{url}/top/{item_id}", data, url)

    record_decisions(client, url)

    with demo_app.app_context():
        meeting = db.session().get(Meeting, meeting_id)
        assert {i.decision.outcome for i in meeting.items} == {DecisionOutcome.not_decided}


@pytest.mark.timeout(600)
def test_acceptance_from_session_to_print_file(demo_app):
    kuf = demo_app.test_client()
    log_in(kuf, KUF)
    meeting_id, planspiel, forum = _run_session(kuf, demo_app)
    url = f"{STAFF}/sitzungen/{meeting_id}"
    assert record_decisions(kuf, url).status_code == 302

    response = post(kuf, f"{url}/protokoll", {})

    assert response.status_code == 302
    with demo_app.app_context():
        minutes = (
            db.session()
            .scalars(
                select(Document).where(
                    Document.meeting_id == meeting_id, Document.kind == "minutes"
                )
            )
            .one()
        )
        minutes_id = minutes.id
    pdf = kuf.get(f"{STAFF}/dokumente/{minutes_id}")
    assert pdf.status_code == 200
    minutes_text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "Ilja Vertreter" in minutes_text
    assert "Ben Muster" in minutes_text
    assert planspiel.reference in minutes_text

    lead = demo_app.test_client()
    log_in(lead, LEAD)
    pending = text(lead.get(f"{STAFF}/bescheide"))
    assert planspiel.reference in pending
    with demo_app.app_context():
        decisions = [
            db.session().scalars(select(Decision).where(Decision.application_id == a.id)).one().id
            for a in (planspiel, forum)
        ]
    draft = lead.get(f"{STAFF}/beschluesse/{decisions[0]}/entwurf")
    assert draft.status_code == 200
    assert "ENTWURF" in "".join(p.extract_text() for p in PdfReader(io.BytesIO(draft.data)).pages)
    for decision_id in decisions:
        # the periods may be over on the day the test runs: confirmed (issue 17.9)
        response = post(
            lead,
            f"{STAFF}/beschluesse/{decision_id}/erlassen",
            {"confirm_past": "1"},
            f"{STAFF}/bescheide",
        )
        assert response.status_code == 302

    with demo_app.app_context():
        session = db.session()
        notices = session.scalars(select(Notice).order_by(Notice.id)).all()
        assert [n.number for n in notices] == [planspiel.reference, forum.reference]
        assert session.get(Application, planspiel.id).state is ApplicationState.notice_issued
        storage = storage_from_config(demo_app.config, session)
        for notice in notices:
            documents = session.scalars(
                select(Document).where(Document.notice_id == notice.id)
            ).all()
            assert {d.kind for d in documents} == {"notice", "notice-docx"}
            assert all(d.issued for d in documents)
            for document in documents:
                assert storage.get(document.file_sha256)  # hash-checked read
        actions = session.scalars(select(AuditLog.action)).all()
        assert actions.count("notice.issue") == 2

    printed = lead.get(f"{STAFF}/sitzungen/{meeting_id}/druckdatei")
    assert printed.status_code == 200
    reader = PdfReader(io.BytesIO(printed.data))
    assert [item.title for item in reader.outline] == [
        f"Zuwendungsbescheid {planspiel.reference} (Version 1)",
        f"Zuwendungsbescheid {forum.reference} (Version 1)",
    ]


def test_saving_an_item_from_an_outdated_page_shows_both_versions_and_keeps_the_stored_votes(
    demo_app,
):
    client = demo_app.test_client()
    log_in(client, KUF)
    meeting_id, planspiel, _forum = _run_session(client, demo_app)
    url = f"{STAFF}/sitzungen/{meeting_id}"
    members = _members(demo_app)
    with demo_app.app_context():
        meeting = db.session().get(Meeting, meeting_id)
        item_id = next(i.id for i in meeting.items if i.application_id == planspiel.id)

    response = post(
        client,
        f"{url}/top/{item_id}",
        {
            "version": "0000000000000000",
            "proposed_amount": "1,00",
            f"vote-{members['Anna Beispiel']}": "no",
        },
        url,
    )

    assert response.status_code == 409
    page = text(response)
    assert "1,00 €" in page  # both versions in German money (issue 17.3)
    assert "774,00 €" in page
    with demo_app.app_context():
        meeting = db.session().get(Meeting, meeting_id)
        item = next(i for i in meeting.items if i.id == item_id)
        assert item.proposed_amount == planspiel.requested


def test_saving_attendance_from_an_outdated_page_is_refused(demo_app):
    client = demo_app.test_client()
    log_in(client, KUF)
    meeting_id, _planspiel, _forum = _run_session(client, demo_app)
    url = f"{STAFF}/sitzungen/{meeting_id}"

    response = post(client, f"{url}/anwesenheit", {"version": "0000000000000000"}, url)

    assert response.status_code == 409
    assert "Ilja Vertreter" in text(response)
    with demo_app.app_context():
        meeting = db.session().get(Meeting, meeting_id)
        assert sum(p.present for p in meeting.participants) == len(PRESENT)
