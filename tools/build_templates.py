"""The generator that built the first versions of the shipped .docx templates (python-docx).

RETIRED (issue 16.4): the files in ``doc_templates/`` are the source now, edited in Word or
LibreOffice and checked by ``foerderwerk templates check`` and tests/documents (lint and
render, no byte equality). This script is kept as a one-time tool outside the runtime – to
see how the layout was built, or to start a new kind of document from the same building
blocks. It writes into the folder it is given and never into ``doc_templates/`` by default::

    .venv/bin/python tools/build_templates.py /tmp/vorlagen

Layout (DIN 5008-like, form B): A4, left margin 25 mm, right 20 mm; the first page's header
holds the letterhead, so the address field starts about 45 mm from the top edge; beside it an
information block with file number and date; then the subject in bold, the body, the signature
block. Every page's footer carries the lead office's address, contact and bank details, the
programme line and "Seite X von Y".

Each Jinja tag is written into a single run so that it is never split across runs (docxtpl
and the linter both rely on that); ``{%p …%}`` and ``{%tr …%}`` tags get their own paragraph
or table row, which docxtpl removes when rendering.
"""

from __future__ import annotations

import io
import re
import sys
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from service.rendering.docx import write_zip, zip_entry

FONT = "Arial"  # LibreOffice uses the metric-compatible Liberation Sans
TEXT_WIDTH = 165  # mm: 210 − 25 − 20
ACCENT = RGBColor(0x1F, 0x3A, 0x5F)
GREY = RGBColor(0x55, 0x55, 0x55)
SHADE = "E7ECF2"

Run = str | tuple[str, dict[str, Any]]
Container = Any  # Document, header, footer or table cell: anything with add_paragraph()


# --- styles ------------------------------------------------------------------------------


def _set_font(
    style: Any, size: float, *, bold: bool = False, colour: RGBColor | None = None
) -> None:
    style.font.name = FONT
    style.font.size = Pt(size)
    style.font.bold = bold
    if colour is not None:
        style.font.color.rgb = colour
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), FONT)


def _paragraph_style(
    document: DocumentObject,
    name: str,
    size: float,
    *,
    bold: bool = False,
    before: float = 0,
    after: float = 0,
    keep_with_next: bool = False,
    colour: RGBColor | None = None,
    left_indent: float | None = None,
    hanging: float | None = None,
) -> None:
    style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = document.styles["Normal"]
    style.quick_style = True
    _set_font(style, size, bold=bold, colour=colour)
    fmt = style.paragraph_format
    fmt.space_before = Pt(before)
    fmt.space_after = Pt(after)
    fmt.keep_with_next = keep_with_next
    if left_indent is not None:
        fmt.left_indent = Mm(left_indent)
    if hanging is not None:
        fmt.first_line_indent = Mm(-hanging)
        fmt.tab_stops.add_tab_stop(Mm(left_indent or 0))


def _styles(document: DocumentObject) -> None:
    normal = document.styles["Normal"]
    _set_font(normal, 11)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.05
    normal.paragraph_format.widow_control = True
    language = OxmlElement("w:lang")
    language.set(qn("w:val"), "de-DE")
    language.set(qn("w:eastAsia"), "de-DE")
    normal.element.get_or_add_rPr().append(language)
    _paragraph_style(document, "FW Briefkopf", 13, bold=True, colour=ACCENT)
    _paragraph_style(document, "FW Briefkopf klein", 8.5, colour=GREY)
    _paragraph_style(document, "FW Rücksendeangabe", 6.5, after=4, colour=GREY)
    _paragraph_style(document, "FW Anschrift", 11)
    _paragraph_style(document, "FW Info", 8.5)
    _paragraph_style(document, "FW Betreff", 11, bold=True, before=12, after=2)
    _paragraph_style(document, "FW Bezug", 11, after=14)
    _paragraph_style(document, "FW Titel", 14, bold=True, after=4, colour=ACCENT)
    _paragraph_style(document, "FW Teil", 11, bold=True, before=12, after=6, keep_with_next=True)
    _paragraph_style(document, "FW Nummer", 11, bold=True, before=8, after=3, keep_with_next=True)
    _paragraph_style(document, "FW Text", 11, after=6)
    _paragraph_style(document, "FW Betrag", 12, bold=True, before=4, after=8)
    _paragraph_style(document, "FW Aufzählung", 11, after=3, left_indent=7, hanging=5)
    _paragraph_style(document, "FW Tabelle", 9)
    _paragraph_style(document, "FW Tabellenkopf", 9, bold=True)
    _paragraph_style(document, "FW Fußzeile", 7, colour=GREY)
    _paragraph_style(document, "FW Unterschrift", 11, after=0)
    _paragraph_style(document, "FW Klein", 9, after=3)


# --- building blocks ------------------------------------------------------------------------


def para(
    container: Container,
    *runs: Run,
    style: str = "FW Text",
    align: WD_ALIGN_PARAGRAPH | None = None,
    keep_with_next: bool | None = None,
    page_break_before: bool = False,
) -> Paragraph:
    """A paragraph whose pieces each go into one run (a Jinja tag is never split)."""
    paragraph: Paragraph = container.add_paragraph(style=style)
    for piece in runs:
        content, fmt = (piece, {}) if isinstance(piece, str) else piece
        run = paragraph.add_run(content)
        run.bold = fmt.get("bold")
        run.italic = fmt.get("italic")
        run.underline = fmt.get("underline")
        if "size" in fmt:
            run.font.size = Pt(fmt["size"])
    if align is not None:
        paragraph.alignment = align
    if keep_with_next is not None:
        paragraph.paragraph_format.keep_with_next = keep_with_next
    if page_break_before:
        paragraph.paragraph_format.page_break_before = True
    return paragraph


def tag(container: Container, statement: str) -> Paragraph:
    """A paragraph holding only a ``{%p …%}`` tag; docxtpl removes the paragraph."""
    return para(container, "{%p " + statement + " %}", style="FW Klein")


def bullet(container: Container, *runs: Run) -> Paragraph:
    return para(container, "–\t", *runs, style="FW Aufzählung")


def _field(paragraph: Paragraph, instruction: str) -> None:
    def char(kind: str) -> None:
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        paragraph.add_run()._r.append(element)

    char("begin")
    code = OxmlElement("w:instrText")
    code.set(qn("xml:space"), "preserve")
    code.text = f" {instruction} "
    paragraph.add_run()._r.append(code)
    char("separate")
    paragraph.add_run("1")
    char("end")


def _no_borders(table: Table) -> None:
    properties = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{side}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    properties.append(borders)


def _cell_margins(table: Table, left: float = 1.2, right: float = 1.2) -> None:
    margins = OxmlElement("w:tblCellMar")
    for side, value in (("left", left), ("right", right), ("top", 0.4), ("bottom", 0.4)):
        element = OxmlElement(f"w:{side}")
        element.set(qn("w:w"), str(int(value * 56.7)))
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    table._tbl.tblPr.append(margins)


def _shade(cell: _Cell, fill: str = SHADE) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shading)


def _repeat_header(row: Any) -> None:
    marker = OxmlElement("w:tblHeader")
    row._tr.get_or_add_trPr().append(marker)
    cant_split = OxmlElement("w:cantSplit")
    row._tr.get_or_add_trPr().append(cant_split)


def _top_border(paragraph: Paragraph, colour: str = "1F3A5F", size: int = 6) -> None:
    properties = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    top = OxmlElement("w:top")
    for key, value in (
        ("w:val", "single"),
        ("w:sz", str(size)),
        ("w:space", "4"),
        ("w:color", colour),
    ):
        top.set(qn(key), value)
    borders.append(top)
    properties.append(borders)


def _bottom_border(paragraph: Paragraph, colour: str = "1F3A5F", size: int = 6) -> None:
    properties = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (
        ("w:val", "single"),
        ("w:sz", str(size)),
        ("w:space", "4"),
        ("w:color", colour),
    ):
        bottom.set(qn(key), value)
    borders.append(bottom)
    properties.append(borders)


def layout_table(container: Container, widths: Sequence[float]) -> Table:
    """A borderless table for positioning (address field and information block)."""
    table: Table = (
        container.add_table(rows=1, cols=len(widths))
        if isinstance(container, DocumentObject)
        else container.add_table(rows=1, cols=len(widths), width=Mm(sum(widths)))
    )
    table.autofit = False
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    _no_borders(table)
    _cell_margins(table, 0, 2)
    for index, width in enumerate(widths):
        table.columns[index].width = Mm(width)
        table.rows[0].cells[index].width = Mm(width)
    _clear(table.rows[0].cells)
    return table


def _clear(cells: Sequence[_Cell]) -> None:
    # python-docx puts an empty paragraph into every new cell; content is added after it
    for cell in cells:
        for paragraph in list(cell.paragraphs):
            paragraph._p.getparent().remove(paragraph._p)


class Grid:
    """A bordered data table: a shaded header row, loop rows, a sum row."""

    def __init__(
        self,
        container: Container,
        headings: Sequence[str],
        widths: Sequence[float],
        right: Sequence[int] = (),
    ) -> None:
        self.widths = widths
        self.right = set(right)
        self.table: Table = container.add_table(rows=0, cols=len(widths))
        self.table.style = "Table Grid"
        self.table.autofit = False
        self.table.alignment = WD_TABLE_ALIGNMENT.LEFT
        _cell_margins(self.table)
        for index, width in enumerate(widths):
            self.table.columns[index].width = Mm(width)
        header = self.row(headings, style="FW Tabellenkopf", shade=True)
        _repeat_header(header)

    def row(
        self,
        values: Sequence[str | Sequence[Run]],
        *,
        style: str = "FW Tabelle",
        shade: bool = False,
        span: int = 1,
    ) -> Any:
        row = self.table.add_row()  # type: ignore[no-untyped-call]
        cells = row.cells
        for index, width in enumerate(self.widths):
            cells[index].width = Mm(width)
        if span > 1:
            merged = cells[0].merge(cells[span - 1])
            cells = row.cells
            targets = [merged, *cells[span:]]
            columns = [0, *range(span, len(self.widths))]
        else:
            targets = list(cells)
            columns = list(range(len(self.widths)))
        _clear(targets)
        for cell, column, value in zip(targets, columns, values, strict=True):
            runs: Sequence[Run] = [value] if isinstance(value, str) else value
            align = WD_ALIGN_PARAGRAPH.RIGHT if column in self.right else None
            para(cell, *runs, style=style, align=align)
            if shade:
                _shade(cell)
        return row

    def loop(self, statement: str, values: Sequence[str | Sequence[Run]], **kwargs: Any) -> None:
        """Rows ``{%tr for … %}`` / values / ``{%tr endfor %}`` (docxtpl drops the tag rows)."""
        self.tag_row("for " + statement)
        self.row(values, **kwargs)
        self.tag_row("endfor")

    def tag_row(self, statement: str) -> None:
        blanks: list[str | Sequence[Run]] = ["" for _ in self.widths]
        blanks[0] = "{%tr " + statement + " %}"
        self.row(blanks)


# --- the letter frame -----------------------------------------------------------------------


