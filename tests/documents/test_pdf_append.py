"""Anlage 2 appended without rewriting the notice (service/pdf/append.py): the notice's
objects are copied as bytes, the result is one clean revision, and it reads exactly as the
general pypdf path's result does – pages, text, size, bookmarks, claims, metadata."""

from __future__ import annotations

import io
import subprocess

import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
    NumberObject,
)

from service.pdf.append import Appendix, append_pages
from service.pdf.pdftools import PrintFilePart, append_annexes, claims_pdfa, page_count
from tests.conftest import require_tools
from tests.documents.test_notice_annex_pdf import (
    SAMPLE_GK,
    SAMPLE_P,
    outline_titles,
    plain_pdf,
    with_pdfua_claim,
)


def _write(writer: PdfWriter) -> bytes:
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _rewritten(document: bytes, annexes: list[PrintFilePart]) -> bytes:
    """The same append on the general path: a document the byte copy does not take (an
    incremental update on top) – the update changes nothing the reader sees."""
    writer = PdfWriter(io.BytesIO(document), incremental=True)
    writer.add_metadata({"/Keywords": "Bescheid"})
    updated = _write(writer)
    assert append_pages(updated, [Appendix("x", SAMPLE_GK)]) is None
    return append_annexes(updated, annexes)


def _texts(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def _boxes(pdf: bytes) -> list[list[float]]:
    # to a thousandth of a point: pypdf writes the rewritten document's numbers shorter
    pages = PdfReader(io.BytesIO(pdf)).pages
    return [[round(float(v), 3) for v in page.mediabox] for page in pages]


def _xmp(pdf: bytes) -> bytes:
    return PdfReader(io.BytesIO(pdf)).root_object["/Metadata"].get_object().get_data()


CASES = {
    "PDF/A annex": (SAMPLE_P, [PrintFilePart("Anlage 2: ANBest-Gk", SAMPLE_GK)]),
    "plain annex": (SAMPLE_P, [PrintFilePart("Anlage 2: ANBest-P", plain_pdf(2))]),
    "two annexes": (
        SAMPLE_P,
        [PrintFilePart("Anlage 2", SAMPLE_GK), PrintFilePart("Anlage 3", plain_pdf(1))],
    ),
    "PDF/UA document": (
        with_pdfua_claim(SAMPLE_P),
        [PrintFilePart("Anlage 2: ANBest-Gk", SAMPLE_GK)],
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_the_copied_document_reads_as_the_rewritten_one(case: str) -> None:
    document, annexes = CASES[case]

    copied = append_annexes(document, annexes)
    rewritten = _rewritten(document, annexes)

    assert page_count(copied) == page_count(document) + sum(
        page_count(annex.pdf) for annex in annexes
    )
    assert _texts(copied) == _texts(rewritten)
    assert _boxes(copied) == _boxes(rewritten)
    assert outline_titles(copied) == outline_titles(rewritten)
    assert outline_titles(copied)[-len(annexes) :] == [annex.title for annex in annexes]
    assert claims_pdfa(copied) == claims_pdfa(rewritten)
    assert (b"pdfuaid" in _xmp(copied)) == (b"pdfuaid" in _xmp(rewritten))
    assert PdfReader(io.BytesIO(copied)).metadata == PdfReader(io.BytesIO(document)).metadata


def test_the_document_s_objects_are_copied_as_they_are_into_one_revision() -> None:
    merged = append_annexes(SAMPLE_P, [PrintFilePart("Anlage 2: ANBest-Gk", SAMPLE_GK)])

    reader = PdfReader(io.BytesIO(SAMPLE_P))
    first_page = reader.pages[0].indirect_reference
    assert first_page is not None
    offset = reader.xref[0][first_page.idnum]
    end = SAMPLE_P.index(b"endobj", offset)
    assert SAMPLE_P[offset:end] in merged  # the notice's page object, byte for byte
    # one revision: one table, one trailer, the header of the document
    assert merged.count(b"\nxref\n") == 1
    assert merged.count(b"%%EOF") == 1
    assert merged.startswith(SAMPLE_P[:15])
    strict = PdfReader(io.BytesIO(merged), strict=True)
    assert len(strict.pages) == page_count(SAMPLE_P) + page_count(SAMPLE_GK)
    assert strict.trailer["/ID"] == reader.trailer["/ID"]


def test_poppler_reads_the_copied_document_without_complaint() -> None:
    require_tools("pdfinfo", "pdftotext")
    merged = append_annexes(SAMPLE_P, [PrintFilePart("Anlage 2: ANBest-Gk", SAMPLE_GK)])

    info = subprocess.run(["pdfinfo", "-"], input=merged, capture_output=True, check=True)
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=merged, capture_output=True, check=True
    )

    assert info.stderr == b""  # "Syntax Error", "xref" repairs would show here
    assert b"Pages:           2" in info.stdout
    assert text.stderr == b""
    assert "(ANBest-Gk)" in text.stdout.decode("utf-8")


def _with_parent_attributes(*, text: bytes = b"", size: tuple[int, int] = (595, 842)) -> bytes:
    """A one-page PDF whose page inherits its resources and size from the page tree, and
    whose content stream contains the word "endobj"."""
    writer = PdfWriter()
    page = writer.add_blank_page(width=size[0], height=size[1])
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
        }
    )
    resources = DictionaryObject(
        {NameObject("/Font"): DictionaryObject({NameObject("/F9"): writer._add_object(font)})}
    )
    content = DecodedStreamObject()
    content.set_data(b"BT /F9 12 Tf 72 720 Td (" + text + b" endobj endstream) Tj ET")
    page[NameObject("/Contents")] = writer._add_object(content)
    tree = writer.root_object["/Pages"].get_object()
    tree[NameObject("/Resources")] = resources
    tree[NameObject("/MediaBox")] = ArrayObject(
        [NumberObject(0), NumberObject(0), NumberObject(size[0]), NumberObject(size[1])]
    )
    del page["/Resources"]
    del page["/MediaBox"]
    return _write(writer)


