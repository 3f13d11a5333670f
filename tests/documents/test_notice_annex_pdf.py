"""Anlage 2 in the issued PDF (issue 18, item 1): the annex's pages follow the notice's, with
a bookmark; a PDF/A notice keeps its claim only with a PDF/A annex; the annex's active
content goes. The LibreOffice tests render an approval (a club's and a municipality's) as the
``render`` command does and read the PDF with pdftotext."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from pypdf import PdfReader, PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

from service.cli import cli
from service.paths import doc_templates_dir
from service.pdf.pdftools import PrintFilePart, append_annexes, claims_pdfa, page_count
from tests.conftest import FIXTURES, require_tools
from tests.documents.test_notice_legal import municipal_guideline
from tests.poppler import pdftotext

SAMPLE_P = (doc_templates_dir() / "anlagen" / "anbest-p-muster.pdf").read_bytes()
SAMPLE_GK = (doc_templates_dir() / "anlagen" / "anbest-gk-muster.pdf").read_bytes()


def plain_pdf(pages: int = 2, script: bool = False) -> bytes:
    """A PDF without any PDF/A claim (as an office might download the ANBest-P)."""
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if script:
        writer._root_object[NameObject("/OpenAction")] = DictionaryObject(
            {
                NameObject("/S"): NameObject("/JavaScript"),
                NameObject("/JS"): TextStringObject("app.alert(1)"),
            }
        )
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def outline_titles(pdf: bytes) -> list[str]:
    """The top-level bookmarks; since the headings are tagged (issue 18, item 8) LibreOffice
    exports their bookmarks too, nested lists in pypdf's outline, which are skipped here."""
    return [item.title for item in PdfReader(io.BytesIO(pdf)).outline if not isinstance(item, list)]


def test_the_annex_pages_follow_the_document_with_a_bookmark_and_the_pdfa_claim_stays() -> None:
    # the sample annexes are PDF/A-2b themselves (tools/build_demo_annexes.py)
    assert claims_pdfa(SAMPLE_P)
    assert claims_pdfa(SAMPLE_GK)

    merged = append_annexes(SAMPLE_P, [PrintFilePart("Anlage 2: ANBest-Gk", SAMPLE_GK)])

    assert page_count(merged) == page_count(SAMPLE_P) + page_count(SAMPLE_GK)
    assert outline_titles(merged) == ["Anlage 2: ANBest-Gk"]
    assert claims_pdfa(merged)
    reader = PdfReader(io.BytesIO(merged))
    assert "ANBest-Gk" in reader.pages[-1].extract_text()
    # the document keeps its own metadata (title of the first file)
    assert reader.metadata is not None
    assert "ANBest-P" in str(reader.metadata.title)
    assert reader.pdf_header == PdfReader(io.BytesIO(SAMPLE_P)).pdf_header


def test_an_annex_that_is_no_pdfa_removes_the_claim_of_the_whole_file() -> None:
    merged = append_annexes(SAMPLE_P, [PrintFilePart("Anlage 2: ANBest-P", plain_pdf())])

    assert page_count(merged) == page_count(SAMPLE_P) + 2
    assert not claims_pdfa(merged)
    # the rest of the document's XMP (its title) stays
    xmp = PdfReader(io.BytesIO(merged)).root_object["/Metadata"].get_object().get_data()
    assert b"Allgemeine Nebenbestimmungen" in xmp


def test_the_annex_s_active_content_is_removed() -> None:
    merged = append_annexes(
        SAMPLE_P, [PrintFilePart("Anlage 2: ANBest-P", plain_pdf(1, script=True))]
    )
    assert b"app.alert" not in merged
    assert b"/JavaScript" not in merged


def test_no_annex_leaves_the_document_as_it_is() -> None:
    assert append_annexes(SAMPLE_P, []) == SAMPLE_P


# -- rendered (LibreOffice) ------------------------------------------------------------------

DECISION = {
    "number": "AIF-2026-007",
    "date": "2026-03-17",
    "outcome": "approved",
    "amount": "600.00",
    "start": "2026-05-01",
    "end": "2026-06-30",
    "financing_type": "fehlbedarf",
    "committee_date": "2026-03-10",
}


