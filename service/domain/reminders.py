"""Reminders after the grant (issue 19.4): which e-mail is due on which day. Pure Python.

Every reminder is about a :class:`Deadline` – something the recipient owes by a day: the
usage-of-funds report of an application, or the refund a refund notice claims (until it has
been received in full). A deadline gets at most two reminders, each once: one in the
:data:`DUE_SOON_DAYS` before its day, one after it has passed. Their key – kind, subject and
due day – is stored when the reminder is sent (``sent_reminder``), so the same reminder is
never sent twice; a changed due day (an amendment extends the period) is a new deadline.

A new subject plugs in by one function that lists its deadlines (the operations'
``DEADLINE_SOURCES``) and its two kinds in :data:`KINDS`, with their mail texts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from .labelled import LabelledEnum
from .messages import N_

# "14 Tage vor Fälligkeit" (issue 19.4): time enough to write the report or ask for more time
DUE_SOON_DAYS = 14
# no "due soon" reminder in the first days after the deadline was made known (a refund notice
# with its due day, sent by e-mail): it would only repeat the letter the recipient just got
QUIET_DAYS = 7


class ReminderKind(LabelledEnum):
    report_due = "report_due", N_("Report due soon")
    report_overdue = "report_overdue", N_("Report overdue")
    refund_due = "refund_due", N_("Refund due soon")
    refund_overdue = "refund_overdue", N_("Refund overdue")


class Subject(LabelledEnum):
    """What a deadline is about; the id of a deadline is the id of this subject's row."""

    report = "usage_report", N_("Usage-of-funds report")
    # the id is the report review's that issued the refund notice
    refund = "refund", N_("Refund")


# (before the day, after the day) for each subject
KINDS: Mapping[Subject, tuple[ReminderKind, ReminderKind]] = {
    Subject.report: (ReminderKind.report_due, ReminderKind.report_overdue),
    Subject.refund: (ReminderKind.refund_due, ReminderKind.refund_overdue),
}

Key = tuple[str, int, date]


@dataclass(frozen=True)
class Deadline:
    """``subject_id`` (the application for a report, the review for a refund) owes something
    by ``due_on``; ``known_since``: the day the recipient was told the due day (a refund
    notice's day), None when it is older than any reminder (the report's, in the grant)."""

    subject: Subject
    subject_id: int
    application_id: int
    due_on: date
    known_since: date | None = None

    def days_left(self, today: date) -> int:
        """Days until the due day (negative: days overdue)."""
        return (self.due_on - today).days


@dataclass(frozen=True)
class Reminder:
    kind: ReminderKind
    deadline: Deadline

    @property
    def key(self) -> Key:
        return (self.kind.value, self.deadline.subject_id, self.deadline.due_on)


def kind_on(deadline: Deadline, today: date) -> ReminderKind | None:
    """The reminder a deadline calls for on ``today``: "due soon" from :data:`DUE_SOON_DAYS`
    before its day up to the day itself – but not in the :data:`QUIET_DAYS` after the day it
    was made known –, "overdue" from the day after; None earlier."""
    before, after = KINDS[deadline.subject]
    if today > deadline.due_on:
        return after
    if deadline.known_since is not None and today < deadline.known_since + timedelta(
        days=QUIET_DAYS
    ):
        return None
    if today >= deadline.due_on - timedelta(days=DUE_SOON_DAYS):
        return before
    return None


def plan(
    deadlines: Iterable[Deadline], today: date, sent: frozenset[Key] | set[Key]
) -> list[Reminder]:
    """The reminders to send on ``today``: one per deadline that calls for one and whose key
    is not in ``sent``, in the order of their keys – two overlapping runs insert their rows
    in the same order, so one waits for the other instead of both waiting for each other. A
    "due soon" reminder that was missed (the notice came late, the job did not run) is not
    sent once the day has passed: the "overdue" one is.
    """
    result: list[Reminder] = []
    for deadline in deadlines:
        kind = kind_on(deadline, today)
        if kind is None:
            continue
        reminder = Reminder(kind, deadline)
        if reminder.key not in sent:
            result.append(reminder)
    return sorted(result, key=lambda reminder: reminder.key)


def overdue(deadlines: Iterable[Deadline], today: date) -> list[Deadline]:
    """The deadlines that have passed, the longest overdue first."""
    return sorted(
        (d for d in deadlines if d.due_on < today), key=lambda d: (d.due_on, d.subject_id)
    )
