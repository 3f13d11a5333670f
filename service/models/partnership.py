"""A Partnerschaft für Demokratie: its URL slug and the letterhead of its documents."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import CheckConstraint, ForeignKey, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, utcnow

if TYPE_CHECKING:
    from .committee import Committee
    from .fund import Fund

# The sections and keys of a partnership settings file (example: service/demo/partnership.toml;
# every key with its kind: service/domain/partnership_settings.KEYS) and the column each
# one is kept in. The slug and name live in [partnership]; [budget_lines] is the JSON column
# ``budget_lines``; the logo and the annexes are rows of PartnershipFile (their bytes).
SETTINGS: tuple[tuple[str, str, str], ...] = (
    ("partnership", "slug", "slug"),
    ("partnership", "name", "name"),
    ("lead_office", "name", "lead_office_name"),
    ("lead_office", "unit", "lead_office_unit"),
    ("lead_office", "street", "lead_office_street"),
    ("lead_office", "postal_code", "lead_office_postal_code"),
    ("lead_office", "city", "lead_office_city"),
    ("lead_office", "phone", "lead_office_phone"),
    ("lead_office", "email", "lead_office_email"),
    ("lead_office", "signatory", "lead_office_signatory"),
    ("lead_office", "signatory_function", "lead_office_signatory_function"),
    ("lead_office", "bank", "lead_office_bank"),
    ("coordination_office", "carrier", "coordination_carrier"),
    ("coordination_office", "name", "coordination_name"),
    ("coordination_office", "street", "coordination_street"),
    ("coordination_office", "postal_code", "coordination_postal_code"),
    ("coordination_office", "city", "coordination_city"),
    ("coordination_office", "contact", "coordination_contact"),
    ("coordination_office", "email", "coordination_email"),
    ("coordination_office", "phone", "coordination_phone"),
    ("branding", "programme_line", "programme_line"),
    ("legal", "procedure_act", "legal_procedure_act"),
    ("legal", "remedy", "legal_remedy"),
    ("legal", "remedy_body", "legal_remedy_body"),
    ("legal", "notification_days", "legal_notification_days"),
    ("data_protection", "name", "dpo_name"),
    ("data_protection", "address", "dpo_address"),
    ("data_protection", "email", "dpo_email"),
    ("data_protection", "phone", "dpo_phone"),
    ("imprint", "publisher", "imprint_publisher"),
    ("imprint", "address", "imprint_address"),
    ("imprint", "email", "imprint_email"),
    ("imprint", "phone", "imprint_phone"),
    ("imprint", "responsible", "imprint_responsible"),
    ("accessibility", "email", "accessibility_email"),
    ("accessibility", "enforcement_body", "accessibility_enforcement_body"),
)
# keys kept as files (PartnershipFile.kind = "section.key")
FILE_SETTINGS: tuple[tuple[str, str], ...] = (
    ("branding", "logo"),
    ("annexes", "anbest_p"),
    ("annexes", "anbest_gk"),
)
_INTEGER_ATTRIBUTES = frozenset({"legal_notification_days"})


class SettingsError(ValueError):
    """A settings file with unknown or ill-typed keys; ``problems`` names them."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


