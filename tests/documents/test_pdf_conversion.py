"""DOCX → PDF/A-2b with the warm LibreOffice (R10 in /work/shared/reliability.md).

Needs /usr/bin/soffice, Debian's python3-uno and poppler's pdftotext: skipped locally when
one is missing, a failure on CI. One converter serves most tests; tests that kill or restart
LibreOffice use their own.
"""

from __future__ import annotations

import io
import os
import shutil
import struct
import subprocess
import zipfile
import zlib
from collections.abc import Iterator
from typing import Any

import pypdf
import pytest
from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml.ns import qn
from docx.shared import Cm
from pypdf.generic import DictionaryObject

from service.documents.pdf import ConversionError, PdfConverter
from service.documents.pdf.converter import SOFFICE, SYSTEM_PYTHON
from tests.conftest import ON_CI

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


@pytest.fixture(scope="module")
def converter() -> Iterator[PdfConverter]:
    with PdfConverter() as shared:
        yield shared


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
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True
    )
    return result.stdout.decode("utf-8")


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
