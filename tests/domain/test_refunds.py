"""The money a refund notice claims and what came in (issue 19.4): partial receipts add up,
the claim is settled when they reach the stated total; a receipt is refused when it is not a
positive amount in cents, lies in the future or before the notice, or exceeds what is open.
Refund deadlines get the report deadlines' two reminders, but no "due soon" one in the week
after the notice (it would repeat the letter)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from service.domain.messages import PlainLocalizer
from service.domain.refunds import RefundAccount, receipt_refusal
from service.domain.reminders import (
    QUIET_DAYS,
    Deadline,
    ReminderKind,
    Subject,
    kind_on,
    plan,
)

ISSUED = date(2026, 5, 4)
TODAY = date(2026, 5, 20)


def refused(account: RefundAccount, amount: str, day: date = TODAY) -> str | None:
    message = receipt_refusal(account, Decimal(amount), day, issued_on=ISSUED, today=TODAY)
    return message.render(PlainLocalizer()) if message is not None else None


def test_partial_receipts_add_up_and_the_last_settles() -> None:
    account = RefundAccount.of(Decimal("83.45"), [Decimal("50.00")])
    assert account.open == Decimal("33.45")
    assert not account.settled
    after = account.with_receipt(Decimal("33.45"))
    assert after.open == Decimal("0.00")
    assert after.settled


def test_receipts_up_to_the_open_amount_are_accepted() -> None:
    account = RefundAccount.of(Decimal("83.45"), [Decimal("50.00")])
    assert refused(account, "33.45") is None
    assert refused(account, "0.01", ISSUED) is None


def test_refusals() -> None:
    account = RefundAccount.of(Decimal("83.45"), [Decimal("50.00")])
    assert "greater than 0" in (refused(account, "0") or "")
    assert "greater than 0" in (refused(account, "-5.00") or "")
    assert "two decimal places" in (refused(account, "1.005") or "")
    assert "future" in (refused(account, "10.00", TODAY + timedelta(days=1)) or "")
    assert "before the refund notice" in (refused(account, "10.00", ISSUED - timedelta(1)) or "")
    too_much = refused(account, "33.46") or ""
    assert "exceeds what is still open" in too_much
    assert "33.45" in too_much


def test_nothing_more_once_settled() -> None:
    settled = RefundAccount.of(Decimal("83.45"), [Decimal("83.45")])
    assert "received in full" in (refused(settled, "1.00") or "")


def refund(due: date, known: date | None) -> Deadline:
    return Deadline(Subject.refund, 3, 9, due, known_since=known)


def test_refund_reminders_have_their_own_kinds_and_the_fortnight() -> None:
    due = date(2026, 6, 3)
    deadline = refund(due, ISSUED)
    assert kind_on(deadline, due - timedelta(days=15)) is None
    assert kind_on(deadline, due - timedelta(days=14)) is ReminderKind.refund_due
    assert kind_on(deadline, due) is ReminderKind.refund_due
    assert kind_on(deadline, due + timedelta(days=1)) is ReminderKind.refund_overdue
    [reminder] = plan([deadline], due, set())
    assert reminder.key == ("refund_due", 3, due)
    assert plan([deadline], due, {reminder.key}) == []


def test_no_due_soon_reminder_in_the_week_after_the_notice_but_the_overdue_one() -> None:
    due = date(2026, 5, 14)  # the notice of 04.05. gave ten days
    deadline = refund(due, ISSUED)
    assert QUIET_DAYS == 7
    assert kind_on(deadline, ISSUED + timedelta(days=QUIET_DAYS - 1)) is None
    assert kind_on(deadline, ISSUED + timedelta(days=QUIET_DAYS)) is ReminderKind.refund_due
    # a notice issued after its due day (late issue): straight to overdue
    assert kind_on(refund(ISSUED - timedelta(days=1), ISSUED), ISSUED) is (
        ReminderKind.refund_overdue
    )
