"""Reading an application: what is input.invalid (exit 2) and what is a rule finding."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from service.domain.check import CheckResult, check_application

from .helpers import TODAY, aif, application, codes, pairs


def check(data: Any, **kwargs: Any) -> CheckResult:
    return check_application(data, aif(), today=TODAY, **kwargs)


def invalid_fields(data: Any) -> set[str]:
    result = check(data)
    assert result.input_invalid
    assert codes(result.findings) == {"input.invalid"}, "only input.invalid findings on exit 2"
    assert result.parsed is None
    return {f.field for f in result.findings}


def test_the_example_application_is_read_without_problems() -> None:
    result = check(application())
    assert not result.input_invalid
    assert result.parsed is not None
    assert result.parsed.applicant.name == "Kulturverein Elbufer e.V."


def test_an_unknown_key_is_input_invalid_naming_its_path() -> None:
    data = application()
    data["applicant"]["nmae"] = "Tippfehler"
    data["comment"] = "x"
    assert invalid_fields(data) == {"applicant.nmae", "comment"}


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("applicant", "name"), 42),
        (("applicant", "vat_deductible"), "no"),
        (("project", "participants_planned"), "120"),
        (("project", "participants_planned"), -1),
        (("project", "participants_planned"), True),
        (("project", "early_start_requested"), 0),
        (("project", "start"), "01.05.2026"),
        (("project", "start"), "2026-02-30"),
        (("project", "start"), "20260501"),
        (("project", "start"), "0099-05-01"),
        (("project", "fields_of_action"), "demokratiefoerderung"),
        (("applicant", "legal_form"), "gmbh"),
        (("financing", "own_funds"), "-1.00"),
        (("financing", "own_funds"), "1.234,00"),
        (("financing", "requested"), "600.001"),
        (("financing", "third_party"), {"source": "x", "amount": "1.00"}),
        (("declarations", "publicity"), "yes"),
        (("applicant", "adult_contact"), "Mama"),
    ],
)
def test_wrong_types_and_formats_are_input_invalid(path: tuple[str, str], value: Any) -> None:
    data = application()
    data[path[0]][path[1]] = value
    assert invalid_fields(data) == {".".join(path)}


def test_an_unknown_catalogue_key_in_a_list_names_the_list_entry() -> None:
    data = application()
    data["project"]["target_groups"] = ["jugendliche", "senioren"]
    assert invalid_fields(data) == {"project.target_groups[1]"}


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("amount", "480.001"),
        ("amount", "0.00"),
        ("amount", "-480.00"),
        ("amount", 0),
        ("category", "essen"),
        ("unit_price", "60.00001"),
        ("quantity", "8.0001"),
        ("offers", 1.5),
        ("colour", "blue"),
    ],
)
def test_bad_cost_line_values_name_the_cost_line(key: str, value: Any) -> None:
    data = application()
    data["costs"][2][key] = value
    assert invalid_fields(data) == {f"costs[2].{key}"}


def test_unit_price_may_have_four_places_and_quantity_three() -> None:
    data = application()
    data["costs"][0].update(quantity="8.125", unit_price="59.0769", amount="480.00")
    result = check(data)
    assert not result.input_invalid
    assert "costs.amount-mismatch" not in codes(result.findings)


def test_money_may_be_given_as_json_number() -> None:
    data = application()
    data["financing"]["requested"] = 600
    data["costs"][0]["amount"] = 480.00  # a float from a careless caller: taken as 480.0
    result = check(data)
    assert not result.input_invalid
    assert result.ok


def test_every_problem_gets_its_own_finding() -> None:
    data = application()
    data["project"]["start"] = "morgen"
    data["costs"][0]["amount"] = "1.999"
    data["financing"]["revenue"] = "-3"
    assert invalid_fields(data) == {"project.start", "costs[0].amount", "financing.revenue"}


def test_an_application_for_another_fund_is_input_invalid() -> None:
    data = application()
    data["fund"] = "JF-2026"
    assert invalid_fields(data) == {"fund"}


@pytest.mark.parametrize("data", [None, [], "text", 5])
def test_input_that_is_no_object_is_input_invalid(data: Any) -> None:
    assert invalid_fields(data) == {""}


def test_control_characters_in_a_text_are_input_invalid() -> None:
    data = application()
    data["project"]["title"] = "Fest\x00am Elbufer"
    data["project"]["summary"] = "abc\u202eevil"
    assert invalid_fields(data) == {"project.title", "project.summary"}


def test_texts_are_stored_in_nfc_without_zero_width_spaces() -> None:
    data = application()
    data["project"]["title"] = "Bu\u0308rgerfest\u200b"  # NFD ü and a zero-width space
    result = check(data)
    assert result.parsed is not None
    assert result.parsed.project.title == "Bürgerfest"


@pytest.mark.parametrize("empty", [None, "", "   "])
def test_missing_or_empty_values_are_rule_findings_not_input_invalid(empty: Any) -> None:
    data = application()
    data["applicant"]["name"] = empty
    data["project"]["start"] = empty if empty is None else ""
    data["financing"]["requested"] = empty if empty is None else ""
    result = check(data)
    assert not result.input_invalid
    assert {
        ("field.required", "applicant.name"),
        ("field.required", "project.start"),
        ("field.required", "financing.requested"),
    } <= pairs(result.findings)


def test_a_missing_section_gives_one_required_finding_per_field() -> None:
    data = application()
    del data["project"]
    result = check(data)
    required = {f.field for f in result.findings if f.code == "field.required"}
    assert required == {
        f"project.{key}"
        for key in (
            "title",
            "summary",
            "goals",
            "fields_of_action",
            "target_groups",
            "location",
            "start",
            "end",
            "participants_planned",
            "early_start_requested",
        )
    }


def test_submitted_on_defaults_to_today() -> None:
    data = application()
    del data["submitted_on"]
    result = check_application(data, aif(), today=date(2026, 2, 1))
    assert result.parsed is not None
    assert result.parsed.submitted_on == date(2026, 2, 1)
    assert result.extra["session"] == date(2026, 3, 10)
