"""pypdf operations on finished PDFs: fill and flatten AcroForms, stamp drafts, set metadata,
strip active content and merge print files.

Issued notices come from LibreOffice as PDF/A with their metadata already set from the DOCX
core properties; changing the Info dictionary of such a file afterwards breaks its PDF/A claim
(see ``shared/libreoffice.md``), so :func:`set_metadata` refuses PDF/A input. pypdf is used
for drafts, print files and forms.

Form fields get appearance streams written here rather than by pypdf: the form's field font
is an embedded TrueType font (Identity-H, see ``summary_form.py``) whose metrics are read once
per template, so filling needs no font parsing per field and the output is the same for the
same values (which keeps the content address stable, see ``storage.py``).
"""

from __future__ import annotations

import functools
import logging
import math
import re
import threading
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import cast

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    BooleanObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    NumberObject,
    PdfObject,
    StreamObject,
    TextStringObject,
)

from .append import Appendix, append_pages

log = logging.getLogger(__name__)

DRAFT_STAMP = "ENTWURF"

# The smallest size a field's text is shrunk to before it is clipped; below 6 pt a printed
# form is no longer legible.
MIN_FIELD_FONT_SIZE = 6.0
DEFAULT_FIELD_FONT_SIZE = 9.0
LINE_HEIGHT = 1.15
FIELD_PADDING = 2.0

# Field flags (PDF 32000-1, table 228).
_FF_MULTILINE = 1 << 12
_FF_PASSWORD = 1 << 13
# Annotation flags (table 165): hidden and no-view widgets must not be drawn when flattening.
_F_HIDDEN = 1 << 1
_F_NOVIEW = 1 << 5

# Actions that run code, start programs or send data somewhere (PDF 32000-1, 12.6.4).
_ACTIVE_ACTIONS = frozenset(
    {"/JavaScript", "/Launch", "/ImportData", "/SubmitForm", "/Rendition", "/RichMediaExecute"}
)
# Keys whose mere presence triggers actions or carries scripts.
_ACTIVE_KEYS = frozenset({"/OpenAction", "/AA", "/JavaScript", "/JS", "/XFA"})


class PdfToolsError(Exception):
    """A PDF cannot be processed as asked."""


class UnknownFieldError(PdfToolsError):
    """Values were given for fields the form does not have (a typo must not vanish silently)."""

    def __init__(self, names: Iterable[str]) -> None:
        self.names = tuple(sorted(names))
        super().__init__("form has no field(s): " + ", ".join(self.names))


class FormFontError(PdfToolsError):
    """The form's field font cannot be used to draw appearance streams."""


class PdfAMetadataError(PdfToolsError):
    """Changing the Info dictionary of a PDF/A file would break its conformance."""


@dataclass(frozen=True)
class DocumentMetadata:
    title: str
    subject: str = ""  # the notice number for notices
    author: str = ""  # the issuing office
    keywords: str = ""


@dataclass(frozen=True)
class PrintFilePart:
    title: str  # the bookmark of this document in the print file
    pdf: bytes


@dataclass(frozen=True)
class SanitizedPdf:
    data: bytes
    removed: tuple[str, ...]  # what was found and removed, e.g. ("/JavaScript", "/OpenAction")


# --------------------------------------------------------------------------- reading / writing


def _reader(data: bytes) -> PdfReader:
    reader = PdfReader(BytesIO(data))
    if reader.is_encrypted:
        raise PdfToolsError("encrypted PDFs are not processed")
    return reader


def _to_bytes(writer: PdfWriter) -> bytes:
    buffer = BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _add_stream(writer: PdfWriter, data: bytes) -> IndirectObject:
    stream = DecodedStreamObject()
    stream.set_data(data)
    # pypdf has no public way to register a new indirect object; _add_object is what its own
    # helpers (add_annotation, set_need_appearances_writer) use.
    return writer._add_object(stream)


def _contents_refs(writer: PdfWriter, page: DictionaryObject) -> list[PdfObject]:
    contents = page.raw_get("/Contents") if "/Contents" in page else None
    if contents is None:
        return []
    resolved = contents.get_object()
    if isinstance(resolved, ArrayObject):
        return list(resolved)
    if isinstance(contents, IndirectObject):
        return [contents]
    # A direct stream object is not allowed by the spec but occurs; make it indirect.
    return [writer._add_object(resolved)]


def _wrap_and_append_content(writer: PdfWriter, page: DictionaryObject, after: bytes) -> None:
    """Draw ``after`` on top of the page, in the default coordinate system.

    The existing content is wrapped in q/Q so a graphics state it leaves behind (a scaled CTM,
    a clipping path) cannot move or hide what is added. Existing streams are not rewritten, so
    a content stream shared by several pages stays shared.
    """
    existing = _contents_refs(writer, page)
    parts: list[PdfObject] = []
    if existing:
        parts = [_add_stream(writer, b"q\n"), *existing]
        after = b"Q\n" + after
    parts.append(_add_stream(writer, after))
    page[NameObject("/Contents")] = ArrayObject(parts)


def _resource_dict(page: DictionaryObject, category: str) -> DictionaryObject:
    if "/Resources" not in page:
        page[NameObject("/Resources")] = DictionaryObject()
    resources = cast(DictionaryObject, page["/Resources"].get_object())
    if category not in resources:
        resources[NameObject(category)] = DictionaryObject()
    return cast(DictionaryObject, resources[category].get_object())


