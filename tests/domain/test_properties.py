"""Properties that must hold for every input, checked with hypothesis."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from service.domain.check import check_application, check_closing
from service.domain.report import Cover, compute_final_grant
from tests.examples import examples

from .helpers import TODAY, aif, application

CATEGORIES = ("honorare", "sachausgaben", "miete", "verpflegung")

cents = st.integers(min_value=0, max_value=2_000_000).map(lambda c: Decimal(c).scaleb(-2))
positive_cents = st.integers(min_value=1, max_value=2_000_000).map(lambda c: Decimal(c).scaleb(-2))
tolerance = st.sampled_from([Decimal("0"), Decimal("0.10"), Decimal("0.20"), Decimal("0.333")])
financing_type = st.sampled_from(["fehlbedarf", "anteil", "festbetrag", "voll"])
cover = st.builds(Cover, cents, cents, cents)


@st.composite
def balanced_applications(draw: st.DrawFn) -> dict[str, Any]:
    amounts = draw(st.lists(positive_cents, min_size=1, max_size=6))
    total = sum(amounts, Decimal(0))
    # split the total into four non-negative parts: own, third party, revenue, requested
    cuts = sorted(draw(st.lists(st.integers(0, int(total * 100)), min_size=3, max_size=3)))
    bounds = [0, *cuts, int(total * 100)]
    own, third, revenue, requested = (
        Decimal(bounds[i + 1] - bounds[i]).scaleb(-2) for i in range(4)
    )
    data: dict[str, Any] = application()
    data["costs"] = [
        {"category": "sachausgaben", "description": f"Posten {i}", "amount": str(a)}
        for i, a in enumerate(amounts)
    ]
    data["financing"] = {
        "own_funds": str(own),
        "third_party": [{"source": "Stiftung", "amount": str(third)}],
        "revenue": str(revenue),
        "requested": str(requested),
    }
    return data


@settings(max_examples=examples(150), deadline=None)
@given(balanced_applications())
def test_a_balanced_plan_is_never_reported_as_unbalanced(data: dict[str, Any]) -> None:
    result = check_application(data, aif(), today=TODAY)
    assert not result.input_invalid
    assert "plan.unbalanced" not in {f.code for f in result.findings}
    totals = result.extra["totals"]
    assert totals["costs"] == totals["income"]


@st.composite
def reports(draw: st.DrawFn) -> dict[str, Any]:
    categories = draw(st.lists(st.sampled_from(CATEGORIES), min_size=1, max_size=4, unique=True))
    plan = {c: draw(cents) for c in categories}
    actual = {c: draw(cents) for c in categories}
    grant = draw(cents)
    return {
        "financing_type": draw(financing_type),
        "plan": plan,
        "actual": actual,
        "tolerance": draw(tolerance),
        "grant": grant,
        "paid": draw(st.one_of(st.just(grant), cents)),
        "planned_cover": draw(cover),
        "actual_cover": draw(cover),
        "refund_waiver_below": draw(st.sampled_from([Decimal(0), Decimal("10.00")])),
    }


@settings(max_examples=examples(400), deadline=None)
@given(reports())
def test_the_final_grant_is_never_above_the_approved_grant_nor_below_zero(
    case: dict[str, Any],
) -> None:
    final = compute_final_grant(**case).final_grant
    assert Decimal(0) <= final <= case["grant"]
    assert final == final.quantize(Decimal("0.01"))


@settings(max_examples=examples(400), deadline=None)
@given(reports())
def test_refund_and_outstanding_are_never_both_positive(case: dict[str, Any]) -> None:
    result = compute_final_grant(**case)
    assert not (result.refund > 0 and result.outstanding > 0)
    assert result.refund >= 0
    assert result.outstanding >= 0


@settings(max_examples=examples(200), deadline=None)
@given(reports())
def test_the_eligible_total_never_exceeds_the_plan_or_the_expenses(case: dict[str, Any]) -> None:
    result = compute_final_grant(**case)
    assert result.eligible_total <= sum(case["plan"].values(), Decimal(0))
    assert result.eligible_total <= sum(case["actual"].values(), Decimal(0))


# -- closing: refund and interest (spec/rules.md, "Closing a grant") ------------------------

FIRST_DAY = date(2025, 1, 1)
days = st.integers(min_value=0, max_value=3 * 366).map(lambda n: FIRST_DAY + timedelta(days=n))
money = st.integers(min_value=1, max_value=5_000_000).map(lambda c: str(Decimal(c).scaleb(-2)))
movements = st.lists(
    st.fixed_dictionaries({"date": days.map(date.isoformat), "amount": money}), max_size=5
)
# base rates in percent as the Bundesbank publishes them, negative ones included
rates = st.integers(min_value=-150, max_value=900).map(lambda c: str(Decimal(c).scaleb(-2)))


@st.composite
def closings(draw: st.DrawFn, zero_interest: bool = False) -> dict[str, Any]:
    # the first row is on FIRST_DAY, so every day that can bear interest has a rate
    extra_rows = draw(st.lists(st.tuples(days, rates), max_size=5, unique_by=lambda r: r[0]))
    table = [(FIRST_DAY, "0.00" if zero_interest else draw(rates))]
    table += [(d, "0.00" if zero_interest else r) for d, r in extra_rows if d != FIRST_DAY]
    return {
        "final_grant": draw(st.one_of(st.just("0.00"), money)),
        "payouts": draw(movements),
        "expenses": draw(movements),
        "grant_share": str(Decimal(draw(st.integers(0, 1000))).scaleb(-3)),
        "effective": draw(days).isoformat(),
        "refund_on": draw(days).isoformat(),
        "base_rates": [{"from": d.isoformat(), "rate": r} for d, r in table],
        "margin": "0" if zero_interest else draw(st.sampled_from(["0", "2.5", "5", "9"])),
        "use_within_days": draw(st.integers(0, 120)),
        "waiver_below": draw(st.sampled_from(["0.00", "10.00"])),
    }


def _figures(data: dict[str, Any]) -> dict[str, Decimal]:
    checked = check_closing(data)
    assert not checked.input_invalid, checked.findings
    return dict(checked.extra["result"])


@settings(max_examples=examples(200), deadline=None)
@given(closings())
def test_interest_is_never_negative(data: dict[str, Any]) -> None:
    figures = _figures(data)
    for key in ("interest_refund", "interest_late_use", "interest_total"):
        assert figures[key] >= 0
        assert figures[key] == figures[key].quantize(Decimal("0.01"))
    assert figures["interest_total"] == figures["interest_refund"] + figures["interest_late_use"]


@settings(max_examples=examples(100), deadline=None)
@given(closings(zero_interest=True))
def test_a_zero_margin_and_zero_base_rate_give_zero_interest(data: dict[str, Any]) -> None:
    figures = _figures(data)
    assert figures["interest_refund"] == figures["interest_late_use"] == 0
    assert figures["interest_total"] == 0
    assert "payout.late-use" not in {f.code for f in check_closing(data).findings}


@settings(max_examples=examples(150), deadline=None)
@given(closings())
def test_the_refund_is_what_was_paid_beyond_the_final_grant(data: dict[str, Any]) -> None:
    paid = sum((Decimal(p["amount"]) for p in data["payouts"]), Decimal(0))
    assert _figures(data)["refund"] == max(Decimal(0), paid - Decimal(data["final_grant"]))
