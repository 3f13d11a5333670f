"""The Alembic migrations are the only source of the schema and must match the models."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect, pool

from service.models import Base
from service.models.migrate import current, downgrade, head, upgrade

# on PostgreSQL too (tests/conftest.py): the migrations
pytestmark = pytest.mark.db_semantics


def _schema_diff(url: str) -> list[object]:
    engine = create_engine(url, poolclass=pool.NullPool)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            return list(compare_metadata(context, Base.metadata))
    finally:
        engine.dispose()


def _tables(url: str) -> set[str]:
    engine = create_engine(url, poolclass=pool.NullPool)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_the_migrations_create_exactly_the_schema_of_the_models(blank_db_url):
    upgrade(blank_db_url)

    assert _schema_diff(blank_db_url) == []


def test_a_new_database_has_no_revision_and_a_migrated_one_is_at_head(blank_db_url):
    assert current(blank_db_url) is None

    upgrade(blank_db_url)

    assert current(blank_db_url) == head()


def test_downgrading_to_base_removes_every_table_and_upgrading_again_works(blank_db_url):
    upgrade(blank_db_url)

    downgrade(blank_db_url, "base")
    assert _tables(blank_db_url) <= {"alembic_version"}

    upgrade(blank_db_url)
    assert set(Base.metadata.tables) <= _tables(blank_db_url)


def test_upgrading_twice_changes_nothing(blank_db_url):
    upgrade(blank_db_url)
    upgrade(blank_db_url)

    assert current(blank_db_url) == head()
    assert _schema_diff(blank_db_url) == []
