"""A finding: what the rules engine says about one field of an input."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from .messages import Localizer, Message

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Finding:
    code: str
    severity: Severity
    field: str
    message: Message
    source: str | None = None

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


def error(code: str, field: str, message: Message, source: str | None = None) -> Finding:
    return Finding(code, "error", field, message, source)


def warning(code: str, field: str, message: Message, source: str | None = None) -> Finding:
    return Finding(code, "warning", field, message, source)
