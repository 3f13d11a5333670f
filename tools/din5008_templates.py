"""Lays out the shipped letter templates to DIN 5008 form B (issue 18, item 7).

A one-time tool like build_templates.py: the .docx files stay the source and are edited in Word
or LibreOffice; this script made the changes once (and documents what they are). It reads the
templates of a folder and writes the changed copies to another, never in place::

    .venv/bin/python tools/din5008_templates.py doc_templates /tmp/din
    cp /tmp/din/*.docx doc_templates/

What it changes (docs/decisions.md, "Bescheide, die ein Rechtsamt unterschreibt – Stand"):

* the address table of the first page becomes two rows on a 100 + 65 mm grid: the return
  address at the bottom of the Zusatz- und Vermerkzone (row of exactly 27.7 mm from the top
  margin at 35 mm, so it ends at 62.7 mm), the recipient from 62.7 mm (at least 27.3 mm, to
  90 mm), text 25 mm from the left and at most 80 mm wide (window 20–105 mm), lines 12 pt
  (4.23 mm) apart, so six fit; the information block in a cell spanning both rows, from
  125 mm left and 50 mm top;
* the empty paragraph below the table goes; the subject line gets 9 mm before it, so it starts
  below 98.46 mm (two lines under the window);
* the top margin is 35 mm and the header starts at 8 mm; the first page's letterhead fits the
  27 mm between them even with a logo (no spacer paragraphs, the rule as the table's bottom
  border), so the body starts at 35 mm on page 1;
* every table row: cantSplit; the rows before a total row keep with the next (keepNext on
  their paragraphs); the closing formula and the signature lines become one paragraph that
  is not split, and the last paragraph of text before it (or before a signature table)
  keeps with it, as does the list of annexes after it;
* the document's default language de-DE (the styles already say so);
* "FW Aufzählung" paragraphs with a typed "–" and a tab become Word list paragraphs with "–"
  as the bullet, so they are tagged as lists.
"""

from __future__ import annotations

import copy
import io
import sys
import zipfile
from pathlib import Path

from lxml import etree

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{W_NS}}}"
NS = {"w": W_NS}

TEMPLATES = (
    "zuwendungsbescheid.docx",
    "ablehnungsbescheid.docx",
    "protokoll.docx",
    "einladung.docx",
    "verwendungsnachweis.docx",
    "antrag.docx",
    "auszahlungsanordnung.docx",
)

TWIPS_PER_MM = 1440 / 25.4
ADDRESS_COLUMN = 5669  # 100 mm: 25 → 125 mm
INFO_COLUMN = 3685  # 65 mm: 125 → 190 mm (the right margin)
TOP_MARGIN_MM = 35.0
HEADER_MM = 8.0
ZONE_ROW = round((62.7 - TOP_MARGIN_MM) * TWIPS_PER_MM)  # to the end of the Zusatzzone
ADDRESS_ROW = round(27.3 * TWIPS_PER_MM)  # the Anschriftzone, 62.7 → 90 mm
INFO_TOP = round((50.0 - TOP_MARGIN_MM) * TWIPS_PER_MM)  # information block from 50 mm
WINDOW_RIGHT_INDENT = round(20 * TWIPS_PER_MM)  # address text at most 80 mm wide (to 105 mm)
SUBJECT_BEFORE = 510  # 9.0 mm below the window's lower edge (90 mm) → 99.0 mm


def need(condition: object, what: str = "unexpected template structure") -> None:
    """Stops with ``what`` where a template is not shaped as this tool expects."""
    if not condition:
        raise SystemExit(f"din5008_templates: {what}")


def w(tag: str, **attrs: str) -> etree._Element:
    element = etree.Element(W + tag)
    for key, value in attrs.items():
        element.set(W + key, value)
    return element


def ensure(parent: etree._Element, tag: str, order_first: bool = False) -> etree._Element:
    found = parent.find(W + tag)
    if found is None:
        found = w(tag)
        if order_first:
            parent.insert(0, found)
        else:
            parent.append(found)
    return found


