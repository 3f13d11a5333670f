"""Refunds after the review (issue 19.4): receipts of money, settlement, deadlines, open list.

* :func:`record_refund_receipt` – the lead office records money received on an issued refund
  notice (Zahlungseingang: amount, day, note) from the treasury's statement. Partial payments
  add up; the same form sent twice (double click, two tabs) records once (its idempotency key
  is unique; the review row is locked). Once the receipts reach the total the notice states
  (refund and interest), the refund is settled and the application – ``revoked`` by the
  notice – is ``closed`` (the state machine's "a refund demand is settled, then the file is
  closed").
* :func:`refund_deadlines` – every refund not yet received in full, with its due day: the
  refund reminders' source in :data:`.reminders.DEADLINE_SOURCES`.
* :func:`open_refunds` – the staff list's rows: due day, amount open, days overdue and the
  reminders sent.

The rules (what is open, which receipt is refused) are the domain's (service/domain/refunds.py).
Each operation flushes, never commits.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import func, select

from ..domain.messages import N_, Message
from ..domain.refunds import RefundAccount, receipt_refusal
from ..domain.reminders import Deadline, ReminderKind, Subject
from ..domain.review import Outcome
from ..domain.states import ApplicationState, can_transition
from ..errors import NotFound, Refused
from ..models import Application, Fund, RefundReceipt, ReportReview, SentReminder
from ..uow import UnitOfWork
from . import audit
from .report_review import refund_cash_reference

NOTE_MAX = 500
REFUND = Outcome.refund_notice.value


def _issued_refund(uow: UnitOfWork, application: Application) -> ReportReview:
    row = uow.session.scalars(
        select(ReportReview).where(
            ReportReview.application_id == application.id,
            ReportReview.issued_kind == REFUND,
        )
    ).one_or_none()
    if row is None or row.refund_total is None or row.issued_on is None:
        raise NotFound(Message(N_("No refund notice has been issued for this application.")))
    return row


def receipts_of(uow: UnitOfWork, row: ReportReview) -> list[RefundReceipt]:
    return list(
        uow.session.scalars(
            select(RefundReceipt)
            .where(RefundReceipt.report_review_id == row.id)
            .order_by(RefundReceipt.received_on, RefundReceipt.id)
        )
    )


def account_of(uow: UnitOfWork, row: ReportReview) -> RefundAccount:
    """What the issued notice claims and what has been received on it."""
    if row.refund_total is None:
        raise NotFound(Message(N_("No refund notice has been issued for this application.")))
    return RefundAccount.of(row.refund_total, (r.amount for r in receipts_of(uow, row)))


@dataclass(frozen=True)
class RefundView:
    """The refund section of the review page."""

    row: ReportReview
    account: RefundAccount
    receipts: list[RefundReceipt]
    cash_reference: str


def refund_view(uow: UnitOfWork, application: Application) -> RefundView | None:
    """The issued refund notice's account, or None (no refund notice)."""
    row = uow.session.scalars(
        select(ReportReview).where(
            ReportReview.application_id == application.id,
            ReportReview.issued_kind == REFUND,
        )
    ).one_or_none()
    if row is None or row.refund_total is None:
        return None
    receipts = receipts_of(uow, row)
    return RefundView(
        row,
        RefundAccount.of(row.refund_total, (r.amount for r in receipts)),
        receipts,
        cash_reference(application),
    )


def cash_reference(application: Application) -> str:
    """The refund's Kassenzeichen, as the notice states it (``<file number>-E``)."""
    return refund_cash_reference(application)


def record_refund_receipt(
    uow: UnitOfWork,
    application: Application,
    *,
    amount: Decimal,
    received_on: date,
    idempotency_key: str,
    note: str = "",
) -> RefundReceipt:
    """Record ``amount`` received on ``received_on`` on the application's refund notice; the
    same key again returns the receipt already recorded. Settles the refund (and closes the
    file) when the receipts reach the notice's total."""
    key = idempotency_key.strip()[:64]
    if not key:
        raise Refused(Message(N_("The form is incomplete. Please reload the page.")))
    earlier = _by_key(uow, key)
    if earlier is not None:
        return earlier
    row = _issued_refund(uow, application)
    uow.session.refresh(row, with_for_update=True)
    # a second request with the same key waited for the lock: it finds the first's receipt
    earlier = _by_key(uow, key)
    if earlier is not None:
        return earlier
    account = account_of(uow, row)
    refusal = receipt_refusal(
        account, amount, received_on, issued_on=row.issued_on or received_on, today=uow.today()
    )
    if refusal is not None:
        raise Refused(refusal)
    receipt = RefundReceipt(
        application_id=application.id,
        report_review_id=row.id,
        amount=amount,
        received_on=received_on,
        note=note.strip()[:NOTE_MAX],
        created_by=str(uow.actor),
        idempotency_key=key,
    )
    uow.session.add(receipt)
    uow.session.flush()
    after = account.with_receipt(amount)
    _audit(
        uow,
        "refund_receipt.record",
        row,
        receipt=receipt.id,
        amount=str(amount),
        received_on=received_on.isoformat(),
        received=str(after.received),
        open=str(after.open),
    )
    if after.settled:
        _settle(uow, application, row, received_on, after)
    return receipt


