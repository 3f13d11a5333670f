"""The base rate (Basiszinssatz, § 247 BGB): shipped as data with its source, read by a loader."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from service.domain.base_rates import (
    BaseRate,
    BaseRateTable,
    BaseRateTableError,
    NoBaseRate,
    new_rate_problems,
    next_half_year,
    parse_base_rate_table,
    parse_rate_text,
    shipped_base_rates,
)

TODAY = date(2026, 6, 28)
SOURCE = '[source]\nname = "Deutsche Bundesbank"\n'


def table(*rows: tuple[str, str]) -> BaseRateTable:
    return BaseRateTable.of(BaseRate(date.fromisoformat(d), Decimal(r)) for d, r in rows)


# -- the shipped table ----------------------------------------------------------------------


def test_the_shipped_table_names_its_source() -> None:
    shipped = shipped_base_rates()
    assert "Deutsche Bundesbank" in shipped.source
    assert "§ 247 BGB" in shipped.source
    assert shipped.url.startswith("https://www.bundesbank.de/")


def test_the_shipped_table_has_one_row_per_half_year_without_gaps() -> None:
    """The Bundesbank publishes a rate every 1 January and 1 July, changed or not; a missing
    half-year would silently extend the previous rate."""
    starts = [row.start for row in shipped_base_rates().rates]
    assert starts[0] == date(2002, 1, 1)
    expected = [date(2002 + i // 2, 1 + 6 * (i % 2), 1) for i in range(len(starts))]
    assert starts == expected
    assert starts[-1] >= date(2026, 1, 1)


def test_the_shipped_table_has_the_published_values_it_claims() -> None:
    shipped = shipped_base_rates()
    assert shipped.rate_on(date(2026, 1, 1)) == Decimal("1.27")
    assert shipped.rate_on(date(2023, 6, 30)) == Decimal("1.62")
    assert shipped.rate_on(date(2023, 7, 1)) == Decimal("3.12")
    assert shipped.rate_on(date(2020, 3, 1)) == Decimal("-0.88")
    assert shipped.rate_on(date(2002, 1, 1)) == Decimal("2.57")


# -- the loader -----------------------------------------------------------------------------


def test_rows_may_come_in_any_order_and_rates_may_be_negative() -> None:
    loaded = parse_base_rate_table(
        SOURCE + '[[rate]]\nfrom = 2016-07-01\nrate = "-0.88"\n'
        '[[rate]]\nfrom = 2016-01-01\nrate = "-0.83"\nunsure = true\n'
    )
    assert [(r.start.isoformat(), r.rate, r.unsure) for r in loaded.rates] == [
        ("2016-01-01", Decimal("-0.83"), True),
        ("2016-07-01", Decimal("-0.88"), False),
    ]


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ('[[rate]]\nfrom = 2026-01-01\nrate = "1.27"\n', "source.name"),
        (SOURCE, "rate"),
        (SOURCE + "[[rate]]\nfrom = 2026-01-01\nrate = 1.27\n", "rate[0].rate"),
        (SOURCE + '[[rate]]\nfrom = 2026-01-01\nrate = "1,27"\n', "rate[0].rate"),
        (SOURCE + '[[rate]]\nfrom = "2026-01-01"\nrate = "1.27"\n', "rate[0].from"),
        (SOURCE + '[[rate]]\nfrom = 2026-01-01T00:00:00\nrate = "1.27"\n', "rate[0].from"),
        (SOURCE + '[[rate]]\nfrom = 2026-01-01\nrate = "1.27"\nnote = "x"\n', "rate[0].note"),
        (
            SOURCE + '[[rate]]\nfrom = 2026-01-01\nrate = "1.27"\n'
            '[[rate]]\nfrom = 2026-01-01\nrate = "1.52"\n',
            "rate[1].from",
        ),
        ("[source\n", ""),
    ],
)
def test_an_unusable_table_names_the_key(text: str, key: str) -> None:
    with pytest.raises(BaseRateTableError) as caught:
        parse_base_rate_table(text)
    assert key in [k for k, _ in caught.value.problems]


# -- looking up -----------------------------------------------------------------------------


def test_the_rate_of_a_day_is_that_of_the_latest_row_starting_on_or_before_it() -> None:
    rates = table(("2026-07-01", "1.52"), ("2026-01-01", "1.27"))
    assert rates.rate_on(date(2026, 6, 30)) == Decimal("1.27")
    assert rates.rate_on(date(2026, 7, 1)) == Decimal("1.52")
    assert rates.rate_on(date(2030, 1, 1)) == Decimal("1.52")
    with pytest.raises(NoBaseRate) as caught:
        rates.rate_on(date(2025, 12, 31))
    assert caught.value.day == date(2025, 12, 31)


def test_stretches_count_the_days_per_rate_with_the_end_excluded() -> None:
    rates = table(("2026-01-01", "1.27"), ("2026-07-01", "1.52"), ("2027-01-01", "2.00"))
    assert rates.stretches(date(2026, 6, 1), date(2026, 8, 31)) == [
        (30, Decimal("1.27")),
        (61, Decimal("1.52")),
    ]
    assert rates.stretches(date(2026, 6, 1), date(2026, 6, 1)) == []
    assert rates.stretches(date(2026, 6, 2), date(2026, 6, 1)) == []
    with pytest.raises(NoBaseRate):
        rates.stretches(date(2025, 12, 31), date(2026, 1, 2))


def test_two_rows_for_one_day_are_refused() -> None:
    with pytest.raises(ValueError, match="same day"):
        table(("2026-01-01", "1.27"), ("2026-01-01", "1.52"))


def test_the_table_says_which_publication_it_lacks() -> None:
    rates = table(("2026-01-01", "1.27"))
    assert rates.missing_publication(date(2026, 6, 30)) is None
    assert rates.missing_publication(date(2026, 7, 1)) == date(2026, 7, 1)
    assert rates.missing_publication(date(2027, 2, 1)) == date(2027, 1, 1)


# -- a new row an administrator adds (issue 19.3) --------------------------------------------


def _fields(problems) -> list[str]:
    return [field for field, _message in problems]


def test_a_published_half_year_with_its_source_may_be_added() -> None:
    kept = table(("2026-01-01", "1.27"))
    assert new_rate_problems(kept, date(2026, 7, 1), Decimal("1.20"), "Bundesbank", TODAY) == []


def test_only_1_january_and_1_july_may_start_a_rate() -> None:
    kept = table(("2026-01-01", "1.27"))
    problems = new_rate_problems(kept, date(2026, 7, 2), Decimal("1.20"), "x", TODAY)
    assert _fields(problems) == ["from"]
    assert "1 January and 1 July" in problems[0][1].msgid


def test_a_half_year_the_table_has_is_refused() -> None:
    kept = table(("2026-01-01", "1.27"))
    problems = new_rate_problems(kept, date(2026, 1, 1), Decimal("1.27"), "x", TODAY)
    assert _fields(problems) == ["from"]
    assert "already has" in problems[0][1].msgid


def test_a_half_year_after_the_next_one_is_not_published_yet() -> None:
    kept = table(("2026-01-01", "1.27"))
    assert _fields(new_rate_problems(kept, date(2027, 1, 1), Decimal("1"), "x", TODAY)) == ["from"]
    assert next_half_year(date(2026, 12, 31)) == date(2027, 1, 1)
    assert next_half_year(date(2026, 1, 1)) == date(2026, 7, 1)


@pytest.mark.parametrize("rate", ["127", "-5.01", "10.01"])
def test_an_implausible_rate_is_refused(rate: str) -> None:
    problems = new_rate_problems(table(), date(2026, 7, 1), Decimal(rate), "x", TODAY)
    assert _fields(problems) == ["rate"]
    assert "not plausible" in problems[0][1].msgid


def test_a_rate_with_more_than_two_places_and_a_missing_source_are_refused() -> None:
    problems = new_rate_problems(table(), date(2026, 7, 1), Decimal("1.275"), " ", TODAY)
    assert _fields(problems) == ["rate", "source"]


@pytest.mark.parametrize(
    ("text", "value"),
    [("1,27", "1.27"), ("-0,88", "-0.88"), ("\u22120,88 %", "-0.88"), ("1.27", "1.27"), ("3", "3")],
)
def test_rates_are_read_as_people_type_them(text: str, value: str) -> None:
    assert parse_rate_text(text) == Decimal(value)


@pytest.mark.parametrize("text", ["", "eins", "1,2,3", "1e3", "1.000,00"])
def test_text_that_is_no_rate_is_none(text: str) -> None:
    assert parse_rate_text(text) is None