def _render_pdf(tmp_path: Path, change: Any = None, guideline: str | None = None) -> bytes:
    require_tools("soffice", "pdftotext")
    data = json.loads((FIXTURES / "application-aif.json").read_text(encoding="utf-8"))
    data["decision"] = dict(DECISION)
    if change is not None:
        change(data)
    source = tmp_path / "notice.json"
    source.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    target = tmp_path / "out.pdf"
    result = CliRunner().invoke(
        cli,
        [
            "render",
            "notice",
            str(source),
            "-o",
            str(target),
            "--guideline",
            guideline or str(FIXTURES / "guideline-aif-2026.toml"),
            "--partnership",
            str(FIXTURES / "partnership.toml"),
        ],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    return target.read_bytes()


def _page_texts(pdf: bytes) -> list[str]:
    texts = []
    for number in range(1, page_count(pdf) + 1):
        texts.append(pdftotext(pdf, "-enc", "UTF-8", "-f", str(number), "-l", str(number)))
    return texts


@pytest.fixture(autouse=True)
def _no_instance_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FOERDERWERK_DATABASE_URL", "sqlite:///" + str(tmp_path / "none.sqlite3"))


@pytest.mark.libreoffice
def test_the_approval_pdf_ends_with_its_anlage_2(tmp_path: Path, pdf_converter: Any) -> None:
    pdf = _render_pdf(tmp_path)
    pages = _page_texts(pdf)

    notice_pages = [page for page in pages if "Zuwendungsbescheid Nr. AIF-2026-007" in page]
    assert len(notice_pages) == len(pages) - 1  # the annex is the last page
    assert "Anlage 2" in pages[-2] or "Anlage 1" in pages[-2]
    assert "(ANBest-P)" in pages[-1]
    assert "MUSTER – nicht die amtliche Fassung" in pages[-1]
    assert outline_titles(pdf)[-1] == "Anlage 2: ANBest-P"
    assert claims_pdfa(pdf)
    info = PdfReader(io.BytesIO(pdf)).metadata
    assert info is not None
    assert info.title == "Zuwendungsbescheid AIF-2026-007"


@pytest.mark.libreoffice
def test_a_municipality_s_approval_pdf_ends_with_the_anbest_gk(
    tmp_path: Path, pdf_converter: Any
) -> None:
    def municipality(data: dict[str, Any]) -> None:
        data["applicant"].update(legal_form="kommune", name="Gemeinde Beispielhagen")

    pdf = _render_pdf(tmp_path, municipality, municipal_guideline(tmp_path))
    pages = _page_texts(pdf)

    assert "(ANBest-Gk)" in pages[-1]
    assert "MUSTER" in pages[-1]
    assert not any("ANBest-P" in page for page in pages)
    assert outline_titles(pdf)[-1] == "Anlage 2: ANBest-Gk"


def with_pdfua_claim(pdf: bytes) -> bytes:
    """``pdf`` claiming PDF/UA-1 beside PDF/A, as the converter writes it (pdfuaid schema)."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    stream = writer.root_object["/Metadata"].get_object()
    stream.set_data(
        stream.get_data().replace(
            b"</rdf:RDF>",
            b'<rdf:Description rdf:about="" xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/">'
            b"<pdfuaid:part>1</pdfuaid:part></rdf:Description></rdf:RDF>",
        )
    )
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _xmp(pdf: bytes) -> bytes:
    return PdfReader(io.BytesIO(pdf)).root_object["/Metadata"].get_object().get_data()


def test_an_untagged_annex_removes_a_pdfua_claim_a_pdfua_annex_keeps_it() -> None:
    document = with_pdfua_claim(SAMPLE_P)
    assert b"pdfuaid:part" in _xmp(document)

    untagged = append_annexes(document, [PrintFilePart("Anlage 2: ANBest-P", SAMPLE_GK)])
    kept = append_annexes(
        document, [PrintFilePart("Anlage 2: ANBest-P", with_pdfua_claim(SAMPLE_GK))]
    )

    assert b"pdfuaid" not in _xmp(untagged)
    assert claims_pdfa(untagged)  # the PDF/A claim is not touched by it
    assert b"pdfuaid:part" in _xmp(kept)
