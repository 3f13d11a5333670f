"""Properties that must hold for every input, checked with hypothesis."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from service.domain.check import check_application
from service.domain.report import Cover, compute_final_grant

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


@settings(max_examples=150, deadline=None)
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


@settings(max_examples=400, deadline=None)
@given(reports())
def test_the_final_grant_is_never_above_the_approved_grant_nor_below_zero(
    case: dict[str, Any],
) -> None:
    final = compute_final_grant(**case).final_grant
    assert Decimal(0) <= final <= case["grant"]
    assert final == final.quantize(Decimal("0.01"))


@settings(max_examples=400, deadline=None)
@given(reports())
def test_refund_and_outstanding_are_never_both_positive(case: dict[str, Any]) -> None:
    result = compute_final_grant(**case)
    assert not (result.refund > 0 and result.outstanding > 0)
    assert result.refund >= 0
    assert result.outstanding >= 0


@settings(max_examples=200, deadline=None)
@given(reports())
def test_the_eligible_total_never_exceeds_the_plan_or_the_expenses(case: dict[str, Any]) -> None:
    result = compute_final_grant(**case)
    assert result.eligible_total <= sum(case["plan"].values(), Decimal(0))
    assert result.eligible_total <= sum(case["actual"].values(), Decimal(0))
