"""DOCX rendering with docxtpl semantics, compiled once per template and process.

Safety (reliability.md R1, R2, R9):

* Jinja runs in a :class:`~jinja2.sandbox.SandboxedEnvironment` with ``StrictUndefined`` and
  autoescape: a staff-edited template cannot reach Python internals, a missing value is an
  error instead of an empty space, and typed text can never become markup.
* Every value is cleaned by :func:`clean_text` before it is written (the documented rule):
  XML-illegal characters (``\\x00``–``\\x08``, ``\\x0B``, ``\\x0C``, ``\\x0E``–``\\x1F``,
  ``\\uFFFE``, ``\\uFFFF``, lone surrogates) are removed, as are invisible direction overrides
  and isolates (U+202A–U+202E, U+2066–U+2069), the zero-width space U+200B and the BOM
  U+FEFF, which could make a legal text read differently from what it says; ``\\r\\n`` and
  ``\\r`` become ``\\n``; the result is NFC-normalised. A newline stays a line break in the
  document (docxtpl turns it into ``<w:br/>``), a tab a tab.
* ``{`` and ``}`` in values are written as character references: docxtpl rewrites ``{_{``
  to ``{{`` in the rendered XML, which would otherwise alter text a user typed.
* Every rendered part is parsed with a strict XML parser. docxtpl's own table fix-up parses in
  recover mode and may drop content silently; here broken XML is an error.

Speed (libreoffice.md): docxtpl re-patches and recompiles the whole document XML on every
render. :class:`CompiledTemplate` patches and compiles the body, headers, footers and
footnotes once with docxtpl's own ``patch_xml`` and applies docxtpl's post-processing to the
output, so the text is the same as :func:`render_naive`'s; the zip is written with the
unchanged parts copied as pre-compressed bytes.
"""

from __future__ import annotations

import contextvars
import copy
import functools
import hashlib
import io
import re
import struct
import threading
import tomllib
import unicodedata
import zipfile
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from hashlib import sha256
from pathlib import Path
from typing import Any

from docxtpl import DocxTemplate
from jinja2 import StrictUndefined, Template, nodes
from jinja2 import sandbox as jinja_sandbox
from jinja2.sandbox import SandboxedEnvironment
from lxml import etree  # type: ignore[import-untyped]
from markupsafe import Markup, escape

from ..domain.formatting import quote_edits
from ..domain.messages import N_, Message, PlainLocalizer
from ..paths import doc_templates_dir
from .images import Image

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{W_NS}}}"
REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
HEADER_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/header"
FOOTER_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer"
FOOTNOTES_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
CORE_PART = "docProps/core.xml"
CONTENT_TYPES = "[Content_Types].xml"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
IMAGE_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"
_NS = {"w": W_NS}
DC_NS = "http://purl.org/dc/elements/1.1/"

_REMOVED = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff\u202a-\u202e\u2066-\u2069\u200b\ufeff]"
)
_XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


# Where in a .docx a problem is (shown to staff by the linter and in render errors)
PART_LABELS = {
    "body": N_("main text"),
    "header": N_("header"),
    "footer": N_("footer"),
    "footnotes": N_("footnotes"),
}


class RenderError(Exception):
    """A template could not be rendered. ``code`` is ``xml``, ``unsafe``, ``undefined`` or
    ``failed``; ``message`` says it for people (render it with a localizer)."""

    def __init__(self, code: str, message: Message) -> None:
        self.code = code
        self.message = message
        super().__init__(message.render(PlainLocalizer()))