def _add_resource(page: DictionaryObject, category: str, base: str, ref: PdfObject) -> str:
    """Add ``ref`` under a name not used yet on the page (resources may be shared by pages)."""
    entries = _resource_dict(page, category)
    name, counter = base, 1
    while name in entries and entries.raw_get(name) != ref:
        counter += 1
        name = f"{base}{counter}"
    entries[NameObject(name)] = ref
    return name


def _fmt(value: float) -> str:
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


# --------------------------------------------------------------------------- metadata


def _claims_pdfa(writer: PdfWriter) -> bool:
    return _xmp_claims_pdfa(_xmp_of(writer.root_object))


def _apply_metadata(writer: PdfWriter, metadata: DocumentMetadata) -> None:
    if _claims_pdfa(writer):
        raise PdfAMetadataError(
            "refusing to change the Info dictionary of a PDF/A file: set title, subject and "
            "author in the DOCX core properties before the conversion"
        )
    info: dict[str, str] = {"/Title": metadata.title, "/Creator": "Förderwerk"}
    if metadata.subject:
        info["/Subject"] = metadata.subject
    if metadata.author:
        info["/Author"] = metadata.author
    if metadata.keywords:
        info["/Keywords"] = metadata.keywords
    writer.add_metadata(info)
    root = writer.root_object
    # Screen readers need the document language (WCAG 3.1.1); viewers show the title instead
    # of the file name in their window bar when asked to.
    if "/Lang" not in root:
        root[NameObject("/Lang")] = TextStringObject("de-DE")
    preferences = writer.create_viewer_preferences() if "/ViewerPreferences" not in root else None
    target = preferences if preferences is not None else root["/ViewerPreferences"].get_object()
    cast(DictionaryObject, target)[NameObject("/DisplayDocTitle")] = BooleanObject(True)


def set_metadata(pdf: bytes, metadata: DocumentMetadata) -> bytes:
    """Title, subject (the notice number), author of a draft or print file. Refuses PDF/A."""
    writer = PdfWriter(clone_from=_reader(pdf))
    _apply_metadata(writer, metadata)
    return _to_bytes(writer)


# --------------------------------------------------------------------------- draft stamp

# Helvetica-Bold advance widths (AFM, 1/1000 em) of the letters of the stamp.
_HELVETICA_BOLD_WIDTHS = {"E": 667, "N": 722, "T": 611, "W": 944, "U": 722, "R": 722, "F": 611}
_HELVETICA_BOLD_CAP_HEIGHT = 718


def _stamp_content(page: DictionaryObject, font: str, gstate: str, text: str) -> bytes:
    box = page.get("/CropBox") or page.get("/MediaBox")
    if box is None:
        raise PdfToolsError("page without a media box")
    x0, y0, x1, y1 = (float(v) for v in cast(ArrayObject, box.get_object()))
    width, height = abs(x1 - x0), abs(y1 - y0)
    rotation = int(page.get("/Rotate", 0)) % 360
    shown_w, shown_h = (height, width) if rotation in (90, 270) else (width, height)
    # A viewer turns the page clockwise by /Rotate; to read from bottom left to top right on
    # screen the text is turned that much further in the page's own coordinates.
    angle = math.atan2(shown_h, shown_w) + math.radians(rotation)
    text_units = sum(_HELVETICA_BOLD_WIDTHS.get(char, 722) for char in text)
    size = 0.7 * math.hypot(width, height) * 1000 / text_units
    cos, sin = math.cos(angle), math.sin(angle)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    dx = -text_units * size / 2000
    dy = -_HELVETICA_BOLD_CAP_HEIGHT * size / 2000
    return (
        f"q\n/{gstate} gs\n0.75 0.1 0.1 rg\n"
        f"{_fmt(cos)} {_fmt(sin)} {_fmt(-sin)} {_fmt(cos)} {_fmt(cx)} {_fmt(cy)} cm\n"
        f"BT\n/{font} {_fmt(size)} Tf\n{_fmt(dx)} {_fmt(dy)} Td\n({text}) Tj\nET\nQ\n"
    ).encode("ascii")


def _stamp_writer(writer: PdfWriter, text: str = DRAFT_STAMP) -> None:
    if not text.isascii() or any(char in text for char in "()\\"):
        raise ValueError("the stamp text must be plain ASCII letters")
    if _claims_pdfa(writer):
        # A stamped draft is no archival copy; it must not claim a conformance the
        # unembedded stamp font breaks.
        del writer.root_object["/Metadata"]
    font = writer._add_object(
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/Type1"),
                NameObject("/BaseFont"): NameObject("/Helvetica-Bold"),
                NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
            }
        )
    )
    gstate = writer._add_object(
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/ExtGState"),
                NameObject("/ca"): FloatObject(0.25),
                NameObject("/CA"): FloatObject(0.25),
            }
        )
    )
    for page in writer.pages:
        font_name = _add_resource(page, "/Font", "/FwDraftFont", font)
        gstate_name = _add_resource(page, "/ExtGState", "/FwDraftGS", gstate)
        content = _stamp_content(page, font_name[1:], gstate_name[1:], text)
        _wrap_and_append_content(writer, page, content)


def stamp_draft(pdf: bytes, *, metadata: DocumentMetadata | None = None) -> bytes:
    """Stamp "ENTWURF" diagonally across every page, optionally setting the metadata too."""
    writer = PdfWriter(clone_from=_reader(pdf))
    _stamp_writer(writer)
    if metadata is not None:
        _apply_metadata(writer, metadata)
    return _to_bytes(writer)


