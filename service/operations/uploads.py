"""Uploads of applicants (offers, other attachments): checked, named and stored safely.

R6: a file is accepted only when a complete parse in a separate process with CPU, memory and
time limits accepts it as an unencrypted PDF; the service process never parses it. R7: the
stored file is named by its SHA-256 only; the display name keeps umlauts but loses paths,
control characters and excess length. R5: the size limit is checked before anything else.
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..adapters import uploads as sandbox
from ..adapters.uploads import WALL_SECONDS, PdfVerdict
from ..archive.storage import DEFAULT_SWEEP_GRACE, Storage, SweepReport, sweep_orphans
from ..models import Application, AuditLog, Upload
from ..uow import UnitOfWork
from .applications import NotEditable

log = logging.getLogger(__name__)

MAX_NAME = 120
UPLOAD_KINDS = ("offer", "attachment")


class UploadRefused(ValueError):
    """``problem``: empty, too-large, too-many-files, too-much-in-total, not-pdf, encrypted,
    damaged, active-content (scripts or actions, docs/decisions.md "Uploads"), timeout."""

    def __init__(self, problem: str) -> None:
        self.problem = problem
        super().__init__(problem)


def check_pdf(
    data: bytes, command: Sequence[str] | None = None, wall_seconds: float = WALL_SECONDS
) -> PdfVerdict:
    """The upload sandbox's verdict on ``data``; a rejected file as :class:`UploadRefused`."""
    try:
        return sandbox.check_pdf(data, command, wall_seconds)
    except sandbox.PdfRejected as rejected:
        raise UploadRefused(rejected.problem) from None


_UNSAFE = {
    "\u200b",
    "\u200c",
    "\u200d",
    "\u2060",
    "\ufeff",
    "\u202a",
    "\u202b",
    "\u202c",
    "\u202d",
    "\u202e",
    "\u2066",
    "\u2067",
    "\u2068",
    "\u2069",
}


def display_name(raw: str) -> str:
    """A name to show (R7): NFC, no folders, no control or direction characters, ≤ 120
    characters with the ".pdf" kept; umlauts and ß stay."""
    name = unicodedata.normalize("NFC", raw or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(
        ch for ch in name if ch not in _UNSAFE and unicodedata.category(ch)[0] != "C"
    ).strip(" .")
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, "pdf"
    ext = ext.lower() if ext.lower() == "pdf" else "pdf"
    stem = stem[: MAX_NAME - 4].strip(" .") or "Anlage"
    return f"{stem}.{ext}"


def add_upload(
    uow: UnitOfWork,
    storage: Any,
    application: Application,
    *,
    filename: str,
    data: bytes,
    kind: str,
    max_bytes: int,
    max_files: int | None = None,
    max_total_bytes: int | None = None,
    command: Sequence[str] | None = None,
) -> Upload:
    """Check and store one PDF of the draft; flushed, the file written before the row.

    ``max_files`` and ``max_total_bytes`` bound what one application holds (issue 14: 65
    files, 53 MB in one draft); checked against the stored rows before the file is parsed.
    Two uploads to the same draft at the very same moment may both pass the check – the
    bound can be exceeded by one file per request in flight, not by a loop of requests.

    ``storage`` is the uploads' own store, apart from the unit of work's document store
    (whose orphan sweep must not see them)."""
    session, actor = uow.session, uow.actor
    if not application.state.applicant_may_edit:
        raise NotEditable(application.state.value)
    if len(data) > max_bytes:
        raise UploadRefused("too-large")
    files, stored = uploads_of(session, application)
    if max_files is not None and files >= max_files:
        raise UploadRefused("too-many-files")
    if max_total_bytes is not None and stored + len(data) > max_total_bytes:
        raise UploadRefused("too-much-in-total")
    verdict = check_pdf(data, command)
    address = storage.put(data)
    upload = Upload(
        application=application,
        kind=kind if kind in UPLOAD_KINDS else "attachment",
        display_name=display_name(filename),
        sha256=address,
        size=len(data),
        pages=verdict.pages,
        active_content=verdict.active_content,
    )
    session.add(upload)
    session.flush()
    session.add(
        AuditLog(
            partnership_id=application.fund.partnership_id,
            actor=str(actor)[:200],
            action="upload.add",
            object_type="upload",
            object_id=str(upload.id),
            details={"application": application.id, "size": len(data)},
        )
    )
    return upload


def uploads_of(session: Session, application: Application) -> tuple[int, int]:
    """How many files the application holds and their bytes together."""
    files, stored = session.execute(
        select(func.count(Upload.id), func.coalesce(func.sum(Upload.size), 0)).where(
            Upload.application_id == application.id
        )
    ).one()
    return int(files), int(stored)


def remove_upload(uow: UnitOfWork, upload: Upload) -> None:
    """Drop the upload from the draft; the bytes stay until the orphan sweep (R20)."""
    if not upload.application.state.applicant_may_edit:
        raise NotEditable(upload.application.state.value)
    uow.session.delete(upload)
    uow.session.flush()


def sweep_orphan_uploads(
    session: Session,
    storage: Storage,
    *,
    grace: timedelta = DEFAULT_SWEEP_GRACE,
    now: datetime | None = None,
    dry_run: bool = False,
) -> SweepReport:
    """Remove files of the upload store that no upload row references (R20): left by a
    request that failed after :func:`add_upload` wrote the file, or by :func:`remove_upload`.
    Files put within ``grace`` are spared – their row may not be committed yet. Each removal
    is logged and listed in the report."""
    referenced = set(session.scalars(select(Upload.sha256).distinct()))
    report = sweep_orphans(storage, referenced, grace=grace, now=now, dry_run=dry_run)
    if report.removed or report.temporary_files_removed:
        log.warning("upload store sweep: %s", report.summary())
    return report