def clean_text(value: str) -> str:
    """The documented cleaning rule for every text written into a document (see module doc)."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = _REMOVED.sub("", value)
    return unicodedata.normalize("NFC", value)


# The images a render placed (rel id → image): the renderer adds them to the package.
_PLACED: contextvars.ContextVar[dict[str, Image] | None] = contextvars.ContextVar(
    "placed_images", default=None
)


def _finalize(value: Any) -> Any:
    if isinstance(value, Image):
        placed = _PLACED.get()
        if placed is None:  # the naive renderer cannot add the picture: show nothing
            return Markup("")
        placed[value.rel_id] = value
        # the drawing XML is built from numbers and escaped text only
        return Markup(value.run_xml())  # noqa: S704
    if isinstance(value, Markup):
        # Markup only comes from the template itself (constants), never from context data.
        return value
    if value is None:
        text = ""
    elif isinstance(value, bool):
        text = "ja" if value else "nein"
    else:
        text = str(value)
    escaped = str(escape(clean_text(text)))
    # escaped above: the Markup only marks text that is already safe XML
    return Markup(escaped.replace("{", "&#123;").replace("}", "&#125;"))  # noqa: S704


def make_environment() -> SandboxedEnvironment:
    """The one Jinja environment documents are rendered in."""
    return SandboxedEnvironment(
        autoescape=True,
        undefined=StrictUndefined,
        finalize=_finalize,
        keep_trailing_newline=True,
    )


# --- what no template may contain: refused by the renderer and by ``templates check`` alike --

# Tags that load other files: a document template is one file (there is no loader, so the
# renderer could only fail on them half-way through a document).
_REFUSED_TAGS: dict[type[nodes.Node], str] = {
    nodes.Include: "include",
    nodes.Import: "import",
    nodes.FromImport: "import",
    nodes.Extends: "extends",
}
# str.format/format_map reach attributes through the format string ("{0.__class__}"), which
# no look at the expression can see; the sandbox refuses such a field only while rendering.
_REFUSED_METHODS = frozenset({"format", "format_map"})
# Attributes the sandbox refuses besides names beginning with "_".
_INTERNAL_NAMES = frozenset(
    {
        "mro",
        *jinja_sandbox.UNSAFE_FUNCTION_ATTRIBUTES,
        *jinja_sandbox.UNSAFE_METHOD_ATTRIBUTES,
        *jinja_sandbox.UNSAFE_GENERATOR_ATTRIBUTES,
        *jinja_sandbox.UNSAFE_COROUTINE_ATTRIBUTES,
        *jinja_sandbox.UNSAFE_ASYNC_GENERATOR_ATTRIBUTES,
    }
)


@dataclass(frozen=True)
class Refusal:
    """One construct a template may not use: ``what`` is "tag", "method" or "name";
    ``name`` what the tag says (``include``, ``format``, ``__class__``, ``attr``)."""

    lineno: int
    what: str
    name: str


def refusals(tree: nodes.Template) -> list[Refusal]:
    """Everything in a parsed template the renderer refuses before rendering (R9)."""
    found: list[Refusal] = []
    for node in tree.find_all(nodes.Node):
        tag = _REFUSED_TAGS.get(type(node))
        if tag is not None:
            found.append(Refusal(node.lineno, "tag", tag))
        elif isinstance(node, nodes.Filter | nodes.Test) and node.name == "attr":
            found.append(Refusal(node.lineno, "name", "attr"))
        elif isinstance(node, nodes.Getattr | nodes.Getitem):
            key = _constant_key(node)
            if key is None:
                continue
            if key.startswith("_") or key in _INTERNAL_NAMES:
                found.append(Refusal(node.lineno, "name", key))
            elif key in _REFUSED_METHODS:
                found.append(Refusal(node.lineno, "method", key))
    found.sort(key=lambda refusal: refusal.lineno)
    return found


def _constant_key(node: nodes.Getattr | nodes.Getitem) -> str | None:
    if isinstance(node, nodes.Getattr):
        return str(node.attr)
    if isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
        return node.arg.value
    return None


def _refused(env: SandboxedEnvironment, sources: list[str], name: str) -> RenderError | None:
    """The error a template with refused constructs renders as (the first one named)."""
    for source in sources:
        found = refusals(env.parse(source))
        if found:
            return RenderError(
                "unsafe",
                Message(
                    N_(
                        "The template “%(template)s” contains an unsafe expression and is not "
                        "used (%(detail)s). Please check it with “foerderwerk templates check”."
                    ),
                    {"template": name, "detail": found[0].name},
                ),
            )
    return None


# --- docxtpl's per-part processing, applied once (compile) and per document (post) ----------

_PATCHER = DocxTemplate.__new__(DocxTemplate)  # docxtpl's patch/resolve helpers need no state


def patch_source(xml: str) -> str:
    """docxtpl's preparation of one part's XML for Jinja (as ``render_xml_part`` does)."""
    src = _PATCHER.patch_xml(xml)
    return re.sub(r"<w:p([ >])", r"\n<w:p\1", src)


_LISTING = re.compile("[\t\x07\n\x0c]")


def _post_render(xml: str) -> str:
    xml = re.sub(r"\n<w:p([ >])", r"<w:p\1", xml)
    xml = xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
    if not _LISTING.search(xml):
        # docxtpl's resolve_listing only rewrites these four characters (a tab, line break,
        # paragraph or page break typed into a value); without them it returns its input.
        return xml
    resolved: str = _PATCHER.resolve_listing(xml)
    return resolved


def _strict_parse(xml: str | bytes, part: str, template: str = "") -> etree._Element:
    parser = etree.XMLParser(recover=False, resolve_entities=False, no_network=True, huge_tree=True)
    try:
        data = xml.encode("utf-8") if isinstance(xml, str) else xml
        return etree.fromstring(data, parser=parser)
    except etree.XMLSyntaxError as exc:
        raise RenderError(
            "xml",
            Message(
                N_(
                    "The template “%(template)s” produces no valid document in its %(part)s "
                    "(%(detail)s). Please check it with “foerderwerk templates check”."
                ),
                {
                    "template": template or part,
                    "part": Message(PART_LABELS.get(part, part)),
                    "detail": str(exc)[:200],
                },
            ),
        ) from exc


def _needs_table_fix(body: etree._Element) -> bool:
    """Whether docxtpl's table fix-up would change anything: a row whose cells (with their
    spans) do not fill the table's grid exactly, as column loops ``{%tc … %}`` produce."""
    for table in body.iter(W + "tbl"):
        columns = len(table.xpath("./w:tblGrid/w:gridCol", namespaces=_NS))
        for row in table.iter(W + "tr"):
            cells = row.findall(W + "tc")
            width = len(cells)
            for span in row.xpath("./w:tc/w:tcPr/w:gridSpan/@w:val", namespaces=_NS):
                width += int(span) - 1
            if width != columns:
                return True
    return False