# --------------------------------------------------------------------------- active content


class _Sanitizer:
    def __init__(self) -> None:
        self.removed: set[str] = set()
        self._seen: set[int] = set()

    @staticmethod
    def _is_active_action(obj: PdfObject) -> bool:
        resolved = obj.get_object()
        return isinstance(resolved, DictionaryObject) and resolved.get("/S") in _ACTIVE_ACTIONS

    def _disarm(self, obj: PdfObject) -> None:
        # The action may stay in the file as an unreferenced object; empty it so no script
        # text is left behind either.
        action = cast(DictionaryObject, obj.get_object())
        self.removed.add(str(action.get("/S")))
        script = action.get("/JS")
        if script is not None and isinstance(script.get_object(), StreamObject):
            cast(StreamObject, script.get_object()).set_data(b"")
        action.clear()

    def walk(self, obj: PdfObject) -> None:
        stack: list[PdfObject] = [obj]
        while stack:
            current = stack.pop().get_object()
            if isinstance(current, DictionaryObject):
                if id(current) in self._seen:
                    continue
                self._seen.add(id(current))
                stack.extend(self._clean_dict(current))
            elif isinstance(current, ArrayObject):
                if id(current) in self._seen:
                    continue
                self._seen.add(id(current))
                for index in range(len(current) - 1, -1, -1):
                    if self._is_active_action(current[index]):
                        self._disarm(current[index])
                        del current[index]
                stack.extend(current)

    def _clean_dict(self, dictionary: DictionaryObject) -> list[PdfObject]:
        children: list[PdfObject] = []
        for key in list(dictionary.keys()):
            value = dictionary.raw_get(key)
            if key in _ACTIVE_KEYS:
                self.removed.add(key)
                self._disarm_all(value)
                del dictionary[key]
            elif key in ("/A", "/Next") and self._is_active_action(value):
                self._disarm(value)
                del dictionary[key]
            elif key != "/Parent":
                children.append(value)
        return children

    def _disarm_all(self, value: PdfObject) -> None:
        # Scripts hidden in name trees and action chains: disarm every action below.
        stack = [value]
        seen: set[int] = set()
        while stack:
            current = stack.pop()
            resolved = current.get_object()
            if id(resolved) in seen:
                continue
            seen.add(id(resolved))
            if isinstance(resolved, DictionaryObject):
                children = [resolved.raw_get(k) for k in resolved if k != "/Parent"]
                if resolved.get("/S") in _ACTIVE_ACTIONS:
                    self._disarm(current)
                stack.extend(children)
            elif isinstance(resolved, ArrayObject):
                stack.extend(resolved)


def _sanitize_writer(writer: PdfWriter) -> tuple[str, ...]:
    sanitizer = _Sanitizer()
    sanitizer.walk(writer.root_object)
    if sanitizer.removed:
        # Drop what is no longer referenced, so no disarmed object survives in the file.
        writer.compress_identical_objects(remove_duplicates=False, remove_unreferenced=True)
    return tuple(sorted(sanitizer.removed))


def strip_active_content(pdf: bytes) -> SanitizedPdf:
    """Remove JavaScript, open actions, additional actions, launch/submit actions and XFA."""
    writer = PdfWriter(clone_from=_reader(pdf))
    removed = _sanitize_writer(writer)
    if removed:
        log.warning("active content removed from a PDF: %s", ", ".join(removed))
        return SanitizedPdf(_to_bytes(writer), removed)
    return SanitizedPdf(pdf, ())


# --------------------------------------------------------------------------- flattening


def _widget_appearance(annotation: DictionaryObject) -> StreamObject | None:
    ap = annotation.get("/AP")
    if ap is None:
        return None
    normal = cast(DictionaryObject, ap.get_object()).get("/N")
    if normal is None:
        return None
    resolved = normal.get_object()
    if isinstance(resolved, StreamObject):
        return resolved
    if isinstance(resolved, DictionaryObject):  # states of a check box or radio button
        state = annotation.get("/AS")
        chosen = resolved.get(state) if state is not None else None
        if chosen is not None and isinstance(chosen.get_object(), StreamObject):
            return cast(StreamObject, chosen.get_object())
    return None


def _placement(appearance: StreamObject, rect: Sequence[float]) -> str:
    """The matrix that maps the appearance's (transformed) bounding box onto the widget's
    rectangle, as a viewer does (PDF 32000-1, 12.5.5)."""
    bbox = [float(v) for v in cast(ArrayObject, appearance.get("/BBox", [0, 0, 1, 1]))]
    a, b, c, d, e, f = (float(v) for v in appearance.get("/Matrix", [1, 0, 0, 1, 0, 0]))
    corners = [
        (a * x + c * y + e, b * x + d * y + f)
        for x, y in ((bbox[0], bbox[1]), (bbox[2], bbox[1]), (bbox[0], bbox[3]), (bbox[2], bbox[3]))
    ]
    min_x, max_x = min(p[0] for p in corners), max(p[0] for p in corners)
    min_y, max_y = min(p[1] for p in corners), max(p[1] for p in corners)
    left, bottom = min(rect[0], rect[2]), min(rect[1], rect[3])
    width, height = abs(rect[2] - rect[0]), abs(rect[3] - rect[1])
    sx = width / (max_x - min_x) if max_x > min_x else 1.0
    sy = height / (max_y - min_y) if max_y > min_y else 1.0
    return f"{_fmt(sx)} 0 0 {_fmt(sy)} {_fmt(left - sx * min_x)} {_fmt(bottom - sy * min_y)} cm"


