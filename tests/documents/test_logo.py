"""The partnership's logo in the letterhead: a PNG placed by the compiled renderer into the
first page's header of every template; an SVG is refused with a clear message."""

from __future__ import annotations

import io
import json
import struct
import subprocess
import zlib
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from lxml import etree

from service.archive.register import snapshot_context
from service.domain.guideline import load_guideline
from service.operations.documents import render_document, render_pdf
from service.rendering.docx import docx_parts
from service.rendering.images import ImageError, png_image
from service.rendering.partnership import PartnershipError, load_partnership
from tests.conftest import FIXTURES, partnership_settings_text, require_tools

# any date: every fixture states its date of receipt
TODAY = date(2026, 3, 1)

GUIDELINE = FIXTURES / "guideline-aif-2026.toml"


def png(width: int, height: int, rgb: tuple[int, int, int] = (31, 58, 95)) -> bytes:
    """A small solid-colour PNG, written by hand (no image library needed)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    row = b"\x00" + bytes(rgb) * width
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )


def partnership_with_logo(tmp_path: Path, logo: str, content: bytes | None = None) -> Path:
    settings = partnership_settings_text()
    assert 'logo = ""' in settings
    path = tmp_path / "partnership.toml"
    path.write_text(settings.replace('logo = ""', f'logo = "{logo}"'), encoding="utf-8")
    if content is not None:
        (tmp_path / logo).write_bytes(content)
    return path


def load(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def report_docx(partnership: Path) -> bytes:
    outcome = render_document(
        "report",
        load("report-aif.json"),
        load_guideline(GUIDELINE),
        load_partnership(partnership),
        today=TODAY,
    )
    assert outcome.document is not None
    return outcome.document


def test_a_png_logo_is_placed_in_the_letterhead_with_its_picture_part(tmp_path: Path) -> None:
    logo = png(120, 40)
    docx = report_docx(partnership_with_logo(tmp_path, "logo.png", logo))

    parts = docx_parts(docx)
    media = [name for name in parts if name.startswith("word/media/fw-")]
    assert len(media) == 1
    assert parts[media[0]] == logo
    showing = [
        name
        for name, data in parts.items()
        if name.startswith("word/header") and b"<w:drawing>" in data
    ]
    assert len(showing) == 1  # the first page's letterhead, not the running header
    rels = etree.fromstring(parts[f"word/_rels/{showing[0].removeprefix('word/')}.rels"])
    targets = [rel.get("Target") for rel in rels]
    assert "media/" + media[0].removeprefix("word/media/") in targets
    assert b'Extension="png"' in parts["[Content_Types].xml"]
    Document(io.BytesIO(docx))  # python-docx (Word's reading of the package) opens it


def test_a_logo_is_scaled_to_the_letterhead_keeping_its_aspect_ratio() -> None:
    wide, tall = png_image(png(600, 100)), png_image(png(100, 100))

    assert (tall.width_emu, tall.height_emu) == (360000, 360000)  # 10 mm square
    assert wide.width_emu == 60 * 36000  # capped at 60 mm wide
    assert wide.height_emu == 10 * 36000


def test_documents_with_a_logo_are_byte_identical_when_rendered_twice(tmp_path: Path) -> None:
    path = partnership_with_logo(tmp_path, "logo.png", png(120, 40))

    assert report_docx(path) == report_docx(path)


def test_every_template_shows_the_logo(tmp_path: Path) -> None:
    partnership = load_partnership(partnership_with_logo(tmp_path, "logo.png", png(30, 30)))
    guideline = load_guideline(GUIDELINE)
    notice = load("application-aif.json")
    notice["decision"] = {
        "number": "AIF-2026-009",
        "date": "2026-03-17",
        "outcome": "rejected",
        "committee_date": "2026-03-10",
        "reasons": "Nicht förderfähig.",
    }
    documents = {
        "notice": notice,
        "application": load("application-aif.json"),
        "minutes": load("meeting-bga.json"),
        "report": load("report-aif.json"),
    }
    for document, data in documents.items():
        outcome = render_document(document, data, guideline, partnership, today=TODAY)
        assert outcome.document is not None, document
        assert any(n.startswith("word/media/fw-") for n in docx_parts(outcome.document)), document


def test_the_register_keeps_the_logo_by_its_hash_not_its_bytes() -> None:
    image = png_image(png(20, 10))

    kept = snapshot_context({"partnership": {"logo": image}})

    assert kept["partnership"]["logo"]["sha256"] == image.sha256
    json.dumps(kept)


def test_an_svg_logo_is_refused_with_a_message_that_says_to_use_png(tmp_path: Path) -> None:
    path = partnership_with_logo(tmp_path, "logo.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>")

    with pytest.raises(PartnershipError) as refused:
        load_partnership(path)

    assert "SVG" in str(refused.value)
    assert "PNG" in str(refused.value)


def test_a_file_that_is_not_a_png_is_refused_although_it_is_named_so(tmp_path: Path) -> None:
    path = partnership_with_logo(tmp_path, "logo.png", b"GIF89a not a png")

    with pytest.raises(PartnershipError, match="not a PNG"):
        load_partnership(path)
    with pytest.raises(ImageError):
        png_image(b"")


@pytest.mark.libreoffice
def test_a_document_with_a_logo_still_converts_to_pdf_with_the_picture(tmp_path: Path) -> None:
    require_tools("soffice", "pdfimages")
    pdf = render_pdf(report_docx(partnership_with_logo(tmp_path, "logo.png", png(120, 40))))

    source = tmp_path / "out.pdf"
    source.write_bytes(pdf)
    listing = subprocess.run(
        ["pdfimages", "-list", str(source)], capture_output=True, check=True, timeout=60
    ).stdout.decode()
    rows = [line.split() for line in listing.splitlines()[2:]]
    assert [(row[0], row[3], row[4]) for row in rows] == [("1", "120", "40")]


def test_render_with_an_svg_logo_writes_nothing_and_says_to_use_png(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    from service.cli import cli

    monkeypatch.setenv("FOERDERWERK_DATABASE_URL", "sqlite:///" + str(tmp_path / "none.sqlite3"))
    settings = partnership_with_logo(tmp_path, "logo.svg", b"<svg/>")
    target = tmp_path / "out.docx"
    result = CliRunner().invoke(
        cli,
        [
            "render",
            "report",
            str(FIXTURES / "report-aif.json"),
            "-o",
            str(target),
            "--guideline",
            str(GUIDELINE),
            "--partnership",
            str(settings),
        ],
        catch_exceptions=False,
    )

    assert result.exit_code == 2
    assert not target.exists()
    findings = json.loads(result.stdout)["findings"]
    assert [f["code"] for f in findings] == ["partnership.logo"]
    assert "PNG" in findings[0]["message"]