def nest_quotes(root: etree._Element) -> None:
    """German quotation marks nested correctly in every paragraph of a rendered part: a
    template quotes a value („{{ project.title }}“) that may bring its own quotes – the
    one place that fixes „„…““ and „…„…“…“ for every template, shipped or uploaded
    (domain/formatting.quote_edits; issue 18). Marks are replaced or removed within their
    text nodes, so runs and their formatting stay as they are."""
    for paragraph in root.iter(W + "p"):
        nodes = [
            node
            for node in paragraph.iter(W + "t")
            if next(node.iterancestors(W + "p"), None) is paragraph
        ]
        text = "".join(node.text or "" for node in nodes)
        if "„" not in text and "‚" not in text:
            continue
        edits = quote_edits(text)
        offset = 0
        for node in nodes:
            value = node.text or ""
            if edits:
                node.text = "".join(
                    edits.get(offset + index, char) for index, char in enumerate(value)
                )
            offset += len(value)


def _fix_body(xml: str, template: str) -> etree._Element:
    tree = _strict_parse(xml, "body", template)
    if _needs_table_fix(tree):
        # docxtpl's fix-up for column loops; the XML is known to be well-formed here, so its
        # recover-mode parse cannot drop anything.
        tree = _PATCHER.fix_tables(xml)
    nest_quotes(tree)
    ids = 1000
    for doc_pr in tree.iter(
        "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr"
    ):
        ids += 1
        doc_pr.set("id", str(ids))
    return tree


# --- the zip ---------------------------------------------------------------------------------

# Fixed entry times make equal documents byte-identical (the register stores SHA-256).
_DOS_DATE = (0 << 9) | (1 << 5) | 1
_DOS_TIME = 0


@dataclass(frozen=True)
class _Entry:
    name: bytes
    crc: int
    size: int
    compressed: bytes


def zip_entry(name: str, data: bytes) -> _Entry:
    compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
    packed = compressor.compress(data) + compressor.flush()
    return _Entry(name.encode("utf-8"), zlib.crc32(data), len(data), packed)


