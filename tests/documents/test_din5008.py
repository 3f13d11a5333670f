"""DIN 5008 form B, measured in the rendered PDF (issue 18, item 7), for every document kind
of the manifest: positions of the return address, the recipient, the information block and the
subject line on the first page, the fold and hole marks; signature blocks on one page and not
alone there, total rows not alone at the top of a page; the language tag and the annex pages.

Kinds are taken from doc_templates/manifest.toml, so a new kind is measured as soon as it is
listed; one that is not a letter says so there (``letter = false``) and is then only checked
for its language, annex and signature. The positions are read with ``pdftotext -bbox`` (top of
a line = the top of its glyph box, in mm from the top-left corner of the page); the marks are
the short lines LibreOffice draws at the left edge of page 1.

Long data forces page breaks: 25 cost lines and receipts, long names, and for the signature a
sweep of filler paragraphs inserted below the subject, which moves everything after it down
by about 20 mm per step – one of the steps puts the signature block across a page break.
"""

from __future__ import annotations

import copy
import io
import re
import zipfile
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

import pytest
from lxml import etree
from pypdf import PdfReader

from service.operations.publish import Annex, notice_annexes, with_annexes
from service.pdf import PdfConverter
from service.rendering.docx import Metadata, docx_text, load_manifest, render_kind
from service.rendering.partnership import load_partnership
from tests.conftest import require_tools
from tests.documents.test_docx_render import PARTNERSHIP
from tests.documents.test_docx_templates import rich_contexts
from tests.poppler import pdftotext

MANIFEST = load_manifest()
KINDS = sorted(MANIFEST.kinds)
LETTERS = [kind for kind in KINDS if MANIFEST.kinds[kind].letter]

PT = 25.4 / 72  # mm per PDF point
TOLERANCE = 1.0  # mm, for positions that depend on a font's ascent
SUBJECT_FROM = 98.46  # two lines (2 × 4.23 mm) below the window's lower edge at 90 mm
FOLD_MARKS = (105.0, 148.5, 210.0)  # fold, hole, fold (form B)
FOOTER_FROM = 262.0  # footer area of every page (bottom margin 33 mm)
RUNNING_HEADER_TO = 30.0  # running header of the following pages

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{W_NS}}}"


# -- reading positions -------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    """Words on one baseline that are no more than 6 mm apart (so the address and the
    information block beside it are two lines)."""

    page: int
    top: float
    bottom: float
    left: float
    right: float
    text: str


@lru_cache(maxsize=32)
def pdf_lines(pdf: bytes) -> list[list[Line]]:
    """The lines of every page, top to bottom, left to right. Kept for the last PDFs read:
    each check of one PDF (signature, every total row) reads the same lines, and
    ``pdftotext -bbox`` is a process of its own (tests/poppler.py). The lines are frozen and
    their lists are only read."""
    require_tools("pdftotext")
    html = pdftotext(pdf, "-bbox")
    pages: list[list[Line]] = []
    for number, page in enumerate(re.findall(r"<page .*?</page>", html, re.S), start=1):
        words = [
            (float(y0) * PT, float(y1) * PT, float(x0) * PT, float(x1) * PT, word)
            for x0, y0, x1, y1, word in re.findall(
                r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">'
                r"([^<]*)</word>",
                page,
            )
        ]
        words.sort(key=lambda w: w[0])
        rows: list[list[tuple[float, float, float, float, str]]] = []
        for word in words:
            if rows and abs(word[0] - rows[-1][0][0]) <= 0.8:
                rows[-1].append(word)
            else:
                rows.append([word])
        lines: list[Line] = []
        for row in rows:
            row.sort(key=lambda w: w[2])
            current = [row[0]]
            for word in row[1:]:
                if word[2] - current[-1][3] > 6:
                    lines.append(_line(number, current))
                    current = []
                current.append(word)
            lines.append(_line(number, current))
        lines.sort(key=lambda line: (round(line.top, 0), line.left))
        pages.append(lines)
    return pages


def _line(page: int, words: list[tuple[float, float, float, float, str]]) -> Line:
    text = " ".join(w[4] for w in words).replace("\xa0", " ")
    return Line(
        page,
        min(w[0] for w in words),
        max(w[1] for w in words),
        min(w[2] for w in words),
        max(w[3] for w in words),
        text.replace("&amp;", "&").replace("&quot;", '"'),
    )


def fold_marks(pdf: bytes) -> list[float]:
    """The y (mm from the top) of the short horizontal lines within 15 mm of the left edge of
    page 1: LibreOffice draws each mark as one path ``x y m x' y l S``."""
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    height = float(page.mediabox.height)
    content = page.get_contents()
    assert content is not None
    data = content.get_data().decode("latin-1")
    marks = []
    for _x0, y0, x1, y1 in re.findall(r"([\d.]+) ([\d.]+) m\s+([\d.]+) ([\d.]+) l S", data):
        if y0 == y1 and float(x1) * PT < 15:
            marks.append(round((height - float(y0)) * PT, 1))
    return sorted(marks)


