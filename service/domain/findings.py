"""Findings and the rules that make them.

A rule is defined once, in the module that applies it, with :func:`define`: its code, severity,
message(s) and source. A finding – what the rules engine says about one field of an input – is
made from a defined rule (:meth:`Rule.finding`); a :class:`Finding` whose code no rule defines
cannot be constructed at all. So the catalogue of the rules (:mod:`.rule_catalogue`,
``foerderwerk rules``, docs/rules.md) lists every code the engine can emit, with the messages
it emits.

A new module of rules defines its :class:`RuleKind` and its rules at import time; the
catalogue finds every module of the domain by itself.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from .guideline import Guideline
from .messages import N_, Localizer, Message, ParamValue
from .sources import GuidelineCitation

Severity = Literal["error", "warning"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning")

# "%(limit)s" in a msgid: the parameters a finding of the rule must give
_PLACEHOLDER = re.compile(r"%\((\w+)\)s")


class UndefinedRuleError(ValueError):
    """A finding for a code (and severity) that no rule defines, or a rule used wrongly."""


@dataclass(frozen=True)
class RuleKind:
    """What a group of rules checks. ``title`` is a msgid; ``rank`` orders the groups in the
    catalogue (smaller first)."""

    key: str
    title: str
    rank: int


# field.required, input.invalid and guideline.invalid: the same in every check
COMMON = RuleKind("common", N_("Every check"), 0)


@dataclass(frozen=True)
class Rule:
    """One rule of the engine. ``messages`` pairs a variant name with its msgid (most rules
    have one message, variant ``""``). A rule with ``specific_messages`` (``input.invalid``)
    carries the message of the particular problem; its one msgid describes them for the
    catalogue."""

    kind: RuleKind
    code: str
    severity: Severity
    messages: tuple[tuple[str, str], ...]
    source: str | GuidelineCitation | None = None
    specific_messages: bool = False

    @property
    def msgids(self) -> tuple[str, ...]:
        return tuple(msgid for _variant, msgid in self.messages)

    def msgid(self, variant: str = "") -> str:
        for name, msgid in self.messages:
            if name == variant:
                return msgid
        raise UndefinedRuleError(f"{self.code} has no message variant {variant!r}")

    def cite(self, guideline: Guideline | None = None) -> str | None:
        """The source a finding names: the fund's own guideline where the rule is one of it."""
        if isinstance(self.source, GuidelineCitation):
            if guideline is None:
                raise UndefinedRuleError(f"{self.code} cites the guideline: pass it")
            return self.source.cite(guideline)
        if guideline is not None:
            raise UndefinedRuleError(f"{self.code} does not cite the guideline")
        return self.source

    def finding(
        self,
        field: str,
        params: Mapping[str, ParamValue] | None = None,
        *,
        variant: str = "",
        guideline: Guideline | None = None,
    ) -> Finding:
        """A finding of this rule on ``field``; ``params`` fill the message's placeholders
        (exactly those), ``guideline`` is needed where the rule cites the fund's guideline."""
        if self.specific_messages:
            raise UndefinedRuleError(f"{self.code} needs the problem's message: finding_about()")
        msgid = self.msgid(variant)
        given = dict(params or {})
        wanted = set(_PLACEHOLDER.findall(msgid))
        if set(given) != wanted:
            raise UndefinedRuleError(
                f"{self.code}: the message needs {sorted(wanted)}, given {sorted(given)}"
            )
        return Finding(self.code, self.severity, field, Message(msgid, given), self.cite(guideline))

    def finding_about(self, field: str, message: Message) -> Finding:
        """A finding of a rule whose message names the particular problem (input.invalid)."""
        if not self.specific_messages:
            raise UndefinedRuleError(f"{self.code} has defined messages: use finding()")
        return Finding(self.code, self.severity, field, message, self.cite())


_RULES: dict[tuple[str, str], Rule] = {}
# code → severities some rule defines it with: what Finding accepts
_SEVERITIES_OF: dict[str, set[str]] = {}


def define(
    kind: RuleKind,
    code: str,
    severity: Severity,
    message: str | Mapping[str, str],
    *,
    source: str | GuidelineCitation | None = None,
    specific_messages: bool = False,
) -> Rule:
    """Define (and register) a rule; ``message`` is its msgid, or a mapping of variant names to
    msgids where the rule says different things in different situations."""
    messages = (("", message),) if isinstance(message, str) else tuple(message.items())
    rule = Rule(kind, code, severity, messages, source, specific_messages)
    known = _RULES.setdefault((kind.key, code), rule)
    if known != rule:
        raise UndefinedRuleError(f"{code} is defined twice for {kind.key}")
    _SEVERITIES_OF.setdefault(code, set()).add(severity)
    return rule


def defined_rules() -> list[Rule]:
    """The rules defined so far, by kind (rank) and code. The complete catalogue imports every
    module of the domain first: :func:`.rule_catalogue.all_rules`."""
    return sorted(_RULES.values(), key=lambda r: (r.kind.rank, r.kind.key, r.code))


@dataclass(frozen=True)
class Finding:
    """What one rule says about one field. Made by :meth:`Rule.finding`."""

    code: str
    severity: Severity
    field: str
    message: Message
    source: str | None = None

    def __post_init__(self) -> None:
        if self.severity not in _SEVERITIES_OF.get(self.code, ()):
            raise UndefinedRuleError(f"no rule defines {self.code!r} as {self.severity!r}")

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def to_json(self, localizer: Localizer) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity,
            "field": self.field,
            "message": self.message.render(localizer),
            "source": self.source,
        }


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    """The contract's order: by (field, code) as strings."""
    return sorted(findings, key=lambda f: (f.field, f.code))


def has_errors(findings: Iterable[Finding]) -> bool:
    return any(f.is_error for f in findings)