def test_an_appended_page_keeps_what_it_inherited_and_not_the_document_s() -> None:
    document = _with_parent_attributes(text=b"Bescheid")
    annex = _with_parent_attributes(text=b"Anlage", size=(420, 595))

    merged = append_annexes(document, [PrintFilePart("Anlage 2", annex)])

    assert append_pages(document, [Appendix("Anlage 2", annex)]) is not None
    assert _texts(merged) == [
        "Bescheid endobj endstream",
        "Anlage endobj endstream",
    ]
    assert _boxes(merged) == [[0, 0, 595, 842], [0, 0, 420, 595]]
    # a document without an outline gets one for its annex
    assert outline_titles(merged) == ["Anlage 2"]
    reader = PdfReader(io.BytesIO(merged), strict=True)
    annex_page = reader.pages[1]
    assert "/Resources" in annex_page
    assert annex_page["/Parent"] == reader.root_object["/Pages"]


def test_a_document_the_copy_does_not_take_goes_the_general_way() -> None:
    document = _rewritten(SAMPLE_P, [PrintFilePart("Anlage 2: ANBest-Gk", SAMPLE_GK)])

    assert page_count(document) == page_count(SAMPLE_P) + page_count(SAMPLE_GK)
    assert outline_titles(document) == ["Anlage 2: ANBest-Gk"]
    assert claims_pdfa(document)


def test_an_annex_s_page_opening_action_is_left_behind_quietly_a_script_is_reported(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # page counts no other test uses: the prepared annexes are kept per process
    opening = PdfReader(io.BytesIO(plain_pdf(5)))
    writer = PdfWriter(clone_from=opening)
    first = writer.pages[0].indirect_reference
    writer.root_object[NameObject("/OpenAction")] = ArrayObject([first, NameObject("/Fit")])
    quiet_annex = _write(writer)

    with caplog.at_level("WARNING", logger="service.pdf.pdftools"):
        append_annexes(SAMPLE_P, [PrintFilePart("Anlage 2", quiet_annex)])
    assert "active content" not in caplog.text

    with caplog.at_level("WARNING", logger="service.pdf.pdftools"):
        merged = append_annexes(SAMPLE_P, [PrintFilePart("Anlage 2", plain_pdf(7, script=True))])
    assert "annex: active content removed: /JavaScript, /OpenAction" in caplog.text
    assert b"app.alert" not in merged
