"""The review of a usage-of-funds report and its outcome (issue 19, item 2, domain part):
recognised amounts per category, F from the recognised amounts, P from the payouts, and the
closing letter / refund notice / outstanding payment; the refund notice's refund and interest
come from the one closing implementation (spec/rules.md, "Closing a grant")."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from service.domain.base_rates import BaseRate, BaseRateTable, shipped_base_rates
from service.domain.check import check_closing
from service.domain.review import (
    InterestWaiver,
    Outcome,
    closing_input,
    grant_share,
    refund_claim,
    refund_closing,
    review_findings,
    review_result,
)
from tests.examples import examples

from .helpers import aif, pairs, report, reviewed

D = Decimal
# the contract example's illustrative base rates
TABLE = BaseRateTable.of(
    [BaseRate(date(2026, 1, 1), D("1.27")), BaseRate(date(2026, 7, 1), D("1.52"))]
)


def result_of(review: Any) -> Any:
    result = review_result(review)
    assert result is not None
    return result


# -- recognised amounts, F, P and the outcome -------------------------------------------------


def test_without_overrides_the_review_gives_the_report_s_final_grant_and_a_refund_notice() -> None:
    result = result_of(reviewed())
    assert [(line.category, line.reported, line.recognised) for line in result.lines] == [
        ("honorare", D("480.00"), D("480.00")),
        ("sachausgaben", D("96.40"), D("96.40")),
        ("oeffentlichkeitsarbeit", D("250.00"), D("250.00")),
    ]
    assert not any(line.overridden for line in result.lines)
    # fehlbedarf: 826.40 − (100 + 150) = 576.40; paid 600.00 → 23.60 back
    assert (result.final_grant, result.paid, result.refund) == (
        D("576.40"),
        D("600.00"),
        D("23.60"),
    )
    assert result.outstanding == result.not_claimed == 0
    assert result.outcome is Outcome.refund_notice
    assert review_findings(reviewed()) == []


def test_paid_comes_from_the_payouts_not_from_the_report_or_the_requests() -> None:
    # the report says 600.00 were paid; only one payout of 300.00 was made
    result = result_of(reviewed(payouts=[("2026-05-10", "300.00")]))
    assert result.paid == D("300.00")
    assert (result.refund, result.outstanding) == (0, D("276.40"))
    assert result.outcome is Outcome.outstanding_payment
    nothing = result_of(reviewed(payouts=[]))
    assert (nothing.paid, nothing.outstanding) == (0, D("576.40"))


def test_final_equal_to_paid_is_a_closing_letter() -> None:
    result = result_of(reviewed(payouts=[("2026-05-10", "300.00"), ("2026-06-01", "276.40")]))
    assert (result.refund, result.outstanding, result.not_claimed) == (0, 0, 0)
    assert result.outcome is Outcome.closing_letter


def test_a_difference_below_the_refund_threshold_is_not_claimed_and_gives_a_closing_letter() -> (
    None
):
    lenient = dataclasses.replace(aif(), refund_waiver_below=D("25.00"))
    result = result_of(reviewed(guideline=lenient))
    assert (result.refund, result.not_claimed) == (0, D("23.60"))
    assert result.outcome is Outcome.closing_letter
    # at the threshold it is claimed (refund ≥ refund_waiver_below)
    exact = dataclasses.replace(aif(), refund_waiver_below=D("23.60"))
    assert result_of(reviewed(guideline=exact)).outcome is Outcome.refund_notice


def test_an_override_with_a_reason_changes_the_final_grant() -> None:
    review = reviewed(recognised={"sachausgaben": ("80.00", "Beleg 2: 16,40 € privat genutzt")})
    result = result_of(review)
    line = next(line for line in result.lines if line.category == "sachausgaben")
    assert (line.eligible, line.recognised, line.overridden) == (D("96.40"), D("80.00"), True)
    assert line.reason == "Beleg 2: 16,40 € privat genutzt"
    # 810.00 − 250.00 = 560.00; paid 600.00 → 40.00 back
    assert (result.final_grant, result.refund) == (D("560.00"), D("40.00"))
    assert result.as_dict() == {
        "recognised": {
            "honorare": "480.00",
            "sachausgaben": "80.00",
            "oeffentlichkeitsarbeit": "250.00",
        },
        "overrides": {"sachausgaben": "Beleg 2: 16,40 € privat genutzt"},
        "recognised_total": "810.00",
        "final_grant": "560.00",
        "paid": "600.00",
        "refund": "40.00",
        "outstanding": "0.00",
        "not_claimed": "0.00",
        "outcome": "refund_notice",
    }
    assert review_findings(review) == []


def test_an_override_without_a_reason_is_an_error_naming_both_amounts() -> None:
    review = reviewed(recognised={"sachausgaben": ("80.00", "  ")})
    (finding,) = review_findings(review)
    assert (finding.code, finding.field, finding.severity) == (
        "review.override-reason",
        "recognised.sachausgaben",
        "error",
    )
    assert finding.message.params["recognised"] == D("80.00")
    assert finding.message.params["eligible"] == D("96.40")


def test_entering_the_rules_amount_is_no_override() -> None:
    review = reviewed(recognised={"sachausgaben": ("96.40", "")})
    assert review_findings(review) == []
    assert not any(line.overridden for line in result_of(review).lines)


def test_the_cap_of_the_plan_still_applies_to_recognised_amounts() -> None:
    """The office may recognise more in one category (reason given), but A ≤ Σp and F ≤ Z."""
    review = reviewed(recognised={"honorare": ("900.00", "Mehrstunden vorab genehmigt")})
    result = result_of(review)
    assert result.final.eligible_total == D("850.00")  # Σ p_i
    assert result.final_grant == D("600.00")  # 850 − 250, at most Z = 600
    assert result.outcome is Outcome.closing_letter


def test_only_planned_categories_can_be_recognised_and_never_below_zero() -> None:
    review = reviewed(
        recognised={"miete": ("50.00", "Raummiete"), "honorare": ("-1.00", "Tippfehler")}
    )
    assert pairs(review_findings(review)) == {
        ("review.category-not-in-plan", "recognised.miete"),
        ("input.invalid", "recognised.honorare"),
    }


def test_the_review_note_is_required_and_a_missing_sample_is_a_warning() -> None:
    review = reviewed(note=" ", sampled=())
    found = {(f.code, f.field, f.severity) for f in review_findings(review)}
    assert found == {
        ("review.note-missing", "note", "error"),
        ("review.no-sample", "sampled", "warning"),
    }


def test_a_sampled_number_that_is_no_receipt_is_input_invalid() -> None:
    review = reviewed(sampled=("1", "17"))
    (finding,) = review_findings(review)
    assert (finding.code, finding.field) == ("input.invalid", "sampled")
    assert finding.message.params == {"number": "17"}


def test_a_report_without_its_plan_has_no_result() -> None:
    data = report()
    data["notice"]["plan"] = {}
    assert review_result(reviewed(data=data)) is None


# -- the refund notice: one implementation with check closing ---------------------------------


def test_the_refund_notice_s_interest_is_computed_as_the_contract_says() -> None:
    review = reviewed()
    result = result_of(review)
    closing = refund_closing(
        review, result, effective=date(2026, 6, 1), refund_on=date(2026, 10, 15), base_rates=TABLE
    )
    claim = refund_claim(closing)
    # 23.60 × (30 × 6.27 + 106 × 6.52) / 36 500 = 0.5685 → 0.57; every payout used in time
    assert claim.ok
    assert (claim.refund, claim.interest_refund, claim.interest_late_use) == (
        D("23.60"),
        D("0.57"),
        D("0.00"),
    )
    assert claim.total_due == D("24.17")
    assert closing.margin == 5
    assert closing.use_within_days == 42
    assert [p.percent for p in claim.computed.refund_periods] == [D("6.27"), D("6.52")]


def test_money_paid_out_long_before_it_was_used_bears_late_use_interest() -> None:
    review = reviewed(payouts=[("2026-04-01", "300.00"), ("2026-06-01", "300.00")])
    closing = refund_closing(
        review,
        result_of(review),
        effective=date(2026, 6, 1),
        refund_on=date(2026, 10, 15),
        base_rates=TABLE,
    )
    # share 576.40 / 826.40 = 0.6974830591; the first payout is used 44, 57 and 73 days after
    # 1 April: 174.37… × 44 + 67.24… × 57 + 58.39… × 73 days at 6.27 % / 365 = 2.7085 → 2.71
    assert closing.grant_share == D("0.6974830591")
    claim = refund_claim(closing)
    assert (claim.interest_refund, claim.interest_late_use, claim.interest_total) == (
        D("0.57"),
        D("2.71"),
        D("3.28"),
    )
    assert pairs(claim.findings) == {("payout.late-use", "payouts[0]")}


def test_the_notice_s_figures_are_what_check_closing_prints_for_its_input() -> None:
    review = reviewed(payouts=[("2026-04-01", "300.00"), ("2026-06-01", "300.00")])
    closing = refund_closing(
        review,
        result_of(review),
        effective=date(2026, 6, 1),
        refund_on=date(2026, 10, 15),
        base_rates=TABLE,
    )
    claim = refund_claim(closing)
    checked = check_closing(closing_input(closing))
    assert not checked.input_invalid
    assert checked.extra["result"] == claim.computed.as_dict()
    assert pairs(checked.findings) == pairs(claim.findings)


def test_the_office_may_waive_the_interest_only_with_a_reason() -> None:
    review = reviewed()
    closing = refund_closing(
        review,
        result_of(review),
        effective=date(2026, 6, 1),
        refund_on=date(2026, 10, 15),
        base_rates=TABLE,
    )
    waived = refund_claim(closing, InterestWaiver("Rückzahlung innerhalb der Frist zugesagt"))
    assert waived.ok
    assert (waived.interest_total, waived.total_due) == (0, D("23.60"))
    # what was computed stays on record next to the reason
    assert waived.computed.interest_refund == D("0.57")
    assert waived.waiver.reason == "Rückzahlung innerhalb der Frist zugesagt"

    blank = refund_claim(closing, InterestWaiver(" "))
    assert not blank.ok
    assert pairs(blank.findings) == {("interest.waiver-reason", "interest_waiver.reason")}


def test_interest_beyond_the_last_published_half_year_warns_the_office() -> None:
    review = reviewed()
    result = result_of(review)
    only_january = BaseRateTable.of([BaseRate(date(2026, 1, 1), D("1.27"))])
    closing = refund_closing(
        review,
        result,
        effective=date(2026, 6, 1),
        refund_on=date(2026, 7, 2),
        base_rates=only_january,
    )
    (warning,) = refund_claim(closing).findings
    assert (warning.code, warning.field, warning.severity) == (
        "interest.base-rate-unpublished",
        "base_rates",
        "warning",
    )
    assert warning.message.params == {
        "rate": "1,27 %",
        "last": date(2026, 1, 1),
        "day": date(2026, 7, 1),
    }
    # up to the last day of the half-year the table is current
    in_time = dataclasses.replace(closing, refund_on=date(2026, 7, 1))
    assert refund_claim(in_time).findings == ()


def test_the_shipped_table_serves_the_refund_notice() -> None:
    review = reviewed()
    closing = refund_closing(
        review,
        result_of(review),
        effective=date(2026, 6, 1),
        refund_on=date(2026, 6, 30),
        base_rates=shipped_base_rates(),
    )
    claim = refund_claim(closing)
    # 23.60 × 29 days × (1.27 + 5) % / 365 = 0.1175… → 0.12
    assert claim.ok
    assert claim.interest_refund == D("0.12")


@pytest.mark.parametrize(
    ("final", "spent", "share"),
    [
        ("576.40", ["250.00", "96.40", "480.00"], "0.6974830591"),
        ("900.00", ["100.00"], "1.0000000000"),  # never more than the whole expense
        ("100.00", [], "0E-10"),
    ],
)
def test_the_grant_share_is_final_over_the_expenses_at_most_1(
    final: str, spent: list[str], share: str
) -> None:
    from service.domain.closing import Movement

    expenses = [Movement(date(2026, 6, 1), D(amount)) for amount in spent]
    assert grant_share(D(final), expenses) == D(share)
    assert str(grant_share(D(final), expenses)) == share


# -- properties ---------------------------------------------------------------------------------

amounts = st.integers(min_value=0, max_value=120_000).map(lambda c: D(c).scaleb(-2))


@settings(max_examples=examples(150), deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(["honorare", "sachausgaben", "oeffentlichkeitsarbeit"]), amounts
    ),
    st.lists(amounts.filter(lambda a: a > 0), max_size=4),
    st.sampled_from(["0.00", "25.00"]),
)
def test_the_outcome_always_matches_final_and_paid(
    recognised: dict[str, Decimal], payouts: list[Decimal], threshold: str
) -> None:
    review = reviewed(
        payouts=[("2026-05-10", str(a)) for a in payouts],
        recognised={c: (str(a), "geprüft") for c, a in recognised.items()},
        guideline=dataclasses.replace(aif(), refund_waiver_below=D(threshold)),
    )
    result = result_of(review)
    assert 0 <= result.final_grant <= D("600.00")
    assert result.paid == sum(payouts, D(0))
    assert min(result.refund, result.outstanding, result.not_claimed) >= 0
    assert (
        result.paid - result.final_grant == result.refund + result.not_claimed - result.outstanding
    )
    expected = (
        Outcome.refund_notice
        if result.refund > 0
        else Outcome.outstanding_payment
        if result.outstanding > 0
        else Outcome.closing_letter
    )
    assert result.outcome is expected
    assert (result.outcome is Outcome.refund_notice) == (
        result.paid - result.final_grant >= max(D(threshold), D("0.01"))
    )
