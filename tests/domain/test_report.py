"""The usage-of-funds report: its rules and the final grant for every financing type."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest

from service.domain.check import CheckResult, check_report
from service.domain.guideline import Guideline

from .helpers import TODAY, aif, codes, jf, pairs, report


def check(data: Any, guideline: Guideline | None = None) -> CheckResult:
    return check_report(data, guideline or aif(), today=TODAY)


def found(data: Any, guideline: Guideline | None = None) -> set[tuple[str, str]]:
    result = check(data, guideline)
    assert not result.input_invalid
    return pairs(result.findings)


def receipt(number: str, category: str, amount: str, day: str = "2026-06-01") -> dict[str, Any]:
    return {
        "number": number,
        "date": day,
        "payee": "Firma",
        "purpose": "Leistung",
        "category": category,
        "amount": amount,
        "kind": "expense",
    }


def report_data(
    financing_type: str,
    plan: dict[str, str],
    receipts: list[dict[str, Any]],
    *,
    grant: str,
    paid: str,
    planned: tuple[str, str, str] = ("0.00", "0.00", "0.00"),
    income: tuple[str, str, str] = ("0.00", "0.00", "0.00"),
) -> dict[str, Any]:
    data: dict[str, Any] = report()
    data["notice"].update(
        financing_type=financing_type,
        plan=plan,
        grant=grant,
        paid=paid,
        own_funds=planned[0],
        third_party=planned[1],
        revenue=planned[2],
    )
    data["receipts"] = receipts
    data["income"] = dict(zip(("own_funds", "third_party", "revenue"), income, strict=True))
    data["narrative"]["deviations"] = "Kleine Abweichungen, siehe Belegliste."
    return data


def result_of(data: Any, guideline: Guideline | None = None) -> dict[str, Any]:
    outcome = check(data, guideline)
    assert not outcome.input_invalid
    as_json: dict[str, Any] = outcome.to_json(_Plain())["result"]
    return as_json


class _Plain:
    def gettext(self, msgid: str) -> str:
        return msgid

    def format_money(self, amount: Decimal) -> str:
        return str(amount)

    def format_date(self, value: Any) -> str:
        return str(value)


# -- the example and the four financing types -----------------------------------------------


def test_the_example_report_gives_576_40_and_a_refund_of_23_60() -> None:
    """fehlbedarf: e = 480 + 96.40 + 250 = 826.40 = A; D_eff = max(100, 100) + 150 + 0 = 250;
    final = min(600, 826.40 − 250) = 576.40; refund = 600 − 576.40 = 23.60."""
    result = check(report())
    assert result.ok
    assert result.findings == []
    assert result_of(report()) == {
        "eligible": {
            "honorare": "480.00",
            "sachausgaben": "96.40",
            "oeffentlichkeitsarbeit": "250.00",
        },
        "eligible_total": "826.40",
        "final_grant": "576.40",
        "refund": "23.60",
        "outstanding": "0.00",
    }


def test_deficit_financing_counts_planned_own_funds_even_when_less_was_used() -> None:
    """fehlbedarf, plan 800 + 200 = 1000, Z = P = 700, planned own 100, third 200.
    Actual 850 + 120 = 970 = A (within 1.2 × plan). Income own 80 (< 100), third 200, revenue 50:
    D_eff = max(80, 100) + 200 + 50 = 350; final = min(700, 970 − 350) = 620.00; refund 80.00."""
    data = report_data(
        "fehlbedarf",
        {"honorare": "800.00", "sachausgaben": "200.00"},
        [receipt("1", "honorare", "850.00"), receipt("2", "sachausgaben", "120.00")],
        grant="700.00",
        paid="700.00",
        planned=("100.00", "200.00", "0.00"),
        income=("80.00", "200.00", "50.00"),
    )
    assert result_of(data) == {
        "eligible": {"honorare": "850.00", "sachausgaben": "120.00"},
        "eligible_total": "970.00",
        "final_grant": "620.00",
        "refund": "80.00",
        "outstanding": "0.00",
    }
    assert ("report.own-funds-reduced", "income.own_funds") in found(data)


def test_proportional_financing_is_not_rounded_before_the_end() -> None:
    """anteil, plan 600 + 300 = 900, Z = P = 500, q = 500/900 = 0.5555…
    Actual 600 + 299.99 = 899.99 = A; no extra cover.
    final = 500 × 899.99 / 900 = 499.99444… → 499.99 (a q rounded to 0.56 would give 500.00);
    refund = 0.01."""
    data = report_data(
        "anteil",
        {"honorare": "600.00", "sachausgaben": "300.00"},
        [receipt("1", "honorare", "600.00"), receipt("2", "sachausgaben", "299.99")],
        grant="500.00",
        paid="500.00",
        planned=("400.00", "0.00", "0.00"),
        income=("400.00", "0.00", "0.00"),
    )
    result = result_of(data)
    assert (result["final_grant"], result["refund"]) == ("499.99", "0.01")


def test_proportional_financing_reduces_the_grant_pro_rata_for_extra_cover() -> None:
    """anteil as above but revenue 90 more than planned: D − D_plan = 490 − 400 = 90.
    final = q × 899.99 − q × 90 = 500 × 809.99 / 900 = 449.99444… → 449.99; refund 50.01."""
    data = report_data(
        "anteil",
        {"honorare": "600.00", "sachausgaben": "300.00"},
        [receipt("1", "honorare", "600.00"), receipt("2", "sachausgaben", "299.99")],
        grant="500.00",
        paid="500.00",
        planned=("400.00", "0.00", "0.00"),
        income=("400.00", "0.00", "90.00"),
    )
    result = result_of(data)
    assert (result["final_grant"], result["refund"]) == ("449.99", "50.01")


def test_fixed_amount_financing_pays_the_amount_unless_costs_fall_below_it() -> None:
    """festbetrag, plan 1000, Z = P = 800.
    Actual 750: final = min(800, 750) = 750.00, refund 50.00.
    Actual 1000 and revenue 500: final = min(800, 1000) = 800.00 – other cover does not count."""
    data = report_data(
        "festbetrag",
        {"honorare": "1000.00"},
        [receipt("1", "honorare", "750.00")],
        grant="800.00",
        paid="800.00",
        planned=("200.00", "0.00", "0.00"),
        income=("200.00", "0.00", "0.00"),
    )
    result = result_of(data)
    assert (result["final_grant"], result["refund"]) == ("750.00", "50.00")
    data["receipts"] = [receipt("1", "honorare", "1000.00")]
    data["income"]["revenue"] = "500.00"
    result = result_of(data)
    assert (result["final_grant"], result["refund"]) == ("800.00", "0.00")


def test_full_financing_pays_eligible_costs_less_other_cover() -> None:
    """voll, plan 1000, Z = 1000, P = 600. Actual 950, revenue 30:
    final = min(1000, max(0, 950 − 30)) = 920.00; outstanding = 920 − 600 = 320.00."""
    data = report_data(
        "voll",
        {"honorare": "1000.00"},
        [receipt("1", "honorare", "950.00")],
        grant="1000.00",
        paid="600.00",
        income=("0.00", "0.00", "30.00"),
    )
    result = result_of(data)
    assert (result["final_grant"], result["refund"], result["outstanding"]) == (
        "920.00",
        "0.00",
        "320.00",
    )


def test_the_financing_type_falls_back_to_the_guideline() -> None:
    """Without a type in the notice AIF's fehlbedarf applies: the example gives 576.40."""
    data = report()
    del data["notice"]["financing_type"]
    assert result_of(data)["final_grant"] == "576.40"
    data["notice"]["financing_type"] = "festbetrag"
    assert result_of(data)["final_grant"] == "600.00"  # min(600, 826.40)


