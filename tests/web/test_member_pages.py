"""What a committee member sees (issue 20.2) and the conflicts of interest they declare
(issue 20.3): their own committees' sessions, the applications on those agendas read-only,
with PDF and attachments – everything else answers 404."""

from __future__ import annotations

import io
from datetime import date

import pytest
from pypdf import PdfWriter
from sqlalchemy import select

from service import db
from service.models import (
    AgendaItem,
    Application,
    Committee,
    CommitteeBody,
    ConflictOfInterest,
    Meeting,
    MeetingMode,
    StaffRole,
    StaffUser,
    Upload,
)
from service.operations import staff as staff_ops
from service.operations.staff import DEMO_PASSWORD, add_staff_user
from tests.conftest import uow_on

from .staff_support import COMMITTEE, KUF, STAFF, log_in, post, text

FORUM_MEMBER = "mia@demo.example"
SECRET = "Interner Vermerk: Kassenprüfung beim Träger offen"


def _pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _app(session, title_start: str) -> Application:
    return session.scalars(
        select(Application).where(Application.title.startswith(title_start))
    ).one()


def _meeting(session, body: CommitteeBody, day: date, *applications: Application) -> Meeting:
    committee = session.scalars(select(Committee).where(Committee.body == body)).first()
    meeting = Meeting(committee=committee, held_on=day, mode=MeetingMode.session)
    session.add(meeting)
    for position, application in enumerate(applications):
        session.add(AgendaItem(meeting=meeting, application=application, position=position))
    session.flush()
    return meeting


def _seat(session, meeting: Meeting, email: str, index: int = 0) -> None:
    account = session.scalars(select(StaffUser).where(StaffUser.email == email)).one()
    meeting.committee.members_on(meeting.held_on)[index].member.staff_user_id = account.id


@pytest.fixture
def world(demo_app, monkeypatch):
    """A Begleitausschuss session (BgA) with the Planspiel and Tom's graffiti workshop (Tom is
    a minor), a Jugendforum session (JF) with the graffiti workshop and the Forumtheater; the
    demo committee account is Anna Beispiel (BgA), a second account Mia Probe (JF)."""
    monkeypatch.setattr("service.operations.receipts.application_pdf", lambda s, i: _pdf())
    with demo_app.app_context():
        from service.web.applicant.uploads import upload_storage

        session = db.session()
        planspiel = _app(session, "Kommunalpolitik zum Anfassen")
        graffiti = _app(session, "Graffiti-Workshop")
        forum = _app(session, "Forumtheater")
        for application in (planspiel, graffiti, forum):
            application.submitted_on = application.submitted_on or date(2026, 6, 1)
        bga = _meeting(
            session, CommitteeBody.begleitausschuss, date(2026, 9, 22), planspiel, graffiti
        )
        jf = _meeting(session, CommitteeBody.jugendforum, date(2026, 9, 23), graffiti, forum)
        add_staff_user(
            uow_on(session),
            FORUM_MEMBER,
            "Mia Probe",
            DEMO_PASSWORD,
            [(jf.committee.partnership, StaffRole.committee)],
        )
        _seat(session, bga, COMMITTEE)
        _seat(session, jf, FORUM_MEMBER)
        data = _pdf()
        upload = Upload(
            application_id=forum.id,
            kind="offer",
            display_name="Angebot Theater.pdf",
            sha256=upload_storage().put(data),
            size=len(data),
            pages=1,
        )
        session.add(upload)
        kuf = session.scalars(select(StaffUser).where(StaffUser.email == KUF)).one()
        staff_ops.add_comment(uow_on(session), planspiel, SECRET, False, kuf)
        session.flush()
        ids = {
            "bga": bga.id,
            "jf": jf.id,
            "planspiel": planspiel.id,
            "graffiti": graffiti.id,
            "forum": forum.id,
            "upload": upload.id,
            "birth": graffiti.applicant_birth_date.strftime("%d.%m.%Y"),
            "adult": graffiti.applicant_adult_contact_name,
        }
        session.commit()
    return demo_app, ids


def _client(app, email: str):
    client = app.test_client()
    log_in(client, email)
    return client


