"""The fillable one-page summary sheet of the usage-of-funds report (Verwendungsnachweis –
Zusammenfassung), and the generator that builds it.

The form lives in ``doc_templates/forms/verwendungsnachweis-zusammenfassung.pdf``. Rebuild it
after changing the layout below with::

    .venv/bin/python -m service.rendering.summary_form

The generator needs fontTools (a dev dependency) and the Liberation Sans fonts (Debian's
fonts-liberation2, DejaVu Sans as fallback). Filling the form at run time needs neither: the
field font is embedded as a subset with its metrics (see ``pdftools.FieldFont``).

Field names are English and flat (no dots); money and dates are filled in as the German
strings the caller formatted ("1.234,56 €", "01.06.2026").
"""

from __future__ import annotations

import argparse
import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import Any

from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    BooleanObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

from service.paths import doc_templates_dir

from ..pdf.pdftools import FieldFont, FormTemplate

FORM_FILE = "verwendungsnachweis-zusammenfassung.pdf"
FORM_TITLE = "Verwendungsnachweis – Zusammenfassung"

REGULAR_FONTS = (
    Path("/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf"),
    Path("/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf"),
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
)
BOLD_FONTS = (
    Path("/usr/share/fonts/truetype/liberation2/LiberationSans-Bold.ttf"),
    Path("/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf"),
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
)

# What a field value may contain: Latin scripts of Europe and Vietnam, Greek, Cyrillic, and
# the punctuation, currency and dash characters German text uses. Anything else is drawn as
# "?" (the field value itself keeps it).
FIELD_CHARSET = "".join(
    chr(code)
    for low, high in (
        (0x20, 0x7E),
        (0xA0, 0x24F),
        (0x370, 0x3FF),
        (0x400, 0x4FF),
        (0x1E00, 0x1EFF),
        (0x2010, 0x2044),
        (0x20AC, 0x20AC),
        (0x2116, 0x2116),
        (0x2122, 0x2122),
        (0x2212, 0x2212),
    )
    for code in range(low, high + 1)
)

FIELD_FONT = "FwSans"
BOLD_FONT = "FwSansBold"
FIELD_FONT_SIZE = 9

PAGE_WIDTH, PAGE_HEIGHT = 595.276, 841.89  # A4
LEFT, RIGHT = 56.7, 538.6  # 2 cm margins
VALUE_X = 200.0

COST_CATEGORIES = (
    ("personal", "Personalausgaben"),
    ("honorare", "Honorare"),
    ("sachausgaben", "Sachausgaben"),
    ("miete", "Miete und Raumkosten"),
    ("reisekosten", "Reise- und Fahrtkosten"),
    ("oeffentlichkeitsarbeit", "Öffentlichkeitsarbeit"),
    ("verpflegung", "Verpflegung"),
    ("sonstiges", "Sonstige Ausgaben"),
)
COLUMNS = (250.0, 345.0, 440.0, RIGHT)  # cost table: label | plan | actual | eligible

# Broken into lines by hand: the generator checks that each fits the text width.
CONFIRMATION = (
    "Wir bestätigen, dass die Zuwendung nur für den im Zuwendungsbescheid genannten Zweck",
    "verwendet wurde, dass die Ausgaben notwendig waren, dass wirtschaftlich und sparsam",
    "gehandelt wurde und dass die Angaben mit den Büchern und Belegen übereinstimmen",
    "(Nr. 6 ANBest-P).",
)


@dataclass(frozen=True)
class FieldSpec:
    name: str
    tooltip: str  # German: what a screen reader announces and a viewer shows on hover
    rect: tuple[float, float, float, float]
    align: int = 0  # 0 left, 1 centre, 2 right (money)
    multiline: bool = False


@dataclass(frozen=True)
class _Text:
    x: float
    y: float
    text: str
    size: float
    bold: bool = False
    align: int = 0
    grey: bool = False
    max_width: float = RIGHT - LEFT


@dataclass(frozen=True)
class _Line:
    x1: float
    y1: float
    x2: float
    y2: float
    width: float = 0.5
    grey: bool = True