# -- long data -----------------------------------------------------------------------------

LONG_NAME = "Förderverein der Freiwilligen Feuerwehr und des Heimatmuseums Boizenburg-Land e. V."


def long_contexts() -> dict[str, dict[str, Any]]:
    """The rich contexts with long lists and names: formatted values as the builders give
    them, repeated (the layout is what is measured here, not the sums)."""
    contexts = copy.deepcopy(rich_contexts())
    for context in contexts.values():
        recipient = context.get("recipient")
        if isinstance(recipient, dict) and "name" in recipient:
            recipient["name"] = LONG_NAME
    approval = contexts.get("approval")
    if approval is not None:
        costs = approval["plan"]["costs"]
        approval["plan"]["costs"] = [
            {
                **costs[n % len(costs)],
                "no": str(n + 1),
                "description": f"Posten {n + 1}: Honorar für Workshopleitung und Vorbereitung",
            }
            for n in range(25)
        ]
    application = contexts.get("application")
    if application is not None:
        costs = application["costs"]
        application["costs"] = [{**costs[n % len(costs)], "no": str(n + 1)} for n in range(25)]
    report = contexts.get("report")
    if report is not None:
        receipts = report["receipts"]
        report["receipts"] = [
            {**receipts[n % len(receipts)], "number": str(n + 1)} for n in range(25)
        ]
    return contexts


@cache
def contexts(long: bool) -> dict[str, dict[str, Any]]:
    return long_contexts() if long else rich_contexts()


def docx_of(kind: str, long: bool = False, fillers: int = 0) -> bytes:
    docx = render_kind(kind, contexts(long)[kind], Metadata(f"Titel {kind}", kind, "Stadt"))
    return with_fillers(docx, fillers) if fillers else docx


FILLER = "Fülltext, der alles Folgende um eine Zeile nach unten schiebt."


def with_fillers(docx: bytes, count: int) -> bytes:
    """``docx`` with ``count`` paragraphs of text after the subject line (its first
    "FW Betreff" paragraph) and after the title of an annex page ("FW Titel", the approval's
    Anlage 1, which starts on a page of its own), so its tables cross a page break too."""
    source = zipfile.ZipFile(io.BytesIO(docx))
    root = etree.fromstring(source.read("word/document.xml"))
    subject = root.find(f".//{W}p/{W}pPr/{W}pStyle[@{W}val='FWBetreff']/../..")
    assert subject is not None
    titles = root.findall(f".//{W}p/{W}pPr/{W}pStyle[@{W}val='FWTitel']/../..")
    for anchor in [subject, *titles]:
        for _ in range(count):
            paragraph = etree.fromstring(
                f'<w:p xmlns:w="{W_NS}"><w:pPr><w:pStyle w:val="FWText"/></w:pPr>'
                f"<w:r><w:t>{FILLER}</w:t></w:r></w:p>"
            )
            anchor.addnext(paragraph)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "word/document.xml":
                data = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
            target.writestr(info, data)
    return out.getvalue()


