"""Issuing and notifying in the domain (issue 17, item 9): the dates of an approval that are
already past on its day of issue, the day a notice counts as notified (§ 41 (2) VwVfG), its
remedy deadline, when it is final, and what is wrong with a waiver of the remedy."""

from __future__ import annotations

from datetime import date

import pytest

from service.domain.messages import PlainLocalizer
from service.domain.notice import (
    DATES_BOTH_PAST,
    DATES_PERIOD_PAST,
    ISSUE_NOT_CONFIRMED,
    WAIVER_BEFORE_ISSUE,
    WAIVER_IN_FUTURE,
    WAIVER_NOT_A_GRANT,
    final_from,
    notice_final,
    notification_day,
    past_dates,
    remedy_deadline,
    report_due_on,
    unconfirmed_issue,
    waiver_problems,
)
from service.domain.working_days import easter_sunday, is_working_day, next_working_day

# -- working days ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "easter"),
    [
        (2024, date(2024, 3, 31)),
        (2025, date(2025, 4, 20)),
        (2026, date(2026, 4, 5)),
        (2027, date(2027, 3, 28)),
        (2038, date(2038, 4, 25)),
    ],
)
def test_easter_sunday_is_computed_for_any_year(year, easter):
    assert easter_sunday(year) == easter


@pytest.mark.parametrize(
    "day",
    [
        date(2026, 1, 1),  # New Year
        date(2026, 4, 3),  # Good Friday
        date(2026, 4, 6),  # Easter Monday
        date(2026, 5, 14),  # Ascension Day
        date(2026, 5, 25),  # Whit Monday
        date(2026, 6, 4),  # Corpus Christi (some Länder)
        date(2026, 10, 3),  # German Unity Day
        date(2025, 10, 31),  # a Friday: Reformation Day (Mecklenburg-Vorpommern and others)
        date(2026, 11, 18),  # Day of Repentance and Prayer (Saxony)
        date(2027, 3, 8),  # Women's Day (Berlin, Mecklenburg-Vorpommern), a Monday
        date(2026, 12, 26),
        date(2026, 12, 5),  # a Saturday
        date(2026, 12, 6),  # a Sunday
    ],
)
def test_no_working_day(day):
    assert not is_working_day(day)


def test_ordinary_weekdays_are_working_days_and_the_next_one_is_found():
    assert is_working_day(date(2026, 12, 9))
    assert is_working_day(date(2026, 12, 24))  # Christmas Eve is no public holiday
    assert next_working_day(date(2026, 12, 25)) == date(2026, 12, 28)
    assert next_working_day(date(2026, 4, 3)) == date(2026, 4, 7)


# -- notification ------------------------------------------------------------------------


def test_a_notice_posted_on_a_saturday_counts_as_notified_on_the_fourth_day():
    # Saturday 5 December 2026 + 4 days: Wednesday 9 December
    assert notification_day(date(2026, 12, 5), 4) == date(2026, 12, 9)


def test_the_days_come_from_the_settings_three_or_four():
    assert notification_day(date(2026, 12, 7), 3) == date(2026, 12, 10)
    assert notification_day(date(2026, 12, 7), 4) == date(2026, 12, 11)


def test_a_notification_day_on_a_weekend_or_holiday_moves_to_the_next_working_day():
    # Tuesday 22 December + 4: Saturday 26 December (a holiday, too) → Monday 28 December
    assert notification_day(date(2026, 12, 22), 4) == date(2026, 12, 28)
    # Wednesday 1 April + 4: Easter Sunday → Easter Monday is a holiday → Tuesday 7 April
    assert notification_day(date(2026, 4, 1), 4) == date(2026, 4, 7)


def test_notification_needs_at_least_one_day():
    with pytest.raises(ValueError, match="at least 1"):
        notification_day(date(2026, 12, 7), 0)


