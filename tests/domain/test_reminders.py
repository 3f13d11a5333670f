"""Which reminder a deadline calls for on a day (issue 19.4): "due soon" from 14 days before up
to the day itself, "overdue" from the day after, each once per (kind, subject, due day)."""

from __future__ import annotations

from datetime import date, timedelta

from service.domain.reminders import (
    DUE_SOON_DAYS,
    Deadline,
    ReminderKind,
    Subject,
    kind_on,
    overdue,
    plan,
)

DUE = date(2026, 8, 11)


def deadline(subject_id: int = 7, due: date = DUE) -> Deadline:
    return Deadline(Subject.report, subject_id, subject_id, due)


def test_nothing_is_due_before_the_fortnight() -> None:
    assert DUE_SOON_DAYS == 14
    assert kind_on(deadline(), DUE - timedelta(days=15)) is None


def test_due_soon_from_fourteen_days_before_up_to_the_day_itself() -> None:
    assert kind_on(deadline(), DUE - timedelta(days=14)) is ReminderKind.report_due
    assert kind_on(deadline(), DUE) is ReminderKind.report_due


def test_overdue_from_the_day_after() -> None:
    assert kind_on(deadline(), DUE + timedelta(days=1)) is ReminderKind.report_overdue
    assert kind_on(deadline(), DUE + timedelta(days=400)) is ReminderKind.report_overdue


def test_a_sent_reminder_is_not_planned_again_but_the_next_kind_is() -> None:
    today = DUE - timedelta(days=3)
    [first] = plan([deadline()], today, set())
    assert first.key == ("report_due", 7, DUE)
    assert plan([deadline()], today, {first.key}) == []
    [later] = plan([deadline()], DUE + timedelta(days=1), {first.key})
    assert later.kind is ReminderKind.report_overdue


def test_a_missed_due_soon_reminder_is_not_sent_after_the_day() -> None:
    reminders = plan([deadline()], DUE + timedelta(days=5), set())
    assert [r.kind for r in reminders] == [ReminderKind.report_overdue]


def test_a_new_due_day_is_a_new_reminder() -> None:
    """An amendment notice extends the period: the new due day is reminded of again."""
    sent = {("report_due", 7, DUE)}
    moved = DUE + timedelta(days=30)
    [reminder] = plan([deadline(due=moved)], moved - timedelta(days=2), sent)
    assert reminder.key == ("report_due", 7, moved)


def test_the_plan_is_in_key_order_whatever_order_the_deadlines_come_in() -> None:
    today = DUE + timedelta(days=1)
    reminders = plan([deadline(9), deadline(3), deadline(5)], today, set())
    assert [r.deadline.subject_id for r in reminders] == [3, 5, 9]


def test_overdue_lists_the_longest_overdue_first_and_leaves_out_the_day_itself() -> None:
    today = DUE
    late = deadline(1, DUE - timedelta(days=2))
    later = deadline(2, DUE - timedelta(days=20))
    assert overdue([late, deadline(3), later], today) == [later, late]
