"""Receipts on a refund notice (issue 19.4): the lead office records partial payments, the
refund is settled – and the file closed – when refund and interest as the notice states them
are in; the same form twice records once; amounts above what is open, days in the future or
before the notice are refused; every receipt and the settlement are in the audit log. The
total counted against is the one the issued notice states (stored when it is issued)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from service import db
from service.domain.messages import PlainLocalizer
from service.domain.states import ApplicationState
from service.errors import Refused
from service.models import Application, AuditLog, Document, RefundReceipt, ReportReview, StaffUser
from service.operations import refunds
from service.operations import report_review as review_ops
from service.uow import Actor, build_uow
from tests.refund_support import refund_due
from tests.web.apply_helpers import make_app
from tests.web.review_support import reported, review_form
from tests.web.staff_support import KUF
from tests.web.test_policy import _pdf

TODAY = "2026-05-20"


@pytest.fixture
def app(db_url: str, tmp_path: Path) -> Iterator[Flask]:
    app = make_app(db_url, tmp_path, TODAY=TODAY)
    yield app
    with app.app_context():
        db.engine().dispose()


def _uow(app: Flask, **kwargs: Any):
    return build_uow(
        db.session(), app.config, actor=Actor("staff", "7"), localizer=PlainLocalizer(), **kwargs
    )


def _record(app: Flask, app_id: int, amount: str, key: str, day: date = date(2026, 5, 18)):
    with app.app_context():
        uow = _uow(app)
        application = db.session().get_one(Application, app_id)
        receipt = refunds.record_refund_receipt(
            uow,
            application,
            amount=Decimal(amount),
            received_on=day,
            idempotency_key=key,
            note="Kontoauszug 14",
        )
        db.session().commit()
        return receipt.id


def _state(app: Flask, app_id: int) -> tuple[ApplicationState, date | None, int]:
    with app.app_context():
        session = db.session()
        row = session.scalars(
            select(ReportReview).where(ReportReview.application_id == app_id)
        ).one()
        count = session.scalar(
            select(func.count())
            .select_from(RefundReceipt)
            .where(RefundReceipt.application_id == app_id)
        )
        return session.get_one(Application, app_id).state, row.settled_on, int(count or 0)


def _refused(app: Flask, app_id: int, amount: str, day: date, key: str) -> str:
    with app.app_context():
        uow = _uow(app)
        application = db.session().get_one(Application, app_id)
        with pytest.raises(Refused) as refusal:
            refunds.record_refund_receipt(
                uow, application, amount=Decimal(amount), received_on=day, idempotency_key=key
            )
        db.session().rollback()
        return refusal.value.message.render(PlainLocalizer())


def _new(app: Flask) -> int:
    with app.app_context():
        application = refund_due(
            db.session(), "AIF-2026-951", due_on=date(2026, 6, 3), issued_on=date(2026, 5, 4)
        )
        db.session().commit()
        return application.id


def test_partial_payments_then_the_rest_settle_the_refund_and_close_the_file(app):
    app_id = _new(app)

    _record(app, app_id, "50.00", "k1")
    assert _state(app, app_id) == (ApplicationState.revoked, None, 1)
    _record(app, app_id, "33.45", "k2", day=date(2026, 5, 19))

    assert _state(app, app_id) == (ApplicationState.closed, date(2026, 5, 19), 2)
    with app.app_context():
        entries = (
            db.session()
            .scalars(
                select(AuditLog)
                .where(AuditLog.object_type == "report_review")
                .order_by(AuditLog.id)
            )
            .all()
        )
        actions = [e.action for e in entries]
        assert actions == ["refund_receipt.record", "refund_receipt.record", "refund.settled"]
        assert entries[0].details["amount"] == "50.00"
        assert entries[0].details["open"] == "33.45"
        assert entries[2].details["state"] == "closed"
        assert {e.actor for e in entries} == {"staff:7"}
    # settled: nothing more is recorded
    assert "received in full" in _refused(app, app_id, "1.00", date(2026, 5, 19), "k3")


def test_the_same_form_twice_records_once(app):
    app_id = _new(app)
    first = _record(app, app_id, "40.00", "same-key")
    again = _record(app, app_id, "40.00", "same-key")
    assert first == again
    assert _state(app, app_id)[2] == 1


def test_refused_receipts_record_nothing(app):
    app_id = _new(app)
    assert "exceeds what is still open" in _refused(app, app_id, "83.46", date(2026, 5, 18), "a")
    assert "future" in _refused(app, app_id, "10.00", date(2026, 5, 21), "b")
    assert "before the refund notice" in _refused(app, app_id, "10.00", date(2026, 5, 3), "c")
    assert "greater than 0" in _refused(app, app_id, "0", date(2026, 5, 18), "d")
    assert _state(app, app_id) == (ApplicationState.revoked, None, 0)


def test_an_application_without_a_refund_notice_takes_no_receipt(app):
    from service.errors import NotFound
    from tests.reminder_support import granted

    with app.app_context():
        application = granted(db.session(), "AIF-2026-952", period_end=date(2026, 3, 31))
        db.session().commit()
        with pytest.raises(NotFound):
            refunds.record_refund_receipt(
                _uow(app),
                application,
                amount=Decimal("1.00"),
                received_on=date(2026, 5, 18),
                idempotency_key="x",
            )


def test_the_issued_notice_total_is_what_receipts_count_against(db_url: str, tmp_path: Path):
    """The real path: review finished, refund notice issued (a fixed PDF for LibreOffice)."""
    app = make_app(db_url, tmp_path, TODAY="2026-05-04")
    _applicant, app_id = reported(app)
    form = review_form()
    with app.app_context():
        session = db.session()
        uow = _uow(app, pdf=lambda *_a, **_k: _pdf())
        application = session.get_one(Application, app_id)
        kuf = session.scalars(select(StaffUser).where(StaffUser.email == KUF)).one()
        review_ops.save_review(
            uow,
            application,
            review_ops.ReviewInput(
                recognised={},
                reasons={},
                sampled=["1"],
                note=form["note"],
                effective_on=date(2026, 5, 4),
                refund_on=date(2026, 6, 3),
            ),
        )
        review_ops.finish_review(uow, application, kuf)
        review_ops.issue_outcome(uow, application, body=lambda *_a: "Bescheid")
        session.commit()
        row = review_ops.review_of(uow, application)
        assert row is not None
        document = session.scalars(select(Document).where(Document.kind == "refund_notice")).one()
        stated = Decimal(document.context["refund"]["total_due"])
        assert row.refund_total == stated
        assert stated > Decimal(document.context["refund"]["amount"])  # with interest
        view = refunds.refund_view(uow, application)
        assert view is not None
        assert view.account.open == stated
        assert view.cash_reference == f"{application.reference}-E"
        refunds.record_refund_receipt(
            uow,
            application,
            amount=stated,
            received_on=date(2026, 5, 4),
            idempotency_key="all-at-once",
        )
        session.commit()
        assert application.state is ApplicationState.closed
    with app.app_context():
        db.engine().dispose()


def test_settled_on_is_the_day_the_last_money_came_in_whatever_the_order_recorded(app):
    app_id = _new(app)
    _record(app, app_id, "50.00", "later", day=date(2026, 5, 19))
    _record(app, app_id, "33.45", "earlier", day=date(2026, 5, 12))
    assert _state(app, app_id) == (ApplicationState.closed, date(2026, 5, 19), 2)
