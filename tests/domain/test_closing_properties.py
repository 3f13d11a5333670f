"""Closing a grant, checked with hypothesis against the contract's own words.

``contract_closing`` below is spec/rules.md ("Closing a grant") written out literally: every
day one by one, exact fractions, rounding only at the end. The engine (service/domain/closing.py)
groups the days by base rate and sums in Decimal; for every generated input both must agree to
the cent, in every figure and every finding. The other properties are the ones a refund notice
relies on: the refund is never negative, interest grows with the days it runs and shrinks with
a longer allowance for using the money, and splitting a period where the base rate changes
gives the same interest as the whole period.
"""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction
from typing import Any

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from service.domain.base_rates import BaseRate, BaseRateTable
from service.domain.check import check_closing
from service.domain.closing import exact_interest, interest_periods
from tests.examples import examples

FIRST_DAY = date(2025, 1, 1)
SPAN = 2 * 366
LAST_DAY = FIRST_DAY + timedelta(days=SPAN)
days = st.integers(min_value=0, max_value=SPAN).map(lambda n: FIRST_DAY + timedelta(days=n))
# a share such as Z / Σp is rarely short: up to 10 places, as the reader allows
shares = st.integers(0, 10**10).map(lambda n: f"{Decimal(n).scaleb(-10):f}")
cents = st.integers(min_value=1, max_value=5_000_000)
money = cents.map(lambda c: str(Decimal(c).scaleb(-2)))
movements = st.lists(
    st.fixed_dictionaries({"date": days.map(date.isoformat), "amount": money}), max_size=4
)
# base rates in percent as the Bundesbank publishes them, negative ones included
rates = st.integers(min_value=-150, max_value=900).map(lambda c: str(Decimal(c).scaleb(-2)))


@st.composite
def closings(draw: st.DrawFn, waiver: str | None = None) -> dict[str, Any]:
    # the first row is on FIRST_DAY, so every day that can bear interest has a rate
    extra = draw(st.lists(st.tuples(days, rates), max_size=4, unique_by=lambda row: row[0]))
    table = [(FIRST_DAY, draw(rates))] + [(d, r) for d, r in extra if d != FIRST_DAY]
    draw(st.randoms()).shuffle(table)  # any order is allowed
    payouts = draw(movements)
    within = draw(st.integers(0, 120))
    expenses = draw(movements)
    # some expenses exactly on, or a day either side of, the last day in time of a payout
    for expense in expenses:
        if payouts and draw(st.booleans()):
            paid_on = date.fromisoformat(draw(st.sampled_from(payouts))["date"])
            offset = within + draw(st.sampled_from([-1, 0, 1]))
            expense["date"] = min(paid_on + timedelta(days=offset), LAST_DAY).isoformat()
    return {
        "final_grant": draw(st.one_of(st.just("0.00"), money)),
        "payouts": payouts,
        "expenses": expenses,
        "grant_share": draw(st.sampled_from(["0", "1", "0.8"]) | shares),
        "effective": draw(days).isoformat(),
        "refund_on": draw(days).isoformat(),
        "base_rates": [{"from": d.isoformat(), "rate": r} for d, r in table],
        "margin": draw(st.sampled_from(["0", "0.5", "2.5", "5", "9"])),
        "use_within_days": within,
        "waiver_below": waiver or draw(st.sampled_from(["0.00", "0.01", "2.00", "10.00"])),
    }


# -- the contract, literally -----------------------------------------------------------------


def _half_up(value: Fraction) -> Decimal:
    """Round an exact fraction half up to the cent (values here are never negative)."""
    assert value >= 0
    hundredths = value * 100
    whole = hundredths.numerator // hundredths.denominator
    if hundredths - whole >= Fraction(1, 2):
        whole += 1
    return Decimal(whole).scaleb(-2).quantize(Decimal("0.01"))