def test_a_small_refund_below_the_waiver_is_not_claimed() -> None:
    """JF waives refunds below 10.00: P − final = 9.99 → refund 0; 10.00 → refund 10.00."""
    data = report_data(
        "festbetrag",
        {"honorare": "500.00"},
        [receipt("1", "honorare", "490.01")],
        grant="500.00",
        paid="500.00",
    )
    assert result_of(data, jf())["refund"] == "0.00"
    data["receipts"][0]["amount"] = "490.00"
    assert result_of(data, jf())["refund"] == "10.00"


# -- receipts -----------------------------------------------------------------------------


def test_an_expense_outside_the_period_is_a_warning_and_not_eligible() -> None:
    data = report()
    data["receipts"][1]["date"] = "2026-04-30"
    data["narrative"]["deviations"] = "Material vor Projektbeginn gekauft."
    result = check(data)
    assert result.ok
    assert ("receipt.outside-period", "receipts[1].date") in pairs(result.findings)
    assert result_of(data)["eligible"]["sachausgaben"] == "0.00"


def test_an_expense_of_a_category_without_plan_is_a_warning_and_not_eligible() -> None:
    data = report()
    data["receipts"].append(receipt("4", "miete", "50.00"))
    result = check(data)
    assert result.ok
    assert ("receipt.category-not-in-plan", "receipts[3].category") in pairs(result.findings)
    assert result_of(data)["eligible_total"] == "826.40"


