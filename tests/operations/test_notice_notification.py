"""Issuing and notifying (issue 17, item 9), as the operations do it: an approval whose period
or report deadline is over is issued only with a confirmation; the issued notice is e-mailed
to the applicant with its PDF from the archive (German, "Sie" or "du"), counts as notified on
the day the partnership's settings give, and a waiver of the remedy makes it final early.
The PDF converter is a stand-in (tests/operations/test_regeneration.py)."""

from __future__ import annotations

import base64
from datetime import date

import pytest
from sqlalchemy import select

from service import db
from service.archive.register import read_document
from service.clock import Clock
from service.domain.notice import WAIVER_BEFORE_ISSUE, WAIVER_IN_FUTURE, WAIVER_NOT_A_GRANT
from service.domain.states import NoticeKind
from service.errors import TransitionRefused
from service.i18n import BabelLocalizer
from service.models import Application, AuditLog, Decision, Document, Notice, OutboxMail
from service.operations import notices as ops
from service.uow import Actor, UnitOfWork
from tests.operations.test_regeneration import fake_pdf
from tests.web.test_mail_language import DU, SIE, english_words

# the demo's approved "Demokratiefest am Elbufer": 1 May to 30 June 2026, report 42 days later
FEST = "Demokratiefest"
# the youth fund's approved open-air cinema ("du")
OPENAIR = "Open-Air-Kino"
# the action fund's rejected poster campaign
PLAKATE = "Plakataktion"


def _uow(app, day: date) -> UnitOfWork:
    return UnitOfWork(
        db.session(),
        actor=Actor("staff", "lead@demo.example"),
        localizer=BabelLocalizer(),
        clock=Clock(day),
        config=app.config,
        pdf=fake_pdf,
    )


def _decision(title: str) -> Decision:
    return (
        db.session()
        .scalars(
            select(Decision)
            .join(Application, Application.id == Decision.application_id)
            .where(Application.title.startswith(title))
        )
        .one()
    )


def _actions(*names: str) -> list[AuditLog]:
    return list(
        db.session().scalars(
            select(AuditLog).where(AuditLog.action.in_(names)).order_by(AuditLog.id)
        )
    )


def test_an_approval_whose_period_is_over_is_refused_without_confirmation_naming_the_dates(
    demo_app,
):
    with demo_app.app_context():
        uow = _uow(demo_app, date(2026, 12, 5))
        with pytest.raises(ops.PastDatesNotConfirmed) as refused:
            ops.issue_notice(uow, _decision(FEST))
        uow.rollback()

        text = refused.value.render(BabelLocalizer())
        assert text.startswith("Der Bescheid wurde nicht erlassen.")
        assert "Der Bewilligungszeitraum endete am 30.06.2026" in text
        assert "Verwendungsnachweis war am 11.08.2026 fällig" in text
        assert "(05.12.2026)" in text
        assert "bestätigen Sie" in text
        session = db.session()
        assert session.scalars(select(Notice)).all() == []
        assert session.scalars(select(OutboxMail)).all() == []


def test_a_period_still_running_needs_no_confirmation(demo_app):
    with demo_app.app_context():
        decision = _decision(FEST)
        assert ops.issue_warning(decision, date(2026, 6, 30)) is None
        warning = ops.issue_warning(decision, date(2026, 7, 1))
        assert warning is not None
        assert not warning.due_past

        notice = ops.issue_notice(_uow(demo_app, date(2026, 6, 30)), decision)

        assert notice.kind is NoticeKind.zuwendung


