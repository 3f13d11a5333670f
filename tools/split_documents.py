# ruff: noqa: S101, S603, S607 - a developer tool that runs git on this checkout
"""Split service/documents/ into service/rendering, service/pdf and service/archive (issue 15).

Mechanical and repeatable (e.g. again after a merge): ``git mv`` of the modules, then every
import of a moved module rewritten – relative imports inside service/ stay relative (resolved
from the old place, written for the new one), dotted names and paths elsewhere (tests, bench,
docs, strings) are replaced. Run from the repository root: ``python tools/split_documents.py``.
"""

from __future__ import annotations

import ast
import re
import subprocess
from pathlib import Path

ROOT = Path.cwd()
OLD = "service.documents"
# module (relative to service.documents) -> its new dotted name
MOVES = {
    "docx": "service.rendering.docx",
    "lint": "service.rendering.lint",
    "context": "service.rendering.context",
    "images": "service.rendering.images",
    "partnership": "service.rendering.partnership",
    "summary_form": "service.rendering.summary_form",
    "build_templates": "service.rendering.build_templates",
    "pdf": "service.pdf",
    "pdftools": "service.pdf.pdftools",
    "storage": "service.archive.storage",
    "database_storage": "service.archive.database_storage",
    "register": "service.archive.register",
    "transfer": "service.archive.transfer",
    "backends": "service.archive.backends",
}
PACKAGE_DOCS = {
    "rendering": "Rendering documents: DOCX templates, their contexts, letterhead and images.",
    "archive": "The document archive: content-addressed storage (folder or database) and the\n"
    "register of every rendered document (versions, hashes, transfers).",
}


# paths built from parts (regeneration's fingerprint of the code that makes a notice's context)
SPECIAL = {
    'root.joinpath("documents", "context")': 'root.joinpath("rendering", "context")',
    'root / "documents" / "partnership.py"': 'root / "rendering" / "partnership.py"',
}


def full(old_module: str) -> str:
    """The new dotted name of ``service.documents[.x[.y]]``."""
    rest = old_module.removeprefix(OLD).lstrip(".")
    head, _, tail = rest.partition(".")
    new = MOVES[head]
    return f"{new}.{tail}" if tail else new


def moved_path(path: Path) -> Path:
    rel = path.relative_to(ROOT / "service" / "documents")
    head = rel.parts[0].removesuffix(".py")
    target = Path(*MOVES[head].split("."))
    if head == "pdf":
        return ROOT / target / Path(*rel.parts[1:])
    return (
        ROOT / target.with_suffix(".py")
        if len(rel.parts) == 1
        else ROOT / target / Path(*rel.parts[1:])
    )


