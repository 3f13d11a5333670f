"""UNO side of service.pdf – runs under Debian's /usr/bin/python3, never imported.

python3-uno only imports in the system Python, not in the project's venv, so the converter
starts this file as a subprocess (arguments: soffice, work directory, UNO pipe name, start-up
timeout, the converter's pid, and a library to preload into LibreOffice or "") and talks to
it over stdin/stdout, one JSON object per line:

  helper → converter  {"event": "spawned", "soffice_pgid": …}  LibreOffice started
  helper → converter  {"event": "ready"}  once LibreOffice answers over UNO
  converter → helper  {"op": "convert", "docx": <base64>, "pdfa": true, "title": …, …}
  helper → converter  {"ok": true, "pdf": <base64>} or {"ok": false, "kind": …, "error": …}
  converter → helper  {"op": "settings", "paths": {node: [name, …]}}
  helper → converter  {"ok": true, "settings": {"node/name": value}}  (the live configuration)
  converter → helper  {"op": "quit"} or end of input → LibreOffice is stopped, helper exits

The helper starts LibreOffice in a session of its own, so the converter can kill that whole
process group on a timeout, and makes itself a child subreaper, so that whatever LibreOffice
leaves behind is re-parented to the helper and reaped here instead of lingering as a zombie.
Only the standard library and uno may be used here.
"""

from __future__ import annotations

import base64
import contextlib
import ctypes
import hashlib
import json
import os
import shutil
import signal
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import uno  # type: ignore[import-not-found]
from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]

PR_SET_CHILD_SUBREAPER = 36
# css.document.MacroExecMode.NEVER_EXECUTE and css.document.UpdateDocMode.NO_UPDATE
NEVER_EXECUTE = 0
NO_UPDATE = 0
DOCX_FILTER = "MS Word 2007 XML"


def _log(message: str) -> None:
    print(f"uno_helper[{os.getpid()}]: {message}", file=sys.stderr, flush=True)


def _prop(name: str, value: Any) -> Any:
    prop = PropertyValue()
    prop.Name = name
    prop.Value = value
    return prop


