"""Accessible PDFs (issue 18.8): every document kind is German (/Lang de-DE), tagged, with its
headings as H1–H3, PDF/A-2b and PDF/UA-1 as far as service.pdf.accessibility can check
(its docstring says what it does not check)."""

from __future__ import annotations

import io
import re
from functools import cache
from typing import Any

import pytest
from docx import Document
from pypdf import PdfReader

from service.pdf import PdfConverter
from service.pdf.accessibility import (
    accessibility_problems,
    declare_pdfua_schema,
    role_counts,
    structure_roles,
)
from service.pdf.converter import heading_levels
from service.rendering.docx import Metadata, docx_text, render_kind
from tests.documents.test_docx_templates import rich_contexts

KINDS = (
    "approval",
    "rejection",
    "minutes",
    "invitation",
    "report",
    "application",
    "payment_order",
    "closing_letter",
    "refund_notice",
    "payment_request",
)


@cache
def contexts() -> dict[str, dict[str, Any]]:
    return rich_contexts()


def rendered(kind: str) -> bytes:
    return render_kind(kind, contexts()[kind], Metadata(f"Titel {kind}", kind, "Stadt"))


# -- without LibreOffice -------------------------------------------------------------------


def test_the_heading_styles_of_a_notice_get_three_levels() -> None:
    assert heading_levels(rendered("approval")) == {
        "FW Betreff": 1,
        "FW Titel": 2,
        "FW Teil": 2,
        "FW Nummer": 3,
    }


@pytest.mark.parametrize("kind", ["minutes", "report", "invitation", "application"])
def test_no_heading_level_is_skipped_where_a_rank_is_missing(kind: str) -> None:
    # these have no "FW Teil": their numbered headings are H2, not H3 below a missing H2
    assert heading_levels(rendered(kind)) == {"FW Betreff": 1, "FW Nummer": 2}


def test_a_document_without_the_heading_styles_gets_no_levels() -> None:
    document = Document()
    document.add_paragraph("Nur Text")
    buffer = io.BytesIO()
    document.save(buffer)
    assert heading_levels(buffer.getvalue()) == {}


XMP = (
    b"%PDF-1.6\n1 0 obj\n<</Type/Metadata/Subtype/XML/Length 999>>\nstream\n"
    b'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>\n<x:xmpmeta xmlns:x="adobe:ns:meta/">\n'
    b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
    b'<rdf:Description rdf:about="" xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/">'
    b"<pdfuaid:part>1</pdfuaid:part></rdf:Description>\n</rdf:RDF>\n</x:xmpmeta>\n"
)
TRAILER = b'<?xpacket end="w"?>\nendstream\nendobj\nxref\n'


def test_the_pdfua_schema_is_declared_in_the_padding_without_moving_a_byte_after_it() -> None:
    pdf = XMP + b" " * 2000 + b"\n" + TRAILER
    declared = declare_pdfua_schema(pdf)
    assert len(declared) == len(pdf)
    assert declared.endswith(TRAILER)
    packet = declared[: declared.index(b"<?xpacket end")]
    assert packet.index(b"<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>") < packet.index(
        b"</rdf:RDF>"
    )
    assert declare_pdfua_schema(declared) == declared  # once is enough


def test_without_room_in_the_padding_the_pdf_is_left_as_it_is() -> None:
    pdf = XMP + b" " * 20 + TRAILER
    assert declare_pdfua_schema(pdf) == pdf


# -- with LibreOffice ----------------------------------------------------------------------


@pytest.fixture
def converter(pdf_converter: PdfConverter) -> PdfConverter:
    return pdf_converter


def convert(converter: PdfConverter, docx: bytes) -> bytes:
    return converter.convert(docx, title="Titel", subject="Betreff", author="Stadt")


@pytest.mark.libreoffice
@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_is_a_german_tagged_pdfa_with_a_pdfua_claim(
    converter: PdfConverter, kind: str
) -> None:
    pdf = convert(converter, rendered(kind))
    reader = PdfReader(io.BytesIO(pdf))
    assert reader.trailer["/Root"]["/Lang"] == "de-DE"
    assert accessibility_problems(pdf) == []
    roles = structure_roles(reader)
    assert roles.count("H1") == 1, roles  # the subject line
    assert "H2" in roles
    # the text keeps its language: no run is tagged with a language of its own any more
    assert b"/Lang(en-US)" not in pdf


@pytest.mark.libreoffice
def test_the_notice_s_parts_and_numbered_sections_are_h2_and_h3(converter: PdfConverter) -> None:
    counts = role_counts(convert(converter, rendered("approval")))
    assert counts["H1"] == 1
    assert counts["H2"] >= 3  # I. Entscheidung, II. Begründung, III. Rechtsbehelfsbelehrung
    assert counts["H3"] >= 9  # 1. Bewilligung … 9. Widerrufsvorbehalt


@pytest.mark.libreoffice
def test_the_notice_s_enumerations_are_tagged_as_lists(converter: PdfConverter) -> None:
    # "FW Aufzählung" paragraphs are Word list paragraphs with "–" as the bullet (issue 18.7/8)
    counts = role_counts(convert(converter, rendered("approval")))
    assert counts["L"] == 2  # the Auflagen (7.2) and what the report consists of (8)
    assert counts["LI"] == 6
    assert "–\t" not in docx_text(rendered("approval"))


@pytest.mark.libreoffice
def test_a_real_list_is_tagged_as_a_list(converter: PdfConverter) -> None:
    # What a template needs for tagged lists: Word list paragraphs (numbering), not a
    # typed dash and a tab as "FW Aufzählung" had before issue 18.7 (docs/decisions.md).
    document = Document()
    document.add_paragraph("Auflagen", style="Heading 1")
    for text in ("Erste Auflage", "Zweite Auflage"):
        document.add_paragraph(text, style="List Bullet")
    buffer = io.BytesIO()
    document.save(buffer)
    counts = role_counts(convert(converter, buffer.getvalue()))
    assert counts["L"] == 1
    assert counts["LI"] == 2


@pytest.mark.libreoffice
def test_the_checker_finds_what_an_untagged_english_pdf_lacks(converter: PdfConverter) -> None:
    # python-docx's own template says en-US (the shipped templates say de-DE since issue 18.7)
    document = Document()
    document.add_paragraph("Text")
    buffer = io.BytesIO()
    document.save(buffer)
    pdf = converter.convert(buffer.getvalue(), pdfua=False, language=None, title="T")
    problems = accessibility_problems(pdf)
    assert any(re.match(r"/Lang is .en-US.", problem) for problem in problems)
    assert "no PDF/UA-1 identification in the XMP metadata" in problems
