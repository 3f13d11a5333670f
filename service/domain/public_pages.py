"""A public body's pages (issue 17, item 8) and the rules a fund page states before the form
(item 7) – the facts, taken from a partnership's settings and a fund's guideline.

Pure Python: the web layer (service/web/public_pages.py) renders these facts in German with
the one formatting layer (money, dates). Nothing is refused for a missing optional key: each
page shows the data present, and the lead office – a required part of every partnership's
settings – stands in where the imprint or the accessibility contact names no one else
(docs/partnership-settings.md, "Welche Schlüssel welche Seite füllen").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from .application import OFFERS_NEEDED, percent_text
from .guideline import Guideline
from .messages import N_, Message

# -- which settings keys feed which page (the docs list the same; a test compares) -----------

PAGE_KEYS: dict[str, tuple[str, ...]] = {
    "imprint": (
        "partnership.name",
        "imprint.publisher",
        "imprint.address",
        "imprint.email",
        "imprint.phone",
        "imprint.responsible",
        "lead_office.name",
        "lead_office.street",
        "lead_office.postal_code",
        "lead_office.city",
        "lead_office.email",
        "lead_office.phone",
        "coordination_office.carrier",
        "coordination_office.name",
        "coordination_office.street",
        "coordination_office.postal_code",
        "coordination_office.city",
        "coordination_office.email",
        "coordination_office.phone",
        "branding.programme_line",
    ),
    "privacy": (
        "partnership.name",
        "lead_office.name",
        "lead_office.unit",
        "lead_office.street",
        "lead_office.postal_code",
        "lead_office.city",
        "lead_office.phone",
        "lead_office.email",
        "data_protection.name",
        "data_protection.address",
        "data_protection.email",
        "data_protection.phone",
        "coordination_office.carrier",
        "coordination_office.name",
        "legal.procedure_act",
    ),
    "accessibility": (
        "lead_office.name",
        "lead_office.unit",
        "lead_office.email",
        "lead_office.phone",
        "accessibility.email",
        "accessibility.enforcement_body",
    ),
    "conditions": (
        "annexes.anbest_p",
        "annexes.anbest_gk",
        "lead_office.name",
        "lead_office.email",
    ),
}


# -- addresses -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Address:
    """Who, where and how to reach them; empty parts are left out on the page."""

    name: str
    lines: tuple[str, ...] = ()
    email: str = ""
    phone: str = ""

    @property
    def is_empty(self) -> bool:
        return not (self.name or self.lines or self.email or self.phone)


def _get(settings: Mapping[str, Any], dotted: str) -> str:
    section, key = dotted.split(".", 1)
    content = settings.get(section)
    value = content.get(key) if isinstance(content, Mapping) else None
    return value.strip() if isinstance(value, str) else ""


def _lines(*parts: str) -> tuple[str, ...]:
    """Non-empty lines; a multi-line value (an address typed on the settings page) is split."""
    result: list[str] = []
    for part in parts:
        result += [line.strip() for line in part.splitlines() if line.strip()]
    return tuple(result)


def _town(settings: Mapping[str, Any], section: str) -> str:
    return " ".join(
        part
        for part in (_get(settings, f"{section}.postal_code"), _get(settings, f"{section}.city"))
        if part
    )


def lead_office(settings: Mapping[str, Any]) -> Address:
    """The lead office: the controller under the GDPR and the publisher of the pages."""
    return Address(
        _get(settings, "lead_office.name"),
        _lines(
            _get(settings, "lead_office.unit"),
            _get(settings, "lead_office.street"),
            _town(settings, "lead_office"),
        ),
        _get(settings, "lead_office.email"),
        _get(settings, "lead_office.phone"),
    )


def coordination_office(settings: Mapping[str, Any]) -> Address:
    return Address(
        _get(settings, "coordination_office.carrier"),
        _lines(
            _get(settings, "coordination_office.name"),
            _get(settings, "coordination_office.street"),
            _town(settings, "coordination_office"),
        ),
        _get(settings, "coordination_office.email"),
        _get(settings, "coordination_office.phone"),
    )


def data_protection_officer(settings: Mapping[str, Any]) -> Address | None:
    """The data protection officer as the settings name them; None when they name nothing."""
    officer = Address(
        _get(settings, "data_protection.name"),
        _lines(_get(settings, "data_protection.address")),
        _get(settings, "data_protection.email"),
        _get(settings, "data_protection.phone"),
    )
    return None if officer.is_empty else officer


def publisher(settings: Mapping[str, Any]) -> Address:
    """The imprint's publisher: ``[imprint]`` where given, else the lead office (the public
    body that runs the pages) – key by key, so a publisher without a telephone number still
    gets the office's."""
    office = lead_office(settings)
    address = _lines(_get(settings, "imprint.address"))
    return Address(
        _get(settings, "imprint.publisher") or office.name,
        address or _lines(_get(settings, "lead_office.street"), _town(settings, "lead_office")),
        _get(settings, "imprint.email") or office.email,
        _get(settings, "imprint.phone") or office.phone,
    )


