"""Migration 0013 (issue 16.2): decisions recorded before it get the guideline version that is
current at migration time; funds stay open and are no drafts."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import Connection, MetaData, Table, create_engine, inspect, pool, text
from sqlalchemy import types as sqltypes

from service.models.migrate import upgrade

# on PostgreSQL too (tests/conftest.py): the migrations
pytestmark = pytest.mark.db_semantics

NOW = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)


def insert(connection: Connection, table: str, **values: Any) -> None:
    """A row with ``values``; every other NOT NULL column without a default gets a blank."""
    for column in inspect(connection).get_columns(table):
        name = column["name"]
        if name in values or column["nullable"] or column.get("default") is not None:
            continue
        kind = column["type"]
        if isinstance(kind, sqltypes.Boolean):
            values[name] = False
        elif isinstance(kind, sqltypes.Integer | sqltypes.Numeric):
            values[name] = 0
        elif isinstance(kind, sqltypes.DateTime):
            values[name] = NOW
        elif isinstance(kind, sqltypes.Date):
            values[name] = NOW.date()
        elif isinstance(kind, sqltypes.JSON):
            values[name] = "{}"
        else:
            values[name] = ""
    # the table as it is at this revision (reflected), not the models' current one
    reflected = Table(table, MetaData(), autoload_with=connection)
    connection.execute(reflected.insert().values(**values))


def test_old_decisions_get_the_version_current_at_migration_time(blank_db_url):
    upgrade(blank_db_url, "0012_partnership_settings")
    engine = create_engine(blank_db_url, poolclass=pool.NullPool)
    try:
        with engine.begin() as connection:
            insert(connection, "partnership", id=1, slug="musterstadt", name="PfD Musterstadt")
            insert(connection, "fund", id=1, partnership_id=1, key="AIF-2026")
            for version in (1, 2):
                insert(connection, "fund_guideline", id=10 + version, fund_id=1, version=version)
            insert(connection, "application", id=1, fund_id=1, state="approved", version=1)
            insert(
                connection,
                "decision",
                id=1,
                application_id=1,
                outcome="approved",
                decided_on=date(2026, 3, 10),
            )

        upgrade(blank_db_url)

        with engine.connect() as connection:
            assert connection.scalar(text("SELECT guideline_id FROM decision")) == 12
            row = connection.execute(text("SELECT accepts_applications, draft FROM fund")).one()
            assert bool(row[0]) is True
            assert bool(row[1]) is False
    finally:
        engine.dispose()
