"""What a partnership's public pages show (issue 17, item 8): the imprint, the privacy notice,
the accessibility statement and the funding conditions (ANBest-P, the funds' guidelines).

Read-only. Every page is public; a partnership or fund that does not exist is 404, an annex
that was never uploaded as well (the conditions page then names the office to ask).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..domain.guideline import Guideline
from ..domain.messages import N_, Message
from ..domain.retention import RetentionPolicy
from ..errors import NotFound
from ..models import Partnership
from ..uow import UnitOfWork
from .funds import FundOverview, overview_fund
from .partnerships import find_partnership
from .retention import policy_from_config

# the annexes the conditions page offers: web name → settings key
ANNEXES: dict[str, str] = {"anbest-p": "anbest_p", "anbest-gk": "anbest_gk"}


@dataclass(frozen=True)
class FundPage:
    """One fund with a guideline, as the public pages show it."""

    key: str
    rules: Guideline
    overview: FundOverview


@dataclass(frozen=True)
class Annex:
    """An annex of the settings that can be downloaded."""

    web_name: str  # "anbest-p"
    key: str  # "anbest_p"
    file_name: str
    size: int


@dataclass(frozen=True)
class PublicBody:
    """A partnership's settings as its public pages use them."""

    partnership: Partnership
    settings: dict[str, dict[str, Any]]
    funds: tuple[FundPage, ...]
    annexes: tuple[Annex, ...]
    retention: RetentionPolicy
    idle_minutes: int

    @property
    def slug(self) -> str:
        return self.partnership.slug


def _funds(uow: UnitOfWork, partnership: Partnership) -> tuple[FundPage, ...]:
    today = uow.today()
    return tuple(
        FundPage(fund.key, fund.guideline, overview_fund(uow.session, fund, today))
        for fund in partnership.funds
        if fund.current_guideline is not None
    )


def public_body(uow: UnitOfWork, slug: str) -> PublicBody:
    partnership = find_partnership(uow, slug)
    annexes = []
    for web_name, key in ANNEXES.items():
        found = partnership.file("annexes", key)
        if found is not None:
            annexes.append(Annex(web_name, key, found.name, found.size))
    return PublicBody(
        partnership=partnership,
        settings=partnership.settings(),
        funds=_funds(uow, partnership),
        annexes=tuple(annexes),
        retention=policy_from_config(uow.config),
        idle_minutes=int(uow.config.get("APPLICANT_SESSION_IDLE_MINUTES", 120)),
    )


NO_ANNEX = Message(N_("This document has not been provided. Please ask the lead office for it."))


def annex_download(uow: UnitOfWork, slug: str, web_name: str) -> tuple[str, bytes]:
    """The annex's file name and bytes; NotFound when the office has not uploaded it."""
    partnership = find_partnership(uow, slug)
    key = ANNEXES.get(web_name)
    found = partnership.file("annexes", key) if key else None
    if found is None:
        raise NotFound(NO_ANNEX)
    return found.name, found.data


def fund_of(uow: UnitOfWork, slug: str, fund_key: str) -> tuple[PublicBody, FundPage]:
    """The public body and one of its funds with a guideline; NotFound otherwise."""
    body = public_body(uow, slug)
    page = next((f for f in body.funds if f.key == fund_key), None)
    if page is None:
        raise NotFound(
            Message(N_("There is no fund “%(fund)s” here."), {"fund": fund_key[:50]}),
        )
    return body, page