class _Layout:
    """Collects the static page and the fields, top to bottom."""

    def __init__(self) -> None:
        self.texts: list[_Text] = []
        self.lines: list[_Line] = []
        self.fields: list[FieldSpec] = []
        self.y = PAGE_HEIGHT - 56.0

    def text(self, x: float, y: float, text: str, size: float = 9, **kw: Any) -> None:
        self.texts.append(_Text(x, y, text, size, **kw))

    def line(self, x1: float, y1: float, x2: float, y2: float, **kw: Any) -> None:
        self.lines.append(_Line(x1, y1, x2, y2, **kw))

    def field(
        self,
        name: str,
        tooltip: str,
        x1: float,
        x2: float,
        height: float = 14.0,
        align: int = 0,
        multiline: bool = False,
        top: float | None = None,
    ) -> None:
        top = self.y if top is None else top
        self.fields.append(FieldSpec(name, tooltip, (x1, top - height, x2, top), align, multiline))
        # A baseline under the value, so the printed sheet shows where to write by hand.
        self.line(x1, top - height, x2, top - height, width=0.4)

    def heading(self, text: str) -> None:
        self.y -= 17
        self.text(LEFT, self.y, text, 11, bold=True)
        self.y -= 5

    def row(self, label: str, name: str, tooltip: str | None = None, **kw: Any) -> None:
        height = kw.pop("height", 14.0)
        self.text(LEFT, self.y - 10, label)
        self.field(name, tooltip or label, VALUE_X, RIGHT, height=height, **kw)
        self.y -= height + 4

    def pair(self, left: tuple[str, str, int], right: tuple[str, str, int]) -> None:
        (l_label, l_name, l_align), (r_label, r_name, r_align) = left, right
        self.text(LEFT, self.y - 10, l_label)
        self.field(l_name, l_label, VALUE_X, 330, align=l_align)
        self.text(340, self.y - 10, r_label)
        self.field(r_name, r_label, 430, RIGHT, align=r_align)
        self.y -= 18