# elements of w:pPr in schema order (the ones this tool touches and their neighbours)
PPR_ORDER = [
    "pStyle",
    "keepNext",
    "keepLines",
    "pageBreakBefore",
    "framePr",
    "widowControl",
    "numPr",
    "suppressLineNumbers",
    "pBdr",
    "shd",
    "tabs",
    "suppressAutoHyphens",
    "kinsoku",
    "wordWrap",
    "overflowPunct",
    "topLinePunct",
    "autoSpaceDE",
    "autoSpaceDN",
    "bidi",
    "adjustRightInd",
    "snapToGrid",
    "spacing",
    "ind",
    "contextualSpacing",
    "mirrorIndents",
    "suppressOverlap",
    "jc",
    "textDirection",
    "textAlignment",
    "textboxTightWrap",
    "outlineLvl",
    "divId",
    "cnfStyle",
    "rPr",
    "sectPr",
    "pPrChange",
]
TRPR_ORDER = [
    "cnfStyle",
    "divId",
    "gridBefore",
    "gridAfter",
    "wBefore",
    "wAfter",
    "cantSplit",
    "trHeight",
    "tblHeader",
    "tblCellSpacing",
    "jc",
    "hidden",
]
TCPR_ORDER = [
    "cnfStyle",
    "tcW",
    "gridSpan",
    "hMerge",
    "vMerge",
    "tcBorders",
    "shd",
    "noWrap",
    "tcMar",
    "textDirection",
    "tcFitText",
    "vAlign",
    "hideMark",
]


def put(parent: etree._Element, child: etree._Element, order: list[str]) -> etree._Element:
    """Replace or insert ``child`` in ``parent`` keeping the schema's element order."""
    name = etree.QName(child).localname
    old = parent.find(W + name)
    if old is not None:
        parent.replace(old, child)
        return child
    rank = order.index(name)
    for index, existing in enumerate(parent):
        other = etree.QName(existing).localname
        if other in order and order.index(other) > rank:
            parent.insert(index, child)
            return child
    parent.append(child)
    return child


def ppr(p: etree._Element) -> etree._Element:
    return ensure(p, "pPr", order_first=True)


def style_of(p: etree._Element) -> str:
    found = p.find("w:pPr/w:pStyle", NS)
    return "" if found is None else str(found.get(W + "val"))


def text_of(p: etree._Element) -> str:
    return "".join(t.text or "" for t in p.iter(W + "t"))


def is_control(p: etree._Element) -> bool:
    """A docxtpl paragraph tag ({%p … %}): the paragraph disappears when rendered."""
    return text_of(p).strip().startswith("{%p")


def keep_next(p: etree._Element, on: bool = True) -> None:
    element = w("keepNext")
    if not on:
        element.set(W + "val", "0")
    put(ppr(p), element, PPR_ORDER)


def keep_lines(p: etree._Element) -> None:
    put(ppr(p), w("keepLines"), PPR_ORDER)


def set_spacing(p: etree._Element, **values: str) -> None:
    properties = ppr(p)
    spacing = properties.find(W + "spacing")
    if spacing is None:
        spacing = put(properties, w("spacing"), PPR_ORDER)
    for key, value in values.items():
        spacing.set(W + key, value)


# --- the address table -----------------------------------------------------------------------


def _cell(width: int, paragraphs: list[etree._Element], **props: etree._Element) -> etree._Element:
    tc = w("tc")
    tcpr = w("tcPr")
    tc.append(tcpr)
    put(tcpr, w("tcW", type="dxa", w=str(width)), TCPR_ORDER)
    for element in props.values():
        put(tcpr, element, TCPR_ORDER)
    for paragraph in paragraphs:
        tc.append(paragraph)
    return tc


