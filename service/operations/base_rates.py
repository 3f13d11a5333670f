"""The base rate table an administrator keeps (issue 19.3): list, add, and the one lookup.

Every interest computed for a real grant – the refund notice's – takes its rates from
:func:`kept_base_rates`: the rows of the ``base_rate`` table as the domain's
:class:`~service.domain.base_rates.BaseRateTable`. ``check closing`` (command and API) reads the
rows in its input instead, as the contract says. Adding a row is audited; it flushes, never
commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from ..domain.base_rates import (
    BaseRate,
    BaseRateTable,
    new_rate_problems,
    parse_rate_text,
    shipped_base_rates,
)
from ..domain.messages import N_, Localizer, Message
from ..errors import Refused
from ..models import BaseRateRow, utcnow
from ..uow import UnitOfWork
from . import audit
from .once import insert_once

CENT = Decimal("0.01")


class RateRefused(Refused):
    """A new row cannot be added; ``problems`` are all the reasons (the form shows each)."""

    def __init__(self, problems: Sequence[Message]) -> None:
        super().__init__(problems[0])
        self.problems = tuple(problems)

    def render(self, localizer: Localizer) -> str:
        return " ".join(problem.render(localizer) for problem in self.problems)


def rate_rows(uow: UnitOfWork) -> list[BaseRateRow]:
    """The rows in date order, the latest last."""
    return list(uow.session.scalars(select(BaseRateRow).order_by(BaseRateRow.starts_on)))


def table_of(rows: Sequence[BaseRateRow]) -> BaseRateTable:
    shipped = shipped_base_rates()
    return BaseRateTable.of(
        (BaseRate(row.starts_on, _as_published(row.rate), row.unsure, row.source) for row in rows),
        shipped.source,
        shipped.url,
    )


def _as_published(rate: Decimal) -> Decimal:
    """The rate with the two places it was published with (the column keeps four):
    "1.27", as the shipped file and ``check closing``'s input write it."""
    two = rate.quantize(CENT)
    return two if two == rate else rate


def kept_base_rates(uow: UnitOfWork) -> BaseRateTable:
    """The base rates for interest on a real grant: the table the administrator keeps."""
    return table_of(rate_rows(uow))


def rate_problems(
    uow: UnitOfWork, *, starts_on: date | None, rate_text: str, source: str
) -> list[tuple[str, Message]]:
    """(field, message) for each reason the row cannot be added (a form shows them at their
    fields before it calls :func:`add_base_rate`)."""
    rate = parse_rate_text(rate_text)
    return new_rate_problems(kept_base_rates(uow), starts_on, rate, source, uow.today())


def add_base_rate(
    uow: UnitOfWork,
    *,
    starts_on: date | None,
    rate_text: str,
    source: str,
    partnership_id: int | None = None,
) -> BaseRateRow:
    """Add the rate of a new half-year with its source; :class:`RateRefused` with every
    problem (German-ready) when the day, the value or the source is not acceptable."""
    problems = rate_problems(uow, starts_on=starts_on, rate_text=rate_text, source=source)
    rate = parse_rate_text(rate_text)
    if problems or starts_on is None or rate is None:
        raise RateRefused([message for _field, message in problems])
    row_id = insert_once(
        uow.session,
        BaseRateRow,
        {
            "starts_on": starts_on,
            "rate": rate.quantize(CENT),
            "source": source.strip(),
            "unsure": False,
            "entered_by": uow.actor.name or str(uow.actor),
            "created_at": utcnow(),
        },
    )
    if row_id is None:
        # another administrator entered the same half-year a moment ago
        raise RateRefused(
            [
                Message(
                    N_(
                        "The table already has a base rate from %(day)s. A half-year is "
                        "entered once; if the value is wrong, please contact the operator."
                    ),
                    {"day": starts_on},
                )
            ]
        )
    row = uow.session.get_one(BaseRateRow, row_id)
    audit.record(
        uow.session,
        uow.actor,
        "base_rate.add",
        "base_rate",
        row.id,
        partnership_id=partnership_id,
        starts_on=starts_on.isoformat(),
        rate=str(rate.quantize(CENT)),
        source=row.source,
    )
    return row