def new_letter(running_title: str) -> DocumentObject:
    """An A4 letter with letterhead (first page), running header (later pages) and footer."""
    document = Document()
    _styles(document)
    core = document.core_properties
    core.author = "Förderwerk"
    core.title = ""
    core.subject = ""
    core.comments = ""
    core.keywords = ""
    core.language = "de-DE"
    core.revision = 1
    section = document.sections[0]
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin, section.right_margin = Mm(25), Mm(20)
    section.top_margin, section.bottom_margin = Mm(27), Mm(33)
    section.header_distance, section.footer_distance = Mm(10), Mm(8)
    section.different_first_page_header_footer = True
    # python-docx's default template starts with one empty paragraph
    for paragraph in list(document.paragraphs):
        paragraph._p.getparent().remove(paragraph._p)

    head = section.first_page_header
    head.is_linked_to_previous = False
    _clear_header(head)
    table = layout_table(head, [95, 70])
    left, right = table.rows[0].cells
    para(left, "Demokratie leben!", style="FW Briefkopf klein")
    para(left, "{{ partnership.name }}", style="FW Briefkopf", keep_with_next=False).runs[
        0
    ].font.size = Pt(11)
    # The partnership's logo (a picture the renderer places; images.py) above the lead office.
    # The whole paragraph is left out when there is none, so the text letterhead is unchanged.
    tag(right, "if partnership.logo")
    para(
        right, "{{ partnership.logo }}", style="FW Briefkopf klein", align=WD_ALIGN_PARAGRAPH.RIGHT
    )
    tag(right, "endif")
    para(right, "{{ lead_office.name }}", style="FW Briefkopf", align=WD_ALIGN_PARAGRAPH.RIGHT)
    para(
        right, "{{ lead_office.unit }}", style="FW Briefkopf klein", align=WD_ALIGN_PARAGRAPH.RIGHT
    )
    rule = para(head, "", style="FW Briefkopf klein")
    _bottom_border(rule)
    # pushes the address field down to about 45 mm from the top edge (DIN 5008, form B); the
    # logo takes most of that height, so with a logo the spacer is smaller
    tag(head, "if not partnership.logo")
    para(head, "", style="FW Briefkopf klein").paragraph_format.space_after = Pt(18)
    tag(head, "else")
    para(head, "", style="FW Briefkopf klein").paragraph_format.space_after = Pt(5)
    tag(head, "endif")
    for top in (105, 148.5, 210):  # folding marks and the hole mark at the left edge
        _page_mark(head, top, length=8 if top == 148.5 else 5)
    # LibreOffice does not turn a header's last paragraph into a frame
    para(head, "", style="FW Briefkopf klein").paragraph_format.space_after = Pt(0)

    running = section.header
    running.is_linked_to_previous = False
    _clear_header(running)
    line = para(
        running,
        "{{ lead_office.name }} – " + running_title,
        style="FW Briefkopf klein",
    )
    _bottom_border(line, colour="999999", size=4)

    for footer in (section.first_page_footer, section.footer):
        footer.is_linked_to_previous = False
        _clear_header(footer)
        _footer(footer)
    return document


def _page_mark(container: Container, top_mm: float, length: float) -> None:
    """A short horizontal line at the left page edge, placed absolutely (a framed paragraph,
    which Word and LibreOffice both position relative to the page)."""
    paragraph = para(container, "", style="FW Briefkopf klein")
    properties = paragraph._p.get_or_add_pPr()
    frame = OxmlElement("w:framePr")
    for key, value in (
        ("w:w", str(int(length * 56.7))),
        ("w:h", "20"),
        ("w:hRule", "exact"),
        ("w:wrap", "around"),
        ("w:hAnchor", "page"),
        ("w:vAnchor", "page"),
        ("w:x", str(int(4 * 56.7))),
        ("w:y", str(int(top_mm * 56.7))),
    ):
        frame.set(qn(key), value)
    properties.insert(0, frame)
    _top_border(paragraph, colour="777777", size=4)
    paragraph.paragraph_format.space_after = Pt(0)


def _clear_header(part: Any) -> None:
    for paragraph in list(part.paragraphs):
        paragraph._p.getparent().remove(paragraph._p)


def _footer(footer: Any) -> None:
    pages = para(footer, "Seite ", style="FW Fußzeile", align=WD_ALIGN_PARAGRAPH.RIGHT)
    _field(pages, "PAGE")
    pages.add_run(" von ")
    _field(pages, "NUMPAGES")
    table = layout_table(footer, [52, 48, 65])
    first, second, third = table.rows[0].cells
    top = para(first, "{{ lead_office.name }}", style="FW Fußzeile")
    _top_border(top, colour="999999", size=4)
    para(first, "{{ lead_office.street }}", style="FW Fußzeile")
    para(first, "{{ lead_office.postal_code }} {{ lead_office.city }}", style="FW Fußzeile")
    top = para(second, "Telefon: {{ lead_office.phone }}", style="FW Fußzeile")
    _top_border(top, colour="999999", size=4)
    para(second, "E-Mail: {{ lead_office.email }}", style="FW Fußzeile")
    top = para(third, "Bankverbindung:", style="FW Fußzeile")
    _top_border(top, colour="999999", size=4)
    para(third, "{{ lead_office.bank }}", style="FW Fußzeile")
    para(
        footer,
        ("{{ partnership.programme_line }}", {"italic": True}),
        style="FW Fußzeile",
        align=WD_ALIGN_PARAGRAPH.CENTER,
    ).paragraph_format.space_before = Pt(4)


def address_block(
    document: DocumentObject,
    address: Sequence[str],
    info: Sequence[tuple[str, ...]],
) -> None:
    """Address field (return line + address) beside the information block; an information
    line ``(caption, value, condition)`` appears only where the condition holds."""
    table = layout_table(document, [85, 80])
    left, right = table.rows[0].cells
    para(left, ("{{ sender_line }}", {"underline": True}), style="FW Rücksendeangabe")
    for line in address:
        para(left, line, style="FW Anschrift")
    for caption, value, *condition in info:
        if condition:
            tag(right, f"if {condition[0]}")
        paragraph = para(right, (caption, {}), "\t" + value, style="FW Info")
        paragraph.paragraph_format.tab_stops.add_tab_stop(Mm(32), WD_TAB_ALIGNMENT.LEFT)
        paragraph.paragraph_format.left_indent = Mm(32)
        paragraph.paragraph_format.first_line_indent = Mm(-32)
        paragraph.paragraph_format.space_after = Pt(1.5)
        if condition:
            tag(right, "endif")
    spacer = para(document, "", style="FW Klein")
    spacer.paragraph_format.space_after = Pt(18)


def signature(document: DocumentObject, greeting: str = "Mit freundlichen Grüßen") -> None:
    para(
        document, greeting, style="FW Text", keep_with_next=True
    ).paragraph_format.space_before = Pt(12)
    para(document, "Im Auftrag", style="FW Text", keep_with_next=True)
    gap = para(document, "", style="FW Text", keep_with_next=True)
    gap.paragraph_format.space_after = Pt(28)
    para(document, "{{ signatory }}", style="FW Unterschrift")
    tag(document, "if signatory_function")
    para(document, "{{ signatory_function }}", style="FW Unterschrift")
    tag(document, "endif")


def remedy(document: DocumentObject, numeral: str) -> None:
    """The Rechtsbehelfsbelehrung from the partnership's [legal] settings (issue 18): an
    objection (§ 70 Abs. 1 VwGO) or, where the Land abolished it, an action (§§ 74, 81, 55a
    VwGO) – each in writing, electronically and in person; when a posted notice counts as
    made known."""
    para(document, f"{numeral}. Rechtsbehelfsbelehrung", style="FW Teil")
    tag(document, "if legal.lawsuit")
    para(
        document,
        "Gegen diesen Bescheid kann innerhalb eines Monats nach seiner Bekanntgabe Klage "
        "erhoben werden (§ 74 Abs. 1 Satz 2 der Verwaltungsgerichtsordnung – VwGO). Die Klage "
        "ist bei folgendem Gericht zu erheben: {{ legal.remedy_body }}.",
    )
    para(
        document,
        "Sie ist dort schriftlich oder zur Niederschrift des Urkundsbeamten der Geschäftsstelle "
        "zu erheben (§ 81 Abs. 1 VwGO). Sie kann auch als elektronisches Dokument nach "
        "Maßgabe des § 55a VwGO eingereicht werden; eine einfache E-Mail genügt dafür nicht. "
        "Rechtsanwältinnen und Rechtsanwälte, Behörden und juristische Personen des "
        "öffentlichen Rechts müssen sie als elektronisches Dokument übermitteln (§ 55d VwGO). "
        "Die Klage muss den Kläger, den Beklagten und den Gegenstand des Klagebegehrens "
        "bezeichnen (§ 82 Abs. 1 VwGO).",
    )
    tag(document, "else")
    para(
        document,
        "Gegen diesen Bescheid kann innerhalb eines Monats nach seiner Bekanntgabe Widerspruch "
        "erhoben werden. Der Widerspruch ist schriftlich, in elektronischer Form nach § 3a "
        "Abs. 2 des Verwaltungsverfahrensgesetzes oder zur Niederschrift bei folgender Stelle "
        "zu erheben: {{ legal.remedy_body }} (§ 70 Abs. 1 der Verwaltungsgerichtsordnung – "
        "VwGO). Eine einfache E-Mail genügt der elektronischen Form nicht.",
    )
    tag(document, "endif")
    tag(document, "if legal.notification_day")
    para(
        document,
        "Ein durch die Post übermittelter Bescheid gilt am {{ legal.notification_day }} Tag "
        "nach der Aufgabe zur Post als bekannt gegeben (§ 41 Abs. 2 "
        "{{ legal.procedure_act }}).",
    )
    tag(document, "endif")


def body_name(genitive: bool = True) -> str:
    if genitive:
        return (
            "{% if fund.youth_forum %}des Jugendforums{% else %}des Begleitausschusses{% endif %}"
        )
    return "{% if fund.youth_forum %}das Jugendforum{% else %}der Begleitausschuss{% endif %}"


# Whom a notice goes to (issue 18, item 5): the legal guardians of a minor, the adult (or
# representing) person of a group without legal form, an organisation for the attention of
# its representative. Each line a paragraph; the {%p %} lines vanish when rendered.
RECIPIENT_ADDRESS = [
    "{%p if recipient.guardians %}",
    "An die gesetzlichen Vertreter von",
    "{% if recipient.natural_person %}{{ recipient.name }}{% else %}"
    "{{ recipient.minor_name }}{% endif %}",
    "{%p if recipient.group %}",
    "für „{{ recipient.name }}“",
    "{%p endif %}",
    "{%p elif recipient.natural_person %}",
    "{{ recipient.name }}",
    "{%p elif recipient.group %}",
    "{{ recipient.attention }}",
    "für „{{ recipient.name }}“",
    "{%p else %}",
    "{{ recipient.name }}",
    "{%p if recipient.attention %}",
    "z. Hd. {{ recipient.attention }}",
    "{%p endif %}",
    "{%p endif %}",
    "{{ recipient.street }}",
    "{{ recipient.postal_code }} {{ recipient.city }}",
]