def _flatten_writer(writer: PdfWriter) -> None:
    """Draw every visible widget's appearance into its page and remove the form."""
    for page in writer.pages:
        if "/Annots" not in page:
            continue
        annots = cast(ArrayObject, page["/Annots"].get_object())
        kept: list[PdfObject] = []
        drawing: list[str] = []
        for ref in annots:
            annotation = cast(DictionaryObject, ref.get_object())
            if annotation.get("/Subtype") != "/Widget":
                kept.append(ref)
                continue
            flags = int(annotation.get("/F", 0))
            appearance = _widget_appearance(annotation)
            rect = [float(v) for v in cast(ArrayObject, annotation.get("/Rect", [0, 0, 0, 0]))]
            # Emptied, not just unlinked: pypdf writes unreferenced objects too, and the
            # field's name and value must not survive in the file of an issued document.
            annotation.clear()
            if appearance is None or flags & (_F_HIDDEN | _F_NOVIEW):
                continue
            if appearance.indirect_reference is None:
                reference = writer._add_object(appearance)
            else:
                reference = appearance.indirect_reference
            if "/Type" not in appearance:
                appearance[NameObject("/Type")] = NameObject("/XObject")
            if "/Subtype" not in appearance:
                appearance[NameObject("/Subtype")] = NameObject("/Form")
            name = _add_resource(page, "/XObject", "/FwField", reference)
            drawing.append(f"q\n{_placement(appearance, rect)}\n{name} Do\nQ\n")
        if drawing:
            _wrap_and_append_content(writer, page, "".join(drawing).encode("latin-1"))
        if kept:
            page[NameObject("/Annots")] = ArrayObject(kept)
        else:
            del page["/Annots"]
    if "/AcroForm" in writer.root_object:
        acro_form = cast(DictionaryObject, writer.root_object["/AcroForm"].get_object())
        # Parent fields (names, values) are referenced only from here and from the widgets.
        fields = list(cast(ArrayObject, acro_form.get("/Fields", ArrayObject())))
        while fields:
            node = fields.pop().get_object()
            if isinstance(node, DictionaryObject):
                fields.extend(cast(ArrayObject, node.get("/Kids", ArrayObject())))
                node.clear()
        acro_form.clear()
        del writer.root_object["/AcroForm"]
    writer.compress_identical_objects(remove_duplicates=False, remove_unreferenced=True)


def flatten_form(pdf: bytes) -> bytes:
    writer = PdfWriter(clone_from=_reader(pdf))
    _flatten_writer(writer)
    return _to_bytes(writer)


# --------------------------------------------------------------------------- field font


def _hex_to_text(hex_digits: str) -> str:
    return bytes.fromhex(hex_digits).decode("utf-16-be", errors="replace")


_CMAP_BLOCK = re.compile(rb"begin(bfchar|bfrange)(.*?)end\1", re.DOTALL)
_CMAP_TOKEN = re.compile(rb"<([0-9A-Fa-f]*)>|\[|\]")


def _parse_to_unicode(data: bytes) -> dict[str, int]:
    """Unicode character → CID from a ToUnicode CMap (bfchar and bfrange, PDF 32000-1 9.10.3)."""
    cids: dict[str, int] = {}

    def add(cid: int, text: str) -> None:
        if len(text) == 1:
            cids.setdefault(text, cid)

    for kind, body in _CMAP_BLOCK.findall(data):
        tokens = [m.group(0) for m in _CMAP_TOKEN.finditer(body)]
        if kind == b"bfchar":
            for source, target in zip(tokens[0::2], tokens[1::2], strict=False):
                add(int(source[1:-1], 16), _hex_to_text(target[1:-1].decode()))
            continue
        index = 0
        while index + 2 < len(tokens):
            low, high = int(tokens[index][1:-1], 16), int(tokens[index + 1][1:-1], 16)
            if tokens[index + 2] == b"[":
                end = tokens.index(b"]", index + 3)
                for offset, target in enumerate(tokens[index + 3 : end]):
                    add(low + offset, _hex_to_text(target[1:-1].decode()))
                index = end + 1
                continue
            first = _hex_to_text(tokens[index + 2][1:-1].decode())
            for offset in range(high - low + 1):
                add(low + offset, first[:-1] + chr(ord(first[-1]) + offset))
            index += 3
    return cids


def _parse_widths(w: ArrayObject) -> dict[int, float]:
    widths: dict[int, float] = {}
    index = 0
    while index + 1 < len(w):
        first = int(w[index])
        following = w[index + 1].get_object()
        if isinstance(following, ArrayObject):
            for offset, width in enumerate(following):
                widths[first + offset] = float(width)
            index += 2
        else:
            last, width = int(following), float(w[index + 2])
            for cid in range(first, last + 1):
                widths[cid] = width
            index += 3
    return widths