def test_a_member_sees_the_sessions_of_their_own_committee_only(world):
    app, ids = world
    anna = _client(app, COMMITTEE)

    page = anna.get(f"{STAFF}/gremium/")

    assert page.status_code == 200
    assert f"/gremium/sitzungen/{ids['bga']}" in page.get_data(as_text=True)
    assert f"/gremium/sitzungen/{ids['jf']}" not in page.get_data(as_text=True)
    assert anna.get(f"{STAFF}/gremium/sitzungen/{ids['bga']}").status_code == 200
    assert anna.get(f"{STAFF}/gremium/sitzungen/{ids['jf']}").status_code == 404
    # the staff's list of all sessions sends the member to their own
    assert anna.get(f"{STAFF}/sitzungen").headers["Location"].endswith("/gremium/")
    assert anna.get(f"{STAFF}/sitzungen/{ids['bga']}").status_code == 404


def test_a_member_reads_the_application_its_pdf_and_attachments_on_their_agenda(world):
    app, ids = world
    mia = _client(app, FORUM_MEMBER)
    base = f"{STAFF}/gremium/sitzungen/{ids['jf']}/antraege/{ids['forum']}"

    page = mia.get(base)
    pdf = mia.get(f"{base}/antrag.pdf")
    attachment = mia.get(f"{base}/anlagen/{ids['upload']}")

    assert page.status_code == 200
    assert "Forumtheater" in text(page)
    assert pdf.status_code == 200
    assert pdf.data.startswith(b"%PDF")
    assert attachment.status_code == 200
    assert attachment.data.startswith(b"%PDF")


def test_another_committees_application_answers_404_by_every_address(world):
    app, ids = world
    anna = _client(app, COMMITTEE)  # Begleitausschuss; the Forumtheater is on the JF's agenda
    own = f"{STAFF}/gremium/sitzungen/{ids['bga']}/antraege/{ids['forum']}"
    theirs = f"{STAFF}/gremium/sitzungen/{ids['jf']}/antraege/{ids['forum']}"

    for url in (own, f"{own}/antrag.pdf", f"{own}/anlagen/{ids['upload']}"):
        assert anna.get(url).status_code == 404, url
    for url in (theirs, f"{theirs}/antrag.pdf", f"{theirs}/anlagen/{ids['upload']}"):
        assert anna.get(url).status_code == 404, url
    assert anna.get(f"{STAFF}/antraege/{ids['forum']}").status_code == 404
    # an attachment of another application, under an application of one's own agenda
    mine = f"{STAFF}/gremium/sitzungen/{ids['bga']}/antraege/{ids['planspiel']}"
    assert anna.get(f"{mine}/anlagen/{ids['upload']}").status_code == 404


def test_an_application_on_no_agenda_answers_404(world, demo_app):
    app, ids = world
    with app.app_context():
        session = db.session()
        elsewhere = session.scalars(
            select(Application).where(
                Application.submitted_on.is_not(None), ~Application.agenda_items.any()
            )
        ).first()
        assert elsewhere is not None
        other_id = elsewhere.id
    anna = _client(app, COMMITTEE)

    assert (
        anna.get(f"{STAFF}/gremium/sitzungen/{ids['bga']}/antraege/{other_id}").status_code == 404
    )
    assert anna.get(f"{STAFF}/antraege/{other_id}").status_code == 404


def test_internal_comments_are_never_shown_to_a_member(world):
    app, ids = world
    anna = _client(app, COMMITTEE)
    kuf = _client(app, KUF)
    assert SECRET in text(kuf.get(f"{STAFF}/antraege/{ids['planspiel']}"))  # it exists

    page = anna.get(f"{STAFF}/gremium/sitzungen/{ids['bga']}/antraege/{ids['planspiel']}")

    assert page.status_code == 200
    assert SECRET not in page.get_data(as_text=True)
    assert anna.get(f"{STAFF}/antraege/{ids['planspiel']}").status_code == 404


def test_a_minors_data_only_for_the_youth_forum(world):
    app, ids = world
    anna = _client(app, COMMITTEE)
    mia = _client(app, FORUM_MEMBER)

    bga = text(anna.get(f"{STAFF}/gremium/sitzungen/{ids['bga']}/antraege/{ids['graffiti']}"))
    jf = text(mia.get(f"{STAFF}/gremium/sitzungen/{ids['jf']}/antraege/{ids['graffiti']}"))

    assert "Graffiti-Workshop" in bga
    assert "Graffiti-Workshop" in jf
    assert ids["birth"] not in bga
    assert ids["adult"] not in bga
    assert ids["birth"] in jf
    assert ids["adult"] in jf


def _conflicts(app, meeting_id: int) -> list[tuple[str, str]]:
    with app.app_context():
        rows = db.session().scalars(
            select(ConflictOfInterest).join(AgendaItem).where(AgendaItem.meeting_id == meeting_id)
        )
        return [(c.member.name, c.reason) for c in rows]


