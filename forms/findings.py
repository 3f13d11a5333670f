"""Put the rules engine's findings at the form fields they concern.

A finding names a path of the interchange shape (``applicant.email``, ``costs[2].amount``);
each form step covers one part of it. The form never checks content itself: this module only
translates findings into field errors, field warnings and the error summary's entries.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from wtforms import Field, FieldList, Form, FormField

from service.domain.findings import Finding
from service.domain.messages import Localizer

_PART = re.compile(r"([a-z_]+)(?:\[(\d+)\])?")


@dataclass(frozen=True)
class SummaryEntry:
    """One line of the error summary: the message and the id of the field it links to."""

    message: str
    anchor: str
    severity: str


def resolve(form: Form, path: str) -> Field | None:
    """The field of ``form`` for a path relative to the form's part, or None."""
    if not path:
        return None
    if path == "adult_contact":  # the contact as a whole: its first input
        path = "adult_contact_name"
    path = path.replace("adult_contact.", "adult_contact_")
    current: object = form
    for part in path.split("."):
        match = _PART.fullmatch(part)
        if match is None:
            return None
        name, index = match.group(1), match.group(2)
        container = current.form if isinstance(current, FormField) else current
        if not isinstance(container, Form) or name not in container:
            return None
        current = container[name]
        if index is not None:
            if not isinstance(current, FieldList) or int(index) >= len(current.entries):
                return None
            current = current.entries[int(index)]
    if isinstance(current, FormField):
        return None
    return current if isinstance(current, Field) else None


def field_anchor(field: Field) -> str:
    """The id of the element to focus: the first checkbox of a group, else the field."""
    choices = getattr(field, "choices", None)
    if field.type == "MultiCheckboxField" and choices:
        return f"{field.id}-0"
    return str(field.id)


def attach_findings(
    form: Form,
    findings: Iterable[Finding],
    prefix: str,
    localizer: Localizer,
    fallback_anchor: str,
) -> list[SummaryEntry]:
    """Add each finding under ``prefix`` to its field; return the summary entries.

    ``prefix`` is the part of the interchange this form covers ("applicant", "costs", "" for
    everything). A finding whose field has no input of its own (``financing`` for an
    unbalanced plan, ``costs`` for an empty plan) links to ``fallback_anchor``.
    """
    entries: list[SummaryEntry] = []
    for finding in findings:
        if prefix and not (
            finding.field == prefix or finding.field.startswith((prefix + ".", prefix + "["))
        ):
            continue
        relative = finding.field if not prefix else finding.field[len(prefix) :].lstrip(".")
        if prefix == "costs" and relative.startswith("["):
            relative = "costs" + relative
        text = finding.message.render(localizer)
        field = resolve(form, relative)
        if field is None:
            entries.append(SummaryEntry(text, fallback_anchor, finding.severity))
            continue
        if finding.is_error:
            errors = list(field.errors) if isinstance(field.errors, list | tuple) else []
            if text not in errors:
                errors.append(text)
            field.errors = errors
        else:
            warnings = getattr(field, "warnings", [])
            field.warnings = [*warnings, text]
        entries.append(SummaryEntry(text, field_anchor(field), finding.severity))
    return entries


def parse_errors(form: Form) -> list[SummaryEntry]:
    """Summary entries for the values that could not be read at all (German money, dates)."""
    entries: list[SummaryEntry] = []

    def walk(field: Field) -> None:
        if isinstance(field, FormField):
            for sub in field.form:
                walk(sub)
        elif isinstance(field, FieldList):
            for entry in field.entries:
                walk(entry)
        else:
            for message in field.errors if isinstance(field.errors, list | tuple) else []:
                entries.append(SummaryEntry(str(message), field_anchor(field), "error"))

    for field in form:
        walk(field)
    return entries
