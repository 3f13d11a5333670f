"""Uploads of applicants (offers, other attachments): checked, named and stored safely.

R6: a file is accepted only when a complete parse in a separate process with CPU, memory and
time limits accepts it as an unencrypted PDF; the service process never parses it. R7: the
stored file is named by its SHA-256 only; the display name keeps umlauts but loses paths,
control characters and excess length. R5: the size limit is checked before anything else.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..documents.storage import DEFAULT_SWEEP_GRACE, Storage, SweepReport, sweep_orphans
from ..models import Application, AuditLog, Upload
from .applications import Actor, NotEditable

log = logging.getLogger(__name__)

# Limits of the checking process: a real offer parses in well under a second.
CPU_SECONDS = 5
MEMORY_BYTES = 512 * 1024 * 1024
WALL_SECONDS = 10
MAX_NAME = 120
UPLOAD_KINDS = ("offer", "attachment")
PDFCHECK = Path(__file__).with_name("pdfcheck.py")


class UploadRefused(ValueError):
    """``problem``: empty, too-large, not-pdf, encrypted, damaged, timeout."""

    def __init__(self, problem: str) -> None:
        self.problem = problem
        super().__init__(problem)


@dataclass(frozen=True)
class PdfVerdict:
    pages: int
    active_content: bool


def check_pdf(
    data: bytes, command: Sequence[str] | None = None, wall_seconds: float = WALL_SECONDS
) -> PdfVerdict:
    """Parse ``data`` in a limited child process; raises :class:`UploadRefused`.

    The child sets its own CPU and memory limits before it reads the file (no preexec_fn:
    the web server runs threads); the parent kills it after ``wall_seconds``."""
    if not data:
        raise UploadRefused("empty")
    argv = list(
        command
        or [
            # the script by its path, not ``-m service.operations.pdfcheck``: -m imports the
            # service package first (Flask, SQLAlchemy, Babel) – 0.4 s of CPU per upload for
            # nothing, four times the parse of a 5 MB PDF (bench/load.py, docs/performance.md);
            # -P keeps the script's folder off sys.path, so nothing of the service shadows
            sys.executable,
            "-P",
            str(PDFCHECK),
            str(CPU_SECONDS),
            str(MEMORY_BYTES),
        ]
    )
    try:
        completed = subprocess.run(  # noqa: S603 – fixed argv, the file goes to stdin only
            argv,
            input=data,
            capture_output=True,
            timeout=wall_seconds,
            env={"PATH": os.environ.get("PATH", ""), "PYTHONPATH": os.pathsep.join(sys.path)},
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise UploadRefused("timeout") from None
    try:
        answer: dict[str, Any] = json.loads(completed.stdout.decode() or "{}")
    except ValueError:
        answer = {}
    if completed.returncode != 0 or not answer:
        # killed by the CPU or memory limit, or crashed: the file is not accepted
        raise UploadRefused("damaged")
    if not answer.get("ok"):
        raise UploadRefused(str(answer.get("problem") or "damaged"))
    return PdfVerdict(int(answer.get("pages", 0)), bool(answer.get("active_content")))


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
    session: Session,
    storage: Any,
    application: Application,
    actor: Actor,
    *,
    filename: str,
    data: bytes,
    kind: str,
    max_bytes: int,
    command: Sequence[str] | None = None,
) -> Upload:
    """Check and store one PDF of the draft; flushed, the file written before the row."""
    if not application.state.applicant_may_edit:
        raise NotEditable(application.state.value)
    if len(data) > max_bytes:
        raise UploadRefused("too-large")
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


def remove_upload(session: Session, upload: Upload, actor: Actor) -> None:
    """Drop the upload from the draft; the bytes stay until the orphan sweep (R20)."""
    if not upload.application.state.applicant_may_edit:
        raise NotEditable(upload.application.state.value)
    session.delete(upload)
    session.flush()


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
