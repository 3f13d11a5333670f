"""A partnership's letterhead settings: who issues, who advises, how the paper looks.

Loaded from a partnership TOML (``tests/fixtures/partnership.toml`` shows the format) for
``render --partnership``, or filled from the database row of the record's partnership
(``service/operations/partnerships.letterhead_of``) – then the logo comes as bytes
(``logo_data``), never as a path. Documents only ever see this plain data.
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
    signatory_function: str = ""


@dataclass(frozen=True)
class CoordinationOffice:
    carrier: str
    name: str
    street: str
    postal_code: str
    city: str
    contact: str
    email: str
    phone: str = ""


@dataclass(frozen=True)
class Legal:
    """What the notices' legal texts need (spec example: [legal])."""

    procedure_act: str
    remedy: str  # "widerspruch" | "klage"
    remedy_body: str
    notification_days: int


@dataclass(frozen=True)
class Partnership:
    slug: str
    name: str
    lead_office: LeadOffice
    coordination_office: CoordinationOffice
    programme_line: str
    # a path (settings file) or the PNG's bytes (database); bytes win
    logo: str = ""
    logo_data: bytes = b""
    legal: Legal | None = None
    # fund key → Haushaltsstelle
    budget_lines: tuple[tuple[str, str], ...] = ()

    def budget_line(self, fund_key: str) -> str:
        return dict(self.budget_lines).get(fund_key, "")


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
    legal = _legal(data.get("legal"), problems)
    lead_extra = data.get("lead_office")
    function = lead_extra.get("signatory_function", "") if isinstance(lead_extra, Mapping) else ""
    coordination_extra = data.get("coordination_office")
    phone = coordination_extra.get("phone", "") if isinstance(coordination_extra, Mapping) else ""
    lines = data.get("budget_lines", {})
    if not isinstance(function, str):
        problems.append(("lead_office.signatory_function", "expected a string"))
    if not isinstance(phone, str):
        problems.append(("coordination_office.phone", "expected a string"))
    if not isinstance(lines, Mapping) or not all(isinstance(v, str) for v in lines.values()):
        problems.append(("budget_lines", "expected a table of strings"))
    if problems:
        raise PartnershipError(problems)
    return Partnership(
        slug=values["partnership"]["slug"],
        name=values["partnership"]["name"],
        lead_office=LeadOffice(**values["lead_office"], signatory_function=function.strip()),
        coordination_office=CoordinationOffice(
            **values["coordination_office"], phone=phone.strip()
        ),
        programme_line=values["branding"]["programme_line"],
        logo=str(logo).strip(),
        legal=legal,
        budget_lines=tuple(sorted((str(k), v.strip()) for k, v in lines.items())),
    )


def _legal(section: Any, problems: list[tuple[str, str]]) -> Legal | None:
    """[legal], where given completely; an older partnership without it gets the notices'
    general wording."""
    if section is None:
        return None
    if not isinstance(section, Mapping):
        problems.append(("legal", "expected a table"))
        return None
    texts = {}
    for key in ("procedure_act", "remedy", "remedy_body"):
        value = section.get(key, "")
        if not isinstance(value, str):
            problems.append((f"legal.{key}", "expected a string"))
        texts[key] = str(value).strip()
    days = section.get("notification_days")
    if days is not None and (isinstance(days, bool) or not isinstance(days, int)):
        problems.append(("legal.notification_days", "expected an integer"))
        return None
    if texts["remedy"] and texts["remedy"] not in ("widerspruch", "klage"):
        problems.append(("legal.remedy", "expected widerspruch or klage"))
    if not all(texts.values()) or days is None:
        return None
    return Legal(notification_days=days, **texts)


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