def contract_closing(data: dict[str, Any]) -> dict[str, Any]:
    """spec/rules.md, "Closing a grant", one day at a time in exact fractions."""
    fr = Fraction
    payouts = [(date.fromisoformat(p["date"]), fr(p["amount"])) for p in data["payouts"]]
    expenses = [(date.fromisoformat(e["date"]), fr(e["amount"])) for e in data["expenses"]]
    rows = sorted((date.fromisoformat(r["from"]), fr(r["rate"])) for r in data["base_rates"])
    margin = fr(data["margin"])
    effective = date.fromisoformat(data["effective"])
    refund_on = date.fromisoformat(data["refund_on"])
    within = data["use_within_days"]

    def rate(day: date) -> Fraction:
        """(r + margin) / 100 with r of the row with the latest from ≤ day; never below 0
        (docs/decisions.md: interest is the authority's claim, never a payment)."""
        r = [value for start, value in rows if start <= day][-1]
        return max(fr(0), (r + margin) / 100)

    def interest(amount: Fraction, d0: date, d1: date) -> Fraction:
        total, day = fr(0), d0
        while day < d1:
            total += amount * rate(day) / 365
            day += timedelta(days=1)
        return total

    refund = max(fr(0), sum((a for _, a in payouts), fr(0)) - fr(data["final_grant"]))
    on_refund = interest(refund, effective, refund_on)

    # late use: payouts and expenses in date order, stable for equal dates
    order = sorted(range(len(payouts)), key=lambda k: payouts[k][0])
    left = [amount for _, amount in payouts]
    late: dict[int, Fraction] = {}
    for spent_on, amount in sorted(expenses, key=lambda e: e[0]):
        use = fr(data["grant_share"]) * amount
        for k in order:
            if use == 0:
                break
            taken = min(use, left[k])
            if taken == 0:
                continue
            paid_on = payouts[k][0]
            used_on = max(spent_on, paid_on)
            if (used_on - paid_on).days > within:
                late[k] = late.get(k, fr(0)) + interest(taken, paid_on, used_on)
            left[k] -= taken
            use -= taken
    on_late_use = sum(late.values(), fr(0))

    codes = [(f"payouts[{k}]", "payout.late-use") for k, value in late.items() if value > 0]
    interest_refund, interest_late_use = _half_up(on_refund), _half_up(on_late_use)
    if refund_on < effective:
        codes.append(("refund_on", "closing.dates"))
        interest_refund = interest_late_use = Decimal("0.00")
    if interest_refund + interest_late_use < Decimal(data["waiver_below"]):
        codes.append(("", "interest.waived"))
        interest_refund = interest_late_use = Decimal("0.00")
    return {
        "result": {
            "refund": _half_up(refund),
            "interest_refund": interest_refund,
            "interest_late_use": interest_late_use,
            "interest_total": interest_refund + interest_late_use,
        },
        "findings": sorted(codes),
    }


def engine(data: dict[str, Any]) -> dict[str, Any]:
    checked = check_closing(data)
    assert not checked.input_invalid, checked.findings
    return {
        "result": dict(checked.extra["result"]),
        "findings": sorted((f.field, f.code) for f in checked.findings),
    }


def figures(data: dict[str, Any]) -> dict[str, Decimal]:
    return dict(engine(data)["result"])


# -- properties ------------------------------------------------------------------------------


@settings(max_examples=examples(250), deadline=None)
@given(closings())
def test_the_engine_computes_what_the_contract_says_day_by_day(data: dict[str, Any]) -> None:
    assert engine(data) == contract_closing(data)


def test_the_literal_contract_gives_the_contract_example_s_figures() -> None:
    """The oracle itself is checked against the figures the contract prints."""
    from .helpers import closing

    assert contract_closing(closing()) == {
        "result": {
            "refund": Decimal("120.00"),
            "interest_refund": Decimal("1.93"),
            "interest_late_use": Decimal("3.45"),
            "interest_total": Decimal("5.38"),
        },
        "findings": [("payouts[0]", "payout.late-use"), ("payouts[1]", "payout.late-use")],
    }


@settings(max_examples=examples(150), deadline=None)
@given(closings())
def test_the_refund_is_never_negative_and_is_what_was_paid_beyond_the_final_grant(
    data: dict[str, Any],
) -> None:
    refund = figures(data)["refund"]
    paid = sum((Decimal(p["amount"]) for p in data["payouts"]), Decimal(0))
    assert refund >= 0
    assert refund == max(Decimal(0), paid - Decimal(data["final_grant"]))


@settings(max_examples=examples(150), deadline=None)
@given(closings(waiver="0.00"), st.integers(min_value=0, max_value=400))
def test_refund_interest_never_falls_when_the_refund_is_paid_later(
    data: dict[str, Any], more_days: int
) -> None:
    assume(data["refund_on"] >= data["effective"])
    later = dict(data, refund_on=(date.fromisoformat(data["refund_on"]) + timedelta(more_days)))
    later["refund_on"] = later["refund_on"].isoformat()
    assert figures(later)["interest_refund"] >= figures(data)["interest_refund"]
    assert figures(later)["interest_late_use"] == figures(data)["interest_late_use"]


