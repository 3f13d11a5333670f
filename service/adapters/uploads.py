"""The upload sandbox (R6): an uploaded file is parsed completely in a separate process with
CPU, memory and time limits (:mod:`.pdfcheck`); the service process never parses it.

This process keeps one checking server (``pdfcheck.py --serve``) that forks a limited child per
file. Knows nothing of applications: it says what the file is, or why it is no PDF to accept
(:class:`PdfRejected`); the upload use case (service/operations/uploads.py) decides the rest.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import selectors
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..process_local import PerProcess

# Limits of the checking process: a real offer parses in well under a second.
CPU_SECONDS = 5
MEMORY_BYTES = 512 * 1024 * 1024
WALL_SECONDS = 10
PDFCHECK = Path(__file__).with_name("pdfcheck.py")


class PdfRejected(Exception):
    """The file is not accepted; ``problem``: empty, not-pdf, encrypted, damaged, timeout."""

    def __init__(self, problem: str) -> None:
        self.problem = problem
        super().__init__(problem)


@dataclass(frozen=True)
class PdfVerdict:
    pages: int
    active_content: bool
    # what the file is: application/pdf, image/png or image/jpeg (receipts, issue 19.5)
    media: str = "application/pdf"


def check_pdf(
    data: bytes, command: Sequence[str] | None = None, wall_seconds: float = WALL_SECONDS
) -> PdfVerdict:
    """Parse ``data`` in a limited child process; raises :class:`PdfRejected`.

    The child sets its own CPU and memory limits before it reads the file (no preexec_fn:
    the web server runs threads); the wall clock is watched here. By default the child is
    forked by this process's checking server (:class:`_CheckServer`); ``command`` runs that
    command once instead, with the file on stdin (tests of hostile children)."""
    if not data:
        raise PdfRejected("empty")
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
        raise PdfRejected("timeout") from None
    if completed.returncode != 0:
        raise PdfRejected("damaged")  # killed by the CPU or memory limit, or crashed
    return _verdict(completed.stdout)


def checker_argv(*extra: str) -> list[str]:
    """The checking child by its path, not ``-m service.adapters.pdfcheck``: -m imports
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
        raise PdfRejected("damaged")
    if not answer.get("ok"):
        raise PdfRejected(str(answer.get("problem") or "damaged"))
    return PdfVerdict(
        int(answer.get("pages", 0)),
        bool(answer.get("active_content")),
        str(answer.get("media") or "application/pdf"),
    )


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
                raise PdfRejected("timeout") from None
            except OSError:
                self.stop()  # it died (or was killed): the file is not accepted
                raise PdfRejected("damaged") from None

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