def test_a_declared_conflict_is_the_session_records_conflict(world):
    app, ids = world
    anna = _client(app, COMMITTEE)
    url = f"{STAFF}/gremium/sitzungen/{ids['bga']}/antraege/{ids['planspiel']}/befangenheit"
    page = f"{STAFF}/gremium/sitzungen/{ids['bga']}"

    response = post(anna, url, {"action": "declare", "reason": "Vorstand beim Träger"}, page)

    assert response.status_code == 302
    assert _conflicts(app, ids["bga"]) == [("Anna Beispiel", "Vorstand beim Träger")]
    # the coordination office sees it on the session page, in the records the votes use
    kuf = _client(app, KUF)
    assert "Vorstand beim Träger" in kuf.get(f"{STAFF}/sitzungen/{ids['bga']}").get_data(
        as_text=True
    )
    # an empty reason is refused; withdrawing removes it
    post(anna, url, {"action": "declare", "reason": "  "}, page)
    post(anna, url, {"action": "withdraw"}, page)
    assert _conflicts(app, ids["bga"]) == []
    # another committee's item: 404
    other = f"{STAFF}/gremium/sitzungen/{ids['jf']}/antraege/{ids['forum']}/befangenheit"
    assert post(anna, other, {"action": "declare", "reason": "x"}, page).status_code == 404


def test_a_hint_when_the_members_organisation_is_the_applicant(world):
    app, ids = world
    with app.app_context():
        session = db.session()
        graffiti = session.get(Application, ids["graffiti"])
        meeting = session.get(Meeting, ids["bga"])
        anna = meeting.committee.members_on(meeting.held_on)[0]
        graffiti.applicant_name = f"  {anna.organisation.upper()} "
        session.commit()
    page = _client(app, COMMITTEE).get(f"{STAFF}/gremium/sitzungen/{ids['bga']}")
    kuf_page = _client(app, KUF).get(f"{STAFF}/sitzungen/{ids['bga']}")

    assert text(page).count("Ihre Organisation scheint der Antragsteller zu sein") == 1
    assert "Anna Beispiel" in text(kuf_page)
    assert "scheint der Antragsteller zu sein" in text(kuf_page)


def test_the_youth_forum_is_addressed_with_du_the_begleitausschuss_with_sie(world):
    app, ids = world
    mia = _client(app, FORUM_MEMBER)
    anna = _client(app, COMMITTEE)
    url = f"{STAFF}/gremium/sitzungen/{ids['jf']}/antraege/{ids['forum']}/befangenheit"
    page = f"{STAFF}/gremium/sitzungen/{ids['jf']}"

    post(mia, url, {"action": "declare", "reason": "Meine Schwester spielt mit"}, page)
    forum = text(mia.get(page))
    own = text(mia.get(f"{STAFF}/gremium/"))
    begleitausschuss = text(anna.get(f"{STAFF}/gremium/sitzungen/{ids['bga']}"))

    assert "Deine Befangenheit ist festgehalten." in forum
    assert "Du hast dich für diesen Tagesordnungspunkt für befangen erklärt." in forum
    assert "Die Sitzungen und Umlaufverfahren deiner Gremien" in own
    assert "Zum Beispiel: Sie sind im Vorstand" in begleitausschuss


def test_the_offices_older_item_form_cannot_drop_a_conflict_the_member_declared(world):
    app, ids = world
    with app.app_context():
        from service.operations.sessions import records_version

        meeting = db.session().get(Meeting, ids["bga"])
        item = next(i for i in meeting.items if i.application_id == ids["planspiel"])
        item_id, version = item.id, records_version(meeting, item)
    anna = _client(app, COMMITTEE)
    page = f"{STAFF}/gremium/sitzungen/{ids['bga']}"
    url = f"{page}/antraege/{ids['planspiel']}/befangenheit"
    post(anna, url, {"action": "declare", "reason": "Vorstand beim Träger"}, page)
    kuf = _client(app, KUF)

    stale = post(
        kuf,
        f"{STAFF}/sitzungen/{ids['bga']}/top/{item_id}",
        {"version": version, "conditions": ""},
        f"{STAFF}/sitzungen/{ids['bga']}",
    )

    assert stale.status_code == 409
    assert _conflicts(app, ids["bga"]) == [("Anna Beispiel", "Vorstand beim Träger")]
