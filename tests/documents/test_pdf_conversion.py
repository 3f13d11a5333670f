"""DOCX → PDF/A-2b with the warm LibreOffice (R10 in /work/shared/reliability.md).

Needs /usr/bin/soffice, Debian's python3-uno and poppler's pdftotext: skipped locally when
one is missing, a failure on CI. One converter serves most tests; tests that kill or restart
LibreOffice use their own.
"""

from __future__ import annotations

import http.server
import io
import multiprocessing
import os
import shutil
import signal
import struct
import subprocess
import sys
import threading
import time
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pypdf
import pytest
from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml.ns import qn
from docx.shared import Cm
from pypdf.generic import DictionaryObject

from service.pdf import ConversionError, PdfConverter, convert_cold, get_converter
from service.pdf.converter import (
    PROFILE_SETTINGS,
    SOFFICE,
    SYSTEM_PYTHON,
    Settings,
    office_allocator,
    office_pipes,
)
from tests.conftest import ON_CI
from tests.poppler import pdftotext

pytestmark = pytest.mark.libreoffice

GERMAN = "Zuwendungsbescheid – Größe 1.234,56 €"
PDFAID = "{http://www.aiim.org/pdfa/ns/id/}"


def _missing_tools() -> list[str]:
    missing = [path for path in (SOFFICE, SYSTEM_PYTHON) if not os.access(path, os.X_OK)]
    if not missing:
        probe = subprocess.run([SYSTEM_PYTHON, "-c", "import uno"], capture_output=True)
        if probe.returncode != 0:
            missing.append("python3-uno")
    if shutil.which("pdftotext") is None:
        missing.append("pdftotext (poppler-utils)")
    return missing


@pytest.fixture(scope="module", autouse=True)
def _libreoffice_installed() -> None:
    missing = _missing_tools()
    if not missing:
        return
    message = "LibreOffice conversion needs " + ", ".join(missing)
    if ON_CI:
        pytest.fail(f"{message} – on CI this test must run, not skip")
    pytest.skip(message)


@pytest.fixture
def converter(pdf_converter: PdfConverter) -> PdfConverter:
    """The session's warm office (tests/conftest.py)."""
    return pdf_converter


# -- documents --------------------------------------------------------------------------------


