"""Retention and purge (R26) on SQLite and PostgreSQL: due files are purged with a tombstone and
leave no personal data anywhere in the database, held and not-yet-due files are kept, shared
bytes stay, the audit log is only appended to, and a second run changes nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from service.archive.backends import storage_from_config
from service.archive.storage import FolderStorage, Storage, content_address
from service.domain.retention import RetentionPolicy, RetentionRule
from service.domain.states import ApplicationState, DecisionOutcome
from service.models import (
    Applicant,
    Application,
    AuditLog,
    Document,
    Fund,
    LegalHold,
    PurgedApplication,
    StaffUser,
)
from service.operations import retention as ops
from service.operations.staff import move_application
from tests.conftest import make_fund, uow_on

from .retention_support import (
    SHARED_OFFER,
    Person,
    all_text,
    audit_rows,
    committee,
    decide,
    grant,
    make_file,
    meeting_for,
    person,
    register,
    snapshot,
    some_audit,
)

# on PostgreSQL too (tests/conftest.py): cascading deletes, shared bytes, nothing left
pytestmark = pytest.mark.db_semantics

POLICY = RetentionPolicy(granted_years=10, rejected_years=3, draft_years=1)
PURGE_DAY = date(2037, 1, 1)
ACTOR = "system:test"
SHARED_DOCX = b"DOCX Bescheid-Vorlage, bei zwei Akten byte-gleich"


@dataclass
class World:
    session: Session
    fund: Fund
    documents: Storage
    uploads: FolderStorage
    x: Person
    y: Person
    a: Person
    w: Person
    z: Person
    d: Person
    granted_due: Application
    rejected_due: Application
    a_due: Application
    a_kept: Application
    held: Application
    kept: Application
    draft: Application


@pytest.fixture
def world(db_session: Session, tmp_path: Path) -> World:
    session = db_session
    url = session.get_bind().url.render_as_string(hide_password=False)
    documents = storage_from_config(
        {"DATABASE_URL": url, "STORAGE_PATH": str(tmp_path / "documents")}, session
    )
    uploads = FolderStorage(tmp_path / "uploads")
    fund = make_fund(session)
    body, member = committee(session, fund)
    march = meeting_for(session, body, date(2026, 3, 10))
    april = meeting_for(session, body, date(2026, 4, 14))
    x, y, a = (
        person("Xaver", "DE02120300000000202051"),
        person("Yvonne", "DE12500105170648489890"),
        person("Anton", "DE89370400440532013000"),
    )
    w, z, d = (
        person("Wilma", "DE44500105175407324931"),
        person("Zacharias", "DE75512108001245126199"),
        person("Dora", "DE27100777770209299700"),
    )
    closed, withdrawn = ApplicationState.closed, ApplicationState.withdrawn

    granted_due = make_file(
        session, fund, x, title="Fest X", state=closed, ended_on=date(2026, 9, 30)
    )
    decision = decide(
        session, granted_due, march, member, DecisionOutcome.approved, Decimal("600.00")
    )
    grant(session, documents, uploads, granted_due, decision, shared_notice_bytes=SHARED_DOCX)

    rejected_due = make_file(
        session, fund, y, title="Fest Y", state=closed, ended_on=date(2026, 4, 1)
    )
    decide(session, rejected_due, march, member, DecisionOutcome.rejected, None)

    a_due = make_file(
        session, fund, a, title="Fest A eins", state=withdrawn, ended_on=date(2027, 1, 15)
    )
    a_kept = make_file(
        session,
        fund,
        a,
        title="Fest A zwei",
        state=closed,
        ended_on=date(2030, 6, 1),
        applicant=a_due.applicant,
    )
    decision = decide(session, a_kept, april, member, DecisionOutcome.approved, Decimal("600.00"))
    grant(session, documents, uploads, a_kept, decision)

    held = make_file(session, fund, w, title="Fest W", state=closed, ended_on=date(2026, 9, 30))
    decision = decide(session, held, april, member, DecisionOutcome.approved, Decimal("600.00"))
    grant(session, documents, uploads, held, decision)
    ops.place_legal_hold(uow_on(session, "staff:7"), held, "Klage VG Schwerin 3 A 123/36")

    kept = make_file(session, fund, z, title="Fest Z", state=closed, ended_on=date(2029, 11, 30))
    decision = decide(session, kept, april, member, DecisionOutcome.approved, Decimal("600.00"))
    grant(session, documents, uploads, kept, decision, shared_notice_bytes=SHARED_DOCX)

    draft = make_file(
        session,
        fund,
        d,
        title="Fest D",
        state=ApplicationState.draft,
        ended_on=None,
        submitted=False,
    )

    # minutes name every applicant of their session
    for meeting, files in ((march, [granted_due, rejected_due]), (april, [a_kept, held, kept])):
        register(
            session,
            documents,
            partnership_id=fund.partnership_id,
            kind="minutes",
            number=f"BgA-S-{meeting.held_on.isoformat()}",
            payload=("Protokoll: " + ", ".join(f.applicant_name for f in files)).encode(),
            context={"items": [{"applicant": f.applicant_name} for f in files]},
            meeting_id=meeting.id,
        )
    for application in (granted_due, rejected_due, a_due, held, kept):
        some_audit(session, application)
    session.commit()
    return World(
        session, fund, documents, uploads, x, y, a, w, z, d,
        granted_due, rejected_due, a_due, a_kept, held, kept, draft,
    )  # fmt: skip


def _purge(world: World, today: date = PURGE_DAY, *, dry_run: bool = False) -> ops.PurgeReport:
    return ops.purge_files(
        uow_on(world.session, ACTOR),
        POLICY,
        today=today,
        document_storage=world.documents,
        upload_storage=world.uploads,
        dry_run=dry_run,
        commit=world.session.commit,
        # the test's bytes were stored a moment ago; see the test of the grace period
        grace=timedelta(0),
    )


def _stored(world: World) -> tuple[set[str], set[str]]:
    return set(world.documents.iter_addresses()), set(world.uploads.iter_addresses())


def test_due_files_are_purged_and_held_or_not_yet_due_files_are_kept(world: World) -> None:
    ids = {
        name: getattr(world, name).id
        for name in ("granted_due", "rejected_due", "a_due", "a_kept", "held", "kept", "draft")
    }

    report = _purge(world)

    purged = {p.application_id for p in report.purged}
    assert purged == {ids["granted_due"], ids["rejected_due"], ids["a_due"], ids["draft"]}
    assert [h.application_id for h in report.held] == [ids["held"]]
    session = world.session
    session.expire_all()
    for name in ("granted_due", "rejected_due", "a_due", "draft"):
        assert session.get(Application, ids[name]) is None
    for name in ("a_kept", "held", "kept"):
        application = session.get(Application, ids[name])
        assert application is not None
        assert application.cost_lines
        assert application.applicant_iban
        assert session.scalars(select(Document).where(Document.application_id == ids[name])).all()


def test_no_personal_data_of_a_purged_file_is_left_anywhere_in_the_database(world: World) -> None:
    before = all_text(world.session)
    for who in (world.x, world.y, world.d, world.w, world.z, world.a):
        for needle in who.needles:
            assert needle in before, needle  # the search would find them

    _purge(world)

    after = all_text(world.session)
    for who in (world.x, world.y, world.d):
        for needle in who.needles:
            assert needle not in after, needle
    for title in ("Fest X", "Fest Y", "Fest A eins", "Fest D"):
        assert title not in after
    # kept files keep their data, and the applicant with a file not yet due keeps its record
    for who in (world.w, world.z, world.a):
        for needle in who.needles:
            assert needle in after, needle
    assert "Fest A zwei" in after
    world.session.expire_all()
    applicant = world.session.scalars(select(Applicant).where(Applicant.name == world.a.name)).one()
    assert applicant.iban == world.a.iban


def test_the_tombstone_keeps_file_number_fund_state_amounts_and_rule_only(world: World) -> None:
    reference = world.granted_due.reference
    app_id = world.granted_due.id

    _purge(world)

    tombstone = world.session.scalars(
        select(PurgedApplication).where(PurgedApplication.application_id == app_id)
    ).one()
    assert tombstone.reference == reference
    assert tombstone.fund_key == "AIF-2026"
    assert tombstone.year == 2026
    assert tombstone.final_state is ApplicationState.closed
    assert tombstone.rule is RetentionRule.granted
    assert tombstone.retention_years == 10
    assert tombstone.anchor_on == date(2026, 9, 30)
    assert tombstone.kept_until == date(2036, 12, 31)
    assert tombstone.purged_on == PURGE_DAY
    assert tombstone.purged_by == ACTOR
    assert (tombstone.requested, tombstone.approved) == (Decimal("600.00"), Decimal("600.00"))
    # the latest grant (the amendment), and what was called off
    assert (tombstone.granted, tombstone.paid) == (Decimal("550.00"), Decimal("300.00"))
    rules = {
        t.application_id: (t.rule, t.kept_until)
        for t in world.session.scalars(select(PurgedApplication))
    }
    assert rules[world.rejected_due.id] == (RetentionRule.rejected, date(2029, 12, 31))
    assert rules[world.a_due.id] == (RetentionRule.rejected, date(2030, 12, 31))
    assert rules[world.draft.id][0] is RetentionRule.draft


def test_periods_count_from_the_end_of_the_calendar_year(world: World) -> None:
    # kept until 31.12.2036: still there on that day, gone from 1 January
    report = _purge(world, date(2036, 12, 31))
    assert world.granted_due.id not in {p.application_id for p in report.purged}

    report = _purge(world, date(2037, 1, 1))
    assert world.granted_due.id in {p.application_id for p in report.purged}


def test_a_second_run_changes_nothing(world: World) -> None:
    _purge(world)
    rows, stored = snapshot(world.session), _stored(world)

    report = _purge(world)

    assert report.purged == []
    assert report.files_deleted == 0
    assert snapshot(world.session) == rows
    assert _stored(world) == stored


def test_a_dry_run_changes_nothing_and_reports_what_would_be_purged(world: World) -> None:
    rows, stored = snapshot(world.session), _stored(world)

    report = _purge(world, dry_run=True)

    assert len(report.purged) == 4
    assert report.purged[0].counts["cost_lines"] == 3
    assert snapshot(world.session) == rows
    assert _stored(world) == stored


def test_bytes_shared_with_a_kept_file_stay_and_the_others_go(world: World) -> None:
    documents_before, uploads_before = _stored(world)
    own_notice = content_address(
        f"%PDF-1.7 Bescheid {world.granted_due.reference} an {world.x.name}".encode()
    )
    own_offer = content_address(f"%PDF-1.7 Angebot für {world.x.name}".encode())
    assert own_notice in documents_before
    assert own_offer in uploads_before

    report = _purge(world)

    documents_after, uploads_after = _stored(world)
    assert own_notice not in documents_after
    assert own_offer not in uploads_after
    assert content_address(SHARED_DOCX) in documents_after
    assert content_address(SHARED_OFFER) in uploads_after
    assert world.documents.get(content_address(SHARED_DOCX)) == SHARED_DOCX
    assert report.files_shared == 2
    # every remaining register row still has its bytes
    addresses = set(world.session.scalars(select(Document.file_sha256)))
    assert addresses <= documents_after


def test_minutes_go_with_the_last_file_of_their_session(world: World) -> None:
    _purge(world)

    numbers = set(world.session.scalars(select(Document.number).where(Document.kind == "minutes")))
    # March decided only purged files; April also decided files that are kept
    assert numbers == {"BgA-S-2026-04-14"}
    march = content_address(f"Protokoll: {world.x.name}, {world.y.name}".encode())
    assert march not in _stored(world)[0]


def test_the_audit_log_is_only_appended_to_and_names_nobody(world: World) -> None:
    before = audit_rows(world.session)

    _purge(world)

    after = audit_rows(world.session)
    assert after[: len(before)] == before
    added = after[len(before) :]
    assert [row[2] for row in added] == ["retention.purge"] * 4
    assert {row[4] for row in added} == {
        str(world.granted_due.id),
        str(world.rejected_due.id),
        str(world.a_due.id),
        str(world.draft.id),
    }
    entry = next(row for row in added if row[4] == str(world.granted_due.id))
    assert entry[5]["rule"] == "granted"
    assert entry[5]["counts"]["uploads"] == 2
    assert entry[5]["counts"]["documents"] == 3
    text = repr(after)
    for who in (world.x, world.y, world.d, world.a, world.w, world.z):
        for needle in who.needles:
            assert needle not in text


def test_a_released_hold_lets_the_next_purge_take_the_file(world: World) -> None:
    held_id = world.held.id
    _purge(world)
    assert world.session.get(Application, held_id) is not None

    assert ops.release_legal_hold(uow_on(world.session, "staff:7"), world.held) is True
    world.session.commit()
    report = _purge(world)

    assert [p.application_id for p in report.purged] == [held_id]
    after = all_text(world.session)
    for needle in (world.w.email, world.w.iban, world.w.contact):
        assert needle not in after
    # the April minutes still name the applicant: files decided in that session are kept
    in_database = 1 if isinstance(world.documents, FolderStorage) else 2  # context (+ bytes)
    assert after.count(world.w.name) == in_database
    actions = list(
        world.session.scalars(
            select(AuditLog.action).where(AuditLog.object_id == str(held_id)).order_by(AuditLog.id)
        )
    )
    assert actions == ["retention.hold", "application.move", "retention.release", "retention.purge"]


def test_a_legal_hold_needs_a_reason_and_keeps_it_out_of_the_audit_log(db_session: Session) -> None:
    fund = make_fund(db_session)
    application = Application(fund=fund, title="Fest")
    db_session.add(application)
    db_session.flush()

    with pytest.raises(ops.HoldReasonMissing):
        ops.place_legal_hold(uow_on(db_session, "staff:1"), application, "   ")
    hold = ops.place_legal_hold(
        uow_on(db_session, "staff:1"), application, "Prüfung durch das BAFzA"
    )
    again = ops.place_legal_hold(uow_on(db_session, "staff:2"), application, "Klage 3 A 1/27")
    db_session.commit()

    assert again is hold
    assert db_session.get(LegalHold, application.id).reason == "Klage 3 A 1/27"
    entries = list(db_session.scalars(select(AuditLog).where(AuditLog.action == "retention.hold")))
    assert [e.details["renewed"] for e in entries] == [False, True]
    assert "Klage" not in repr([e.details for e in entries])
    assert ops.release_legal_hold(uow_on(db_session, "staff:1"), application) is True
    assert ops.release_legal_hold(uow_on(db_session, "staff:1"), application) is False


def test_the_day_a_file_reaches_its_final_state_is_recorded(db_session: Session) -> None:
    fund = make_fund(db_session)
    application = Application(fund=fund, title="Fest", state=ApplicationState.report_submitted)
    clerk = StaffUser(email="kuf@example.org", name="KuF", password_hash="")
    db_session.add_all([application, clerk])
    db_session.flush()
    assert application.ended_on is None

    # the day of the unit of work's clock (a pinned date holds here too), not the server's
    closing_day = date(2027, 3, 1)
    move_application(
        uow_on(db_session, f"staff:{clerk.id}", today=closing_day),
        application,
        application.version,
        ApplicationState.closed,
        clerk,
    )
    db_session.commit()

    assert application.ended_on == closing_day


def test_open_files_are_never_due(db_session: Session) -> None:
    fund = make_fund(db_session)
    for state in (
        ApplicationState.in_payment,
        ApplicationState.rejected,
        ApplicationState.submitted,
    ):
        application = Application(fund=fund, title=str(state), state=state)
        application.submitted_on = date(2000, 1, 1)
        db_session.add(application)
    db_session.commit()

    due, held = ops.files_past_retention(db_session, POLICY, date(2099, 1, 1))

    assert (due, held) == ([], [])


def test_bytes_stored_again_moments_ago_are_left_to_the_orphan_sweep(world: World) -> None:
    # another record is being registered with the same bytes right now
    own_offer = content_address(f"%PDF-1.7 Angebot für {world.x.name}".encode())
    world.uploads.put(f"%PDF-1.7 Angebot für {world.x.name}".encode())

    report = ops.purge_files(
        uow_on(world.session, ACTOR),
        POLICY,
        today=PURGE_DAY,
        document_storage=world.documents,
        upload_storage=world.uploads,
        commit=world.session.commit,
        grace=timedelta(hours=1),
    )

    assert world.granted_due.id in {p.application_id for p in report.purged}
    assert own_offer in _stored(world)[1]
    assert report.files_recent >= 1
