"""A fund of a partnership (AIF-2026, JF-2026) and its guideline, kept as versioned text."""

from __future__ import annotations

import hashlib
from datetime import datetime
from functools import lru_cache
from typing import TYPE_CHECKING

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    String,
    Text,
    UniqueConstraint,
    false,
    true,
    update,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from ..domain.guideline import Guideline, GuidelineError, load_guideline_text
from .base import Base, utcnow

if TYPE_CHECKING:
    from .committee import Committee
    from .partnership import Partnership


@lru_cache(maxsize=64)
def _parse(text: str) -> Guideline:
    # Guideline is frozen, so one parsed copy per text can be shared by every request.
    return load_guideline_text(text)


class Fund(Base):
    __tablename__ = "fund"
    __table_args__ = (
        UniqueConstraint("partnership_id", "key"),
        CheckConstraint("last_number >= 0", name="last_number_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnership.id"), index=True)
    # the guideline's fund.key, e.g. AIF-2026; prefix of the file numbers AIF-2026-007
    key: Mapped[str] = mapped_column(String(32))
    committee_id: Mapped[int | None] = mapped_column(ForeignKey("committee.id"), index=True)
    # the last file number handed out (see allocate_reference)
    last_number: Mapped[int] = mapped_column(default=0)
    # the last notice number handed out (see allocate_notice_number in operations.notices)
    last_notice_number: Mapped[int] = mapped_column(default=0, server_default="0")
    # open for new applications; a closed fund keeps its files but starts no new one
    accepts_applications: Mapped[bool] = mapped_column(default=True, server_default=true())
    # copied for a new year (funds copy): budget and dates still to be confirmed by an admin;
    # a draft fund accepts no application until then
    draft: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    partnership: Mapped[Partnership] = relationship(back_populates="funds")
    committee: Mapped[Committee | None] = relationship(back_populates="funds")
    guidelines: Mapped[list[FundGuideline]] = relationship(
        back_populates="fund", order_by="FundGuideline.version", cascade="all, delete-orphan"
    )

    @property
    def current_guideline(self) -> FundGuideline | None:
        return self.guidelines[-1] if self.guidelines else None

    @property
    def is_open(self) -> bool:
        """New applications are taken: open and not a draft."""
        return self.accepts_applications and not self.draft

    def guideline_version(self, version: int) -> FundGuideline | None:
        return next((g for g in self.guidelines if g.version == version), None)

    @property
    def guideline(self) -> Guideline:
        """The rules of the current guideline version (budget, sessions, limits …)."""
        current = self.current_guideline
        if current is None:
            raise LookupError(f"fund {self.key} has no guideline")
        return current.rules

    def add_guideline(self, text: str) -> FundGuideline:
        """Store a new guideline version; the same text again adds nothing.

        Raises :class:`GuidelineError` for an unusable text or one of another fund.
        """
        rules = load_guideline_text(text)
        if rules.fund_key != self.key:
            raise GuidelineError([("fund.key", f"is {rules.fund_key!r}, the fund is {self.key!r}")])
        digest = sha256_text(text)
        current = self.current_guideline
        if current is not None and current.sha256 == digest:
            return current
        version = FundGuideline(
            version=current.version + 1 if current else 1, toml_text=text, sha256=digest
        )
        self.guidelines.append(version)
        return version


class FundGuideline(Base):
    """One version of a fund's guideline file; older versions stay for the notices citing them."""

    __tablename__ = "fund_guideline"
    __table_args__ = (
        UniqueConstraint("fund_id", "version"),
        CheckConstraint("version >= 1", name="version_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("fund.id"), index=True)
    version: Mapped[int]
    toml_text: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    loaded_at: Mapped[datetime] = mapped_column(default=utcnow)

    fund: Mapped[Fund] = relationship(back_populates="guidelines")

    @property
    def rules(self) -> Guideline:
        return _parse(self.toml_text)


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def allocate_reference(session: Session, fund: Fund) -> str:
    """The next file number of the fund, e.g. ``AIF-2026-007``.

    One UPDATE … RETURNING: the row lock (PostgreSQL) or write lock (SQLite) serialises
    concurrent submissions, so two of them never get the same number.
    """
    number = session.execute(
        update(Fund)
        .where(Fund.id == fund.id)
        .values(last_number=Fund.last_number + 1)
        .returning(Fund.last_number)
    ).scalar_one()
    return f"{fund.key}-{number:03d}"
