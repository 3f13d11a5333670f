"""``foerderwerk rules``: the catalogue of the rule codes, read from the rule definitions.

A German table on stdout by default; ``--format json`` for programs and ``--format markdown``
for docs/rules.md (``make rules-doc``; tests/cli/test_rules.py keeps the file current). Needs
no database and no application context.
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Iterator, Sequence
from itertools import groupby

import click

from ..domain.messages import N_, Localizer
from ..domain.rule_catalogue import Entry, catalogue
from ..i18n import BabelLocalizer
from . import cli

REGENERATE = "make rules-doc"
FORMATS = ("text", "json", "markdown")
WIDTH = 100

TITLE = N_("Rules of the checks")
PLACEHOLDERS = N_(
    "Every finding has a code, a severity (an error blocks the submission, a warning does "
    "not), a message and, where there is one, its source. In the messages, a name in curly "
    "brackets such as {limit} stands for the value the finding inserts."
)
GENERATED = N_(
    "This file is generated from the rule definitions in the code by "
    "“foerderwerk rules --format markdown”. Please do not edit it by hand; after changing a "
    "rule, run “%(command)s”."
)
CODE = N_("Code")
SEVERITY = N_("Severity")
MESSAGE = N_("Message shown")
SOURCE = N_("Source")
NO_SOURCE = "–"


def _groups(entries: Sequence[Entry]) -> Iterator[tuple[str, list[Entry]]]:
    for _kind, members in groupby(entries, key=lambda e: e.kind):
        group = list(members)
        yield group[0].kind_title, group


def _message_lines(entry: Entry) -> list[str]:
    # a described message is no quotation: it says what the findings' messages are about
    return [f"({m})" if entry.described else m for m in entry.messages]


def as_text(entries: Sequence[Entry], localizer: Localizer) -> str:
    t = localizer.gettext
    lines = [t(TITLE), ""]
    lines += textwrap.wrap(t(PLACEHOLDERS), WIDTH)
    for title, group in _groups(entries):
        rows = [(t(CODE), t(SEVERITY), t(SOURCE))] + [
            (e.code, e.severity_label, e.source or NO_SOURCE) for e in group
        ]
        code_width = max(len(r[0]) for r in rows) + 2
        severity_width = max(len(r[1]) for r in rows) + 2
        lines += ["", title, "=" * len(title)]
        for index, (code, severity, source) in enumerate(rows):
            lines.append(f"{code:<{code_width}}{severity:<{severity_width}}{source}".rstrip())
            if index == 0:
                continue
            for message in _message_lines(group[index - 1]):
                lines += textwrap.wrap(
                    message, WIDTH, initial_indent="    ", subsequent_indent="    "
                )
    return "\n".join(lines)


def as_json(entries: Sequence[Entry]) -> str:
    rules = [
        {
            "kind": e.kind.key,
            "kind_title": e.kind_title,
            "code": e.code,
            "severity": e.severity,
            "messages": list(e.messages),
            "messages_described": e.described,
            "source": e.source,
        }
        for e in entries
    ]
    return json.dumps({"rules": rules}, ensure_ascii=False, indent=2)


def _cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|")


def as_markdown(entries: Sequence[Entry], localizer: Localizer) -> str:
    t = localizer.gettext
    lines = [
        f"# {t(TITLE)}",
        "",
        f"*{t(GENERATED) % {'command': REGENERATE}}*",
        "",
        t(PLACEHOLDERS),
    ]
    for title, group in _groups(entries):
        lines += [
            "",
            f"## {title}",
            "",
            f"| {t(CODE)} | {t(SEVERITY)} | {t(MESSAGE)} | {t(SOURCE)} |",
            "|---|---|---|---|",
        ]
        for e in group:
            messages = "<br>".join(f"*{_cell(m)}*" if e.described else _cell(m) for m in e.messages)
            source = _cell(e.source) if e.source else NO_SOURCE
            lines.append(f"| `{e.code}` | {e.severity_label} | {messages} | {source} |")
    return "\n".join(lines)


@cli.command("rules", with_appcontext=False)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(FORMATS),
    default="text",
    show_default=True,
    help="text: Tabelle zum Lesen; json: für Programme; markdown: für docs/rules.md.",
)
def rules_command(output_format: str) -> None:
    """Listet jeden Regel-Code mit Einstufung, Meldung und Grundlage – aus dem Code gelesen.

    docs/rules.md erneuern: make rules-doc
    """
    localizer = BabelLocalizer()
    entries = catalogue(localizer)
    if output_format == "json":
        click.echo(as_json(entries))
    elif output_format == "markdown":
        click.echo(as_markdown(entries, localizer))
    else:
        click.echo(as_text(entries, localizer))
