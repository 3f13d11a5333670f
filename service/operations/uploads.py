"""Uploads of applicants (offers, other attachments): checked, named and stored safely.

R6: a file is accepted only when a complete parse in a separate process with CPU, memory and
time limits accepts it as an unencrypted PDF; the service process never parses it. R7: the
stored file is named by its SHA-256 only; the display name keeps umlauts but loses paths,
control characters and excess length. R5: the size limit is checked before anything else.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import logging
import os
import selectors
import signal
import subprocess
import sys
import threading
import time
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..documents.storage import DEFAULT_SWEEP_GRACE, Storage, SweepReport, sweep_orphans
from ..models import Application, AuditLog, Upload
from ..process_local import PerProcess
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
    """``problem``: empty, too-large, too-many-files, too-much-in-total, not-pdf, encrypted,
    damaged, timeout."""

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
    the web server runs threads); the wall clock is watched here. By default the child is
    forked by this process's checking server (:class:`_CheckServer`); ``command`` runs that
    command once instead, with the file on stdin (tests of hostile children)."""
    if not data:
        raise UploadRefused("empty")
    if command is None:
        return _verdict(_check_server().check(data, wall_seconds))
    try:
        completed = subprocess.run(  # noqa: S603 – fixed argv, the file goes to stdin only
            list(command),
            input=data,
            capture_output=True,
            timeout=wall_seconds,
            env=_child_env(),
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise UploadRefused("timeout") from None
    if completed.returncode != 0:
        raise UploadRefused("damaged")  # killed by the CPU or memory limit, or crashed
    return _verdict(completed.stdout)


def checker_argv(*extra: str) -> list[str]:
    """The checking child by its path, not ``-m service.operations.pdfcheck``: -m imports
    the service package first (Flask, SQLAlchemy, Babel) – 0.4 s of CPU per upload for
    nothing (bench/load.py, docs/performance.md); -P keeps the script's folder off sys.path,
    so nothing of the service shadows."""
    return [
        sys.executable,
        "-P",
        str(PDFCHECK),
        str(CPU_SECONDS),
        str(MEMORY_BYTES),
        *extra,
    ]


def _child_env() -> dict[str, str]:
    return {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": os.pathsep.join(sys.path)}


def _verdict(raw: bytes) -> PdfVerdict:
    try:
        answer: dict[str, Any] = json.loads(raw.decode() or "{}")
    except ValueError:
        answer = {}
    if not answer:
        raise UploadRefused("damaged")
    if not answer.get("ok"):
        raise UploadRefused(str(answer.get("problem") or "damaged"))
    return PdfVerdict(int(answer.get("pages", 0)), bool(answer.get("active_content")))


class _CheckServer:
    """This process's checking server (``pdfcheck.py --serve``): started with the first
    upload, it forks one limited child per file. One file at a time (a lock); a server that
    does not answer within the wall-clock limit is killed with its child, and the next upload
    starts a new one. A forked process (a gunicorn worker) starts its own."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._process: subprocess.Popen[bytes] | None = None

    def check(self, data: bytes, wall_seconds: float) -> bytes:
        with self._lock:
            process = self._running()
            deadline = time.monotonic() + wall_seconds
            try:
                self._send(process, len(data).to_bytes(8, "big") + data, deadline)
                size = int.from_bytes(self._receive(process, 4, deadline), "big")
                return self._receive(process, size, deadline)
            except TimeoutError:
                self.stop()
                raise UploadRefused("timeout") from None
            except OSError:
                self.stop()  # it died (or was killed): the file is not accepted
                raise UploadRefused("damaged") from None

    def _running(self) -> subprocess.Popen[bytes]:
        if self._process is None or self._process.poll() is not None:
            self._process = subprocess.Popen(  # noqa: S603 – fixed argv
                checker_argv("--serve"),
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                env=_child_env(),
                start_new_session=True,  # killed as a group with the child it forked
            )
        return self._process

    @staticmethod
    def _send(process: subprocess.Popen[bytes], payload: bytes, deadline: float) -> None:
        assert process.stdin is not None  # noqa: S101 – Popen with stdin=PIPE
        fd = process.stdin.fileno()
        view = memoryview(payload)
        with selectors.DefaultSelector() as selector:
            selector.register(fd, selectors.EVENT_WRITE)
            while view:
                if not selector.select(max(0.0, deadline - time.monotonic())):
                    raise TimeoutError
                written = os.write(fd, view[:65536])
                view = view[written:]

    @staticmethod
    def _receive(process: subprocess.Popen[bytes], size: int, deadline: float) -> bytes:
        assert process.stdout is not None  # noqa: S101 – Popen with stdout=PIPE
        fd = process.stdout.fileno()
        chunks: list[bytes] = []
        with selectors.DefaultSelector() as selector:
            selector.register(fd, selectors.EVENT_READ)
            while size:
                if not selector.select(max(0.0, deadline - time.monotonic())):
                    raise TimeoutError
                chunk = os.read(fd, size)
                if not chunk:
                    raise BrokenPipeError("the checking server ended")
                chunks.append(chunk)
                size -= len(chunk)
        return b"".join(chunks)

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        for stream in (process.stdin, process.stdout):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()


_server: PerProcess[_CheckServer] = PerProcess(_CheckServer)


def _check_server() -> _CheckServer:
    return _server.get()


@atexit.register
def _stop_check_server() -> None:
    server = _server.current()
    if server is not None:
        server.stop()


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
    max_files: int | None = None,
    max_total_bytes: int | None = None,
    command: Sequence[str] | None = None,
) -> Upload:
    """Check and store one PDF of the draft; flushed, the file written before the row.

    ``max_files`` and ``max_total_bytes`` bound what one application holds (issue 14: 65
    files, 53 MB in one draft); checked against the stored rows before the file is parsed.
    Two uploads to the same draft at the very same moment may both pass the check – the
    bound can be exceeded by one file per request in flight, not by a loop of requests."""
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
