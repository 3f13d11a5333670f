"""The document register: every rendered document as a :class:`~service.models.Document` row
pointing at its bytes in the content-addressed store (R23).

Rules:

* The row keeps what the document was made from – kind, number, template key and hash, the
  context as JSON – and the SHA-256 of the file, which is its address in the store.
* Documents are never overwritten. Rendering again adds a version that ``replaces`` the
  latest one; the old row and its bytes stay. For an issued document nothing but the row's
  links may change afterwards (enforced on flush below).
* Operations only flush. The row is flushed before the file is written, so a constraint
  violation leaves no file behind; the entry point commits. If the commit never comes, the
  file is an orphan, which :func:`sweep_orphan_files` finds and reports (R20).
* Downloads go through :func:`open_download` / :func:`read_document`, which hand out nothing
  whose bytes no longer match the stored hash.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy import event, func, inspect, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Mapper, Session

from service.models import Document

from ..rendering.images import Image
from .storage import (
    DEFAULT_SWEEP_GRACE,
    DocumentNotFoundError,
    DocumentStream,
    Storage,
    SweepReport,
    TamperedDocumentError,
    bind_storage,
    check_address,
    content_address,
    sweep_orphans,
)

log = logging.getLogger(__name__)


class RegisterError(Exception):
    """A register operation that would break the versioning rules."""


class DocumentExistsError(RegisterError):
    """A document of this kind and number exists: a new rendering must replace it."""


class StaleVersionError(RegisterError):
    """The document to be replaced already has a successor (someone regenerated it first)."""


class ImmutableDocumentError(RegisterError):
    """An issued document's content or provenance was about to be changed."""


# --------------------------------------------------------------------------- context snapshot


def snapshot_context(context: Mapping[str, Any]) -> dict[str, Any]:
    """A JSON-ready copy of a template context: Decimal as its exact string ("600.00"), dates
    and times as ISO 8601, enums by value, tuples as lists. Anything else that is not plain
    JSON (an ORM object, a float that is not finite, a non-string key) is refused, so the
    register never keeps a lossy or unreadable snapshot."""

    def convert(value: Any, where: str) -> Any:
        if value is None or isinstance(value, (bool, int, str)):
            return value
        if isinstance(value, Decimal):
            if not value.is_finite():
                raise TypeError(f"{where}: {value} is not a finite amount")
            return str(value)
        if isinstance(value, float):
            if not math.isfinite(value):
                raise TypeError(f"{where}: {value} is not finite")
            return value
        if isinstance(value, (datetime, date, time)):
            return value.isoformat()
        if isinstance(value, Enum):
            return convert(value.value, where)
        if isinstance(value, Image):
            return value.snapshot()  # the bytes are in the document itself
        if isinstance(value, Mapping):
            result: dict[str, Any] = {}
            for key, item in value.items():
                if not isinstance(key, str):
                    raise TypeError(f"{where}: key {key!r} is not a string")
                result[key] = convert(item, f"{where}.{key}")
            return result
        if isinstance(value, (list, tuple)):
            return [convert(item, f"{where}[{index}]") for index, item in enumerate(value)]
        raise TypeError(f"{where}: {type(value).__name__} cannot be kept in the register")

    converted: dict[str, Any] = convert(context, "context")
    return converted