def _layout() -> _Layout:
    page = _Layout()
    page.text(LEFT, page.y, FORM_TITLE, 15, bold=True)
    page.y -= 14
    page.text(LEFT, page.y, "Zahlenmäßiger Nachweis in Kurzform (Nr. 6 ANBest-P)", 9, grey=True)

    page.heading("Angaben zur Zuwendung")
    page.row("Partnerschaft für Demokratie", "partnership")
    page.row("Fonds", "fund")
    page.row("Zuwendungsempfänger", "recipient")
    page.row("Projekttitel", "project_title", height=24.0, multiline=True)
    page.pair(("Bescheid-Nr.", "notice_number", 0), ("Bescheid vom", "notice_date", 0))
    page.pair(("Bewilligungszeitraum", "period", 0), ("Finanzierungsart", "financing_type", 0))
    page.pair(("Bewilligte Zuwendung", "grant", 2), ("Ausgezahlt", "paid", 2))

    page.heading("Ausgaben nach Kostenarten")
    headers = ("laut Finanzierungsplan", "tatsächlich", "zuwendungsfähig")
    page.text(LEFT, page.y - 10, "Kostenart", 8.5, bold=True)
    for index, header in enumerate(headers):
        page.text(COLUMNS[index + 1] - 2, page.y - 10, header, 8.5, bold=True, align=2)
    page.y -= 14
    page.line(LEFT, page.y, RIGHT, page.y, width=0.8, grey=False)
    rows = [*COST_CATEGORIES, ("total", "Summe")]
    for key, label in rows:
        total = key == "total"
        page.text(LEFT, page.y - 11, label, 9, bold=total)
        for index, column in enumerate(("plan", "actual", "eligible")):
            page.field(
                f"{column}_{key}",
                f"{label}: {headers[index]}",
                COLUMNS[index] + 4,
                COLUMNS[index + 1] - 1,
                align=2,
            )
        page.y -= 14
        if key == "sonstiges":
            page.line(LEFT, page.y + 1, RIGHT, page.y + 1, width=0.8, grey=False)

    page.heading("Finanzierung")
    page.text(LEFT, page.y - 10, "Finanzierungsquelle", 8.5, bold=True)
    for index, header in enumerate(headers[:2]):
        page.text(COLUMNS[index + 1] - 2, page.y - 10, header, 8.5, bold=True, align=2)
    page.y -= 14
    page.line(LEFT, page.y, COLUMNS[2], page.y, width=0.8, grey=False)
    for key, label in (
        ("own_funds", "Eigenmittel"),
        ("third_party", "Drittmittel"),
        ("revenue", "Einnahmen"),
    ):
        page.text(LEFT, page.y - 11, label)
        page.field(
            f"{key}_plan",
            f"{label}: laut Finanzierungsplan",
            COLUMNS[0] + 4,
            COLUMNS[1] - 1,
            align=2,
        )
        page.field(
            f"{key}_actual", f"{label}: tatsächlich", COLUMNS[1] + 4, COLUMNS[2] - 1, align=2
        )
        page.y -= 14

    page.heading("Ergebnis")
    page.pair(("Endgültige Zuwendung", "final_grant", 2), ("Rückforderung", "refund", 2))
    page.pair(("Teilnehmende (tatsächlich)", "participants", 2), ("Nachzahlung", "outstanding", 2))
    page.pair(("Eingereicht am", "submitted_on", 0), ("Fällig am", "report_due", 0))

    page.heading("Bestätigung des Zuwendungsempfängers")
    page.y -= 2
    for line in CONFIRMATION:
        page.text(LEFT, page.y - 8, line, 8.5, max_width=RIGHT - LEFT)
        page.y -= 11
    page.y -= 16
    page.field("place_date", "Ort, Datum", LEFT, 230)
    page.line(260, page.y - 14, RIGHT, page.y - 14, width=0.4)
    page.y -= 24
    page.text(LEFT, page.y, "Ort, Datum", 7, grey=True)
    page.text(260, page.y, "Unterschrift der vertretungsberechtigten Person", 7, grey=True)
    page.y -= 8
    page.field("signatory", "Name der unterzeichnenden Person", 260, RIGHT)
    page.y -= 24
    page.text(260, page.y, "Name in Druckbuchstaben", 7, grey=True)

    page.heading("Prüfvermerk der Koordinierungs- und Fachstelle")
    page.pair(("Geprüft am", "checked_on", 0), ("durch", "checked_by", 0))
    page.row("Bemerkungen", "remarks", height=36.0, multiline=True)

    page.text(LEFT, 36, "Förderwerk · Formular VN-Z · Seite 1 von 1", 7, grey=True)
    if page.y < 50:
        raise RuntimeError(f"the summary sheet overflows the page (y = {page.y:.1f})")
    return page


# --------------------------------------------------------------------------- fonts


def _first_existing(candidates: Sequence[Path]) -> Path:
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(
        "no font for the summary sheet; install Debian's fonts-liberation2: "
        + ", ".join(map(str, candidates))
    )