def recipient_paragraph(document: DocumentObject) -> None:
    """Nummer 2 of the approval: the recipient – an organisation with its representative, a
    person (a minor through the legal guardians), the natural persons behind a group."""
    tag(document, "if recipient.natural_person")
    para(
        document,
        "{{ recipient.name }}, {{ recipient.street }}, {{ recipient.postal_code }} "
        "{{ recipient.city }}.{% if recipient.minor %} {{ recipient.name }} ist minderjährig; "
        "für {{ recipient.name }} handeln die gesetzlichen Vertreter, denen dieser Bescheid "
        "bekannt gegeben wird (§§ 12, 41 Abs. 1 {{ legal.procedure_act }}).{% if "
        "recipient.adult_contact %} Erwachsene Ansprechperson laut Antrag: "
        "{{ recipient.adult_contact }}.{% endif %}{% endif %}",
    )
    tag(document, "elif recipient.group")
    para(
        document,
        "Die Gruppe „{{ recipient.name }}“ ist laut Antrag eine {{ recipient.legal_form }}. "
        "Zuwendungsempfänger sind deshalb die natürlichen Personen, die sie tragen und für "
        "sie handeln: "
        "{% for person in recipient.persons %}{{ person.name }}{% if person.minor %} "
        "(minderjährig){% endif %}{% if person.adult_contact %} (erwachsene Ansprechperson)"
        "{% endif %}{% if not loop.last %}, {% endif %}{% endfor %}; Anschrift: "
        "{{ recipient.street }}, {{ recipient.postal_code }} {{ recipient.city }}. Sie sind "
        "gemeinsam für die zweckentsprechende Verwendung der Zuwendung verantwortlich."
        "{% if recipient.minor %} Für {{ recipient.minor_name }} handeln die gesetzlichen "
        "Vertreter (§ 12 Abs. 1 {{ legal.procedure_act }}).{% endif %} Dieser Bescheid wird "
        "{% if recipient.guardians %}den gesetzlichen Vertretern von "
        "{{ recipient.minor_name }}{% else %}{{ recipient.attention }}{% endif %} bekannt "
        "gegeben (§ 41 Abs. 1 {{ legal.procedure_act }}).",
    )
    tag(document, "else")
    para(
        document,
        "{{ recipient.name }} ({{ recipient.legal_form }}), {{ recipient.street }}, "
        "{{ recipient.postal_code }} {{ recipient.city }}{% if recipient.represented_by %}, "
        "vertreten durch {{ recipient.represented_by }}{% endif %}.{% if recipient.minor and "
        "recipient.attention %} Erwachsene Ansprechperson laut Antrag: "
        "{{ recipient.attention }}.{% endif %}",
    )
    tag(document, "endif")


# --- Zuwendungsbescheid ---------------------------------------------------------------------