def test_income_receipts_are_listed_but_not_counted_as_expenses() -> None:
    data = report()
    data["receipts"].append(receipt("4", "miete", "50.00", day="2025-01-01") | {"kind": "income"})
    result = check(data)
    assert result.findings == []
    assert result_of(data)["final_grant"] == "576.40"


def test_an_income_receipt_needs_no_cost_category() -> None:
    data = report()
    data["receipts"].append(receipt("4", "", "50.00") | {"kind": "income"})
    result = check(data)
    assert result.ok
    assert ("field.required", "receipts[3].category") not in pairs(result.findings)
    # an expense still needs its category
    data["receipts"][3]["kind"] = "expense"
    assert ("field.required", "receipts[3].category") in pairs(check(data).findings)


def test_a_receipt_dated_after_the_report_day_is_a_warning() -> None:
    """Issue 19.5: a receipt proves a payment made; one dated after the report is a typo or
    a payment not yet made. The report can still be submitted."""
    data = report()
    data["submitted_on"] = "2026-07-30"
    data["receipts"][1]["date"] = "2026-07-31"
    result = check(data)
    assert ("receipt.in-future", "receipts[1].date") in pairs(result.findings)
    data["receipts"][1]["date"] = "2026-07-30"
    assert "receipt.in-future" not in codes(check(data).findings)


def test_two_receipts_with_one_number_are_a_duplicate() -> None:
    data = report()
    data["receipts"][2]["number"] = "1"
    assert ("receipt.duplicate", "receipts[2].number") in found(data)


# -- plan, own funds, deadline, narrative --------------------------------------------------


def test_a_category_above_plan_plus_tolerance_is_a_line_overrun() -> None:
    """honorare planned 480, limit 480 × 1.2 = 576: 576.00 passes, 576.01 is an overrun and
    only 576 is eligible."""
    data = report()
    data["narrative"]["deviations"] = "Mehr Workshopstunden."
    data["receipts"][0]["amount"] = "576.00"
    assert "report.line-overrun" not in codes(check(data).findings)
    data["receipts"][0]["amount"] = "576.01"
    result = check(data)
    finding = next(f for f in result.findings if f.code == "report.line-overrun")
    assert (finding.field, finding.severity, finding.source) == (
        "notice.plan.honorare",
        "warning",
        "Nr. 1.2 ANBest-P",
    )
    assert result_of(data)["eligible"]["honorare"] == "576.00"


def test_expenses_above_the_total_plan_are_a_total_overrun() -> None:
    """Σp = 850; honorare 576 (= limit) + 96.40 + 250 = 922.40 > 850: A = 850."""
    data = report()
    data["narrative"]["deviations"] = "Mehr Workshopstunden."
    data["receipts"][0]["amount"] = "576.00"
    assert ("report.total-overrun", "receipts") in found(data)
    assert result_of(data)["eligible_total"] == "850.00"


def test_reduced_own_funds_are_reported_only_for_deficit_financing() -> None:
    data = report()
    data["income"]["own_funds"] = "50.00"
    assert ("report.own-funds-reduced", "income.own_funds") in found(data)
    data["notice"]["financing_type"] = "anteil"
    assert "report.own-funds-reduced" not in codes(check(data).findings)


def test_a_report_after_the_due_date_is_overdue() -> None:
    """End 2026-06-30 + 42 days = 2026-08-11."""
    data = report()
    data["submitted_on"] = "2026-08-11"
    assert "report.overdue" not in codes(check(data).findings)
    data["submitted_on"] = "2026-08-12"
    assert ("report.overdue", "submitted_on") in found(data)


@pytest.mark.parametrize("key", ["activities", "goals_reached", "participants_actual"])
def test_a_missing_narrative_part_is_narrative_missing_not_field_required(key: str) -> None:
    data = report()
    data["narrative"][key] = None if key == "participants_actual" else " "
    assert found(data) == {("report.narrative-missing", f"narrative.{key}")}


