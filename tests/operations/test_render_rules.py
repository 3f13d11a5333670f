"""The rules a document checks besides its input's (a notice's decision, the partnership's
settings): every finding ``render`` emits is an instance of its defined rule, and every rule of
those kinds is emitted – so the catalogue (docs/rules.md) lists exactly what render can say."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from service.domain.findings import COMMON, Finding, Rule
from service.domain.guideline import load_guideline
from service.domain.rule_catalogue import all_rules
from service.operations.documents import build_document
from tests.conftest import FIXTURES, partnership_settings_text
from tests.domain.test_rule_registry import DOMAIN_KINDS

# any date: every fixture states its date of receipt
TODAY = date(2026, 3, 1)

RENDER_KINDS = {"notice", "documents"}
DECISION = {
    "number": "AIF-2026-007",
    "date": "2026-03-17",
    "outcome": "approved",
    "amount": "600.00",
    "start": "2026-05-01",
    "end": "2026-06-30",
    "committee_date": "2026-03-10",
}


def notice(**decision: Any) -> dict[str, Any]:
    data = json.loads((FIXTURES / "application-aif.json").read_text(encoding="utf-8"))
    data["decision"] = {**DECISION, **decision}
    return data


def settings(
    tmp_path: Path,
    logo: str = "",
    content: bytes | None = None,
    broken: bool = False,
    annexes: bool = True,
    broken_annex: bool = False,
) -> str:
    text = partnership_settings_text()
    if not annexes:
        text = text.split("[annexes]")[0]
    if broken_annex:
        # starts like a PDF (the settings accept it) but cannot be read as one
        (tmp_path / "anbest-p.pdf").write_bytes(b"%PDF-1.4\nnot a PDF at all\n")
        text = text.replace(
            text.split("anbest_p = ")[1].split("\n")[0], f'"{tmp_path / "anbest-p.pdf"}"'
        )
    text = text.replace('logo = ""', f'logo = "{logo}"')
    if broken:
        text = text.replace('slug = "boizenburg-luebtheen"', "slug = ")
    path = tmp_path / "partnership.toml"
    path.write_text(text, encoding="utf-8")
    if content is not None:
        (tmp_path / logo).write_bytes(content)
    return str(path)


def _render(data: Any, partnership: str) -> list[Finding]:
    guideline = load_guideline(FIXTURES / "guideline-aif-2026.toml")
    outcome = build_document("notice", data, guideline, partnership, today=TODAY)
    assert outcome.document is None  # every case here is refused
    return list(outcome.result.findings)


CASES: list[tuple[str, Callable[[Path], list[Finding]]]] = [
    (
        "notice",
        lambda tmp: _render(notice(start="2026-06-30", end="2026-05-01"), settings(tmp)),
    ),
    ("notice", lambda tmp: _render(notice(amount="700.00"), settings(tmp))),
    ("documents", lambda tmp: _render(notice(), settings(tmp, broken=True))),
    (
        "documents",
        lambda tmp: _render(notice(), settings(tmp, "logo.svg", b"<svg xmlns='x'/>")),
    ),
    ("documents", lambda tmp: _render(notice(), settings(tmp, "logo.png", b"GIF89a"))),
    # an approval whose Anlage 2 is not in the settings, or is no readable PDF (issue 18)
    ("notice", lambda tmp: _render(notice(), settings(tmp, annexes=False))),
    ("notice", lambda tmp: _render(notice(), settings(tmp, broken_annex=True))),
]


def _rule(kind: str, finding: Finding, rules: dict[tuple[str, str], Rule]) -> Rule:
    rule = rules.get((kind, finding.code)) or rules.get((COMMON.key, finding.code))
    assert rule is not None, f"{finding.code} is no rule of {kind}"
    return rule


def test_every_rule_of_a_notice_and_of_the_settings_is_emitted_as_defined(tmp_path: Path) -> None:
    rules = {(rule.kind.key, rule.code): rule for rule in all_rules()}
    said: set[tuple[str, str, str]] = set()
    for index, (kind, run) in enumerate(CASES):
        folder = tmp_path / str(index)
        folder.mkdir()
        findings = [f for f in run(folder) if f.code != "field.required"]
        assert findings, f"case {index} emits nothing"
        for finding in findings:
            rule = _rule(kind, finding, rules)
            assert finding.severity == rule.severity
            assert finding.message.msgid in rule.msgids
            assert finding.source == rule.source
            said.add((rule.kind.key, rule.code, finding.message.msgid))
    defined = {
        (rule.kind.key, rule.code, msgid)
        for rule in rules.values()
        if rule.kind.key in RENDER_KINDS
        for msgid in rule.msgids
    }
    assert sorted(defined - said) == []


def test_every_kind_of_rule_has_cases_that_emit_it() -> None:
    """A new kind of rules needs its cases (tests/domain/rule_cases.py or here)."""
    kinds = {rule.kind.key for rule in all_rules()}
    assert kinds == DOMAIN_KINDS | RENDER_KINDS
