"""The base rate table (Basiszinssatz, § 247 BGB) as an administrator keeps it (issue 19.3).

One table for the whole installation: the rate is the Bundesbank's, the same for every
partnership. The migration that made it filled it with the rows shipped in
service/domain/base_rates.toml; an administrator adds each new half-year with its source.
Rows are only added, never changed (a wrong value is corrected by the operator, with the
audit log's record of who entered it). :func:`service.operations.base_rates.kept_base_rates`
builds the domain's :class:`~service.domain.base_rates.BaseRateTable` from the rows.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, utcnow

# percent per year, as published (two places), room for the four the shipped file allows
RATE = Numeric(7, 4)


class BaseRateRow(Base):
    __tablename__ = "base_rate"

    id: Mapped[int] = mapped_column(primary_key=True)
    # the first day the rate applies: a 1 January or 1 July, once
    starts_on: Mapped[date] = mapped_column(unique=True)
    rate: Mapped[Decimal] = mapped_column(RATE)
    source: Mapped[str] = mapped_column(String(300), default="")
    # shipped from memory without a second source (base_rates.toml): to be compared
    unsure: Mapped[bool] = mapped_column(default=False)
    # "shipped" for the rows of the file, else the account that entered it (its e-mail)
    entered_by: Mapped[str] = mapped_column(String(254), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
