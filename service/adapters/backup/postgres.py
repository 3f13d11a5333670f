"""PostgreSQL: ``pg_dump -Fc`` in one exported snapshot, ``pg_restore`` in one transaction.
The password goes into the environment, never into argv."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from sqlalchemy import Connection
from sqlalchemy.engine import URL, make_url

from ...domain.messages import N_
from .common import engine, error
from .manifest import fsync

T = TypeVar("T")


def _libpq(url: str) -> tuple[str, dict[str, str]]:
    """A libpq URI without the password, which goes into the environment (never argv)."""
    parsed = make_url(url)
    uri = URL.create(
        "postgresql",
        username=parsed.username,
        host=parsed.host,
        port=parsed.port,
        database=parsed.database,
        query=parsed.query,
    ).render_as_string(hide_password=False)
    env = dict(os.environ)
    if parsed.password is not None:
        env["PGPASSWORD"] = str(parsed.password)
    return uri, env


def _tool(name: str, connection: Connection) -> str:
    found = shutil.which(name)
    if found is None:
        raise error(
            N_(
                "The program %(tool)s is missing. Please install the PostgreSQL client of the "
                "server's version (Debian: apt-get install postgresql-client-%(major)s)."
            ),
            tool=name,
            major=_server_major(connection),
        )
    completed = subprocess.run(  # noqa: S603 - a fixed program, no shell
        [found, "--version"], capture_output=True, text=True, check=False
    )
    version = re.search(r"(\d+)(?:\.\d+)?", completed.stdout)
    client = int(version.group(1)) if version else 0
    server = _server_major(connection)
    if client < server:
        raise error(
            N_(
                "%(tool)s is of PostgreSQL %(client)s, the server runs PostgreSQL %(server)s. "
                "Please install the PostgreSQL client %(server)s "
                "(Debian: apt-get install postgresql-client-%(server)s)."
            ),
            tool=name,
            client=client,
            server=server,
        )
    return found


def _server_major(connection: Connection) -> int:
    return int(connection.exec_driver_sql("SHOW server_version_num").scalar_one()) // 10000


def _run(argv: list[str], env: dict[str, str], tool: str) -> None:
    completed = subprocess.run(  # noqa: S603 - fixed programs, arguments as a list
        argv, capture_output=True, text=True, env=env, check=False
    )
    if completed.returncode != 0:
        detail = (completed.stderr or completed.stdout).strip()[-2000:]
        raise error(
            N_("%(tool)s failed (exit code %(code)s): %(detail)s"),
            tool=tool,
            code=completed.returncode,
            detail=detail,
        )


def backup(url: str, into: Path, facts: Callable[[Connection], T]) -> T:
    """Dump the database at ``url`` into ``into``; ``facts`` read in the dump's snapshot."""
    into.parent.mkdir(parents=True, exist_ok=True)
    database = engine(url)
    try:
        with database.connect() as connection:
            pg_dump = _tool("pg_dump", connection)
        snapshot_connection = database.connect().execution_options(
            isolation_level="REPEATABLE READ"
        )
        with snapshot_connection as connection, connection.begin():
            # pg_dump reads the very snapshot this transaction sees, so the manifest's
            # facts (references, counts, audit digest) describe exactly the dump.
            exported = connection.exec_driver_sql("SELECT pg_export_snapshot()").scalar_one()
            snapshot = facts(connection)
            uri, env = _libpq(url)
            _run(
                [pg_dump, "--format=custom", f"--snapshot={exported}", f"--file={into}", uri],
                env,
                "pg_dump",
            )
    finally:
        database.dispose()
    fsync(into)
    return snapshot


def restore(dump: Path, url: str) -> None:
    database = engine(url)
    try:
        with database.connect() as connection:
            pg_restore = _tool("pg_restore", connection)
    finally:
        database.dispose()
    uri, env = _libpq(url)
    _run(
        [
            pg_restore,
            "--no-owner",
            "--no-acl",
            "--exit-on-error",
            # all or nothing: a failed restore leaves the database empty, to be run again
            "--single-transaction",
            f"--dbname={uri}",
            str(dump),
        ],
        env,
        "pg_restore",
    )
