"""Retention periods (R26): counted from the end of the calendar year; which rule applies."""

from __future__ import annotations

from datetime import date

import pytest

from service.domain.retention import (
    RetentionConfigError,
    RetentionPolicy,
    RetentionRule,
    classify,
    is_due,
    kept_until,
)
from service.domain.states import ApplicationState as S


def test_a_period_ends_on_31_december_of_the_anchor_year_plus_the_years():
    assert kept_until(date(2026, 5, 10), 10) == date(2036, 12, 31)
    assert kept_until(date(2026, 12, 31), 3) == date(2029, 12, 31)
    assert kept_until(date(2026, 1, 1), 1) == date(2027, 12, 31)


def test_a_file_is_due_from_1_january_after_the_last_day():
    assert not is_due(date(2026, 5, 10), 10, date(2036, 12, 31))
    assert is_due(date(2026, 5, 10), 10, date(2037, 1, 1))


@pytest.mark.parametrize(
    ("state", "submitted", "granted", "rule"),
    [
        (S.closed, True, True, RetentionRule.granted),
        (S.withdrawn, True, True, RetentionRule.granted),
        (S.closed, True, False, RetentionRule.rejected),
        (S.withdrawn, True, False, RetentionRule.rejected),
        (S.draft, False, False, RetentionRule.draft),
        (S.withdrawn, False, False, RetentionRule.draft),
        (S.rejected, True, False, None),
        (S.in_payment, True, True, None),
        (S.report_submitted, True, True, None),
        (S.deferred, True, False, None),
    ],
)
def test_the_rule_follows_the_final_state_and_whether_a_grant_was_issued(
    state, submitted, granted, rule
):
    assert classify(state, submitted=submitted, granted=granted) == rule


def test_periods_below_the_minimum_or_negative_are_refused():
    with pytest.raises(RetentionConfigError):
        RetentionPolicy(granted_years=4)
    with pytest.raises(RetentionConfigError):
        RetentionPolicy(rejected_years=-1)
    assert RetentionPolicy().years(RetentionRule.draft) == 1