def _embed_font(writer: PdfWriter, ttf: Path, chars: Iterable[str], tag: str) -> IndirectObject:
    """A subset of ``ttf`` as a Type0 font with Identity-H encoding (two bytes per glyph id),
    so one font covers every character of the subset, with the ToUnicode map that makes the
    text extractable and tells the filler which glyph draws which character."""
    from fontTools import subset  # type: ignore[import-untyped]
    from fontTools.ttLib import TTFont  # type: ignore[import-untyped]

    font = TTFont(str(ttf), recalcTimestamp=False)
    options = subset.Options()
    options.hinting = False
    options.layout_features = []
    options.notdef_outline = True
    options.recalc_timestamp = False
    options.drop_tables = [*options.drop_tables, "FFTM"]  # FontForge's own timestamps
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted({ord(char) for char in chars}))
    subsetter.subset(font)
    buffer = BytesIO()
    font.save(buffer)
    data = buffer.getvalue()

    scale = 1000 / font["head"].unitsPerEm
    glyph_order = font.getGlyphOrder()
    widths = [round(font["hmtx"][name][0] * scale) for name in glyph_order]
    glyph_ids = {name: gid for gid, name in enumerate(glyph_order)}
    to_unicode: dict[int, int] = {}
    for code, name in sorted(font.getBestCmap().items()):
        to_unicode.setdefault(glyph_ids[name], code)
    ps_name = font["name"].getDebugName(6) or ttf.stem
    head, hhea, os2 = font["head"], font["hhea"], font["OS/2"]

    font_file = DecodedStreamObject()
    font_file.set_data(data)
    font_file[NameObject("/Length1")] = NumberObject(len(data))
    font_file_ref = writer._add_object(font_file.flate_encode(level=9))
    descriptor = writer._add_object(
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/FontDescriptor"),
                NameObject("/FontName"): NameObject(f"/{tag}+{ps_name}"),
                NameObject("/Flags"): NumberObject(32),  # non-symbolic
                NameObject("/FontBBox"): ArrayObject(
                    NumberObject(round(v * scale))
                    for v in (head.xMin, head.yMin, head.xMax, head.yMax)
                ),
                NameObject("/ItalicAngle"): NumberObject(0),
                NameObject("/Ascent"): NumberObject(round(hhea.ascent * scale)),
                NameObject("/Descent"): NumberObject(round(hhea.descent * scale)),
                NameObject("/CapHeight"): NumberObject(round(os2.sCapHeight * scale)),
                NameObject("/StemV"): NumberObject(80),
                NameObject("/FontFile2"): font_file_ref,
            }
        )
    )
    cid_font = writer._add_object(
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/CIDFontType2"),
                NameObject("/BaseFont"): NameObject(f"/{tag}+{ps_name}"),
                NameObject("/CIDSystemInfo"): DictionaryObject(
                    {
                        NameObject("/Registry"): TextStringObject("Adobe"),
                        NameObject("/Ordering"): TextStringObject("Identity"),
                        NameObject("/Supplement"): NumberObject(0),
                    }
                ),
                NameObject("/FontDescriptor"): descriptor,
                NameObject("/W"): ArrayObject(
                    [NumberObject(0), ArrayObject(NumberObject(w) for w in widths)]
                ),
                NameObject("/DW"): NumberObject(1000),
                NameObject("/CIDToGIDMap"): NameObject("/Identity"),
            }
        )
    )
    entries = [
        f"<{gid:04X}> <{chr(code).encode('utf-16-be').hex().upper()}>"
        for gid, code in sorted(to_unicode.items())
    ]
    blocks = []
    for start in range(0, len(entries), 100):  # at most 100 entries per block (PDF 9.10.3)
        chunk = entries[start : start + 100]
        blocks.append(f"{len(chunk)} beginbfchar\n" + "\n".join(chunk) + "\nendbfchar")
    cmap = (
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
        "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
        + "\n".join(blocks)
        + "\nendcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n"
    )
    to_unicode_stream = DecodedStreamObject()
    to_unicode_stream.set_data(cmap.encode("ascii"))
    return writer._add_object(
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/Type0"),
                NameObject("/BaseFont"): NameObject(f"/{tag}+{ps_name}"),
                NameObject("/Encoding"): NameObject("/Identity-H"),
                NameObject("/DescendantFonts"): ArrayObject([cid_font]),
                NameObject("/ToUnicode"): writer._add_object(to_unicode_stream.flate_encode()),
            }
        )
    )


# --------------------------------------------------------------------------- building


