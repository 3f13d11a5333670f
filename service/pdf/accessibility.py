"""The structural facts of an accessible PDF/A that can be checked with pypdf (issue 18.8).

No real PDF/A or PDF/UA validator can be installed on the project's machines: veraPDF (Java)
is neither in Debian nor on PyPI (the PyPI packages that mention it only call an installed
veraPDF), and PDFBox's Preflight checks PDF/A-1b only. ``accessibility_problems`` therefore
checks what can be read from the PDF's objects:

- the catalog: ``/Lang`` (the expected tag), ``/MarkInfo /Marked true``, ``/ViewerPreferences
  /DisplayDocTitle true``, a ``/StructTreeRoot`` with a ``/ParentTree``, ``/StructParents`` on
  every page, ``/OutputIntents`` with ``/GTS_PDFA1``, no encryption;
- the XMP metadata: ``pdfaid:part``/``conformance`` (2/B), ``pdfuaid:part`` 1 and, in a PDF/A,
  a ``pdfaExtension`` schema declaring ``pdfuaid`` (PDF/A-2 6.6.2.3), a ``dc:title`` equal to
  the Info dictionary's ``/Title``;
- the structure tree (roles resolved through the ``/RoleMap``): at least one heading, headings
  starting at H1 and skipping no level, every ``/Figure`` with ``/Alt`` text;
- every font embedded (``/FontFile``, ``/FontFile2`` or ``/FontFile3``).

It does NOT check – a real validator would: that every piece of page content is tagged or
marked as an artifact (content streams are not parsed), the reading order, glyph widths and
``/ToUnicode`` completeness, colour spaces, transparency and the other PDF/A rules on content,
the XMP syntax beyond the facts above, table header scopes, whether a table is a data table
or only lays out the page, nor the quality of alternative texts. ``structure_roles`` reports
the tagged roles so tests can check lists and tables themselves.
"""

from __future__ import annotations

import io
import itertools
import re
from collections import Counter
from typing import Any

from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

XPACKET_END = b"<?xpacket end="

# The XMP extension schema PDF/A-2 asks for (6.6.2.3): pdfuaid is no predefined schema of
# ISO 19005-2, and LibreOffice 7.4 writes pdfuaid:part into a PDF/A without declaring it.
PDFUA_EXTENSION = b"""<rdf:Description rdf:about="" \
xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/" \
xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#" \
xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">
   <pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType="Resource">
    <pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema>
    <pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>
    <pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>
    <pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType="Resource">
     <pdfaProperty:name>part</pdfaProperty:name>
     <pdfaProperty:valueType>Integer</pdfaProperty:valueType>
     <pdfaProperty:category>internal</pdfaProperty:category>
     <pdfaProperty:description>Part of ISO 14289 the document conforms to</pdfaProperty:description>
    </rdf:li></rdf:Seq></pdfaSchema:property>
   </rdf:li></rdf:Bag></pdfaExtension:schemas>
  </rdf:Description>
"""


def declare_pdfua_schema(pdf: bytes) -> bytes:
    """``pdf`` with the pdfuaid extension schema written into its XMP packet, in place.

    The schema takes the place of as many bytes of the packet's trailing padding, so every
    object keeps its offset and the file its cross-reference table: nothing else of the
    PDF/A is rewritten. Unchanged when there is no PDF/UA claim, the schema is declared
    already, or the padding is too short.
    """
    claim = pdf.find(b"<pdfuaid:part>")
    if claim < 0 or b"pdfaSchema:prefix>pdfuaid<" in pdf:
        return pdf
    end = pdf.find(XPACKET_END, claim)
    close = pdf.rfind(b"</rdf:RDF>", claim, end)
    if end < 0 or close < 0:
        return pdf
    old = pdf[close:end]  # "</rdf:RDF></x:xmpmeta>" and the padding
    new = PDFUA_EXTENSION + old.rstrip() + b"\n"
    if len(new) + 1 > len(old) or old[len(old.rstrip()) :].strip():
        return pdf
    return pdf[:close] + new + b" " * (len(old) - len(new) - 1) + b"\n" + pdf[end:]


def _resolve(value: Any) -> Any:
    return value.get_object() if isinstance(value, IndirectObject) else value


def structure_roles(reader: PdfReader) -> list[str]:
    """The standard roles of the structure tree in document order ("H1", "P", "Table", …):
    custom types resolved through the /RoleMap."""
    root = _resolve(reader.trailer["/Root"])
    tree = _resolve(root.get("/StructTreeRoot"))
    if not isinstance(tree, DictionaryObject):
        return []
    role_map = _resolve(tree.get("/RoleMap")) or {}
    roles: list[str] = []

    def standard(name: str) -> str:
        seen = set()
        while name in role_map and name not in seen:
            seen.add(name)
            name = str(role_map[name])
        return name.lstrip("/")

    def walk(node: Any) -> None:
        node = _resolve(node)
        if isinstance(node, ArrayObject):
            for child in node:
                walk(child)
            return
        if not isinstance(node, DictionaryObject):
            return  # a marked-content id
        if "/S" in node:
            roles.append(standard(str(node["/S"])))
        if "/K" in node:
            walk(node["/K"])

    walk(tree.get("/K"))
    return roles


