"""The rules every rendered document shares: the partnership's settings (letterhead, logo,
legal pieces, annexes) must be usable.

The settings are read in ``documents/partnership``; the findings about them are defined here,
with the other rules, so that the catalogue lists them.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any, Literal

from .emails import is_one_email_address
from .findings import RuleKind, define
from .messages import N_, Localizer, Message

DOCUMENTS = RuleKind("documents", N_("Every document"), 60)

PARTNERSHIP_INVALID = define(
    DOCUMENTS,
    "partnership.invalid",
    "error",
    N_(
        "The partnership settings (letterhead) cannot be used: %(detail)s. Please "
        "check the settings file."
    ),
)
PARTNERSHIP_LOGO = define(
    DOCUMENTS,
    "partnership.logo",
    "error",
    {
        "svg": N_(
            "The logo is an SVG file, which documents cannot show. Please save the logo as "
            "a PNG file and give its path under [branding] logo in the partnership settings."
        ),
        "unusable": N_(
            "The logo in the partnership settings cannot be used (%(detail)s). Please give "
            "the path of a PNG file under [branding] logo."
        ),
    },
)


# -- the settings themselves: every key, its kind, and the one validation (issue 16) ----------
#
# A partnership's settings come from a TOML file (``foerderwerk partnerships create/update``)
# or from the admin page; both are turned into the same nested mapping and checked here, so a
# wrong value gets the same German message, naming its key, wherever it was typed.

Kind = Literal["text", "email", "slug", "integer", "choice", "png", "pdf"]

MAX_LOGO_BYTES = 2_000_000  # as documents/images.py: a letterhead logo, not a photo
MAX_ANNEX_BYTES = 10_000_000  # an ANBest as PDF is some hundred kilobytes
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_SLUG = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")
_FUND_KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,49}")
BUDGET_LINES = "budget_lines"


@dataclass(frozen=True)
class SettingKey:
    """One key of the settings file; ``label`` and ``help`` are msgids for the admin page."""

    section: str
    key: str
    label: str
    kind: Kind = "text"
    required: bool = False
    max_length: int = 200
    choices: tuple[str, ...] = ()
    minimum: int = 0
    maximum: int = 0
    multiline: bool = False
    help: str = ""

    @property
    def name(self) -> str:
        """The form field's name and the dotted key: ``legal.notification_days``."""
        return f"{self.section}.{self.key}"

    @property
    def is_file(self) -> bool:
        return self.kind in ("png", "pdf")


@dataclass(frozen=True)
class SettingsFile:
    """A file named in the settings (logo, annex): its bytes, never a path."""

    name: str
    data: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclass(frozen=True)
class SettingsProblem:
    """One problem with one key; rendered „[legal] notification_days: Bitte …“."""

    section: str
    key: str
    message: Message

    @property
    def name(self) -> str:
        return f"{self.section}.{self.key}" if self.key else self.section

    def where(self) -> str:
        if not self.section:
            return self.key  # the file itself (not readable, not TOML)
        return f"[{self.section}] {self.key}" if self.key else f"[{self.section}]"

    def render(self, localizer: Localizer) -> str:
        return f"{self.where()}: {self.message.render(localizer)}"


# (section, legend msgid) in the order of the file and of the admin page's fieldsets
SECTIONS: tuple[tuple[str, str], ...] = (
    ("partnership", N_("Partnership")),
    ("lead_office", N_("Lead office (issuing authority)")),
    ("coordination_office", N_("Coordination office")),
    ("branding", N_("Letterhead")),
    ("legal", N_("Legal details of the notices")),
    ("data_protection", N_("Data protection officer")),
    ("imprint", N_("Imprint")),
    ("accessibility", N_("Accessibility statement")),
    (BUDGET_LINES, N_("Budget line (Haushaltsstelle) per fund")),
    ("annexes", N_("Annexes of the approval")),
)

