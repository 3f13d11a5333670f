"""Shared test data for the domain tests: the contract's examples, loaded fresh each time."""

from __future__ import annotations

import copy
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from service.domain.findings import Finding
from service.domain.guideline import Guideline, load_guideline, load_guideline_text
from service.domain.jsonio import load_json_text

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
# a fixed "today" so that defaults never depend on the day the tests run
TODAY = date(2026, 2, 20)

_cache: dict[str, Any] = {}


def example(name: str) -> Any:
    """A fresh deep copy of a JSON example (tests may change it)."""
    if name not in _cache:
        _cache[name] = load_json_text((FIXTURES / name).read_text(encoding="utf-8"))
    return copy.deepcopy(_cache[name])


def application() -> Any:
    return example("application-aif.json")


def report() -> Any:
    return example("report-aif.json")


def meeting() -> Any:
    return example("meeting-bga.json")


def closing() -> Any:
    return example("closing-aif.json")


def aif() -> Guideline:
    return load_guideline(FIXTURES / "guideline-aif-2026.toml")


def aif_with_sessions(sessions: str) -> Guideline:
    """The AIF guideline with another ``fund.sessions`` value (a TOML array)."""
    text = (FIXTURES / "guideline-aif-2026.toml").read_text(encoding="utf-8")
    line = 'sessions = ["2026-03-10", "2026-05-12", "2026-09-08"]'
    assert line in text
    return load_guideline_text(text.replace(line, f"sessions = {sessions}"))


def jf() -> Guideline:
    return load_guideline(FIXTURES / "guideline-jf-2026.toml")


def pairs(findings: Iterable[Finding]) -> set[tuple[str, str]]:
    """(code, field) of every finding."""
    return {(f.code, f.field) for f in findings}


def codes(findings: Iterable[Finding]) -> set[str]:
    return {f.code for f in findings}


def reviewed(
    payouts: Iterable[tuple[str, str]] = (("2026-05-10", "300.00"), ("2026-06-01", "300.00")),
    *,
    data: Any = None,
    guideline: Guideline | None = None,
    recognised: dict[str, tuple[str, str]] | None = None,
    sampled: Iterable[str] = ("1",),
    note: str = "Belege 1 im Original geprüft; Sachbericht schlüssig.",
) -> Any:
    """A review (service/domain/review.py) of the report example, by default: paid out
    300.00 on 10 May and 300.00 on 1 June 2026, receipt 1 checked, a review note written."""
    from service.domain.closing import Movement
    from service.domain.report import parse_report
    from service.domain.review import Recognition, Review

    parsed, problems = parse_report(report() if data is None else data, today=TODAY)
    assert parsed is not None, problems
    return Review(
        report=parsed,
        guideline=guideline or aif(),
        payouts=tuple(Movement(date.fromisoformat(d), Decimal(a)) for d, a in payouts),
        recognised={
            category: Recognition(Decimal(amount), reason)
            for category, (amount, reason) in (recognised or {}).items()
        },
        sampled=frozenset(sampled),
        note=note,
    )
