"""The rules of a notice's decision (Bescheid), beyond those of the application it decides.

The decision is read and checked where the notice is rendered (``documents/context/notice``);
its rules are defined here, with the others, so that the catalogue lists them.
"""

from __future__ import annotations

from .findings import RuleKind, define
from .messages import N_

NOTICE = RuleKind("notice", N_("Notice"), 50)

DECISION_END_BEFORE_START = define(
    NOTICE,
    "period.end-before-start",
    "error",
    N_(
        "The approved period ends (%(end)s) before it begins (%(start)s). "
        "Please check both dates of the decision."
    ),
)
# interchange.md: an approval may grant less than was applied for, never more
DECISION_AMOUNT_ABOVE_REQUESTED = define(
    NOTICE,
    "decision.amount-above-requested",
    "error",
    N_(
        "The approved amount of %(amount)s is higher than the requested grant of "
        "%(requested)s. A notice may not grant more than was applied for; please "
        "correct the amount of the decision."
    ),
)
