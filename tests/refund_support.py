"""An application of the demo partnership with an issued refund notice whose total is still
open, made directly in the database (issuing has its own tests): the review row as
``issue_outcome`` leaves it (kind, number, day, due day, total) and the application
``revoked``."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

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