def png(rgb: tuple[int, int, int] = (200, 30, 30), size: int = 4) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    rows = b"".join(b"\x00" + bytes(rgb) * size for _ in range(size))
    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def docx(*paragraphs: str, pages: int = 0) -> bytes:
    document = Document()
    document.add_heading("Zuwendungsbescheid", level=1)
    for text in paragraphs:
        document.add_paragraph(text)
    for page in range(pages):
        for number in range(14):
            document.add_paragraph(
                f"Absatz {page}.{number}: Die Zuwendung wird als Festbetragsfinanzierung "
                "im Rahmen der Partnerschaft für Demokratie gewährt. " * 2
            )
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def docx_with_picture(link: str | None = None) -> bytes:
    """A picture embedded in the DOCX, or – with link – only linked (r:link, external)."""
    document = Document()
    document.add_paragraph("Logo des Trägers:")
    document.add_picture(io.BytesIO(png()), width=Cm(3))
    if link is not None:
        blip = document.element.body.findall(".//" + qn("a:blip"))[-1]
        del blip.attrib[qn("r:embed")]
        blip.set(qn("r:link"), document.part.relate_to(link, RELATIONSHIP_TYPE.IMAGE, True))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def zipped(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


# -- reading PDFs -----------------------------------------------------------------------------


def pdf_text(pdf: bytes) -> str:
    return pdftotext(pdf, "-enc", "UTF-8")


def image_count(pdf: bytes) -> int:
    """Image XObjects on all pages, including those inside form XObjects."""

    def count(resources: Any) -> int:
        resources = resources.get_object() if resources is not None else None
        if not isinstance(resources, DictionaryObject):
            return 0
        found = 0
        xobjects = resources.get("/XObject")
        for ref in (xobjects.get_object() if xobjects else {}).values():
            xobject = ref.get_object()
            if xobject.get("/Subtype") == "/Image":
                found += 1
            elif xobject.get("/Subtype") == "/Form":
                found += count(xobject.get("/Resources"))
        return found

    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return sum(count(page.get("/Resources")) for page in reader.pages)


def pdfa_claim(pdf: bytes) -> tuple[str, str] | None:
    xmp = pypdf.PdfReader(io.BytesIO(pdf)).xmp_metadata
    if xmp is None:
        return None
    part = conformance = None
    for node in xmp.rdf_root.getElementsByTagNameNS("*", "Description"):
        # The claim may be written as attributes or as child elements.
        part = part or node.getAttributeNS(PDFAID[1:-1], "part") or None
        conformance = conformance or node.getAttributeNS(PDFAID[1:-1], "conformance") or None
        for child in node.childNodes:
            if child.namespaceURI == PDFAID[1:-1] and child.firstChild is not None:
                if child.localName == "part":
                    part = child.firstChild.nodeValue
                elif child.localName == "conformance":
                    conformance = child.firstChild.nodeValue
    return (part, conformance) if part and conformance else None


# -- processes --------------------------------------------------------------------------------


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def processes_mentioning(text: str) -> list[str]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if text in cmdline:
            found.append(f"{entry.name}: {cmdline}")
    return found


def zombie_children() -> list[str]:
    zombies = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # "pid (comm) state ppid …" – comm may contain spaces, so split after the ")".
        state, ppid = stat.rsplit(")", 1)[1].split()[:2]
        if state == "Z" and int(ppid) == os.getpid():
            zombies.append(stat)
    return zombies


# -- a listener that must stay unasked ----------------------------------------------------------


class Listener:
    def __init__(self) -> None:
        self.requests: list[str] = []
        requests = self.requests

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                requests.append(self.path)
                body = png(rgb=(0, 160, 0))
                self.send_response(200)
                self.send_header("Content-Type", "image/png")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/logo.png"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


@pytest.fixture
def listener() -> Iterator[Listener]:
    server = Listener()
    yield server
    server.close()


# -- conversion -------------------------------------------------------------------------------


def test_german_text_survives_the_conversion(converter: PdfConverter) -> None:
    pdf = converter.convert(docx(GERMAN))

    assert pdf.startswith(b"%PDF-")
    assert GERMAN in pdf_text(pdf)


def test_the_pdf_claims_pdfa_2b_in_its_xmp_metadata(converter: PdfConverter) -> None:
    assert pdfa_claim(converter.convert(docx(GERMAN))) == ("2", "B")


def test_without_pdfa_the_pdf_makes_no_pdfa_claim(converter: PdfConverter) -> None:
    assert pdfa_claim(converter.convert(docx(GERMAN), pdfa=False)) is None


def test_title_subject_and_author_are_in_info_and_xmp_metadata(converter: PdfConverter) -> None:
    pdf = converter.convert(
        docx(GERMAN),
        title="Zuwendungsbescheid Nr. 2026-017",
        subject="Bewilligung – Aktions- und Initiativfonds",
        author="Stadt Musterhausen, Koordinierungsstelle",
    )

    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert reader.metadata is not None
    assert reader.metadata.title == "Zuwendungsbescheid Nr. 2026-017"
    assert reader.metadata.subject == "Bewilligung – Aktions- und Initiativfonds"
    assert reader.metadata.author == "Stadt Musterhausen, Koordinierungsstelle"
    xmp = reader.xmp_metadata
    assert xmp is not None
    assert xmp.dc_title == {"x-default": "Zuwendungsbescheid Nr. 2026-017"}
    assert xmp.dc_description == {"x-default": "Bewilligung – Aktions- und Initiativfonds"}
    assert xmp.dc_creator == ["Stadt Musterhausen, Koordinierungsstelle"]
    assert pdfa_claim(pdf) == ("2", "B")


@pytest.mark.parametrize(
    "broken",
    [
        pytest.param(b"", id="empty"),
        pytest.param(b"%PDF-1.7 this is no DOCX", id="not a zip"),
        pytest.param(docx(GERMAN)[:2000], id="truncated"),
        pytest.param(zipped({"[Content_Types].xml": "<Types/>"}), id="zip without a document"),
    ],
)
def test_input_that_is_no_docx_is_refused_before_libreoffice_sees_it(
    converter: PdfConverter, broken: bytes
) -> None:
    with pytest.raises(ConversionError, match="no DOCX"):
        converter.convert(broken)


def test_a_corrupt_docx_raises_conversion_error_and_the_converter_still_works(
    converter: PdfConverter,
) -> None:
    corrupt = zipped(
        {"[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document><w:body>kaputt"}
    )
    converter.convert(docx(GERMAN))  # LibreOffice is running before the bad document
    starts = converter.starts

    with pytest.raises(ConversionError, match="could not open the document"):
        converter.convert(corrupt)

    assert GERMAN in pdf_text(converter.convert(docx(GERMAN)))
    assert converter.starts == starts, "a bad document must not cost a restart"


def test_a_missing_system_python_is_reported_as_a_conversion_error() -> None:
    with (
        PdfConverter(python="/nonexistent/python3") as broken,
        pytest.raises(ConversionError, match="cannot start the LibreOffice helper"),
    ):
        broken.convert(docx(GERMAN))


def test_a_missing_soffice_is_reported_as_a_conversion_error() -> None:
    with PdfConverter(soffice="/nonexistent/soffice") as broken:
        with pytest.raises(ConversionError, match="did not start: cannot start /nonexistent/"):
            broken.convert(docx(GERMAN))
        assert broken.process_ids is None


# -- hardening --------------------------------------------------------------------------------


def test_the_running_office_has_macros_and_links_turned_off(converter: PdfConverter) -> None:
    settings = converter.office_settings()

    scripting = "/org.openoffice.Office.Common/Security/Scripting"
    assert settings[f"{scripting}/MacroSecurityLevel"] == 3
    assert settings[f"{scripting}/DisableMacrosExecution"] is True
    assert settings[f"{scripting}/BlockUntrustedRefererLinks"] is True
    assert settings[f"{scripting}/SecureURL"] == []
    assert settings["/org.openoffice.Office.Writer/Content/Update/Link"] == 0
    assert settings == {
        f"{path}/{name}": value
        for path, props in PROFILE_SETTINGS.items()
        for name, value in props.items()
    }


def test_an_embedded_picture_is_counted_as_an_image(converter: PdfConverter) -> None:
    # Control for the tests below: the counter sees pictures that do get into the PDF.
    assert image_count(converter.convert(docx_with_picture())) == 1


def test_a_picture_linked_to_a_loopback_listener_is_neither_fetched_nor_embedded(
    converter: PdfConverter, listener: Listener
) -> None:
    pdf = converter.convert(docx_with_picture(link=listener.url))

    assert listener.requests == []
    assert image_count(pdf) == 0
    assert "Logo des Trägers" in pdf_text(pdf)


def test_a_picture_linked_to_etc_hostname_is_not_embedded(converter: PdfConverter) -> None:
    pdf = converter.convert(docx_with_picture(link="file:///etc/hostname"))

    assert image_count(pdf) == 0
    hostname = Path("/etc/hostname").read_text().strip() if Path("/etc/hostname").exists() else ""
    if hostname:
        assert hostname not in pdf_text(pdf)


def test_a_picture_linked_to_a_local_png_file_is_not_embedded(
    converter: PdfConverter, tmp_path: Path
) -> None:
    # /etc/hostname is no image, so LibreOffice could not embed it anyway; a real PNG on
    # the local disk shows that file:// links are blocked, not merely undecodable.
    secret = tmp_path / "secret.png"
    secret.write_bytes(png(rgb=(0, 0, 200)))

    assert image_count(converter.convert(docx_with_picture(link=secret.as_uri()))) == 0


class UnhardenedConverter(PdfConverter):
    profile_settings: ClassVar[Settings] = {}


def test_without_the_hardened_profile_libreoffice_would_fetch_linked_pictures(
    listener: Listener, tmp_path: Path
) -> None:
    # Control: shows that the link tests above can fail, i.e. that the profile settings
    # (and loading from a file URL) are what keeps LibreOffice from fetching.
    local = tmp_path / "local.png"
    local.write_bytes(png(rgb=(0, 0, 200)))
    with UnhardenedConverter() as unhardened:
        fetched = unhardened.convert(docx_with_picture(link=listener.url))
        read = unhardened.convert(docx_with_picture(link=local.as_uri()))

    assert listener.requests == ["/logo.png"]
    assert image_count(fetched) == 1
    assert image_count(read) == 1


# -- process handling -------------------------------------------------------------------------


def office_sockets() -> set[str]:
    return {path.name for path in Path("/tmp").glob(f"OSL_PIPE_{os.getuid()}_*")}


def sockets_of(converter: PdfConverter) -> set[str]:
    """The sockets osl names after this converter's office (its UNO and single-instance
    pipes): test workers running beside this one start offices of their own meanwhile."""
    assert converter._pipe_name is not None
    assert converter._profile_url is not None
    return set(office_pipes(converter._profile_url, converter._pipe_name))


def test_a_timeout_kills_the_whole_process_group_and_the_next_conversion_works() -> None:
    before = office_sockets()
    with PdfConverter() as converter:
        converter.convert(docx(GERMAN))
        ids = converter.process_ids
        assert ids is not None
        helper, group = ids
        sockets = (office_sockets() - before) & sockets_of(converter)
        assert group_alive(group)
        # About 600 pages: 2.5 s to convert here, so a prompt error proves the kill.
        long_document = docx(GERMAN, pages=400)
        converter.timeout = 0.2
        started = time.monotonic()

        with pytest.raises(ConversionError, match=r"timed out after 0\.2 s"):
            converter.convert(long_document)

        assert time.monotonic() - started < 1.0, "killed, not waited for"
        assert converter.process_ids is None
        assert not group_alive(group), "every process of LibreOffice's group must be gone"
        assert not pid_alive(helper)
        assert zombie_children() == []
        assert len(sockets) == 2, "a running office has its UNO and single-instance sockets"
        assert sockets & office_sockets() == set(), "a killed office leaves no socket behind"
        converter.timeout = 60.0
        pdf = converter.convert(docx(GERMAN))
        assert GERMAN in pdf_text(pdf)
        assert converter.process_ids is not None
        assert converter.process_ids[1] != group


def test_libreoffice_is_restarted_after_the_configured_number_of_conversions() -> None:
    with PdfConverter(max_conversions=2) as counted:
        groups = []
        for _ in range(3):
            counted.convert(docx(GERMAN))
            assert counted.process_ids is not None
            groups.append(counted.process_ids[1])

        assert groups[0] == groups[1] != groups[2]
        assert counted.starts == 2
        assert not group_alive(groups[0])


def test_close_leaves_no_libreoffice_process_no_zombie_and_no_profile() -> None:
    converter = PdfConverter()
    converter.convert(docx(GERMAN))
    ids = converter.process_ids
    profile = converter.profile_dir
    assert ids is not None
    assert profile is not None
    assert processes_mentioning(str(profile)), "soffice runs with this profile"

    converter.close()

    helper, group = ids
    assert not pid_alive(helper)
    assert not group_alive(group)
    assert processes_mentioning(str(profile)) == []
    assert zombie_children() == []
    assert not profile.parent.exists()
    with pytest.raises(ConversionError, match="closed"):
        converter.convert(docx(GERMAN))


def _convert_in_child(results: Any) -> None:
    # Runs in a forked child: report, never raise (pytest is not listening here).
    try:
        converter = get_converter()
        try:
            pdf = converter.convert(docx(GERMAN))
            ids = converter.process_ids
            results.put(
                {
                    "pid": os.getpid(),
                    "profile": str(converter.profile_dir),
                    "group": ids[1] if ids else None,
                    "text_ok": GERMAN in pdf_text(pdf),
                }
            )
        finally:
            converter.close()
    except Exception as exc:
        results.put({"pid": os.getpid(), "error": repr(exc)})


def test_two_processes_each_get_their_own_libreoffice_and_profile() -> None:
    parent = get_converter()
    try:
        parent.convert(docx(GERMAN))  # the children inherit a running office
        assert get_converter() is parent
        parent_profile = str(parent.profile_dir)
        context = multiprocessing.get_context("fork")
        results = context.Queue()
        children = [context.Process(target=_convert_in_child, args=(results,)) for _ in "ab"]
        for child in children:
            child.start()
        reports = [results.get(timeout=60) for _ in children]
        for child in children:
            child.join(timeout=30)

        assert [report.get("error") for report in reports] == [None, None]
        assert all(report["text_ok"] for report in reports)
        profiles = {report["profile"] for report in reports}
        assert len(profiles) == 2
        assert parent_profile not in profiles
        assert len({report["group"] for report in reports}) == 2
        assert [child.exitcode for child in children] == [0, 0]
        # The children closed their own offices, not the parent's.
        assert GERMAN in pdf_text(parent.convert(docx(GERMAN)))
        for profile in profiles:
            assert processes_mentioning(profile) == []
    finally:
        parent.close()


# -- cold baseline ----------------------------------------------------------------------------


def test_a_cold_conversion_gives_a_hardened_pdfa_too(listener: Listener) -> None:
    pdf = convert_cold(docx_with_picture(link=listener.url))

    assert pdfa_claim(pdf) == ("2", "B")
    assert "Logo des Trägers" in pdf_text(pdf)
    assert image_count(pdf) == 0
    assert listener.requests == []


def test_libreoffice_stops_and_cleans_up_when_its_worker_is_killed(tmp_path: Path) -> None:
    worker = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import os, signal\n"
            "from service.pdf import PdfConverter\n"
            "from tests.documents.test_pdf_conversion import GERMAN, docx\n"
            "converter = PdfConverter()\n"
            "converter.convert(docx(GERMAN))\n"
            "print(converter.profile_dir, *converter.process_ids, flush=True)\n"
            "os.kill(os.getpid(), signal.SIGKILL)\n",
        ],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).parents[2],
    )
    output, _ = worker.communicate(timeout=60)
    assert worker.returncode == -signal.SIGKILL
    profile, helper, group = output.split()

    deadline = time.monotonic() + 10
    while (group_alive(int(group)) or pid_alive(int(helper))) and time.monotonic() < deadline:
        time.sleep(0.1)

    assert not group_alive(int(group)), "the helper notices its worker is gone"
    assert processes_mentioning(profile) == []
    assert not Path(profile).exists()


