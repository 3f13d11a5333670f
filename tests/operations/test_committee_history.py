"""History of a committee (issue 16, item 3): after the committee changed, the minutes of a
past session – produced again – still list who was a member on the day of that session, and
quorum and votes are counted on that committee; a change that would alter the committee of a
session that has decided is refused."""

from __future__ import annotations

import io
import tomllib
from datetime import date
from pathlib import Path

import docx
import pytest
from sqlalchemy import select

from service import db
from service.archive.register import read_document
from service.archive.storage import FolderStorage
from service.clock import Clock
from service.domain.messages import PlainLocalizer
from service.models import Committee, CommitteeBody, Meeting, MeetingMode, Partnership
from service.operations import committees as ops
from service.operations import sessions
from service.uow import Actor, UnitOfWork
from tests.operations.test_regeneration import fake_pdf

MARCH = date(2026, 3, 10)  # a decided demo session of the Begleitausschuss
CHANGE = date(2026, 6, 1)


def _uow(tmp_path: Path) -> UnitOfWork:
    return UnitOfWork(
        db.session(),
        actor=Actor("system", "test"),
        localizer=PlainLocalizer(),
        clock=Clock(),
        config={},
        pdf=fake_pdf,
        storage_factory=lambda _session: FolderStorage(tmp_path / "documents"),
    )


def _bga() -> Committee:
    return (
        db.session()
        .scalars(select(Committee).where(Committee.body == CommitteeBody.begleitausschuss))
        .one()
    )


def _march(committee: Committee) -> Meeting:
    return next(m for m in committee.meetings if m.held_on == MARCH)


def _minutes_text(uow: UnitOfWork, meeting: Meeting) -> tuple[int, str]:
    documents = sessions.generate_minutes(uow, meeting)
    uow.session.flush()
    (editable,) = [d for d in documents if d.kind == "minutes-docx"]
    text = "\n".join(
        p.text for p in docx.Document(io.BytesIO(read_document(uow.storage, editable))).paragraphs
    )
    tables = docx.Document(io.BytesIO(read_document(uow.storage, editable))).tables
    text += "\n".join(cell.text for table in tables for row in table.rows for cell in row.cells)
    return editable.version, text


def _changed_file(uow: UnitOfWork, partnership: Partnership) -> dict:
    """The exported committees with Felix Vorlage moving to politics, Greta Probe leaving and
    a new member, Zora Neu, joining."""
    text = ops.export_committees(uow, partnership, CHANGE)
    greta = text.index('name = "Greta Probe"')
    start = text.rindex("[[committee.member]]", 0, greta)
    end = text.index("[[committee.member]]", greta)
    text = text[:start] + text[end:]
    felix = text.index('name = "Felix Vorlage"')
    text = text[:felix] + text[felix:].replace('group = "verwaltung"', 'group = "politik"', 1)
    newcomer = (
        '[[committee.member]]\nname = "Zora Neu"\norganisation = "Stadtrat"\n'
        'group = "politik"\nvoting = true\nterm_from = 2026-06-01\n\n'
    )
    # the Begleitausschuss comes first (by name); the newcomer goes before the Jugendforum
    forum = text.index("[[committee]]", text.index("[[committee]]") + 1)
    return tomllib.loads(text[:forum] + newcomer + text[forum:])


def test_minutes_of_a_past_session_produced_again_list_the_members_of_that_day(demo_app, tmp_path):
    with demo_app.app_context():
        uow = _uow(tmp_path)
        committee = _bga()
        meeting = _march(committee)
        data_before = sessions.minutes_data(uow.session, meeting)
        result_before = sessions.evaluate(meeting)
        first, text_before = _minutes_text(uow, meeting)
        assert "Greta Probe" in text_before
        assert "Zora Neu" not in text_before

        ops.import_committees(
            uow, committee.partnership, _changed_file(uow, committee.partnership), effective=CHANGE
        )
        uow.session.flush()
        uow.session.expire_all()

        committee = _bga()
        now = {seat.name: seat for seat in committee.members_on(CHANGE)}
        assert "Greta Probe" not in now
        assert now["Zora Neu"].voting
        assert now["Felix Vorlage"].sector.value == "politics"
        meeting = _march(committee)
        assert sessions.minutes_data(uow.session, meeting)["members"] == data_before["members"]
        assert sessions.evaluate(meeting).extra == result_before.extra
        second, text_after = _minutes_text(uow, meeting)
        assert second == first + 1
        assert "Greta Probe" in text_after
        assert "Zora Neu" not in text_after
        assert text_after == text_before


def test_a_new_session_after_the_change_invites_the_new_committee(demo_app, tmp_path):
    with demo_app.app_context():
        uow = _uow(tmp_path)
        committee = _bga()
        ops.import_committees(
            uow, committee.partnership, _changed_file(uow, committee.partnership), effective=CHANGE
        )
        uow.session.flush()
        uow.session.expire_all()
        committee = _bga()

        meeting = sessions.create_meeting(
            uow, committee, date(2026, 9, 22), MeetingMode.session, "Rathaus", fill=False
        )

        invited = {p.member.name for p in meeting.participants if p.invited}
        assert "Zora Neu" in invited
        assert "Greta Probe" not in invited
        names = [m["name"] for m in sessions.meeting_to_interchange(meeting)["members"]]
        assert "Zora Neu" in names
        assert "Greta Probe" not in names


def test_a_change_that_would_alter_a_decided_session_is_refused_and_nothing_saved(
    demo_app, tmp_path
):
    with demo_app.app_context():
        uow = _uow(tmp_path)
        committee = _bga()
        before = ops.stored_terms(committee)
        data = _changed_file(uow, committee.partnership)

        with pytest.raises(ops.CommitteesRefused) as refused:
            ops.import_committees(uow, committee.partnership, data, effective=date(2026, 3, 1))

        text = refused.value.render(PlainLocalizer())
        assert "session of 2026-03-10, which has decided already" in text
        assert "Greta Probe" in text
        uow.session.expire_all()
        assert ops.stored_terms(_bga()) == before


def test_the_session_page_of_a_past_session_keeps_its_members(demo_app, tmp_path):
    from tests.web.staff_support import KUF, STAFF, log_in, text

    with demo_app.app_context():
        uow = _uow(tmp_path)
        committee = _bga()
        meeting_id = _march(committee).id
        ops.import_committees(
            uow, committee.partnership, _changed_file(uow, committee.partnership), effective=CHANGE
        )
        uow.session.commit()
    client = demo_app.test_client()
    log_in(client, KUF)

    page = text(client.get(f"{STAFF}/sitzungen/{meeting_id}"))

    assert "Greta Probe" in page
    assert "Zora Neu" not in page


def test_the_invitation_page_shows_organisation_and_deputy_of_the_session_day(demo_app):
    from tests.web.staff_support import KUF, STAFF, log_in, text

    with demo_app.app_context():
        meeting_id = next(m for m in _bga().meetings if m.held_on == date(2026, 9, 8)).id
    client = demo_app.test_client()
    log_in(client, KUF)

    page = text(client.get(f"{STAFF}/sitzungen/{meeting_id}/einladung"))

    assert (
        "Ilja Vertreter (Stadt Boizenburg/Elbe, Fachdienst Bildung) – "
        "Stellvertretung für Erika Mustermann" in page
    )
