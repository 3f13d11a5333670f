"""Batch regeneration of notices: plan (incremental), job items rendered exactly once,
issued notices only with a reason and never losing their bytes, one bad record not
stopping the batch. The PDF converter is a stand-in here; tests/cli/test_regenerate_cli.py
runs the real one in worker processes."""

from __future__ import annotations

import io
from datetime import date

import pytest
from pypdf import PdfReader, PdfWriter
from sqlalchemy import func, select

from service import db
from service.archive.backends import storage_from_config
from service.archive.register import read_document
from service.batch.work import DONE, FAILED, NOOP, item_uow, process_item
from service.clock import Clock
from service.domain.states import ItemState, JobState, NoticeState
from service.i18n import BabelLocalizer
from service.models import AuditLog, BatchItem, BatchJob, Decision, Document, Notice
from service.operations import regeneration as ops
from service.operations.notices import issue_notice
from service.operations.seed import SEED_FUND, seed_notices
from service.pdf.pdftools import stamp_draft
from service.uow import Actor, UnitOfWork
from tests.conftest import uow_on


def fake_pdf(docx: bytes, title: str, subject: str, author: str, *, watermark=None) -> bytes:
    """A one-page PDF carrying the title, different for different DOCX content; a watermark
    is stamped on as the real export draws it."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": title, "/Subject": subject, "/Keywords": str(hash(docx))})
    buffer = io.BytesIO()
    writer.write(buffer)
    return stamp_draft(buffer.getvalue()) if watermark else buffer.getvalue()


@pytest.fixture
def seeded(demo_app):
    with demo_app.app_context():
        seed_notices(uow_on(db.session()), 4)
        db.session().commit()
    return demo_app


def _scope() -> ops.Scope:
    return ops.Scope(fund=SEED_FUND)


def _uow(app, to_pdf=fake_pdf, actor="system:test") -> UnitOfWork:
    """A unit of work as the entry points build one: German documents, the app's store."""
    kind, _, ident = actor.partition(":")
    return UnitOfWork(
        db.session(),
        actor=Actor(kind, ident),
        localizer=BabelLocalizer(),
        clock=Clock(),
        config=app.config,
        pdf=to_pdf,
    )


def _run(app, plan, to_pdf=fake_pdf, actor="system:test"):
    """Start a job for ``plan`` and work off its items in this process."""
    with app.app_context():
        session = db.session()
        job = ops.start_regeneration(_uow(app, to_pdf, actor), plan)
        session.commit()
        outcomes = [
            process_item(item_uow(app.config, session, to_pdf), item_id).outcome
            for item_id in ops.pending_items(session, job.id)
        ]
        return job.id, outcomes


def _plan(app, scope=None, reason=""):
    with app.app_context():
        plan = ops.plan_regeneration(_uow(app), scope or _scope(), reason=reason)
        db.session().rollback()
        return plan


def _count(model, *where):
    return db.session().scalar(select(func.count()).select_from(model).where(*where))


def test_a_dry_run_lists_what_would_change_and_writes_nothing(seeded):
    with seeded.app_context():
        before = (_count(Document), _count(Notice), _count(BatchJob))

    plan = _plan(seeded, ops.Scope(everything=True))

    # the demo's decided applications get new drafts; the seeded drafts were never rendered
    assert plan.count(ops.DRAFT) == 4
    assert plan.count(ops.CREATE) >= 1
    assert plan.count(ops.REFUSED) == 0
    draft = next(r for r in plan.records if r.action == ops.DRAFT)
    assert draft.template_changed
    assert draft.new_template_sha256
    assert not draft.old_template_sha256
    with seeded.app_context():
        assert (_count(Document), _count(Notice), _count(BatchJob)) == before


def test_a_run_renders_every_draft_once_and_a_rerun_with_nothing_changed_skips_all(seeded):
    job_id, outcomes = _run(seeded, _plan(seeded))

    assert outcomes == [DONE] * 4
    with seeded.app_context():
        session = db.session()
        job = session.get(BatchJob, job_id)
        assert job.state is JobState.done
        assert job.finished_at is not None
        drafts = session.scalars(select(Document).where(Document.kind == ops.DRAFT_PDF)).all()
        assert len(drafts) == 4
        assert {d.version for d in drafts} == {1}
        assert all(not d.issued and d.context_sha256 and d.source_sha256 for d in drafts)
        pdf = read_document(storage_from_config(seeded.config, db.session()), drafts[0])
        assert "ENTWURF" in "".join(
            page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages
        )
        docx_count = _count(Document, Document.kind == ops.DRAFT_DOCX)
        assert docx_count == 4

    again = _plan(seeded)
    assert again.count(ops.UNCHANGED) == 4
    assert not again.to_render
    _job, outcomes = _run(seeded, again)
    assert outcomes == []


