"""Which document store this instance uses: the folder or the database (``STORAGE``).

Apart from storage.py so that the store's protocol does not import its database backend
(which imports the protocol): no cycle between storage.py and database_storage.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from .database_storage import DatabaseStorage
from .storage import FolderStorage, Storage, storage_kind


def storage_from_config(config: Mapping[str, Any], session: Session) -> Storage:
    """The backend chosen by :func:`storage_kind`; the database backend works in
    ``session``'s transaction – the caller's, normally its unit of work's (``uow.storage``),
    so the bytes commit or roll back with the register rows written beside them."""
    kind = storage_kind(config)
    if kind == "folder":
        return FolderStorage(config["STORAGE_PATH"])
    return DatabaseStorage(session)