def _figures_without_alt(reader: PdfReader) -> int:
    root = _resolve(reader.trailer["/Root"])
    tree = _resolve(root.get("/StructTreeRoot"))
    missing = 0
    stack = [tree.get("/K")] if isinstance(tree, DictionaryObject) else []
    while stack:
        node = _resolve(stack.pop())
        if isinstance(node, ArrayObject):
            stack.extend(node)
        elif isinstance(node, DictionaryObject):
            if str(node.get("/S")) == "/Figure" and not node.get("/Alt"):
                missing += 1
            if "/K" in node:
                stack.append(node["/K"])
    return missing


def _xmp(root: DictionaryObject) -> str:
    metadata = _resolve(root.get("/Metadata"))
    if metadata is None:
        return ""
    data: bytes = metadata.get_data()
    return data.decode("utf-8", errors="replace")


def _xmp_value(xmp: str, tag: str) -> str | None:
    found = re.search(rf"<{tag}>\s*([^<]*?)\s*</{tag}>", xmp) or re.search(rf'{tag}="([^"]*)"', xmp)
    return found.group(1) if found else None


def _xmp_title(xmp: str) -> str | None:
    found = re.search(r"<dc:title>\s*<rdf:Alt>\s*<rdf:li[^>]*>([^<]*)</rdf:li>", xmp)
    return found.group(1) if found else None


def _unembedded_fonts(reader: PdfReader) -> set[str]:
    missing: set[str] = set()
    for page in reader.pages:
        resources = _resolve(page.get("/Resources")) or {}
        fonts = _resolve(resources.get("/Font")) or {}
        for font in fonts.values():
            font = _resolve(font)
            descendants = [_resolve(d) for d in _resolve(font.get("/DescendantFonts")) or []]
            for candidate in descendants or [font]:
                descriptor = _resolve(candidate.get("/FontDescriptor"))
                if descriptor is None or not any(
                    key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")
                ):
                    missing.add(str(candidate.get("/BaseFont")))
    return missing


def accessibility_problems(
    pdf: bytes, *, language: str = "de-DE", pdfa: bool = True, pdfua: bool = True
) -> list[str]:
    """What keeps ``pdf`` from being the tagged, German PDF/A-2b and PDF/UA-1 it should be,
    as far as the facts in the module's docstring go; [] when none is found."""
    reader = PdfReader(io.BytesIO(pdf))
    problems: list[str] = []
    if reader.is_encrypted:
        return ["the PDF is encrypted"]
    root = _resolve(reader.trailer["/Root"])
    if str(root.get("/Lang", "")) != language:
        problems.append(f"/Lang is {root.get('/Lang')!r}, not {language!r}")
    mark_info = _resolve(root.get("/MarkInfo")) or {}
    if not mark_info.get("/Marked"):
        problems.append("/MarkInfo /Marked is not true")
    preferences = _resolve(root.get("/ViewerPreferences")) or {}
    if not preferences.get("/DisplayDocTitle"):
        problems.append("/ViewerPreferences /DisplayDocTitle is not true")
    tree = _resolve(root.get("/StructTreeRoot"))
    if not isinstance(tree, DictionaryObject) or "/ParentTree" not in tree:
        problems.append("no structure tree with a /ParentTree")
    untagged = [n + 1 for n, page in enumerate(reader.pages) if "/StructParents" not in page]
    if untagged:
        problems.append(f"pages without /StructParents: {untagged}")
    roles = structure_roles(reader)
    levels = [int(role[1]) for role in roles if re.fullmatch(r"H[1-6]", role)]
    if not levels:
        problems.append("no heading is tagged H1–H6")
    else:
        if levels[0] != 1:
            problems.append(f"the first heading is H{levels[0]}, not H1")
        for before, after in itertools.pairwise(levels):
            if after > before + 1:
                problems.append(f"a heading skips from H{before} to H{after}")
                break
    if missing_alt := _figures_without_alt(reader):
        problems.append(f"{missing_alt} figure(s) without /Alt text")
    xmp = _xmp(root)
    info = reader.metadata
    info_title = str(info.get("/Title", "")) if info is not None else ""
    if not info_title:
        problems.append("no document title")
    elif xmp and _xmp_title(xmp) != info_title:
        problems.append("the XMP dc:title differs from the Info /Title")
    if pdfa:
        if (_xmp_value(xmp, "pdfaid:part"), _xmp_value(xmp, "pdfaid:conformance")) != ("2", "B"):
            problems.append("no PDF/A-2b identification in the XMP metadata")
        intents = _resolve(root.get("/OutputIntents")) or []
        if not any(str(_resolve(i).get("/S")) == "/GTS_PDFA1" for i in intents):
            problems.append("no /GTS_PDFA1 output intent")
        if "pdfuaid:part" in xmp and "pdfaSchema:prefix>pdfuaid<" not in xmp:
            problems.append("pdfuaid is used in a PDF/A without its XMP extension schema")
    if pdfua and _xmp_value(xmp, "pdfuaid:part") != "1":
        problems.append("no PDF/UA-1 identification in the XMP metadata")
    if unembedded := _unembedded_fonts(reader):
        problems.append(f"fonts not embedded: {sorted(unembedded)}")
    return problems


def role_counts(pdf: bytes) -> Counter[str]:
    """How often each standard role occurs in the structure tree."""
    return Counter(structure_roles(PdfReader(io.BytesIO(pdf))))
