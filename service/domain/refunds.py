"""The money a refund notice claims and what has come in (issue 19.4). Pure Python.

A partial revocation and refund notice (Teilwiderrufs- und Erstattungsbescheid) claims a total:
the refund and the interest up to the day before the due day, as the issued notice states it.
The lead office records each receipt (Zahlungseingang) from the treasury's statement; partial
payments add up. The claim is settled once the receipts reach the stated total – on the day
of the receipt that completed it.

A receipt is refused when it is not a positive amount in cents, lies in the future or before
the notice was issued, or would take the received money above the stated total (an
overpayment is the treasury's to pay back, not a receipt on the claim).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from .messages import N_, Message
from .money import CENT

NOT_POSITIVE = N_("Please enter an amount greater than 0 €.")
NOT_CENTS = N_("Please enter the amount in euros and cents (at most two decimal places).")
IN_FUTURE = N_("The day of receipt lies in the future. Please check the date.")
BEFORE_NOTICE = N_(
    "The day of receipt lies before the refund notice was issued (%(issued)s). Please check "
    "the date."
)
SETTLED = N_("The refund has been received in full; nothing more can be recorded.")
TOO_MUCH = N_(
    "The amount exceeds what is still open (%(open)s). Please record at most that amount; "
    "the treasury pays an overpayment back."
)


@dataclass(frozen=True)
class RefundAccount:
    """What a refund notice claims in total and what has been received on it."""

    total: Decimal
    received: Decimal = Decimal("0.00")

    @property
    def open(self) -> Decimal:
        return max(self.total - self.received, Decimal("0.00"))

    @property
    def settled(self) -> bool:
        return self.received >= self.total

    def with_receipt(self, amount: Decimal) -> RefundAccount:
        return RefundAccount(self.total, self.received + amount)

    @classmethod
    def of(cls, total: Decimal, amounts: Iterable[Decimal]) -> RefundAccount:
        return cls(total, sum(amounts, Decimal("0.00")))


def receipt_refusal(
    account: RefundAccount, amount: Decimal, received_on: date, *, issued_on: date, today: date
) -> Message | None:
    """Why a receipt of ``amount`` on ``received_on`` cannot be recorded, or None."""
    if account.settled:
        return Message(SETTLED)
    if amount <= 0:
        return Message(NOT_POSITIVE)
    if amount != amount.quantize(CENT):
        return Message(NOT_CENTS)
    if received_on > today:
        return Message(IN_FUTURE)
    if received_on < issued_on:
        return Message(BEFORE_NOTICE, {"issued": issued_on})
    if amount > account.open:
        return Message(TOO_MUCH, {"open": account.open})
    return None
