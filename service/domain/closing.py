"""Closing a grant: the refund and its interest (§ 49a VwVfG, Nr. 8 ANBest-P).

Formulas and codes: spec/rules.md ("Closing a grant: refund and interest"). This is the one
implementation for ``check closing``, its API and the refund notice: what the partial
revocation and refund notice (Teilwiderrufs- und Erstattungsbescheid) claims.

Every amount stays exact until the end: interest is summed as amount × percent × days and
divided by 365 × 100 once, then ``interest_refund`` and ``interest_late_use`` are each
rounded half up to the cent.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, localcontext
from typing import Any

from . import sources
from .base_rates import RATE_PLACES, BaseRate, BaseRateTable, NoBaseRate
from .findings import Finding, RuleKind, define
from .labels import required
from .messages import N_, Message
from .money import ZERO, quantize_cents
from .reader import INVALID, InputReader, at, join

CLOSING = RuleKind("closing", N_("Closing a grant: refund and interest"), 60)

CLOSING_DATES = define(
    CLOSING,
    "closing.dates",
    "error",
    N_(
        "The refund date (%(refund_on)s) lies before the day the revocation "
        "takes effect (%(effective)s). Please check both dates; until then no "
        "interest is computed."
    ),
    source=sources.REFUND_INTEREST,
)
PAYOUT_LATE_USE = define(
    CLOSING,
    "payout.late-use",
    "warning",
    N_(
        "Of the payout of %(amount)s on %(date)s, %(late)s were used more than "
        "%(days)s days after the payout (the last on %(used_on)s). Interest is "
        "charged for the time from the payout until the money was used."
    ),
    source=sources.LATE_USE_INTEREST,
)
INTEREST_WAIVED = define(
    CLOSING,
    "interest.waived",
    "warning",
    N_("The interest of %(total)s is below the threshold of %(threshold)s: it is not claimed."),
    source=sources.INTEREST_WAIVER,
)

CLOSING_KEYS = (
    "final_grant",
    "payouts",
    "expenses",
    "grant_share",
    "effective",
    "refund_on",
    "base_rates",
    "margin",
    "use_within_days",
    "waiver_below",
)
MOVEMENT_KEYS = ("date", "amount")
BASE_RATE_KEYS = ("from", "rate")
# A share such as Z / Σp is rarely a short number; ten places keep it exact enough to the cent
# for any grant below the largest amount the reader accepts.
SHARE_PLACES = 10
# "every year 365 days, also leap years"; the rate is in percent
DAY_DIVISOR = Decimal(365 * 100)
# room for amount × share × percent × days without any rounding before the one division
_PRECISION = 80


@dataclass(frozen=True)
class Movement:
    """A payout or an expense: money moved on a day."""

    day: date
    amount: Decimal


@dataclass(frozen=True)
class Closing:
    final_grant: Decimal
    payouts: tuple[Movement, ...]
    expenses: tuple[Movement, ...]
    grant_share: Decimal
    effective: date
    refund_on: date
    base_rates: BaseRateTable
    margin: Decimal
    use_within_days: int
    waiver_below: Decimal


@dataclass(frozen=True)
class LateUse:
    """A portion of the payout ``payout`` (its index in the input) paid on ``paid_on`` and
    used only on ``used_on``, later than ``use_within_days`` allow: it bears interest from
    ``paid_on`` to ``used_on`` (§ 49a Abs. 4 VwVfG)."""

    payout: int
    amount: Decimal
    paid_on: date
    used_on: date


@dataclass(frozen=True)
class ClosingResult:
    """What the refund notice claims, in cents. ``computed_total`` is the interest before a
    waiver (for the message); ``late_use`` lists the portions bearing late-use interest;
    ``refund_periods`` the rates of the refund's interest (for the notice)."""

    refund: Decimal
    interest_refund: Decimal
    interest_late_use: Decimal
    interest_total: Decimal
    computed_total: Decimal
    late_use: tuple[LateUse, ...]
    late_interest_by_payout: Mapping[int, Decimal]
    # the days from ``effective`` to ``refund_on`` split where the base rate changes
    refund_periods: tuple[InterestPeriod, ...]
    dates_wrong: bool
    waived: bool

    def as_dict(self) -> dict[str, Any]:
        return {
            "refund": self.refund,
            "interest_refund": self.interest_refund,
            "interest_late_use": self.interest_late_use,
            "interest_total": self.interest_total,
        }


