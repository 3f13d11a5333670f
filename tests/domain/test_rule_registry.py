"""The registry of rules: every code of the contract is defined, every finding the engine emits
is an instance of a defined rule, and no finding can be made without one."""

from __future__ import annotations

import ast
from collections.abc import Iterable
from pathlib import Path

import pytest

from service.domain.findings import (
    COMMON,
    Finding,
    Rule,
    UndefinedRuleError,
    define,
)
from service.domain.messages import Message
from service.domain.rule_catalogue import all_rules

from .helpers import aif
from .rule_cases import DOMAIN_CASES, Case

ROOT = Path(__file__).resolve().parents[2]

# The codes spec/rules.md lists, by the table they are in. field.required, input.invalid and
# guideline.invalid are in every check: the registry has them once, as common rules.
CONTRACT: dict[str, set[str]] = {
    "common": {"field.required", "input.invalid", "guideline.invalid"},
    "application": {
        "applicant.iban-invalid",
        "applicant.email-invalid",
        "applicant.not-eligible",
        "applicant.age-out-of-range",
        "applicant.adult-contact-required",
        "period.end-before-start",
        "period.outside-year",
        "period.too-late",
        "period.already-started",
        "period.early-start",
        "costs.empty",
        "costs.category-not-allowed",
        "costs.amount-mismatch",
        "costs.offers-missing",
        "costs.inventory",
        "costs.km-rate",
        "plan.unbalanced",
        "grant.below-min",
        "grant.above-max",
        "grant.rate-exceeded",
        "grant.exceeds-budget",
        "declaration.missing",
        "submission.no-session-left",
    },
    "report": {
        "receipt.outside-period",
        "receipt.category-not-in-plan",
        "receipt.duplicate",
        "report.line-overrun",
        "report.total-overrun",
        "report.own-funds-reduced",
        "report.overdue",
        "report.narrative-missing",
    },
    "meeting": {
        "meeting.not-quorate",
        "meeting.not-all-invited",
        "item.not-quorate",
        "vote.voter-absent",
        "vote.conflicted",
        "vote.double-representation",
        "vote.not-member",
        "written.objection",
        "committee.no-civil-majority",
    },
    "closing": {"closing.dates", "payout.late-use", "interest.waived"},
}
WARNINGS = {
    "period.early-start",
    "costs.inventory",
    "receipt.outside-period",
    "receipt.category-not-in-plan",
    "receipt.duplicate",
    "report.line-overrun",
    "report.total-overrun",
    "report.own-funds-reduced",
    "report.overdue",
    "committee.no-civil-majority",
    "payout.late-use",
    "interest.waived",
}
# The kinds whose rules the domain's cases (rule_cases.py) emit; the notice's and the
# documents' are emitted where documents are rendered (tests/operations/test_render_rules.py).
DOMAIN_KINDS = {"common", "application", "report", "meeting", "payment", "closing", "review"}


def registry() -> dict[tuple[str, str], Rule]:
    return {(rule.kind.key, rule.code): rule for rule in all_rules()}


def test_every_code_of_the_contract_is_defined_for_its_kind_with_its_severity() -> None:
    rules = registry()
    missing = sorted(
        (kind, code)
        for kind, codes in CONTRACT.items()
        for code in codes
        if (kind, code) not in rules
    )
    assert missing == []
    for kind, codes in CONTRACT.items():
        for code in codes:
            expected = "warning" if code in WARNINGS else "error"
            assert rules[kind, code].severity == expected, code


def _rule_of(finding: Finding, case: Case, rules: dict[tuple[str, str], Rule]) -> Rule:
    rule = rules.get((case.kind, finding.code)) or rules.get((COMMON.key, finding.code))
    assert rule is not None, f"{case.name}: {finding.code} is no rule of {case.kind}"
    return rule


def _emitted(cases: Iterable[Case]) -> list[tuple[Case, Finding]]:
    return [(case, finding) for case in cases for finding in case.run()]


def test_the_cases_are_not_empty() -> None:
    for case in DOMAIN_CASES:
        assert case.run(), f"the case {case.name!r} emits nothing"


