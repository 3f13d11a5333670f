"""When a committee session takes place (issue 20.6): its times, whether it has happened, and
what may still change about it.

Pure rules, no storage: the operations (service/operations/sessions.py) ask these before they
change a session, the pages ask them what to show.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

from .messages import N_, Message

END_BEFORE_START = N_(
    "The end time must be after the start time (%(start)s). Please check both times."
)
DATE_IN_PAST = N_(
    "The date %(date)s is in the past. If the session really took place then, nothing needs to "
    "be done; otherwise please correct the date."
)
NOT_HAPPENED = N_(
    "The session takes place on %(date)s. Its decisions can be recorded from that day on."
)
DECIDED_CLOSED = N_("The session has already decided; it can no longer be changed.")
CANCELLED_CLOSED = N_("The session was cancelled; it can no longer be changed.")
NOT_DELETABLE = N_(
    "The session cannot be deleted because votes or documents are recorded for it. Please "
    "cancel it instead; it then stays listed as cancelled."
)
CANCEL_REASON_MISSING = N_("Please give the reason for the cancellation (for the records).")
NEXT_NOT_LATER = N_(
    "The next session must take place after this one (%(date)s). Please choose a later date."
)


@dataclass(frozen=True)
class Problem:
    """A problem with one field of a session form (``field`` is the form's name)."""

    field: str
    message: Message


def time_problems(start: time | None, end: time | None) -> list[Problem]:
    """The end of a session must be after its start (when both are known)."""
    if start is not None and end is not None and end <= start:
        return [Problem("end_time", Message(END_BEFORE_START, {"start": start.strftime("%H:%M")}))]
    return []


def past_warning(held_on: date, today: date) -> Message | None:
    """A warning, not a refusal: sessions are also recorded after the fact."""
    if held_on < today:
        return Message(DATE_IN_PAST, {"date": held_on})
    return None


def has_happened(held_on: date, today: date) -> bool:
    """A session has happened from its own day on; before that it has no quorum, no
    attendance and no decisions – only the members expected."""
    return held_on <= today


def next_date_problems(held_on: date, next_on: date | None) -> list[Problem]:
    if next_on is not None and next_on <= held_on:
        return [Problem("next_on", Message(NEXT_NOT_LATER, {"date": held_on}))]
    return []