# -- parsing --------------------------------------------------------------------------------


def parse_closing(data: Any) -> tuple[Closing | None, list[Finding]]:
    """Typed input and its findings: ``input.invalid`` (exit 2) if any value cannot be read,
    else ``field.required`` for every missing value; the closing is None in both cases."""
    r = InputReader()
    root = r.mapping(data, "", CLOSING_KEYS)
    if root is None and data is None:
        r.wrong_type("", "object")
    missing: list[str] = []

    final_grant = r.number(root, "final_grant", "")
    payouts = _movements(r, root, "payouts", missing)
    expenses = _movements(r, root, "expenses", missing)
    grant_share = r.number(root, "grant_share", "", places=SHARE_PLACES)
    if grant_share is not None and grant_share > 1:
        r.invalid(
            "grant_share",
            Message(
                N_(
                    "The grant share is the part of each expense paid from the grant: at most "
                    "1. Please give it as a fraction, for example 0.8 for 80 percent."
                )
            ),
        )
    effective = r.day(root, "effective", "")
    refund_on = r.day(root, "refund_on", "")
    base_rates = _base_rates(r, root, missing)
    margin = r.number(root, "margin", "", places=RATE_PLACES)
    use_within_days = r.integer(root, "use_within_days", "")
    waiver_below = r.number(root, "waiver_below", "")
    if r.findings:
        return None, r.findings

    values: dict[str, Any] = {
        "final_grant": final_grant,
        "payouts": payouts,
        "expenses": expenses,
        "grant_share": grant_share,
        "effective": effective,
        "refund_on": refund_on,
        "base_rates": base_rates,
        "margin": margin,
        "use_within_days": use_within_days,
        "waiver_below": waiver_below,
    }
    missing += [key for key, value in values.items() if value is None]
    if missing:
        return None, [required(path) for path in missing]
    return Closing(**values), []


def _movements(
    r: InputReader, root: Mapping[str, Any] | None, key: str, missing: list[str]
) -> tuple[Movement, ...] | None:
    """``payouts`` or ``expenses``: a list (it may be empty) of {date, amount > 0}."""
    items = r.sequence(root, key, "")
    if items is None:
        return None
    movements: list[Movement] = []
    for index, item in enumerate(items):
        path = at(key, index)
        obj = r.mapping(item, path, MOVEMENT_KEYS)
        if obj is None and item is None:
            r.wrong_type(path, "object")
        day = r.day(obj, "date", path)
        amount = r.number(obj, "amount", path, minimum="positive")
        # a None that is no input problem is a missing value (problems return early)
        missing += [join(path, k) for k, v in (("date", day), ("amount", amount)) if v is None]
        if day is not None and amount is not None:
            movements.append(Movement(day, amount))
    return tuple(movements)


def _base_rates(
    r: InputReader, root: Mapping[str, Any] | None, missing: list[str]
) -> BaseRateTable | None:
    """The input's own table of base rates (spec/rules.md); any order, one row per day."""
    items = r.sequence(root, "base_rates", "")
    if items is None:
        return None
    rows: list[BaseRate] = []
    seen: set[date] = set()
    for index, item in enumerate(items):
        path = at("base_rates", index)
        obj = r.mapping(item, path, BASE_RATE_KEYS)
        if obj is None and item is None:
            r.wrong_type(path, "object")
        start = r.day(obj, "from", path)
        rate = r.number(obj, "rate", path, places=RATE_PLACES, minimum="any")
        missing += [join(path, k) for k, v in (("from", start), ("rate", rate)) if v is None]
        if start is not None and start in seen:
            r.invalid(
                join(path, "from"),
                Message(
                    N_(
                        "Another base rate already starts on %(day)s. Please keep only the "
                        "rate that applies from that day."
                    ),
                    {"day": start},
                ),
            )
        elif start is not None and rate is not None:
            seen.add(start)
            rows.append(BaseRate(start, rate))
    return BaseRateTable.of(rows)