def build_approval() -> DocumentObject:
    d = new_letter("Zuwendungsbescheid Nr. {{ number }} vom {{ date }}")
    address_block(
        d,
        RECIPIENT_ADDRESS,
        [
            ("Aktenzeichen:", "{{ number }}"),
            ("Ihr Antrag vom:", "{{ applied_on }}"),
            ("Auskunft:", "{{ lead_office.unit }}"),
            ("Telefon:", "{{ lead_office.phone }}"),
            ("E-Mail:", "{{ lead_office.email }}"),
            ("Haushaltsstelle:", "{{ fund.budget_line }}", "fund.budget_line"),
            ("Datum:", "{{ date }}"),
        ],
    )
    para(d, "Zuwendungsbescheid Nr. {{ number }}", style="FW Betreff")
    para(
        d,
        "Projektförderung aus dem {{ fund.name }} der {{ partnership.name }} – "
        "Projekt „{{ project.title }}“",
        style="FW Bezug",
    ).paragraph_format.space_after = Pt(2)
    para(d, "Bezug: Ihr Antrag vom {{ applied_on_long }}", style="FW Bezug")
    para(d, "Sehr geehrte Damen und Herren,")
    para(d, "auf Ihren Antrag vom {{ applied_on_long }} ergeht folgender Bescheid:")

    para(d, "I. Entscheidung", style="FW Teil")
    para(d, "1. Bewilligung", style="FW Nummer")
    para(
        d,
        "Auf der Grundlage der §§ 23 und 44 der Bundeshaushaltsordnung (BHO) und der "
        "Verwaltungsvorschriften hierzu, der Förderrichtlinie des Bundesprogramms „Demokratie "
        "leben!“ in der jeweils geltenden Fassung, der Fördergrundsätze für den {{ fund.name }} "
        "der {{ partnership.name }} sowie des Beschlusses " + body_name() + " vom "
        "{{ decision.committee_date_long }} bewillige ich Ihnen für das unter Nummer 3 genannte "
        "Vorhaben eine Zuwendung als nicht rückzahlbaren Zuschuss "
        "{% if financing.festbetrag %}(Festbetrag) {% endif %}in Höhe von",
    )
    para(
        d,
        "{% if not financing.festbetrag %}höchstens {% endif %}{{ decision.amount }}",
        style="FW Betrag",
        align=WD_ALIGN_PARAGRAPH.CENTER,
    )
    tag(d, "if financing.festbetrag")
    para(d, "Der Betrag ist ein Festbetrag nach Nummer 4.")
    tag(d, "else")
    para(d, "Der Betrag ist ein Höchstbetrag; er darf nicht überschritten werden.")
    tag(d, "endif")
    para(d, "2. Zuwendungsempfänger", style="FW Nummer")
    recipient_paragraph(d)
    para(d, "3. Zuwendungszweck", style="FW Nummer")
    para(
        d,
        "Die Zuwendung ist ausschließlich für das Projekt „{{ project.title }}“"
        "{% if project.location %} (Ort: {{ project.location }}){% endif %} nach Maßgabe Ihres "
        "Antrags vom {{ applied_on_long }} und dieses Bescheides zu verwenden. Gegenstand des "
        "Projekts laut Antrag:",
    )
    para(d, ("{{ project.summary }}", {"italic": True}))
    para(d, "4. Finanzierungsart und zuwendungsfähige Ausgaben", style="FW Nummer")
    para(
        d,
        "Die Zuwendung wird als Projektförderung im Wege der {{ financing.label }} gewährt.",
    )
    tag(d, "if financing.fehlbedarf")
    para(
        d,
        "Sie deckt den Fehlbedarf, der nach Einsatz Ihrer Eigenmittel, der Drittmittel und der "
        "Einnahmen verbleibt; nach dem Finanzierungsplan Ihres Antrags beträgt er "
        "{{ financing.deficit }}{% if decision.reduced %}, bewilligt werden höchstens "
        "{{ decision.amount }}{% endif %}. Verringern sich die zuwendungsfähigen Ausgaben oder "
        "erhöhen sich die Deckungsmittel gegenüber dem verbindlichen Finanzierungsplan "
        "(Anlage 1), ermäßigt sich die Zuwendung um den vollen Betrag "
        "({{ annex.cite_reduction }}). Die Eigenmittel sind mindestens in der Höhe nach "
        "Anlage 1 ({{ plan.own_funds_approved }}) einzusetzen.",
    )
    tag(d, "endif")
    tag(d, "if financing.anteil")
    para(
        d,
        "Sie beträgt {{ financing.share }} der zuwendungsfähigen Ausgaben, das ist das "
        "Verhältnis von {{ decision.amount }} zu {{ plan.costs_total }}, höchstens jedoch "
        "{{ decision.amount }}. Bei der Abrechnung wird der Anteil ungerundet aus diesem "
        "Verhältnis berechnet. Verringern sich die zuwendungsfähigen Ausgaben oder erhöhen "
        "sich die Deckungsmittel gegenüber dem verbindlichen Finanzierungsplan (Anlage 1), "
        "ermäßigt sich die Zuwendung anteilig ({{ annex.cite_reduction }}).",
    )
    tag(d, "endif")
    tag(d, "if financing.festbetrag")
    para(
        d,
        "Sie wird als fester Betrag von {{ decision.amount }} gewährt. Verringern sich die "
        "zuwendungsfähigen Ausgaben oder erhöhen sich die Deckungsmittel, bleibt der "
        "Festbetrag unverändert; er ermäßigt sich nur, wenn die zuwendungsfähigen Ausgaben "
        "unter diesen Betrag sinken.",
    )
    tag(d, "endif")
    tag(d, "if financing.voll")
    para(
        d,
        "Sie deckt die zuwendungsfähigen Ausgaben vollständig, soweit sie nicht durch "
        "Eigenmittel, Drittmittel oder Einnahmen gedeckt sind, höchstens jedoch "
        "{{ decision.amount }}. Verringern sich die zuwendungsfähigen Ausgaben oder erhöhen "
        "sich die Deckungsmittel, ermäßigt sich die Zuwendung um den vollen Betrag "
        "({{ annex.cite_reduction }}).",
    )
    tag(d, "endif")
    para(
        d,
        "Zuwendungsfähig sind die im verbindlichen Kosten- und Finanzierungsplan (Anlage 1) "
        "ausgewiesenen Ausgaben in Höhe von insgesamt {{ plan.costs_total }}. Der Plan ist "
        "Bestandteil dieses Bescheides und hinsichtlich des Gesamtergebnisses verbindlich. Ein "
        "Einzelansatz darf um bis zu {{ plan.tolerance }} überschritten werden, soweit die "
        "Überschreitung durch Einsparungen bei anderen Einzelansätzen ausgeglichen wird"
        "{% if annex.gk %}.{% else %} ({{ annex.cite_plan }}).{% endif %}",
    )
    para(d, "5. Bewilligungszeitraum", style="FW Nummer")
    para(
        d,
        "Der Bewilligungszeitraum beginnt am {{ decision.start_long }} und endet am "
        "{{ decision.end_long }}. Zuwendungsfähig sind nur Ausgaben, die in diesem Zeitraum "
        "entstehen und bezahlt werden.",
    )
    para(d, "6. Auszahlung", style="FW Nummer")
    para(
        d,
        "Die Zuwendung wird auf Ihre Anforderung (Mittelabruf) ausgezahlt. Sie darf nur insoweit "
        "und nicht eher angefordert werden, als sie innerhalb von sechs Wochen nach der "
        "Auszahlung für fällige Zahlungen benötigt wird ({% if annex.payment_departs %}abweichend "
        "von {{ annex.cite_payment }}{% else %}{{ annex.cite_payment }}{% endif %}). Die "
        "Auszahlung erfolgt auf das von Ihnen angegebene Konto (IBAN {{ payment.iban }}, "
        "Kontoinhaber: {{ payment.account_holder }}).{% if fund.budget_line %} Die Mittel "
        "werden aus der Haushaltsstelle {{ fund.budget_line }} gezahlt; bitte geben Sie sie "
        "beim Mittelabruf an.{% endif %}",
    )
    para(d, "7. Nebenbestimmungen", style="FW Nummer")
    para(
        d,
        "7.1 Als Anlage 2 sind beigefügt: {{ annex.title }}. Sie sind Bestandteil dieses "
        "Bescheides, soweit im Folgenden nichts Abweichendes bestimmt ist.",
    )
    para(
        d,
        "7.2 Dieser Bescheid ergeht mit folgenden Auflagen (§ 36 Abs. 2 Nr. 4 "
        "{{ legal.procedure_act }}):",
        keep_with_next=True,
    )
    bullet(
        d,
        "In allen Veröffentlichungen und bei öffentlichen Auftritten zum Projekt "
        "(Druckerzeugnisse, Internetseiten, soziale Medien, Pressemitteilungen) ist auf die "
        "Förderung durch das Bundesprogramm „Demokratie leben!“ und die {{ partnership.name }} "
        "hinzuweisen; das Logo des Bundesprogramms ist zu verwenden.",
    )
    bullet(
        d,
        "Veröffentlichungen sind vor ihrer Herausgabe mit der {{ kuf.name }} "
        "({{ kuf.carrier }}, Ansprechperson {{ kuf.contact }}, {{ kuf.email }}) abzustimmen.",
    )
    tag(d, "for condition in decision.conditions")
    bullet(d, "{{ condition }}")
    tag(d, "endfor")
    para(
        d,
        "7.3 Prüfungsrecht: Die {{ lead_office.name }} als Bewilligungsbehörde, der Bund als "
        "Zuwendungsgeber des Bundesprogramms „Demokratie leben!“ (das zuständige "
        "Bundesministerium und die von ihm beauftragten Stellen) und der Bundesrechnungshof "
        "sind berechtigt, bei Ihnen Bücher, Belege und sonstige Geschäftsunterlagen "
        "anzufordern sowie die Verwendung der Zuwendung durch örtliche Erhebungen zu prüfen "
        "oder durch Beauftragte prüfen zu lassen (§ 44 Abs. 1 Satz 3 und § 91 BHO, Nr. 12 VV "
        "zu § 44 BHO, {{ annex.cite_audit }}). Sie haben die erforderlichen Unterlagen "
        "bereitzuhalten und die notwendigen Auskünfte zu erteilen.",
    )
    para(d, "8. Verwendungsnachweis", style="FW Nummer")
    para(
        d,
        "Die Verwendung der Zuwendung ist innerhalb von {{ report.due_days }} Tagen nach dem Ende "
        "des Bewilligungszeitraums, also bis zum {{ report.due_long }}, bei der {{ kuf.name }}, "
        "{{ kuf.carrier }}, {{ kuf.street }}, {{ kuf.postal_code }} {{ kuf.city }}, "
        "nachzuweisen{% if report.departs %}; diese Frist weicht von {{ annex.cite_report }} "
        "ab (dort: spätestens bis zum {{ report.annex_due_long }}) und geht ihr vor"
        "{% else %} ({{ annex.cite_report }}){% endif %}. Der Verwendungsnachweis besteht aus",
        keep_with_next=True,
    )
    bullet(d, "einem Sachbericht über die Durchführung des Projekts und die erreichten Ziele,")
    bullet(
        d,
        "einem zahlenmäßigen Nachweis der Einnahmen und Ausgaben in der Gliederung des "
        "Finanzierungsplans und",
    )
    bullet(d, "einer Belegliste mit allen Einzelzahlungen.")
    para(
        d,
        "Die Originalbelege sind fünf Jahre nach Vorlage des Verwendungsnachweises "
        "aufzubewahren und auf Verlangen vorzulegen.",
    )
    para(d, "9. Widerrufsvorbehalt", style="FW Nummer")
    para(
        d,
        "Dieser Bescheid kann nach Maßgabe der §§ 48, 49 und 49a {{ legal.procedure_act }} "
        "ganz oder teilweise, auch mit Wirkung für die Vergangenheit, zurückgenommen oder "
        "widerrufen werden, insbesondere wenn die Zuwendung nicht oder nicht mehr für den "
        "bestimmten Zweck verwendet wird, die Auflagen nach Nummer 7.2 nicht oder nicht "
        "fristgerecht erfüllt werden oder der Verwendungsnachweis nicht rechtzeitig vorgelegt "
        "wird. Ein zu erstattender Betrag ist nach § 49a Abs. 3 {{ legal.procedure_act }} mit "
        "fünf Prozentpunkten über dem Basiszinssatz jährlich zu verzinsen.",
    )

    para(d, "II. Begründung", style="FW Teil")
    tag(d, "if decision.reduced")
    para(
        d,
        "Sie haben eine Zuwendung in Höhe von {{ decision.amount_requested }} beantragt. "
        + body_name(genitive=False)
        .replace("das Jugendforum", "Das Jugendforum")
        .replace("der Begleitausschuss", "Der Begleitausschuss")
        + " hat in seiner Sitzung am {{ decision.committee_date_long }} eine Förderung in Höhe "
        "von {{ decision.amount }} beschlossen; Ihrem Antrag wird daher nur teilweise "
        "entsprochen. Den Differenzbetrag von {{ decision.difference }} tragen Sie aus "
        "weiteren Eigenmitteln. Der verbindliche Finanzierungsplan (Anlage 1) weist Ihre "
        "Eigenmittel deshalb mit {{ plan.own_funds_approved }} aus; nach ihm richtet sich die "
        "Abrechnung der Zuwendung.",
    )
    tag(d, "endif")
    tag(d, "if decision.period_changed")
    para(
        d,
        "Der Bewilligungszeitraum weicht von dem beantragten Durchführungszeitraum "
        "({{ decision.applied_start_long }} bis {{ decision.applied_end_long }}) ab; maßgeblich "
        "ist der Zeitraum nach Nummer 5.",
    )
    tag(d, "endif")
    tag(d, "if decision.conditions")
    para(
        d,
        "Die weiteren Auflagen unter Nummer 7.2 beruhen auf dem Beschluss "
        + body_name()
        + ". Sie stellen sicher, dass die Zuwendung wirtschaftlich und zweckentsprechend "
        "verwendet wird.",
    )
    tag(d, "endif")
    tag(d, "if report.departs")
    para(
        d,
        "Die Frist für den Verwendungsnachweis (Nummer 8) legen die Fördergrundsätze des Fonds "
        "fest; sie geht der Frist nach {{ annex.cite_report }} vor, damit die Mittel des "
        "Fonds zeitnah abgerechnet werden können.",
    )
    tag(d, "endif")
    tag(d, "if decision.reasons")
    para(d, "{{ decision.reasons }}")
    tag(d, "endif")
    tag(d, "if not decision.departs")
    para(
        d,
        "Ihrem Antrag wird in vollem Umfang entsprochen. Einer weiteren Begründung bedarf es "
        "insoweit nicht (§ 39 Abs. 2 Nr. 1 {{ legal.procedure_act }}).",
    )
    tag(d, "endif")
    remedy(d, "III")
    signature(d)
    para(d, "Anlagen", style="FW Nummer").paragraph_format.space_before = Pt(18)
    para(d, "1. Verbindlicher Kosten- und Finanzierungsplan", style="FW Klein")
    para(
        d,
        "2. {{ annex.title }}{% if annex.pages %} ({{ annex.pages }}){% endif %}",
        style="FW Klein",
    )

    # Anlage 1
    para(
        d,
        "Anlage 1 zum Zuwendungsbescheid Nr. {{ number }} vom {{ date }}",
        style="FW Klein",
        page_break_before=True,
    )
    para(d, "Verbindlicher Kosten- und Finanzierungsplan", style="FW Titel")
    para(
        d,
        "Projekt „{{ project.title }}“ – Zuwendungsempfänger: {{ recipient.name }}",
        style="FW Klein",
    )
    para(
        d,
        "Bewilligungszeitraum: {{ decision.start_long }} bis {{ decision.end_long }} "
        "(beantragt: {{ decision.applied_start_long }} bis {{ decision.applied_end_long }})",
        style="FW Klein",
    )
    para(d, "A. Ausgaben", style="FW Nummer")
    grid = Grid(
        d,
        ["Nr.", "Kostenart", "Bezeichnung", "Menge", "Einzelpreis", "Betrag"],
        [10, 34, 55, 20, 23, 23],
        right=(3, 4, 5),
    )
    grid.loop(
        "line in plan.costs",
        [
            "{{ line.no }}",
            "{{ line.category }}",
            "{{ line.description }}",
            "{{ line.quantity }}",
            "{{ line.unit_price }}",
            "{{ line.amount }}",
        ],
    )
    grid.row(
        ["Zuwendungsfähige Gesamtausgaben", "{{ plan.costs_total }}"],
        style="FW Tabellenkopf",
        span=5,
    )
    para(d, "B. Finanzierung", style="FW Nummer")
    grid = Grid(
        d, ["Finanzierungsquelle", "laut Antrag", "laut Bescheid"], [107, 29, 29], right=(1, 2)
    )
    grid.row(["Eigenmittel", "{{ plan.own_funds }}", "{{ plan.own_funds_approved }}"])
    grid.loop(
        "source in plan.third_party",
        ["Drittmittel: {{ source.source }}", "{{ source.amount }}", "{{ source.amount }}"],
    )
    grid.row(["Einnahmen", "{{ plan.revenue }}", "{{ plan.revenue }}"])
    grid.row(
        [
            "Zuwendung aus dem {{ fund.name }}",
            "{{ decision.amount_requested }}",
            "{{ decision.amount }}",
        ]
    )
    grid.row(
        ["Gesamtfinanzierung", "{{ plan.total }}", "{{ plan.total }}"], style="FW Tabellenkopf"
    )
    para(
        d,
        "Der Finanzierungsplan ist hinsichtlich des Gesamtergebnisses verbindlich. Die "
        "Zuwendung ist ein {% if financing.festbetrag %}Festbetrag{% else %}Höchstbetrag"
        "{% endif %}.{% if decision.reduced %} Die Eigenmittel laut Bescheid enthalten den "
        "Differenzbetrag von {{ decision.difference }} zur beantragten Zuwendung, den der "
        "Zuwendungsempfänger zusätzlich trägt.{% endif %}",
        style="FW Klein",
    ).paragraph_format.space_before = Pt(6)
    return d


# --- Ablehnungsbescheid ---------------------------------------------------------------------


