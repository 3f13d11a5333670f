"""Closing a grant: refund and interest (spec/rules.md, § 49a VwVfG, Nr. 8 ANBest-P).

Every expected figure is computed by hand in the comment beside it: interest =
Σ amount × (base rate + margin) × days / (365 × 100), rounded half up only at the end.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from service.domain.check import CheckResult, check_closing
from service.domain.findings import Finding

from .helpers import closing, codes, pairs


def check(data: Any) -> CheckResult:
    return check_closing(data)


def result(data: Any) -> dict[str, str]:
    checked = check(data)
    assert not checked.input_invalid, checked.findings
    return {key: str(value) for key, value in checked.extra["result"].items()}


def case(
    *,
    payouts: Sequence[tuple[str, str]],
    expenses: Sequence[tuple[str, str]] = (),
    final_grant: str = "0.00",
    grant_share: str = "1",
    effective: str,
    refund_on: str,
    rates: Sequence[tuple[str, str]],
    margin: str = "5",
    use_within_days: int = 42,
    waiver_below: str = "0.00",
) -> dict[str, Any]:
    return {
        "final_grant": final_grant,
        "payouts": [{"date": d, "amount": a} for d, a in payouts],
        "expenses": [{"date": d, "amount": a} for d, a in expenses],
        "grant_share": grant_share,
        "effective": effective,
        "refund_on": refund_on,
        "base_rates": [{"from": d, "rate": r} for d, r in rates],
        "margin": margin,
        "use_within_days": use_within_days,
        "waiver_below": waiver_below,
    }


def by_code(findings: list[Finding], code: str) -> list[Finding]:
    return [f for f in findings if f.code == code]


# -- the contract's example -----------------------------------------------------------------


def test_the_contract_example_gives_the_contract_figures() -> None:
    checked = check(closing())
    assert checked.ok
    assert checked.exit_code == 0
    assert result(closing()) == {
        "refund": "120.00",
        "interest_refund": "1.93",
        "interest_late_use": "3.45",
        "interest_total": "5.38",
    }
    assert [(f.code, f.field, f.severity) for f in checked.findings] == [
        ("payout.late-use", "payouts[0]", "warning"),
        ("payout.late-use", "payouts[1]", "warning"),
    ]
    assert {f.source for f in checked.findings} == {"§ 49a Abs. 4 VwVfG; Nr. 8.5 ANBest-P"}


def test_the_example_s_late_use_portions_are_the_hand_computed_ones() -> None:
    """Use 0.8 × 250 = 200 takes P0 on 20 Apr (5 days: in time); 0.8 × 320 = 256 takes the
    last 100 of P0 and 156 of P1, both used on 30 Jul (106 and 59 days: late)."""
    from service.domain.closing import late_use, parse_closing

    parsed, problems = parse_closing(closing())
    assert parsed is not None, problems
    portions = [
        (p.payout, p.amount, p.paid_on.isoformat(), p.used_on.isoformat()) for p in late_use(parsed)
    ]
    assert portions == [
        (0, Decimal("100.00"), "2026-04-15", "2026-07-30"),
        (1, Decimal("156.00"), "2026-06-01", "2026-07-30"),
    ]


# -- hand-computed cases --------------------------------------------------------------------


def test_a_leap_year_has_366_days_of_interest_divided_by_365() -> None:
    # 1000 × 7 % × 366 / 365 = 2 562 000 / 36 500 = 70.1917… → 70.19 (not 70.00)
    data = case(
        payouts=[("2028-01-01", "1000.00")],
        effective="2028-01-01",
        refund_on="2029-01-01",
        rates=[("2028-01-01", "2.00")],
    )
    assert result(data) == {
        "refund": "1000.00",
        "interest_refund": "70.19",
        "interest_late_use": "0.00",
        "interest_total": "70.19",
    }


def test_the_29th_of_february_is_a_day_of_interest() -> None:
    # 1 Feb – 1 Mar 2028 is 29 days: 1000 × 7 × 29 / 36 500 = 5.5616… → 5.56 (28 days: 5.37)
    data = case(
        payouts=[("2028-02-01", "1000.00")],
        effective="2028-02-01",
        refund_on="2028-03-01",
        rates=[("2028-01-01", "2.00")],
    )
    assert result(data)["interest_refund"] == "5.56"


def test_a_rate_change_mid_period_applies_from_its_first_day() -> None:
    # 16–30 Jun: 15 days × 6.27 %, 1–15 Jul: 15 days × 6.52 %;
    # 1000 × (94.05 + 97.80) / 36 500 = 191 850 / 36 500 = 5.2561… → 5.26
    data = case(
        payouts=[("2026-06-16", "1000.00")],
        effective="2026-06-16",
        refund_on="2026-07-16",
        rates=[("2026-07-01", "1.52"), ("2026-01-01", "1.27"), ("2026-08-01", "9.99")],
    )
    assert result(data)["interest_refund"] == "5.26"


def test_a_payout_consumed_partly_by_two_expenses_pays_interest_on_the_late_part_only() -> None:
    # share 0.8: E0 (10 Mar) uses 320 of P0 after 9 days – in time; E1 (20 May) uses 240 of
    # P0 after 80 days – late: 240 × 6.27 × 80 / 36 500 = 120 384 / 36 500 = 3.2982 → 3.30.
    # The 440 of P0 never used bear no late-use interest. Expenses are taken by date, not
    # by their order in the input.
    data = case(
        payouts=[("2026-03-01", "1000.00")],
        expenses=[("2026-05-20", "300.00"), ("2026-03-10", "400.00")],
        final_grant="560.00",
        grant_share="0.8",
        effective="2026-06-01",
        refund_on="2026-06-01",
        rates=[("2026-01-01", "1.27")],
    )
    checked = check(data)
    assert result(data) == {
        "refund": "440.00",
        "interest_refund": "0.00",
        "interest_late_use": "3.30",
        "interest_total": "3.30",
    }
    (late,) = by_code(checked.findings, "payout.late-use")
    assert late.field == "payouts[0]"
    assert late.message.params["late"] == Decimal("240.00")


def test_grant_use_beyond_the_payouts_consumes_nothing() -> None:
    # E0 (5 Mar) uses 800: 500 of P0 (4 days) and 300 of P1, paid later (used on its payout
    # day: 0 days). E1 (1 Sep) uses 400: the last 200 of P1 after 92 days – late:
    # 200 × 6.27 × 92 / 36 500 = 115 368 / 36 500 = 3.1607… → 3.16. The other 200 exceed
    # the payouts and bear nothing (charged to P1 they would give 6.32).
    data = case(
        payouts=[("2026-06-01", "500.00"), ("2026-03-01", "500.00")],
        expenses=[("2026-03-05", "800.00"), ("2026-09-01", "400.00")],
        final_grant="1000.00",
        effective="2026-10-01",
        refund_on="2026-10-01",
        rates=[("2026-01-01", "1.27")],
    )
    checked = check(data)
    assert result(data)["interest_late_use"] == "3.16"
    assert result(data)["refund"] == "0.00"
    # P1 is payouts[0] in the input: the warning names the input's index
    assert pairs(checked.findings) == {("payout.late-use", "payouts[0]")}


def test_use_exactly_on_the_last_allowed_day_is_in_time() -> None:
    # 1 Jan + 42 days = 12 Feb: in time; 13 Feb (43 days) is late
    in_time = case(
        payouts=[("2027-01-01", "1000.00")],
        expenses=[("2027-02-12", "1000.00")],
        final_grant="1000.00",
        effective="2027-03-01",
        refund_on="2027-03-01",
        rates=[("2027-01-01", "2.00")],
    )
    assert result(in_time)["interest_late_use"] == "0.00"
    assert check(in_time).findings == []
    in_time["expenses"][0]["date"] = "2027-02-13"
    # 1000 × 7 × 43 / 36 500 = 8.2465… → 8.25
    assert result(in_time)["interest_late_use"] == "8.25"


def test_interest_is_summed_exactly_and_rounded_only_at_the_end() -> None:
    # two late portions of 0.60 for 43 days at 7 %: each 0.6 × 7 × 43 / 36 500 = 0.00495
    # (0.00 if rounded alone); together 0.0099 → 0.01
    data = case(
        payouts=[("2027-01-01", "0.60"), ("2027-01-01", "0.60")],
        expenses=[("2027-02-13", "1.20")],
        final_grant="1.20",
        effective="2027-03-01",
        refund_on="2027-03-01",
        rates=[("2027-01-01", "2.00")],
    )
    assert result(data)["interest_late_use"] == "0.01"
    assert pairs(check(data).findings) == {
        ("payout.late-use", "payouts[0]"),
        ("payout.late-use", "payouts[1]"),
    }


def test_a_tie_is_rounded_half_up() -> None:
    # 1.50 × 7 × 365 / 36 500 = 0.105 exactly → 0.11 (half even would give 0.10)
    data = case(
        payouts=[("2027-01-01", "1.50")],
        effective="2027-01-01",
        refund_on="2028-01-01",
        rates=[("2027-01-01", "2.00")],
    )
    assert result(data)["interest_refund"] == "0.11"


def test_a_negative_base_rate_lowers_the_interest() -> None:
    # 2016-07 to 2016-12: base rate −0.88 %, so 4.12 %: 1000 × 4.12 × 184 / 36 500 = 20.7693…
    data = case(
        payouts=[("2016-07-01", "1000.00")],
        effective="2016-07-01",
        refund_on="2017-01-01",
        rates=[("2016-07-01", "-0.88")],
    )
    assert result(data)["interest_refund"] == "20.77"


def test_a_day_whose_rate_and_margin_are_below_zero_bears_no_interest() -> None:
    # margin 0 and base rate −0.88: no negative interest (the authority pays none)
    data = case(
        payouts=[("2016-07-01", "1000.00")],
        effective="2016-07-01",
        refund_on="2017-01-01",
        rates=[("2016-07-01", "-0.88")],
        margin="0",
    )
    assert result(data)["interest_total"] == "0.00"


def test_no_refund_means_no_refund_interest() -> None:
    data = closing()
    data["final_grant"] = "600.00"
    assert result(data)["refund"] == "0.00"
    assert result(data)["interest_refund"] == "0.00"
    assert result(data)["interest_late_use"] == "3.45"


def test_nothing_paid_out_is_no_refund_and_no_interest() -> None:
    data = closing()
    data["payouts"] = []
    assert check(data).ok
    assert check(data).findings == []
    assert result(data) == {
        "refund": "0.00",
        "interest_refund": "0.00",
        "interest_late_use": "0.00",
        "interest_total": "0.00",
    }


# -- dates, waiver --------------------------------------------------------------------------


def test_a_refund_before_the_revocation_takes_effect_is_closing_dates_with_no_interest() -> None:
    data = closing()
    data["refund_on"] = "2026-05-31"
    checked = check(data)
    assert checked.exit_code == 1
    assert not checked.ok
    (dates,) = by_code(checked.findings, "closing.dates")
    assert (dates.field, dates.severity) == ("refund_on", "error")
    assert dates.source == "§ 49a Abs. 3 VwVfG; Nr. 8.4 ANBest-P"
    assert result(data) == {
        "refund": "120.00",
        "interest_refund": "0.00",
        "interest_late_use": "0.00",
        "interest_total": "0.00",
    }


def test_a_refund_on_the_day_it_takes_effect_has_no_interest_and_no_error() -> None:
    data = closing()
    data["refund_on"] = data["effective"]
    checked = check(data)
    assert checked.ok
    assert "closing.dates" not in codes(checked.findings)
    assert result(data)["interest_refund"] == "0.00"


def test_interest_below_the_waiver_threshold_is_not_claimed() -> None:
    data = closing()
    data["waiver_below"] = "10.00"
    checked = check(data)
    assert checked.ok
    assert checked.exit_code == 0
    assert result(data) == {
        "refund": "120.00",
        "interest_refund": "0.00",
        "interest_late_use": "0.00",
        "interest_total": "0.00",
    }
    (waived,) = by_code(checked.findings, "interest.waived")
    assert (waived.field, waived.severity) == ("", "warning")
    assert waived.message.params["total"] == Decimal("5.38")
    # sorted by (field, code): "" comes before "payouts[0]"
    assert [f.field for f in checked.findings] == ["", "payouts[0]", "payouts[1]"]


@pytest.mark.parametrize(
    ("threshold", "waived"), [("5.38", False), ("5.39", True), ("0.00", False)]
)
def test_the_waiver_compares_the_rounded_total_strictly(threshold: str, waived: bool) -> None:
    data = closing()
    data["waiver_below"] = threshold
    assert ("interest.waived" in codes(check(data).findings)) is waived
    assert result(data)["interest_total"] == ("0.00" if waived else "5.38")


# -- reading the input ----------------------------------------------------------------------


def invalid(data: Any) -> set[tuple[str, str]]:
    checked = check(data)
    assert checked.exit_code == 2
    assert checked.extra == {"result": None}
    assert codes(checked.findings) == {"input.invalid"}
    return pairs(checked.findings)


def test_a_day_before_the_first_base_rate_is_input_invalid_at_base_rates() -> None:
    data = closing()
    # late use of payouts[0] runs from 15 Apr; the table now starts on 1 May
    data["base_rates"] = [{"from": "2026-05-01", "rate": "1.27"}]
    assert invalid(data) == {("input.invalid", "base_rates")}
    (finding,) = check(data).findings
    assert finding.message.params == {"day": date(2026, 4, 15), "first": date(2026, 5, 1)}


def test_the_refund_period_needs_a_base_rate_from_its_first_day() -> None:
    data = case(
        payouts=[("2026-03-01", "100.00")],
        effective="2025-12-31",
        refund_on="2026-02-01",
        rates=[("2026-01-01", "1.27")],
    )
    assert invalid(data) == {("input.invalid", "base_rates")}


def test_an_empty_table_of_base_rates_is_enough_when_no_day_bears_interest() -> None:
    data = case(
        payouts=[("2026-03-01", "100.00")],
        final_grant="100.00",
        effective="2026-04-01",
        refund_on="2026-04-01",
        rates=[],
    )
    assert result(data)["interest_total"] == "0.00"
    data["refund_on"] = "2026-04-02"
    assert invalid(data) == {("input.invalid", "base_rates")}


def test_every_unreadable_value_is_reported_at_its_path() -> None:
    data = closing()
    data.update(
        final_grant="480.001",
        grant_share="1.2",
        effective="2026-02-30",
        use_within_days=-1,
        margin="fünf",
        extra=True,
    )
    data["payouts"][1] = {"date": "1.6.2026", "amount": "0.00", "note": "x"}
    data["expenses"] = "none"
    data["base_rates"].append({"from": "2026-07-01", "rate": "1.60"})
    assert invalid(data) == {
        ("input.invalid", "final_grant"),
        ("input.invalid", "grant_share"),
        ("input.invalid", "effective"),
        ("input.invalid", "use_within_days"),
        ("input.invalid", "margin"),
        ("input.invalid", "extra"),
        ("input.invalid", "payouts[1].date"),
        ("input.invalid", "payouts[1].amount"),
        ("input.invalid", "payouts[1].note"),
        ("input.invalid", "expenses"),
        ("input.invalid", "base_rates[2].from"),
    }


@pytest.mark.parametrize("data", [None, [], "closing", 3])
def test_an_input_that_is_no_object_is_input_invalid(data: Any) -> None:
    assert invalid(data) == {("input.invalid", "")}


def test_missing_values_are_field_required_without_a_result() -> None:
    data = closing()
    del data["margin"]
    data["refund_on"] = ""
    data["payouts"][0] = {"date": "2026-04-15"}
    data["base_rates"][1]["rate"] = None
    checked = check(data)
    assert checked.exit_code == 1
    assert checked.extra == {"result": None}
    assert pairs(checked.findings) == {
        ("field.required", "margin"),
        ("field.required", "refund_on"),
        ("field.required", "payouts[0].amount"),
        ("field.required", "base_rates[1].rate"),
    }
    messages = {f.field: f.message.params.get("label") for f in checked.findings}
    assert all(label is not None for label in messages.values())


def test_numbers_given_as_json_numbers_are_read_exactly() -> None:
    data = closing()
    data["grant_share"] = Decimal("0.8")
    data["margin"] = 5
    data["base_rates"][0]["rate"] = Decimal("1.27")
    assert result(data)["interest_total"] == "5.38"
