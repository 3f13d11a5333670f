"""Read operations about funds: money committed, what the public start page shows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..domain.catalogues import DECIDING_BODIES
from ..domain.guideline import Guideline
from ..domain.states import ApplicationState, DecisionOutcome
from ..models import Application, Decision, Fund, Partnership

# States in which the committee's approval binds the fund's money. A rejection, withdrawal
# or revocation releases it; a deferral never bound any.
COMMITTING_STATES = (
    ApplicationState.approved,
    ApplicationState.notice_issued,
    ApplicationState.in_payment,
    ApplicationState.report_submitted,
    ApplicationState.closed,
)


def committed_amount(session: Session, fund: Fund) -> Decimal:
    """Money already committed in the fund: the latest approved amount per application."""
    latest = (
        select(Decision.application_id, func.max(Decision.id).label("decision_id"))
        .where(Decision.outcome == DecisionOutcome.approved)
        .group_by(Decision.application_id)
        .subquery()
    )
    total = session.scalar(
        select(func.coalesce(func.sum(Decision.amount), 0))
        .join(latest, latest.c.decision_id == Decision.id)
        .join(Application, Application.id == Decision.application_id)
        .where(Application.fund_id == fund.id, Application.state.in_(COMMITTING_STATES))
    )
    return Decimal(total or 0).quantize(Decimal("0.01"))


@dataclass(frozen=True)
class FundOverview:
    key: str
    name: str
    deciding_body: str  # English msgid of the body's German name
    grant_min: Decimal
    grant_max: Decimal
    budget: Decimal
    available: Decimal
    next_session: date | None
    submission_deadline: date | None


@dataclass(frozen=True)
class PartnershipOverview:
    slug: str
    name: str
    lead_office: str
    funds: tuple[FundOverview, ...]


def _next_session(guideline: Guideline, today: date) -> tuple[date | None, date | None]:
    lead = timedelta(days=guideline.submission_lead_days)
    for session_date in guideline.sessions:
        if session_date - lead >= today:
            return session_date, session_date - lead
    return None, None


def overview_fund(session: Session, fund: Fund, today: date) -> FundOverview:
    rules = fund.guideline
    next_session, deadline = _next_session(rules, today)
    available = max(Decimal(0), rules.budget - committed_amount(session, fund))
    return FundOverview(
        key=fund.key,
        name=rules.fund_name,
        deciding_body=DECIDING_BODIES[rules.deciding_body],
        grant_min=rules.grant_min,
        grant_max=rules.grant_max,
        budget=rules.budget,
        available=available,
        next_session=next_session,
        submission_deadline=deadline,
    )


def list_partnerships(session: Session, today: date) -> list[PartnershipOverview]:
    """Every partnership of the instance with its funds, for the public start page."""
    result = []
    for partnership in session.scalars(select(Partnership).order_by(Partnership.name)):
        funds = tuple(
            overview
            for fund in partnership.funds
            if fund.current_guideline is not None
            for overview in (overview_fund(session, fund, today),)
            # a past year's fund with no session left offers nothing (issue 16)
            if overview.next_session is not None or fund.guideline.year >= today.year
        )
        result.append(
            PartnershipOverview(
                slug=partnership.slug,
                name=partnership.name,
                lead_office=partnership.lead_office_name,
                funds=funds,
            )
        )
    return result


def find_funds_by_key(session: Session, key: str, partnership_slug: str | None) -> list[Fund]:
    query = select(Fund).join(Partnership).where(Fund.key == key)
    if partnership_slug is not None:
        query = query.where(Partnership.slug == partnership_slug)
    return list(session.scalars(query))