def build_rejection() -> DocumentObject:
    d = new_letter("Bescheid Nr. {{ number }} vom {{ date }}")
    address_block(
        d,
        RECIPIENT_ADDRESS,
        [
            ("Aktenzeichen:", "{{ number }}"),
            ("Ihr Antrag vom:", "{{ applied_on }}"),
            ("Auskunft:", "{{ lead_office.unit }}"),
            ("Telefon:", "{{ lead_office.phone }}"),
            ("E-Mail:", "{{ lead_office.email }}"),
            ("Datum:", "{{ date }}"),
        ],
    )
    para(d, "Ablehnungsbescheid Nr. {{ number }}", style="FW Betreff")
    para(
        d,
        "Ihr Antrag auf Förderung des Projekts „{{ project.title }}“ aus dem {{ fund.name }} der "
        "{{ partnership.name }}",
        style="FW Bezug",
    ).paragraph_format.space_after = Pt(2)
    para(d, "Bezug: Ihr Antrag vom {{ applied_on_long }}", style="FW Bezug")
    para(d, "Sehr geehrte Damen und Herren,")
    para(d, "auf Ihren Antrag vom {{ applied_on_long }} ergeht folgender Bescheid:")
    para(d, "I. Entscheidung", style="FW Teil")
    para(
        d,
        "Ihr Antrag auf Gewährung einer Zuwendung{% if decision.amount_requested %} in Höhe von "
        "{{ decision.amount_requested }}{% endif %} für das Projekt „{{ project.title }}“ wird "
        "abgelehnt.",
    )
    para(d, "II. Begründung", style="FW Teil")
    para(
        d,
        "Zuwendungen aus dem {{ fund.name }} werden auf der Grundlage der §§ 23 und 44 der "
        "Bundeshaushaltsordnung, der Förderrichtlinie des Bundesprogramms „Demokratie leben!“ "
        "und der Fördergrundsätze der {{ partnership.name }} im Rahmen der verfügbaren "
        "Haushaltsmittel gewährt. Ein Rechtsanspruch auf eine Zuwendung besteht nicht; über "
        "jeden Antrag wird nach pflichtgemäßem Ermessen entschieden.",
    )
    tag(d, "if decision.committee_date_long")
    para(
        d,
        body_name(genitive=False)
        .replace("das Jugendforum", "Das Jugendforum")
        .replace("der Begleitausschuss", "Der Begleitausschuss")
        + " hat Ihren Antrag in seiner Sitzung am {{ decision.committee_date_long }} beraten "
        "und die Förderung nicht beschlossen.",
    )
    tag(d, "endif")
    para(d, "Der Antrag wird aus folgenden Gründen abgelehnt:", keep_with_next=True)
    para(d, "{{ decision.reasons }}")
    tag(d, "if findings")
    para(
        d,
        "Darüber hinaus erfüllt der Antrag folgende Fördervoraussetzungen nicht:",
        keep_with_next=True,
    )
    tag(d, "for finding in findings")
    bullet(d, "{{ finding }}")
    tag(d, "endfor")
    tag(d, "endif")
    para(
        d,
        "Es steht Ihnen frei, für ein überarbeitetes Vorhaben einen neuen Antrag zu stellen. Die "
        "{{ kuf.name }} berät Sie dabei gern (Ansprechperson {{ kuf.contact }}, "
        "{{ kuf.email }}).",
    )
    remedy(d, "III")
    signature(d)
    return d


# --- Protokoll ----------------------------------------------------------------------------


def _key_value(
    container: Container, rows: Sequence[tuple[str, str]], widths: Sequence[float] = (50, 115)
) -> Table:
    """A bordered two-column table of captions and values."""
    grid = Grid.__new__(Grid)
    grid.widths = widths
    grid.right = set()
    grid.table = container.add_table(rows=0, cols=len(widths))
    grid.table.style = "Table Grid"
    grid.table.autofit = False
    _cell_margins(grid.table)
    for index, width in enumerate(widths):
        grid.table.columns[index].width = Mm(width)
    for caption, value in rows:
        if caption.startswith("{%tr"):
            grid.tag_row(caption[5:-3])
            continue
        row = grid.row([[(caption, {"bold": True})], value])
        _shade(row.cells[0])
        # a short table of facts reads badly when a page break cuts it
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                paragraph.paragraph_format.keep_with_next = True
    for cell in grid.table.rows[-1].cells:  # the last row must not pull the next block along
        for paragraph in cell.paragraphs:
            paragraph.paragraph_format.keep_with_next = False
    return grid.table


def build_minutes() -> DocumentObject:
    d = new_letter(
        "Niederschrift "
        + "{% if meeting.youth_forum %}Jugendforum{% else %}Begleitausschuss{% endif %}"
        + " vom {{ meeting.date }}"
    )
    address_block(
        d,
        [
            "An die Mitglieder {% if meeting.youth_forum %}des Jugendforums"
            "{% else %}des Begleitausschusses{% endif %}",
            "der {{ partnership.name }}",
            "– über die {{ kuf.name }} –",
        ],
        [
            ("Sitzung am:", "{{ meeting.date }}"),
            (
                "Ort:",
                "{% if meeting.written %}Umlaufverfahren{% else %}{{ meeting.place }}{% endif %}",
            ),
            (
                "Beginn:",
                "{% if meeting.start_time %}{{ meeting.start_time }} Uhr{% else %}–{% endif %}",
            ),
            ("Ende:", "{% if meeting.end_time %}{{ meeting.end_time }} Uhr{% else %}–{% endif %}"),
            ("Vorsitz:", "{{ meeting.chair }}"),
            (
                "Protokoll:",
                "{% if meeting.minute_taker %}{{ meeting.minute_taker }}{% else %}–{% endif %}",
            ),
        ],
    )
    para(
        d,
        "Niederschrift über "
        "{% if meeting.written %}die Beschlussfassung im Umlaufverfahren{% else %}die Sitzung{% "
        "endif %} "
        "{% if meeting.youth_forum %}des Jugendforums{% else %}des Begleitausschusses{% endif %} "
        "am {{ meeting.date_long }}",
        style="FW Betreff",
    )
    para(d, "{{ partnership.name }}", style="FW Bezug")
    # until the chair approves them the minutes are a draft (issue 20.5)
    tag(d, "if approval.draft")
    para(d, ("ENTWURF – vom Vorsitz noch nicht genehmigt", {"bold": True}))
    tag(d, "endif")

    tag(d, "if not meeting.written")
    para(d, "Anwesend", style="FW Nummer")
    grid = Grid(d, ["Name", "Bereich", "Funktion"], [55, 35, 75])
    grid.loop(
        "person in attending",
        [
            "{{ person.name }}",
            "{% if person.civil %}Zivilgesellschaft{% else %}Verwaltung{% endif %}",
            "{% if person.chair %}Vorsitz, {% endif %}"
            "{% if person.voting %}stimmberechtigtes Mitglied"
            "{% elif person.acting_for %}Stellvertretung, stimmberechtigt für {{ "
            "person.acting_for }}"
            "{% elif person.deputy_of %}Stellvertretung für {{ person.deputy_of }} (ohne "
            "Stimmrecht, da das Mitglied anwesend ist)"
            "{% else %}beratendes Mitglied{% endif %}",
        ],
    )
    tag(d, "if absent")
    para(d, "Nicht anwesend", style="FW Nummer")
    grid = Grid(d, ["Name", "Bereich", "Funktion"], [55, 35, 75])
    grid.loop(
        "person in absent",
        [
            "{{ person.name }}",
            "{% if person.civil %}Zivilgesellschaft{% else %}Verwaltung{% endif %}",
            "{% if person.voting %}stimmberechtigtes Mitglied"
            "{% elif person.deputy_of %}Stellvertretung für {{ person.deputy_of }}"
            "{% else %}beratendes Mitglied{% endif %}"
            "{% if person.excused %} – entschuldigt"
            "{% elif person.unexcused %} – unentschuldigt{% endif %}",
        ],
    )
    tag(d, "endif")
    tag(d, "if guests")
    para(d, "Gäste", style="FW Nummer")
    tag(d, "for guest in guests")
    bullet(d, "{{ guest }}")
    tag(d, "endfor")
    tag(d, "endif")
    tag(d, "endif")

    # a written vote (Umlaufverfahren) has no agenda: its parts are headed without TOP numbers
    tag(d, "if not meeting.written")
    para(d, "Tagesordnung", style="FW Nummer")
    para(
        d,
        "TOP 1\tEröffnung, Feststellung der ordnungsgemäßen Einladung und der Beschlussfähigkeit",
        style="FW Klein",
    )
    para(d, "TOP 2\tBeratung und Beschlussfassung über Anträge", style="FW Klein")
    para(d, "TOP 3\tBeschlüsse im Umlaufverfahren seit der letzten Sitzung", style="FW Klein")
    para(d, "TOP 4\tStand der Fondsmittel", style="FW Klein")
    para(d, "TOP 5\tVerschiedenes, nächste Sitzung", style="FW Klein")
    tag(d, "endif")

    tag(d, "if not meeting.written")
    para(d, "TOP 1 – Eröffnung, Einladung und Beschlussfähigkeit", style="FW Nummer")
    para(
        d,
        "{{ meeting.chair }} eröffnet die Sitzung"
        "{% if meeting.start_time %} um {{ meeting.start_time }} Uhr{% endif %} und begrüßt die "
        "Anwesenden.",
    )
    tag(d, "if meeting.all_invited")
    para(
        d,
        (
            "Alle stimmberechtigten Mitglieder und ihre Stellvertretungen wurden ordnungsgemäß "
            "eingeladen."
        ),
    )
    tag(d, "else")
    para(
        d,
        "Nicht ordnungsgemäß eingeladen wurden: "
        "{% for name in meeting.not_invited %}{{ name }}{% if not loop.last %}, {% endif %}{% "
        "endfor %}. "
        "Das Gremium ist deshalb nicht beschlussfähig.",
    )
    tag(d, "endif")
    tag(d, "if meeting.quorate")
    para(
        d,
        "Anwesend oder vertreten sind {{ meeting.represented }} von {{ meeting.voting_members }} "
        "stimmberechtigten Mitgliedern. "
        "{% if meeting.youth_forum %}Das Jugendforum{% else %}Der Begleitausschuss{% endif %} ist "
        "beschlussfähig.",
    )
    tag(d, "else")
    para(
        d,
        ("Die Beschlussfähigkeit ist nicht gegeben. ", {"bold": True}),
        "Anwesend oder vertreten sind {{ meeting.represented }} von {{ meeting.voting_members }} "
        "stimmberechtigten Mitgliedern. Über die Anträge kann in dieser Sitzung nicht beschlossen "
        "werden; sie werden in der nächsten Sitzung oder im Umlaufverfahren erneut beraten.",
    )
    tag(d, "endif")
    tag(d, "else")
    para(d, "Beschlussfassung im Umlaufverfahren", style="FW Nummer")
    # the written vote online (issue 20.4): its deadline and close
    tag(d, "if online.started")
    para(
        d,
        "Die Mitglieder haben online in Förderwerk abgestimmt; Frist: {{ online.deadline }}."
        "{% if online.closed %} Das Umlaufverfahren wurde am {{ online.closed }} abgeschlossen."
        "{% endif %}",
    )
    tag(d, "endif")
    tag(d, "if meeting.objections")
    para(
        d,
        ("Dem Umlaufverfahren wurde widersprochen ", {"bold": True}),
        "(von: {% for name in meeting.objections %}{{ name }}{% if not loop.last %}, {% endif "
        "%}{% endfor %}). "
        "Über die Anträge ist daher in einer Sitzung zu beschließen.",
    )
    tag(d, "else")
    para(d, "Kein stimmberechtigtes Mitglied hat dem Umlaufverfahren widersprochen.")
    tag(d, "endif")
    tag(d, "endif")

    para(
        d,
        "{% if meeting.written %}Beschlüsse im Umlaufverfahren"
        "{% else %}TOP 2 – Beratung und Beschlussfassung über Anträge{% endif %}",
        style="FW Nummer",
    )
    tag(d, "for item in agenda")
    para(
        d,
        "{% if not meeting.written %}TOP 2.{% endif %}{{ item.no }}\t"
        "Antrag {{ item.ref }} – {{ item.applicant }}",
        style="FW Nummer",
    )
    _key_value(
        d,
        [
            ("Beantragte Zuwendung", "{{ item.requested }}"),
            ("Beschlussvorschlag", "{{ item.proposed }}"),
            (
                "Abstimmung",
                "{% if item.withdrawn or item.deferred %}entfällt{% else %}Ja: {{ item.yes }} · "
                "Nein: {{ item.no_votes }} · Enthaltung: {{ item.abstain }}{% endif %}",
            ),
            (
                "Befangenheit",
                "{% if item.excluded %}An Beratung und Abstimmung nicht beteiligt: {{ "
                "item.excluded }}"
                "{% else %}keine{% endif %}",
            ),
            ("Auflagen", "{% if item.conditions %}{{ item.conditions }}{% else %}keine{% endif %}"),
            ("{%tr if item.note %}", ""),
            ("Vermerk", "{{ item.note }}"),
            ("{%tr endif %}", ""),
            (
                "Ergebnis",
                "{% if item.withdrawn %}zurückgezogen – ohne Abstimmung"
                "{% elif item.deferred %}vertagt – ohne Abstimmung"
                "{% elif item.approved %}Bewilligung beschlossen: {{ item.approved_amount }}"
                "{% elif item.rejected %}abgelehnt"
                "{% elif item.lost_quorum %}nicht beschlossen – nach Ausscheiden der befangenen "
                "Mitglieder nicht beschlussfähig"
                "{% elif not item.voted %}nicht beschlossen – es wurde keine Stimme abgegeben"
                "{% else %}nicht beschlossen{% endif %}",
            ),
        ],
    )
    # a written vote's minutes list each vote (issue 18)
    tag(d, "if item.ballots")
    para(d, "Stimmabgaben im Umlaufverfahren:", style="FW Klein", keep_with_next=True)
    tag(d, "for ballot in item.ballots")
    bullet(
        d,
        "{{ ballot.name }}: {{ ballot.vote }}{% if not ballot.counted %} (nicht gezählt)"
        "{% endif %}",
    )
    tag(d, "endfor")
    tag(d, "endif")
    tag(d, "for finding in item.findings")
    bullet(d, ("Hinweis: ", {"italic": True}), "{{ finding }}")
    tag(d, "endfor")
    tag(d, "endfor")

    para(
        d,
        "{% if not meeting.written %}TOP 3 – {% endif %}"
        "Beschlüsse im Umlaufverfahren seit der letzten Sitzung",
        style="FW Nummer",
    )
    tag(d, "if written_since")
    grid = Grid(d, ["Antrag", "Datum", "Ergebnis"], [55, 35, 75])
    grid.loop(
        "entry in written_since",
        [
            "{{ entry.ref }}",
            "{{ entry.date }}",
            "{% if entry.approved %}bewilligt{% elif entry.rejected %}abgelehnt"
            "{% elif entry.deferred %}vertagt{% elif entry.withdrawn %}zurückgezogen"
            "{% else %}nicht beschlossen{% endif %}",
        ],
    )
    tag(d, "else")
    para(d, "Seit der letzten Sitzung wurde nicht im Umlaufverfahren beschlossen.")
    tag(d, "endif")

    para(
        d, "{% if not meeting.written %}TOP 4 – {% endif %}Stand der Fondsmittel", style="FW Nummer"
    )
    para(
        d,
        "{% if meeting.budget_left %}Nach den Beschlüssen dieser Sitzung stehen im Fonds noch "
        "{{ meeting.budget_left }} zur Verfügung.{% else %}Der Stand der Fondsmittel wurde nicht "
        "festgehalten.{% endif %}",
    )
    para(
        d,
        "{% if not meeting.written %}TOP 5 – {% endif %}Verschiedenes, nächste Sitzung",
        style="FW Nummer",
    )
    para(
        d,
        "{% if meeting.next_date_long %}Die nächste Sitzung findet am {{ meeting.next_date_long }} "
        "statt.{% else %}Ein Termin für die nächste Sitzung steht noch nicht fest.{% endif %}"
        "{% if meeting.end_time %} Die Sitzung endet um {{ meeting.end_time }} Uhr.{% endif %}",
    )
    tag(d, "if findings")
    para(d, "Hinweise aus der Prüfung", style="FW Nummer")
    tag(d, "for finding in findings")
    bullet(d, "{{ finding }}")
    tag(d, "endfor")
    tag(d, "endif")

    # the chair's approval (issue 20.5); minutes rendered from a file say neither
    tag(d, "if approval.approved or approval.draft")
    para(
        d,
        "{% if approval.approved %}Genehmigt am {{ approval.when }} Uhr durch {{ approval.by }} "
        "(Vorsitz).{% else %}Entwurf: Das Protokoll ist vom Vorsitz noch nicht genehmigt."
        "{% endif %}",
        keep_with_next=True,
    )
    tag(d, "endif")
    gap = para(d, "", style="FW Text", keep_with_next=True)
    gap.paragraph_format.space_before = Pt(24)
    gap.paragraph_format.space_after = Pt(24)
    table = layout_table(d, [80, 5, 80])
    left, _, right = table.rows[0].cells
    _top_border(
        para(left, "Datum, Unterschrift Vorsitz", style="FW Klein"), colour="000000", size=4
    )
    para(left, "{{ meeting.chair }}", style="FW Klein")
    _top_border(
        para(right, "Datum, Unterschrift Protokoll", style="FW Klein"), colour="000000", size=4
    )
    para(
        right,
        "{% if meeting.minute_taker %}{{ meeting.minute_taker }}{% else %} {% endif %}",
        style="FW Klein",
    )
    return d


