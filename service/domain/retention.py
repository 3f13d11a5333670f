"""How long a file is kept (R26): which retention rule applies and when it ends.

Pure Python. German administrative practice counts retention periods from the end of the
calendar year in which the triggering event happened (the file was closed, the application
rejected or withdrawn): a file closed on 10 May 2026 with 10 years is kept until
31 December 2036 and may be deleted from 1 January 2037. The operations decide which event
anchors a file; this module only does the calendar arithmetic and the classification.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .labelled import LabelledEnum
from .messages import N_
from .states import ApplicationState

# The programme's minimum after the usage-of-funds report (domain.md: "at least 5 years");
# a configuration below it is refused rather than silently deleting too early.
MINIMUM_GRANTED_YEARS = 5


class RetentionRule(LabelledEnum):
    """Which period applies to a file; stored on the tombstone."""

    granted = "granted", N_("Granted file")
    rejected = "rejected", N_("Rejected or withdrawn application")
    draft = "draft", N_("Draft never submitted")


class RetentionConfigError(ValueError):
    """A retention period that cannot be right (negative, below the legal minimum)."""


@dataclass(frozen=True)
class RetentionPolicy:
    """Whole years per rule, counted from the end of the anchor's calendar year."""

    granted_years: int = 10
    rejected_years: int = 3
    draft_years: int = 1

    def __post_init__(self) -> None:
        for name in ("granted_years", "rejected_years", "draft_years"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise RetentionConfigError(f"{name} must be a whole number of years ≥ 0")
        if self.granted_years < MINIMUM_GRANTED_YEARS:
            raise RetentionConfigError(
                f"granted_years must be at least {MINIMUM_GRANTED_YEARS} (records are kept at "
                "least five years after the usage-of-funds report)"
            )

    def years(self, rule: RetentionRule) -> int:
        return {
            RetentionRule.granted: self.granted_years,
            RetentionRule.rejected: self.rejected_years,
            RetentionRule.draft: self.draft_years,
        }[rule]


def kept_until(anchor: date, years: int) -> date:
    """The last day of the retention period: 31 December of the anchor's year + ``years``."""
    return date(anchor.year + years, 12, 31)


def is_due(anchor: date, years: int, today: date) -> bool:
    """True from 1 January after :func:`kept_until`."""
    return today > kept_until(anchor, years)


def classify(state: ApplicationState, *, submitted: bool, granted: bool) -> RetentionRule | None:
    """The rule for a file in ``state``; None while the file is still open.

    ``submitted``: the application was ever submitted (it has a date of receipt).
    ``granted``: a grant notice was issued for it (a later withdrawal or revocation does not
    shorten the period: the notice and any refund are the records auditors ask for).
    Open files – anything but a final state, and a draft – are never due: the coordination
    office must close or withdraw them first.
    """
    if not submitted:
        if state in (ApplicationState.draft, ApplicationState.withdrawn):
            return RetentionRule.draft
        return None
    if not state.is_final:
        return None
    return RetentionRule.granted if granted else RetentionRule.rejected