KEYS: tuple[SettingKey, ...] = (
    SettingKey(
        "partnership",
        "slug",
        N_("Short name in web addresses (slug)"),
        "slug",
        required=True,
        max_length=63,
        help=N_("Lower-case letters, digits and hyphens, e.g. musterstadt."),
    ),
    SettingKey("partnership", "name", N_("Name of the partnership"), required=True),
    SettingKey("lead_office", "name", N_("Authority"), required=True),
    SettingKey("lead_office", "unit", N_("Unit"), required=True),
    SettingKey("lead_office", "street", N_("Street and number"), required=True),
    SettingKey("lead_office", "postal_code", N_("Postal code"), required=True, max_length=10),
    SettingKey("lead_office", "city", N_("City"), required=True, max_length=100),
    SettingKey("lead_office", "phone", N_("Phone"), required=True, max_length=50),
    SettingKey(
        "lead_office", "email", N_("E-mail address"), "email", required=True, max_length=254
    ),
    SettingKey("lead_office", "signatory", N_("Signatory"), required=True),
    SettingKey(
        "lead_office",
        "signatory_function",
        N_("Function of the signatory"),
        help=N_("E.g. Die Bürgermeisterin; empty: only the name is printed."),
    ),
    SettingKey(
        "lead_office",
        "bank",
        N_("Bank details for refunds"),
        required=True,
        help=N_("Bank and IBAN to which recipients pay back funds."),
    ),
    SettingKey("coordination_office", "carrier", N_("Carrier"), required=True),
    SettingKey("coordination_office", "name", N_("Name of the office"), required=True),
    SettingKey("coordination_office", "street", N_("Street and number"), required=True),
    SettingKey(
        "coordination_office", "postal_code", N_("Postal code"), required=True, max_length=10
    ),
    SettingKey("coordination_office", "city", N_("City"), required=True, max_length=100),
    SettingKey("coordination_office", "contact", N_("Contact person"), required=True),
    SettingKey(
        "coordination_office",
        "email",
        N_("E-mail address"),
        "email",
        required=True,
        max_length=254,
    ),
    SettingKey("coordination_office", "phone", N_("Phone"), max_length=50),
    SettingKey(
        "branding",
        "logo",
        N_("Logo (PNG)"),
        "png",
        help=N_("A PNG file of at most 2 MB; empty: a letterhead of text only."),
    ),
    SettingKey(
        "branding",
        "programme_line",
        N_("Programme line"),
        required=True,
        max_length=500,
        multiline=True,
    ),
    SettingKey(
        "legal",
        "procedure_act",
        N_("Administrative procedure act"),
        required=True,
        help=N_("The act the notices cite, e.g. VwVfG M-V."),
    ),
    SettingKey(
        "legal",
        "remedy",
        N_("Legal remedy"),
        "choice",
        required=True,
        choices=("widerspruch", "klage"),
    ),
    SettingKey(
        "legal",
        "remedy_body",
        N_("Where to lodge the remedy"),
        required=True,
        max_length=500,
        multiline=True,
        help=N_("The authority (objection) or the administrative court (action), with address."),
    ),
    SettingKey(
        "legal",
        "notification_days",
        N_("Days until a posted notice counts as received"),
        "integer",
        required=True,
        minimum=1,
        maximum=30,
    ),
    SettingKey("data_protection", "name", N_("Name")),
    SettingKey("data_protection", "address", N_("Address"), max_length=500, multiline=True),
    SettingKey("data_protection", "email", N_("E-mail address"), "email", max_length=254),
    SettingKey("data_protection", "phone", N_("Phone"), max_length=50),
    SettingKey("imprint", "publisher", N_("Publisher")),
    SettingKey("imprint", "address", N_("Address"), max_length=500, multiline=True),
    SettingKey("imprint", "email", N_("E-mail address"), "email", max_length=254),
    SettingKey("imprint", "phone", N_("Phone"), max_length=50),
    SettingKey("imprint", "responsible", N_("Responsible for the content")),
    SettingKey(
        "accessibility",
        "email",
        N_("E-mail address for reports of barriers"),
        "email",
        max_length=254,
        help=N_("Empty: the lead office's e-mail address."),
    ),
    SettingKey(
        "accessibility",
        "enforcement_body",
        N_("Conciliation or enforcement body"),
        max_length=500,
        multiline=True,
        help=N_(
            "The body of your Land that people turn to when a reported barrier is not "
            "removed: its name in the first line, then its address, e-mail and website. "
            "Empty: the federal conciliation body under § 16 BGG."
        ),
    ),
    SettingKey(
        "annexes",
        "anbest_p",
        N_("ANBest-P (PDF)"),
        "pdf",
        help=N_(
            "Appended to every approval as Anlage 2, in the version your office applies; "
            "without it no approval can be issued. Please upload a PDF/A file if you can: "
            "only then the notice with its annex stays PDF/A."
        ),
    ),
    SettingKey(
        "annexes",
        "anbest_gk",
        N_("ANBest-Gk (PDF)"),
        "pdf",
        help=N_("Appended instead of the ANBest-P when the recipient is a municipality."),
    ),
)
KEYS_BY_NAME: dict[str, SettingKey] = {k.name: k for k in KEYS}
FILE_KEYS: tuple[SettingKey, ...] = tuple(k for k in KEYS if k.is_file)
BUDGET_LINE_MAX_LENGTH = 100