# --- Einladung mit Tagesordnung ---------------------------------------------------------------


def _agenda_line(container: Container, number: str, title: str) -> Paragraph:
    """ "TOP 2<tab>Beratung …" with the title's second line aligned under its first."""
    paragraph = para(container, (number, {"bold": True}), "\t" + title, keep_with_next=True)
    paragraph.paragraph_format.tab_stops.add_tab_stop(Mm(18), WD_TAB_ALIGNMENT.LEFT)
    paragraph.paragraph_format.left_indent = Mm(18)
    paragraph.paragraph_format.first_line_indent = Mm(-18)
    paragraph.paragraph_format.space_after = Pt(3)
    return paragraph


def _indented(container: Container, *runs: Run) -> Paragraph:
    paragraph = para(container, *runs, style="FW Klein")
    paragraph.paragraph_format.left_indent = Mm(18)
    return paragraph


def build_invitation() -> DocumentObject:
    body_genitive = (
        "{% if meeting.youth_forum %}des Jugendforums{% else %}des Begleitausschusses{% endif %}"
    )
    d = new_letter(
        "Einladung "
        + "{% if meeting.youth_forum %}Jugendforum{% else %}Begleitausschuss{% endif %}"
        + " am {{ meeting.date }}"
    )
    address_block(
        d,
        [
            "An die Mitglieder " + body_genitive,
            "und ihre Stellvertretungen",
            "der {{ partnership.name }}",
        ],
        [
            ("Datum:", "{{ letter_date }}"),
            ("Sitzung am:", "{{ meeting.date }}"),
            (
                "Beginn:",
                "{% if meeting.start_time %}{{ meeting.start_time }} Uhr{% else %}–{% endif %}",
            ),
            ("Ort:", "{% if meeting.place %}{{ meeting.place }}{% else %}–{% endif %}"),
            ("Auskunft:", "{{ kuf.contact }}"),
            ("E-Mail:", "{{ kuf.email }}"),
        ],
    )
    para(
        d,
        "Einladung zur Sitzung " + body_genitive + " am {{ meeting.date_long }}",
        style="FW Betreff",
    ).paragraph_format.space_after = Pt(12)
    para(d, "Sehr geehrte Damen und Herren,")
    para(
        d,
        "hiermit laden wir Sie herzlich zur Sitzung " + body_genitive + " am "
        "{{ meeting.date_long }}{% if meeting.start_time %}, {{ meeting.start_time }} Uhr,"
        "{% endif %} ein.{% if meeting.place %} Ort: {{ meeting.place }}{% endif %}",
    )

    para(d, "Tagesordnung", style="FW Nummer")
    _agenda_line(
        d,
        "TOP 1",
        "Eröffnung, Feststellung der ordnungsgemäßen Einladung und der Beschlussfähigkeit",
    )
    _agenda_line(d, "TOP 2", "Beratung und Beschlussfassung über Anträge")
    tag(d, "if agenda")
    grid = Grid(
        d, ["TOP", "Antrag", "Antragsteller: Vorhaben", "Beantragt"], [16, 30, 89, 30], right=[3]
    )
    grid.loop(
        "item in agenda",
        [
            "2.{{ item.no }}",
            "{{ item.ref }}",
            "{{ item.applicant }}: „{{ item.title }}“",
            "{{ item.requested }}",
        ],
    )
    grid.row(
        ["Beantragt zusammen", "{{ meeting.requested_total }}"], style="FW Tabellenkopf", span=3
    )
    tag(d, "else")
    _indented(d, "Bisher stehen keine Anträge auf der Tagesordnung.")
    tag(d, "endif")
    _agenda_line(
        d, "TOP 3", "Beschlüsse im Umlaufverfahren seit der letzten Sitzung"
    ).paragraph_format.space_before = Pt(6)
    tag(d, "for entry in written_since")
    _indented(
        d,
        "Antrag {{ entry.ref }} vom {{ entry.date }}: "
        "{% if entry.approved %}bewilligt{% elif entry.rejected %}abgelehnt"
        "{% elif entry.deferred %}vertagt{% else %}nicht beschlossen{% endif %}",
    )
    tag(d, "endfor")
    _agenda_line(d, "TOP 4", "Stand der Fondsmittel")
    tag(d, "if meeting.budget_left")
    _indented(d, "Vor dieser Sitzung stehen im Fonds noch {{ meeting.budget_left }} zur Verfügung.")
    tag(d, "endif")
    _agenda_line(d, "TOP 5", "Verschiedenes, nächste Sitzung")

    para(d, "Eingeladen sind", style="FW Nummer")
    grid = Grid(d, ["Mitglied", "Bereich, Funktion", "Stellvertretung"], [62, 43, 60])
    grid.loop(
        "member in invitees",
        [
            "{{ member.name }}{% if member.organisation %} ({{ member.organisation }}){% endif %}",
            "{% if member.civil %}Zivilgesellschaft{% else %}Verwaltung{% endif %}"
            "{% if member.chair %}, Vorsitz{% endif %}"
            "{% if not member.voting %}, beratend{% endif %}",
            "{% if member.deputies %}{{ member.deputies }}{% else %}–{% endif %}",
        ],
    )

    para(
        d,
        "Wenn Sie nicht teilnehmen können, teilen Sie dies bitte rechtzeitig der "
        "{{ kuf.name }} mit ({{ kuf.email }}), damit Ihre Stellvertretung eingeladen werden kann. "
        "Beantragt Ihre eigene Organisation eine Förderung oder haben Sie aus einem anderen "
        "Grund ein persönliches Interesse an einem Antrag, zeigen Sie Ihre Befangenheit bitte "
        "vor Beginn des Tagesordnungspunkts an; Sie wirken dann an Beratung und Abstimmung "
        "dieses Punkts nicht mit.",
        # the greeting and signature never stand alone on a page
        keep_with_next=True,
    ).paragraph_format.space_before = Pt(9)

    para(
        d, "Mit freundlichen Grüßen", style="FW Text", keep_with_next=True
    ).paragraph_format.space_before = Pt(6)
    # room for the signature as space above the name: LibreOffice lets a page break fall
    # after an empty paragraph even when it is kept with the next one
    para(
        d, "{{ kuf.contact }}", style="FW Unterschrift", keep_with_next=True
    ).paragraph_format.space_before = Pt(22)
    para(d, "{{ kuf.name }}", style="FW Unterschrift", keep_with_next=True)
    para(d, "{{ kuf.carrier }}", style="FW Klein")
    return d