@dataclass(frozen=True)
class FieldFont:
    """Metrics of an embedded Identity-H font, enough to lay out and encode field values."""

    cids: Mapping[str, int]
    widths: Mapping[int, float]
    default_width: float
    ascent: float
    descent: float
    fallback_cid: int

    @classmethod
    def from_resource(cls, font: DictionaryObject) -> FieldFont:
        if font.get("/Subtype") != "/Type0" or font.get("/Encoding") != "/Identity-H":
            raise FormFontError("the field font must be an embedded Type0 font (Identity-H)")
        if "/ToUnicode" not in font:
            raise FormFontError("the field font has no ToUnicode map")
        descendant = cast(DictionaryObject, cast(ArrayObject, font["/DescendantFonts"])[0])
        descendant = cast(DictionaryObject, descendant.get_object())
        descriptor = cast(DictionaryObject, descendant["/FontDescriptor"].get_object())
        if not any(key in descriptor for key in ("/FontFile2", "/FontFile3")):
            raise FormFontError("the field font is not embedded")
        cids = _parse_to_unicode(cast(StreamObject, font["/ToUnicode"].get_object()).get_data())
        widths = _parse_widths(cast(ArrayObject, descendant.get("/W", ArrayObject())))
        return cls(
            cids=cids,
            widths=widths,
            default_width=float(descendant.get("/DW", 1000)),
            ascent=float(descriptor.get("/Ascent", 800)),
            descent=float(descriptor.get("/Descent", -200)),
            fallback_cid=cids.get("?", 0),
        )

    def encode(self, text: str) -> tuple[list[int], set[str]]:
        """CIDs for ``text``; characters the font lacks are drawn as "?" and returned."""
        missing: set[str] = set()
        codes: list[int] = []
        for char in unicodedata.normalize("NFC", text):
            cid = self.cids.get(char)
            if cid is None:
                # A character sharing its glyph with another one (no-break space, ligatures)
                # is listed once in the ToUnicode map.
                compatible = unicodedata.normalize("NFKC", char)
                cid = self.cids.get(compatible) if len(compatible) == 1 else None
            if cid is None:
                missing.add(char)
                cid = self.fallback_cid
            codes.append(cid)
        return codes, missing

    def width(self, codes: Sequence[int], size: float) -> float:
        return sum(self.widths.get(cid, self.default_width) for cid in codes) * size / 1000

    def show(self, codes: Sequence[int]) -> str:
        return "<" + "".join(f"{cid:04X}" for cid in codes) + "> Tj"


# --------------------------------------------------------------------------- forms

_DA_FONT = re.compile(r"/([^\s/\[\]()<>]+)\s+([0-9.]+)\s+Tf")
_DA_COLOR = re.compile(r"((?:[0-9.]+\s+){1}g|(?:[0-9.]+\s+){3}rg|(?:[0-9.]+\s+){4}k)(?=\s|$)")


@dataclass(frozen=True)
class _FieldStyle:
    font_name: str
    font_size: float
    color: str
    multiline: bool
    alignment: int


def _qualified_name(field_dict: DictionaryObject) -> str:
    parts: list[str] = []
    current: DictionaryObject | None = field_dict
    depth = 0
    while current is not None and depth < 32:
        if "/T" in current:
            parts.append(str(current["/T"]))
        parent = current.get("/Parent")
        current = cast(DictionaryObject, parent.get_object()) if parent is not None else None
        depth += 1
    return ".".join(reversed(parts))


def _terminal_field(widget: DictionaryObject) -> DictionaryObject:
    if "/T" in widget:
        return widget
    parent = widget.get("/Parent")
    if parent is None:
        return widget
    return cast(DictionaryObject, parent.get_object())


def _inherited(field_dict: DictionaryObject, key: str) -> PdfObject | None:
    current: DictionaryObject | None = field_dict
    depth = 0
    while current is not None and depth < 32:
        if key in current:
            return current[key]
        parent = current.get("/Parent")
        current = cast(DictionaryObject, parent.get_object()) if parent is not None else None
        depth += 1
    return None


def _iter_widgets(pages: Iterable[DictionaryObject]) -> Iterator[DictionaryObject]:
    for page in pages:
        for ref in cast(ArrayObject, page.get("/Annots", ArrayObject())):
            annotation = cast(DictionaryObject, ref.get_object())
            if annotation.get("/Subtype") == "/Widget":
                yield annotation


def _wrap_lines(font: FieldFont, text: str, size: float, width: float) -> list[list[int]]:
    lines: list[list[int]] = []
    space, _ = font.encode(" ")
    for paragraph in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line: list[int] = []
        for word in paragraph.split(" "):
            codes, _ = font.encode(word)
            candidate = [*line, *space, *codes] if line else codes
            if font.width(candidate, size) <= width or not line:
                line = candidate
            else:
                lines.append(line)
                line = codes
            # A single word wider than the field is broken between characters.
            while font.width(line, size) > width and len(line) > 1:
                cut = len(line) - 1
                while cut > 1 and font.width(line[:cut], size) > width:
                    cut -= 1
                lines.append(line[:cut])
                line = line[cut:]
        lines.append(line)
    return lines