def _maps_of_group(pgid: int) -> str:
    maps = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if os.getpgid(int(entry.name)) == pgid:
                maps.append((entry / "maps").read_text())
        except OSError:
            continue
    return "\n".join(maps)


def test_libreoffice_runs_with_jemalloc_in_place_of_glibc_malloc(converter: PdfConverter) -> None:
    # libjemalloc2 is a system package of `make sysdeps`, like LibreOffice itself
    assert office_allocator() is not None, "libjemalloc2 is not installed"
    converter.convert(docx(GERMAN))
    assert converter.process_ids is not None
    assert "libjemalloc" in _maps_of_group(converter.process_ids[1])


def test_with_the_system_allocator_libreoffice_keeps_glibc_malloc() -> None:
    with PdfConverter(allocator="") as plain:
        assert pdf_text(plain.convert(docx(GERMAN))).count("Zuwendung") >= 1
        assert plain.process_ids is not None
        assert "libjemalloc" not in _maps_of_group(plain.process_ids[1])


def test_the_allocator_setting(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    assert office_allocator("system") is None
    library = tmp_path / "liballoc.so"
    library.write_bytes(b"")
    assert office_allocator(str(library)) == str(library)
    # a wrong setting costs speed, not documents: glibc's malloc and a warning
    assert office_allocator("tcmalloc") is None
    assert office_allocator(str(tmp_path / "missing.so")) is None
    assert "FOERDERWERK_OFFICE_MALLOC" in caplog.text