class Office:
    def __init__(
        self, soffice: str, profile_url: str, pipe_name: str, tmpdir: str, preload: str = ""
    ) -> None:
        self.pipe_name = pipe_name
        env = dict(os.environ, TMPDIR=tmpdir)
        if preload:
            # an allocator in place of glibc's malloc (converter.office_allocator)
            env["LD_PRELOAD"] = " ".join(filter(None, (preload, env.get("LD_PRELOAD"))))
        command = [
            soffice,
            "--headless",
            "--invisible",
            "--nocrashreport",
            "--nodefault",
            "--nofirststartwizard",
            "--nologo",
            "--norestore",
            "--nolockcheck",
            f"-env:UserInstallation={profile_url}",
            f"--accept=pipe,name={pipe_name};urp;StarOffice.ComponentContext",
        ]
        # Its own session: one killpg() ends oosplash, soffice.bin and anything they started.
        # posix_spawn rather than Popen: the pid is reaped here (reap_children), not by Popen.
        self.pid = os.posix_spawn(
            soffice,
            command,
            env,
            file_actions=[
                (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
                (os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0),
            ],
            setsid=True,
        )
        self.pgid = self.pid
        self.ctx: Any = None
        self.desktop: Any = None

    def connect(self, timeout: float) -> None:
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext(
            "com.sun.star.bridge.UnoUrlResolver", local
        )
        url = f"uno:pipe,name={self.pipe_name};urp;StarOffice.ComponentContext"
        deadline = time.monotonic() + timeout
        while True:
            if not self.alive():
                raise RuntimeError("LibreOffice exited during start-up")
            try:
                self.ctx = resolver.resolve(url)
                break
            except Exception:
                if time.monotonic() > deadline:
                    raise RuntimeError(
                        f"LibreOffice did not answer within {timeout:.0f} s"
                    ) from None
                time.sleep(0.05)
        smgr = self.ctx.ServiceManager
        self.desktop = smgr.createInstanceWithContext("com.sun.star.frame.Desktop", self.ctx)

    def alive(self) -> bool:
        try:
            pid, _ = os.waitpid(self.pid, os.WNOHANG)
        except ChildProcessError:
            return False
        return pid == 0

    def convert(self, request: dict[str, Any], inbox: str) -> bytes:
        # The document is loaded from a file in the inbox, not from a private:stream:
        # LibreOffice treats a document without a URL as trusted, and then fetches linked
        # images (http://, file://) although BlockUntrustedRefererLinks is on. The inbox is
        # no trusted location (SecureURL is empty), so links from there stay blocked.
        path = os.path.join(inbox, f"{uuid.uuid4().hex}.docx")
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as file:
            file.write(base64.b64decode(request["docx"]))
        load_props = (
            # A fixed filter: type detection could pick an HTML or RTF import for disguised
            # input, and those fetch external resources on their own terms.
            _prop("FilterName", DOCX_FILTER),
            _prop("Hidden", True),
            _prop("ReadOnly", True),
            _prop("MacroExecutionMode", NEVER_EXECUTE),
            _prop("UpdateDocMode", NO_UPDATE),
        )
        try:
            doc = self.desktop.loadComponentFromURL(
                uno.systemPathToFileUrl(path), "_blank", 0, load_props
            )
        except Exception as exc:
            raise LoadError(str(exc) or type(exc).__name__) from None
        finally:
            os.unlink(path)
        if doc is None:
            raise LoadError("LibreOffice could not open the document")
        try:
            props = doc.getDocumentProperties()
            for key in ("title", "subject", "author"):
                if request.get(key) is not None:
                    setattr(props, key.capitalize(), request[key])
            language = request.get("language")
            if language:
                # The PDF's /Lang is the document's default language (the DOCX's docDefaults,
                # en-US in Word's templates), not that of the styles the text uses.
                _set_default_language(doc, str(language))
            for style, level in (request.get("headings") or {}).items():
                _set_outline_level(doc, str(style), int(level))
            filter_data = [_prop("UseTaggedPDF", True), _prop("DisplayPDFDocumentTitle", True)]
            if request.get("pdfa", True):
                filter_data.append(_prop("SelectPdfVersion", 2))
            if request.get("pdfua", False):
                # PDF/UA-1: tagged, the title shown, a pdfuaid claim in the XMP metadata
                filter_data.append(_prop("PDFUACompliance", True))
            if request.get("watermark"):
                # drawn by the export itself across every page: a draft costs no second pass
                filter_data.append(_prop("Watermark", str(request["watermark"])))
                # pale red, diagonal: the text below stays legible
                filter_data.append(_prop("WatermarkColor", 0xF0B4B4))
                filter_data.append(_prop("WatermarkRotateAngle", 450))
            out = self.ctx.ServiceManager.createInstanceWithContext(
                "com.sun.star.io.SequenceOutputStream", self.ctx
            )
            doc.storeToURL(
                "private:stream",
                (
                    _prop("FilterName", "writer_pdf_Export"),
                    _prop(
                        "FilterData",
                        uno.Any("[]com.sun.star.beans.PropertyValue", tuple(filter_data)),
                    ),
                    _prop("OutputStream", out),
                ),
            )
            return bytes(out.getWrittenBytes().value)
        finally:
            try:
                doc.close(True)
            except Exception as exc:
                _log(f"closing the document failed: {exc}")

    def settings(self, wanted: dict[str, list[str]]) -> dict[str, Any]:
        smgr = self.ctx.ServiceManager
        provider = smgr.createInstanceWithContext(
            "com.sun.star.configuration.ConfigurationProvider", self.ctx
        )
        result: dict[str, Any] = {}
        for path, names in wanted.items():
            node = provider.createInstanceWithArguments(
                "com.sun.star.configuration.ConfigurationAccess", (_prop("nodepath", path),)
            )
            for name in names:
                value = node.getPropertyValue(name)
                result[f"{path}/{name}"] = list(value) if isinstance(value, tuple) else value
        return result

    def stop(self, grace: float = 5.0) -> None:
        if self.desktop is not None and self.alive():
            # The bridge drops while soffice exits: an exception here is the normal answer.
            with contextlib.suppress(Exception):
                self.desktop.terminate()
        deadline = time.monotonic() + grace
        while self.alive() and time.monotonic() < deadline:
            time.sleep(0.05)
        kill_group(self.pgid)
        reap_children()


def _set_default_language(doc: Any, tag: str) -> None:
    language, _, country = tag.partition("-")
    locale = uno.createUnoStruct("com.sun.star.lang.Locale")
    locale.Language, locale.Country = language, country
    defaults = doc.createInstance("com.sun.star.text.Defaults")
    defaults.setPropertyValue("CharLocale", locale)


def _set_outline_level(doc: Any, name: str, level: int) -> None:
    """Paragraphs of a style with an outline level are tagged /H<level> in the PDF (and
    become its bookmarks); the level changes nothing on the page."""
    styles = doc.getStyleFamilies().getByName("ParagraphStyles")
    if styles.hasByName(name):
        styles.getByName(name).setPropertyValue("OutlineLevel", level)


class LoadError(Exception):
    pass


def kill_group(pgid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)


def reap_children(patience: float = 5.0) -> None:
    """Wait for every child, including LibreOffice's orphans re-parented to this subreaper.

    Something that left the process group (a daemon calling setsid) escapes killpg; after
    `patience` seconds every remaining child is killed, so this never blocks for good.
    """
    deadline = time.monotonic() + patience
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid:
            continue
        if time.monotonic() > deadline:
            for child in children():
                with contextlib.suppress(ProcessLookupError):
                    os.kill(child, signal.SIGKILL)
        time.sleep(0.02)


def children() -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="utf-8", errors="replace") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == os.getpid():
            found.append(int(entry))
    return found