def test_a_changed_template_renders_drafts_again_as_new_versions_keeping_the_old(seeded):
    _run(seeded, _plan(seeded))
    with seeded.app_context():
        first = db.session().scalars(select(Document).where(Document.kind == ops.DRAFT_PDF)).all()
        first_bytes = {
            d.id: read_document(storage_from_config(seeded.config, db.session()), d) for d in first
        }

    new_template = activate_approval_template(seeded, "Der Betrag ist eine Obergrenze.")
    plan = _plan(seeded)

    assert plan.count(ops.DRAFT) == 4
    assert all(r.template_changed and r.new_template_sha256 == new_template for r in plan.to_render)
    _run(seeded, plan)
    with seeded.app_context():
        session = db.session()
        latest = session.scalars(
            select(Document).where(Document.kind == ops.DRAFT_PDF, Document.version == 2)
        ).all()
        assert len(latest) == 4
        assert {d.replaces_id for d in latest} == set(first_bytes)
        storage = storage_from_config(seeded.config, db.session())
        for document_id, content in first_bytes.items():
            assert read_document(storage, session.get(Document, document_id)) == content


def test_a_changed_decision_shows_in_the_context_diff_of_the_dry_run(seeded):
    _run(seeded, _plan(seeded))
    with seeded.app_context():
        session = db.session()
        notice = session.scalars(
            select(Notice).where(Notice.state == NoticeState.draft).order_by(Notice.id)
        ).first()
        notice.decision.conditions = "Der Verwendungsnachweis ist bis zum 31.08.2026 vorzulegen."
        number = notice.number
        session.commit()

    plan = _plan(seeded)

    changed = [r for r in plan.records if r.action == ops.DRAFT]
    assert [r.number for r in changed] == [number]
    assert not changed[0].template_changed
    assert any("condition" in key for key in changed[0].context_changes)


def activate_approval_template(app, sentence: str) -> str:
    """The demo partnership's own approval template (issue 16.4), one sentence changed, made
    active; returns its SHA-256."""
    from service.models import Partnership
    from service.operations.templates import activate_template, upload_template
    from tests.documents.template_edits import approval_saying

    with app.app_context():
        session = db.session()
        partnership = session.scalars(select(Partnership).order_by(Partnership.id)).first()
        uow = uow_on(session)
        uploaded = upload_template(
            uow, partnership, "approval", "bescheid.docx", approval_saying(sentence)
        )
        activate_template(uow, partnership, "approval", uploaded.template.version)
        session.commit()
        return uploaded.template.sha256


def _issue_first(app):
    with app.app_context():
        session = db.session()
        notice = session.scalars(
            select(Notice).where(Notice.state == NoticeState.draft).order_by(Notice.id)
        ).first()
        uow = UnitOfWork(
            session,
            actor=Actor("staff", "lead@demo.example"),
            localizer=BabelLocalizer(),
            clock=Clock(date(2026, 3, 20)),
            config=app.config,
            pdf=fake_pdf,
        )
        issued = issue_notice(uow, notice.decision, signatory="")
        uow.commit()
        return notice.id, issued.id, issued.number


def test_issuing_a_draft_makes_the_same_row_the_notice_and_its_context_stays_reproducible(
    seeded,
):
    _run(seeded, _plan(seeded))
    draft_id, issued_id, number = _issue_first(seeded)

    assert draft_id == issued_id
    plan = _plan(seeded)
    record = next(r for r in plan.records if r.number == number)
    assert record.action == ops.UNCHANGED
    with seeded.app_context():
        issued = db.session().scalars(select(Document).where(Document.kind == "notice")).one()
        assert issued.version == 1
        assert issued.issued


def test_an_issued_notice_gets_a_new_version_only_with_a_reason_and_keeps_its_bytes(seeded):
    _run(seeded, _plan(seeded))
    _draft, notice_id, number = _issue_first(seeded)
    with seeded.app_context():
        original = db.session().scalars(select(Document).where(Document.kind == "notice")).one()
        original_id = original.id
        original_bytes = read_document(storage_from_config(seeded.config, db.session()), original)
    activate_approval_template(seeded, "Der Betrag ist eine Obergrenze.")

    without = _plan(seeded)
    record = next(r for r in without.records if r.number == number)
    assert record.action == ops.NEEDS_REASON
    _job, _outcomes = _run(seeded, without)
    with seeded.app_context():
        assert _count(Document, Document.kind == "notice") == 1

    with_reason = _plan(seeded, reason="Neuer Briefkopf der Stadt")
    record = next(r for r in with_reason.records if r.number == number)
    assert record.action == ops.REISSUE
    _run(seeded, with_reason)

    with seeded.app_context():
        session = db.session()
        versions = session.scalars(
            select(Document).where(Document.kind == "notice").order_by(Document.version)
        ).all()
        assert [d.version for d in versions] == [1, 2]
        assert versions[1].replaces_id == original_id
        assert versions[1].issued
        assert versions[1].replacement_reason == "Neuer Briefkopf der Stadt"
        assert versions[1].notice_id == notice_id
        storage = storage_from_config(seeded.config, db.session())
        assert read_document(storage, session.get(Document, original_id)) == original_bytes
        entry = session.scalars(
            select(AuditLog).where(AuditLog.action == "notice.regenerate")
        ).one()
        assert entry.details["reason"] == "Neuer Briefkopf der Stadt"