# -- calculations ---------------------------------------------------------------------------


def refund_amount(closing: Closing) -> Decimal:
    """``max(0, Σ payouts − final_grant)``."""
    paid = sum((p.amount for p in closing.payouts), Decimal(0))
    return max(Decimal(0), paid - closing.final_grant)


def late_use(closing: Closing) -> list[LateUse]:
    """The portions of the payouts used later than ``use_within_days`` after their payout.

    Payouts and expenses are taken in date order (stable for equal dates); each expense's
    grant use (grant_share × amount) consumes what is left of the earliest payouts first;
    grant use beyond Σ payouts consumes nothing.
    """
    order = sorted(range(len(closing.payouts)), key=lambda k: closing.payouts[k].day)
    left = {k: closing.payouts[k].amount for k in order}
    portions: list[LateUse] = []
    position = 0
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        for expense in sorted(closing.expenses, key=lambda e: e.day):
            use = closing.grant_share * expense.amount
            while use > 0 and position < len(order):
                k = order[position]
                taken = min(use, left[k])
                paid_on = closing.payouts[k].day
                used_on = max(expense.day, paid_on)
                if (used_on - paid_on).days > closing.use_within_days:
                    portions.append(LateUse(k, taken, paid_on, used_on))
                left[k] -= taken
                use -= taken
                if left[k] == 0:
                    position += 1
    return portions


@dataclass(frozen=True)
class InterestPeriod:
    """Days from ``start`` (inclusive) to ``end`` (exclusive) at one rate: ``percent`` per
    year is the base rate + margin (§ 49a Abs. 3 VwVfG: five percentage points above the base
    rate), never below 0. The refund notice lists these periods."""

    start: date
    end: date
    base_rate: Decimal
    percent: Decimal

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    @property
    def last_day(self) -> date:
        """The last day that bears interest (``end`` is excluded)."""
        return self.end - timedelta(days=1)


def interest_periods(
    table: BaseRateTable, margin: Decimal, start: date, end: date
) -> list[InterestPeriod]:
    """The days from ``start`` to ``end`` (exclusive) split where the base rate changes.

    A day whose rate + margin would be negative bears no interest (percent 0): interest is a
    claim of the authority, never a payment to the recipient. Raises :class:`NoBaseRate` when
    ``start`` lies before the first row."""
    return [
        InterestPeriod(lo, hi, rate, max(Decimal(0), rate + margin))
        for lo, hi, rate in table.periods(start, end)
    ]


def exact_interest(amount: Decimal, periods: Iterable[InterestPeriod]) -> Decimal:
    """Σ over the days of the periods of ``amount × percent / 100 / 365`` – exact, not
    rounded (one division; the caller rounds once at the end)."""
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        return amount * _percent_days(periods) / DAY_DIVISOR


def _percent_days(periods: Iterable[InterestPeriod]) -> Decimal:
    """Σ days × percent over the periods (exact: integers times short decimals)."""
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        return sum((p.days * p.percent for p in periods), Decimal(0))


def _first_interest_day(closing: Closing, portions: Sequence[LateUse]) -> date | None:
    """The earliest day that needs a base rate (None: no interest period has a day)."""
    starts = [p.paid_on for p in portions if p.used_on > p.paid_on]
    if closing.refund_on > closing.effective:
        starts.append(closing.effective)
    return min(starts, default=None)