# -- what the document says its signature and totals are -------------------------------------


def _paragraphs(docx: bytes) -> list[tuple[str, str, bool]]:
    """(style, text, in a table) of every paragraph of the body, in order."""
    root = etree.fromstring(zipfile.ZipFile(io.BytesIO(docx)).read("word/document.xml"))
    found = []
    for paragraph in root.iter(W + "p"):
        style = paragraph.find(f"{W}pPr/{W}pStyle")
        text = "".join(t.text or "" for t in paragraph.iter(W + "t")).strip()
        in_table = any(a.tag == W + "tc" for a in paragraph.iterancestors())
        found.append(("" if style is None else str(style.get(W + "val")), text, in_table))
    return found


SIGNATURE_LABELS = ("Mit freundlichen Grüßen", "Unterschrift", "Sachlich richtig")


def _lines_of(paragraph: etree._Element) -> list[str]:
    """The lines of a paragraph, split at its line breaks."""
    lines = [""]
    for element in paragraph.iter(W + "t", W + "br"):
        if element.tag == W + "br":
            lines.append("")
        else:
            lines[-1] += element.text or ""
    return [line.strip() for line in lines if line.strip()]


def signature_texts(docx: bytes) -> list[str]:
    """The lines of the signature: the paragraph of the closing formula with the names under
    it, and the labels of a signature table ("…Unterschrift…"); for the payment order the
    two confirmations that stand for signatures."""
    root = etree.fromstring(zipfile.ZipFile(io.BytesIO(docx)).read("word/document.xml"))
    texts = []
    for paragraph in root.iter(W + "p"):
        lines = _lines_of(paragraph)
        if "Mit freundlichen Grüßen" in lines:
            # from the greeting on (a closing sentence may share its paragraph, so that
            # LibreOffice keeps them together)
            texts.extend(lines[lines.index("Mit freundlichen Grüßen") :])
        elif lines and (
            "Unterschrift" in lines[0]
            or lines[0].startswith(("Sachlich richtig", "Rechnerisch richtig"))
        ):
            texts.extend(lines[:1])
    return texts


@dataclass(frozen=True)
class TotalRow:
    table: int  # index of the table among the body's tables
    header: str  # first cell of the table's first row
    label: str  # first cell of the total row


def total_rows(docx: bytes) -> list[TotalRow]:
    """Every total row: a row of a table in the header style that is not its first row."""
    root = etree.fromstring(zipfile.ZipFile(io.BytesIO(docx)).read("word/document.xml"))
    found = []
    for index, table in enumerate(root.iter(W + "tbl")):
        rows = table.findall(W + "tr")
        for row in rows[1:]:
            styles = {str(s.get(W + "val")) for s in row.iterfind(f".//{W}pPr/{W}pStyle")}
            if styles == {"FWTabellenkopf"}:
                found.append(TotalRow(index, _first_cell(rows[0]), _first_cell(row)))
    return found


def _first_cell(row: etree._Element) -> str:
    cell = row.find(W + "tc")
    assert cell is not None
    return "".join(t.text or "" for t in cell.iter(W + "t")).strip()


def total_labels(docx: bytes) -> list[str]:
    return [row.label for row in total_rows(docx)]


def body(lines: list[list[Line]]) -> list[Line]:
    """Every line outside the header and footer areas, in reading order over the pages."""
    return [
        line
        for page in lines
        for line in page
        if line.top < FOOTER_FROM and (line.page == 1 or line.top > RUNNING_HEADER_TO)
    ]


