"""A partnership's letterhead settings: who issues, who advises, how the paper looks.

Loaded from a partnership TOML (``tests/fixtures/partnership.toml`` shows the format) for
``render --partnership``, or filled from the database row of the record's partnership
(``service/operations/partnerships.letterhead_of``) – then the logo comes as bytes
(``logo_data``), never as a path. Documents only ever see this plain data.
"""

from __future__ import annotations

import hashlib
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
class AnnexFile:
    """A PDF of the settings' [annexes] (the ANBest-P or ANBest-Gk): ``key`` is the settings
    key (``anbest_p``), ``name`` the file's name."""

    key: str
    name: str
    data: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


ANNEX_KEYS = ("anbest_p", "anbest_gk")


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
    # [annexes]: the general conditions an approval appends as Anlage 2 (issue 18)
    annexes: tuple[AnnexFile, ...] = ()

    def budget_line(self, fund_key: str) -> str:
        return dict(self.budget_lines).get(fund_key, "")

    def annex(self, key: str) -> AnnexFile | None:
        return next((annex for annex in self.annexes if annex.key == key), None)


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
    partnership = replace(parse_partnership(data), annexes=_annex_files(path, data))
    if not partnership.logo:
        return partnership
    # a relative logo path belongs to the settings file, not to the current directory
    logo = Path(path).parent / partnership.logo
    try:
        load_logo(str(logo))
    except ImageError as exc:
        raise PartnershipError([("branding.logo", str(exc))]) from exc
    return replace(partnership, logo=str(logo))


def _annex_files(path: str | Path, data: Mapping[str, Any]) -> tuple[AnnexFile, ...]:
    """The [annexes] of a settings file, read relative to it; a file named there that cannot
    be read or is no PDF makes the settings unusable (as a bad logo does)."""
    section = data.get("annexes")
    if section is None:
        return ()
    if not isinstance(section, Mapping):
        raise PartnershipError([("annexes", "expected a table")])
    files: list[AnnexFile] = []
    problems: list[tuple[str, str]] = []
    for key in ANNEX_KEYS:
        value = section.get(key, "")
        if not isinstance(value, str):
            problems.append((f"annexes.{key}", "expected a path relative to the settings file"))
            continue
        if not value.strip():
            continue
        target = Path(path).parent / value.strip()
        try:
            content = target.read_bytes()
        except OSError as exc:
            problems.append((f"annexes.{key}", f"cannot read {value.strip()}: {exc.strerror}"))
            continue
        if not content.startswith(b"%PDF-"):
            problems.append((f"annexes.{key}", f"{value.strip()} is no PDF file"))
            continue
        files.append(AnnexFile(key, target.name, content))
    if problems:
        raise PartnershipError(problems)
    return tuple(files)


def builtin_partnership() -> Partnership:
    """The fictional example partnership shipped with the templates (the demo's letterhead)."""
    return load_partnership(doc_templates_dir() / BUILTIN_FILE)
