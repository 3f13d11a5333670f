"""An application of the demo partnership that owes its usage-of-funds report: a grant notice
issued with its approved period, made directly in the database (issuing has its own tests)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.domain.states import ApplicationState, NoticeKind, NoticeState
from service.models import Application, Fund, Notice, Partnership

SLUG = "boizenburg-luebtheen"


def fund_of_kind(session: Session, kind: str, slug: str = SLUG) -> Fund:
    funds = session.scalars(
        select(Fund).join(Partnership).where(Partnership.slug == slug).order_by(Fund.id)
    ).all()
    return next(f for f in funds if f.guideline.fund_kind == kind)


def granted(
    session: Session,
    reference: str,
    *,
    period_end: date,
    email: str = "verein@example.org",
    kind: str = "aktions-und-initiativfonds",
    title: str = "",
) -> Application:
    """A new application with an issued grant notice whose period ends on ``period_end``;
    its report is due the guideline's ``report_due_days`` later. Flushed."""
    fund = fund_of_kind(session, kind)
    application = Application(
        fund=fund,
        title=title or f"Projekt {reference}",
        reference=reference,
        state=ApplicationState.notice_issued,
        applicant_name=f"Verein {reference} e.V.",
        applicant_email=email,
    )
    session.add(application)
    session.flush()
    session.add(
        Notice(
            fund_id=fund.id,
            application_id=application.id,
            number=f"{reference}-B",
            kind=NoticeKind.zuwendung,
            state=NoticeState.issued,
            amount=Decimal("600.00"),
            period_start=date(period_end.year, 1, 1),
            period_end=period_end,
            financing_type="fehlbedarf",
            issued_on=date(period_end.year, 1, 1),
            issued_at=datetime(period_end.year, 1, 1, 9, tzinfo=UTC),
        )
    )
    session.flush()
    return application