def test_confirmed_it_is_issued_mailed_with_its_archived_pdf_and_notified_per_settings(demo_app):
    with demo_app.app_context():
        session = db.session()
        decision = _decision(FEST)
        application = decision.application
        # the settings' [legal] notification_days (the demo says 4)
        application.fund.partnership.legal_notification_days = 3
        uow = _uow(demo_app, date(2026, 12, 7))  # a Monday

        notice = ops.issue_notice(uow, decision, confirm_past=True)
        uow.commit()

        assert (notice.notified_on, notice.notification_days) == (date(2026, 12, 10), 3)
        assert notice.mailed_at is not None
        mail = session.scalars(select(OutboxMail)).one()
        assert mail.recipient == application.applicant_email != ""
        assert mail.subject == f"Ihr Zuwendungsbescheid {notice.number}"
        assert english_words(mail.body) == [], mail.body
        assert "Guten Tag" in mail.body
        assert SIE.search(mail.body)
        assert not DU.search(mail.body)
        assert "Der Bescheid gilt am 10.12.2026 als bekannt gegeben." in mail.body
        assert "mit der Post" in mail.body
        assert application.title in mail.body
        document = session.scalars(
            select(Document).where(Document.notice_id == notice.id, Document.kind == "notice")
        ).one()
        (item,) = mail.attachments["items"]
        assert item["filename"] == document.file_name
        assert item["mime_type"] == "application/pdf"
        attached = base64.b64decode(item["content"])
        assert attached.startswith(b"%PDF")
        assert attached == read_document(uow.storage, document)
        assert f"SHA-256 der angehängten PDF-Datei: {document.file_sha256}" in mail.body
        # the partnership writes; answers go to its coordination office
        assert mail.attachments["headers"]["sender_name"] == application.fund.partnership.name
        issue, mailed = _actions("notice.issue", "notice.mail")
        assert issue.details["notified_on"] == "2026-12-10"
        assert issue.details["confirmed_past"] == {
            "period_end": "2026-06-30",
            "report_due": "2026-08-11",
        }
        assert issue.actor == "staff:lead@demo.example"
        assert mailed.object_id == str(notice.id)
        assert mailed.details["sha256"] == document.file_sha256
        assert mailed.details["attached"] is True
        assert "applicant_email" not in str(mailed.details)


def test_a_youth_fund_applicant_gets_the_notice_in_du(demo_app):
    with demo_app.app_context():
        session = db.session()
        uow = _uow(demo_app, date(2026, 12, 5))

        notice = ops.issue_notice(uow, _decision(OPENAIR), confirm_past=True)
        uow.commit()

        mail = session.scalars(select(OutboxMail)).one()
        assert mail.subject == f"Dein Zuwendungsbescheid {notice.number}"
        assert english_words(mail.body) == [], mail.body
        assert "Hallo" in mail.body
        assert DU.search(mail.body)
        assert not SIE.search(mail.body)
        # posted on Saturday 5 December, four days: Wednesday 9 December
        assert notice.notified_on == date(2026, 12, 9)
        assert "09.12.2026" in mail.body


def test_a_rejection_is_mailed_too_and_an_application_without_address_gets_none(demo_app):
    with demo_app.app_context():
        session = db.session()
        rejection = _decision(PLAKATE)
        rejected = ops.issue_notice(_uow(demo_app, date(2026, 12, 5)), rejection)
        fest = _decision(FEST)
        fest.application.applicant_email = ""
        approved = ops.issue_notice(_uow(demo_app, date(2026, 12, 5)), fest, confirm_past=True)
        session.commit()

        mail = session.scalars(select(OutboxMail)).one()
        assert mail.subject == f"Ihr Ablehnungsbescheid {rejected.number}"
        assert rejected.mailed_at is not None
        assert rejected.notified_on == date(2026, 12, 9)
        assert approved.mailed_at is None
        assert approved.notified_on == date(2026, 12, 9)
        assert [entry.object_id for entry in _actions("notice.mail")] == [str(rejected.id)]


def test_an_amendment_is_mailed_and_notified_as_well(demo_app):
    with demo_app.app_context():
        session = db.session()
        first = ops.issue_notice(
            _uow(demo_app, date(2026, 12, 5)), _decision(FEST), confirm_past=True
        )
        amended = ops.amend_notice(
            _uow(demo_app, date(2026, 12, 14)), first, reason="Verzicht auf 100 €", amount=None
        )
        session.commit()

        assert amended.notified_on == date(2026, 12, 18)
        mails = session.scalars(select(OutboxMail).order_by(OutboxMail.id)).all()
        assert [m.subject for m in mails] == [
            f"Ihr Zuwendungsbescheid {first.number}",
            f"Ihr Änderungsbescheid {amended.number}",
        ]
        assert "Fassung 2" in mails[1].body


def _issued(demo_app, title: str = FEST) -> int:
    with demo_app.app_context():
        notice = ops.issue_notice(
            _uow(demo_app, date(2026, 12, 5)), _decision(title), confirm_past=True
        )
        db.session().commit()
        return notice.id