def _fmt(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def _page_content(layout: _Layout, regular: FieldFont, bold: FieldFont) -> bytes:
    out: list[str] = []
    for line in layout.lines:
        colour = "0.55 G" if line.grey else "0 G"
        out.append(
            f"q {colour} {_fmt(line.width)} w {_fmt(line.x1)} {_fmt(line.y1)} m "
            f"{_fmt(line.x2)} {_fmt(line.y2)} l S Q"
        )
    for text in layout.texts:
        font, name = (bold, BOLD_FONT) if text.bold else (regular, FIELD_FONT)
        codes, missing = font.encode(text.text)
        if missing:
            raise RuntimeError(f"static text needs glyphs the font subset lacks: {missing}")
        width = font.width(codes, text.size)
        if width > text.max_width:
            raise RuntimeError(f"static text too wide ({width:.1f} pt): {text.text!r}")
        x = text.x - width if text.align == 2 else text.x
        colour = "0.35 g" if text.grey else "0 g"
        out.append(
            f"BT {colour} /{name} {_fmt(text.size)} Tf {_fmt(x)} {_fmt(text.y)} Td "
            f"{font.show(codes)} ET"
        )
    return ("\n".join(out) + "\n").encode("ascii")


def build_form() -> bytes:
    """The summary sheet as a PDF with one AcroForm text field per :data:`FIELD_NAMES`."""
    layout = _layout()
    writer = PdfWriter()
    page = writer.add_blank_page(PAGE_WIDTH, PAGE_HEIGHT)
    regular_ref = _embed_font(writer, _first_existing(REGULAR_FONTS), FIELD_CHARSET, "FWFORM")
    bold_chars = "".join(t.text for t in layout.texts if t.bold)
    bold_ref = _embed_font(writer, _first_existing(BOLD_FONTS), bold_chars + "?", "FWHEAD")
    regular = FieldFont.from_resource(regular_ref.get_object())  # type: ignore[arg-type]
    bold = FieldFont.from_resource(bold_ref.get_object())  # type: ignore[arg-type]

    fonts = DictionaryObject(
        {NameObject(f"/{FIELD_FONT}"): regular_ref, NameObject(f"/{BOLD_FONT}"): bold_ref}
    )
    page[NameObject("/Resources")] = DictionaryObject({NameObject("/Font"): fonts})
    content = DecodedStreamObject()
    content.set_data(_page_content(layout, regular, bold))
    page[NameObject("/Contents")] = writer._add_object(content.flate_encode(level=9))

    default_appearance = TextStringObject(f"/{FIELD_FONT} {FIELD_FONT_SIZE} Tf 0 g")
    field_refs = ArrayObject()
    for spec in layout.fields:
        x1, y1, x2, y2 = spec.rect
        empty = DecodedStreamObject()
        empty.set_data(b"/Tx BMC EMC\n")
        empty.update(
            {
                NameObject("/Type"): NameObject("/XObject"),
                NameObject("/Subtype"): NameObject("/Form"),
                NameObject("/BBox"): ArrayObject(
                    [FloatObject(0), FloatObject(0), FloatObject(x2 - x1), FloatObject(y2 - y1)]
                ),
            }
        )
        widget = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Annot"),
                NameObject("/Subtype"): NameObject("/Widget"),
                NameObject("/FT"): NameObject("/Tx"),
                NameObject("/T"): TextStringObject(spec.name),
                NameObject("/TU"): TextStringObject(spec.tooltip),
                NameObject("/Rect"): ArrayObject(FloatObject(round(v, 2)) for v in spec.rect),
                NameObject("/F"): NumberObject(4),  # print
                NameObject("/P"): page.indirect_reference,
                NameObject("/DA"): default_appearance,
                NameObject("/Q"): NumberObject(spec.align),
                NameObject("/Ff"): NumberObject(1 << 12 if spec.multiline else 0),
                NameObject("/V"): TextStringObject(""),
                NameObject("/MK"): DictionaryObject(),
                NameObject("/AP"): DictionaryObject({NameObject("/N"): writer._add_object(empty)}),
            }
        )
        field_refs.append(writer._add_object(widget))
    page[NameObject("/Annots")] = ArrayObject(field_refs)
    writer.root_object[NameObject("/AcroForm")] = writer._add_object(
        DictionaryObject(
            {
                NameObject("/Fields"): field_refs,
                NameObject("/DR"): DictionaryObject({NameObject("/Font"): fonts}),
                NameObject("/DA"): default_appearance,
                NameObject("/NeedAppearances"): BooleanObject(False),
            }
        )
    )
    writer.root_object[NameObject("/Lang")] = TextStringObject("de-DE")
    writer.add_metadata({"/Title": FORM_TITLE, "/Creator": "Förderwerk"})
    buffer = BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


FIELDS: tuple[FieldSpec, ...] = tuple(_layout().fields)
FIELD_NAMES: frozenset[str] = frozenset(spec.name for spec in FIELDS)


def form_path() -> Path:
    return doc_templates_dir() / "forms" / FORM_FILE


@functools.cache
def load_template() -> FormTemplate:
    """The parsed form, shared by every fill in this process."""
    return FormTemplate.from_path(form_path())


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("-o", "--output", type=Path, default=form_path())
    args = parser.parse_args(argv)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_bytes(build_form())
    print(f"{args.output}: {len(FIELDS)} fields")


if __name__ == "__main__":
    main()
