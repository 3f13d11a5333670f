"""The template linter: what ``foerderwerk templates check`` reports about a .docx template.

It finds what would make a template fail or say something else than intended, before anybody
renders it (R9: refused at upload, with a German message naming the expression):

* ``syntax`` – the Jinja text cannot be compiled (an ``if`` without ``endif`` …);
* ``unknown`` – a placeholder the kind's context does not have (``doc_templates/manifest.toml``);
* ``unsafe`` – what the renderer refuses (``docx.refusals``, the one list both use): an
  attribute or key starting with ``_`` (``''.__class__.__mro__``), the ``attr`` filter,
  ``{% include %}``/``import``/``extends`` and a text's ``.format``;
* ``split`` – a tag spread over several text runs (Word does this after a spelling correction
  or a formatting change inside the tag);
* ``quotes`` – typographic quotation marks inside a tag (Word's autocorrect), which are no
  Jinja string delimiters.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from jinja2 import nodes
from jinja2.exceptions import TemplateSyntaxError
from lxml import etree  # type: ignore[import-untyped]

from ..domain.messages import N_, Localizer, Message
from .docx import (
    FOOTER_REL,
    HEADER_REL,
    PART_LABELS,
    Manifest,
    TemplateSpec,
    W,
    make_environment,
    patch_source,
    refusals,
)

_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)
_TAG_START = re.compile(r"\{[{%#]")
SMART_QUOTES = "„“”‚‘’«»‹›"
REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"


@dataclass(frozen=True)
class Problem:
    code: str
    part: str  # key of PART_LABELS
    message: Message

    def render(self, localizer: Localizer) -> str:
        where = localizer.gettext(PART_LABELS.get(self.part, self.part))
        return f"{where}: {self.message.render(localizer)}"


@dataclass
class _Part:
    kind: str
    name: str
    xml: str


def _parts(data: bytes) -> list[_Part]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = set(archive.namelist())
        parts = [_Part("body", "word/document.xml", archive.read("word/document.xml").decode())]
        rels_name = "word/_rels/document.xml.rels"
        if rels_name in names:
            rels = etree.fromstring(archive.read(rels_name))
            for rel in rels.iter(REL_NS + "Relationship"):
                kind = {HEADER_REL: "header", FOOTER_REL: "footer"}.get(rel.get("Type", ""))
                target = "word/" + rel.get("Target", "").lstrip("/").removeprefix("word/")
                if kind and target in names and rel.get("TargetMode") != "External":
                    parts.append(_Part(kind, target, archive.read(target).decode()))
        if "word/footnotes.xml" in names:
            parts.append(
                _Part(
                    "footnotes", "word/footnotes.xml", archive.read("word/footnotes.xml").decode()
                )
            )
    return parts


def _paragraph_runs(xml: str) -> Iterator[list[str]]:
    """Per paragraph: the texts of its ``w:t`` elements (each run's text separately)."""
    root = etree.fromstring(xml.encode("utf-8"))
    for paragraph in root.iter(W + "p"):
        yield [t.text or "" for t in paragraph.iter(W + "t")]


def _run_problems(part: _Part) -> list[Problem]:
    problems: list[Problem] = []
    for texts in _paragraph_runs(part.xml):
        joined = "".join(texts)
        if not _TAG_START.search(joined):
            continue
        bounds: list[int] = []
        position = 0
        for text in texts:
            position += len(text)
            bounds.append(position)
        for match in _TAG.finditer(joined):
            tag = match.group(0)
            first = next(i for i, end in enumerate(bounds) if end > match.start())
            last = next(i for i, end in enumerate(bounds) if end >= match.end())
            if first != last:
                problems.append(
                    Problem(
                        "split",
                        part.kind,
                        Message(
                            N_(
                                "The tag “%(expression)s” is split into several pieces of "
                                "differently formatted text (Word does this after a spelling "
                                "correction or a formatting change). Please delete the tag and "
                                "type it again in one go, without formatting inside it."
                            ),
                            {"expression": tag},
                        ),
                    )
                )
            quotes = "".join(sorted({c for c in tag if c in SMART_QUOTES}))
            if quotes:
                problems.append(
                    Problem(
                        "quotes",
                        part.kind,
                        Message(
                            N_(
                                "The tag “%(expression)s” contains typographic quotation marks "
                                '(%(quotes)s). Inside tags only straight quotation marks (" or '
                                "') work; please retype them with the automatic replacement of "
                                "quotation marks switched off."
                            ),
                            {"expression": tag, "quotes": quotes},
                        ),
                    )
                )
    return problems


def _line_text(source: str, lineno: int | None) -> str:
    """The visible text of one line of the patched source (one paragraph), shortened."""
    lines = source.splitlines()
    if not lineno or lineno > len(lines):
        return ""
    visible = re.sub(r"<[^>]+>", "", lines[lineno - 1])
    visible = visible.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return visible.strip()[:120]


_BLOCK_TAG = re.compile(r"\{%-?\s*(\w+)")
_BLOCKS = frozenset({"if", "for", "with", "filter", "macro", "call", "block", "autoescape"})


def _unclosed_block(source: str) -> int | None:
    """The line of the innermost block tag (``if``, ``for`` …) that is never closed: Jinja
    reports a missing ``endif`` at the end of the template, but staff need the ``if``."""
    stack: list[tuple[str, int]] = []
    for lineno, line in enumerate(source.splitlines(), start=1):
        for match in _BLOCK_TAG.finditer(line):
            word = match.group(1)
            if word in _BLOCKS:
                stack.append((word, lineno))
            elif word.startswith("end") and stack and stack[-1][0] == word[3:]:
                stack.pop()
    return stack[-1][1] if stack else None


def _tags_on_line(source: str, lineno: int | None) -> list[str]:
    return _TAG.findall(_line_text_full(source, lineno))


def _line_text_full(source: str, lineno: int | None) -> str:
    lines = source.splitlines()
    if not lineno or lineno > len(lines):
        return ""
    visible = re.sub(r"<[^>]+>", "", lines[lineno - 1])
    return visible.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _expression(source: str, lineno: int | None, needle: str) -> str:
    """The tag on the node's line that contains ``needle`` – what staff see in Word."""
    tags = _tags_on_line(source, lineno)
    for tag in tags:
        if needle in tag:
            return tag
    return tags[0] if tags else needle


_REFUSAL_TEXTS = {
    "name": N_(
        "The expression “%(expression)s” uses “%(name)s”. Templates may not use names "
        "beginning with an underscore, the program's internals or the “attr” filter; the "
        "template is refused. Please remove the expression."
    ),
    "tag": N_(
        "The tag “%(expression)s” uses “%(name)s”. A template may not load other files; the "
        "template is refused. Please copy the text into this template instead."
    ),
    "method": N_(
        "The expression “%(expression)s” uses “.%(name)s”. Templates may not call the "
        "format method of a text; the template is refused. Please write the placeholders "
        "directly, e.g. {{ recipient.name }}, or use the “format” filter."
    ),
}


# --- the AST walk --------------------------------------------------------------------------


@dataclass
class _Use:
    path: str
    lineno: int
    needle: str


@dataclass
class _Walk:
    uses: list[_Use] = field(default_factory=list)

    def visit(self, node: nodes.Node, scope: Mapping[str, str], in_loop: bool) -> None:
        if isinstance(node, nodes.For):
            self.visit(node.iter, scope, in_loop)
            base = self.path(node.iter, scope)
            inner = dict(scope)
            for name in _store_names(node.target):
                inner[name] = f"{base}[]" if base else "?"
            for child in [*node.body, *node.else_]:
                self.visit(child, inner, True)
            if node.test is not None:
                self.visit(node.test, inner, True)
            return
        if isinstance(node, nodes.Assign):
            self.visit(node.node, scope, in_loop)
            path = self.path(node.node, scope)
            if isinstance(scope, dict):
                for name in _store_names(node.target):
                    scope[name] = path or "?"
            return
        if isinstance(node, nodes.Name | nodes.Getattr | nodes.Getitem):
            self.reference(node, scope, in_loop)
            return
        for child in node.iter_child_nodes():
            self.visit(child, scope, in_loop)

    def reference(self, node: nodes.Expr, scope: Mapping[str, str], in_loop: bool) -> None:
        chain: list[nodes.Getattr | nodes.Getitem] = []
        current: nodes.Expr = node
        while isinstance(current, nodes.Getattr | nodes.Getitem):
            chain.append(current)
            current = current.node
        for link in chain:
            if isinstance(link, nodes.Getitem) and not isinstance(link.arg, nodes.Const):
                self.visit(link.arg, scope, in_loop)
        if not isinstance(current, nodes.Name):
            self.visit(current, scope, in_loop)
            return
        if current.name == "loop" and in_loop:
            return
        path = self.path(node, scope)
        if path is not None and "?" not in path.split(".")[0]:
            self.uses.append(_Use(path, node.lineno, current.name))

    def path(self, node: nodes.Node, scope: Mapping[str, str]) -> str | None:
        if isinstance(node, nodes.Name):
            return scope.get(node.name, node.name)
        if isinstance(node, nodes.Getattr | nodes.Getitem):
            base = self.path(node.node, scope)
            if base is None:
                return None
            key = _key(node)
            if key is None:
                return f"{base}[]"
            return f"{base}.{key}"
        return None


def _key(node: nodes.Getattr | nodes.Getitem) -> str | None:
    if isinstance(node, nodes.Getattr):
        return str(node.attr)
    if isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
        return node.arg.value
    return None


def _store_names(target: nodes.Node) -> list[str]:
    if isinstance(target, nodes.Name):
        return [target.name]
    if isinstance(target, nodes.Tuple):
        return [name for item in target.items for name in _store_names(item)]
    return []


def _known(path: str, allowed: frozenset[str]) -> bool:
    return path in allowed


def _prefixes(keys: tuple[str, ...]) -> frozenset[str]:
    result: set[str] = set()
    for key in keys:
        pieces = re.split(r"(?=\.)|(?=\[\])", key)
        current = ""
        for piece in pieces:
            current += piece
            result.add(current)
    return frozenset(result)


# --- public --------------------------------------------------------------------------------


def used_paths(data: bytes) -> set[str]:
    """Every context path the template's tags read (``plan.costs[].amount``)."""
    env = make_environment()
    paths: set[str] = set()
    for part in _parts(data):
        walk = _Walk()
        walk.visit(env.parse(patch_source(part.xml)), {}, False)
        paths.update(use.path for use in walk.uses)
    return paths


def lint_template(data: bytes, spec: TemplateSpec | None) -> list[Problem]:
    """All problems of a .docx template; ``spec`` (from the manifest) enables the check of
    placeholders against the kind's context."""
    try:
        parts = _parts(data)
    except (zipfile.BadZipFile, KeyError, UnicodeDecodeError, etree.XMLSyntaxError) as exc:
        return [
            Problem(
                "unreadable",
                "body",
                Message(
                    N_(
                        "The file is no Word document (.docx) or it is damaged (%(detail)s). "
                        "Please save it again as a Word document."
                    ),
                    {"detail": str(exc)[:200]},
                ),
            )
        ]
    allowed = _prefixes(spec.context) if spec else frozenset()
    env = make_environment()
    problems: list[Problem] = []
    for part in parts:
        problems.extend(_run_problems(part))
        source = patch_source(part.xml)
        try:
            tree = env.parse(source)
            env.compile(tree)  # unknown filters and tests show up only when compiling
        except TemplateSyntaxError as exc:
            where = exc.lineno
            if "end of template" in (exc.message or ""):
                where = _unclosed_block(source) or where
            problems.append(
                Problem(
                    "syntax",
                    part.kind,
                    Message(
                        N_(
                            "The template cannot be read near “%(text)s”: %(detail)s. Please "
                            "check that every tag is closed and every “if” and “for” has its "
                            "“endif” or “endfor”."
                        ),
                        {
                            "text": _line_text(source, where),
                            "detail": (exc.message or "").rstrip("."),
                        },
                    ),
                )
            )
            continue
        walk = _Walk()
        walk.visit(tree, {}, False)
        # exactly what the renderer refuses (docx.refusals), so check never passes a template
        # that rendering then refuses
        for refusal in refusals(tree):
            problems.append(
                Problem(
                    "unsafe",
                    part.kind,
                    Message(
                        _REFUSAL_TEXTS[refusal.what],
                        {
                            "expression": _expression(source, refusal.lineno, refusal.name),
                            "name": refusal.name,
                        },
                    ),
                )
            )
        if spec is None:
            continue
        reported: set[str] = set()
        for use in walk.uses:
            if _known(use.path, allowed) or use.path in reported:
                continue
            if any(problem.code == "unsafe" for problem in problems) and "._" in f".{use.path}":
                continue
            reported.add(use.path)
            problems.append(
                Problem(
                    "unknown",
                    part.kind,
                    Message(
                        N_(
                            "The tag “%(expression)s” uses “%(name)s”, which the template "
                            "“%(kind)s” does not provide. Please use only the names listed for "
                            "it in doc_templates/manifest.toml."
                        ),
                        {
                            "expression": _expression(
                                source, use.lineno, use.path.split(".")[-1].rstrip("[]")
                            ),
                            "name": use.path,
                            "kind": spec.kind,
                        },
                    ),
                )
            )
    return problems


def lint_file(data: bytes, manifest: Manifest, kind: str | None) -> list[Problem]:
    spec = manifest.kinds.get(kind) if kind else None
    return lint_template(data, spec)


def manifest_keys(paths: set[str]) -> list[str]:
    """The manifest form of a set of used paths: only the longest ones, sorted."""
    return sorted(
        p
        for p in paths
        if not any(o != p and (o.startswith(p + ".") or o.startswith(p + "[]")) for o in paths)
    )


def describe(problems: list[Problem], localizer: Localizer) -> list[str]:
    return [problem.render(localizer) for problem in problems]