class Partnership(Base):
    __tablename__ = "partnership"
    __table_args__ = (CheckConstraint("length(slug) > 0", name="slug_not_empty"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # /p/<slug>/ in every URL of the partnership
    slug: Mapped[str] = mapped_column(String(63), unique=True)
    name: Mapped[str] = mapped_column(String(200))

    lead_office_name: Mapped[str] = mapped_column(String(200), default="")
    lead_office_unit: Mapped[str] = mapped_column(String(200), default="")
    lead_office_street: Mapped[str] = mapped_column(String(200), default="")
    lead_office_postal_code: Mapped[str] = mapped_column(String(10), default="")
    lead_office_city: Mapped[str] = mapped_column(String(100), default="")
    lead_office_phone: Mapped[str] = mapped_column(String(50), default="")
    lead_office_email: Mapped[str] = mapped_column(String(254), default="")
    lead_office_signatory: Mapped[str] = mapped_column(String(200), default="")
    lead_office_signatory_function: Mapped[str] = mapped_column(String(200), default="")
    lead_office_bank: Mapped[str] = mapped_column(String(200), default="")

    coordination_carrier: Mapped[str] = mapped_column(String(200), default="")
    coordination_name: Mapped[str] = mapped_column(String(200), default="")
    coordination_street: Mapped[str] = mapped_column(String(200), default="")
    coordination_postal_code: Mapped[str] = mapped_column(String(10), default="")
    coordination_city: Mapped[str] = mapped_column(String(100), default="")
    coordination_contact: Mapped[str] = mapped_column(String(200), default="")
    coordination_email: Mapped[str] = mapped_column(String(254), default="")
    coordination_phone: Mapped[str] = mapped_column(String(50), default="")

    programme_line: Mapped[str] = mapped_column(String(500), default="")

    legal_procedure_act: Mapped[str] = mapped_column(String(200), default="")
    legal_remedy: Mapped[str] = mapped_column(String(20), default="")
    legal_remedy_body: Mapped[str] = mapped_column(String(500), default="")
    legal_notification_days: Mapped[int | None]

    dpo_name: Mapped[str] = mapped_column(String(200), default="")
    dpo_address: Mapped[str] = mapped_column(String(500), default="")
    dpo_email: Mapped[str] = mapped_column(String(254), default="")
    dpo_phone: Mapped[str] = mapped_column(String(50), default="")

    imprint_publisher: Mapped[str] = mapped_column(String(200), default="")
    imprint_address: Mapped[str] = mapped_column(String(500), default="")
    imprint_email: Mapped[str] = mapped_column(String(254), default="")
    imprint_phone: Mapped[str] = mapped_column(String(50), default="")
    imprint_responsible: Mapped[str] = mapped_column(String(200), default="")

    # the accessibility statement (issue 17): feedback address, the Land's enforcement body
    accessibility_email: Mapped[str] = mapped_column(String(254), default="")
    accessibility_enforcement_body: Mapped[str] = mapped_column(String(500), default="")

    # fund key → Haushaltsstelle
    budget_lines: Mapped[dict[str, Any]] = mapped_column(default=dict)

    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    funds: Mapped[list[Fund]] = relationship(back_populates="partnership", order_by="Fund.key")
    committees: Mapped[list[Committee]] = relationship(
        back_populates="partnership", order_by="Committee.name"
    )
    files: Mapped[list[PartnershipFile]] = relationship(
        back_populates="partnership", cascade="all, delete-orphan", order_by="PartnershipFile.kind"
    )

    def apply_settings(self, data: Mapping[str, Any]) -> None:
        """Take the values of settings checked before (service/domain/partnership_settings
        ``validate_settings``); unknown keys and wrong types are refused here as well, so a
        row never holds what the file format does not know. Files are set with
        :meth:`set_file`."""
        known = {(section, key): attribute for section, key, attribute in SETTINGS}
        files = set(FILE_SETTINGS)
        problems: list[str] = []
        values: dict[str, Any] = {}
        for section, content in data.items():
            if not isinstance(content, Mapping):
                problems.append(f"{section}: expected a table")
                continue
            if section == "budget_lines":
                if not all(isinstance(v, str) for v in content.values()):
                    problems.append("budget_lines: expected strings")
                else:
                    values["budget_lines"] = dict(content)
                continue
            for key, value in content.items():
                attribute = known.get((section, key))
                if (section, key) in files:
                    continue
                if attribute is None:
                    problems.append(f"{section}.{key}: unknown key")
                elif attribute in _INTEGER_ATTRIBUTES:
                    if value is not None and (
                        isinstance(value, bool) or not isinstance(value, int)
                    ):
                        problems.append(f"{section}.{key}: expected an integer")
                    else:
                        values[attribute] = value
                elif not isinstance(value, str):
                    problems.append(f"{section}.{key}: expected a string")
                else:
                    values[attribute] = value
        if problems:
            raise SettingsError(problems)
        for attribute, value in values.items():
            setattr(self, attribute, value)

    def file(self, section: str, key: str) -> PartnershipFile | None:
        kind = f"{section}.{key}"
        return next((f for f in self.files if f.kind == kind), None)

    def set_file(self, section: str, key: str, name: str | None, data: bytes | None) -> None:
        """Keep a file's bytes (``data`` None: remove it)."""
        current = self.file(section, key)
        if data is None or name is None:
            if current is not None:
                self.files.remove(current)
            return
        digest = hashlib.sha256(data).hexdigest()
        if current is None:
            self.files.append(
                PartnershipFile(
                    kind=f"{section}.{key}", name=name, data=data, size=len(data), sha256=digest
                )
            )
        elif current.sha256 != digest or current.name != name:
            current.name, current.data, current.size, current.sha256 = name, data, len(data), digest

    def settings(self) -> dict[str, dict[str, Any]]:
        """The settings as nested sections, the shape of the settings file. Files appear as
        ``{"name": …, "sha256": …}`` (their bytes: :meth:`file`); absent ones as ""."""
        result: dict[str, dict[str, Any]] = {}
        for section, key, attribute in SETTINGS:
            result.setdefault(section, {})[key] = getattr(self, attribute)
        for section, key in FILE_SETTINGS:
            found = self.file(section, key)
            result.setdefault(section, {})[key] = (
                {"name": found.name, "sha256": found.sha256} if found is not None else ""
            )
        result["budget_lines"] = dict(sorted((self.budget_lines or {}).items()))
        return result


class PartnershipFile(Base):
    """A file of the settings – the logo, an annex – kept as bytes in the database, so that
    every machine and every backup has it (never a path on one machine's disk)."""

    __tablename__ = "partnership_file"
    __table_args__ = (UniqueConstraint("partnership_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        ForeignKey("partnership.id", ondelete="CASCADE"), index=True
    )
    # "branding.logo", "annexes.anbest_p", "annexes.anbest_gk"
    kind: Mapped[str] = mapped_column(String(50))
    # the file's name when it was given (shown, and used by the export)
    name: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int]
    data: Mapped[bytes] = mapped_column(LargeBinary)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    partnership: Mapped[Partnership] = relationship(back_populates="files")