def module_of(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def package_of(path: Path) -> str:
    name = module_of(path)
    return name if path.name == "__init__.py" else name.rpartition(".")[0]


def absolute(node: ast.ImportFrom, package: str) -> str:
    if not node.level:
        return node.module or ""
    base = package.split(".")[: len(package.split(".")) - node.level + 1]
    return ".".join(base + ([node.module] if node.module else []))


def relative(target: str, package: str) -> str:
    """``target`` written relative to ``package`` (as few dots as possible)."""
    here = package.split(".")
    there = target.split(".")
    common = 0
    while common < min(len(here), len(there)) and here[common] == there[common]:
        common += 1
    dots = "." * (len(here) - common + 1)
    return dots + ".".join(there[common:])


def is_old(name: str) -> bool:
    return name == OLD or name.startswith(OLD + ".")


def rewrite_python(path: Path, old_package: str, new_package: str) -> str:
    """Rewrite the ``from … import`` statements of one file (its old and new package)."""
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines(keepends=True)
    tree = ast.parse(source)
    edits: list[tuple[int, int, str]] = []  # (first line, last line, replacement)
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module != "__future__":
            target = absolute(node, old_package)
            indent = " " * node.col_offset
            keep_relative = node.level > 0
            if target == OLD:  # from service.documents import a, b: one line per module
                out = []
                for alias in node.names:
                    new = full(f"{OLD}.{alias.name}")
                    parent, _, name = new.rpartition(".")
                    where = relative(parent, new_package) if keep_relative else parent
                    as_ = f" as {alias.asname}" if alias.asname else ""
                    out.append(f"{indent}from {where} import {name}{as_}\n")
                edits.append((node.lineno, node.end_lineno or node.lineno, "".join(out)))
                continue
            new = full(target) if is_old(target) else target
            if new == target and old_package == new_package:
                continue
            if not keep_relative and new == target:
                continue
            module_text = relative(new, new_package) if keep_relative else new
            first = lines[node.lineno - 1]
            match = re.match(r"(\s*from\s+)([.\w]+)(\s+import\b.*)", first, re.S)
            assert match, (path, first)
            edits.append((node.lineno, node.lineno, match.group(1) + module_text + match.group(3)))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if is_old(alias.name):
                    line = lines[node.lineno - 1]
                    edits.append(
                        (node.lineno, node.lineno, line.replace(alias.name, full(alias.name)))
                    )
    for first, last, text in sorted(edits, reverse=True):
        lines[first - 1 : last] = [text]
    return "".join(lines)


DOTTED = re.compile(r"service\.documents(?:\.(\w+))?")
SLASHED = re.compile(r"service/documents(?:/(\w+)(\.py)?)?/?")


def rewrite_text(text: str) -> str:
    def dotted(match: re.Match[str]) -> str:
        head = match.group(1)
        if head is None or head not in MOVES:
            return match.group(0)
        return MOVES[head]

    def slashed(match: re.Match[str]) -> str:
        head = match.group(1)
        if head is None or head not in MOVES:
            return match.group(0)
        new = MOVES[head].replace(".", "/")
        suffix = match.group(2) or ""
        end = "/" if match.group(0).endswith("/") and not suffix else ""
        if head == "pdf" or head == "context":
            return new + end
        return new + (suffix or ("" if not end else "/"))

    return SLASHED.sub(slashed, DOTTED.sub(dotted, text))


def main() -> None:
    tracked = subprocess.run(
        ["git", "ls-files", "service/documents"], capture_output=True, text=True, check=True
    ).stdout.split()
    sources = [ROOT / p for p in tracked if p.endswith(".py")]
    old_packages = {p: package_of(p) for p in sources}
    # 1. rewrite imports in place (packages as they will be), then move
    every = [
        ROOT / p
        for p in subprocess.run(
            ["git", "ls-files", "*.py"], capture_output=True, text=True, check=True
        ).stdout.split()
    ]
    documents_init = ROOT / "service" / "documents" / "__init__.py"
    for path in every:
        if path == documents_init or path == Path(__file__).resolve():
            continue
        if path in old_packages:
            text = rewrite_python(path, old_packages[path], package_of(moved_path(path)))
        else:
            text = rewrite_python(path, package_of(path), package_of(path))
        text = rewrite_text(text)
        for old_text, new_text in SPECIAL.items():
            text = text.replace(old_text, new_text)
        if text != path.read_text(encoding="utf-8"):
            path.write_text(text, encoding="utf-8")
    for name in ("rendering", "archive"):
        (ROOT / "service" / name).mkdir(exist_ok=True)
        init = ROOT / "service" / name / "__init__.py"
        init.write_text(f'"""{PACKAGE_DOCS[name]}"""\n', encoding="utf-8")
        subprocess.run(["git", "add", str(init)], check=True)
    for path in sources:
        if path == ROOT / "service" / "documents" / "__init__.py":
            subprocess.run(["git", "rm", "-q", str(path)], check=True)
            continue
        target = moved_path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(["git", "mv", str(path), str(target)], check=True)
    # 2. names and paths in the other text files (Makefile, docs, templates' comments)
    others = subprocess.run(
        ["git", "ls-files", "Makefile", "*.md", "*.toml", "*.cfg", "*.txt", ".ci"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    for name in others:
        path = ROOT / name
        if not path.is_file():
            continue
        text = path.read_text(encoding="utf-8")
        new = rewrite_text(text)
        if name == "Makefile":
            new = new.replace(
                "service/domain service/documents",
                "service/domain service/rendering service/pdf service/archive",
            )
        if new != text:
            path.write_text(new, encoding="utf-8")


if __name__ == "__main__":
    main()