def responsible_for_content(settings: Mapping[str, Any]) -> str:
    return _get(settings, "imprint.responsible")


def accessibility_contact(settings: Mapping[str, Any]) -> Address:
    """Where people report barriers: ``[accessibility] email`` or the lead office's."""
    office = lead_office(settings)
    return Address(
        office.name,
        _lines(_get(settings, "lead_office.unit")),
        _get(settings, "accessibility.email") or office.email,
        office.phone,
    )


def enforcement_body(settings: Mapping[str, Any]) -> Address | None:
    """The Land's conciliation or enforcement body as the settings give it (first line its
    name); None: the federal conciliation body (:data:`FEDERAL_CONCILIATION`)."""
    lines = _lines(_get(settings, "accessibility.enforcement_body"))
    if not lines:
        return None
    return Address(lines[0], lines[1:])


# The conciliation body under § 16 BGG (as published at www.schlichtungsstelle-bgg.de).
FEDERAL_CONCILIATION_NAME = N_(
    "Conciliation body under the Disability Equality Act at the Federal Government "
    "Commissioner for Matters relating to Persons with Disabilities"
)
FEDERAL_CONCILIATION = Address(
    FEDERAL_CONCILIATION_NAME,
    ("Mauerstraße 53", "10117 Berlin"),
    "info@schlichtungsstelle-bgg.de",
    "030 18 527-2805",
)
FEDERAL_CONCILIATION_WEB = "https://www.schlichtungsstelle-bgg.de"


# -- the accessibility statement -------------------------------------------------------------

# The day the known barriers below were last assessed (self-assessment: axe-core on every
# page state of the browser tests, keyboard use). Whoever changes the list changes the date.
STATEMENT_PREPARED = date(2026, 12, 5)


def known_barriers(idle_minutes: int) -> list[Message]:
    """What is known not to meet BITV 2.0 / WCAG 2.1 AA – stated, not hidden."""
    return [
        Message(
            N_(
                "Explanations of the content and of the use of this website in German Sign "
                "Language and in Easy Language (Leichte Sprache) are not available yet "
                "(§ 4 BITV 2.0)."
            )
        ),
        Message(
            N_(
                "The PDF documents Förderwerk creates (application, notices, minutes) are "
                "tagged PDF files, but they have not been checked against PDF/UA; the "
                "fillable summary sheet of the usage-of-funds report is not tagged. Tables "
                "and form fields may not be read out correctly by every screen reader."
            )
        ),
        Message(
            N_(
                "Files that others provide – offers and receipts uploaded by applicants, the "
                "general conditions (ANBest-P) provided by the office – are offered as they "
                "are; their accessibility is not checked."
            )
        ),
        Message(
            N_(
                "Wide tables (cost plan, lists of the back office) may need scrolling sideways "
                "on narrow screens and at high zoom levels."
            )
        ),
        Message(
            N_(
                "For the protection of your data, an application session ends after "
                "%(minutes)s minutes without activity; the time cannot be extended. What you "
                "have saved stays a draft and can be continued with a link sent by e-mail."
            ),
            {"minutes": idle_minutes},
        ),
    ]


# -- before the form (item 7) ----------------------------------------------------------------


@dataclass(frozen=True)
class RulesBeforeTheForm:
    """The rules of a fund's guideline that decide most errors of an application."""

    max_rate: Decimal
    full_rate_up_to: Decimal
    offers_threshold: Decimal
    offers_needed: int
    latest_end: date
    next_session: date | None
    deadline: date | None

    @property
    def covers_all_costs(self) -> bool:
        """The grant may cover the whole costs (no own share required)."""
        return self.max_rate >= 1

    @property
    def max_share(self) -> str:
        """The share as "90 %" – written as the rate-exceeded finding writes it."""
        return percent_text(self.max_rate)


def rules_before_the_form(
    guideline: Guideline, next_session: date | None, deadline: date | None
) -> RulesBeforeTheForm:
    return RulesBeforeTheForm(
        max_rate=guideline.max_rate,
        full_rate_up_to=guideline.full_rate_up_to,
        offers_threshold=guideline.offers_threshold,
        offers_needed=OFFERS_NEEDED,
        latest_end=guideline.latest_end,
        next_session=next_session,
        deadline=deadline,
    )


def session_deadlines(guideline: Guideline) -> list[tuple[date, date]]:
    """Every session of the fund's year with the last day to apply for it."""
    lead = timedelta(days=guideline.submission_lead_days)
    return [(day, day - lead) for day in guideline.sessions]