def write_zip(entries: list[_Entry]) -> bytes:
    out = io.BytesIO()
    central = io.BytesIO()
    for entry in entries:
        flags = 0 if entry.name.isascii() else 0x800
        offset = out.tell()
        out.write(
            struct.pack(
                "<IHHHHHIIIHH",
                0x04034B50,
                20,
                flags,
                8,
                _DOS_TIME,
                _DOS_DATE,
                entry.crc,
                len(entry.compressed),
                entry.size,
                len(entry.name),
                0,
            )
        )
        out.write(entry.name)
        out.write(entry.compressed)
        central.write(
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                20,
                20,
                flags,
                8,
                _DOS_TIME,
                _DOS_DATE,
                entry.crc,
                len(entry.compressed),
                entry.size,
                len(entry.name),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
        )
        central.write(entry.name)
    start = out.tell()
    directory = central.getvalue()
    out.write(directory)
    out.write(
        struct.pack(
            "<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(directory), start, 0
        )
    )
    return out.getvalue()


# --- metadata --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Metadata:
    """Core properties written into the DOCX (LibreOffice carries them into the PDF/A)."""

    title: str = ""
    subject: str = ""
    author: str = ""


def _core_xml(template: etree._Element, meta: Metadata) -> bytes:
    root = copy.deepcopy(template)
    for tag, value in (("title", meta.title), ("subject", meta.subject), ("creator", meta.author)):
        element = root.find(f"{{{DC_NS}}}{tag}")
        if element is None:
            element = etree.SubElement(root, f"{{{DC_NS}}}{tag}")
        element.text = clean_text(value)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))


# --- compiled template -----------------------------------------------------------------------


@dataclass(frozen=True)
class _Part:
    name: str
    label: str
    template: Template