def _row(height: int, rule: str, cells: list[etree._Element]) -> etree._Element:
    tr = w("tr")
    trpr = w("trPr")
    put(trpr, w("cantSplit"), TRPR_ORDER)
    put(trpr, w("trHeight", val=str(height), hRule=rule), TRPR_ORDER)
    tr.append(trpr)
    tr.extend(cells)
    return tr


def relayout_address_table(body: etree._Element) -> None:
    table = body.find(W + "tbl")
    need(table is not None, "no address table")
    rows = table.findall(W + "tr")
    need(len(rows) == 1, "the address table has been laid out already")
    left, right = rows[0].findall(W + "tc")
    paragraphs = left.findall(W + "p")
    need(style_of(paragraphs[0]) == "FWRücksendeangabe", style_of(paragraphs[0]))
    sender, address = paragraphs[:1], paragraphs[1:]
    info = right.findall(W + "p")
    grid = table.find(W + "tblGrid")
    need(grid is not None)
    for col in list(grid):
        grid.remove(col)
    grid.append(w("gridCol", w=str(ADDRESS_COLUMN)))
    grid.append(w("gridCol", w=str(INFO_COLUMN)))
    info_margin = w("tcMar")
    info_margin.append(w("top", w=str(INFO_TOP), type="dxa"))
    zone = _row(
        ZONE_ROW,
        "exact",
        [
            _cell(ADDRESS_COLUMN, sender, vAlign=w("vAlign", val="bottom")),
            _cell(
                INFO_COLUMN,
                info,
                vMerge=w("vMerge", val="restart"),
                tcMar=info_margin,
            ),
        ],
    )
    window = _row(
        ADDRESS_ROW,
        "atLeast",
        [
            _cell(ADDRESS_COLUMN, address),
            _cell(INFO_COLUMN, [w("p")], vMerge=w("vMerge")),
        ],
    )
    table.remove(rows[0])
    table.append(zone)
    table.append(window)
    # what follows the table: the empty spacer goes, the subject gets its distance
    following = table.getnext()
    while following is not None and following.tag == W + "p" and not text_of(following):
        after = following.getnext()
        body.remove(following)
        following = after
    need(following is not None and style_of(following) == "FWBetreff", style_of(following))
    set_spacing(following, before=str(SUBJECT_BEFORE))


# --- keeping things together -----------------------------------------------------------------


def rows_cannot_split(body: etree._Element) -> None:
    for row in body.iter(W + "tr"):
        trpr = row.find(W + "trPr")
        if trpr is None:
            trpr = w("trPr")
            first_cell = row.find(W + "tc")
            row.insert(0 if first_cell is None else list(row).index(first_cell), trpr)
        put(trpr, w("cantSplit"), TRPR_ORDER)


def _row_paragraphs(row: etree._Element) -> list[etree._Element]:
    return [p for p in row.iter(W + "p")]


def is_total_row(row: etree._Element) -> bool:
    cells = row.findall(W + "tc")
    return bool(cells) and all(
        style_of(p) == "FWTabellenkopf" for cell in cells for p in cell.findall(W + "p")
    )


def totals_keep_with_their_rows(body: etree._Element) -> None:
    """The last data row stays with the total row below it: in a row loop the repeated row
    and the loop's closing row get keepNext (Word keeps a row with the next when all its
    paragraphs have it)."""
    for table in body.iter(W + "tbl"):
        rows = table.findall(W + "tr")
        for index, row in enumerate(rows[1:], start=1):
            if not is_total_row(row) or index < 2:
                continue
            previous = rows[index - 1]
            chain = [previous]
            if "{%tr endfor" in text_of_row(previous) and index >= 3:
                chain = [rows[index - 2], previous]
            for keep in chain:
                for paragraph in _row_paragraphs(keep):
                    keep_next(paragraph)


def text_of_row(row: etree._Element) -> str:
    return "".join(text_of(p) for p in row.iter(W + "p"))


