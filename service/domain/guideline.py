"""The guideline file (Fördergrundsätze) of one fund and year: loading and validation.

Format: spec/rules.md. Every problem is reported with the dotted key it concerns; the loader
collects all problems before it gives up.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, TypeVar

from .catalogues import (
    COST_CATEGORIES,
    DECIDING_BODIES,
    FINANCING_TYPES,
    FUND_KINDS,
    LEGAL_FORMS,
)


class GuidelineError(ValueError):
    """The guideline cannot be used. ``problems`` holds (dotted key, English description)."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{key}: {text}" for key, text in problems))


@dataclass(frozen=True)
class Guideline:
    fund_key: str
    fund_name: str
    fund_kind: str
    year: int
    budget: Decimal
    deciding_body: str
    financing_type: str
    sessions: tuple[date, ...]
    grant_min: Decimal
    grant_max: Decimal
    max_rate: Decimal
    full_rate_up_to: Decimal
    eligible_legal_forms: tuple[str, ...]
    min_age: int | None
    max_age: int | None
    adult_contact_under: int | None
    latest_end: date
    categories: tuple[str, ...]
    offers_threshold: Decimal
    inventory_threshold: Decimal
    km_rate_max: Decimal
    submission_lead_days: int
    report_due_days: int
    overrun_tolerance: Decimal
    refund_waiver_below: Decimal

    @property
    def has_age_limits(self) -> bool:
        return self.min_age is not None or self.max_age is not None


T = TypeVar("T")
D = TypeVar("D")
_MISSING = object()


class _Reader:
    def __init__(self, data: Mapping[str, Any]) -> None:
        self.data = data
        self.problems: list[tuple[str, str]] = []

    def _raw(self, key: str, optional: bool) -> Any:
        node: Any = self.data
        for part in key.split("."):
            if not isinstance(node, Mapping) or part not in node:
                if not optional:
                    self.problems.append((key, "missing"))
                return _MISSING
            node = node[part]
        return node

    def get(self, key: str, convert: Callable[[Any], T], default: T) -> T:
        """A required key; on a problem the default keeps the build going (raised later)."""
        raw = self._raw(key, optional=False)
        if raw is _MISSING:
            return default
        return self._convert(key, raw, convert, default)

    def optional(self, key: str, convert: Callable[[Any], T]) -> T | None:
        raw = self._raw(key, optional=True)
        if raw is _MISSING:
            return None
        return self._convert(key, raw, convert, None)

    def _convert(self, key: str, raw: Any, convert: Callable[[Any], T], default: D) -> T | D:
        try:
            return convert(raw)
        except (TypeError, ValueError, InvalidOperation) as exc:
            self.problems.append((key, str(exc) or "invalid value"))
            return default


def _text(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError("expected a non-empty string")
    return value


def _int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError("expected an integer")
    if value < 0:
        raise ValueError("expected a non-negative integer")
    return value


def _decimal(value: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ValueError("expected a decimal number as a string")
    # floats from TOML are taken by their shortest representation ("0.2" stays 0.2)
    number = Decimal(str(value))
    if not number.is_finite() or number < 0:
        raise ValueError("expected a finite, non-negative decimal number")
    return number


def _date(value: Any) -> date:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        return date.fromisoformat(value)
    raise ValueError("expected a date YYYY-MM-DD")


def _one_of(catalogue: Mapping[str, str]) -> Callable[[Any], str]:
    def convert(value: Any) -> str:
        if value not in catalogue:
            raise ValueError(f"expected one of {', '.join(sorted(catalogue))}")
        return str(value)

    return convert


def _list_of(item: Callable[[Any], T]) -> Callable[[Any], tuple[T, ...]]:
    def convert(value: Any) -> tuple[T, ...]:
        if not isinstance(value, list):
            raise ValueError("expected a list")
        return tuple(item(v) for v in value)

    return convert


def parse_guideline(data: Mapping[str, Any]) -> Guideline:
    r = _Reader(data)
    zero = Decimal(0)
    epoch = date(1970, 1, 1)
    no_dates: tuple[date, ...] = ()
    no_keys: tuple[str, ...] = ()
    guideline = Guideline(
        fund_key=r.get("fund.key", _text, ""),
        fund_name=r.get("fund.name", _text, ""),
        fund_kind=r.get("fund.kind", _one_of(FUND_KINDS), ""),
        year=r.get("fund.year", _int, 0),
        budget=r.get("fund.budget", _decimal, zero),
        deciding_body=r.get("fund.deciding_body", _one_of(DECIDING_BODIES), ""),
        financing_type=r.get("fund.financing_type", _one_of(FINANCING_TYPES), ""),
        sessions=tuple(sorted(r.get("fund.sessions", _list_of(_date), no_dates))),
        grant_min=r.get("grant.min", _decimal, zero),
        grant_max=r.get("grant.max", _decimal, zero),
        max_rate=r.get("grant.max_rate", _decimal, zero),
        full_rate_up_to=r.get("grant.full_rate_up_to", _decimal, zero),
        eligible_legal_forms=r.get(
            "applicant.eligible_legal_forms", _list_of(_one_of(LEGAL_FORMS)), no_keys
        ),
        min_age=r.optional("applicant.min_age", _int),
        max_age=r.optional("applicant.max_age", _int),
        adult_contact_under=r.optional("applicant.adult_contact_under", _int),
        latest_end=r.get("period.latest_end", _date, epoch),
        categories=r.get("costs.categories", _list_of(_one_of(COST_CATEGORIES)), no_keys),
        offers_threshold=r.get("costs.offers_threshold", _decimal, zero),
        inventory_threshold=r.get("costs.inventory_threshold", _decimal, zero),
        km_rate_max=r.get("costs.km_rate_max", _decimal, zero),
        submission_lead_days=r.get("deadlines.submission_lead_days", _int, 0),
        report_due_days=r.get("deadlines.report_due_days", _int, 0),
        overrun_tolerance=r.get("report.overrun_tolerance", _decimal, zero),
        refund_waiver_below=r.get("report.refund_waiver_below", _decimal, zero),
    )  # r.get returns the default on problems; GuidelineError is raised below
    if not r.problems:
        if guideline.grant_min > guideline.grant_max:
            r.problems.append(("grant.min", "greater than grant.max"))
        if guideline.max_rate > 1:
            r.problems.append(("grant.max_rate", "must be at most 1"))
        if guideline.year and not (1900 < guideline.year < 2200):
            r.problems.append(("fund.year", "implausible year"))
    if r.problems:
        raise GuidelineError(r.problems)
    return guideline


def load_guideline_text(text: str) -> Guideline:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise GuidelineError([("", f"not valid TOML: {exc}")]) from exc
    return parse_guideline(data)


def load_guideline(path: str | Path) -> Guideline:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise GuidelineError([("", f"cannot read {path}: {exc}")]) from exc
    return load_guideline_text(text)