def signature_problems(docx: bytes, pdf: bytes) -> list[str]:
    texts = signature_texts(docx)
    assert texts, "no signature lines found in the document"
    lines = body(pdf_lines(pdf))
    start = next((i for i, line in enumerate(lines) if line.text == texts[0]), None)
    assert start is not None, f"no signature in the PDF: {texts}"
    found = [line for line in lines[start:] if line.text in texts]
    problems = []
    missing = [text for text in texts if not any(line.text == text for line in found)]
    if missing:
        problems.append(f"signature lines not found as lines: {missing}")
    pages = sorted({line.page for line in found})
    if len(pages) > 1:
        problems.append(
            "signature split over pages "
            + ", ".join(f"{line.text!r} p.{line.page}" for line in found)
        )
    before = [line for line in lines[:start] if line.page == found[0].page]
    if not before:
        problems.append(f"signature alone on page {found[0].page}")
    return problems


def total_lines(total: TotalRow, pdf: bytes) -> list[Line]:
    """The first line of each total row's label – also of a label wrapped in a narrow first
    column ("Summe der" / "Auszahlungen"), joined with the lines right under it."""
    lines = body(pdf_lines(pdf))
    found = []
    for index, line in enumerate(lines):
        if line.left >= 30:
            continue
        text, last = line.text, line
        for following in lines[index + 1 :]:
            if text.startswith(total.label) or not total.label.startswith(text + " "):
                break
            if following.page != last.page or abs(following.left - last.left) > 1:
                continue
            if following.top - last.bottom > 1:
                break
            text, last = f"{text} {following.text}", following
        if text.startswith(total.label):
            found.append(line)
    return found


def total_problems(docx: bytes, pdf: bytes, only: TotalRow | None = None) -> list[str]:
    """A total row must have a data row of its table above it on its page: not stand first
    on a page, nor right under the table's repeated header."""
    problems = []
    lines = body(pdf_lines(pdf))
    for total in total_rows(docx) if only is None else [only]:
        for line in total_lines(total, pdf):
            above = [
                other
                for other in lines
                if other.page == line.page and other.bottom <= line.top + 0.5 and other.left < 30
            ]
            if not above:
                problems.append(f"total row {total.label!r} first on page {line.page}")
            elif max(above, key=lambda other: other.top).text.startswith(total.header):
                problems.append(f"total row {total.label!r} under the header on page {line.page}")
    return problems