CLOSING = "Mit freundlichen Grüßen"
HEADINGS = ("FWTeil", "FWNummer", "FWTitel", "FWBetreff")


def keep_with_what_precedes(children: list[etree._Element], index: int) -> None:
    """The paragraphs before ``children[index]`` keep with it, back to the first paragraph
    of text that is not inside an if- or for-block (so whichever alternative is rendered
    last keeps with the signature), or to a table."""
    depth = 0
    for element in reversed(children[:index]):
        if element.tag != W + "p":
            break
        text = text_of(element).strip()
        if is_control(element):
            if text.startswith(("{%p endif", "{%p endfor")):
                depth += 1
            elif text.startswith(("{%p if", "{%p for")):
                depth -= 1
            continue
        keep_next(element)
        keep_lines(element)
        if depth <= 0 and (text or style_of(element) in HEADINGS):
            break


def signature_keeps_together(body: etree._Element) -> None:
    """The closing formula and the signature lines become one paragraph (line breaks, "do
    not split"): LibreOffice does not keep a chain of keep-with-next paragraphs together
    across the first page's end (page 1 has a page style of its own), but never splits a
    paragraph that says so. The last paragraph of text before it keeps with it, so the
    signature never stands on a page of its own. A signature table likewise keeps with the
    paragraphs before it; its single row cannot split."""
    children = list(body)
    for index, element in enumerate(children):
        if element.tag == W + "p" and text_of(element).strip() == CLOSING:
            keep_with_what_precedes(children, index)
            block = []
            for following in children[index:]:
                if following.tag != W + "p" or style_of(following) in HEADINGS:
                    break
                block.append(following)
            merged = merge_signature(block)
            annexes_follow(merged)
        elif element.tag == W + "tbl" and _is_signature_table(element):
            keep_with_what_precedes(children, index)


def _run(*children: etree._Element, text: str | None = None) -> etree._Element:
    run = w("r")
    for child in children:
        run.append(child)
    if text is not None:
        t = w("t")
        t.text = text
        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        run.append(t)
    return run


def annexes_follow(signature: etree._Element) -> None:
    """Where the list of annexes ("Anlagen") follows the signature, it stays on the
    signature's page: the signature, the heading and every line but the last keep with the
    next."""
    heading = signature.getnext()
    if heading is None or heading.tag != W + "p" or text_of(heading).strip() != "Anlagen":
        return
    lines = []
    following = heading.getnext()
    while following is not None and following.tag == W + "p":
        properties = following.find(W + "pPr")
        if properties is not None and properties.find(W + "pageBreakBefore") is not None:
            break
        if not is_control(following) and text_of(following).strip():
            lines.append(following)
        following = following.getnext()
    keep_next(signature)
    for line in lines[:-1]:
        keep_next(line)


def merge_signature(block: list[etree._Element]) -> etree._Element:
    """``block`` (closing formula, "Im Auftrag", spacer, names, their {%p if %} tags) as one
    paragraph: a line break per line, two empty lines for the handwritten signature before
    the first name, the {%p %} tags as inline {% %} tags."""
    closing = block[0]
    merged = w("p")
    properties = copy.deepcopy(closing.find(W + "pPr"))
    need(properties is not None)
    for name in ("keepNext",):
        found = properties.find(W + name)
        if found is not None:
            properties.remove(found)
    put(properties, w("keepLines"), PPR_ORDER)
    merged.append(properties)
    blank = 0
    first = True
    named = False
    for paragraph in block:
        text = text_of(paragraph).strip()
        if is_control(paragraph):
            merged.append(_run(text=text.replace("{%p", "{%", 1)))
            continue
        if not text:
            blank += 1
            continue
        breaks = 0 if first else 1
        if style_of(paragraph) == "FWUnterschrift" and not named:
            breaks = 3  # two empty lines for the signature
            named = True
        elif blank:
            breaks += blank
        blank = 0
        for _ in range(breaks):
            merged.append(_run(w("br")))
        small = style_of(paragraph) == "FWKlein"
        for run in paragraph.findall(W + "r"):
            copied = copy.deepcopy(run)
            if small:
                rpr = copied.find(W + "rPr")
                if rpr is None:
                    rpr = w("rPr")
                    copied.insert(0, rpr)
                rpr.append(w("sz", val="18"))
            merged.append(copied)
        first = False
    closing.addprevious(merged)
    for paragraph in block:
        paragraph.getparent().remove(paragraph)
    return merged