# --- Verwendungsnachweis --------------------------------------------------------------------


def build_report() -> DocumentObject:
    # The recipient reports to the authority that granted: sender (return line) is the
    # recipient, addressee the lead office, the letterhead the partnership's form like the
    # application's (issue 19.5, 18.6).
    d = new_letter("Verwendungsnachweis zum Bescheid Nr. {{ number }}")
    address_block(
        d,
        [
            "{{ lead_office.name }}",
            "{{ lead_office.unit }}",
            "{{ lead_office.street }}",
            "{{ lead_office.postal_code }} {{ lead_office.city }}",
        ],
        [
            ("Bescheid Nr.:", "{{ number }}"),
            ("Aktenzeichen:", "{{ project.reference }}", "project.reference"),
            ("Eingegangen am:", "{{ submitted_on }}"),
            ("Finanzierungsart:", "{{ financing.label }}"),
            ("Fällig bis:", "{{ due_long }}"),
        ],
    )
    para(d, "Verwendungsnachweis zum Zuwendungsbescheid Nr. {{ number }}", style="FW Betreff")
    tag(d, "if project.title")
    para(d, "Projekt „{{ project.title }}“", style="FW Bezug").paragraph_format.space_after = Pt(2)
    tag(d, "endif")
    para(
        d,
        "Bewilligungszeitraum {{ period.start_long }} bis {{ period.end_long }} – eingereicht am "
        "{{ submitted_on_long }}",
        style="FW Bezug",
    )
    tag(d, "if recipient.name")
    para(d, "Zuwendungsempfänger", style="FW Nummer")
    _key_value(
        d,
        [
            ("Name", "{{ recipient.name }}"),
            ("{%tr if recipient.legal_form %}", ""),
            ("Rechtsform", "{{ recipient.legal_form }}"),
            ("{%tr endif %}", ""),
            ("Anschrift", "{{ recipient.address }}"),
            ("{%tr if recipient.representative %}", ""),
            ("Vertreten durch", "{{ recipient.representative }}"),
            ("{%tr endif %}", ""),
            ("{%tr if project.title %}", ""),
            ("Projekt", "{{ project.title }}"),
            ("{%tr endif %}", ""),
        ],
    )
    tag(d, "endif")
    para(d, "1. Sachbericht", style="FW Nummer")
    para(d, ("Durchgeführte Maßnahmen", {"bold": True}), style="FW Klein", keep_with_next=True)
    para(d, "{{ narrative.activities }}")
    para(d, ("Erreichte Ziele", {"bold": True}), style="FW Klein", keep_with_next=True)
    para(d, "{{ narrative.goals_reached }}")
    para(d, ("Abweichungen vom Plan", {"bold": True}), style="FW Klein", keep_with_next=True)
    para(d, "{% if narrative.deviations %}{{ narrative.deviations }}{% else %}keine{% endif %}")
    para(d, "Teilnehmende: {{ narrative.participants_actual }}")

    para(d, "2. Zahlenmäßiger Nachweis", style="FW Nummer")
    para(d, "Ausgaben nach Kostenarten", style="FW Klein")
    grid = Grid(
        d,
        ["Kostenart", "Plan", "Ist laut Belegen", "zuwendungsfähig"],
        [65, 33, 34, 33],
        right=(1, 2, 3),
    )
    grid.loop(
        "category in categories",
        [
            "{{ category.label }}",
            "{{ category.planned }}",
            "{{ category.actual }}",
            "{% if grant.computed %}{{ category.eligible }}{% else %}–{% endif %}",
        ],
    )
    grid.row(
        [
            "Summe",
            "{{ totals.planned }}",
            "{{ totals.actual }}",
            "{% if grant.computed %}{{ grant.eligible_total }}{% else %}–{% endif %}",
        ],
        style="FW Tabellenkopf",
    )
    para(d, "Deckungsmittel", style="FW Klein").paragraph_format.space_before = Pt(8)
    grid = Grid(d, ["Finanzierungsquelle", "Plan", "Ist"], [99, 33, 33], right=(1, 2))
    grid.row(["Eigenmittel", "{{ cover.own_planned }}", "{{ cover.own_actual }}"])
    grid.row(["Drittmittel", "{{ cover.third_planned }}", "{{ cover.third_actual }}"])
    grid.row(["Einnahmen", "{{ cover.revenue_planned }}", "{{ cover.revenue_actual }}"])
    grid.row(["Zuwendung (bewilligt / ausgezahlt)", "{{ grant.approved }}", "{{ grant.paid }}"])
    para(d, "Auszahlungen", style="FW Klein").paragraph_format.space_before = Pt(8)
    tag(d, "if payouts")
    grid = Grid(d, ["Tag der Auszahlung", "Kassenzeichen", "Betrag"], [40, 92, 33], right=(2,))
    grid.loop(
        "payout in payouts",
        ["{{ payout.date }}", "{{ payout.cash_reference }}", "{{ payout.amount }}"],
    )
    grid.row(["Summe der Auszahlungen", "", "{{ grant.paid }}"], style="FW Tabellenkopf")
    tag(d, "elif payouts_known")
    para(d, "Bis zum Tag des Nachweises wurde nichts ausgezahlt.")
    tag(d, "else")
    para(d, "Ausgezahlt wurden insgesamt {{ grant.paid }}.")
    tag(d, "endif")

    para(d, "3. Belegliste", style="FW Nummer")
    grid = Grid(
        d,
        ["Nr.", "Datum", "Empfänger / Zahler", "Zweck", "Kostenart", "Betrag", "förderfähig*"],
        [12, 19, 32, 31, 28, 20, 23],
        right=(5,),
    )
    grid.loop(
        "receipt in receipts",
        [
            "{{ receipt.number }}",
            "{{ receipt.date }}",
            "{{ receipt.payee }}",
            "{{ receipt.purpose }}",
            "{{ receipt.category }}",
            "{{ receipt.amount }}",
            "{% if receipt.income %}Einnahme{% elif receipt.eligible %}ja{% else %}nein{% endif %}",
        ],
    )
    para(
        d,
        "* nach der Vorprüfung (Nummer 4); keine Anerkennung durch die Bewilligungsbehörde",
        style="FW Klein",
    )
    tag(d, "for receipt in receipts")
    tag(d, "for note in receipt.notes")
    bullet(d, ("Beleg {{ receipt.number }} ist nicht förderfähig: ", {"bold": True}), "{{ note }}")
    tag(d, "endfor")
    tag(d, "endfor")

    para(d, "4. Vorläufige Berechnung (Vorprüfung)", style="FW Nummer")
    para(
        d,
        "Die folgenden Beträge sind aus den Angaben dieses Nachweises nach den Fördergrundsätzen "
        "berechnet (Vorprüfung). Sie sind nicht die Prüfung des Verwendungsnachweises durch die "
        "Bewilligungsbehörde (Nr. 11 VV zu § 44 BHO); die endgültige Zuwendung und eine "
        "Erstattung setzt das federführende Amt nach seiner Prüfung fest.",
        style="FW Klein",
    ).paragraph_format.space_after = Pt(4)
    tag(d, "if grant.computed")
    _key_value(
        d,
        [
            ("Bewilligte Zuwendung", "{{ grant.approved }}"),
            ("Ausgezahlt", "{{ grant.paid }}"),
            ("Zuwendungsfähige Ausgaben", "{{ grant.eligible_total }}"),
            ("Zuwendung nach der Vorprüfung", "{{ grant.final }}"),
            ("{%tr if grant.refund %}", ""),
            ("Voraussichtlich zu erstatten", "{{ grant.refund }}"),
            ("{%tr endif %}", ""),
            ("{%tr if grant.outstanding %}", ""),
            ("Voraussichtlich noch auszuzahlen", "{{ grant.outstanding }}"),
            ("{%tr endif %}", ""),
        ],
        widths=(65, 100),
    )
    tag(d, "if grant.refund")
    para(
        d,
        "Nach der Vorprüfung wären {{ grant.refund }} zu erstatten. Ob und in welcher Höhe "
        "zu erstatten ist, entscheidet das federführende Amt nach seiner Prüfung durch "
        "gesonderten Bescheid.",
    ).paragraph_format.space_before = Pt(6)
    tag(d, "endif")
    tag(d, "if not grant.refund and not grant.outstanding")
    para(
        d,
        (
            "Nach der Vorprüfung ist die Zuwendung vollständig verwendet; es ergibt sich weder "
            "eine Erstattung noch eine Nachzahlung."
        ),
    ).paragraph_format.space_before = Pt(6)
    tag(d, "endif")
    tag(d, "else")
    para(
        d,
        "Die Zuwendung kann erst berechnet werden, wenn die Angaben vollständig sind "
        "(siehe Hinweise).",
    )
    tag(d, "endif")
    tag(d, "if findings")
    para(d, "Hinweise der Vorprüfung", style="FW Nummer")
    tag(d, "for finding in findings")
    bullet(d, "{{ finding }}")
    tag(d, "endfor")
    tag(d, "endif")

    para(
        d,
        "Es wird bestätigt, dass die Ausgaben notwendig waren, wirtschaftlich und sparsam "
        "verfahren wurde und die Angaben mit den Büchern und Belegen übereinstimmen.",
        keep_with_next=True,
    ).paragraph_format.space_before = Pt(12)
    gap = para(d, "", style="FW Text", keep_with_next=True)
    gap.paragraph_format.space_after = Pt(24)
    table = layout_table(d, [80, 5, 80])
    left, _, right = table.rows[0].cells
    _top_border(
        para(left, "Ort, Datum, Unterschrift Zuwendungsempfänger", style="FW Klein"),
        colour="000000",
        size=4,
    )
    _top_border(
        para(
            right,
            "Vorgeprüft: Koordinierungs- und Fachstelle, Datum, Zeichen",
            style="FW Klein",
        ),
        colour="000000",
        size=4,
    )
    return d


# --- Antrag ---------------------------------------------------------------------------------


