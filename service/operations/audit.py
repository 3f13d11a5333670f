"""Writing the audit log (R24): who did what to which object, when (UTC).

Every back-office change goes through :func:`record`. Values are escaped so that a title
with a line break cannot forge a second log line, and keys that could carry secrets or
document contents are dropped before anything is stored.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from ..models import AuditLog
from ..uow import Actor

log = logging.getLogger("foerderwerk.audit")

# never in the log: credentials, tokens, and the bytes or text of documents
_SECRET_KEY = re.compile(r"token|password|secret|cookie|content|bytes|body", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
MAX_VALUE = 300


def escape(value: str) -> str:
    """One printable line: control characters and bidi overrides become \\xNN / \\uNNNN."""

    def _replace(match: re.Match[str]) -> str:
        char = match.group(0)
        code = ord(char)
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"

    escaped = _CONTROL.sub(_replace, value)
    return escaped if len(escaped) <= MAX_VALUE else escaped[:MAX_VALUE] + "…"


def clean_details(details: Mapping[str, Any]) -> dict[str, Any]:
    cleaned: dict[str, Any] = {}
    for key, value in details.items():
        if _SECRET_KEY.search(key):
            continue
        cleaned[escape(str(key))] = _clean_value(value)
    return cleaned


def _clean_value(value: Any) -> Any:
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, Mapping):
        return clean_details(value)
    if isinstance(value, list | tuple | set | frozenset):
        return [_clean_value(v) for v in value]
    return escape(str(value))


def record(
    session: Session,
    actor: Actor | str,
    action: str,
    object_type: str = "",
    object_id: object = "",
    *,
    partnership_id: int | None = None,
    **details: Any,
) -> AuditLog:
    """Append one entry; flushes nothing (the caller's flush/commit carries it)."""
    entry = AuditLog(
        partnership_id=partnership_id,
        actor=escape(str(actor))[:200],
        action=escape(action)[:64],
        object_type=escape(object_type)[:64],
        object_id=escape(str(object_id))[:64],
        details=clean_details(details),
    )
    session.add(entry)
    log.info("audit %s %s %s/%s", entry.actor, entry.action, entry.object_type, entry.object_id)
    return entry
