"""DOCX → PDF (PDF/A-2b by default) with a warm, hardened LibreOffice per worker process.

LibreOffice is driven over UNO by uno_helper.py, run with Debian's /usr/bin/python3 (the only
Python that imports python3-uno), over a JSON line protocol on the helper's stdin/stdout.
LibreOffice starts lazily, in a session of its own, with a fresh profile per start that turns
macros and external links off (PROFILE_SETTINGS). A conversion that overruns its timeout
kills LibreOffice's whole process group; the next conversion starts a new office.
"""

from __future__ import annotations

import atexit
import base64
import binascii
import contextlib
import hashlib
import io
import json
import logging
import os
import select
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import uuid
import zipfile
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import IO, Any, ClassVar, Self
from xml.sax.saxutils import escape, quoteattr

log = logging.getLogger(__name__)

SOFFICE = "/usr/bin/soffice"
SYSTEM_PYTHON = "/usr/bin/python3"
HELPER = Path(__file__).with_name("uno_helper.py")

# LibreOffice allocates and frees millions of small objects per document. Preloading
# jemalloc in place of glibc's malloc saves about a tenth of its CPU per conversion
# (docs/performance.md). FOERDERWERK_OFFICE_MALLOC: "jemalloc" (default; glibc's malloc
# where the library is missing), "system", or the path of an allocator library to preload.
OFFICE_MALLOC_VARIABLE = "FOERDERWERK_OFFICE_MALLOC"
JEMALLOC_PATHS = (
    "/usr/lib/x86_64-linux-gnu/libjemalloc.so.2",
    "/usr/lib/aarch64-linux-gnu/libjemalloc.so.2",
)

# The language every document of the project is written in: the PDF's /Lang (PDF/UA 7.2).
DOCUMENT_LANGUAGE = "de-DE"

# The paragraph styles of the shipped templates that head a part of the document, from the top
# down; each present rank is tagged one heading level below the one above it (H1 for the
# subject line, no level skipped: PDF/UA, Matterhorn 14-003). The templates mark them by style
# only (no outline level), so the conversion gives them their levels.
HEADING_STYLES: tuple[tuple[str, ...], ...] = (
    ("FW Betreff",),
    ("FW Titel", "FW Teil"),
    ("FW Nummer",),
)

DEFAULT_TIMEOUT = 60.0
DEFAULT_START_TIMEOUT = 60.0
DEFAULT_MAX_CONVERSIONS = 200
# Seconds the helper gets to stop LibreOffice politely before the process groups are killed.
STOP_GRACE = 10.0

Settings = Mapping[str, Mapping[str, bool | int | list[str]]]

# Written into every fresh profile as registrymodifications.xcu before LibreOffice starts;
# the tests read them back from the running office (PdfConverter.office_settings).
PROFILE_SETTINGS: Settings = {
    "/org.openoffice.Office.Common/Security/Scripting": {
        # 3 = "very high": only macros from trusted locations run – and there are none.
        "MacroSecurityLevel": 3,
        "DisableMacrosExecution": True,
        # Documents outside the trusted locations may not pull in linked images or files.
        # This is what stops a DOCX image linked to http:// or file:// (measured with
        # LibreOffice 7.4); it only works for documents loaded from a file URL, see
        # uno_helper.Office.convert.
        "BlockUntrustedRefererLinks": True,
        "SecureURL": [],
    },
    # css.document.LinkUpdateModes.NEVER
    "/org.openoffice.Office.Writer/Content/Update": {"Link": 0},
}


class ConversionError(Exception):
    """The document could not be converted; the message says why (English, for logs)."""


def _xcu_value(value: bool | int | list[str]) -> str:
    if isinstance(value, list):
        return "".join(f"<it>{escape(item)}</it>" for item in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def registry_modifications(settings: Settings) -> str:
    """The settings in LibreOffice's registrymodifications.xcu format."""
    items = [
        f"<item oor:path={quoteattr(path)}><prop oor:name={quoteattr(name)} "
        f'oor:op="fuse"><value>{_xcu_value(value)}</value></prop></item>'
        for path, props in settings.items()
        for name, value in props.items()
    ]
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<oor:items xmlns:oor="http://openoffice.org/2001/registry" '
        'xmlns:xs="http://www.w3.org/2001/XMLSchema" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
        + "".join(item + "\n" for item in items)
        + "</oor:items>\n"
    )