# Settings after validation: section → key → value ("" for an empty text, None for an absent
# number or file, a SettingsFile for a file; [budget_lines] maps fund key → budget line).
Settings = dict[str, dict[str, Any]]

REQUIRED = Message(N_("Please fill in this field."))
NOT_TEXT = Message(N_("Please give a text in quotation marks."))
NOT_INTEGER = Message(N_("Please give a whole number."))
NOT_TABLE = Message(N_("Please give this section as a table (a line [%(section)s])."))
NOT_EMAIL = Message(N_("Please give exactly one valid e-mail address, e.g. name@stadt.de."))
BAD_SLUG = Message(
    N_(
        "Please use only lower-case letters a–z, digits and hyphens (not at the start or "
        "end, at most 63 characters)."
    )
)
LOGO_SVG = Message(
    N_(
        "An SVG file cannot be used as a logo: documents show PNG pictures only. Please "
        "save the logo as a PNG file and give that."
    )
)
LOGO_NOT_PNG = Message(N_("This file is not a PNG picture. Please give the logo as a PNG file."))
ANNEX_NOT_PDF = Message(N_("This file is not a PDF. Please give the annex as a PDF file."))
FILE_TOO_LARGE = Message(
    N_("The file is larger than %(size)s MB. Please give a smaller file."),
)
FILE_EMPTY = Message(N_("The file is empty. Please give the file itself."))
BAD_FUND_KEY = Message(
    N_("Please name the fund by its key: letters, digits and hyphens, e.g. AIF-2026.")
)
BAD_FILE_VALUE = Message(
    N_(
        'Please give the file\'s path relative to the settings file, e.g. "logo.png", or '
        "a table with name and base64 as written by the export."
    )
)
BAD_BASE64 = Message(N_("The base64 text of this file cannot be read. Please export it again."))


def _unknown_key(section: str) -> Message:
    known = [k.key for k in KEYS if k.section == section]
    return Message(
        N_("This key is unknown. Please check its spelling; known keys here: %(keys)s."),
        {"keys": ", ".join(known)},
    )


UNKNOWN_SECTION = Message(
    N_("This section is unknown. Please check its spelling; known sections: %(sections)s."),
    {"sections": ", ".join(f"[{s}]" for s, _legend in SECTIONS)},
)


def email_is_valid(value: str) -> bool:
    """One address, by the one check every stored address goes through (issue 14)."""
    return is_one_email_address(value)


def _too_long(maximum: int) -> Message:
    return Message(N_("At most %(max)s characters are possible."), {"max": maximum})


def _out_of_range(spec: SettingKey) -> Message:
    return Message(
        N_("Please give a whole number from %(min)s to %(max)s."),
        {"min": spec.minimum, "max": spec.maximum},
    )


def _not_a_choice(spec: SettingKey) -> Message:
    return Message(
        N_("Please give one of: %(choices)s."),
        {"choices": ", ".join(f"„{c}“" for c in spec.choices)},
    )


def is_svg(name: str, data: bytes) -> bool:
    head = data[:1024].lstrip().lower()
    return name.lower().endswith((".svg", ".svgz")) or (
        head.startswith((b"<?xml", b"<svg", b"<!doctype svg")) and b"<svg" in head
    )


