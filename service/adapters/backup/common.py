"""What the backup adapters share: the error told to the operator, the database kind, an
engine without a pool, the tables of a target database."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, create_engine, pool
from sqlalchemy.engine import make_url

from ...domain.messages import N_, Message


class BackupError(Exception):
    """Backup or restore refused or failed; ``message`` says why, for people (German)."""

    def __init__(self, message: Message) -> None:
        self.message = message
        super().__init__(message.msgid % {k: str(v) for k, v in message.params.items()})


def error(msgid: str, **params: str | int) -> BackupError:
    return BackupError(Message(msgid, params))


def database_kind(url: str) -> str:
    backend = make_url(url).get_backend_name()
    if backend == "sqlite":
        return "sqlite"
    if backend in ("postgresql", "postgres"):
        return "postgresql"
    raise error(
        N_("Backups are supported for SQLite and PostgreSQL only, not %(kind)s."), kind=backend
    )


def engine(url: str) -> Engine:
    # Its own engine without a pool: nothing stays connected after the command.
    return create_engine(url, poolclass=pool.NullPool)


def sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise error(N_("An in-memory database cannot be backed up or restored."))
    return Path(database)


def database_tables(url: str, kind: str) -> list[str]:
    if kind == "sqlite":
        path = sqlite_path(url)
        if not path.exists():
            return []
    database = engine(url)
    try:
        with database.connect() as connection:
            if kind == "sqlite":
                rows = connection.exec_driver_sql(
                    "SELECT name FROM sqlite_master WHERE type = 'table' "
                    "AND name NOT LIKE 'sqlite_%'"
                )
            else:
                rows = connection.exec_driver_sql(
                    "SELECT table_schema || '.' || table_name FROM information_schema.tables "
                    "WHERE table_schema NOT IN ('pg_catalog', 'information_schema')"
                )
            return sorted(str(name) for (name,) in rows)
    except Exception as exc:
        if isinstance(exc, BackupError):
            raise
        raise error(
            N_("The target database cannot be reached: %(detail)s"),
            detail=str(exc).splitlines()[0][:300],
        ) from None
    finally:
        database.dispose()
