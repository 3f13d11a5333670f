"""Appending the pages of other PDFs to a finished PDF without rewriting it.

An approval is a tagged PDF/A from LibreOffice with a few thousand objects (most of them its
structure tree); its Anlage 2 is one or two pages. Rewriting the whole notice with pypdf to add
them – parse every object, clone it, serialise it again – cost 0.3 s per notice, more than the
rest of a batch item together (docs/performance.md). Here the notice's objects are copied as
the bytes they are: only the page tree, the outline and – where a claim goes – the XMP
metadata are read and written anew, the appended pages' objects get numbers after the
notice's, and the file gets one new cross-reference table. The result is a plain,
single-revision file, as LibreOffice writes it (no incremental update: a PDF/A reader must not
find an older revision with other metadata in it).

Only files of that simple shape are handled – one classic cross-reference table, no object
streams, no encryption, generation 0 everywhere; :func:`append_pages` returns None for anything
else and the caller takes pypdf's general path. The appended PDFs are expected to be prepared
(flattened, active content removed): this module copies, it does not judge content.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from io import BytesIO
from typing import cast

from pypdf import PdfReader
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NullObject,
    NumberObject,
    PdfObject,
    StreamObject,
    TextStringObject,
)

# Page attributes a page may inherit from its ancestors in the page tree (PDF 32000-1,
# table 30): an appended page hangs below the notice's page tree and must not inherit the
# notice's resources or size, so it gets its own.
_INHERITABLE = ("/Resources", "/MediaBox", "/CropBox", "/Rotate")
# Keys of an appended page that point into its own document's catalogue: its parent (the
# page tree it came from) and its place in that document's structure tree, which is not
# carried over.
_PAGE_KEYS_LEFT_OUT = frozenset({"/Parent", "/StructParents"})
_OBJECT_HEADER = re.compile(rb"\s*(\d+)\s+(\d+)\s+obj\b")


@dataclass(frozen=True)
class Appendix:
    title: str  # its bookmark
    pdf: bytes  # prepared: flattened, no active content


class _NotSimple(Exception):
    """The document has a shape this module does not copy byte-wise."""


def append_pages(
    document: bytes,
    appendices: Sequence[Appendix],
    *,
    metadata: bytes | None = None,
    reader: PdfReader | None = None,
) -> bytes | None:
    """``document`` with the pages of ``appendices`` after its own, each bookmarked at the
    top level of its outline; ``metadata``, where given, replaces its XMP metadata. None
    where ``document`` is not of the simple shape this module copies (see the module).
    ``reader``: a reader of ``document`` the caller has already (reading one costs a pass
    over the file)."""
    try:
        return _Assembly(document, reader or PdfReader(BytesIO(document))).append(
            appendices, metadata
        )
    except _NotSimple:
        return None


class _Assembly:
    def __init__(self, document: bytes, reader: PdfReader) -> None:
        self.reader = reader
        if reader.is_encrypted or reader.xref_objStm or "/Prev" in reader.trailer:
            raise _NotSimple
        startxref = reader._startxref  # pypdf keeps the offset it read, without an accessor
        if not document.startswith(b"xref", startxref):
            raise _NotSimple  # a cross-reference stream
        if any(generation != 0 and entries for generation, entries in reader.xref.items()):
            raise _NotSimple
        offsets = sorted((offset, idnum) for idnum, offset in reader.xref.get(0, {}).items())
        if not offsets or not document.startswith(b"%PDF-"):
            raise _NotSimple
        self.header = document[: offsets[0][0]]
        # Each object's bytes: from its offset to the last "endobj" before the next object
        # (or the cross-reference table) – searching backwards, so a stream whose data
        # contains "endobj" is not cut short.
        self.raw: dict[int, bytes] = {}
        ends = [offset for offset, _ in offsets[1:]] + [startxref]
        for (offset, idnum), end in zip(offsets, ends, strict=True):
            header = _OBJECT_HEADER.match(document, offset)
            stop = document.rfind(b"endobj", offset, end)
            if header is None or int(header.group(1)) != idnum or int(header.group(2)) != 0:
                raise _NotSimple
            if stop < 0:
                raise _NotSimple
            self.raw[idnum] = document[offset : stop + len(b"endobj")]
        self.size = int(cast(int, reader.trailer["/Size"]))
        if max(self.raw) >= self.size:
            raise _NotSimple
        self.written: dict[int, PdfObject] = {}  # new or changed objects by number

    # ------------------------------------------------------------------ numbering

    def _new(self, obj: PdfObject) -> IndirectObject:
        idnum = self.size
        self.size += 1
        self.written[idnum] = obj
        return IndirectObject(idnum, 0, None)

    def _reference(self, value: PdfObject) -> IndirectObject:
        if not isinstance(value, IndirectObject) or value.generation != 0:
            raise _NotSimple  # a direct object where the file structure needs a reference
        return value

    # ------------------------------------------------------------------ assembling

    def append(self, appendices: Sequence[Appendix], metadata: bytes | None) -> bytes:
        root_ref = self._reference(self.reader.trailer.raw_get("/Root"))
        root = cast(DictionaryObject, root_ref.get_object())
        pages_ref = self._reference(root.raw_get("/Pages"))
        pages = DictionaryObject(cast(DictionaryObject, pages_ref.get_object()))
        kids_value = pages.raw_get("/Kids")
        if not isinstance(kids_value, ArrayObject):
            raise _NotSimple
        kids = ArrayObject(kids_value)
        count = int(cast(int, pages.get("/Count", 0)))
        bookmarks: list[tuple[str, IndirectObject]] = []
        for appendix in appendices:
            first = _Copy(self, PdfReader(BytesIO(appendix.pdf)), pages_ref).pages()
            kids.extend(first)
            count += len(first)
            if first:
                bookmarks.append((appendix.title, first[0]))
        pages[NameObject("/Kids")] = kids
        pages[NameObject("/Count")] = NumberObject(count)
        self.written[pages_ref.idnum] = pages

        if bookmarks:
            self._bookmark(root_ref, root, bookmarks)
        if metadata is not None:
            self._replace_metadata(root, metadata)
        return self._serialise(root_ref)

    def _bookmark(
        self,
        root_ref: IndirectObject,
        root: DictionaryObject,
        bookmarks: list[tuple[str, IndirectObject]],
    ) -> None:
        """Top-level outline items after the document's own, as pypdf's add_outline_item
        makes them (a /Fit destination on the appendix's first page)."""
        if "/Outlines" in root:
            outlines_ref = self._reference(root.raw_get("/Outlines"))
            outlines = DictionaryObject(cast(DictionaryObject, outlines_ref.get_object()))
        else:
            outlines = DictionaryObject({NameObject("/Type"): NameObject("/Outlines")})
            outlines_ref = self._new(outlines)
            changed_root = DictionaryObject(root)
            changed_root[NameObject("/Outlines")] = outlines_ref
            self.written[root_ref.idnum] = changed_root
        self.written[outlines_ref.idnum] = outlines
        last = outlines.raw_get("/Last") if "/Last" in outlines else None
        for title, page in bookmarks:
            item = DictionaryObject(
                {
                    NameObject("/Title"): TextStringObject(title),
                    NameObject("/Parent"): outlines_ref,
                    NameObject("/Dest"): ArrayObject([page, NameObject("/Fit")]),
                }
            )
            item_ref = self._new(item)
            if last is None:
                outlines[NameObject("/First")] = item_ref
            else:
                previous_ref = self._reference(last)
                previous = self.written.get(previous_ref.idnum)
                if previous is None:
                    previous = DictionaryObject(cast(DictionaryObject, previous_ref.get_object()))
                    self.written[previous_ref.idnum] = previous
                cast(DictionaryObject, previous)[NameObject("/Next")] = item_ref
                item[NameObject("/Prev")] = previous_ref
            outlines[NameObject("/Last")] = item_ref
            last = item_ref
        visible = max(int(cast(int, outlines.get("/Count", 0))), 0)
        outlines[NameObject("/Count")] = NumberObject(visible + len(bookmarks))

    def _replace_metadata(self, root: DictionaryObject, xmp: bytes) -> None:
        metadata_ref = self._reference(root.raw_get("/Metadata"))
        original = cast(DictionaryObject, metadata_ref.get_object())
        # PDF/A: the metadata stream stays uncompressed, so it is written decoded
        stream = DecodedStreamObject()
        for key, value in original.items():
            if key not in ("/Length", "/Filter", "/DecodeParms"):
                stream[NameObject(key)] = value
        stream.set_data(xmp)
        self.written[metadata_ref.idnum] = stream

    # ------------------------------------------------------------------ writing

    def _serialise(self, root_ref: IndirectObject) -> bytes:
        out = BytesIO()
        out.write(self.header)
        positions: dict[int, int] = {}
        for idnum in sorted(self.raw.keys() | self.written.keys()):
            positions[idnum] = out.tell()
            obj = self.written.get(idnum)
            if obj is None:
                out.write(self.raw[idnum])
            else:
                out.write(b"%d 0 obj\n" % idnum)
                obj.write_to_stream(out)
                out.write(b"\nendobj")
            out.write(b"\n")
        xref = out.tell()
        out.write(b"xref\n0 %d\n" % self.size)
        out.write(b"0000000000 65535 f\r\n")
        for idnum in range(1, self.size):
            position = positions.get(idnum)
            if position is None:
                out.write(b"0000000000 00000 f\r\n")
            else:
                out.write(b"%010d 00000 n\r\n" % position)
        trailer = DictionaryObject(
            {NameObject("/Size"): NumberObject(self.size), NameObject("/Root"): root_ref}
        )
        for key in ("/Info", "/ID"):
            if key in self.reader.trailer:
                trailer[NameObject(key)] = self.reader.trailer.raw_get(key)
        out.write(b"trailer\n")
        trailer.write_to_stream(out)
        out.write(b"\nstartxref\n%d\n%%%%EOF\n" % xref)
        return out.getvalue()


class _Copy:
    """The pages of one appended PDF as new objects of the assembly: every object reachable
    from its pages, numbered after the document's, references rewritten."""

    def __init__(self, assembly: _Assembly, reader: PdfReader, parent: IndirectObject) -> None:
        if reader.is_encrypted:
            raise _NotSimple
        self.assembly = assembly
        self.reader = reader
        self.parent = parent
        self.numbers: dict[tuple[int, int], IndirectObject] = {}
        self.pending: list[tuple[IndirectObject, IndirectObject]] = []

    def pages(self) -> list[IndirectObject]:
        page_refs = []
        for page in self.reader.pages:
            reference = page.indirect_reference
            if reference is None:
                raise _NotSimple
            page_refs.append((reference, page))
        copied = [self._number(reference) for reference, _ in page_refs]
        # the pages first, with what they inherit made their own
        for (_, page), target in zip(page_refs, copied, strict=True):
            fresh = DictionaryObject()
            for key in page:
                if key not in _PAGE_KEYS_LEFT_OUT:
                    fresh[NameObject(key)] = self._rewrite(page.raw_get(key))
            for key in _INHERITABLE:
                if key not in page:
                    inherited = _inherited(page, key)
                    if inherited is not None:
                        fresh[NameObject(key)] = self._rewrite(inherited)
            fresh[NameObject("/Parent")] = self.parent
            self.assembly.written[target.idnum] = fresh
        done = {reference.idnum for reference, _ in page_refs}
        while self.pending:
            source, target = self.pending.pop()
            if source.idnum in done:
                continue
            done.add(source.idnum)
            resolved = source.get_object()  # None: a reference to nothing, read as null
            self.assembly.written[target.idnum] = (
                NullObject() if resolved is None else self._rewrite(resolved)
            )
        return copied

    def _number(self, reference: IndirectObject) -> IndirectObject:
        key = (reference.idnum, reference.generation)
        target = self.numbers.get(key)
        if target is None:
            target = self.assembly._new(NullObject())
            self.numbers[key] = target
            self.pending.append((reference, target))
        return target

    def _rewrite(self, value: PdfObject) -> PdfObject:
        if isinstance(value, IndirectObject):
            resolved = value.get_object()
            if isinstance(resolved, DictionaryObject) and resolved.get("/Type") in (
                "/Catalog",
                "/Pages",
            ):
                return NullObject()  # the appended file's catalogue stays behind
            return self._number(value)
        if isinstance(value, StreamObject):
            stream = StreamObject()
            # the encoded bytes as they are: images and fonts are not decoded and re-encoded
            stream._data = value._data
            for key, item in value.items():
                if key != "/Length":
                    stream[NameObject(key)] = self._rewrite(item)
            return stream
        if isinstance(value, DictionaryObject):
            return DictionaryObject(
                {NameObject(key): self._rewrite(item) for key, item in value.items()}
            )
        if isinstance(value, ArrayObject):
            return ArrayObject(self._rewrite(item) for item in value)
        return value


def _inherited(page: DictionaryObject, key: str) -> PdfObject | None:
    node = page.get("/Parent")
    seen: set[int] = set()
    while node is not None:
        resolved = cast(DictionaryObject, node.get_object())
        if id(resolved) in seen:
            return None
        seen.add(id(resolved))
        if key in resolved:
            return cast(PdfObject, resolved.raw_get(key))
        node = resolved.get("/Parent")
    return None
