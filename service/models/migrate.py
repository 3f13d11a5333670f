"""Running the Alembic migrations from Python: ``upgrade(url)``, ``current(url)``.

Used by ``foerderwerk db upgrade``, ``make run`` and the tests; no alembic.ini needed. The
only door to Alembic: the health check and the backup ask here (:func:`current_revision`,
:func:`head_revision`, :func:`is_known_revision`), nothing outside service/models imports it.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, create_engine, pool

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    # handed over as an attribute: a password with "%" would upset the ini interpolation
    config.attributes["url"] = url
    return config


def upgrade(url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)


def downgrade(url: str, revision: str) -> None:
    command.downgrade(alembic_config(url), revision)


def head() -> str:
    revision = ScriptDirectory.from_config(alembic_config("")).get_current_head()
    if revision is None:
        raise RuntimeError("no migrations found")
    return revision


def current(url: str) -> str | None:
    """The revision the database is at; None for a database never migrated."""
    engine = create_engine(url, poolclass=pool.NullPool)
    try:
        with engine.connect() as connection:
            return current_revision(connection)
    finally:
        engine.dispose()


def current_revision(connection: Connection) -> str | None:
    """The revision the database behind ``connection`` is at; None when never migrated."""
    return MigrationContext.configure(connection).get_current_revision()


@lru_cache(maxsize=1)
def _script() -> ScriptDirectory:
    # the migration scripts do not change while the process runs; reading them is not free
    return ScriptDirectory.from_config(alembic_config(""))


def head_revision() -> str | None:
    """The code's migration head (read once per process)."""
    return _script().get_current_head()


def is_known_revision(revision: str) -> bool:
    """Whether ``revision`` is one of the code's migrations (an older database), not one of
    a newer version or garbage."""
    try:
        return _script().get_revision(revision) is not None
    except Exception:  # alembic: unknown or ambiguous revision
        return False
