"""A Partnerschaft für Demokratie: its URL slug and the letterhead of its documents."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import CheckConstraint, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, utcnow

if TYPE_CHECKING:
    from .committee import Committee
    from .fund import Fund

# The sections and keys of a partnership settings file (example: service/demo/partnership.toml)
# and the column each one is kept in. The slug and name live in [partnership].
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
    ("lead_office", "bank", "lead_office_bank"),
    ("coordination_office", "carrier", "coordination_carrier"),
    ("coordination_office", "name", "coordination_name"),
    ("coordination_office", "street", "coordination_street"),
    ("coordination_office", "postal_code", "coordination_postal_code"),
    ("coordination_office", "city", "coordination_city"),
    ("coordination_office", "contact", "coordination_contact"),
    ("coordination_office", "email", "coordination_email"),
    ("branding", "logo", "logo_path"),
    ("branding", "programme_line", "programme_line"),
)


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
    lead_office_bank: Mapped[str] = mapped_column(String(200), default="")

    coordination_carrier: Mapped[str] = mapped_column(String(200), default="")
    coordination_name: Mapped[str] = mapped_column(String(200), default="")
    coordination_street: Mapped[str] = mapped_column(String(200), default="")
    coordination_postal_code: Mapped[str] = mapped_column(String(10), default="")
    coordination_city: Mapped[str] = mapped_column(String(100), default="")
    coordination_contact: Mapped[str] = mapped_column(String(200), default="")
    coordination_email: Mapped[str] = mapped_column(String(254), default="")

    logo_path: Mapped[str] = mapped_column(String(500), default="")
    programme_line: Mapped[str] = mapped_column(String(500), default="")

    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    funds: Mapped[list[Fund]] = relationship(back_populates="partnership", order_by="Fund.key")
    committees: Mapped[list[Committee]] = relationship(
        back_populates="partnership", order_by="Committee.name"
    )

    def apply_settings(self, data: Mapping[str, Any]) -> None:
        """Take the values of a settings file (parsed TOML); unknown keys are refused."""
        known = {(section, key): attribute for section, key, attribute in SETTINGS}
        problems: list[str] = []
        values: dict[str, str] = {}
        for section, content in data.items():
            if not isinstance(content, Mapping):
                problems.append(f"{section}: expected a table")
                continue
            for key, value in content.items():
                attribute = known.get((section, key))
                if attribute is None:
                    problems.append(f"{section}.{key}: unknown key")
                elif not isinstance(value, str):
                    problems.append(f"{section}.{key}: expected a string")
                else:
                    values[attribute] = value
        if problems:
            raise SettingsError(problems)
        for attribute, value in values.items():
            setattr(self, attribute, value)

    def settings(self) -> dict[str, dict[str, str]]:
        """The letterhead as nested sections, the shape of the settings file."""
        result: dict[str, dict[str, str]] = {}
        for section, key, attribute in SETTINGS:
            result.setdefault(section, {})[key] = getattr(self, attribute)
        return result
