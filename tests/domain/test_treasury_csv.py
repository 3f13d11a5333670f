"""The treasury's CSV (issue 19.1): German number and date formats, encodings, header
variants, malformed lines with their numbers, and matching to the open payment orders."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from service.domain.messages import PlainLocalizer
from service.domain.treasury_csv import (
    MAX_LINES,
    OpenOrder,
    Outcome,
    TreasuryFileError,
    match_lines,
    parse_amount,
    parse_treasury_csv,
)

TODAY = date(2026, 12, 5)
HEADER = "Kassenzeichen;Betrag;Buchungsdatum;Aktenzeichen;Verwendungszweck\r\n"
ORDERS = [
    OpenOrder(1, "AIF-2026-007-1", "AIF-2026-007", Decimal("675.00"), Decimal(0)),
    OpenOrder(2, "AIF-2026-009-1", "AIF-2026-009", Decimal("1234.56"), Decimal(0)),
]


def _parse(text: str, encoding: str = "utf-8"):
    return parse_treasury_csv(text.encode(encoding), today=TODAY)


def _match(text: str, recorded=()):
    return match_lines(_parse(text), ORDERS, recorded, scope="p1")


def test_a_german_export_is_read_with_decimal_comma_and_dates():
    parsed = _parse(HEADER + "AIF-2026-009-1;1.234,56;05.12.2026;;\r\n")
    [line] = parsed.lines
    assert (line.line, line.amount, line.booked_on) == (2, Decimal("1234.56"), TODAY)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_umlauts_read_in_each_encoding(encoding):
    text = HEADER + "AIF-2026-007-1;675,00;01.12.2026;;Zuschuss Bürgerfest\r\n"
    [line] = _parse(text, encoding).lines
    assert line.purpose == "Zuschuss Bürgerfest"


def test_header_variants_and_title_lines_before_the_header_are_accepted():
    text = (
        "Kasse Musterstadt – Auszahlungen\n\n"
        "KZ;Betrag (EUR);Buchungstag;Az.\nX;-675,00;1.12.2026;Y\n"
    )
    [line] = _parse(text).lines
    assert (line.cash_reference, line.amount, line.file_number) == ("X", Decimal("675.00"), "Y")


def test_a_file_without_the_required_columns_is_refused_in_german_terms():
    with pytest.raises(TreasuryFileError) as caught:
        _parse("Name;Summe\nA;1,00\n")
    assert "Kassenzeichen" in caught.value.message.render(PlainLocalizer())


def test_too_many_lines_are_refused():
    with pytest.raises(TreasuryFileError):
        _parse(HEADER + "X;1,00;01.12.2026;;\n" * (MAX_LINES + 1))


def test_malformed_lines_are_named_by_their_line_number():
    text = (
        HEADER
        + "A;1,00;01.12.2026;;\nB;zwölf;01.12.2026;;\n\nC;1,00;31.02.2026;;\nD;1,00;06.12.2026;;\n"
    )
    parsed = _parse(text)
    assert [m.line for m in parsed.malformed] == [3, 5, 6]
    shown = [m.message.render(PlainLocalizer()) for m in parsed.malformed]
    assert "Line 3" in shown[0]
    assert "zwölf" in shown[0]
    assert "31.02.2026" in shown[1]
    assert "future" in shown[2]


@given(st.decimals(min_value=Decimal("0.01"), max_value=Decimal("9999999.99"), places=2))
def test_german_amounts_round_trip(amount):
    whole, cents = f"{amount:.2f}".split(".")
    grouped = f"{int(whole):,}".replace(",", ".")
    assert parse_amount(f"{grouped},{cents}") == amount
    assert parse_amount(f"-{whole},{cents}") == amount


def test_matched_by_kassenzeichen():
    [result] = _match(HEADER + "AIF-2026-007-1;675,00;01.12.2026;;\n")
    assert result.outcome is Outcome.matched
    assert result.order is not None
    assert result.order.request_id == 1


def test_matched_by_file_number_in_the_purpose_and_the_amount():
    [result] = _match(HEADER + ";1.234,56;01.12.2026;;Zuschuss AIF-2026-009 Fest\n")
    assert result.outcome is Outcome.matched
    assert result.order is not None
    assert result.order.request_id == 2


def test_a_file_number_with_another_amount_differs():
    [result] = _match(HEADER + ";600,00;01.12.2026;AIF-2026-007;\n")
    assert result.outcome is Outcome.amount_differs
    assert "675,00" in result.message.render(PlainLocalizer()) or "675.00" in result.message.render(
        PlainLocalizer()
    )


def test_a_kassenzeichen_with_another_amount_differs():
    [result] = _match(HEADER + "AIF-2026-007-1;675,01;01.12.2026;;\n")
    assert result.outcome is Outcome.amount_differs


def test_an_unknown_reference_and_a_similar_file_number_do_not_match():
    [result] = _match(HEADER + "ZZZ-1;675,00;01.12.2026;AIF-2026-0071;\n")
    assert result.outcome is Outcome.unknown


def test_an_imported_line_is_already_recorded_and_a_repeated_line_counts_once():
    text = HEADER + "AIF-2026-007-1;675,00;01.12.2026;;\n"
    [first] = _match(text)
    [again] = _match(text, recorded={first.key})
    assert again.outcome is Outcome.recorded
    twice = _match(text + "AIF-2026-007-1;675,00;01.12.2026;;\n")
    assert [r.outcome for r in twice] == [Outcome.matched, Outcome.recorded]


def test_the_key_does_not_depend_on_the_number_format():
    one = _parse(HEADER + "A;1.234,56;05.12.2026;;\n").lines[0]
    other = _parse(HEADER + "A;-1234,56;5.12.2026;;\n").lines[0]
    assert one.key("p") == other.key("p")
    assert one.key("p") != one.key("q")