def _settle(
    uow: UnitOfWork,
    application: Application,
    row: ReportReview,
    received_on: date,
    account: RefundAccount,
) -> None:
    # the day the last of the money came in (a receipt may be recorded after a later one)
    row.settled_on = max([received_on, *(r.received_on for r in receipts_of(uow, row))])
    before = application.state
    if can_transition(application.state, ApplicationState.closed):
        application.state = ApplicationState.closed
    uow.session.flush()
    _audit(
        uow,
        "refund.settled",
        row,
        total=str(account.total),
        received=str(account.received),
        settled_on=row.settled_on.isoformat(),
        state_before=before.value,
        state=application.state.value,
    )


def _by_key(uow: UnitOfWork, key: str) -> RefundReceipt | None:
    return uow.session.scalars(
        select(RefundReceipt).where(RefundReceipt.idempotency_key == key)
    ).one_or_none()


def _audit(uow: UnitOfWork, action: str, row: ReportReview, **details: object) -> None:
    application = row.application
    audit.record(
        uow.session,
        uow.actor,
        action,
        "report_review",
        row.id,
        partnership_id=application.fund.partnership_id,
        application=application.reference,
        **details,
    )


# -- deadlines and the open list ----------------------------------------------------------------


def _open_rows(
    uow: UnitOfWork, partnership_id: int | None = None
) -> list[tuple[int, int, date, date, Decimal, Decimal]]:
    """(review id, application id, due day, issued day, total, received) of every refund
    notice not yet received in full."""
    received = (
        select(
            RefundReceipt.report_review_id.label("review_id"),
            func.sum(RefundReceipt.amount).label("received"),
        )
        .group_by(RefundReceipt.report_review_id)
        .subquery()
    )
    query = (
        select(
            ReportReview.id,
            ReportReview.application_id,
            ReportReview.refund_on,
            ReportReview.issued_on,
            ReportReview.refund_total,
            received.c.received,
        )
        .outerjoin(received, received.c.review_id == ReportReview.id)
        .where(
            ReportReview.issued_kind == REFUND,
            ReportReview.settled_on.is_(None),
            ReportReview.refund_total.is_not(None),
            ReportReview.refund_on.is_not(None),
            ReportReview.issued_on.is_not(None),
        )
    )
    if partnership_id is not None:
        query = (
            query.join(Application, Application.id == ReportReview.application_id)
            .join(Fund, Fund.id == Application.fund_id)
            .where(Fund.partnership_id == partnership_id)
        )
    return [
        (
            review_id,
            app_id,
            due_on,
            issued_on,
            Decimal(total),
            Decimal(str(got)) if got is not None else Decimal("0.00"),
        )
        for review_id, app_id, due_on, issued_on, total, got in uow.session.execute(query)
    ]


def refund_deadlines(uow: UnitOfWork) -> list[Deadline]:
    """The due day of every refund not yet received in full (the reminders' source)."""
    return [
        Deadline(Subject.refund, review_id, app_id, due_on, known_since=issued_on)
        for review_id, app_id, due_on, issued_on, _total, _got in _open_rows(uow)
    ]


def open_amounts(uow: UnitOfWork, review_ids: Iterable[int]) -> dict[int, RefundAccount]:
    """The account of each of these reviews' refund notices (for the reminders' texts)."""
    ids = set(review_ids)
    if not ids:
        return {}
    totals = dict(
        uow.session.execute(
            select(ReportReview.id, ReportReview.refund_total).where(ReportReview.id.in_(ids))
        ).all()
    )
    got = dict(
        uow.session.execute(
            select(RefundReceipt.report_review_id, func.sum(RefundReceipt.amount))
            .where(RefundReceipt.report_review_id.in_(ids))
            .group_by(RefundReceipt.report_review_id)
        ).all()
    )
    return {
        review_id: RefundAccount(
            Decimal(total), Decimal(str(got[review_id])) if review_id in got else Decimal("0")
        )
        for review_id, total in totals.items()
        if total is not None
    }


@dataclass(frozen=True)
class OpenRefundRow:
    application: Application
    due_on: date
    account: RefundAccount
    # days past the due day (0: not overdue yet)
    days_overdue: int
    # when the "due soon" and the "overdue" reminders went out (None: not sent)
    due_reminded_at: datetime | None
    overdue_reminded_at: datetime | None


def open_refunds(uow: UnitOfWork, partnership_id: int) -> list[OpenRefundRow]:
    """Every refund of the partnership not yet received in full, the longest overdue first."""
    today = uow.today()
    rows = sorted(_open_rows(uow, partnership_id), key=lambda r: (r[2], r[0]))
    if not rows:
        return []
    app_ids = {r[1] for r in rows}
    applications = {
        a.id: a for a in uow.session.scalars(select(Application).where(Application.id.in_(app_ids)))
    }
    kinds = (ReminderKind.refund_due.value, ReminderKind.refund_overdue.value)
    sent = {
        (kind, subject_id, due_on): sent_at
        for kind, subject_id, due_on, sent_at in uow.session.execute(
            select(
                SentReminder.kind,
                SentReminder.subject_id,
                SentReminder.due_on,
                SentReminder.sent_at,
            ).where(
                SentReminder.kind.in_(kinds),
                SentReminder.subject_id.in_({r[0] for r in rows}),
            )
        )
    }
    return [
        OpenRefundRow(
            applications[app_id],
            due_on,
            RefundAccount(total, got),
            max((today - due_on).days, 0),
            sent.get((kinds[0], review_id, due_on)),
            sent.get((kinds[1], review_id, due_on)),
        )
        for review_id, app_id, due_on, _issued, total, got in rows
    ]