def closing_result(closing: Closing) -> ClosingResult:
    """Refund and interest as spec/rules.md defines them.

    Raises :class:`NoBaseRate` (with the earliest such day) when a day that bears interest
    lies before the first row of the base rates.
    """
    refund = refund_amount(closing)
    portions = late_use(closing)
    first_day = _first_interest_day(closing, portions)
    table_start = closing.base_rates.first_day
    if first_day is not None and (table_start is None or first_day < table_start):
        raise NoBaseRate(first_day)

    table, margin = closing.base_rates, closing.margin
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        refund_periods = interest_periods(table, margin, closing.effective, closing.refund_on)
        on_refund = refund * _percent_days(refund_periods) / DAY_DIVISOR
        by_payout: dict[int, Decimal] = {}
        for portion in portions:
            periods = interest_periods(table, margin, portion.paid_on, portion.used_on)
            share = portion.amount * _percent_days(periods)
            by_payout[portion.payout] = by_payout.get(portion.payout, Decimal(0)) + share
        on_late_use = sum(by_payout.values(), Decimal(0)) / DAY_DIVISOR
        late_by_payout = {k: v / DAY_DIVISOR for k, v in by_payout.items() if v > 0}

    dates_wrong = closing.refund_on < closing.effective
    interest_refund = ZERO if dates_wrong else quantize_cents(on_refund)
    interest_late_use = ZERO if dates_wrong else quantize_cents(on_late_use)
    computed_total = interest_refund + interest_late_use
    waived = computed_total < closing.waiver_below
    if waived:
        interest_refund = interest_late_use = ZERO
    return ClosingResult(
        refund=quantize_cents(refund),
        interest_refund=interest_refund,
        interest_late_use=interest_late_use,
        interest_total=interest_refund + interest_late_use,
        computed_total=computed_total,
        late_use=tuple(portions),
        late_interest_by_payout=late_by_payout,
        refund_periods=tuple(refund_periods),
        dates_wrong=dates_wrong,
        waived=waived,
    )


# -- findings -------------------------------------------------------------------------------


def closing_findings(closing: Closing) -> tuple[list[Finding], ClosingResult | None]:
    """The findings (unsorted) and the result. When a day that bears interest has no base
    rate, the only finding is ``input.invalid`` at ``base_rates`` and the result is None."""
    try:
        result = closing_result(closing)
    except NoBaseRate as exc:
        return [_no_base_rate(closing, exc.day)], None
    findings: list[Finding] = []
    if result.dates_wrong:
        findings.append(
            CLOSING_DATES.finding(
                "refund_on", {"refund_on": closing.refund_on, "effective": closing.effective}
            )
        )
    for payout in sorted(result.late_interest_by_payout):
        late = [p for p in result.late_use if p.payout == payout]
        findings.append(
            PAYOUT_LATE_USE.finding(
                at("payouts", payout),
                {
                    "amount": closing.payouts[payout].amount,
                    "date": closing.payouts[payout].day,
                    "late": quantize_cents(sum((p.amount for p in late), Decimal(0))),
                    "days": closing.use_within_days,
                    "used_on": max(p.used_on for p in late),
                },
            )
        )
    if result.waived:
        findings.append(
            INTEREST_WAIVED.finding(
                "", {"total": result.computed_total, "threshold": closing.waiver_below}
            )
        )
    return findings, result


def _no_base_rate(closing: Closing, day: date) -> Finding:
    first = closing.base_rates.first_day
    if first is None:
        message = Message(
            N_(
                "Interest is due from %(day)s, but no base rate is given. Please add the base "
                "rates of the Deutsche Bundesbank (§ 247 BGB) from that day on."
            ),
            {"day": day},
        )
    else:
        message = Message(
            N_(
                "Interest is due from %(day)s, but the base rates start only on %(first)s. "
                "Please add the base rate of the Deutsche Bundesbank (§ 247 BGB) that "
                "applied on %(day)s."
            ),
            {"day": day, "first": first},
        )
    return INVALID.finding_about("base_rates", message)
