"""The catalogue of the rules: every rule the domain defines, as people read it.

``foerderwerk rules`` prints it and docs/rules.md is generated from it. It is read from the
rule definitions themselves (:func:`.findings.define`), never kept by hand: every module of
the domain is imported, so a new module's rules appear without being listed anywhere.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from dataclasses import dataclass

from .findings import Rule, RuleKind, defined_rules
from .messages import N_, Localizer
from .sources import GuidelineCitation

_PACKAGE = __name__.rpartition(".")[0]
_PLACEHOLDER = re.compile(r"%\((\w+)\)s")

SEVERITY_LABELS = {"error": N_("Error"), "warning": N_("Warning")}


def all_rules() -> list[Rule]:
    """Every rule of the domain, by kind and code."""
    package = importlib.import_module(_PACKAGE)
    for module in pkgutil.iter_modules(package.__path__):
        importlib.import_module(f"{_PACKAGE}.{module.name}")
    return defined_rules()


def readable_pattern(text: str) -> str:
    """A translated message with its placeholders as ``{name}``: "%(limit)s" → "{limit}"."""
    return _PLACEHOLDER.sub(r"{\1}", text).replace("%%", "%")


def source_text(rule: Rule) -> str | None:
    if isinstance(rule.source, GuidelineCitation):
        return rule.source.description
    return rule.source


@dataclass(frozen=True)
class Entry:
    """One rule as the catalogue shows it, in the localizer's language."""

    kind: RuleKind
    kind_title: str
    code: str
    severity: str  # "error" or "warning", as in the check's output
    severity_label: str
    messages: tuple[str, ...]
    # the messages describe the findings' messages instead of quoting them (input.invalid)
    described: bool
    source: str | None


def catalogue(localizer: Localizer) -> list[Entry]:
    return [
        Entry(
            kind=rule.kind,
            kind_title=localizer.gettext(rule.kind.title),
            code=rule.code,
            severity=rule.severity,
            severity_label=localizer.gettext(SEVERITY_LABELS[rule.severity]),
            messages=tuple(readable_pattern(localizer.gettext(m)) for m in rule.msgids),
            described=rule.specific_messages,
            source=source_text(rule),
        )
        for rule in all_rules()
    ]