def _waive(demo_app, notice_id: int, today: date, **fields):
    with demo_app.app_context():
        uow = _uow(demo_app, today)
        notice = db.session().get(Notice, notice_id)
        values = {"waived_on": date(2026, 12, 7), "form": "written", "declared_by": "Eva Elbe"}
        problems = ops.record_waiver(uow, notice, **{**values, **fields})
        uow.commit()
        return problems


def test_a_waiver_is_recorded_once_audited_and_makes_the_notice_final_early(demo_app):
    notice_id = _issued(demo_app)
    with demo_app.app_context():
        notice = db.session().get(Notice, notice_id)
        before = ops.notice_dates(notice, date(2026, 12, 10))
        assert before.notified_on == date(2026, 12, 9)
        assert before.remedy_until == date(2027, 1, 11)
        assert before.final_from == date(2027, 1, 12)
        assert not before.final
        assert not ops.is_final(notice, date(2027, 1, 11))
        assert ops.is_final(notice, date(2027, 1, 12))

    assert _waive(demo_app, notice_id, date(2026, 12, 10), waived_on=date(2026, 12, 10)) == []

    with demo_app.app_context():
        notice = db.session().get(Notice, notice_id)
        assert notice.waiver is not None
        assert (notice.waiver.waived_on, notice.waiver.form.value) == (
            date(2026, 12, 10),
            "written",
        )
        assert notice.waiver.declared_by == "Eva Elbe"
        assert notice.waiver.recorded_by == "staff:lead@demo.example"
        after = ops.notice_dates(notice, date(2026, 12, 10))
        assert after.final
        assert after.final_from == date(2026, 12, 10)
        assert ops.is_final(notice, date(2026, 12, 10))
        (entry,) = _actions("notice.waiver")
        assert entry.details["waived_on"] == "2026-12-10"
        assert entry.details["form"] == "written"
        assert entry.details["declared_by"] == "Eva Elbe"
        assert entry.details["final_from"] == "2026-12-10"
    with pytest.raises(TransitionRefused):
        _waive(demo_app, notice_id, date(2026, 12, 11))


def test_a_waiver_with_wrong_entries_is_not_recorded_and_each_problem_is_named(demo_app):
    notice_id = _issued(demo_app)

    problems = _waive(
        demo_app,
        notice_id,
        date(2026, 12, 10),
        waived_on=date(2026, 12, 4),
        form="by carrier pigeon",
        declared_by="  ",
    )
    future = _waive(demo_app, notice_id, date(2026, 12, 10), waived_on=date(2026, 12, 11))
    missing = _waive(demo_app, notice_id, date(2026, 12, 10), waived_on=None)

    assert next((p.field, p.message.msgid) for p in problems) == ("waived_on", WAIVER_BEFORE_ISSUE)
    assert {p.field for p in problems} == {"waived_on", "form", "declared_by"}
    assert [(p.field, p.message.msgid) for p in future] == [("waived_on", WAIVER_IN_FUTURE)]
    assert [p.field for p in missing] == ["waived_on"]
    with demo_app.app_context():
        assert db.session().get(Notice, notice_id).waiver is None
        assert _actions("notice.waiver") == []


def test_a_rejection_takes_no_waiver(demo_app):
    notice_id = _issued(demo_app, PLAKATE)

    problems = _waive(demo_app, notice_id, date(2026, 12, 10))

    assert [(p.field, p.message.msgid) for p in problems] == [("", WAIVER_NOT_A_GRANT)]


def test_a_notice_too_large_for_a_mail_goes_without_its_pdf_and_says_so(demo_app, monkeypatch):
    monkeypatch.setattr(ops, "MAIL_ATTACHMENT_LIMIT", 100)
    with demo_app.app_context():
        session = db.session()
        ops.issue_notice(_uow(demo_app, date(2026, 12, 5)), _decision(FEST), confirm_past=True)
        session.commit()

        mail = session.scalars(select(OutboxMail)).one()
        assert mail.attachments["items"] == []
        assert "zu groß" in mail.body
        assert "mit der Post" in mail.body
        assert "SHA-256" not in mail.body
        assert english_words(mail.body) == []
        (entry,) = _actions("notice.mail")
        assert entry.details["attached"] is False