def test_deviations_must_be_explained_when_a_category_deviates_beyond_tolerance() -> None:
    """sachausgaben planned 120, tolerance 24: 96.40 deviates 23.60 (fine), 95.99 by 24.01."""
    data = report()
    data["receipts"][1]["amount"] = "95.99"
    assert found(data) == {("report.narrative-missing", "narrative.deviations")}
    data["narrative"]["deviations"] = "Material war günstiger."
    assert found(data) == set()


# -- required fields and input ------------------------------------------------------------


@pytest.mark.parametrize(
    "key", ["number", "date", "payee", "purpose", "category", "amount", "kind"]
)
def test_each_receipt_field_is_required(key: str) -> None:
    data = report()
    data["receipts"][0][key] = ""
    assert ("field.required", f"receipts[0].{key}") in found(data)


@pytest.mark.parametrize(
    "key",
    ["number", "start", "end", "grant", "paid", "plan", "own_funds", "third_party", "revenue"],
)
def test_each_notice_field_is_required_and_the_result_waits_for_it(key: str) -> None:
    data = report()
    del data["notice"][key]
    result = check(data)
    assert ("field.required", f"notice.{key}") in pairs(result.findings)
    if key != "number":
        assert result.extra["result"] is None


def test_income_is_required() -> None:
    data = report()
    del data["income"]
    assert {f for c, f in found(data) if c == "field.required"} == {
        "income.own_funds",
        "income.third_party",
        "income.revenue",
    }


def test_a_report_without_receipts_is_incomplete() -> None:
    data = report()
    data["receipts"] = []
    assert ("field.required", "receipts") in found(data)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda d: d["notice"]["plan"].update(essen="10.00"), "notice.plan.essen"),
        (lambda d: d["notice"].update(financing_type="gap"), "notice.financing_type"),
        (lambda d: d["receipts"][0].update(amount="480.001"), "receipts[0].amount"),
        (lambda d: d["receipts"][0].update(amount="0"), "receipts[0].amount"),
        (lambda d: d["receipts"][0].update(kind="refund"), "receipts[0].kind"),
        (lambda d: d["receipts"][0].update(date="13.06.2026"), "receipts[0].date"),
        (
            lambda d: d["narrative"].update(participants_actual="95"),
            "narrative.participants_actual",
        ),
        (lambda d: d["income"].update(revenue="-1.00"), "income.revenue"),
        (lambda d: d.update(extra=1), "extra"),
    ],
)
def test_wrong_report_input_is_input_invalid(change: Any, field: str) -> None:
    data = report()
    change(data)
    result = check(data)
    assert result.input_invalid
    assert pairs(result.findings) == {("input.invalid", field)}


def test_every_warning_of_a_report_has_a_document_note_without_form_help() -> None:
    """The report document states findings as facts; "Please …" belongs to the form."""
    from service.domain.report import DOCUMENT_NOTES, REPORT
    from service.domain.rule_catalogue import all_rules

    warnings = {r.code for r in all_rules() if r.kind == REPORT and r.severity == "warning"}
    assert warnings <= set(DOCUMENT_NOTES)
    for code, msgid in DOCUMENT_NOTES.items():
        assert "please" not in msgid.lower(), code
        rule = next(r for r in all_rules() if r.code == code)
        # the note uses only parameters the rule's finding carries
        wanted = set(re.findall(r"%\((\w+)\)s", msgid))
        assert all(wanted <= set(re.findall(r"%\((\w+)\)s", m)) for m in rule.msgids), code


def test_the_errors_of_an_incomplete_report_are_stated_without_form_help() -> None:
    from service.domain.report import document_note
    from service.i18n import BabelLocalizer

    data = report()
    del data["narrative"]["activities"]
    data["receipts"][0]["payee"] = ""
    data["receipts"][0]["amount"] = "600.00"  # a deviation left unexplained
    notes = [document_note(f).render(BabelLocalizer()) for f in check(data).findings]
    assert any(n.startswith("Im Sachbericht fehlt der Teil „") for n in notes)
    assert any(n.startswith("Es fehlt die Angabe „") for n in notes)
    assert any("Abweichungen" in n for n in notes)
    assert not [n for n in notes if "itte" in n]
