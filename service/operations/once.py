"""``insert_once``: an INSERT that does nothing when a unique key is taken.

Used where two runs may write the same row at the same time – two administrators entering
the same half-year's base rate, two overlapping ``reminders send`` runs. PostgreSQL makes the
second insert wait for the first transaction and then do nothing (``ON CONFLICT DO
NOTHING``); SQLite lets one writer in at a time, so the second sees the first's row. Either
way the caller learns whether its row was written (its id) or not (None) without an error
that would end the transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import DeclarativeBase, Session


def insert_once(
    session: Session, model: type[DeclarativeBase], values: Mapping[str, Any]
) -> int | None:
    """Insert one row of ``model``; its id, or None when a unique constraint already holds
    a row with these values."""
    dialect = session.get_bind().dialect.name
    statement: postgresql.Insert | sqlite.Insert
    if dialect == "postgresql":
        statement = postgresql.insert(model).values(dict(values)).on_conflict_do_nothing()
    elif dialect == "sqlite":
        statement = sqlite.insert(model).values(dict(values)).on_conflict_do_nothing()
    else:  # pragma: no cover - the service runs on SQLite and PostgreSQL only
        raise RuntimeError(f"no insert_once for {dialect}")
    table = model.__table__
    found = session.execute(statement.returning(table.c.id)).scalar_one_or_none()
    return int(found) if found is not None else None