def _appearance(font: FieldFont, style: _FieldStyle, text: str, width: float, height: float) -> str:
    inner_w = max(width - 2 * FIELD_PADDING, 1.0)
    inner_h = max(height - 2 * FIELD_PADDING, 1.0)
    size = style.font_size or min(12.0, inner_h / LINE_HEIGHT)
    if style.multiline:
        lines = _wrap_lines(font, text, size, inner_w)
        while len(lines) * size * LINE_HEIGHT > inner_h and size > MIN_FIELD_FONT_SIZE:
            size = max(MIN_FIELD_FONT_SIZE, size - 0.5)
            lines = _wrap_lines(font, text, size, inner_w)
        first_baseline = height - FIELD_PADDING - font.ascent * size / 1000
    else:
        codes, _ = font.encode(" ".join(text.splitlines()))
        natural = font.width(codes, 1.0)
        if natural * size > inner_w:
            size = max(MIN_FIELD_FONT_SIZE, inner_w / natural)
        lines = [codes]
        glyph_height = (font.ascent - font.descent) * size / 1000
        first_baseline = (height - glyph_height) / 2 - font.descent * size / 1000
    leading = size * LINE_HEIGHT
    out = [
        "/Tx BMC",
        "q",
        f"1 1 {_fmt(width - 2)} {_fmt(height - 2)} re W n",
        "BT",
        f"/{style.font_name} {_fmt(size)} Tf",
        style.color,
    ]
    x_previous, y_previous = 0.0, 0.0
    for index, codes in enumerate(lines):
        line_width = font.width(codes, size)
        if style.alignment == 2:
            x = width - FIELD_PADDING - line_width
        elif style.alignment == 1:
            x = (width - line_width) / 2
        else:
            x = FIELD_PADDING
        y = first_baseline - index * leading
        out.append(f"{_fmt(x - x_previous)} {_fmt(y - y_previous)} Td")
        out.append(font.show(codes))
        x_previous, y_previous = x, y
    out += ["ET", "Q", "EMC", ""]
    return "\n".join(out)


class FormTemplate:
    """A fillable PDF parsed once and reused as the clone source of every filled copy.

    Re-parsing the template per document costs about half the fill time (see
    ``shared/libreoffice.md``); the reader is only read from, under a lock because a
    reader's file position is shared state.
    """

    def __init__(self, data: bytes, *, name: str = "form") -> None:
        self.name = name
        self._reader = _reader(data)
        self._lock = threading.Lock()
        root = self._reader.root_object
        if "/AcroForm" not in root:
            raise PdfToolsError(f"{name} has no AcroForm")
        acro_form = cast(DictionaryObject, root["/AcroForm"].get_object())
        self._default_da = str(acro_form.get("/DA", ""))
        self._default_q = int(acro_form.get("/Q", 0))
        fonts = cast(
            DictionaryObject,
            cast(DictionaryObject, acro_form.get("/DR", DictionaryObject()).get_object())
            .get("/Font", DictionaryObject())
            .get_object(),
        )
        self._fonts: dict[str, FieldFont] = {}
        self.field_names: frozenset[str] = frozenset()
        self._styles: dict[str, _FieldStyle] = {}
        with self._lock:
            for widget in _iter_widgets(self._reader.pages):
                field_dict = _terminal_field(widget)
                if str(_inherited(field_dict, "/FT")) != "/Tx":
                    continue
                qualified = _qualified_name(field_dict)
                style = self._style(widget, field_dict)
                if style.font_name not in self._fonts:
                    if "/" + style.font_name not in fonts:
                        raise FormFontError(f"font /{style.font_name} missing from /DR")
                    resource = cast(DictionaryObject, fonts["/" + style.font_name].get_object())
                    self._fonts[style.font_name] = FieldFont.from_resource(resource)
                self._styles[qualified] = style
        self.field_names = frozenset(self._styles)

    @classmethod
    def from_path(cls, path: Path) -> FormTemplate:
        return cls(path.read_bytes(), name=path.name)

    def _style(self, widget: DictionaryObject, field_dict: DictionaryObject) -> _FieldStyle:
        da_object = widget.get("/DA") or _inherited(field_dict, "/DA")
        da = str(da_object) if da_object is not None else self._default_da
        font_match = _DA_FONT.search(da)
        if font_match is None:
            raise FormFontError(f"no font in the default appearance {da!r}")
        color_match = _DA_COLOR.search(da)
        flags = int(cast(NumberObject, _inherited(field_dict, "/Ff") or NumberObject(0)))
        q = widget.get("/Q", _inherited(field_dict, "/Q"))
        return _FieldStyle(
            font_name=font_match.group(1),
            font_size=float(font_match.group(2)),
            color=color_match.group(1).strip() if color_match else "0 g",
            multiline=bool(flags & _FF_MULTILINE),
            alignment=int(q) if q is not None else self._default_q,
        )

    def clone(self) -> PdfWriter:
        with self._lock:
            return PdfWriter(clone_from=self._reader)

    def style(self, name: str) -> _FieldStyle:
        return self._styles[name]

    def font(self, name: str) -> FieldFont:
        return self._fonts[name]


def _writable_appearance(writer: PdfWriter, widget: DictionaryObject) -> StreamObject:
    """The widget's own normal appearance stream (this copy's, cloned from the template), or
    a new one: reusing it leaves no orphaned empty appearance in the file."""
    ap = widget.get("/AP")
    if ap is not None:
        normal = cast(DictionaryObject, ap.get_object()).raw_get("/N")
        # An unfiltered stream takes new data as it is (an encoded one would need its filter).
        if isinstance(normal, IndirectObject) and isinstance(
            normal.get_object(), DecodedStreamObject
        ):
            return cast(DecodedStreamObject, normal.get_object())
    stream = DecodedStreamObject()
    widget[NameObject("/AP")] = DictionaryObject({NameObject("/N"): writer._add_object(stream)})
    return stream


