"""The guide "Vom leeren System zum ersten Antrag" in docs/operations.md, read as the tests
use it: the files it asks for and the commands it runs, so the guide and the tests that run
it cannot drift apart.

A fenced block after ``<!-- erster-antrag: datei NAME -->`` is the content of the file NAME;
a fenced block after ``<!-- erster-antrag: befehle -->`` holds commands, one per line (a line
ending in a backslash goes on), comment lines skipped. Blocks without a marker (PostgreSQL
and the shell of the service account) are what a test does its own way."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

OPERATIONS = Path(__file__).resolve().parents[1] / "docs" / "operations.md"
TITLE = "## Vom leeren System zum ersten Antrag"
SLUG = "musterstadt"
# the sentence the guide suggests changing in the approval template, and the office's version
NEW_SENTENCE = (
    "Der Betrag ist ein Höchstbetrag; Mehrausgaben übernimmt die Stadt Musterstadt nicht."
)

_MARKED_BLOCK = re.compile(
    r"^<!-- erster-antrag: (?P<what>datei (?P<name>[\w.-]+)|befehle) -->\n"
    r"```[a-z]*\n(?P<body>.*?)```",
    re.DOTALL | re.MULTILINE,
)


@dataclass(frozen=True)
class Guide:
    files: dict[str, str]
    commands: list[str]


def section() -> str:
    text = OPERATIONS.read_text(encoding="utf-8")
    start = text.index(TITLE)
    end = text.find("\n## ", start + len(TITLE))
    return text[start : end if end != -1 else len(text)]


def guide() -> Guide:
    files: dict[str, str] = {}
    commands: list[str] = []
    text = section()
    blocks = list(_MARKED_BLOCK.finditer(text))
    # a marker the pattern does not understand would silently drop its block
    markers = re.findall(r"^<!-- erster-antrag:", text, re.MULTILINE)
    assert len(blocks) == len(markers), "a marker without its block"
    for block in blocks:
        if block["name"]:
            files[block["name"]] = block["body"]
        else:
            commands += _commands(block["body"])
    return Guide(files, commands)


def _commands(body: str) -> list[str]:
    found: list[str] = []
    pending = ""
    for line in body.splitlines():
        if not pending and (not line.strip() or line.lstrip().startswith("#")):
            continue
        if line.endswith("\\"):
            pending += line[:-1]
            continue
        found.append(pending + line)
        pending = ""
    assert not pending, f"a command ends in a backslash: {pending!r}"
    return found


def env_settings(text: str) -> dict[str, str]:
    """``NAME=value`` lines of an environment file (as ``set -a; . FILE`` reads them)."""
    settings = {}
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            settings[name.strip()] = value.strip()
    return settings


def logo_png() -> bytes:
    """The partnership's logo: a plain PNG, as an office would save it."""
    from tests.documents.test_logo import png

    return png(240, 80, (20, 90, 160))


def anbest_p_pdf() -> bytes:
    """The ANBest-P the office lays beside its settings: the shipped sample (a PDF/A file)."""
    from service.paths import doc_templates_dir

    return (doc_templates_dir() / "anlagen" / "anbest-p-muster.pdf").read_bytes()