@pytest.mark.db_semantics
def test_a_redelivered_or_concurrent_item_is_rendered_into_the_register_exactly_once(seeded):
    with seeded.app_context():
        session = db.session()
        job = ops.start_regeneration(_uow(seeded), _plan(seeded))
        session.commit()
        first, *_rest = ops.pending_items(session, job.id)
        # two deliveries render the same item at the same time …
        rendered_a = ops.render_item(_uow(seeded), first)
        session.rollback()
        rendered_b = ops.render_item(_uow(seeded), first)
        session.rollback()
        # … only the first to claim it registers documents
        assert ops.complete_item(_uow(seeded), rendered_a, "worker-a")
        session.commit()
        assert not ops.complete_item(_uow(seeded), rendered_b, "worker-b")
        session.rollback()
        # and a later redelivery of the finished item does nothing
        assert process_item(item_uow(seeded.config, session, fake_pdf), first).outcome == NOOP

        item = session.get(BatchItem, first)
        assert (item.state, item.worker, item.attempts) == (ItemState.done, "worker-a", 1)
        assert _count(Document, Document.notice_id == item.notice_id) == 2  # PDF + DOCX


def test_one_bad_record_fails_alone_with_its_error_and_the_batch_finishes(seeded):
    with seeded.app_context():
        bad_number = (
            db.session()
            .scalars(
                select(Notice.number).where(Notice.state == NoticeState.draft).order_by(Notice.id)
            )
            .first()
        )

    def flaky(docx, title, subject, author, *, watermark=None):
        if subject == bad_number:
            raise RuntimeError("LibreOffice crashed on this one")
        return fake_pdf(docx, title, subject, author, watermark=watermark)

    job_id, outcomes = _run(seeded, _plan(seeded), to_pdf=flaky)

    assert sorted(outcomes) == sorted([DONE, DONE, DONE, FAILED])
    with seeded.app_context():
        session = db.session()
        (failed,) = ops.failed_items(session, job_id)
        assert failed.notice.number == bad_number
        assert "LibreOffice crashed" in failed.error
        progress = ops.job_progress(session, job_id)
        assert (progress.done, progress.failed, progress.pending) == (3, 1, 0)
        assert progress.state is JobState.done


def test_a_notice_the_rules_refuse_is_a_failed_item_of_the_job_with_its_codes(seeded):
    with seeded.app_context():
        session = db.session()
        decision = session.scalars(
            select(Decision).join(Notice).where(Notice.state == NoticeState.draft)
        ).first()
        decision.amount = decision.amount * 10  # more than was applied for
        session.commit()

    plan = _plan(seeded)
    refused = [r for r in plan.records if r.action == ops.REFUSED]
    assert len(refused) == 1
    assert "NoticeRefused" in refused[0].error
    job_id, outcomes = _run(seeded, plan)

    assert outcomes == [DONE] * 3
    with seeded.app_context():
        (failed,) = ops.failed_items(db.session(), job_id)
        assert "NoticeRefused" in failed.error


@pytest.mark.db_semantics
def test_a_job_whose_driver_is_gone_is_resumed_and_one_whose_driver_lives_is_not(seeded):
    with seeded.app_context():
        session = db.session()
        job = ops.start_regeneration(_uow(seeded), _plan(seeded), owner=ops.this_process())
        session.commit()
        assert ops.find_resumable_job(session, _scope(), "") is None  # this process lives

        job.owner = f"{ops.socket.gethostname()}:999999999"  # no such process
        session.commit()
        assert ops.find_resumable_job(session, _scope(), "").id == job.id
        assert ops.find_resumable_job(session, _scope(), "another reason") is None
        assert ops.find_resumable_job(session, ops.Scope(everything=True), "") is None


def test_seeded_applications_vary_and_pass_the_rules(seeded):
    plan = _plan(seeded)
    assert plan.count(ops.REFUSED) == 0
    with seeded.app_context():
        names = {
            n.application.applicant_name
            for n in db.session().scalars(select(Notice).where(Notice.state == NoticeState.draft))
        }
        lines = {
            len(n.application.submission_snapshot["costs"])
            for n in db.session().scalars(select(Notice))
        }
    assert len(names) == 4
    assert all(3 <= count <= 10 for count in lines)


def test_recent_jobs_filter_the_partnership_before_the_limit(db_session):
    # one job of partnership 1, then many more of partnership 2 than any page would show
    def job(partnership_id: int) -> BatchJob:
        return BatchJob(
            kind=ops.JOB_KIND,
            scope={"partnership": partnership_id, "fund": None, "session": None, "all": True},
            actor="system:test",
            state=JobState.done,
        )

    own = job(1)
    db_session.add(own)
    db_session.add_all([job(2) for _ in range(250)])
    db_session.flush()

    assert ops.recent_jobs(db_session, 1) == [own]
    assert len(ops.recent_jobs(db_session, 2, limit=20)) == 20
    assert ops.recent_jobs(db_session, None, limit=3)[0].scope["partnership"] == 2