def reap_finished() -> None:
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def remove_leftovers(workdir: Path, pipe_name: str) -> None:
    """What the converter's close() would have removed: profile, temp files, sockets.

    Mirrors converter._remove_stale_pipes (this file cannot import the project).
    """
    profile_url = (workdir / "profile").as_uri()
    digest = hashlib.md5(profile_url.encode("utf-16-le"), usedforsecurity=False).digest()
    ipc = "SingleOfficeIPC_" + "".join(format(byte, "x") for byte in digest)
    for directory in ("/tmp", "/var/tmp"):  # noqa: S108 – where osl puts its sockets
        for name in (ipc, pipe_name):
            with contextlib.suppress(OSError):
                os.unlink(os.path.join(directory, f"OSL_PIPE_{os.getuid()}_{name}"))
    shutil.rmtree(workdir, ignore_errors=True)


def watch(parent: int, office: Office, workdir: Path) -> None:
    """Reap what LibreOffice leaves behind, and stop it if the worker is gone."""
    while True:
        time.sleep(0.5)
        # LibreOffice starts gpgconf/gpg/gpgsm, which daemonise and end up re-parented here.
        reap_finished()
        if os.getppid() != parent:
            # The worker died (SIGKILL, OOM): nobody else would ever stop this LibreOffice.
            _log("parent process is gone; stopping LibreOffice")
            kill_group(office.pgid)
            reap_children()
            remove_leftovers(workdir, office.pipe_name)
            os._exit(3)


def main(argv: list[str]) -> int:
    soffice, directory, pipe_name, start_timeout, converter_pid = argv[1:6]
    preload = argv[6] if len(argv) > 6 else ""
    # Laid out by the converter: profile/ (written before we start), tmp/ and inbox/.
    workdir = Path(directory)
    profile_url = (workdir / "profile").as_uri()
    inbox = str(workdir / "inbox")
    # The protocol owns the original stdout; anything else printing (uno, LibreOffice
    # messages) lands on stderr instead of corrupting the JSON lines.
    protocol = os.fdopen(os.dup(1), "w", encoding="utf-8", buffering=1)
    os.dup2(2, 1)
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        _log("could not become a child subreaper; orphans go to init")
    parent = int(converter_pid)  # not getppid(): the converter may be dead already

    def send(message: dict[str, Any]) -> None:
        protocol.write(json.dumps(message) + "\n")
        protocol.flush()

    try:
        office = Office(soffice, profile_url, pipe_name, str(workdir / "tmp"), preload)
    except OSError as exc:
        send({"event": "failed", "error": f"cannot start {soffice}: {exc.strerror}"})
        return 1
    # Reported at once, so the converter can kill the group even if start-up hangs.
    send({"event": "spawned", "soffice_pid": office.pid, "soffice_pgid": office.pgid})
    threading.Thread(target=watch, args=(parent, office, workdir), daemon=True).start()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        try:
            office.connect(float(start_timeout))
        except Exception as exc:
            send({"event": "failed", "error": str(exc)})
            return 1
        send({"event": "ready"})
        for line in sys.stdin:
            request = json.loads(line)
            op = request.get("op")
            if op == "quit":
                break
            if op == "convert":
                try:
                    pdf = office.convert(request, inbox)
                except LoadError as exc:
                    send({"ok": False, "kind": "load", "error": str(exc)})
                except Exception as exc:
                    kind = "office" if not office.alive() else "export"
                    send({"ok": False, "kind": kind, "error": f"{type(exc).__name__}: {exc}"})
                else:
                    send({"ok": True, "pdf": base64.b64encode(pdf).decode("ascii")})
            elif op == "settings":
                send({"ok": True, "settings": office.settings(request["paths"])})
            else:
                send({"ok": False, "kind": "protocol", "error": f"unknown op {op!r}"})
    except BrokenPipeError:
        pass  # the converter gave up on us (timeout, close); stopping is all that is left
    finally:
        office.stop()
        # End of input without "quit" may mean the worker died. Checked after stop(), by
        # when the kernel has long re-parented us; the converter, if alive, cleans up itself.
        if os.getppid() != parent:
            remove_leftovers(workdir, pipe_name)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
