"""A partnership's letterhead settings: who issues, who advises, how the paper looks.

Loaded from a partnership TOML (``tests/fixtures/partnership.toml`` shows the format); later
the same dataclass is filled from the database. Documents only ever see this plain data.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ..paths import doc_templates_dir
from .images import ImageError, check_logo_path, load_logo

# Shipped with the templates so `render` works before any partnership is in the database.
BUILTIN_FILE = "partnership-beispiel.toml"


class PartnershipError(ValueError):
    """The settings cannot be used; ``problems`` holds (dotted key, English description)."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{key}: {text}" for key, text in problems))


@dataclass(frozen=True)
class LeadOffice:
    name: str
    unit: str
    street: str
    postal_code: str
    city: str
    phone: str
    email: str
    signatory: str
    bank: str


@dataclass(frozen=True)
class CoordinationOffice:
    carrier: str
    name: str
    street: str
    postal_code: str
    city: str
    contact: str
    email: str


@dataclass(frozen=True)
class Partnership:
    slug: str
    name: str
    lead_office: LeadOffice
    coordination_office: CoordinationOffice
    programme_line: str
    logo: str = ""


_REQUIRED: dict[str, tuple[str, ...]] = {
    "partnership": ("slug", "name"),
    "lead_office": (
        "name",
        "unit",
        "street",
        "postal_code",
        "city",
        "phone",
        "email",
        "signatory",
        "bank",
    ),
    "coordination_office": (
        "carrier",
        "name",
        "street",
        "postal_code",
        "city",
        "contact",
        "email",
    ),
    "branding": ("programme_line",),
}


def parse_partnership(data: Mapping[str, Any]) -> Partnership:
    problems: list[tuple[str, str]] = []
    values: dict[str, dict[str, str]] = {}
    for table, keys in _REQUIRED.items():
        section = data.get(table)
        if not isinstance(section, Mapping):
            problems.append((table, "missing table"))
            continue
        values[table] = {}
        for key in keys:
            value = section.get(key)
            if not isinstance(value, str) or not value.strip():
                problems.append((f"{table}.{key}", "expected a non-empty string"))
            else:
                values[table][key] = value.strip()
    branding = data.get("branding")
    logo = branding.get("logo", "") if isinstance(branding, Mapping) else ""
    if not isinstance(logo, str):
        problems.append(("branding.logo", "expected a string"))
    elif logo.strip():
        try:
            check_logo_path(logo.strip())
        except ImageError as exc:
            problems.append(("branding.logo", str(exc)))
    if problems:
        raise PartnershipError(problems)
    return Partnership(
        slug=values["partnership"]["slug"],
        name=values["partnership"]["name"],
        lead_office=LeadOffice(**values["lead_office"]),
        coordination_office=CoordinationOffice(**values["coordination_office"]),
        programme_line=values["branding"]["programme_line"],
        logo=str(logo).strip(),
    )


def load_partnership(path: str | Path) -> Partnership:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PartnershipError([("", f"cannot read {path}: {exc}")]) from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PartnershipError([("", f"not valid TOML: {exc}")]) from exc
    partnership = parse_partnership(data)
    if not partnership.logo:
        return partnership
    # a relative logo path belongs to the settings file, not to the current directory
    logo = Path(path).parent / partnership.logo
    try:
        load_logo(str(logo))
    except ImageError as exc:
        raise PartnershipError([("branding.logo", str(exc))]) from exc
    return replace(partnership, logo=str(logo))


def builtin_partnership() -> Partnership:
    """The fictional example partnership shipped with the templates (the demo's letterhead)."""
    return load_partnership(doc_templates_dir() / BUILTIN_FILE)
