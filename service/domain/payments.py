"""Payment requests (Mittelabruf): the rules of Nr. 1.4 ANBest-P.

A recipient may request money only as far as it is needed for payments due within six weeks
after the payout, the sum of all requests never exceeds the grant, and money is paid only for
the approved period. Pure Python: the web form and any batch job call :func:`payment_findings`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from .findings import Finding, RuleKind, define, sort_findings
from .labels import required
from .messages import N_, Message
from .reader import INVALID

ANBEST_PAYMENT = "Nr. 1.4 ANBest-P"
# "… soweit sie voraussichtlich innerhalb von sechs Wochen nach der Auszahlung … benötigt wird"
SIX_WEEKS = timedelta(weeks=6)

# -- the rules (listed by `foerderwerk rules`) ----------------------------------------------

PAYMENT = RuleKind("payment", N_("Payment request"), 40)

PAYMENT_EXCEEDS_GRANT = define(
    PAYMENT,
    "payment.exceeds-grant",
    "error",
    N_(
        "Together with the earlier requests (%(before)s) this exceeds the grant "
        "of %(grant)s. You can request at most %(left)s."
    ),
    source=ANBEST_PAYMENT,
)
PAYMENT_OUTSIDE_PERIOD = define(
    PAYMENT,
    "payment.outside-period",
    "error",
    N_(
        "Money can only be requested for payments within the approved period "
        "(%(start)s to %(end)s). Please check the date."
    ),
    source=ANBEST_PAYMENT,
)
PAYMENT_TOO_EARLY = define(
    PAYMENT,
    "payment.too-early",
    "error",
    N_(
        "You may only request money that you need within six weeks after the "
        "payout, that is by %(latest)s. Please request it later, from %(from)s."
    ),
    source=ANBEST_PAYMENT,
)


@dataclass(frozen=True)
class PaymentRequest:
    """One request: ``amount`` wanted, to be paid out on ``payout_on`` and spent by
    ``needed_on``; ``requested_before`` is the sum of the earlier requests of this grant."""

    amount: Decimal | None
    needed_on: date | None
    payout_on: date
    grant: Decimal
    requested_before: Decimal
    period_start: date
    period_end: date


def payment_findings(request: PaymentRequest) -> list[Finding]:
    """``payment.exceeds-grant``, ``payment.too-early``, ``payment.outside-period`` (all errors),
    sorted as the contract sorts findings."""
    findings: list[Finding] = []
    if request.amount is None:
        findings.append(required("amount"))
    elif request.amount <= 0:
        findings.append(
            INVALID.finding_about("amount", Message(N_("Please enter an amount greater than 0 €.")))
        )
    elif request.requested_before + request.amount > request.grant:
        left = max(Decimal(0), request.grant - request.requested_before)
        findings.append(
            PAYMENT_EXCEEDS_GRANT.finding(
                "amount", {"before": request.requested_before, "grant": request.grant, "left": left}
            )
        )
    if request.needed_on is None:
        findings.append(required("needed_on"))
        return sort_findings(findings)
    if not request.period_start <= request.needed_on <= request.period_end:
        findings.append(
            PAYMENT_OUTSIDE_PERIOD.finding(
                "needed_on", {"start": request.period_start, "end": request.period_end}
            )
        )
    latest = request.payout_on + SIX_WEEKS
    if request.needed_on > latest:
        findings.append(
            PAYMENT_TOO_EARLY.finding(
                "needed_on", {"latest": latest, "from": request.needed_on - SIX_WEEKS}
            )
        )
    return sort_findings(findings)