def fill_form(
    template: FormTemplate,
    values: Mapping[str, str],
    *,
    flatten: bool = False,
    draft: bool = False,
    metadata: DocumentMetadata | None = None,
) -> bytes:
    """A filled copy of ``template``; ``flatten`` for issued documents (no fields remain),
    ``draft`` to stamp "ENTWURF" on it."""
    unknown = set(values) - template.field_names
    if unknown:
        raise UnknownFieldError(unknown)
    writer = template.clone()
    root = writer.root_object
    acro_form = cast(DictionaryObject, root["/AcroForm"].get_object())
    dr_fonts = cast(
        DictionaryObject,
        cast(DictionaryObject, acro_form["/DR"].get_object())["/Font"].get_object(),
    )
    missing_glyphs: set[str] = set()
    for widget in _iter_widgets(writer.pages):
        field_dict = _terminal_field(widget)
        name = _qualified_name(field_dict)
        if name not in values:
            continue
        text = values[name]
        field_dict[NameObject("/V")] = TextStringObject(text)
        style = template.style(name)
        font = template.font(style.font_name)
        _, missing = font.encode(text.replace("\r", "").replace("\n", ""))
        missing_glyphs |= missing
        flags = int(cast(NumberObject, _inherited(field_dict, "/Ff") or NumberObject(0)))
        shown = "" if flags & _FF_PASSWORD else text
        rect = [float(v) for v in cast(ArrayObject, widget["/Rect"])]
        width, height = abs(rect[2] - rect[0]), abs(rect[3] - rect[1])
        font_key = "/" + style.font_name
        stream = _writable_appearance(writer, widget)
        stream.set_data(_appearance(font, style, shown, width, height).encode("ascii"))
        stream[NameObject("/Type")] = NameObject("/XObject")
        stream[NameObject("/Subtype")] = NameObject("/Form")
        stream[NameObject("/BBox")] = ArrayObject(
            [FloatObject(0), FloatObject(0), FloatObject(width), FloatObject(height)]
        )
        stream[NameObject("/Resources")] = DictionaryObject(
            {
                NameObject("/Font"): DictionaryObject(
                    {NameObject(font_key): dr_fonts.raw_get(font_key)}
                )
            }
        )
        stream.pop("/Matrix", None)
    if missing_glyphs:
        log.warning(
            "form %s: no glyph for %s, drawn as '?' (the field value keeps them)",
            template.name,
            ", ".join(f"U+{ord(c):04X}" for c in sorted(missing_glyphs)),
        )
    # Every appearance is present and correct; viewers must not redraw them with a font of
    # their own choosing.
    acro_form[NameObject("/NeedAppearances")] = BooleanObject(False)
    if flatten:
        _flatten_writer(writer)
    if draft:
        _stamp_writer(writer)
    if metadata is not None:
        _apply_metadata(writer, metadata)
    return _to_bytes(writer)


# --------------------------------------------------------------------------- print files


def merge_print_file(parts: Sequence[PrintFilePart], metadata: DocumentMetadata) -> bytes:
    """One PDF for printing: every part's pages in order, a bookmark per part, forms
    flattened (fields of several copies of one form would share their values) and active
    content removed."""
    if not parts:
        raise ValueError("a print file needs at least one document")
    writer = PdfWriter()
    for part in parts:
        source = _reader(part.pdf)
        if "/AcroForm" in source.root_object:
            # The widgets are flattened below; left in, pypdf would collect every part's
            # fields into one AcroForm with a linear search per field, which is quadratic.
            del source.root_object["/AcroForm"]
        first_page = len(writer.pages)
        writer.append(source, import_outline=False)
        if len(writer.pages) > first_page:
            writer.add_outline_item(title=part.title, page_number=first_page)
    _flatten_writer(writer)
    removed = _sanitize_writer(writer)
    if removed:
        log.warning("print file %r: active content removed: %s", metadata.title, removed)
    _apply_metadata(writer, metadata)
    writer.page_mode = "/UseOutlines"
    # Parts rendered from one template carry identical fonts; keeping one copy of each makes a
    # print file of 200 filled summary sheets 4 MB instead of 17 MB, for about 0.2 s. Objects
    # are compared with the references they hold, so distinct pages are never merged.
    writer.compress_identical_objects(remove_duplicates=True, remove_unreferenced=True)
    return _to_bytes(writer)


# --------------------------------------------------------------------------- annexes


# the PDF/A and PDF/UA identifications in XMP: a description of its own (as LibreOffice writes
# it), or its properties as elements or attributes inside another one – each with the white
# space before it. A match starts only where a run of white space starts (the lookbehind):
# XMP packets carry kilobytes of padding, and a leading \s* tried at every position of such a
# run made each call quadratic (60 ms per notice).
_SPACE = rb"(?<!\s)\s*"


def _identification(prefix: bytes) -> tuple[re.Pattern[bytes], re.Pattern[bytes]]:
    description = re.compile(
        _SPACE
        + rb"<rdf:Description[^>]*xmlns:"
        + prefix
        + rb"=\"[^\"]*\"[^>]*>.*?</rdf:Description>",
        re.S,
    )
    properties = re.compile(
        _SPACE + rb"<" + prefix + rb":(part|conformance|amd|rev)>[^<]*</" + prefix + rb":\1>"
        rb"|" + _SPACE + prefix + rb":(?:part|conformance|amd|rev)=\"[^\"]*\""
        rb"|" + _SPACE + rb"xmlns:" + prefix + rb"=\"[^\"]*\""
    )
    return description, properties