def with_spacer(docx: bytes, table: int, height_mm: float) -> bytes:
    """``docx`` with an empty paragraph of exactly ``height_mm`` before its ``table``-th
    table: everything from that table on moves down by that much."""
    source = zipfile.ZipFile(io.BytesIO(docx))
    root = etree.fromstring(source.read("word/document.xml"))
    target = list(root.iter(W + "tbl"))[table]
    twips = round(height_mm * 1440 / 25.4)
    target.addprevious(
        etree.fromstring(
            f'<w:p xmlns:w="{W_NS}"><w:pPr><w:spacing w:before="0" w:after="0" '
            f'w:line="{twips}" w:lineRule="exact"/></w:pPr></w:p>'
        )
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "word/document.xml":
                data = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
            package.writestr(info, data)
    return out.getvalue()


# -- without LibreOffice ---------------------------------------------------------------------


def test_every_kind_of_the_manifest_says_whether_it_is_a_letter() -> None:
    text = (MANIFEST.folder / "manifest.toml").read_text(encoding="utf-8")
    for kind in KINDS:
        section = text.split(f"[{kind}]", 1)[1].split("\n[", 1)[0]
        assert re.search(r"^letter = (true|false)$", section, re.M), (
            f"[{kind}] in doc_templates/manifest.toml: please declare letter = true (a letter "
            "in DIN 5008 form B, measured by this module) or letter = false"
        )


def test_the_filler_goes_below_the_subject() -> None:
    paragraphs = _paragraphs(docx_of("approval", fillers=2))
    subject = next(i for i, p in enumerate(paragraphs) if p[0] == "FWBetreff")
    assert [p[1] for p in paragraphs[subject + 1 : subject + 3]] == [FILLER, FILLER]


def test_the_signature_and_total_rows_are_read_from_the_document() -> None:
    approval = docx_of("approval")
    assert signature_texts(approval) == [
        "Mit freundlichen Grüßen",
        "Im Auftrag",
        "M. Musterfrau",
        "Sachgebiet Partnerschaft für Demokratie",
    ]
    assert total_labels(approval) == ["Zuwendungsfähige Gesamtausgaben", "Gesamtfinanzierung"]
    assert {row.header for row in total_rows(approval)} == {"Nr.", "Finanzierungsquelle"}


def test_quotes_a_value_brings_are_nested_not_doubled() -> None:
    context = copy.deepcopy(contexts(False)["approval"])
    context["project"]["title"] = "„Forumtheater „Was würdest du tun?““"
    context["recipient"]["name"] = "Initiative „Lübtheen bunt“"
    text = docx_text(render_kind("approval", context, Metadata("T", "approval", "Stadt")))
    assert "„„" not in text
    assert "““" not in text
    assert "Projekt „Forumtheater ‚Was würdest du tun?‘“" in text
    assert "für „Initiative ‚Lübtheen bunt‘“" in text


# -- with LibreOffice ----------------------------------------------------------------------


@cache
def _annexes(kind: str) -> tuple[Annex, ...]:
    partnership = load_partnership(PARTNERSHIP)
    return notice_annexes(partnership, kind, "verein")


def to_pdf(converter: PdfConverter, kind: str, docx: bytes) -> bytes:
    """As the issued document: converted, with its annexes (an approval's Anlage 2)."""
    pdf = converter.convert(docx, title=f"Titel {kind}", subject=kind, author="Stadt")
    return with_annexes(pdf, _annexes(kind))


def geometry_problems(kind: str, pdf: bytes) -> list[str]:
    page = pdf_lines(pdf)[0]
    context = contexts(False)[kind]
    below_letterhead = [line for line in page if line.top > 40 and line.top < 120]
    left = [line for line in below_letterhead if line.left < 110]
    info = [line for line in below_letterhead if line.left >= 110 and line.top < 95]
    problems = []

    def check(ok: bool, what: str) -> None:
        if not ok:
            problems.append(what)

    sender, recipient = left[0], left[1]
    check(sender.text == context["sender_line"].replace("\xa0", " "), f"return line {sender}")
    check(sender.top >= 45 and sender.bottom <= 62.7, f"return line not in 45–62.7 mm: {sender}")
    check(abs(sender.left - 25) <= 0.3, f"return line not at 25 mm: {sender}")
    check(abs(recipient.top - 62.7) <= TOLERANCE, f"recipient not at 62.7 mm: {recipient}")
    check(abs(recipient.left - 25) <= 0.3, f"recipient not at 25 mm: {recipient}")
    address = [line for line in left if line.top >= recipient.top and line.top < 90]
    check(all(line.bottom <= 90 for line in address), f"address below 90 mm: {address}")
    check(all(line.right <= 105 for line in address), f"address right of 105 mm: {address}")
    subject = next(line for line in left if line.top > address[-1].bottom)
    check(SUBJECT_FROM <= subject.top <= SUBJECT_FROM + 4, f"subject at {subject}")
    check(bool(info), "no information block")
    if info:
        check(abs(min(line.left for line in info) - 125) <= 0.3, f"information block {info[0]}")
        check(abs(info[0].top - 50) <= TOLERANCE, f"information block not at 50 mm: {info[0]}")
    bank = context["lead_office"]["bank"].replace("\xa0", " ")
    iban = re.search(r"IBAN [A-Z]{2}\d\d( [A-Z0-9]{1,4})+", bank)
    if iban:  # the footer does not break the IBAN
        check(any(iban.group(0) in line.text for line in page), f"IBAN broken: {bank}")
    marks = fold_marks(pdf)
    check(
        len(marks) == 3 and all(abs(m - e) <= 0.5 for m, e in zip(marks, FOLD_MARKS, strict=True)),
        f"fold and hole marks at {marks}",
    )
    return problems


@pytest.mark.libreoffice
@pytest.mark.parametrize("kind", LETTERS)
def test_a_letter_meets_din_5008_form_b_on_its_first_page(
    pdf_converter: PdfConverter, kind: str
) -> None:
    pdf = to_pdf(pdf_converter, kind, docx_of(kind))
    assert geometry_problems(kind, pdf) == []
    # with long names and lists nothing moves on the first page
    long_pdf = to_pdf(pdf_converter, kind, docx_of(kind, long=True))
    assert geometry_problems(kind, long_pdf) == []


@pytest.mark.libreoffice
@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_is_german_and_carries_its_annex(pdf_converter: PdfConverter, kind: str) -> None:
    docx = docx_of(kind)
    converted = pdf_converter.convert(docx, title="T", subject=kind, author="Stadt")
    pdf = to_pdf(pdf_converter, kind, docx)
    reader = PdfReader(io.BytesIO(pdf))
    assert reader.trailer["/Root"]["/Lang"] == "de-DE"
    annex_pages = sum(annex.pages for annex in _annexes(kind))
    if "annex.title" in MANIFEST.kinds[kind].context:
        # the notice declares its Anlage 2: its pages follow the notice's, bookmarked
        assert annex_pages >= 1
        titles = [item.title for item in reader.outline if not isinstance(item, list)]
        assert titles[-len(_annexes(kind)) :] == [annex.title for annex in _annexes(kind)]
    assert len(reader.pages) == len(PdfReader(io.BytesIO(converted)).pages) + annex_pages


# filler paragraphs of ~6.7 mm: steps of 3 move the text by ~20 mm, less than a signature
# block is high, over a whole page
FILLER_STEPS = range(0, 37, 3)


@pytest.mark.libreoffice
@pytest.mark.parametrize("kind", KINDS)
def test_the_signature_block_stays_on_one_page_and_total_rows_keep_their_rows(
    pdf_converter: PdfConverter, kind: str
) -> None:
    problems = {}
    for fillers in FILLER_STEPS:
        docx = docx_of(kind, long=True, fillers=fillers)
        pdf = pdf_converter.convert(docx, title="T", subject=kind, author="Stadt")
        signed = MANIFEST.kinds[kind].signed
        found = (signature_problems(docx, pdf) if signed else []) + total_problems(docx, pdf)
        if found:
            problems[fillers] = found
    assert problems == {}


BODY_BOTTOM = 264.0  # 297 mm less the bottom margin of 33 mm
# how far below the body's bottom edge the total row's lower edge is pushed: a row is about
# 4.6 mm high, so steps of 2 mm put it at least twice just over the edge
PUSHES = range(-2, 9, 2)


@pytest.mark.libreoffice
@pytest.mark.parametrize("kind", KINDS)
def test_a_total_row_pushed_over_the_page_break_takes_a_row_with_it(
    pdf_converter: PdfConverter, kind: str
) -> None:
    """Each total row, moved (by an exact-height paragraph before its table) so that it just
    does not fit on its page: it must not start the next page alone."""
    docx = docx_of(kind)
    pdf = pdf_converter.convert(docx, title="T", subject=kind, author="Stadt")
    problems: dict[str, list[str]] = {}
    for total in total_rows(docx):
        line = total_lines(total, pdf)[0]
        moved = False
        for push in PUSHES:
            shift = BODY_BOTTOM - line.bottom + push
            variant = with_spacer(docx, total.table, shift)
            result = pdf_converter.convert(variant, title="T", subject=kind, author="Stadt")
            moved |= total_lines(total, result)[0].page > line.page
            problems.setdefault(total.label, []).extend(total_problems(variant, result, total))
        assert moved, f"{total.label!r} never reached the next page"
    assert {label: found for label, found in problems.items() if found} == {}