def _is_signature_table(table: etree._Element) -> bool:
    widths = [g.get(W + "w") for g in table.findall("w:tblGrid/w:gridCol", NS)]
    return widths == ["4535", "283", "4535"]


# --- lists -----------------------------------------------------------------------------------

DASH = "–"


def real_lists(body: etree._Element, numbering: etree._Element) -> int:
    """ "FW Aufzählung" paragraphs that begin with a typed dash and a tab become Word list
    paragraphs with "–" as the bullet at the same indents, so LibreOffice tags them as a list
    (L, LI, Lbl, LBody; issue 18.8). Returns the number of paragraphs changed."""
    items = []
    for paragraph in body.iter(W + "p"):
        if style_of(paragraph) != "FWAufzählung":
            continue
        first = paragraph.find(W + "r")
        if first is None:
            continue
        texts = first.findall(W + "t")
        if len(texts) == 1 and texts[0].text == DASH and first.find(W + "tab") is not None:
            items.append((paragraph, first))
    if not items:
        return 0
    abstract_ids = [int(a.get(W + "abstractNumId")) for a in numbering.findall(W + "abstractNum")]
    num_ids = [int(n.get(W + "numId")) for n in numbering.findall(W + "num")]
    abstract_id, num_id = max(abstract_ids, default=-1) + 1, max(num_ids, default=0) + 1
    abstract = etree.fromstring(
        f'<w:abstractNum xmlns:w="{W_NS}" w:abstractNumId="{abstract_id}">'
        '<w:multiLevelType w:val="singleLevel"/>'
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="bullet"/>'
        f'<w:lvlText w:val="{DASH}"/><w:lvlJc w:val="left"/>'
        '<w:pPr><w:tabs><w:tab w:val="num" w:pos="397"/></w:tabs>'
        '<w:ind w:left="397" w:hanging="283"/></w:pPr></w:lvl></w:abstractNum>'
    )
    # abstract numbering definitions come before the w:num elements
    first_num = numbering.find(W + "num")
    if first_num is not None:
        first_num.addprevious(abstract)
    else:
        numbering.append(abstract)
    num = etree.fromstring(
        f'<w:num xmlns:w="{W_NS}" w:numId="{num_id}"><w:abstractNumId w:val="{abstract_id}"/>'
        "</w:num>"
    )
    numbering.append(num)
    for paragraph, dash in items:
        paragraph.remove(dash)
        numbered = w("numPr")
        numbered.append(w("ilvl", val="0"))
        numbered.append(w("numId", val=str(num_id)))
        put(ppr(paragraph), numbered, PPR_ORDER)
    return len(items)


# --- header and styles -----------------------------------------------------------------------