_PDFA_ID = _identification(b"pdfaid")
_PDFUA_ID = _identification(b"pdfuaid")


def page_count(pdf: bytes) -> int:
    """The number of pages of ``pdf``; PdfToolsError where it cannot be read."""
    try:
        return len(_reader(pdf).pages)
    except PdfToolsError:
        raise
    except Exception as exc:  # pypdf raises many kinds of errors on broken files
        raise PdfToolsError(f"the PDF cannot be read: {exc}") from exc


def claims_pdfa(pdf: bytes) -> bool:
    """Whether the XMP metadata of ``pdf`` claims PDF/A conformance."""
    return _xmp_claims_pdfa(_xmp_of(_reader(pdf).root_object))


def _xmp_claims_pdfa(xmp: bytes) -> bool:
    return b"http://www.aiim.org/pdfa/ns/id/" in xmp or b"pdfaid:part" in xmp


def _xmp_of(root: DictionaryObject) -> bytes:
    metadata = root.get("/Metadata")
    stream = metadata.get_object() if metadata is not None else None
    return stream.get_data() if isinstance(stream, StreamObject) else b""


def _without_claim(xmp: bytes, identification: tuple[re.Pattern[bytes], ...]) -> bytes:
    for pattern in identification:
        xmp = pattern.sub(b"", xmp)
    return xmp


@dataclass(frozen=True)
class _PreparedAnnex:
    pdf: bytes  # flattened, active content removed
    pdfa: bool  # claims PDF/A itself
    pdfua: bool  # claims PDF/UA itself


@functools.lru_cache(maxsize=8)
def _prepared_annex(pdf: bytes) -> _PreparedAnnex:
    """An annex as it is appended: its form flattened, its active content removed. The same
    Anlage 2 goes with every approval of a partnership, so a batch prepares it once per
    process (the cache holds a few files of some hundred kilobytes at most)."""
    reader = _reader(pdf)
    xmp = _xmp_of(reader.root_object)
    writer = PdfWriter(clone_from=reader)
    # Only the annex's pages are appended, not its catalogue: an /OpenAction there that just
    # opens a page (LibreOffice and Acrobat write one) is left behind, not "removed content".
    if _opens_a_page(writer.root_object.get("/OpenAction")):
        del writer.root_object["/OpenAction"]
    _flatten_writer(writer)
    removed = _sanitize_writer(writer)
    if removed:
        log.warning("annex: active content removed: %s", ", ".join(removed))
    return _PreparedAnnex(_to_bytes(writer), b"pdfaid:part" in xmp, b"pdfuaid:part" in xmp)


def _opens_a_page(action: PdfObject | None) -> bool:
    resolved = action.get_object() if action is not None else None
    if isinstance(resolved, ArrayObject):  # a destination
        return True
    return isinstance(resolved, DictionaryObject) and resolved.get("/S") == "/GoTo"


def append_annexes(pdf: bytes, annexes: Sequence[PrintFilePart]) -> bytes:
    """``pdf`` with the pages of every annex appended in order, each annex bookmarked with
    its title – the document itself keeps its catalogue (metadata, language, structure).

    The annexes' forms are flattened and their active content removed (they are uploaded
    files). The PDF/A and PDF/UA claims of ``pdf`` are kept only where every annex makes the
    same claim itself; otherwise they are removed, because the whole file would no longer be
    what it claims (an untagged annex is no PDF/UA).

    A document as the converter writes it is not rewritten: its objects are copied as they
    are (:mod:`service.pdf.append`); any other document is rewritten with pypdf."""
    if not annexes:
        return pdf
    prepared = [_prepared_annex(annex.pdf) for annex in annexes]
    reader = _reader(pdf)
    xmp = _xmp_of(reader.root_object)
    changed = xmp
    if _xmp_claims_pdfa(xmp) and not all(annex.pdfa for annex in prepared):
        log.warning("an annex is no PDF/A file: the PDF/A claim of the document is removed")
        changed = _without_claim(changed, _PDFA_ID)
    if b"pdfuaid" in xmp and not all(annex.pdfua for annex in prepared):
        log.warning("an annex is no PDF/UA file: the PDF/UA claim of the document is removed")
        changed = _without_claim(changed, _PDFUA_ID)
    metadata = changed if changed != xmp else None
    appendices = [
        Appendix(annex.title, ready.pdf) for annex, ready in zip(annexes, prepared, strict=True)
    ]
    copied = append_pages(pdf, appendices, metadata=metadata, reader=reader)
    if copied is not None:
        return copied
    return _append_rewriting(reader, appendices, metadata)


def _append_rewriting(
    reader: PdfReader, appendices: Sequence[Appendix], metadata: bytes | None
) -> bytes:
    """The general path of :func:`append_annexes`: the whole document cloned by pypdf."""
    writer = PdfWriter(clone_from=reader)
    writer.pdf_header = reader.pdf_header  # the document's own version (PDF/A-2: 1.6)
    for appendix in appendices:
        first_page = len(writer.pages)
        writer.append(_reader(appendix.pdf), import_outline=False)
        if len(writer.pages) > first_page:
            writer.add_outline_item(title=appendix.title, page_number=first_page)
    if metadata is not None:
        stream = writer.root_object["/Metadata"].get_object()
        cast(StreamObject, stream).set_data(metadata)
    return _to_bytes(writer)