def test_every_finding_the_engine_emits_is_an_instance_of_its_defined_rule() -> None:
    rules = registry()
    guideline_source = f"Fördergrundsätze {aif().fund_name}"
    for case, finding in _emitted(DOMAIN_CASES):
        rule = _rule_of(finding, case, rules)
        assert finding.severity == rule.severity, (case.name, finding.code)
        if not rule.specific_messages:
            assert finding.message.msgid in rule.msgids, (case.name, finding.code)
        if rule.source is None or isinstance(rule.source, str):
            assert finding.source == rule.source, (case.name, finding.code)
        else:
            assert finding.source in (guideline_source, "Fördergrundsätze Jugendfonds 2026")


def test_every_rule_and_message_of_the_domain_is_emitted_by_some_case() -> None:
    """No rule in the catalogue that the engine cannot say (and no message variant)."""
    rules = registry()
    said = set()
    for case, finding in _emitted(DOMAIN_CASES):
        rule = _rule_of(finding, case, rules)
        said.add(
            (rule.kind.key, rule.code, "" if rule.specific_messages else finding.message.msgid)
        )
    defined = {
        (rule.kind.key, rule.code, "" if rule.specific_messages else msgid)
        for rule in rules.values()
        if rule.kind.key in DOMAIN_KINDS
        for msgid in rule.msgids
    }
    assert sorted(defined - said) == []


def test_a_finding_with_a_code_no_rule_defines_cannot_be_made() -> None:
    with pytest.raises(UndefinedRuleError):
        Finding("costs.too-expensive", "error", "costs", Message("Too expensive."))
    # a defined code with another severity than its rule's is refused too
    with pytest.raises(UndefinedRuleError):
        Finding("costs.inventory", "error", "costs[0].amount", Message("Inventory."))


def test_a_rule_is_used_with_its_own_parameters_variants_and_source() -> None:
    rules = registry()
    km_rate = rules["application", "costs.km-rate"]
    with pytest.raises(UndefinedRuleError, match="rate"):
        km_rate.finding("costs[0].unit_price")
    with pytest.raises(UndefinedRuleError, match="variant"):
        km_rate.finding("costs[0].unit_price", {"rate": 1}, variant="other")
    with pytest.raises(UndefinedRuleError, match="guideline"):
        km_rate.finding("costs[0].unit_price", {"rate": 1}, guideline=aif())
    below_min = rules["application", "grant.below-min"]
    with pytest.raises(UndefinedRuleError, match="guideline"):
        below_min.finding("financing.requested", {"min": 1})
    finding = below_min.finding("financing.requested", {"min": 1}, guideline=aif())
    assert finding.source == "Fördergrundsätze Aktions- und Initiativfonds 2026"
    required = rules["common", "field.required"]
    with pytest.raises(UndefinedRuleError, match="variant"):
        required.finding("fund", {"label": "Fund"})
    invalid = rules["common", "input.invalid"]
    with pytest.raises(UndefinedRuleError):
        invalid.finding("fund")
    with pytest.raises(UndefinedRuleError):
        km_rate.finding_about("costs[0].unit_price", Message("Too much."))


def test_a_code_cannot_be_defined_twice_for_a_kind_with_another_meaning() -> None:
    rule = registry()["application", "costs.empty"]
    with pytest.raises(UndefinedRuleError, match="twice"):
        define(rule.kind, rule.code, "warning", rule.msgids[0])
    # defining it again as it is (a module imported twice) changes nothing
    assert define(rule.kind, rule.code, rule.severity, rule.msgids[0]) == rule


def _constructs_findings(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    if "Finding" not in text:  # most files: no need to parse them
        return []
    tree = ast.parse(text, filename=str(path))
    return [
        f"{path.name}:{node.lineno}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and (
            (isinstance(node.func, ast.Name) and node.func.id == "Finding")
            or (isinstance(node.func, ast.Attribute) and node.func.attr == "Finding")
        )
    ]


def test_only_a_rule_makes_a_finding() -> None:
    """Findings come from Rule.finding, so their message and source are the catalogue's."""
    offenders = []
    for folder in ("service", "forms"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            if path != ROOT / "service" / "domain" / "findings.py":
                offenders += [
                    f"{path.parent.relative_to(ROOT)}/{o}" for o in _constructs_findings(path)
                ]
    assert offenders == []


def test_the_scan_for_findings_made_by_hand_would_notice_one(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "from service.domain import findings\n"
        "from service.domain.findings import Finding\n"
        "findings.Finding('a.b', 'error', '', None)\n"
        "Finding('a.b', 'error', '', None)\n",
        encoding="utf-8",
    )
    assert _constructs_findings(sample) == ["sample.py:3", "sample.py:4"]