@settings(max_examples=examples(150), deadline=None)
@given(closings(waiver="0.00"), st.integers(min_value=1, max_value=200))
def test_late_use_interest_never_rises_with_a_longer_allowance(
    data: dict[str, Any], more_days: int
) -> None:
    longer = dict(data, use_within_days=data["use_within_days"] + more_days)
    assert figures(longer)["interest_late_use"] <= figures(data)["interest_late_use"]
    assert figures(longer)["interest_refund"] == figures(data)["interest_refund"]


@settings(max_examples=examples(150), deadline=None)
@given(closings(), days)
def test_a_row_that_repeats_the_rate_in_force_changes_nothing(
    data: dict[str, Any], day: date
) -> None:
    """Splitting every period on a day where the "change" keeps the rate gives the same."""
    starts = {row["from"] for row in data["base_rates"]}
    assume(day.isoformat() not in starts)
    in_force = max(
        (row for row in data["base_rates"] if row["from"] <= day.isoformat()),
        key=lambda row: row["from"],
    )
    split = dict(
        data, base_rates=[*data["base_rates"], {"from": day.isoformat(), "rate": in_force["rate"]}]
    )
    assert engine(split) == engine(data)


def _table(rows: list[tuple[date, str]]) -> BaseRateTable:
    return BaseRateTable.of(BaseRate(d, Decimal(r)) for d, r in rows)


tables = st.lists(st.tuples(days, rates), max_size=4, unique_by=lambda row: row[0]).flatmap(
    lambda extra: rates.map(
        lambda first: _table([(FIRST_DAY, first)] + [r for r in extra if r[0] != FIRST_DAY])
    )
)


@settings(max_examples=examples(200), deadline=None)
@given(tables, cents, days, days, days, st.sampled_from(["0", "5"]))
def test_splitting_a_period_at_any_day_adds_up_to_the_whole_period(
    table: BaseRateTable, amount_cents: int, a: date, b: date, c: date, margin: str
) -> None:
    start, middle, end = sorted((a, b, c))
    amount, m = Decimal(amount_cents).scaleb(-2), Decimal(margin)

    def percent_days(d0: date, d1: date) -> Decimal:
        return sum((p.days * p.percent for p in interest_periods(table, m, d0, d1)), Decimal(0))

    # the days × rates add up exactly …
    assert percent_days(start, end) == percent_days(start, middle) + percent_days(middle, end)
    # … and so does the interest, up to the one division by 365 (80 digits)
    whole = exact_interest(amount, interest_periods(table, m, start, end))
    first = exact_interest(amount, interest_periods(table, m, start, middle))
    second = exact_interest(amount, interest_periods(table, m, middle, end))
    with localcontext() as ctx:
        ctx.prec = 100
        assert abs(whole - first - second) < Decimal("1e-60")


@settings(max_examples=examples(200), deadline=None)
@given(tables, days, days, st.sampled_from(["0", "5"]))
def test_interest_periods_split_exactly_where_the_base_rate_changes(
    table: BaseRateTable, a: date, b: date, margin: str
) -> None:
    start, end = sorted((a, b))
    periods = interest_periods(table, Decimal(margin), start, end)
    assert sum(p.days for p in periods) == (end - start).days
    assert all(p.days > 0 for p in periods)
    for before, after in itertools.pairwise(periods):
        assert before.end == after.start
        assert after.start in {row.start for row in table.rates}
    for period in periods:
        for offset in range(period.days):
            day = period.start + timedelta(days=offset)
            assert table.rate_on(day) == period.base_rate
            assert period.percent == max(Decimal(0), period.base_rate + Decimal(margin))
    if periods:
        assert (periods[0].start, periods[-1].last_day) == (start, end - timedelta(days=1))


def _rounded(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def test_the_contract_example_s_refund_periods_are_june_at_6_27_and_july_august_at_6_52() -> None:
    from service.domain.closing import closing_result, parse_closing

    from .helpers import closing

    parsed, problems = parse_closing(closing())
    assert parsed is not None
    assert not problems
    result = closing_result(parsed)
    assert [(p.start, p.last_day, p.days, p.percent) for p in result.refund_periods] == [
        (date(2026, 6, 1), date(2026, 6, 30), 30, Decimal("6.27")),
        (date(2026, 7, 1), date(2026, 8, 30), 61, Decimal("6.52")),
    ]
    # 120.00 × (30 × 6.27 + 61 × 6.52) / 36 500 = 1.9259…
    assert _rounded(exact_interest(Decimal("120.00"), result.refund_periods)) == Decimal("1.93")
