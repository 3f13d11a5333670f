"""An application of the demo partnership with an issued refund notice whose total is still
open, made directly in the database (issuing has its own tests): the review row as
``issue_outcome`` leaves it (kind, number, day, due day, total) and the application
``revoked``."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from service.domain.states import ApplicationState
from service.models import Application, ReportReview, UsageReport
from tests.reminder_support import granted


def refund_due(
    session: Session,
    reference: str,
    *,
    due_on: date,
    issued_on: date,
    total: str = "83.45",
    email: str = "verein@example.org",
    kind: str = "aktions-und-initiativfonds",
    title: str = "",
) -> Application:
    """A granted application whose refund notice (issued ``issued_on``) claims ``total`` by
    ``due_on``. Flushed."""
    application = granted(
        session,
        reference,
        period_end=date(issued_on.year, 1, 31),
        email=email,
        kind=kind,
        title=title,
    )
    report = UsageReport(
        application_id=application.id,
        submitted_on=date(issued_on.year, 2, 1),
        data={},
        result={},
        sha256="0" * 64,
        idempotency_key=f"report-{reference}",
    )
    session.add(report)
    session.flush()
    session.add(
        ReportReview(
            application_id=application.id,
            usage_report_id=report.id,
            finished_name="Kai Koordination",
            finished_at=datetime(issued_on.year, 2, 2, 9, tzinfo=UTC),
            outcome="refund_notice",
            result={"total_due": total},
            issued_kind="refund_notice",
            issued_number=f"TW-{reference}",
            issued_on=issued_on,
            refund_on=due_on,
            refund_total=Decimal(total),
        )
    )
    application.state = ApplicationState.revoked
    session.flush()
    return application


def issued_refund(app: Flask) -> int:
    """The real path on ``app`` (TODAY 04.05.2026): a granted application, 600 € paid, its
    report, the review finished and the refund notice issued (a fixed PDF stands in for
    LibreOffice; refund 20 € and interest, due 03.06.2026). The application's id."""
    from service import db
    from service.domain.messages import PlainLocalizer
    from service.models import StaffUser
    from service.operations import report_review as review_ops
    from service.uow import Actor, build_uow
    from tests.web.review_support import reported, review_form
    from tests.web.staff_support import KUF
    from tests.web.test_policy import _pdf

    _applicant, app_id = reported(app)
    with app.app_context():
        session = db.session()
        uow = build_uow(
            session,
            app.config,
            actor=Actor("staff", "1"),
            localizer=PlainLocalizer(),
            pdf=lambda *_a, **_k: _pdf(),
        )
        application = session.get_one(Application, app_id)
        kuf = session.scalars(select(StaffUser).where(StaffUser.email == KUF)).one()
        review_ops.save_review(
            uow,
            application,
            review_ops.ReviewInput(
                recognised={},
                reasons={},
                sampled=["1"],
                note=review_form()["note"],
                effective_on=date(2026, 5, 4),
                refund_on=date(2026, 6, 3),
            ),
        )
        review_ops.finish_review(uow, application, kuf)
        review_ops.issue_outcome(uow, application, body=lambda *_a: "Bescheid")
        session.commit()
    return app_id