def write_profile(profile: Path, settings: Settings = PROFILE_SETTINGS) -> str:
    """Create a fresh LibreOffice profile with the given settings; return its URL."""
    if profile.exists():
        shutil.rmtree(profile)
    user = profile / "user"
    user.mkdir(parents=True)
    (user / "registrymodifications.xcu").write_text(
        registry_modifications(settings), encoding="utf-8"
    )
    return profile.as_uri()


def check_docx(docx_bytes: bytes) -> None:
    """Refuse what is obviously no DOCX before LibreOffice sees it.

    LibreOffice "converts" an empty file to an empty page, and with a fixed import filter it
    would do the same with other junk, so this is the converter's only chance to say no.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(docx_bytes)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError):
        raise ConversionError("the document is no DOCX file (not a ZIP archive)") from None
    if "word/document.xml" not in names:
        raise ConversionError("the document is no DOCX file (word/document.xml is missing)")


W_NS = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def heading_levels(docx_bytes: bytes) -> dict[str, int]:
    """The outline level of each heading style (HEADING_STYLES) the document uses: 1 for the
    highest rank present, one more for each rank below it that is present too."""
    from lxml import etree  # type: ignore[import-untyped]

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    with zipfile.ZipFile(io.BytesIO(docx_bytes)) as archive:
        try:
            styles = etree.fromstring(archive.read("word/styles.xml"), parser)
        except KeyError:
            return {}
        body = etree.fromstring(archive.read("word/document.xml"), parser)
    names = {
        style.get(f"{W_NS}styleId"): name.get(f"{W_NS}val")
        for style in styles.iter(f"{W_NS}style")
        if (name := style.find(f"{W_NS}name")) is not None
    }
    used = {names.get(ref.get(f"{W_NS}val")) for ref in body.iter(f"{W_NS}pStyle")}
    levels: dict[str, int] = {}
    for rank in HEADING_STYLES:
        present = [name for name in rank if name in used]
        if present:
            level = len(set(levels.values())) + 1
            levels.update(dict.fromkeys(present, level))
    return levels


def _kill_group(pgid: int | None) -> None:
    if pgid is None:
        return
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)


def office_pipes(profile_url: str, pipe_name: str | None = None) -> list[str]:
    """The file names of the sockets osl makes for the office of ``profile_url``: the
    single-instance pipe, named after an MD5 of the profile URL as UTF-16 with every byte in
    unpadded hex (desktop/source/app/officeipcthread.cxx, CreateMD5FromString), and the UNO
    pipe we named."""
    digest = hashlib.md5(profile_url.encode("utf-16-le"), usedforsecurity=False).digest()
    names = ["SingleOfficeIPC_" + "".join(format(byte, "x") for byte in digest)]
    if pipe_name is not None:
        names.append(pipe_name)
    return [f"OSL_PIPE_{os.getuid()}_{name}" for name in names]


def _remove_stale_pipes(profile_url: str, pipe_name: str | None = None) -> None:
    """Remove the sockets a killed LibreOffice leaves in /tmp (osl's fixed location)."""
    for directory in ("/tmp", "/var/tmp"):  # noqa: S108 – where osl puts them
        for name in office_pipes(profile_url, pipe_name):
            Path(directory, name).unlink(missing_ok=True)


class PdfConverter:
    """A warm LibreOffice for one process.

    Started lazily by the first conversion; restarted after `max_conversions` documents,
    after a timeout and after a crash. Safe to use from several threads (conversions are
    serialised: one office converts one document at a time). Not shared across fork: in a
    child process the same object leaves the parent's office alone and starts its own.
    """

    # Overridden only by tests that show what the hardening prevents.
    profile_settings: ClassVar[Settings] = PROFILE_SETTINGS

    def __init__(
        self,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        start_timeout: float = DEFAULT_START_TIMEOUT,
        max_conversions: int = DEFAULT_MAX_CONVERSIONS,
        soffice: str = SOFFICE,
        python: str = SYSTEM_PYTHON,
        allocator: str | None = None,
    ) -> None:
        """``allocator``: a library to preload into LibreOffice, "" for glibc's malloc, None
        for the setting (office_allocator)."""
        if max_conversions < 1:
            raise ValueError("max_conversions must be at least 1")
        self.allocator = allocator if allocator is not None else office_allocator()
        self.timeout = timeout
        self.start_timeout = start_timeout
        self.max_conversions = max_conversions
        self.soffice = soffice
        self.python = python
        self._reset_state()

    def _reset_state(self) -> None:
        self._owner_pid = os.getpid()
        self._lock = threading.Lock()
        self._helper: subprocess.Popen[bytes] | None = None
        self._soffice_pgid: int | None = None
        self._pipe_name: str | None = None
        self._profile_url: str | None = None
        self._workdir: Path | None = None
        self._conversions = 0
        self._starts = 0
        self._buffer = b""
        self._closed = False

    # -- public API -----------------------------------------------------------------------

    def convert(
        self,
        docx_bytes: bytes,
        *,
        pdfa: bool = True,
        pdfua: bool = True,
        language: str | None = DOCUMENT_LANGUAGE,
        title: str | None = None,
        subject: str | None = None,
        author: str | None = None,
        watermark: str | None = None,
    ) -> bytes:
        """Convert a DOCX to PDF/A-2b (plain PDF with pdfa=False); raise ConversionError.

        The PDF is tagged and claims PDF/UA-1 (``pdfua``); its /Lang is ``language`` (the
        document's default language is set to it before the export), and the paragraphs of
        the heading styles (HEADING_STYLES) are tagged H1–H3 (docs/decisions.md, issue 18).

        Title, subject and author go into the document properties before the export, so
        they land in both the Info dictionary and the XMP metadata and the PDF/A stays valid.
        ``watermark`` (e.g. "ENTWURF") is drawn across every page by the export itself.
        """
        check_docx(docx_bytes)
        request = {
            "op": "convert",
            "docx": base64.b64encode(docx_bytes).decode("ascii"),
            "pdfa": pdfa,
            "pdfua": pdfua,
            "language": language,
            "headings": heading_levels(docx_bytes),
            "title": title,
            "subject": subject,
            "author": author,
            "watermark": watermark,
        }
        self._adopt_after_fork()
        with self._lock:
            if self._closed:
                raise ConversionError("the converter is closed")
            if self._helper is not None and self._conversions >= self.max_conversions:
                # A long-running office grows and may keep state a poisoned document left
                # behind; a fresh one every N documents bounds both.
                self._stop()
            self._ensure_started()
            self._conversions += 1
            answer = self._call(request)
            if not answer.get("ok"):
                kind = answer.get("kind", "")
                if kind == "office":
                    self._kill()  # it crashed; the next conversion starts a new one
                raise ConversionError(
                    f"LibreOffice could not convert the document ({kind}): {answer.get('error')}"
                )
            try:
                pdf = base64.b64decode(answer["pdf"], validate=True)
            except (KeyError, TypeError, binascii.Error) as exc:
                self._kill()
                raise ConversionError("the LibreOffice helper sent a broken answer") from exc
            if not pdf.startswith(b"%PDF-"):
                raise ConversionError("LibreOffice produced no PDF")
        if pdfa and pdfua:
            from .accessibility import declare_pdfua_schema

            # LibreOffice 7.4 claims PDF/UA in the XMP without the extension schema PDF/A-2
            # asks for; written into the packet's padding, nothing else changes
            pdf = declare_pdfua_schema(pdf)
        return pdf

    def start(self) -> None:
        """Start LibreOffice now rather than with the first conversion (a batch worker warms
        up while its first document is still being prepared); raise ConversionError."""
        self._adopt_after_fork()
        with self._lock:
            if self._closed:
                raise ConversionError("the converter is closed")
            self._ensure_started()

    def close(self) -> None:
        """Stop LibreOffice, reap its processes and remove the profile. Idempotent."""
        if os.getpid() != self._owner_pid:
            self._disown()  # inherited across fork: that office belongs to the parent
            self._closed = True
            return
        with self._lock:
            self._closed = True
            self._stop()
            if self._workdir is not None:
                shutil.rmtree(self._workdir, ignore_errors=True)
                self._workdir = None

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- introspection for tests and health checks ----------------------------------------

    @property
    def profile_dir(self) -> Path | None:
        """The LibreOffice profile (-env:UserInstallation) of this process, once started."""
        return None if self._workdir is None else self._workdir / "profile"

    @property
    def process_ids(self) -> tuple[int, int] | None:
        """(helper pid, LibreOffice process group id) while an office runs, else None."""
        if self._helper is None or self._soffice_pgid is None:
            return None
        return self._helper.pid, self._soffice_pgid

    @property
    def closed(self) -> bool:
        return self._closed

    @property
    def starts(self) -> int:
        """How often this converter started LibreOffice (restarts included)."""
        return self._starts

    def office_settings(self) -> dict[str, Any]:
        """PROFILE_SETTINGS as the running LibreOffice sees them ("node/name": value)."""
        self._adopt_after_fork()
        with self._lock:
            if self._closed:
                raise ConversionError("the converter is closed")
            self._ensure_started()
            paths = {path: list(props) for path, props in self.profile_settings.items()}
            answer = self._call({"op": "settings", "paths": paths})
            if not answer.get("ok"):
                raise ConversionError(f"reading the settings failed: {answer.get('error')}")
            settings: dict[str, Any] = answer["settings"]
            return settings

    # -- process handling -----------------------------------------------------------------

    def _adopt_after_fork(self) -> None:
        if os.getpid() != self._owner_pid:
            self._disown()

    def _disown(self) -> None:
        helper = self._helper
        if helper is not None:
            # Drop only this process's copies of the pipes; the parent's helper keeps running.
            # (Their buffered objects are never used, only their fds, so no lock can have
            # been held across the fork.)
            for stream in (helper.stdin, helper.stdout):
                if stream is not None:
                    with contextlib.suppress(OSError):
                        stream.close()
            helper.returncode = 0  # not our child: Popen must never wait for it
        self._reset_state()

    def _ensure_started(self) -> None:
        if self._helper is not None and self._helper.poll() is None:
            return
        self._kill()  # a helper that died on its own: clean up after it
        if self._workdir is None:
            self._workdir = Path(tempfile.mkdtemp(prefix=f"foerderwerk-lo-{os.getpid()}-"))
        # A fresh profile per start: a killed office may leave a broken one behind.
        # The helper relies on this layout of the work directory.
        self._profile_url = write_profile(self._workdir / "profile", self.profile_settings)
        for directory in (self._workdir / "tmp", self._workdir / "inbox"):
            shutil.rmtree(directory, ignore_errors=True)
            directory.mkdir(mode=0o700)
        pipe_name = self._pipe_name = f"foerderwerk-{os.getpid()}-{uuid.uuid4().hex}"
        with (self._workdir / "helper.log").open("wb") as log:
            try:
                self._helper = self._spawn_helper(self._workdir, pipe_name, log)
            except OSError as exc:
                raise ConversionError(f"cannot start the LibreOffice helper: {exc}") from exc
        self._buffer = b""
        self._conversions = 0
        self._starts += 1
        deadline = time.monotonic() + self.start_timeout + 5
        try:
            message = self._read_message(deadline, "start-up")
            if message.get("event") == "spawned":
                self._soffice_pgid = int(message["soffice_pgid"])
                message = self._read_message(deadline, "start-up")
        except ConversionError:
            self._kill()
            raise
        if message.get("event") != "ready":
            self._kill()
            raise ConversionError(f"LibreOffice did not start: {message.get('error')}")

    def _spawn_helper(
        self, workdir: Path, pipe_name: str, log: IO[bytes]
    ) -> subprocess.Popen[bytes]:
        return subprocess.Popen(  # noqa: S603 – fixed argument list, no shell
            [
                self.python,
                "-I",  # isolated: no user site-packages, no PYTHON* variables
                str(HELPER),
                self.soffice,
                str(workdir),
                pipe_name,
                str(self.start_timeout),
                str(os.getpid()),
                self.allocator or "",
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=log,
            # Its own session, so that a kill of our group leaves it to its own cleanup
            # and a kill of its group cannot hit the worker.
            start_new_session=True,
        )

    def _call(self, request: dict[str, Any]) -> dict[str, Any]:
        deadline = time.monotonic() + self.timeout
        try:
            self._write_message(request, deadline)
            return self._read_message(deadline, "conversion")
        except ConversionError:
            # Whatever state the office is in now, it cannot be trusted with another document.
            self._kill()
            raise

    def _timed_out(self, what: str) -> ConversionError:
        limit = self.start_timeout if what == "start-up" else self.timeout
        return ConversionError(f"LibreOffice {what} timed out after {limit:g} s")

    def _write_message(self, message: dict[str, Any], deadline: float) -> None:
        if self._helper is None or self._helper.stdin is None:
            raise ConversionError("LibreOffice is not running")
        fd = self._helper.stdin.fileno()
        # Non-blocking: a helper that stops reading must not hang the worker past the deadline.
        os.set_blocking(fd, False)
        view = memoryview(json.dumps(message).encode("utf-8") + b"\n")
        while view:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise self._timed_out("conversion")
            _, writable, _ = select.select([], [fd], [], remaining)
            if not writable:
                continue
            try:
                written = os.write(fd, view)
            except BlockingIOError:
                continue
            except BrokenPipeError:
                raise ConversionError(
                    f"the LibreOffice helper exited unexpectedly: {self._helper_log_tail()}"
                ) from None
            view = view[written:]

    def _read_message(self, deadline: float, what: str) -> dict[str, Any]:
        if self._helper is None or self._helper.stdout is None:
            raise ConversionError("LibreOffice is not running")
        fd = self._helper.stdout.fileno()
        while b"\n" not in self._buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise self._timed_out(what)
            readable, _, _ = select.select([fd], [], [], remaining)
            if not readable:
                continue
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                raise ConversionError(
                    f"the LibreOffice helper exited unexpectedly: {self._helper_log_tail()}"
                )
            self._buffer += chunk
        line, _, self._buffer = self._buffer.partition(b"\n")
        try:
            message: dict[str, Any] = json.loads(line)
        except ValueError as exc:
            raise ConversionError("the LibreOffice helper sent a broken answer") from exc
        return message

    def _helper_log_tail(self) -> str:
        if self._workdir is None:
            return ""
        try:
            text = (self._workdir / "helper.log").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        return text[-500:].strip()

    def _stop(self) -> None:
        """Ask the helper to stop LibreOffice; kill everything if that takes too long."""
        helper = self._helper
        if helper is None:
            return
        if helper.poll() is None:
            try:
                self._write_message({"op": "quit"}, time.monotonic() + 1)
                helper.wait(timeout=STOP_GRACE)
            except (ConversionError, subprocess.TimeoutExpired):
                pass
        self._kill()

    def _kill(self) -> None:
        """Kill LibreOffice's process group, then the helper; reap; forget both."""
        helper = self._helper
        if helper is None:
            return
        # LibreOffice first: its processes are children of the helper (a child subreaper),
        # which reaps them, notices its end of the pipes closing and exits by itself.
        _kill_group(self._soffice_pgid)
        for stream in (helper.stdin, helper.stdout):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()
        try:
            helper.wait(timeout=STOP_GRACE)
        except subprocess.TimeoutExpired:
            _kill_group(helper.pid)
            helper.wait()
        if self._profile_url is not None:
            _remove_stale_pipes(self._profile_url, self._pipe_name)
        self._helper = None
        self._soffice_pgid = None
        self._pipe_name = None
        self._profile_url = None
        self._buffer = b""


_converter: PdfConverter | None = None
_converter_pid: int | None = None
_converter_lock = threading.Lock()


def office_allocator(setting: str | None = None) -> str | None:
    """The library LibreOffice runs with in place of glibc's malloc, or None for glibc's."""
    chosen = (
        setting if setting is not None else os.environ.get(OFFICE_MALLOC_VARIABLE, "")
    ).strip()
    if chosen in ("", "jemalloc"):
        return next((path for path in JEMALLOC_PATHS if os.path.isfile(path)), None)
    if chosen == "system":
        return None
    if os.path.isabs(chosen) and os.path.isfile(chosen):
        return chosen
    # a performance setting: a wrong one costs speed, not documents
    log.warning(
        "%s=%r is neither jemalloc, system nor the path of a library; LibreOffice runs with "
        "glibc's malloc",
        OFFICE_MALLOC_VARIABLE,
        chosen,
    )
    return None


def get_converter() -> PdfConverter:
    """The converter of the current process; a forked child gets one of its own."""
    global _converter, _converter_pid
    pid = os.getpid()
    with _converter_lock:
        if _converter is None or _converter_pid != pid or _converter.closed:
            if _converter is not None:
                _converter.close()  # in a child: only drops the parent's pipes
            _converter = PdfConverter()
            _converter_pid = pid
        return _converter


def running_converter() -> PdfConverter | None:
    """This process's converter if it started one (a forked child's parent's does not
    count), else None – without starting one (for measurements)."""
    if _converter is None or _converter_pid != os.getpid():
        return None
    return _converter


@atexit.register
def close_process_converter() -> None:
    """Stop this process's LibreOffice, if it started one (at exit; earlier where a process
    knows it has converted its last document)."""
    if _converter is not None and _converter_pid == os.getpid():
        _converter.close()


def convert_cold(
    docx_bytes: bytes,
    *,
    pdfa: bool = True,
    timeout: float = DEFAULT_TIMEOUT,
    soffice: str = SOFFICE,
) -> bytes:
    """Convert with one cold `soffice --convert-to` run: own profile, own session, timeout.

    The baseline for PdfConverter (about fifteen times slower per document). The processes
    LibreOffice daemonises (gpgconf and friends) are left to init to reap here.
    """
    check_docx(docx_bytes)
    options: dict[str, Any] = {"UseTaggedPDF": {"type": "boolean", "value": "true"}}
    if pdfa:
        # Only the JSON form is honoured; "SelectPdfVersion=2" is silently ignored (LO 7.4).
        options["SelectPdfVersion"] = {"type": "long", "value": "2"}
    workdir = Path(tempfile.mkdtemp(prefix=f"foerderwerk-lo-cold-{os.getpid()}-"))
    try:
        profile_url = write_profile(workdir / "profile")
        source = workdir / "document.docx"
        source.write_bytes(docx_bytes)
        outdir = workdir / "out"
        tmpdir = workdir / "tmp"
        tmpdir.mkdir()
        process = subprocess.Popen(  # noqa: S603 – fixed argument list, no shell
            [
                soffice,
                "--headless",
                "--norestore",
                "--nolockcheck",
                "--nologo",
                "--nodefault",
                f"-env:UserInstallation={profile_url}",
                "--infilter=MS Word 2007 XML",
                "--convert-to",
                "pdf:writer_pdf_Export:" + json.dumps(options),
                "--outdir",
                str(outdir),
                str(source),
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            env=dict(os.environ, TMPDIR=str(tmpdir)),
            start_new_session=True,
        )
        try:
            output, _ = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_group(process.pid)
            process.communicate()
            raise ConversionError(f"LibreOffice conversion timed out after {timeout:g} s") from None
        finally:
            # soffice leaves processes behind in its group after it exits.
            _kill_group(process.pid)
            _remove_stale_pipes(profile_url)
        target = outdir / "document.pdf"
        if process.returncode != 0 or not target.exists():
            message = output.decode("utf-8", errors="replace").strip()[-500:]
            raise ConversionError(
                f"LibreOffice could not convert the document (exit {process.returncode}): {message}"
            )
        return target.read_bytes()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