class CompiledTemplate:
    """A .docx template patched and compiled once; :meth:`render` is cheap and thread-safe."""

    def __init__(self, data: bytes, name: str = "Vorlage") -> None:
        self.name = name
        self.sha256 = sha256(data).hexdigest()
        env = make_environment()
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            order = [info.filename for info in archive.infolist() if not info.is_dir()]
            raw = {filename: archive.read(filename) for filename in order}
        document = raw["word/document.xml"].decode("utf-8")
        start = document.index("<w:body")
        end = document.rindex("</w:body>") + len("</w:body>")
        self._prefix = document[:start]
        self._suffix = document[end:]
        tpl = DocxTemplate(io.BytesIO(data))
        tpl.init_docx()
        body_source = patch_source(tpl.get_xml())
        self._body = env.from_string(body_source)
        sources = [body_source]
        parts: list[_Part] = []
        for rel in tpl.docx.part.rels.values():
            if rel.is_external or rel.reltype not in (HEADER_REL, FOOTER_REL):
                continue
            part = rel.target_part
            label = "header" if rel.reltype == HEADER_REL else "footer"
            source = patch_source(tpl.get_part_xml(part))
            sources.append(source)
            parts.append(_Part(str(part.partname).lstrip("/"), label, env.from_string(source)))
        for part in tpl.docx.part.package.parts:
            if part.content_type == FOOTNOTES_TYPE:
                source = patch_source(part.blob.decode("utf-8"))
                sources.append(source)
                parts.append(
                    _Part(str(part.partname).lstrip("/"), "footnotes", env.from_string(source))
                )
        self._parts = parts
        # refused when used, not when compiled: the error names the template like any other
        self._refusal = _refused(env, sources, name)
        self._core = _strict_parse(raw[CORE_PART], CORE_PART) if CORE_PART in raw else None
        rendered = {"word/document.xml", CORE_PART, *(p.name for p in parts)}
        self._order = order
        self._fixed = {name: zip_entry(name, raw[name]) for name in order if name not in rendered}
        self._recent: dict[tuple[str, str], _Entry] = {}
        self._lock = threading.Lock()
        # what a picture (the logo) needs besides the rendered parts
        self._raw = {name: raw[name] for name in order if name.endswith(".rels")}
        if CONTENT_TYPES in raw:
            self._raw[CONTENT_TYPES] = raw[CONTENT_TYPES]
            self._png_content_types = zip_entry(CONTENT_TYPES, _with_png_type(raw[CONTENT_TYPES]))
        self._image_entries: dict[tuple[str, tuple[str, ...]], _Entry] = {}

    def render(self, context: Mapping[str, Any], meta: Metadata | None = None) -> bytes:
        if self._refusal is not None:
            raise self._refusal
        meta = meta or Metadata()
        produced: dict[str, bytes] = {}
        entries: dict[str, _Entry] = dict(self._fixed)
        placed: dict[str, Image] = {}
        token = _PLACED.set(placed)
        showing: dict[str, list[str]] = {}  # part → rel ids of the images it shows
        try:
            body = _post_render(self._body.render(context))
            if placed:
                showing["word/document.xml"] = [rid for rid in placed if rid in body]
            tree = _fix_body(body, self.name)
            produced["word/document.xml"] = (
                self._prefix + etree.tostring(tree, encoding="unicode") + self._suffix
            ).encode("utf-8")
            for part in self._parts:
                xml = part.template.render(context)
                if placed:
                    showing[part.name] = [rid for rid in placed if rid in xml]
                entry = self._recent.get((part.name, xml))
                if entry is None:
                    root = _strict_parse(_post_render(xml), part.label, self.name)
                    nest_quotes(root)
                    entry = zip_entry(
                        part.name,
                        etree.tostring(
                            root, xml_declaration=True, encoding="UTF-8", standalone=True
                        ),
                    )
                    self._remember((part.name, xml), entry)
                entries[part.name] = entry
        except RenderError:
            raise
        except Exception as exc:
            raise _explain(exc, self.name) from exc
        finally:
            _PLACED.reset(token)
        if self._core is not None:
            produced[CORE_PART] = _core_xml(self._core, meta)
        for name, content in produced.items():
            entries[name] = zip_entry(name, content)
        order = list(self._order)
        if placed:
            order += self._add_images(entries, placed, showing)
        return write_zip([entries[name] for name in order])

    def _add_images(
        self, entries: dict[str, _Entry], placed: dict[str, Image], showing: dict[str, list[str]]
    ) -> list[str]:
        """Put the placed pictures into the package: media parts, a relationship in each part
        that shows one, the PNG content type. Returns the names of the new entries, sorted
        (new rels files and media), so the zip stays deterministic."""
        added: list[str] = []
        used: set[str] = set()
        for part, rids in showing.items():
            if not rids:
                continue
            used.update(rids)
            folder, _, file = part.rpartition("/")
            rels_name = f"{folder}/_rels/{file}.rels"
            key = (rels_name, tuple(sorted(rids)))
            entry = self._image_entries.get(key)
            if entry is None:
                entry = zip_entry(
                    rels_name,
                    _with_image_rels(self._raw.get(rels_name), [placed[r] for r in sorted(rids)]),
                )
                with self._lock:
                    self._image_entries[key] = entry
            if rels_name not in entries:
                added.append(rels_name)
            entries[rels_name] = entry
        for rid in sorted(used):
            image = placed[rid]
            entries[image.part_name] = zip_entry(image.part_name, image.data)
            added.append(image.part_name)
        if used and CONTENT_TYPES in self._raw:
            entries[CONTENT_TYPES] = self._png_content_types
        return sorted(added)

    def _remember(self, key: tuple[str, str], entry: _Entry) -> None:
        # Headers and footers mostly carry only the letterhead: a batch of notices of one
        # partnership renders the same few parts again and again.
        with self._lock:
            if len(self._recent) >= 32:
                self._recent.pop(next(iter(self._recent)))
            self._recent[key] = entry


def _with_image_rels(rels: bytes | None, images: list[Image]) -> bytes:
    root = (
        _strict_parse(rels, "relationships")
        if rels is not None
        else etree.Element(f"{{{REL_NS}}}Relationships", nsmap={None: REL_NS})
    )
    for image in images:
        if root.find(f"{{{REL_NS}}}Relationship[@Id='{image.rel_id}']") is not None:
            continue
        etree.SubElement(
            root,
            f"{{{REL_NS}}}Relationship",
            Id=image.rel_id,
            Type=IMAGE_REL,
            Target="media/" + image.part_name.rpartition("/")[2],
        )
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))


def _with_png_type(content_types: bytes) -> bytes:
    root = _strict_parse(content_types, CONTENT_TYPES)
    known = {element.get("Extension", "").lower() for element in root.iter(f"{{{CT_NS}}}Default")}
    if "png" not in known:
        etree.SubElement(root, f"{{{CT_NS}}}Default", Extension="png", ContentType="image/png")
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))


