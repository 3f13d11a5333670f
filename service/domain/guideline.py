"""The guideline file (Fördergrundsätze) of one fund and year: loading and validation.

Format: spec/rules.md. Every problem is reported with the dotted key it concerns; the loader
collects all problems before it gives up.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
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
from .messages import N_, Message, PlainLocalizer

# what is wrong with a key: "missing", a translatable message, or a plain (English) text
Detail = str | Message


class GuidelineError(ValueError):
    """The guideline cannot be used. ``problems`` holds (dotted key, what is wrong)."""

    def __init__(self, problems: list[tuple[str, Detail]]) -> None:
        self.problems = problems
        super().__init__(
            "; ".join(
                f"{key}: {text.render(PlainLocalizer()) if isinstance(text, Message) else text}"
                for key, text in problems
            )
        )


@dataclass(frozen=True)
class Guideline:
    fund_key: str
    fund_name: str
    fund_kind: str
    year: int
    budget: Decimal
    deciding_body: str
    financing_type: str
    # the session dates, sorted; deadlines: see deadline_of
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
    # (session, deadline) for the sessions whose application deadline the partnership
    # publishes itself (``{ date = …, deadline = … }`` in fund.sessions); sorted by session
    own_deadlines: tuple[tuple[date, date], ...] = ()

    @property
    def has_age_limits(self) -> bool:
        return self.min_age is not None or self.max_age is not None

    def deadline_of(self, session: date) -> date:
        """The last day an application for ``session`` may be submitted (that day is in time):
        the session's own published deadline, else session − submission_lead_days."""
        for day, deadline in self.own_deadlines:
            if day == session:
                return deadline
        return session - timedelta(days=self.submission_lead_days)

    def has_own_deadline(self, session: date) -> bool:
        return any(day == session for day, _deadline in self.own_deadlines)

    @property
    def session_deadlines(self) -> tuple[tuple[date, date], ...]:
        """Every session with its application deadline, in the order of the sessions."""
        return tuple((day, self.deadline_of(day)) for day in self.sessions)

    def open_sessions(self, day: date) -> tuple[tuple[date, date], ...]:
        """The sessions an application submitted on ``day`` can still reach, with deadlines."""
        return tuple((s, d) for s, d in self.session_deadlines if d >= day)

    def session_for(self, submitted_on: date) -> date | None:
        """The earliest session whose deadline is on or after ``submitted_on`` (None: none
        left) – spec/rules.md, ``submission.no-session-left``."""
        reachable = self.open_sessions(submitted_on)
        return reachable[0][0] if reachable else None


T = TypeVar("T")
D = TypeVar("D")
_MISSING = object()


class _Reader:
    def __init__(self, data: Mapping[str, Any]) -> None:
        self.data = data
        self.problems: list[tuple[str, Detail]] = []

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
        except _Bad as exc:
            self.problems.append((key, exc.message))
            return default
        except (TypeError, ValueError, InvalidOperation) as exc:
            self.problems.append((key, str(exc) or "invalid value"))
            return default


class _Bad(ValueError):
    """A value the guideline cannot use; ``message`` says why in words a person can act on."""

    def __init__(self, msgid: str, **params: str) -> None:
        self.message = Message(msgid, params)
        super().__init__(msgid % params if params else msgid)


def _text(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _Bad(N_("expected a non-empty text in quotation marks"))
    return value


def _int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _Bad(N_("expected a whole number without quotation marks"))
    if value < 0:
        raise _Bad(N_("expected a whole number of 0 or more"))
    return value


def _decimal(value: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise _Bad(N_('expected a decimal number as a text, for example "1000.00"'))
    # floats from TOML are taken by their shortest representation ("0.2" stays 0.2)
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise _Bad(N_('expected a decimal number with a point, for example "1000.00"')) from None
    if not number.is_finite() or number < 0:
        raise _Bad(N_("expected a decimal number of 0 or more"))
    return number


def _date(value: Any) -> date:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise _Bad(N_("expected a date YYYY-MM-DD, for example 2027-03-08"))


_SESSION_KEYS = frozenset({"date", "deadline"})


def _session(value: Any) -> tuple[date, date | None]:
    """One entry of fund.sessions: a date, or ``{ date = …, deadline = … }``."""
    if not isinstance(value, Mapping):
        return _date(value), None
    unknown = sorted(str(key) for key in value if key not in _SESSION_KEYS)
    if unknown:
        raise _Bad(
            N_("unknown key “%(key)s” in a session; allowed are date and deadline"),
            key=unknown[0][:40],
        )
    if "date" not in value:
        raise _Bad(N_("a session given as a table needs its date (date = YYYY-MM-DD)"))
    day = _date(value["date"])
    if "deadline" not in value:
        return day, None
    deadline = _date(value["deadline"])
    if deadline > day:
        raise _Bad(
            N_("the application deadline %(deadline)s is after its session %(session)s"),
            deadline=deadline.isoformat(),
            session=day.isoformat(),
        )
    return day, deadline


def _one_of(catalogue: Mapping[str, str]) -> Callable[[Any], str]:
    def convert(value: Any) -> str:
        if value not in catalogue:
            raise _Bad(N_("expected one of %(allowed)s"), allowed=", ".join(sorted(catalogue)))
        return str(value)

    return convert


def _list_of(item: Callable[[Any], T]) -> Callable[[Any], tuple[T, ...]]:
    def convert(value: Any) -> tuple[T, ...]:
        if not isinstance(value, list):
            raise _Bad(N_("expected a list in square brackets"))
        return tuple(item(v) for v in value)

    return convert


def parse_guideline(data: Mapping[str, Any]) -> Guideline:
    r = _Reader(data)
    zero = Decimal(0)
    epoch = date(1970, 1, 1)
    no_keys: tuple[str, ...] = ()
    no_entries: tuple[tuple[date, date | None], ...] = ()
    entries = r.get("fund.sessions", _list_of(_session), no_entries)
    guideline = Guideline(
        fund_key=r.get("fund.key", _text, ""),
        fund_name=r.get("fund.name", _text, ""),
        fund_kind=r.get("fund.kind", _one_of(FUND_KINDS), ""),
        year=r.get("fund.year", _int, 0),
        budget=r.get("fund.budget", _decimal, zero),
        deciding_body=r.get("fund.deciding_body", _one_of(DECIDING_BODIES), ""),
        financing_type=r.get("fund.financing_type", _one_of(FINANCING_TYPES), ""),
        sessions=tuple(sorted(day for day, _deadline in entries)),
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
        own_deadlines=tuple(
            sorted((day, deadline) for day, deadline in entries if deadline is not None)
        ),
    )  # r.get returns the default on problems; GuidelineError is raised below
    if not r.problems:
        if guideline.grant_min > guideline.grant_max:
            r.problems.append(("grant.min", Message(N_("greater than grant.max"))))
        if guideline.max_rate > 1:
            r.problems.append(("grant.max_rate", Message(N_("must be at most 1"))))
        if guideline.year and not (1900 < guideline.year < 2200):
            r.problems.append(("fund.year", Message(N_("implausible year"))))
        if len(set(guideline.sessions)) != len(guideline.sessions):
            r.problems.append(("fund.sessions", Message(N_("a session date is listed twice"))))
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
