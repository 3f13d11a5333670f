"""The one formatting layer: money, numbers, dates, periods and labels as people read them."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from service.domain import catalogues, formatting
from service.domain.formatting import NBSP
from service.domain.states import ApplicationState
from service.i18n import BabelLocalizer

GERMAN = BabelLocalizer("de").gettext


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("450"), f"450,00{NBSP}€"),
        ("450.00", f"450,00{NBSP}€"),  # interchange text
        (Decimal("1234.5"), f"1.234,50{NBSP}€"),
        (Decimal("0.005"), f"0,01{NBSP}€"),  # half up, not to the even cent
        (1000000, f"1.000.000,00{NBSP}€"),
    ],
)
def test_money_is_written_the_german_way(value, shown):
    assert formatting.money(value) == shown


def test_documents_write_money_with_an_ordinary_space_and_english_pages_the_english_way():
    assert formatting.money(Decimal("1234.56"), space=" ") == "1.234,56 €"
    assert formatting.money(Decimal("1234.56"), locale="en") == "€1,234.56"


@pytest.mark.parametrize("value", [None, "", "abc", True, "Infinity"])
def test_what_is_no_amount_is_shown_as_nothing(value):
    assert formatting.money(value) == ""


def test_numbers_in_fields_keep_the_places_as_written_or_as_asked():
    assert formatting.decimal_text(Decimal("1234.5"), 2) == "1.234,50"
    assert formatting.decimal_text(Decimal("0.2345"), None) == "0,2345"
    assert formatting.decimal_text(Decimal("1200"), None) == "1.200"
    assert formatting.number("2.50") == "2,5"
    assert formatting.percent(Decimal("0.9")) == "90 %"
    assert formatting.percent(Decimal("0.125")) == "12,5 %"


def test_dates_short_in_tables_long_in_running_text():
    day = date(2026, 12, 4)

    assert formatting.short_date(day) == "04.12.2026"
    assert formatting.short_date("2026-06-06") == "06.06.2026"
    assert formatting.long_date(day) == "4. Dezember 2026"
    assert formatting.weekday_date(day) == "Freitag, 4. Dezember 2026"
    assert formatting.short_date("not a date") == ""


def test_a_point_in_time_is_shown_as_the_clock_in_germany_showed_it():
    # stored naive in UTC; 13:05 UTC in November is 14:05 in Berlin
    assert formatting.berlin_time(datetime(2026, 11, 23, 13, 5)) == "23.11.2026, 14:05"
    assert formatting.berlin_time(datetime(2026, 6, 1, 22, 30)) == "02.06.2026, 00:30"


def test_a_period_names_the_year_once_when_both_days_share_it():
    assert formatting.period(date(2026, 5, 1), date(2026, 6, 30), GERMAN) == (
        "1. Mai bis 30. Juni 2026"
    )
    assert formatting.period("2026-12-15", "2027-01-31", GERMAN) == (
        "15. Dezember 2026 bis 31. Januar 2027"
    )
    assert formatting.period(date(2026, 5, 1), date(2026, 5, 1), GERMAN) == "1. Mai 2026"
    assert formatting.period(date(2026, 5, 1), None, GERMAN) == "ab 1. Mai 2026"
    assert formatting.period(None, date(2026, 6, 30), GERMAN) == "bis 30. Juni 2026"
    assert formatting.period(None, None, GERMAN) == ""


def test_catalogue_keys_and_enum_members_are_shown_by_their_german_label():
    assert formatting.label("honorare", "cost_category", gettext=GERMAN) == "Honorare"
    assert formatting.label("verein", gettext=GERMAN) == "Eingetragener Verein"
    assert formatting.label(ApplicationState.in_check, gettext=GERMAN) == "In formaler Prüfung"
    assert formatting.labels(["kinder", "eltern"], "target_group", gettext=GERMAN) == (
        "Kinder, Eltern"
    )
    # a key no catalogue knows is kept, never dropped
    assert formatting.label("unbekannt", "cost_category", gettext=GERMAN) == "unbekannt"


def test_no_key_is_in_two_catalogues():
    """label() without a catalogue name looks in all of them: a key must mean one thing."""
    seen: dict[str, str] = {}
    for name, catalogue in formatting.CATALOGUES.items():
        for key in catalogue:
            assert key not in seen, f"{key} is in {seen.get(key)} and {name}"
            seen[key] = name
    assert set(formatting.CATALOGUES["cost_category"]) == set(catalogues.COST_CATEGORIES)
    assert formatting.catalogue_keys() == frozenset(seen)


# -- quotation marks and IBANs in documents (issue 18, item 7) --------------------------------


@pytest.mark.parametrize(
    ("text", "nested"),
    [
        # a title that brings its own quotes, quoted by the template
        (
            "Projekt „Forumtheater „Was würdest du tun?““",
            "Projekt „Forumtheater ‚Was würdest du tun?‘“",
        ),
        # a value already in quotes, quoted again: the inner pair goes
        ("für „„Demokratiefest““", "für „Demokratiefest“"),
        ("„„„X“““", "„X“"),
        # a declaration quoting the programme's name, quoted in a rejection
        (
            "Erklärung „In der … „Demokratie leben!“ hingewiesen.“",
            "Erklärung „In der … ‚Demokratie leben!‘ hingewiesen.“",
        ),
        # already right, three levels deep, or two pairs side by side: unchanged
        ("„a ‚b‘ c“", "„a ‚b‘ c“"),
        ("„a ‚b „c“ d‘ e“", "„a ‚b „c“ d‘ e“"),
        ("„x“ und „y“", "„x“ und „y“"),
        # an English closing mark after a German opening one
        ("„Mut”", "„Mut“"),
        # marks that do not pair up are left alone (English quotes, a stray mark)
        ("“Hello”", "“Hello”"),
        ("kaputt „a", "kaputt „a"),
        ("Peter’s", "Peter’s"),
    ],
)
def test_german_quotes_nest_and_are_not_doubled(text: str, nested: str) -> None:
    assert formatting.nest_quotes(text) == nested


def test_quote_edits_name_positions_so_runs_keep_their_formatting() -> None:
    assert formatting.quote_edits("„„A““") == {1: "", 3: ""}
    assert formatting.quote_edits("„a „b“ c“") == {3: "‚", 5: "‘"}


def test_ibans_in_a_bank_line_do_not_break() -> None:
    line = formatting.unbreakable_ibans("Sparkasse Beispielstadt, IBAN DE12 5001 0517 0648 4898 90")
    assert (
        line
        == "Sparkasse Beispielstadt, IBAN\u00a0DE12\u00a05001\u00a00517\u00a00648\u00a04898\u00a090"
    )
    assert formatting.unbreakable_ibans("IBAN: DE02120300000000202051, BIC X") == (
        "IBAN:\u00a0DE02\u00a01203\u00a00000\u00a00000\u00a02020\u00a051, BIC X"
    )
    assert formatting.unbreakable_ibans("Kasse der Stadt") == "Kasse der Stadt"
    assert formatting.iban("de02120300000000202051", space="\u00a0").count("\u00a0") == 5
