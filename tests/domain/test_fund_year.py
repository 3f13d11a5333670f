"""Next year's guideline (service/domain/fund_year.py): key, name, year and every date moved
by whole years, the budget kept; the copy reads back with the one guideline reader."""

from __future__ import annotations

from datetime import date

import pytest

from service.domain.fund_year import CopyError, copy_guideline_text, key_for_year, shift_date
from service.domain.guideline import load_guideline_text

from .helpers import FIXTURES

AIF = (FIXTURES / "guideline-aif-2026.toml").read_text(encoding="utf-8")


def test_keys_and_leap_days() -> None:
    assert key_for_year("AIF-2026", 2026, 2027) == "AIF-2027"
    assert key_for_year("AIF", 2026, 2027) == "AIF-2027"
    assert shift_date(date(2028, 2, 29), 1) == date(2029, 2, 28)
    assert shift_date(date(2026, 3, 9), 2) == date(2028, 3, 9)


def test_the_copy_reads_back_with_dates_moved_and_the_budget_kept() -> None:
    text = AIF.replace(
        'sessions = ["2026-03-10", "2026-05-12", "2026-09-08"]',
        'sessions = [{ date = "2026-03-09", deadline = "2026-02-27" }, "2026-09-07"]',
    ).replace('latest_end = "2026-11-30"', "latest_end = 2026-11-30")

    copied = copy_guideline_text(text, 2027, source="Version 3")
    rules = load_guideline_text(copied)

    assert copied.startswith("# Fördergrundsätze Aktions- und Initiativfonds 2027 – Entwurf")
    assert "(Version 3)" in copied.splitlines()[0]
    assert (rules.fund_key, rules.fund_name, rules.year) == (
        "AIF-2027",
        "Aktions- und Initiativfonds 2027",
        2027,
    )
    assert rules.session_deadlines == (
        (date(2027, 3, 9), date(2027, 2, 27)),
        (date(2027, 9, 7), date(2027, 8, 24)),
    )
    assert rules.latest_end == date(2027, 11, 30)
    original = load_guideline_text(text)
    assert rules.budget == original.budget
    assert rules.max_rate == original.max_rate
    assert rules.categories == original.categories


@pytest.mark.parametrize("year", [2026, 2025])
def test_only_a_later_year_is_accepted(year: int) -> None:
    with pytest.raises(CopyError):
        copy_guideline_text(AIF, year)
