"""``foerderwerk rules``: the catalogue of the rule codes, and docs/rules.md generated from it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from service.cli import cli
from service.cli.rules import as_markdown
from service.domain.findings import COMMON
from service.domain.messages import PlainLocalizer
from service.domain.rule_catalogue import Entry, all_rules

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "rules.md"


def rules(*args: str) -> str:
    result = CliRunner().invoke(cli, ["rules", *args], catch_exceptions=False)
    assert result.exit_code == 0
    return result.stdout


def test_docs_rules_md_is_the_generated_catalogue() -> None:
    # as `make rules-doc` runs it: a fresh process that has imported nothing of the domain
    generated = subprocess.run(
        [
            sys.executable,
            "-c",
            "from service.cli import main; main()",
            "rules",
            "--format",
            "markdown",
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    ).stdout
    assert DOC.read_text(encoding="utf-8") == generated, (
        "docs/rules.md is not the catalogue the code defines: regenerate it with "
        "`make rules-doc` (or `.venv/bin/foerderwerk rules --format markdown > docs/rules.md`)"
    )


def test_the_table_lists_every_code_grouped_by_kind_in_german() -> None:
    text = rules()
    headings = ["Alle Prüfungen", "Antrag", "Verwendungsnachweis", "Sitzung und Umlaufverfahren"]
    positions = [text.index(f"\n{h}\n{'=' * len(h)}\n") for h in headings]
    assert positions == sorted(positions)
    antrag, nachweis = positions[1], positions[2]
    for rule in all_rules():
        assert f"\n{rule.code} " in text, rule.code
    # a rule's row in its group: code, German severity, source; the message below it
    row = text.index("\ncosts.km-rate ", antrag)
    assert antrag < row < nachweis
    assert text[row:].split("\n")[1].split() == ["costs.km-rate", "Fehler", "§", "5", "BRKG"]
    assert "Fahrten mit dem Auto können mit höchstens {rate} je Kilometer" in text
    inventory = text[text.index("\ncosts.inventory ") :].split("\n")[1]
    assert inventory.split()[:2] == ["costs.inventory", "Warnung"]
    assert "%(" not in text


def test_json_gives_each_rule_its_kind_severity_german_messages_and_source() -> None:
    listed = json.loads(rules("--format", "json"))["rules"]
    assert [(r["kind"], r["code"]) for r in listed] == [
        (rule.kind.key, rule.code) for rule in all_rules()
    ]
    by_code = {(r["kind"], r["code"]): r for r in listed}
    km = by_code["application", "costs.km-rate"]
    assert km["severity"] == "error"
    assert km["kind_title"] == "Antrag"
    assert km["source"] == "§ 5 BRKG"
    assert km["messages"] == [
        "Fahrten mit dem Auto können mit höchstens {rate} je Kilometer gefördert werden. "
        "Bitte senken Sie den Satz je Kilometer."
    ]
    assert by_code["application", "grant.below-min"]["source"] == "Fördergrundsätze des Fonds"
    assert by_code["report", "report.overdue"]["severity"] == "warning"
    assert len(by_code["meeting", "vote.double-representation"]["messages"]) == 3
    assert by_code[COMMON.key, "input.invalid"]["messages_described"] is True
    assert not any("%(" in m for r in listed for m in r["messages"])


def test_markdown_has_a_table_per_kind_and_keeps_cells_intact() -> None:
    text = rules("--format", "markdown")
    assert text.startswith("# Regeln der Prüfungen\n")
    assert "make rules-doc" in text
    assert "\n## Antrag\n\n| Code | Einstufung | Meldung | Grundlage |\n|---|---|---|---|\n" in text
    assert "| `costs.km-rate` | Fehler | Fahrten mit dem Auto" in text

    kind = all_rules()[0].kind
    entry = Entry(kind, "Alle", "x.y", "error", "Fehler", ("a | b", "c"), False, "§ 1 | 2")
    assert as_markdown([entry], PlainLocalizer()).endswith(
        "| `x.y` | Fehler | a \\| b<br>c | § 1 \\| 2 |"
    )
