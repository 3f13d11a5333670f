"""Every application rule of spec/rules.md, each with a case that needs exactly that rule."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from service.domain.application import age_on, assign_session
from service.domain.check import CheckResult, check_application
from service.domain.guideline import Guideline

from .helpers import TODAY, aif, application, jf, pairs


def check(data: Any, guideline: Guideline | None = None, **kwargs: Any) -> CheckResult:
    return check_application(data, guideline or aif(), today=TODAY, **kwargs)


def found(data: Any, guideline: Guideline | None = None, **kwargs: Any) -> set[tuple[str, str]]:
    result = check(data, guideline, **kwargs)
    assert not result.input_invalid
    return pairs(result.findings)


def one_line(data: dict[str, Any], line: dict[str, Any], requested: str, own: str) -> None:
    """Replace the plan by one cost line, financed by ``requested`` and ``own`` funds."""
    data["costs"] = [line]
    data["financing"] = {
        "own_funds": own,
        "third_party": [],
        "revenue": "0.00",
        "requested": requested,
    }


def youth_application(birth_date: str, adult_contact: Any = None) -> dict[str, Any]:
    data = application()
    data["fund"] = "JF-2026"
    data["applicant"].update(
        legal_form="einzelperson", birth_date=birth_date, adult_contact=adult_contact
    )
    # JF: sessions 2026-04-15 …, 7 days lead; grant ≤ 1000; categories without "sonstiges"
    return data


# -- the example --------------------------------------------------------------------------


def test_the_example_application_passes_with_totals_and_session() -> None:
    result = check(application())
    assert result.ok
    assert result.findings == []
    assert result.extra["totals"] == {
        "costs": Decimal("850.00"),
        "income": Decimal("850.00"),
        "requested": Decimal("600.00"),
    }
    assert result.extra["session"] == date(2026, 3, 10)


# -- applicant ----------------------------------------------------------------------------


def test_an_iban_with_a_wrong_check_digit_is_reported() -> None:
    data = application()
    data["applicant"]["iban"] = "DE02120300000000202052"
    assert ("applicant.iban-invalid", "applicant.iban") in found(data)


def test_an_iban_of_the_wrong_length_is_reported() -> None:
    data = application()
    data["applicant"]["iban"] = "DE0212030000000020205"
    assert ("applicant.iban-invalid", "applicant.iban") in found(data)


def test_an_iban_with_spaces_and_lower_case_is_accepted() -> None:
    data = application()
    data["applicant"]["iban"] = "de02 1203 0000 0000 2020 51"
    assert check(data).ok


@pytest.mark.parametrize("email", ["kontakt@", "kontakt elbufer@verein.de", "kontakt@verein"])
def test_an_email_address_that_is_no_address_is_reported(email: str) -> None:
    data = application()
    data["applicant"]["email"] = email
    assert ("applicant.email-invalid", "applicant.email") in found(data)


@pytest.mark.parametrize("email", ["kontakt@elbufer.example", "jana.beispiel+pfd@verein.de"])
def test_valid_email_addresses_pass_without_network(email: str) -> None:
    data = application()
    data["applicant"]["email"] = email
    assert check(data).ok


def test_a_legal_form_the_fund_does_not_allow_is_not_eligible() -> None:
    data = application()
    data["applicant"]["legal_form"] = "kommune"
    assert ("applicant.not-eligible", "applicant.legal_form") in found(data)


def test_age_is_exact_to_the_birthday() -> None:
    assert age_on(date(2008, 3, 15), date(2026, 3, 14)) == 17
    assert age_on(date(2008, 3, 15), date(2026, 3, 15)) == 18


def test_someone_born_on_29_february_is_a_year_older_on_1_march() -> None:
    assert age_on(date(2008, 2, 29), date(2026, 2, 28)) == 17
    assert age_on(date(2008, 2, 29), date(2026, 3, 1)) == 18
    assert age_on(date(2008, 2, 29), date(2028, 2, 29)) == 20


@pytest.mark.parametrize(
    ("birth_date", "in_range"),
    [
        ("1998-02-20", False),  # 28th birthday on the day of submission (2026-02-20)
        ("1998-02-21", True),  # still 27
        ("2014-02-20", True),  # 12th birthday on the day of submission
        ("2014-02-21", False),  # still 11
    ],
)
def test_the_age_limits_are_inclusive_on_the_day_of_submission(
    birth_date: str, in_range: bool
) -> None:
    contact = {"name": "Mama", "email": "mama@familie.example", "phone": None}
    findings = found(youth_application(birth_date, contact), jf())
    assert (("applicant.age-out-of-range", "applicant.birth_date") in findings) is not in_range


def test_a_youth_fund_application_needs_a_birth_date() -> None:
    assert ("field.required", "applicant.birth_date") in found(youth_application(""), jf())


def test_a_minor_without_adult_contact_is_reported() -> None:
    findings = found(youth_application("2010-06-01"), jf())
    assert ("applicant.adult-contact-required", "applicant.adult_contact") in findings


def test_a_minor_with_an_adult_contact_passes() -> None:
    contact = {"name": "Mama", "email": "mama@familie.example", "phone": None}
    assert check(youth_application("2010-06-01", contact), jf()).ok


def test_an_adult_contact_needs_a_name_and_a_valid_email() -> None:
    contact = {"name": "", "email": "mama@", "phone": None}
    findings = found(youth_application("2010-06-01", contact), jf())
    assert ("field.required", "applicant.adult_contact.name") in findings
    assert ("applicant.email-invalid", "applicant.adult_contact.email") in findings
    assert not any(code == "applicant.adult-contact-required" for code, _ in findings)


def test_an_eighteen_year_old_needs_no_adult_contact() -> None:
    assert check(youth_application("2008-02-20"), jf()).ok


# -- period -------------------------------------------------------------------------------


def test_an_end_before_the_start_is_reported() -> None:
    data = application()
    data["project"].update(start="2026-06-30", end="2026-05-01")
    assert ("period.end-before-start", "project.end") in found(data)


def test_a_period_outside_the_fund_year_gives_one_finding() -> None:
    data = application()
    data["project"].update(start="2025-12-01", end="2027-01-31")
    findings = found(data)
    assert [p for p in findings if p[0] == "period.outside-year"] == [
        ("period.outside-year", "project.start")
    ]


def test_an_end_after_the_latest_end_is_too_late() -> None:
    data = application()
    data["project"]["end"] = "2026-12-01"
    assert ("period.too-late", "project.end") in found(data)
    data["project"]["end"] = "2026-11-30"
    assert check(data).ok


def test_a_project_that_starts_before_submission_has_already_started() -> None:
    data = application()
    data["project"]["start"] = "2026-02-19"
    result = check(data)
    finding = next(f for f in result.findings if f.code == "period.already-started")
    assert finding.field == "project.start"
    assert finding.source == "VV Nr. 1.3 zu § 44 BHO"


def test_an_early_start_request_is_a_warning_not_an_error() -> None:
    data = application()
    data["project"].update(start="2026-02-19", early_start_requested=True)
    result = check(data)
    assert result.ok
    assert pairs(result.findings) == {("period.early-start", "project.early_start_requested")}
    assert result.findings[0].severity == "warning"


# -- costs --------------------------------------------------------------------------------


def test_an_empty_cost_plan_with_money_planned_is_also_unbalanced() -> None:
    """No cost line: costs are 0, the financing 850.00 – spec/rules.md requires both
    `costs.empty` and `plan.unbalanced` (the old engine kept the plan rule silent)."""
    data = application()
    data["costs"] = []
    findings = found(data)
    assert ("costs.empty", "costs") in findings
    assert ("plan.unbalanced", "financing") in findings
    unbalanced = next(f for f in check(data).findings if f.code == "plan.unbalanced")
    assert unbalanced.message.params["costs"] == Decimal(0)
    assert unbalanced.message.params["income"] == Decimal("850.00")


def test_an_empty_cost_plan_with_nothing_financed_is_not_unbalanced() -> None:
    data = application()
    data["costs"] = []
    data["financing"].update(own_funds="0.00", third_party=[], revenue="0.00", requested="0.00")
    findings = found(data)
    assert ("costs.empty", "costs") in findings
    assert not any(code == "plan.unbalanced" for code, _ in findings)


def test_an_empty_cost_plan_with_a_missing_financing_amount_is_not_judged() -> None:
    data = application()
    data["costs"] = []
    del data["financing"]["own_funds"]
    findings = found(data)
    assert ("field.required", "financing.own_funds") in findings
    assert not any(code == "plan.unbalanced" for code, _ in findings)


def test_a_cost_category_the_fund_does_not_allow_is_reported() -> None:
    data = application()
    data["costs"][1]["category"] = "personal"
    assert ("costs.category-not-allowed", "costs[1].category") in found(data)


def test_quantity_times_unit_price_must_match_the_amount() -> None:
    data = application()
    data["costs"][0]["amount"] = "470.00"
    data["financing"]["requested"] = "590.00"
    assert found(data) == {("costs.amount-mismatch", "costs[0].amount")}


def test_quantity_times_unit_price_is_rounded_half_up_before_comparing() -> None:
    data = application()
    # 1 × 0.125 = 0.125 → 0.13 half up (half even would give 0.12)
    one_line(
        data,
        {
            "category": "sachausgaben",
            "description": "Stift",
            "quantity": "1",
            "unit_price": "0.125",
            "amount": "0.13",
        },
        "0.13",
        "0.00",
    )
    assert ("costs.amount-mismatch", "costs[0].amount") not in found(data)
    data["costs"][0]["amount"] = "0.12"
    data["financing"]["requested"] = "0.12"
    assert ("costs.amount-mismatch", "costs[0].amount") in found(data)


@pytest.mark.parametrize(
    ("amount", "offers", "missing"),
    [("1000.00", 2, True), ("1000.00", 3, False), ("999.99", 0, False), ("4000.00", None, True)],
)
def test_a_cost_line_at_the_threshold_needs_three_offers(
    amount: str, offers: int | None, missing: bool
) -> None:
    data = application()
    line = {"category": "honorare", "description": "Band", "amount": amount}
    if offers is not None:
        line["offers"] = offers
    one_line(data, line, str(Decimal(amount) - Decimal(100)), "100.00")
    assert (("costs.offers-missing", "costs[0].offers") in found(data)) is missing


def test_material_above_the_inventory_threshold_is_a_warning() -> None:
    data = application()
    line = {"category": "sachausgaben", "description": "Beamer", "amount": "800.01", "offers": 3}
    one_line(data, line, "700.01", "100.00")
    result = check(data)
    assert result.ok
    assert pairs(result.findings) == {("costs.inventory", "costs[0].amount")}
    data["costs"][0]["amount"] = "800.00"
    data["financing"]["requested"] = "700.00"
    assert check(data).findings == []


@pytest.mark.parametrize(
    ("unit", "price", "too_high"),
    [
        ("km", "0.30", True),
        ("KM ", "0.21", True),
        ("km", "0.20", False),
        ("Fahrt", "30.00", False),
    ],
)
def test_travel_by_the_kilometre_is_limited_to_the_km_rate(
    unit: str, price: str, too_high: bool
) -> None:
    data = application()
    quantity = Decimal(1000)
    amount = f"{quantity * Decimal(price):.2f}"
    line = {
        "category": "reisekosten",
        "description": "Fahrt",
        "quantity": "1000",
        "unit": unit,
        "unit_price": price,
        "amount": amount,
    }
    one_line(data, line, f"{Decimal(amount) - Decimal(100):.2f}", "100.00")
    assert (("costs.km-rate", "costs[0].unit_price") in found(data)) is too_high


# -- financing and grant ------------------------------------------------------------------


def test_a_plan_off_by_one_cent_is_unbalanced() -> None:
    data = application()
    data["financing"]["own_funds"] = "100.01"
    assert found(data) == {("plan.unbalanced", "financing")}


def test_third_party_funds_count_in_the_balance() -> None:
    data = application()
    data["financing"]["third_party"].append({"source": "Spende", "amount": "50.00"})
    data["financing"]["own_funds"] = "50.00"
    assert check(data).ok


def test_a_missing_financing_value_gives_no_balance_finding() -> None:
    data = application()
    del data["financing"]["revenue"]
    assert found(data) == {("field.required", "financing.revenue")}


def test_a_request_below_the_minimum_is_reported() -> None:
    data = application()
    one_line(
        data, {"category": "sachausgaben", "description": "x", "amount": "99.99"}, "99.99", "0.00"
    )
    assert ("grant.below-min", "financing.requested") in found(data)


def test_a_request_above_the_maximum_is_reported() -> None:
    data = application()
    one_line(
        data,
        {"category": "honorare", "description": "x", "amount": "6000.00", "offers": 3},
        "5000.01",
        "999.99",
    )
    assert ("grant.above-max", "financing.requested") in found(data)


def test_the_rate_limit_is_compared_exactly_without_rounding() -> None:
    data = application()
    line = {"category": "honorare", "description": "x", "amount": "850.01"}
    # 0.90 × 850.01 = 765.009: 765.01 is above the limit although it rounds to it
    one_line(data, line, "765.01", "85.00")
    assert ("grant.rate-exceeded", "financing.requested") in found(data)
    one_line(data, line, "765.00", "85.01")
    assert check(data).ok


def test_a_small_request_may_cover_all_costs() -> None:
    data = application()
    one_line(
        data, {"category": "honorare", "description": "x", "amount": "500.00"}, "500.00", "0.00"
    )
    assert check(data).ok
    one_line(
        data, {"category": "honorare", "description": "x", "amount": "500.01"}, "500.01", "0.00"
    )
    assert ("grant.rate-exceeded", "financing.requested") in found(data)


def test_a_request_beyond_the_budget_left_is_reported() -> None:
    assert ("grant.exceeds-budget", "financing.requested") in found(
        application(), committed=Decimal("39400.01")
    )
    assert check(application(), committed=Decimal("39400.00")).ok


# -- declarations and session -------------------------------------------------------------


def test_each_unconfirmed_declaration_is_reported() -> None:
    data = application()
    data["declarations"]["publicity"] = False
    del data["declarations"]["privacy_consent"]
    assert found(data) == {
        ("declaration.missing", "declarations.publicity"),
        ("declaration.missing", "declarations.privacy_consent"),
    }


def test_missing_declarations_give_six_findings() -> None:
    data = application()
    del data["declarations"]
    assert len([p for p in found(data) if p[0] == "declaration.missing"]) == 6


def test_the_session_is_the_first_one_at_least_the_lead_days_ahead() -> None:
    sessions = (date(2026, 3, 10), date(2026, 5, 12), date(2026, 9, 8))
    assert assign_session(date(2026, 2, 24), sessions, 14) == date(2026, 3, 10)
    assert assign_session(date(2026, 2, 25), sessions, 14) == date(2026, 5, 12)
    assert assign_session(date(2026, 8, 26), sessions, 14) is None


def test_an_application_too_late_for_every_session_is_reported() -> None:
    data = application()
    data["submitted_on"] = "2026-08-26"
    data["project"].update(start="2026-09-15", end="2026-10-31")
    result = check(data)
    assert pairs(result.findings) == {("submission.no-session-left", "submitted_on")}
    assert result.extra["session"] is None
    data["submitted_on"] = "2026-08-25"
    assert check(data).extra["session"] == date(2026, 9, 8)


# -- required fields ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "key",
    [
        "name",
        "legal_form",
        "street",
        "postal_code",
        "city",
        "representative",
        "contact_name",
        "email",
        "iban",
        "account_holder",
    ],
)
def test_each_required_applicant_field_is_reported_when_empty(key: str) -> None:
    data = application()
    data["applicant"][key] = ""
    # an empty field gets no other finding (no iban-invalid, no email-invalid …)
    assert found(data) == {("field.required", f"applicant.{key}")}


def test_optional_applicant_fields_may_be_left_out() -> None:
    data = application()
    for key in ("phone", "vat_deductible", "birth_date", "adult_contact"):
        del data["applicant"][key]
    assert check(data).ok


@pytest.mark.parametrize("key", ["category", "description", "amount"])
def test_each_required_cost_field_is_reported_when_missing(key: str) -> None:
    data = application()
    del data["costs"][1][key]
    assert (("field.required", f"costs[1].{key}")) in found(data)


def test_a_third_party_entry_needs_source_and_amount() -> None:
    data = application()
    data["financing"]["third_party"][0] = {"source": "", "amount": None}
    findings = found(data)
    assert ("field.required", "financing.third_party[0].source") in findings
    assert ("field.required", "financing.third_party[0].amount") in findings


def test_a_missing_fund_is_required() -> None:
    data = application()
    del data["fund"]
    assert found(data) == {("field.required", "fund")}


def test_empty_lists_of_catalogue_keys_are_required() -> None:
    data = application()
    data["project"]["fields_of_action"] = []
    assert found(data) == {("field.required", "project.fields_of_action")}
