"""Checking an input against a stored fund: the JSON API's operation."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from ..domain.check import GUIDED_KINDS, CheckResult, Kind, check, invalid_option_result
from ..domain.messages import N_, Message
from .funds import committed_amount, find_funds_by_key


class FundNotFound(LookupError):
    pass


def check_against_fund(
    session: Session,
    kind: Kind,
    data: Any,
    fund_key: str | None,
    partnership_slug: str | None = None,
    *,
    today: date,
) -> CheckResult:
    """Run the rules of ``kind`` on ``data`` with the fund's current guideline and the money
    already committed in it. A meeting and a closing need no fund (a closing brings its own
    base rates).

    Raises :class:`FundNotFound` when no fund (or more than one, without a partnership) has
    the key.
    """
    if kind not in GUIDED_KINDS:
        return check(kind, data, today=today)
    if not fund_key:
        return invalid_option_result(
            kind,
            "fund",
            Message(
                N_(
                    "Please name the fund whose funding principles apply, for example "
                    "?fund=AIF-2026."
                )
            ),
        )
    funds = find_funds_by_key(session, fund_key, partnership_slug)
    if len(funds) != 1:
        raise FundNotFound(fund_key)
    fund = funds[0]
    return check(kind, data, fund.guideline, committed_amount(session, fund), today=today)
