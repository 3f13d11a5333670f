"""The read models of the applicant's pages (service/operations/applications.py): what a
page shows of one partnership never includes another's, and staff comments only where they
are meant for the applicant."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from service.clock import Clock
from service.domain.messages import PlainLocalizer
from service.models import Application, Fund
from service.models.backoffice import ApplicationComment
from service.operations import applications as ops
from service.operations import uploads as upload_ops
from service.uow import Actor, UnitOfWork
from tests.conftest import make_fund, uow_on


def _draft(session: Session, fund: Fund, title: str) -> Application:
    application = Application(fund=fund, title=title)
    session.add(application)
    session.flush()
    return application


def test_an_application_is_found_only_in_its_own_partnership(db_session: Session) -> None:
    here, there = make_fund(db_session, "hier"), make_fund(db_session, "dort")
    uow = uow_on(db_session)
    mine, theirs = _draft(db_session, here, "Fest"), _draft(db_session, there, "Markt")
    assert ops.partnership_by_slug(uow, "hier") is here.partnership
    assert ops.partnership_by_slug(uow, "nirgends") is None
    assert ops.find_application(uow, here.partnership, mine.id) is mine
    assert ops.find_application(uow, here.partnership, theirs.id) is None
    assert ops.find_application(uow, here.partnership, 10_000) is None
    # the session's numbers, newest first, of this partnership only
    newer = _draft(db_session, here, "Lesung")
    found = ops.applications_by_id(uow, here.partnership, [mine.id, theirs.id, newer.id])
    assert found == [newer, mine]
    assert ops.applications_by_id(uow, here.partnership, []) == []


def test_only_comments_meant_for_the_applicant_are_read(db_session: Session) -> None:
    fund = make_fund(db_session)
    uow = uow_on(db_session)
    first, second = _draft(db_session, fund, "Fest"), _draft(db_session, fund, "Lesung")
    db_session.add_all(
        [
            ApplicationComment(
                application=first, body="Bitte Angebot nachreichen", visible_to_applicant=True
            ),
            ApplicationComment(application=first, body="intern: Träger prüfen"),
            ApplicationComment(application=second, body="intern"),
        ]
    )
    db_session.flush()
    comments = ops.comments_for_applicant(uow, [first, second])
    assert {key: [c.body for c in found] for key, found in comments.items()} == {
        first.id: ["Bitte Angebot nachreichen"]
    }
    assert ops.comments_for_applicant(uow, []) == {}


def test_the_partnership_page_offers_the_sessions_still_open_today(db_session: Session) -> None:
    fund = make_fund(db_session)
    rules = fund.guideline
    lead = rules.submission_lead_days
    # pinned to the day of the second session's deadline: the first is past, the second open
    deadline = date.fromordinal(rules.sessions[1].toordinal() - lead)
    uow = UnitOfWork(
        db_session,
        actor=Actor("applicant", "reading"),
        localizer=PlainLocalizer(),
        clock=Clock(deadline),
        config={},
    )
    (offer,) = ops.open_funds(uow, fund.partnership)
    assert offer.fund is fund
    assert offer.sessions[0] == (rules.sessions[1], deadline)
    assert rules.sessions[0] not in [day for day, _deadline in offer.sessions]
    assert offer.overview.available == rules.budget


def test_uploads_are_read_per_application(db_session: Session) -> None:
    from service.models import Upload

    fund = make_fund(db_session)
    uow = uow_on(db_session)
    first, second = _draft(db_session, fund, "Fest"), _draft(db_session, fund, "Lesung")
    upload = Upload(
        application=first,
        kind="offer",
        display_name="Angebot.pdf",
        sha256="0" * 64,
        size=1,
        pages=1,
    )
    db_session.add(upload)
    db_session.flush()
    assert upload_ops.list_uploads(uow, first) == [upload]
    assert upload_ops.list_uploads(uow, second) == []
    assert upload_ops.find_upload(uow, first, upload.id) is upload
    assert upload_ops.find_upload(uow, second, upload.id) is None
