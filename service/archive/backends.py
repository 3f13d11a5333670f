"""Which document store this instance uses: the folder or the database (``STORAGE``).

Apart from storage.py so that the store's protocol does not import its database backend
(which imports the protocol): no cycle between storage.py and database_storage.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .database_storage import DatabaseStorage
from .storage import FolderStorage, Storage, storage_kind


def storage_from_config(config: Mapping[str, Any], session: Any = None) -> Storage:
    """The backend chosen by :func:`storage_kind`.

    The database backend works in ``session``'s transaction; without one, in the session of
    the current Flask app context (``service.db.session()``), looked up on every call – the
    same session the register rows of a request or command are written in.
    """
    kind = storage_kind(config)
    if kind == "folder":
        return FolderStorage(config["STORAGE_PATH"])
    if session is not None:
        return DatabaseStorage(session)
    return DatabaseStorage(_app_session)


def _app_session() -> Any:
    from service import db  # the app's session: only when a database backend is used

    return db.session()