def compact_letterhead(header: etree._Element) -> None:
    """The first page's header: the letterhead table and the rule, nothing that takes more
    room (the spacer paragraphs go; the body's own top margin and the address table place
    everything below)."""
    children = list(header)
    table = header.find(W + "tbl")
    need(table is not None)
    start = children.index(table) + 1
    removed = 0
    for element in children[start:]:
        if element.tag != W + "p":
            continue
        properties = element.find(W + "pPr")
        frame = properties is not None and properties.find(W + "framePr") is not None
        border = properties is not None and properties.find(W + "pBdr") is not None
        if frame:
            continue
        if border and not removed:
            # the rule: as the bottom border of the letterhead's cells instead of a paragraph
            header.remove(element)
            removed += 1
            continue
        if element is children[-1]:
            # the header's last paragraph (a header ends with one): one point high
            set_spacing(element, before="0", after="0", line="20", lineRule="exact")
            continue
        header.remove(element)
    tblpr = table.find(W + "tblPr")
    need(tblpr is not None)
    borders = tblpr.find(W + "tblBorders")
    need(borders is not None)
    bottom = borders.find(W + "bottom")
    need(bottom is not None)
    bottom.attrib.clear()
    bottom.set(W + "val", "single")
    bottom.set(W + "sz", "6")
    bottom.set(W + "space", "0")
    bottom.set(W + "color", "1F3A5F")
    margins = tblpr.find(W + "tblCellMar")
    need(margins is not None)
    margins.find(W + "bottom").set(W + "w", "113")  # type: ignore[union-attr]


def address_styles(styles: etree._Element) -> None:
    for style_id in ("FWAnschrift", "FWRücksendeangabe"):
        style = styles.find(f"w:style[@w:styleId='{style_id}']", NS)
        need(style is not None, style_id)
        properties = ensure(style, "pPr")
        put(properties, w("ind", right=str(WINDOW_RIGHT_INDENT)), PPR_ORDER)
        if style_id == "FWAnschrift":
            # DIN 5008's line pitch of 4.23 mm (12 pt): six lines fit the Anschriftzone
            spacing = properties.find(W + "spacing")
            need(spacing is not None, "FW Anschrift without spacing")
            spacing.set(W + "line", "240")  # type: ignore[union-attr]
            spacing.set(W + "lineRule", "exact")  # type: ignore[union-attr]
    for lang in styles.iterfind("w:docDefaults//w:lang", NS):
        lang.set(W + "val", "de-DE")
        lang.set(W + "eastAsia", "de-DE")


# --- the package -----------------------------------------------------------------------------


def parse(data: bytes) -> etree._Element:
    return etree.fromstring(data, etree.XMLParser(remove_blank_text=False))


def serialise(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def first_header(archive: zipfile.ZipFile, document: etree._Element) -> str:
    rels = parse(archive.read("word/_rels/document.xml.rels"))
    reference = document.find(".//w:sectPr/w:headerReference[@w:type='first']", NS)
    need(reference is not None)
    rid = reference.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id")
    for rel in rels:
        if rel.get("Id") == rid:
            return "word/" + str(rel.get("Target"))
    raise AssertionError("no first-page header")


def transform(data: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    document = parse(source.read("word/document.xml"))
    body = document.find(W + "body")
    need(body is not None)
    relayout_address_table(body)
    margins = body.find("w:sectPr/w:pgMar", NS)
    need(margins is not None)
    margins.set(W + "top", str(round(TOP_MARGIN_MM * TWIPS_PER_MM)))
    margins.set(W + "header", str(round(HEADER_MM * TWIPS_PER_MM)))
    rows_cannot_split(body)
    totals_keep_with_their_rows(body)
    signature_keeps_together(body)
    header_name = first_header(source, document)
    header = parse(source.read(header_name))
    compact_letterhead(header)
    styles = parse(source.read("word/styles.xml"))
    address_styles(styles)
    numbering = parse(source.read("word/numbering.xml"))
    real_lists(body, numbering)
    changed = {
        "word/document.xml": serialise(document),
        header_name: serialise(header),
        "word/styles.xml": serialise(styles),
        "word/numbering.xml": serialise(numbering),
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info, changed.get(info.filename, source.read(info.filename)))
    return out.getvalue()


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__)
        return 2
    source, target = Path(argv[1]), Path(argv[2])
    if target.resolve() == source.resolve():
        print("Bitte in einen anderen Ordner schreiben.", file=sys.stderr)
        return 2
    target.mkdir(parents=True, exist_ok=True)
    for name in TEMPLATES:
        (target / name).write_bytes(transform((source / name).read_bytes()))
        print(target / name)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
