"""Sessions done right (issue 20.6): change, cancel or delete a session not yet decided; the
end after the start; a warning for a past date; the next session from the calendar; a summary
to confirm before the decisions are recorded; no quorum verdict before the session's day;
absences excused or not."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from service import db
from service.domain.states import ApplicationState
from service.models import AuditLog, Decision, Meeting

from .staff_support import KUF, STAFF, csrf, log_in, post, record_decisions, text
from .test_staff_sessions import PRESENT, _app, _committee_id, _members, _new_session, _run_session


def _meeting(demo_app, meeting_id: int) -> Meeting | None:
    with demo_app.app_context():
        meeting = db.session().get(Meeting, meeting_id)
        if meeting is not None:
            # loaded before the context ends: read its plain columns afterwards
            _ = (meeting.participants, meeting.items, meeting.next_meeting)
            for p in meeting.participants:
                _ = p.member
        return meeting


def _actions(demo_app) -> list[str]:
    with demo_app.app_context():
        return list(db.session().scalars(select(AuditLog.action).order_by(AuditLog.id)))


def _kuf(demo_app):
    client = demo_app.test_client()
    log_in(client, KUF)
    return client


def test_a_session_is_changed_and_the_change_is_audited(demo_app):
    client = _kuf(demo_app)
    meeting_id = _new_session(client, demo_app, "2026-09-22", fill=False)
    url = f"{STAFF}/sitzungen/{meeting_id}"
    form = client.get(f"{url}/bearbeiten")
    assert form.status_code == 200
    assert "Sitzung vom 22. September 2026 ändern" in text(form)

    response = post(
        client,
        f"{url}/bearbeiten",
        {
            "held_on": "2026-09-29",
            "start_time": "18:00",
            "end_time": "20:00",
            "place": "Bürgerhaus",
        },
        f"{url}/bearbeiten",
    )

    assert response.status_code == 302
    meeting = _meeting(demo_app, meeting_id)
    assert meeting.held_on == date(2026, 9, 29)
    assert meeting.place == "Bürgerhaus"
    assert f"{meeting.start_time:%H:%M}-{meeting.end_time:%H:%M}" == "18:00-20:00"
    with demo_app.app_context():
        entry = (
            db.session().scalars(select(AuditLog).where(AuditLog.action == "meeting.edit")).one()
        )
        assert entry.details["changed"]["held_on"] == ["2026-09-22", "2026-09-29"]


def test_an_end_before_the_start_is_refused_at_the_field(demo_app):
    client = _kuf(demo_app)
    meeting_id = _new_session(client, demo_app, "2026-09-22", fill=False)
    url = f"{STAFF}/sitzungen/{meeting_id}"

    response = post(
        client,
        f"{url}/bearbeiten",
        {"held_on": "2026-09-22", "start_time": "18:00", "end_time": "17:30", "place": "X"},
        f"{url}/bearbeiten",
    )

    assert response.status_code == 422
    body = response.get_data(as_text=True)
    field = re.search(r'<input type="time" id="f-end_time"[^>]*>', body).group(0)
    assert 'aria-invalid="true"' in field
    assert "f-end_time-error-1" in field
    assert "Das Ende muss nach dem Beginn (18:00 Uhr) liegen." in text(response)
    assert 'value="17:30"' in field  # what was typed stays
    assert _meeting(demo_app, meeting_id).place == "Rathaus Boizenburg, Kirchplatz 1"


def test_the_attendance_form_refuses_an_end_before_the_start_at_the_field(demo_app):
    client = _kuf(demo_app)
    meeting_id, _planspiel, _forum = _run_session(client, demo_app)
    url = f"{STAFF}/sitzungen/{meeting_id}"
    members = _members(demo_app)

    response = client.post(
        f"{url}/anwesenheit",
        data={
            "csrf_token": csrf(client, url),
            "invited": [str(i) for i in members.values()],
            "present": [str(members["Anna Beispiel"])],
            "start_time": "17:00",
            "end_time": "16:00",
            "place": "Rathaus",
        },
    )

    assert response.status_code == 422
    body = response.get_data(as_text=True)
    field = re.search(r'<input type="time" id="end_time"[^>]*>', body).group(0)
    assert 'aria-invalid="true"' in field
    assert "Das Ende muss nach dem Beginn (17:00 Uhr) liegen." in text(response)
    meeting = _meeting(demo_app, meeting_id)
    assert sum(p.present for p in meeting.participants) == len(PRESENT)  # nothing saved
    assert f"{meeting.end_time:%H:%M}" == "18:45"


def test_a_date_in_the_past_is_accepted_with_a_warning(demo_app):
    demo_app.config["TODAY"] = "2026-09-10"
    client = _kuf(demo_app)

    response = post(
        client,
        f"{STAFF}/sitzungen",
        {"committee": _committee_id(demo_app), "held_on": "2026-09-03", "mode": "session"},
    )

    assert response.status_code == 302
    page = text(client.get(response.headers["Location"]))
    assert "Das Datum 03.09.2026 liegt in der Vergangenheit." in page
    # a future date: no warning
    response = post(
        client,
        f"{STAFF}/sitzungen",
        {"committee": _committee_id(demo_app), "held_on": "2026-09-30", "mode": "session"},
    )
    assert "liegt in der Vergangenheit" not in text(client.get(response.headers["Location"]))


def test_a_cancelled_session_stays_listed_and_releases_its_applications(demo_app):
    client = _kuf(demo_app)
    meeting_id = _new_session(client, demo_app, "2026-09-03", fill=True)
    url = f"{STAFF}/sitzungen/{meeting_id}"
    confirm = client.get(f"{url}/absagen")
    assert confirm.status_code == 200
    assert "Sitzung vom 3. September 2026 absagen?" in text(confirm)
    assert "Ja, Sitzung absagen" in text(confirm)

    refused = post(client, f"{url}/absagen", {"reason": "  "}, f"{url}/absagen")
    assert refused.status_code == 422
    assert "Bitte geben Sie den Grund der Absage an" in text(refused)
    assert _meeting(demo_app, meeting_id).cancelled_on is None

    response = post(client, f"{url}/absagen", {"reason": "Zu wenige Zusagen"}, f"{url}/absagen")

    assert response.status_code == 302
    meeting = _meeting(demo_app, meeting_id)
    assert meeting.cancelled_on is not None
    assert meeting.cancel_reason == "Zu wenige Zusagen"
    assert meeting.items == []
    planspiel = _app(demo_app, "Kommunalpolitik zum Anfassen")
    assert planspiel.state is ApplicationState.in_check
    listed = text(client.get(f"{STAFF}/sitzungen"))
    assert re.search(r"03\.09\.2026 .*? abgesagt", listed)
    page = text(client.get(url))
    assert "Sitzung abgesagt" in page
    assert "Zu wenige Zusagen" in page
    assert "Nicht beschlussfähig" not in page
    assert "meeting.cancel" in _actions(demo_app)
    # nothing more happens to a cancelled session
    again = post(client, f"{url}/bearbeiten", {"held_on": "2026-09-04"}, url)
    assert again.status_code == 302
    assert "Die Sitzung wurde abgesagt" in text(client.get(again.headers["Location"]))
    assert _meeting(demo_app, meeting_id).held_on == date(2026, 9, 3)
    # its applications can go on the next session
    later = _new_session(client, demo_app, "2026-09-22", fill=True)
    assert len(_meeting(demo_app, later).items) == 2


# the self-reference next session ↔ deleted/cancelled session on PostgreSQL too
@pytest.mark.db_semantics
def test_a_session_without_votes_is_deleted_and_one_with_votes_is_not(demo_app):
    client = _kuf(demo_app)
    empty = _new_session(client, demo_app, "2026-09-03", fill=True)
    url = f"{STAFF}/sitzungen/{empty}"
    confirm = client.get(f"{url}/loeschen")
    assert "Sitzung vom 3. September 2026 löschen?" in text(confirm)

    response = post(client, f"{url}/loeschen", {}, f"{url}/loeschen")

    assert response.status_code == 302
    assert _meeting(demo_app, empty) is None
    assert client.get(url).status_code == 404
    assert _app(demo_app, "Kommunalpolitik zum Anfassen").state is ApplicationState.in_check
    assert "meeting.delete" in _actions(demo_app)

    voted, _planspiel, _forum = _run_session(client, demo_app)
    url = f"{STAFF}/sitzungen/{voted}"
    assert "Sitzung löschen" not in text(client.get(url))
    assert "kann nicht gelöscht werden" in text(client.get(f"{url}/loeschen"))
    refused = post(client, f"{url}/loeschen", {}, url)
    assert refused.status_code == 302
    assert _meeting(demo_app, voted) is not None


def test_a_decided_session_can_be_neither_changed_nor_cancelled(demo_app):
    client = _kuf(demo_app)
    meeting_id, _planspiel, _forum = _run_session(client, demo_app)
    url = f"{STAFF}/sitzungen/{meeting_id}"
    assert record_decisions(client, url).status_code == 302
    assert "Sitzung absagen" not in text(client.get(url))

    response = post(client, f"{url}/absagen", {"reason": "Versehen"}, url)

    assert response.status_code == 302
    assert "bereits beschlossen" in text(client.get(response.headers["Location"]))
    assert _meeting(demo_app, meeting_id).cancelled_on is None


def test_the_decisions_are_recorded_only_after_the_summary_is_confirmed(demo_app):
    client = _kuf(demo_app)
    meeting_id, planspiel, _forum = _run_session(client, demo_app)
    url = f"{STAFF}/sitzungen/{meeting_id}"

    # the old one-click form: no decision, the summary instead
    response = post(client, f"{url}/beschliessen", {}, url)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"{url}/beschliessen")
    summary = text(client.get(f"{url}/beschliessen"))
    assert "Beschlüsse der Sitzung vom 22. September 2026 festhalten?" in summary
    assert planspiel.reference in summary
    assert "Ja 4, Nein 1, Enthaltungen 1 Zugestimmt 774,00 €" in summary
    assert "Festzuhaltende Beschlüsse" in summary
    with demo_app.app_context():
        decided = db.session().scalars(
            select(Decision).where(Decision.decided_on == date(2026, 9, 22))
        )
        assert decided.all() == []

    # records changed after the summary was shown: not recorded, the summary again
    stale = post(client, f"{url}/beschliessen", {"confirmed": "1", "version": "0" * 16}, url)
    assert stale.headers["Location"].endswith(f"{url}/beschliessen")
    with demo_app.app_context():
        decided = db.session().scalars(
            select(Decision).where(Decision.decided_on == date(2026, 9, 22))
        )
        assert decided.all() == []

    assert record_decisions(client, url).status_code == 302
    with demo_app.app_context():
        decided = db.session().scalars(
            select(Decision).where(Decision.decided_on == date(2026, 9, 22))
        )
        assert len(decided.all()) == 2


def test_a_session_that_has_not_happened_shows_who_is_expected_and_decides_nothing(demo_app):
    demo_app.config["TODAY"] = "2026-09-01"
    client = _kuf(demo_app)
    meeting_id = _new_session(client, demo_app, "2026-09-22", fill=False)
    url = f"{STAFF}/sitzungen/{meeting_id}"
    forum = _app(demo_app, "Kommunalpolitik zum Anfassen")
    post(client, f"{url}/tagesordnung", {"action": "add", "application": forum.id}, url)
    members = _members(demo_app)
    client.post(
        f"{url}/anwesenheit",
        data={
            "csrf_token": csrf(client, url),
            "invited": [str(i) for i in members.values()],
            "excused": [str(members["Ben Muster"])],
        },
    )

    page = text(client.get(url))

    assert "Nicht beschlussfähig" not in page
    assert "Es konnte nichts beschlossen werden" not in page
    assert "Die Sitzung hat noch nicht stattgefunden." in page
    assert "Erwartet werden die stimmberechtigten Mitglieder:" in page
    assert "Ben Muster – hat sich entschuldigt" in page
    assert "Anna Beispiel (Vorsitz)" in page or "Anna Beispiel" in page
    assert "Die Beschlüsse können ab dem Sitzungstag (22. September 2026) festgehalten" in page
    refused = post(client, f"{url}/beschliessen", {"confirmed": "1", "version": "x"}, url)
    assert refused.status_code == 302
    assert "Die Sitzung findet am 22.09.2026 statt." in text(
        client.get(refused.headers["Location"])
    )
    with demo_app.app_context():
        assert (
            db.session().scalars(select(Decision).where(Decision.application_id == forum.id)).all()
            == []
        )
    # on the day itself: no verdict while no attendance is recorded, then the verdict
    demo_app.config["TODAY"] = "2026-09-22"
    page = text(client.get(url))
    assert "Nicht beschlussfähig" not in page
    assert "Noch kein Mitglied ist als anwesend erfasst." in page
    client.post(
        f"{url}/anwesenheit",
        data={
            "csrf_token": csrf(client, url),
            "invited": [str(i) for i in members.values()],
            "present": [str(members["Anna Beispiel"])],
        },
    )
    page = text(client.get(url))
    assert "Nicht beschlussfähig" in page
    assert "1 von 7 stimmberechtigten Mitgliedern" in page


# the self-reference next session ↔ deleted/cancelled session on PostgreSQL too
@pytest.mark.db_semantics
def test_the_next_session_is_chosen_from_the_calendar_or_as_a_date(demo_app):
    from service.operations.sessions import next_session_date

    client = _kuf(demo_app)
    meeting_id = _new_session(client, demo_app, "2026-09-22", fill=False)
    later = _new_session(client, demo_app, "2026-11-10", fill=False)
    last = _new_session(client, demo_app, "2026-12-01", fill=False)
    url = f"{STAFF}/sitzungen/{meeting_id}"
    page = text(client.get(url))
    assert "Das Protokoll nennt als nächste Sitzung: 10. November 2026." in page  # the calendar

    def chosen() -> date | None:
        with demo_app.app_context():
            meeting = db.session().get(Meeting, meeting_id)
            return next_session_date(db.session(), meeting)

    post(client, f"{url}/naechste-sitzung", {"next_meeting": "date", "next_on": "2026-10-20"}, url)
    assert chosen() == date(2026, 10, 20)
    post(client, f"{url}/naechste-sitzung", {"next_meeting": str(later)}, url)
    assert chosen() == date(2026, 11, 10)
    assert _meeting(demo_app, meeting_id).next_on is None

    refused = post(
        client, f"{url}/naechste-sitzung", {"next_meeting": "date", "next_on": "2026-09-01"}, url
    )
    assert refused.status_code == 422
    body = refused.get_data(as_text=True)
    assert 'aria-invalid="true"' in re.search(r'<input type="date" id="next_on"[^>]*>', body)[0]
    assert "Die nächste Sitzung muss nach dieser Sitzung (22.09.2026) stattfinden." in text(refused)
    assert chosen() == date(2026, 11, 10)

    # the chosen session is cancelled: the minutes name the next one in the calendar
    later_url = f"{STAFF}/sitzungen/{later}"
    post(client, f"{later_url}/absagen", {"reason": "Raum nicht verfügbar"}, later_url)
    assert chosen() == date(2026, 12, 1)
    assert "meeting.next" in _actions(demo_app)

    # the chosen session is deleted: the link goes, and no later session is left
    post(client, f"{url}/naechste-sitzung", {"next_meeting": str(last)}, url)
    last_url = f"{STAFF}/sitzungen/{last}"
    assert post(client, f"{last_url}/loeschen", {}, last_url).status_code == 302
    assert _meeting(demo_app, meeting_id).next_meeting_id is None
    assert chosen() is None
    assert "Termin der nächsten Sitzung noch nicht feststeht" in text(client.get(url))


def test_the_minutes_print_the_next_session_and_each_absence_as_excused_or_not(demo_app):
    """The minutes' text (docx rendered from the records, without the PDF step)."""
    from service.domain.check import check_meeting
    from service.i18n import BabelLocalizer
    from service.operations.partnerships import letterhead_of
    from service.operations.sessions import minutes_data
    from service.rendering.context import build_minutes_context
    from service.rendering.docx import CompiledTemplate, docx_text, load_manifest

    client = _kuf(demo_app)
    meeting_id, _planspiel, _forum = _run_session(client, demo_app)
    url = f"{STAFF}/sitzungen/{meeting_id}"
    members = _members(demo_app)
    present = [name for name in PRESENT if name != "Greta Probe"]
    response = client.post(
        f"{url}/anwesenheit",
        data={
            "csrf_token": csrf(client, url),
            "invited": [str(i) for i in members.values()],
            "present": [str(members[name]) for name in present],
            # apologies of someone present are not recorded: present wins
            "excused": [str(members["Erika Mustermann"]), str(members["Anna Beispiel"])],
            "minute_taker": "Kim Koordination",
            "start_time": "17:00",
            "end_time": "18:45",
            "place": "Rathaus Boizenburg, Kirchplatz 1",
        },
    )
    assert response.status_code == 302
    post(client, f"{url}/naechste-sitzung", {"next_meeting": "date", "next_on": "2026-11-17"}, url)

    with demo_app.app_context():
        session = db.session()
        meeting = session.get(Meeting, meeting_id)
        data = minutes_data(session, meeting)
        context = build_minutes_context(
            data,
            letterhead_of(meeting.committee.partnership),
            check_meeting(data),
            BabelLocalizer(),
        )
    template = load_manifest().path("minutes").read_bytes()
    minutes = " ".join(docx_text(CompiledTemplate(template).render(context)).split())

    assert "Die nächste Sitzung findet am 17. November 2026 statt." in minutes
    assert "steht noch nicht fest" not in minutes
    absent = minutes[minutes.index("Nicht anwesend") :]
    assert "Erika Mustermann | Verwaltung | stimmberechtigtes Mitglied – entschuldigt" in absent
    assert "Greta Probe | Verwaltung | stimmberechtigtes Mitglied – unentschuldigt" in absent
    # a deputy whose member was there was not expected: neither
    assert re.search(
        r"Hanna Ersatz \| Zivilgesellschaft \| Stellvertretung für Anna Beispiel(?! –)", absent
    )
    assert "Anna Beispiel" not in absent.split("Hanna Ersatz")[0]


def test_a_member_sees_that_a_session_of_their_committee_was_cancelled(demo_app):
    from .staff_support import COMMITTEE, seat_account

    client = _kuf(demo_app)
    meeting_id = _new_session(client, demo_app, "2026-09-22", fill=False)
    url = f"{STAFF}/sitzungen/{meeting_id}"
    post(client, f"{url}/absagen", {"reason": "Erkrankung der Vorsitzenden"}, url)
    seat_account(demo_app, COMMITTEE, meeting_id)
    member = demo_app.test_client()
    log_in(member, COMMITTEE)

    listed = text(member.get(f"{STAFF}/gremium/"))
    page = text(member.get(f"{STAFF}/gremium/sitzungen/{meeting_id}"))

    assert re.search(r"22\.09\.2026 abgesagt", listed)
    assert re.search(r"Sitzung abgesagt ?: Erkrankung der Vorsitzenden", page)