def _explain(exc: Exception, name: str) -> RenderError:
    from jinja2.exceptions import SecurityError, UndefinedError

    detail = str(exc)[:200]
    if isinstance(exc, SecurityError):
        return RenderError(
            "unsafe",
            Message(
                N_(
                    "The template “%(template)s” contains an unsafe expression and is not used "
                    "(%(detail)s). Please check it with “foerderwerk templates check”."
                ),
                {"template": name, "detail": detail},
            ),
        )
    if isinstance(exc, UndefinedError):
        return RenderError(
            "undefined",
            Message(
                N_(
                    "The template “%(template)s” uses a value that does not exist "
                    "(%(detail)s). Please check it with “foerderwerk templates check”."
                ),
                {"template": name, "detail": detail},
            ),
        )
    return RenderError(
        "failed",
        Message(
            N_("The template “%(template)s” could not be filled: %(detail)s"),
            {"template": name, "detail": f"{type(exc).__name__}: {detail}"},
        ),
    )


_CACHE: dict[tuple[str, int, int], CompiledTemplate] = {}
_CACHE_LOCK = threading.Lock()


def compiled(path: str | Path) -> CompiledTemplate:
    """The compiled template for a file, compiled once per process (recompiled if it changes)."""
    file = Path(path)
    stat = file.stat()
    key = (str(file.resolve()), stat.st_mtime_ns, stat.st_size)
    with _CACHE_LOCK:
        template = _CACHE.get(key)
    if template is None:
        template = CompiledTemplate(file.read_bytes(), name=file.name)
        with _CACHE_LOCK:
            _CACHE[key] = template
    return template


def render_naive(
    path: str | Path, context: Mapping[str, Any], meta: Metadata | None = None
) -> bytes:
    """The plain docxtpl way (template loaded per document): the reference for speed and text."""
    meta = meta or Metadata()
    tpl = DocxTemplate(str(path))
    tpl.init_docx()
    refusal = _refused(make_environment(), [patch_source(tpl.get_xml())], Path(path).name)
    if refusal is not None:
        raise refusal
    try:
        tpl.render(dict(context), jinja_env=make_environment(), autoescape=True)
    except Exception as exc:
        raise _explain(exc, Path(path).name) from exc
    tpl.docx.core_properties.title = clean_text(meta.title)
    tpl.docx.core_properties.subject = clean_text(meta.subject)
    tpl.docx.core_properties.author = clean_text(meta.author)
    out = io.BytesIO()
    tpl.save(out)
    return out.getvalue()


# --- reading documents back (tests, snapshots, previews) ------------------------------------


def _paragraph_text(paragraph: etree._Element) -> str:
    pieces: list[str] = []
    for node in paragraph.iter(W + "t", W + "tab", W + "br", W + "cr", W + "noBreakHyphen"):
        if node.tag == W + "t":
            pieces.append(node.text or "")
        elif node.tag == W + "tab":
            pieces.append("\t")
        elif node.tag == W + "noBreakHyphen":
            pieces.append("-")
        else:
            pieces.append("\n")
    return "".join(pieces)


def _block_lines(container: etree._Element) -> Iterator[str]:
    for child in container:
        if child.tag == W + "p":
            yield _paragraph_text(child)
        elif child.tag == W + "tbl":
            for row in child.iter(W + "tr"):
                cells = ["\n".join(_block_lines(cell)).strip() for cell in row.findall(W + "tc")]
                yield " | ".join(cells)
        elif child.tag == W + "sdt":
            content = child.find(W + "sdtContent")
            if content is not None:
                yield from _block_lines(content)


def docx_parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def docx_text(data: bytes, *, headers: bool = True) -> str:
    """The document's text in reading order: body, then headers and footers (for tests)."""
    parts = docx_parts(data)
    body = _strict_parse(parts["word/document.xml"], "word/document.xml").find(W + "body")
    lines = list(_block_lines(body)) if body is not None else []
    if headers:
        for name in sorted(parts):
            if re.fullmatch(r"word/(header|footer)\d*\.xml", name):
                root = _strict_parse(parts[name], name)
                lines.append(f"--- {name.removeprefix('word/')} ---")
                lines.extend(_block_lines(root))
    return "\n".join(lines)


# --- the manifest: which template renders which kind, with which context keys --------------

MANIFEST_FILE = "manifest.toml"