def file_problem(spec: SettingKey, file: SettingsFile) -> Message | None:
    """Why a logo or an annex cannot be used, or None."""
    if not file.data:
        return FILE_EMPTY
    if spec.kind == "png":
        if is_svg(file.name, file.data):
            return LOGO_SVG
        if file.data[:8] != PNG_SIGNATURE or len(file.data) < 33 or file.data[12:16] != b"IHDR":
            return LOGO_NOT_PNG
        if len(file.data) > MAX_LOGO_BYTES:
            return Message(FILE_TOO_LARGE.msgid, {"size": MAX_LOGO_BYTES // 1_000_000})
        return None
    if not file.data.startswith(b"%PDF-"):
        return ANNEX_NOT_PDF
    if len(file.data) > MAX_ANNEX_BYTES:
        return Message(FILE_TOO_LARGE.msgid, {"size": MAX_ANNEX_BYTES // 1_000_000})
    return None


def file_from_table(value: Mapping[str, Any]) -> SettingsFile | Message:
    """The export's form of a file: ``{ name = "logo.png", base64 = "iVBOR…" }``."""
    name, encoded = value.get("name"), value.get("base64")
    if set(value) - {"name", "base64"} or not isinstance(name, str) or not isinstance(encoded, str):
        return BAD_FILE_VALUE
    try:
        data = base64.b64decode("".join(encoded.split()), validate=True)
    except (binascii.Error, ValueError):
        return BAD_BASE64
    return SettingsFile(PurePosixPath(name).name[:200] or "file", data)


def _value(spec: SettingKey, raw: Any) -> tuple[Any, Message | None]:
    """The normalised value of one key, or the problem with it."""
    if spec.is_file:
        if raw is None or raw == "":
            return None, None
        if isinstance(raw, SettingsFile):
            return raw, file_problem(spec, raw)
        return None, BAD_FILE_VALUE  # a path the entry point did not read, or a number
    if spec.kind == "integer":
        if raw is None or raw == "":
            return None, REQUIRED if spec.required else None
        if isinstance(raw, str) and re.fullmatch(r"\s*-?\d{1,6}\s*", raw):
            raw = int(raw)  # the admin page's text field
        if isinstance(raw, bool) or not isinstance(raw, int):
            return None, NOT_INTEGER
        if not spec.minimum <= raw <= spec.maximum:
            return None, _out_of_range(spec)
        return raw, None
    if raw is None:
        raw = ""
    if not isinstance(raw, str):
        return "", NOT_TEXT
    value = raw.strip() if spec.multiline else " ".join(raw.split())
    if spec.multiline:
        value = "\n".join(line.strip() for line in value.splitlines())
    if not value:
        return "", REQUIRED if spec.required else None
    if len(value) > spec.max_length:
        return value, _too_long(spec.max_length)
    if spec.kind == "email" and not email_is_valid(value):
        return value, NOT_EMAIL
    if spec.kind == "slug" and not _SLUG.fullmatch(value):
        return value, BAD_SLUG
    if spec.kind == "choice" and value not in spec.choices:
        return value, _not_a_choice(spec)
    return value, None


def _budget_lines(raw: Any, problems: list[SettingsProblem]) -> dict[str, str]:
    lines: dict[str, str] = {}
    if raw is None:
        return lines
    if not isinstance(raw, Mapping):
        problems.append(
            SettingsProblem(BUDGET_LINES, "", Message(NOT_TABLE.msgid, {"section": BUDGET_LINES}))
        )
        return lines
    for fund, line in raw.items():
        if not isinstance(fund, str) or not _FUND_KEY.fullmatch(fund):
            problems.append(SettingsProblem(BUDGET_LINES, str(fund), BAD_FUND_KEY))
        elif not isinstance(line, str):
            problems.append(SettingsProblem(BUDGET_LINES, fund, NOT_TEXT))
        elif len(line.strip()) > BUDGET_LINE_MAX_LENGTH:
            problems.append(SettingsProblem(BUDGET_LINES, fund, _too_long(BUDGET_LINE_MAX_LENGTH)))
        elif line.strip():
            lines[fund] = " ".join(line.split())
    return dict(sorted(lines.items()))


def validate_settings(data: Mapping[str, Any]) -> tuple[Settings, list[SettingsProblem]]:
    """Every problem of a settings mapping (file or form), each naming its key; and the
    normalised settings, to be used only when there is no problem."""
    problems: list[SettingsProblem] = []
    known_sections = {section for section, _legend in SECTIONS}
    for section, content in data.items():
        if section not in known_sections:
            problems.append(SettingsProblem(str(section), "", UNKNOWN_SECTION))
        elif section != BUDGET_LINES and not isinstance(content, Mapping):
            problems.append(
                SettingsProblem(section, "", Message(NOT_TABLE.msgid, {"section": section}))
            )
        elif section != BUDGET_LINES:
            for key in content:
                if f"{section}.{key}" not in KEYS_BY_NAME:
                    problems.append(SettingsProblem(section, str(key), _unknown_key(section)))
    settings: Settings = {section: {} for section, _legend in SECTIONS}
    for spec in KEYS:
        content = data.get(spec.section)
        raw = content.get(spec.key) if isinstance(content, Mapping) else None
        value, problem = _value(spec, raw)
        settings[spec.section][spec.key] = value
        if problem is not None:
            problems.append(SettingsProblem(spec.section, spec.key, problem))
    settings[BUDGET_LINES] = _budget_lines(data.get(BUDGET_LINES), problems)
    return settings, problems