def context_hash(snapshot: Mapping[str, Any]) -> str:
    """SHA-256 of a context snapshot's canonical JSON (sorted keys, no spaces): equal
    contexts hash equally, whatever order their keys were built in. Values JSON cannot hold
    (dates of a settings file) count as their text."""
    canonical = json.dumps(
        snapshot, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


# --------------------------------------------------------------------------- versions


def latest_version(
    session: Session, partnership_id: int, kind: str, number: str, *, issued_only: bool = False
) -> Document | None:
    query = select(Document).where(
        Document.partnership_id == partnership_id,
        Document.kind == kind,
        Document.number == number,
    )
    if issued_only:
        query = query.where(Document.issued.is_(True))
    return session.scalars(query.order_by(Document.version.desc()).limit(1)).first()


def version_history(session: Session, document: Document) -> list[Document]:
    """Every version of ``document``'s kind and number, oldest first."""
    return list(
        session.scalars(
            select(Document)
            .where(
                Document.partnership_id == document.partnership_id,
                Document.kind == document.kind,
                Document.number == document.number,
            )
            .order_by(Document.version)
        )
    )


def register_document(
    session: Session,
    storage: Storage,
    *,
    partnership_id: int,
    kind: str,
    number: str,
    template_key: str,
    template_hash: str,
    context: Mapping[str, Any],
    file_bytes: bytes,
    file_name: str,
    media_type: str = "application/pdf",
    replaces: Document | None = None,
    issued: bool = False,
    application_id: int | None = None,
    notice_id: int | None = None,
    meeting_id: int | None = None,
    replacement_reason: str = "",
    source_sha256: str | None = None,
) -> Document:
    """Add a document (or a new version of one) to the register and its bytes to the store.

    Without ``replaces`` the document must be the first of its kind and number in the
    partnership; with it, ``replaces`` must be that number's latest version. Flushes, never
    commits.
    """
    check_address(template_hash)
    if replaces is None:
        if latest_version(session, partnership_id, kind, number) is not None:
            raise DocumentExistsError(
                f"{kind} {number} is already registered; a new rendering must replace its "
                "latest version"
            )
        version = 1
    else:
        if (replaces.partnership_id, replaces.kind, replaces.number) != (
            partnership_id,
            kind,
            number,
        ):
            raise RegisterError(
                f"a new version of {replaces.kind} {replaces.number} must keep its kind and number"
            )
        successor = session.scalars(
            select(func.count()).select_from(Document).where(Document.replaces_id == replaces.id)
        ).one()
        if successor:
            raise StaleVersionError(
                f"version {replaces.version} of {kind} {number} has already been replaced"
            )
        version = replaces.version + 1

    address = content_address(file_bytes)
    snapshot = snapshot_context(context)
    document = Document(
        partnership_id=partnership_id,
        application_id=application_id,
        notice_id=notice_id,
        meeting_id=meeting_id,
        kind=kind,
        number=number,
        template_key=template_key,
        template_sha256=template_hash,
        context=snapshot,
        context_sha256=context_hash(snapshot),
        source_sha256=source_sha256,
        file_sha256=address,
        file_name=file_name,
        media_type=media_type,
        size=len(file_bytes),
        version=version,
        replaces=replaces,
        replacement_reason=replacement_reason,
        issued=issued,
    )
    session.add(document)
    # The row first: a duplicate version or a missing partnership fails here, before a file
    # exists that nothing would reference.
    session.flush()
    # The database backend writes the bytes in this session's transaction: a rollback takes
    # row and bytes together, so only the folder can leave an orphan behind (R20).
    stored = bind_storage(storage, session).put(file_bytes)
    if stored != address:  # pragma: no cover - a backend that does not address by SHA-256
        raise RegisterError(f"the store answered {stored} for content {address}")
    return document


# --------------------------------------------------------------------------- immutability

# Columns of an issued document that may still change: none describe its content.
_MUTABLE_WHEN_ISSUED = frozenset({"application_id", "notice_id", "meeting_id"})


@event.listens_for(Document, "before_update")
def _refuse_changes_to_issued(_mapper: Mapper[Any], _connection: Connection, target: Any) -> None:
    state = inspect(target)
    was_issued = state.attrs.issued.history
    issued_before = bool(was_issued.deleted[0]) if was_issued.deleted else bool(target.issued)
    changed = {
        attr.key
        for attr in state.attrs
        if attr.key in {c.key for c in state.mapper.column_attrs} and attr.history.has_changes()
    }
    if issued_before:
        forbidden = changed - _MUTABLE_WHEN_ISSUED
    else:
        # A draft may become issued, but its content stays what was rendered.
        forbidden = changed - _MUTABLE_WHEN_ISSUED - {"issued"}
    if forbidden:
        raise ImmutableDocumentError(
            f"document {target.id} ({target.kind} {target.number} v{target.version}) cannot "
            f"change {', '.join(sorted(forbidden))}: register a new version instead"
        )


# --------------------------------------------------------------------------- downloads


def open_download(storage: Storage, document: Document) -> DocumentStream:
    """The document's bytes as a verified stream; raises TamperedDocumentError (R23) or
    DocumentNotFoundError, before a single byte is handed out."""
    try:
        return storage.open_stream(document.file_sha256)
    except TamperedDocumentError:
        log.error(
            "document %s (%s %s v%s) failed its integrity check; not served",
            document.id,
            document.kind,
            document.number,
            document.version,
        )
        raise


def read_document(storage: Storage, document: Document) -> bytes:
    try:
        return storage.get(document.file_sha256)
    except TamperedDocumentError:
        log.error("document %s failed its integrity check; not served", document.id)
        raise


# --------------------------------------------------------------------------- checks and sweep


@dataclass
class IntegrityReport:
    checked: int = 0
    missing: list[int] = field(default_factory=list)  # document ids
    tampered: list[int] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.missing or self.tampered)


def verify_register(session: Session, storage: Storage) -> IntegrityReport:
    """Check every registered file against its hash (after a restore, in a periodic job)."""
    report = IntegrityReport()
    storage = bind_storage(storage, session)
    results: dict[str, str] = {}
    rows = session.execute(select(Document.id, Document.file_sha256).order_by(Document.id))
    for document_id, address in rows:
        report.checked += 1
        if address not in results:
            try:
                storage.get(address)
                results[address] = "ok"
            except DocumentNotFoundError:
                results[address] = "missing"
            except TamperedDocumentError:
                results[address] = "tampered"
        if results[address] == "missing":
            report.missing.append(document_id)
        elif results[address] == "tampered":
            report.tampered.append(document_id)
    return report


def sweep_orphan_files(
    session: Session,
    storage: Storage,
    *,
    grace: timedelta = DEFAULT_SWEEP_GRACE,
    now: datetime | None = None,
    dry_run: bool = False,
) -> SweepReport:
    """Remove stored files that no register row references (left by rolled-back
    transactions, R20), sparing files put within ``grace``."""
    referenced = set(session.scalars(select(Document.file_sha256).distinct()))
    storage = bind_storage(storage, session)
    report = sweep_orphans(storage, referenced, grace=grace, now=now, dry_run=dry_run)
    if report.removed or report.temporary_files_removed:
        log.warning("document store sweep: %s", report.summary())
    return report