@dataclass(frozen=True)
class TemplateSpec:
    kind: str
    file: str
    title: str
    context: tuple[str, ...]
    # a letter in DIN 5008 form B (window envelope, fold marks): its geometry is measured
    # (tests/documents/test_din5008.py); `letter = false` in the manifest for other kinds
    letter: bool = True
    # ends with a signature (closing formula and names, or signature fields); `signed =
    # false` for what is submitted online and printed only as a confirmation (a payment
    # request): the signature checks of test_din5008.py do not apply to it
    signed: bool = True


@dataclass(frozen=True)
class Manifest:
    folder: Path
    kinds: dict[str, TemplateSpec]

    def path(self, kind: str) -> Path:
        return self.folder / self.kinds[kind].file

    def kind_of(self, file: str | Path) -> str | None:
        name = Path(file).name
        return next((spec.kind for spec in self.kinds.values() if spec.file == name), None)


def load_manifest(folder: str | Path | None = None) -> Manifest:
    """The manifest of the template folder, parsed again only when the file changed (a
    batch asks for it for every document)."""
    base = Path(folder) if folder is not None else doc_templates_dir()
    stat = (base / MANIFEST_FILE).stat()
    return _load_manifest(str(base), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=16)
def _load_manifest(folder: str, _mtime_ns: int, _size: int) -> Manifest:
    base = Path(folder)
    data = tomllib.loads((base / MANIFEST_FILE).read_text(encoding="utf-8"))
    kinds = {
        kind: TemplateSpec(
            kind=kind,
            file=str(entry["file"]),
            title=str(entry["title"]),
            context=tuple(str(key) for key in entry["context"]),
            letter=entry.get("letter", True) is not False,
            signed=entry.get("signed", True) is not False,
        )
        for kind, entry in data.items()
        if isinstance(entry, dict)
    }
    return Manifest(base, kinds)


def render_kind(
    kind: str,
    context: Mapping[str, Any],
    meta: Metadata | None = None,
    manifest: Manifest | None = None,
) -> bytes:
    """Render one kind with the shipped (or given) templates, compiled once per process."""
    manifest = manifest or load_manifest()
    return compiled(manifest.path(kind)).render(context, meta)


# --- which template renders a kind: the shipped file or a partnership's own version -------


@dataclass(frozen=True)
class TemplateSource:
    """The template a document of ``kind`` is rendered with: the shipped file in
    ``doc_templates/`` (``data`` None) or a partnership's uploaded version (its bytes).
    ``sha256`` is what the register keeps beside each document."""

    kind: str
    name: str
    sha256: str
    data: bytes | None = None
    version: int | None = None  # the partnership's version number; None: shipped

    @property
    def shipped(self) -> bool:
        return self.data is None

    def compiled(self) -> CompiledTemplate:
        if self.data is None:
            return compiled(load_manifest().path(self.kind))
        return compiled_bytes(self.data, self.name)

    def render(self, context: Mapping[str, Any], meta: Metadata | None = None) -> bytes:
        return self.compiled().render(context, meta)


def shipped_source(kind: str, manifest: Manifest | None = None) -> TemplateSource:
    """The shipped template of ``kind`` (raises KeyError for an unknown kind)."""
    manifest = manifest or load_manifest()
    return TemplateSource(kind, manifest.kinds[kind].file, template_hash(kind, manifest))


_BY_DIGEST: dict[str, CompiledTemplate] = {}
_BY_DIGEST_SIZE = 32


def compiled_bytes(data: bytes, name: str) -> CompiledTemplate:
    """A template given as bytes (a partnership's version), compiled once per process and
    content: a batch of notices compiles the partnership's template once."""
    digest = sha256(data).hexdigest()
    with _CACHE_LOCK:
        template = _BY_DIGEST.get(digest)
    if template is None:
        template = CompiledTemplate(data, name=name)
        with _CACHE_LOCK:
            if len(_BY_DIGEST) >= _BY_DIGEST_SIZE:
                _BY_DIGEST.pop(next(iter(_BY_DIGEST)))
            _BY_DIGEST[digest] = template
    return template


def template_hash(kind: str, manifest: Manifest | None = None) -> str:
    """SHA-256 of a kind's template file – what the register keeps beside each document;
    the file is read again only when its size or modification time changed."""
    path = (manifest or load_manifest()).path(kind)
    stat = path.stat()
    return _file_hash(str(path), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=64)
def _file_hash(path: str, _mtime_ns: int, _size: int) -> str:
    with open(path, "rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()