def build_application() -> DocumentObject:
    d = new_letter("Antrag „{{ project.title }}“ vom {{ submitted_on }}")
    address_block(
        d,
        [
            "{{ lead_office.name }}",
            "{{ lead_office.unit }}",
            "{{ lead_office.street }}",
            "{{ lead_office.postal_code }} {{ lead_office.city }}",
        ],
        [
            ("Fonds:", "{{ fund.name }}"),
            ("Eingereicht am:", "{{ submitted_on }}"),
            (
                "Beratung:",
                "{% if session %}{% if fund.youth_forum %}Jugendforum{% else "
                "%}Begleitausschuss{% endif %}"
                " am {{ session }}{% else %}noch offen{% endif %}",
            ),
            ("Ansprechperson:", "{{ applicant.contact_name }}"),
            ("E-Mail:", "{{ applicant.email }}"),
            ("Telefon:", "{% if applicant.phone %}{{ applicant.phone }}{% else %}–{% endif %}"),
        ],
    )
    para(d, "Antrag auf Gewährung einer Zuwendung aus dem {{ fund.name }}", style="FW Betreff")
    para(
        d, "{{ partnership.name }} – Projekt „{{ project.title }}“", style="FW Bezug"
    ).paragraph_format.space_after = Pt(2)
    para(d, "Eingereicht am {{ submitted_on_long }}", style="FW Bezug")

    para(d, "1. Antragsteller", style="FW Nummer")
    _key_value(
        d,
        [
            ("Name", "{{ applicant.name }}"),
            ("Rechtsform", "{{ applicant.legal_form }}"),
            (
                "Anschrift",
                "{{ applicant.street }}, {{ applicant.postal_code }} {{ applicant.city }}",
            ),
            ("Vertretungsberechtigt", "{{ applicant.representative }}"),
            (
                "Ansprechperson",
                (
                    "{{ applicant.contact_name }}, {{ applicant.email }}"
                    "{% if applicant.phone %}, {{ applicant.phone }}{% endif %}"
                ),
            ),
            (
                "Bankverbindung",
                "IBAN {{ applicant.iban }}, Kontoinhaber: {{ applicant.account_holder }}",
            ),
            (
                "Vorsteuerabzug",
                "{% if applicant.vat_deductible %}ja – Ausgaben netto{% else %}nein{% endif %}",
            ),
            ("{%tr if applicant.birth_date %}", ""),
            ("Geburtsdatum", "{{ applicant.birth_date }}"),
            ("{%tr endif %}", ""),
            ("{%tr if applicant.adult_contact.name %}", ""),
            (
                "Volljährige Kontaktperson",
                (
                    "{{ applicant.adult_contact.name }}, {{ applicant.adult_contact.email }}, {{ "
                    "applicant.adult_contact.phone }}"
                ),
            ),
            ("{%tr endif %}", ""),
        ],
    )
    para(d, "2. Projekt", style="FW Nummer")
    _key_value(
        d,
        [
            ("Titel", "{{ project.title }}"),
            ("Kurzbeschreibung", "{{ project.summary }}"),
            ("Ziele", "{{ project.goals }}"),
            ("Handlungsfelder", "{{ project.fields_of_action }}"),
            ("Zielgruppen", "{{ project.target_groups }}"),
            ("Ort", "{{ project.location }}"),
            ("Zeitraum", "{{ project.start }} bis {{ project.end }}"),
            ("Geplante Teilnehmende", "{{ project.participants_planned }}"),
            (
                "Vorzeitiger Maßnahmebeginn",
                (
                    "{% if project.early_start_requested %}beantragt (bedarf der schriftlichen "
                    "Zustimmung des federführenden Amtes){% else %}nicht beantragt{% endif %}"
                ),
            ),
        ],
    )
    para(d, "3. Kostenplan", style="FW Nummer")
    grid = Grid(
        d,
        ["Nr.", "Kostenart", "Bezeichnung", "Menge", "Einzelpreis", "Betrag"],
        [10, 34, 55, 20, 23, 23],
        right=(3, 4, 5),
    )
    grid.loop(
        "line in costs",
        [
            "{{ line.no }}",
            "{{ line.category }}",
            "{{ line.description }}",
            "{{ line.quantity }}",
            "{{ line.unit_price }}",
            "{{ line.amount }}",
        ],
    )
    grid.row(["Gesamtausgaben", "{{ costs_total }}"], style="FW Tabellenkopf", span=5)
    para(d, "4. Finanzierungsplan", style="FW Nummer")
    grid = Grid(d, ["Finanzierungsquelle", "Betrag"], [132, 33], right=(1,))
    grid.row(["Eigenmittel", "{{ financing.own_funds }}"])
    grid.loop(
        "source in financing.third_party",
        ["Drittmittel: {{ source.source }}", "{{ source.amount }}"],
    )
    grid.row(["Einnahmen", "{{ financing.revenue }}"])
    grid.row(["Beantragte Zuwendung", "{{ financing.requested }}"])
    grid.row(["Gesamtfinanzierung", "{{ financing.total }}"], style="FW Tabellenkopf")

    para(d, "5. Erklärungen", style="FW Nummer")
    declarations = [
        (
            "not_started",
            (
                "Mit dem Projekt wurde noch nicht begonnen; es wurden noch keine Verträge "
                "geschlossen, die ihm zuzurechnen sind."
            ),
        ),
        (
            "no_double_funding",
            (
                "Für dieselben Ausgaben wurden keine weiteren öffentlichen Mittel beantragt oder "
                "bewilligt."
            ),
        ),
        (
            "anbest_acknowledged",
            (
                "Die Allgemeinen Nebenbestimmungen für Zuwendungen zur Projektförderung (ANBest-P) "
                "sind bekannt und werden beachtet."
            ),
        ),
        ("data_correct", "Die Angaben in diesem Antrag sind vollständig und richtig."),
        (
            "publicity",
            (
                "In der Öffentlichkeitsarbeit wird auf die Förderung durch das Bundesprogramm "
                "„Demokratie leben!“ hingewiesen und das Programmlogo verwendet."
            ),
        ),
        (
            "privacy_consent",
            (
                "Die Datenschutzhinweise nach Art. 13 DSGVO wurden zur Kenntnis genommen "
                "(Rechtsgrundlage der Verarbeitung: Art. 6 Abs. 1 Buchst. e DSGVO)."
            ),
        ),
    ]
    for key, wording in declarations:
        para(
            d,
            "{% if declarations." + key + " %}☒{% else %}☐{% endif %}\t",
            wording,
            style="FW Aufzählung",
        )
    tag(d, "if findings")
    para(d, "Hinweise aus der automatischen Prüfung", style="FW Nummer")
    tag(d, "for finding in findings")
    bullet(d, "{% if finding.error %}Fehler{% else %}Hinweis{% endif %}: {{ finding.message }}")
    tag(d, "endfor")
    tag(d, "endif")

    gap = para(d, "", style="FW Text", keep_with_next=True)
    gap.paragraph_format.space_after = Pt(30)
    table = layout_table(d, [80, 5, 80])
    left, _, right = table.rows[0].cells
    _top_border(para(left, "Ort, Datum", style="FW Klein"), colour="000000", size=4)
    _top_border(
        para(right, "Rechtsverbindliche Unterschrift", style="FW Klein"), colour="000000", size=4
    )
    para(right, "{{ applicant.representative }}", style="FW Klein")
    return d


# --- writing -------------------------------------------------------------------------------

# kind → (file, title, builder); the kinds are what `foerderwerk render` and the register use
TEMPLATES: dict[str, tuple[str, str, Any]] = {
    "approval": ("zuwendungsbescheid.docx", "Zuwendungsbescheid", build_approval),
    "rejection": ("ablehnungsbescheid.docx", "Ablehnungsbescheid", build_rejection),
    "minutes": ("protokoll.docx", "Protokoll der Sitzung", build_minutes),
    "invitation": ("einladung.docx", "Einladung mit Tagesordnung", build_invitation),
    "report": ("verwendungsnachweis.docx", "Verwendungsnachweis", build_report),
    "application": ("antrag.docx", "Antrag", build_application),
}

MANIFEST_HEADER = """\
# Dokumentvorlagen von Förderwerk – welches Dokument mit welcher Vorlage erzeugt wird.
#
# Je Dokumentart: die Datei in diesem Ordner, der Titel und die Platzhalter, die eine Vorlage
# dieser Art verwenden darf (was das Programm für sie bereitstellt). `foerderwerk templates
# check` und das Hochladen einer Vorlage weisen jeden anderen Platzhalter zurück.
# "a.b" ist das Feld b von a; "liste[].x" ist das Feld x jedes Eintrags einer Liste, die mit
# {%tr for eintrag in liste %} oder {%p for eintrag in liste %} durchlaufen wird.
# Von Hand gepflegt: ein Test prüft, dass die Liste genau den Kontexten in
# service/rendering/context/ entspricht und jede mitgelieferte Vorlage nur Namen daraus nimmt.
"""


def _toml_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def manifest_text(entries: dict[str, tuple[str, str, list[str]]]) -> str:
    lines = [MANIFEST_HEADER]
    for kind, (file, title, keys) in entries.items():
        lines.append(f"[{kind}]")
        lines.append(f"title = {_toml_string(title)}")
        lines.append(f"file = {_toml_string(file)}")
        lines.append("context = [")
        lines.extend(f"    {_toml_string(key)}," for key in keys)
        lines.append("]")
        lines.append("")
    return "\n".join(lines)


def _reproducible(data: bytes) -> bytes:
    """The same zip with fixed entry times, so regenerating changes no byte without cause,
    and without the style definitions no part uses (:func:`lean_styles`)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    parts["word/styles.xml"] = lean_styles(parts)
    return write_zip([zip_entry(name, content) for name, content in parts.items()])


# Attributes through which a part names a style (by its styleId).
_STYLE_REFERENCE = re.compile(
    rb"<w:(?:pStyle|rStyle|tblStyle|numStyleLink|styleLink|clickAndTypeStyle|defaultTableStyle)"
    rb' w:val="([^"]+)"'
)
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def lean_styles(parts: dict[str, bytes]) -> bytes:
    """``word/styles.xml`` with only the styles the document uses: those named in any part,
    the defaults, and what they are based on, linked to or followed by.

    python-docx's default template defines some 160 styles (356 kB of XML). LibreOffice
    imports every one of them for every document it converts: 55-70 ms of CPU of a notice's
    ~215 ms (measured, docs/performance.md); the PDF is the same to the pixel. Latent style
    entries (names only) stay, as does stylesWithEffects.xml, which LibreOffice ignores."""
    from lxml import etree  # type: ignore[import-untyped]

    used: set[str] = set()
    for name, content in parts.items():
        if name.endswith(".xml") and name not in ("word/styles.xml", "word/stylesWithEffects.xml"):
            used.update(match.decode() for match in _STYLE_REFERENCE.findall(content))
    root = etree.fromstring(parts["word/styles.xml"])  # our own generated part
    styles = {style.get(f"{_W}styleId"): style for style in root.iter(f"{_W}style")}
    used.update(sid for sid, style in styles.items() if style.get(f"{_W}default") == "1")
    keep: set[str] = set()
    pending = list(used)
    while pending:
        sid = pending.pop()
        if sid in keep or sid not in styles:
            continue
        keep.add(sid)
        for tag in ("basedOn", "link", "next"):
            reference = styles[sid].find(f"{_W}{tag}")
            if reference is not None:
                pending.append(reference.get(f"{_W}val"))
    for sid, style in styles.items():
        if sid not in keep:
            root.remove(style)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))


def build_all(folder: Path) -> list[Path]:
    """Write every template and the manifest listing the placeholders each one uses."""
    from service.rendering.lint import manifest_keys, used_paths

    folder.mkdir(parents=True, exist_ok=True)
    written = []
    entries: dict[str, tuple[str, str, list[str]]] = {}
    for kind, (file, title, builder) in TEMPLATES.items():
        path = folder / file
        buffer = io.BytesIO()
        builder().save(buffer)
        path.write_bytes(_reproducible(buffer.getvalue()))
        written.append(path)
        entries[kind] = (file, title, manifest_keys(used_paths(path.read_bytes())))
    manifest = folder / "manifest.toml"
    manifest.write_text(manifest_text(entries), encoding="utf-8")
    written.append(manifest)
    return written


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        sys.exit("usage: tools/build_templates.py FOLDER (not doc_templates/: edit those in Word)")
    for path in build_all(Path(args[0])):
        print(path)


if __name__ == "__main__":
    main()
