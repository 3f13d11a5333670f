"""Sessions with the application deadline a partnership publishes itself (issue 16 item 2).

A real calendar: the committee meets on Mondays, the deadline is a Friday 10 or 17 days
before. ``fund.sessions`` entries are a date (deadline = session − submission_lead_days) or
``{ date = …, deadline = … }`` (that deadline, the day itself still in time).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from service.domain.check import check_application, guideline_findings
from service.domain.guideline import GuidelineError
from service.i18n import BabelLocalizer

from .helpers import aif_with_sessions, application, pairs

MONDAY_JUNE = date(2026, 6, 15)
FRIDAY_10_BEFORE = date(2026, 6, 5)
MONDAY_SEPTEMBER = date(2026, 9, 7)
FRIDAY_17_BEFORE = date(2026, 8, 21)
# the AIF example keeps 14 lead days for the session without its own deadline
MONDAY_NOVEMBER = date(2026, 11, 16)

SESSIONS = (
    '[{ date = "2026-06-15", deadline = "2026-06-05" },'
    ' { date = "2026-09-07", deadline = "2026-08-21" }, "2026-11-16"]'
)


def submitted(on: date, start: str = "2026-11-20", end: str = "2026-11-30") -> dict[str, Any]:
    data = application()
    data["submitted_on"] = on.isoformat()
    data["project"].update(start=start, end=end)
    return data


def test_the_calendar_is_real() -> None:
    assert [d.strftime("%A") for d in (MONDAY_JUNE, MONDAY_SEPTEMBER, MONDAY_NOVEMBER)] == [
        "Monday"
    ] * 3
    assert [d.strftime("%A") for d in (FRIDAY_10_BEFORE, FRIDAY_17_BEFORE)] == ["Friday"] * 2
    assert (MONDAY_JUNE - FRIDAY_10_BEFORE).days == 10
    assert (MONDAY_SEPTEMBER - FRIDAY_17_BEFORE).days == 17


def test_each_session_has_its_own_deadline_or_the_lead_days() -> None:
    rules = aif_with_sessions(SESSIONS)

    assert rules.sessions == (MONDAY_JUNE, MONDAY_SEPTEMBER, MONDAY_NOVEMBER)
    assert rules.session_deadlines == (
        (MONDAY_JUNE, FRIDAY_10_BEFORE),
        (MONDAY_SEPTEMBER, FRIDAY_17_BEFORE),
        (MONDAY_NOVEMBER, date(2026, 11, 2)),  # 14 lead days
    )
    assert rules.has_own_deadline(MONDAY_JUNE)
    assert not rules.has_own_deadline(MONDAY_NOVEMBER)


def test_the_friday_deadline_ten_days_ahead_is_in_time_where_the_lead_days_were_not() -> None:
    # 14 lead days would have ended on 1 June; the published Friday deadline is later
    result = check_application(
        submitted(FRIDAY_10_BEFORE),
        aif_with_sessions(SESSIONS),
        today=FRIDAY_10_BEFORE,
    )
    assert result.extra["session"] == MONDAY_JUNE
    assert "submission.no-session-left" not in {f.code for f in result.findings}


def test_the_saturday_after_the_deadline_goes_to_the_next_session() -> None:
    result = check_application(
        submitted(date(2026, 6, 6)), aif_with_sessions(SESSIONS), today=date(2026, 6, 6)
    )
    assert result.extra["session"] == MONDAY_SEPTEMBER


def test_a_deadline_seventeen_days_ahead_is_earlier_than_the_lead_days() -> None:
    # Saturday 22 August: 14 lead days would still reach 7 September, the deadline does not
    day = date(2026, 8, 22)
    result = check_application(submitted(day), aif_with_sessions(SESSIONS), today=day)
    assert result.extra["session"] == MONDAY_NOVEMBER
    on_friday = check_application(
        submitted(FRIDAY_17_BEFORE), aif_with_sessions(SESSIONS), today=FRIDAY_17_BEFORE
    )
    assert on_friday.extra["session"] == MONDAY_SEPTEMBER


def test_after_the_last_published_deadline_no_session_is_left_and_the_message_names_it() -> None:
    only = '[{ date = "2026-09-07", deadline = "2026-08-21" }]'
    day = date(2026, 8, 22)
    result = check_application(submitted(day), aif_with_sessions(only), today=day)

    assert ("submission.no-session-left", "submitted_on") in pairs(result.findings)
    assert result.extra["session"] is None
    finding = next(f for f in result.findings if f.code == "submission.no-session-left")
    german = finding.message.render(BabelLocalizer())
    assert "21.08.2026" in german or "21. August 2026" in german, german
    assert "Tage" not in german  # no lead days where the partnership published a deadline


@pytest.mark.parametrize(
    ("sessions", "fragment"),
    [
        ('[{ date = "2026-06-15", deadline = "2026-06-16" }]', "nach ihrer Sitzung"),
        ('[{ deadline = "2026-06-05" }]', "braucht ihr Datum"),
        ('[{ date = "2026-06-15", frist = "2026-06-05" }]', "„frist“"),
        ('[{ date = "2026-06-15", deadline = "5.6.2026" }]', "JJJJ-MM-TT"),
        ('["2026-06-15", "2026-06-15"]', "zweimal"),
        ('"2026-06-15"', "Liste"),
    ],
)
def test_a_broken_session_entry_is_named_in_german(sessions: str, fragment: str) -> None:
    with pytest.raises(GuidelineError) as raised:
        aif_with_sessions(sessions)

    findings = guideline_findings(raised.value)
    assert [(f.code, f.field) for f in findings] == [("guideline.invalid", "fund.sessions")]
    german = findings[0].message.render(BabelLocalizer())
    assert "„fund.sessions“" in german
    assert fragment in german, german