def test_the_remedy_deadline_ends_a_month_later_on_the_same_day_or_the_months_last():
    assert remedy_deadline(date(2026, 12, 10)) == date(2027, 1, 11)  # 10 Jan is a Sunday
    assert remedy_deadline(date(2026, 11, 11)) == date(2026, 12, 11)
    # § 188 (3) BGB: no 31 February
    assert remedy_deadline(date(2027, 1, 31)) == date(2027, 3, 1)  # 28 Feb 2027 is a Sunday
    assert remedy_deadline(date(2028, 1, 31)) == date(2028, 2, 29)  # a leap year, a Tuesday


def test_a_notice_is_final_the_day_after_its_remedy_deadline():
    notified = date(2026, 11, 11)
    assert final_from(notified, None) == date(2026, 12, 12)
    assert not notice_final(notified, None, date(2026, 12, 11))
    assert notice_final(notified, None, date(2026, 12, 12))


def test_a_waiver_makes_it_final_from_its_day_but_not_before_the_notification():
    notified = date(2026, 12, 9)
    assert final_from(notified, date(2026, 12, 15)) == date(2026, 12, 15)
    # declared on receipt, before the day the notice counts as notified
    assert final_from(notified, date(2026, 12, 7)) == notified
    assert not notice_final(notified, date(2026, 12, 7), date(2026, 12, 8))
    assert notice_final(notified, date(2026, 12, 7), date(2026, 12, 9))


def test_without_a_notification_day_only_a_waiver_makes_a_notice_final():
    assert final_from(None, None) is None
    assert not notice_final(None, None, date(2030, 1, 1))
    assert notice_final(None, date(2026, 12, 7), date(2026, 12, 7))


# -- dates already past on the day of issue -----------------------------------------------


def test_nothing_is_past_for_a_rejection_or_a_period_that_ends_today_or_later():
    today = date(2026, 12, 5)
    assert past_dates(None, 42, today) is None
    assert past_dates(today, 42, today) is None
    assert past_dates(date(2027, 3, 1), 42, today) is None


def test_a_period_over_but_a_report_still_due_is_named_with_both_dates():
    past = past_dates(date(2026, 10, 30), 42, date(2026, 12, 5))

    assert past is not None
    assert past.report_due == report_due_on(date(2026, 10, 30), 42) == date(2026, 12, 11)
    assert not past.due_past
    warning = past.warning()
    assert warning.msgid == DATES_PERIOD_PAST
    assert warning.render(PlainLocalizer()) == (
        "The approved period ended on 2026-10-30, before the day of issue (2026-12-05); "
        "the usage-of-funds report is due on 2026-12-11."
    )


def test_a_period_and_a_report_deadline_both_over_are_named():
    past = past_dates(date(2026, 6, 30), 42, date(2026, 12, 5))

    assert past is not None
    assert past.due_past
    assert past.warning().msgid == DATES_BOTH_PAST
    text = past.refusal().render(PlainLocalizer())
    assert past.refusal().msgid == ISSUE_NOT_CONFIRMED
    assert "2026-06-30" in text
    assert "2026-08-11" in text
    assert "2026-12-05" in text
    assert text.startswith("The notice has not been issued.")


def test_issuing_with_past_dates_needs_the_confirmation():
    past = past_dates(date(2026, 6, 30), 42, date(2026, 12, 5))

    assert unconfirmed_issue(past, confirmed=False) == past.refusal()
    assert unconfirmed_issue(past, confirmed=True) is None
    assert unconfirmed_issue(None, confirmed=False) is None


# -- the waiver ----------------------------------------------------------------------------


def test_a_waiver_is_dated_between_the_issue_and_today_and_only_for_a_grant():
    issued, today = date(2026, 12, 5), date(2026, 12, 10)

    def problems(day: date, grant: bool = True) -> list[str]:
        found = waiver_problems(day, issued_on=issued, today=today, grant=grant)
        return [message.msgid for message in found]

    assert problems(date(2026, 12, 7)) == []
    assert problems(issued) == []
    assert problems(today) == []
    assert problems(date(2026, 12, 4)) == [WAIVER_BEFORE_ISSUE]
    assert problems(date(2026, 12, 11)) == [WAIVER_IN_FUTURE]
    assert problems(date(2026, 12, 7), grant=False) == [WAIVER_NOT_A_GRANT]
