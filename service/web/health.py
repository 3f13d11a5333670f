"""``GET /healthz`` for monitoring: database, migrations, document storage.

No login, no session, nothing cached. The answer names what was checked and how it went –
never a path, a URL, a personal datum or an exception message (which could hold either); the
reasons are in the service's own log. 200 when everything is in order, 503 otherwise, so a
load balancer or monitoring check needs only the status code:

- ``error``: the database does not answer – the service cannot work;
- ``degraded``: the database answers, but it is not at the code's migration, or documents
  cannot be written and read back.
"""

from __future__ import annotations

import logging
import os
import secrets
import tempfile
from pathlib import Path

from flask import Blueprint, current_app, jsonify
from flask.typing import ResponseReturnValue
from sqlalchemy import text
from sqlalchemy.orm import Session

from .. import db
from ..archive.storage import storage_kind
from ..models.migrate import current_revision, head_revision, is_known_revision

log = logging.getLogger("foerderwerk.health")

bp = Blueprint("health", __name__)

OK = "ok"
ERROR = "error"
AT_HEAD = "at head"


def _database_and_migrations() -> tuple[str, str]:
    try:
        with db.engine().connect() as connection:
            connection.execute(text("SELECT 1"))
            current = current_revision(connection)
    except Exception as exc:
        log.error("health: database not reachable (%s)", type(exc).__name__)
        return ERROR, "unknown"
    head = head_revision()
    if current == head:
        return OK, AT_HEAD
    if current is None:
        state = "not migrated"
    else:
        state = "behind" if is_known_revision(current) else "unknown revision"
    log.warning("health: database migration %s, code at %s (%s)", current, head, state)
    return OK, state


def _probe_folder(root: Path) -> None:
    # the store itself is content-addressed and write-once; the probe is a separate temporary
    # file beside it, removed again at once
    root.mkdir(parents=True, exist_ok=True)
    probe = secrets.token_bytes(32)
    with tempfile.NamedTemporaryFile(dir=root, prefix=".healthz-") as handle:
        handle.write(probe)
        handle.flush()
        os.fsync(handle.fileno())
        handle.seek(0)
        if handle.read() != probe:
            raise OSError("document storage read back different bytes")


def _probe_database() -> None:
    from ..archive.database_storage import DatabaseStorage

    # its own session: a probe row inserted, read back and rolled back, never committed
    with Session(db.engine()) as session:
        try:
            storage = DatabaseStorage(session)
            probe = secrets.token_bytes(32)
            if storage.get(storage.put(probe)) != probe:
                raise OSError("document storage read back different bytes")
        finally:
            session.rollback()


def _storage(database_ok: bool) -> str:
    config = current_app.config
    try:
        if storage_kind(config) == "folder":
            _probe_folder(Path(config["STORAGE_PATH"]))
        elif database_ok:
            _probe_database()
        else:
            return ERROR  # the documents are in the database that does not answer
    except Exception as exc:
        log.error("health: document storage not usable (%s)", type(exc).__name__)
        return ERROR
    return OK


@bp.get("/healthz")
def healthz() -> ResponseReturnValue:
    database, migrations = _database_and_migrations()
    storage = _storage(database == OK)
    if database != OK:
        status = "error"
    elif migrations == AT_HEAD and storage == OK:
        status = "ok"
    else:
        status = "degraded"
    response = jsonify(
        {
            "status": status,
            "checks": {"database": database, "migrations": migrations, "storage": storage},
        }
    )
    response.status_code = 200 if status == "ok" else 503
    response.headers["Cache-Control"] = "no-store"
    return response
