from __future__ import annotations

from decimal import Decimal

import pytest

from service.domain.money import (
    AmountError,
    parse_decimal,
    parse_german_money,
    parse_money,
    quantize_cents,
    to_json_money,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("480.00", Decimal("480.00")),
        ("480", Decimal("480")),
        (480, Decimal("480")),
        (Decimal("96.4"), Decimal("96.4")),
        (Decimal("1E+2"), Decimal("100")),
        (0.1, Decimal("0.1")),  # a float from a careless parser is taken by its literal
        ("0.00", Decimal("0.00")),
    ],
)
def test_money_is_accepted_as_string_or_json_number(raw: object, expected: Decimal) -> None:
    assert parse_money(raw) == expected


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ("12.345", "places"),
        (Decimal("12.345"), "places"),
        ("-5", "negative"),
        ("1e3", "format"),
        ("NaN", "format"),
        (Decimal("NaN"), "format"),
        (Decimal("Infinity"), "format"),
        (float("inf"), "format"),
        ("1.234,56", "format"),
        (" 5", "format"),
        ("١٢٣", "format"),
        (True, "format"),
        (None, "format"),
        (Decimal("1E+309"), "too-large"),
    ],
)
def test_unusable_amounts_are_refused_with_a_reason(raw: object, problem: str) -> None:
    with pytest.raises(AmountError) as caught:
        parse_money(raw)
    assert caught.value.problem == problem


def test_a_cost_amount_of_zero_is_refused_when_positive_is_required() -> None:
    with pytest.raises(AmountError) as caught:
        parse_money("0.00", minimum="positive")
    assert caught.value.problem == "not-positive"


def test_unit_prices_may_have_four_places_and_quantities_three() -> None:
    assert parse_decimal("0.2345", places=4) == Decimal("0.2345")
    assert parse_decimal("2.125", places=3) == Decimal("2.125")
    with pytest.raises(AmountError):
        parse_decimal("0.23456", places=4)
    with pytest.raises(AmountError):
        parse_decimal("2.1255", places=3)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("0.005"), "0.01"),
        (Decimal("0.00499999"), "0.00"),
        (Decimal("2.675"), "2.68"),  # half up, not half even and not float's 2.67
        (Decimal("-0.001"), "0.00"),  # never "-0.00"
        (Decimal("576.4"), "576.40"),
        (Decimal("100"), "100.00"),
    ],
)
def test_money_is_rounded_half_up_to_cents_for_json(value: Decimal, expected: str) -> None:
    assert to_json_money(value) == expected


def test_rounding_half_up_goes_away_from_zero_for_negative_amounts() -> None:
    assert quantize_cents(Decimal("-0.015")) == Decimal("-0.02")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.234,56", Decimal("1234.56")),
        ("1234,56", Decimal("1234.56")),
        ("1 234,56 €", Decimal("1234.56")),
        ("1234", Decimal("1234")),
        ("0,5", Decimal("0.5")),
    ],
)
def test_german_form_input_is_understood(text: str, expected: Decimal) -> None:
    assert parse_german_money(text) == expected


@pytest.mark.parametrize("text", ["-5", "1e309", "NaN", "Infinity", "1,234", "١٢٣,٤٥", "12.34", ""])
def test_german_form_input_refuses_what_is_no_amount(text: str) -> None:
    with pytest.raises(AmountError):
        parse_german_money(text)
