"""``seed_notices``: many approved applications with draft notices, for measuring batch
regeneration (``foerderwerk demo --notices N``, bench/regenerate.py).

They go into a fund of their own in the demo partnership ("MASSE-2026", budget sized to
fit), so the demo's real funds and their budgets stay as they are. Names vary (with
ampersands, quotes and umlauts, as real association names have) and so do the plans:
3–10 cost lines each, balanced, within the guideline's limits. Deterministic for a given
starting number, so two runs of a benchmark measure the same documents.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time
from decimal import ROUND_DOWN, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..demo.content import AIF, ALL_DECLARED, APPLICANTS, BGA
from ..domain.money import to_json_money
from ..domain.states import ApplicationState, DecisionOutcome
from ..models import (
    AgendaItem,
    Application,
    Committee,
    Decision,
    Fund,
    Meeting,
    MeetingMode,
    Partnership,
    allocate_reference,
)
from ..uow import UnitOfWork
from . import audit
from .demo import load_demo
from .interchange import application_from_interchange, freeze_submission
from .regeneration import create_draft_notice

BERLIN = ZoneInfo("Europe/Berlin")
SEED_FUND = "MASSE-2026"
SEED_FUND_NAME = "Massendaten 2026 (für Messungen, fiktiv)"
SESSION_DAY = date(2026, 3, 11)
SUBMITTED_ON = "2026-02-20"

_KINDS = [
    "Förderverein",
    "Kulturverein",
    "Sportverein",
    "Initiative",
    "Jugendclub",
    "Geschichtswerkstatt",
]
_TOPICS = [
    "Elbe & Heide",
    "„Miteinander“",
    "Bunt statt Braun",
    "Kinder & Jugend <Zukunft>",
    "Dorfleben Ost",
    "Begegnung 'Süd'",
    "Straßenfest Müß",
    "Vielfalt in Lübtheen",
]
_PLACES = ["Boizenburg/Elbe", "Lübtheen", "Gresse", "Greven", "Vellahn", "Zarrentin"]
_LINES = [
    ("honorare", "Workshopleitung", "h", (20, 65)),
    ("honorare", "Moderation", "h", (25, 60)),
    ("sachausgaben", "Material für Workshops", "Paket", (15, 90)),
    ("miete", "Raummiete", "Tag", (40, 150)),
    ("oeffentlichkeitsarbeit", "Plakate und Flyer", "Stück", (1, 5)),
    ("verpflegung", "Getränke und Imbiss", "Portion", (4, 12)),
    ("sonstiges", "Versicherung der Veranstaltung", "Pauschale", (50, 150)),
]


def _seed_fund(session: Session, partnership: Partnership, n: int) -> Fund:
    fund = session.scalars(
        select(Fund).where(Fund.partnership_id == partnership.id, Fund.key == SEED_FUND)
    ).one_or_none()
    committee = session.scalars(
        select(Committee).where(Committee.partnership_id == partnership.id, Committee.name == BGA)
    ).one()
    if fund is None:
        fund = Fund(partnership=partnership, key=SEED_FUND, committee=committee)
        session.add(fund)
    existing = (
        session.scalar(
            select(func.count()).select_from(Application).where(Application.fund_id == fund.id)
        )
        if fund.id
        else 0
    )
    budget = Decimal(5000) * (int(existing or 0) + n + 10)
    # the demo's action fund of 2026 under another key: SUBMITTED_ON and SESSION_DAY fit it
    text = AIF.guideline_text(2026)
    text = text.replace('key = "AIF-2026"', f'key = "{SEED_FUND}"')
    text = text.replace('name = "Aktions- und Initiativfonds 2026"', f'name = "{SEED_FUND_NAME}"')
    text = text.replace('budget = "40000.00"', f'budget = "{budget:.2f}"')
    fund.add_guideline(text)  # a larger budget is a new guideline version
    session.flush()
    return fund


def _seed_meeting(session: Session, committee: Committee) -> Meeting:
    meeting = session.scalars(
        select(Meeting).where(
            Meeting.committee_id == committee.id,
            Meeting.held_on == SESSION_DAY,
            Meeting.mode == MeetingMode.session,
        )
    ).one_or_none()
    if meeting is None:
        meeting = Meeting(
            committee=committee,
            held_on=SESSION_DAY,
            mode=MeetingMode.session,
            place="Rathaus Boizenburg, Kirchplatz 1",
            start_time=time(17, 0),
            end_time=time(19, 0),
        )
        session.add(meeting)
        session.flush()
    return meeting


def _application_data(number: int, rng: random.Random) -> tuple[dict[str, Any], Decimal]:
    # associations with a bank account of their own (youth groups without one are not
    # what a grant notice is usually addressed to)
    applicants = [a for a in APPLICANTS.values() if a.get("iban") and a.get("representative")]
    base = dict(applicants[number % len(applicants)])
    kind = _KINDS[number % len(_KINDS)]
    topic = _TOPICS[(number // len(_KINDS)) % len(_TOPICS)]
    place = _PLACES[number % len(_PLACES)]
    base.update(
        name=f"{kind} {topic} {place} Nr. {number} e.V.",
        legal_form="verein",
        birth_date=None,
        adult_contact=None,
    )
    costs = []
    for index in range(rng.randint(3, 10)):
        category, description, unit, (low, high) = _LINES[(number + index) % len(_LINES)]
        quantity = rng.randint(1, 8)
        price = Decimal(rng.randint(low * 100, high * 100)) / 100
        amount = (price * quantity).quantize(Decimal("0.01"))
        costs.append(
            {
                "category": category,
                "description": f"{description} ({index + 1})",
                "quantity": str(quantity),
                "unit": unit,
                "unit_price": to_json_money(price),
                "amount": to_json_money(amount),
                "offers": 3 if amount >= 1000 else 0,
            }
        )
    total = sum((Decimal(line["amount"]) for line in costs), Decimal(0))
    requested = min(Decimal(5000), (total * Decimal("0.85")).quantize(Decimal(1), ROUND_DOWN))
    requested = max(requested, Decimal(100))
    own = max(total - requested, Decimal(0))
    data = {
        "fund": SEED_FUND,
        "submitted_on": SUBMITTED_ON,
        "applicant": base,
        "project": {
            "title": f"Projekt {number}: {topic} in {place}",
            "summary": "Eine Veranstaltungsreihe mit Workshops und Gesprächen über das "
            "Zusammenleben vor Ort.",
            "goals": "Menschen verschiedener Generationen kommen miteinander ins Gespräch.",
            "fields_of_action": ["demokratiefoerderung"],
            "target_groups": ["jugendliche", "eltern"],
            "location": place,
            "start": "2026-04-15",
            "end": "2026-06-30",
            "participants_planned": 20 + number % 80,
            "early_start_requested": False,
        },
        "costs": costs,
        "financing": {
            "own_funds": to_json_money(own),
            "third_party": [],
            "revenue": "0.00",
            "requested": to_json_money(requested),
        },
        "declarations": dict(ALL_DECLARED),
    }
    return data, requested


def seed_notices(uow: UnitOfWork, n: int) -> int:
    """Add ``n`` approved applications with a committee decision and a draft notice each
    (rendered by the next regeneration run). Flushes, never commits; returns the fund id."""
    session, actor = uow.session, uow.actor
    load_demo(session, uow.today())
    partnership = session.scalars(select(Partnership).order_by(Partnership.id)).first()
    if partnership is None:  # pragma: no cover - load_demo just created it
        raise LookupError("no demo partnership")
    fund = _seed_fund(session, partnership, n)
    committee = fund.committee
    if committee is None:  # pragma: no cover - _seed_fund sets it
        raise LookupError("the seed fund has no committee")
    meeting = _seed_meeting(session, committee)
    start = int(
        session.scalar(
            select(func.count()).select_from(Application).where(Application.fund_id == fund.id)
        )
        or 0
    )
    received = datetime.combine(date.fromisoformat(SUBMITTED_ON), time(10, 15), tzinfo=BERLIN)
    for number in range(start + 1, start + n + 1):
        data, requested = _application_data(number, random.Random(number))  # noqa: S311 - reproducible test data
        application = application_from_interchange(session, partnership, fund, data)
        application.state = ApplicationState.approved
        application.submitted_at = received.astimezone(UTC)
        application.reference = allocate_reference(session, fund)
        freeze_submission(application)
        item = AgendaItem(
            meeting=meeting,
            application=application,
            position=number,
            proposed_amount=requested,
        )
        session.add(item)
        decision = Decision(
            application=application,
            item=item,
            outcome=DecisionOutcome.approved,
            amount=requested,
            decided_on=SESSION_DAY,
        )
        session.add(decision)
        session.flush()
        create_draft_notice(uow, decision)
        if number % 100 == 0:
            session.flush()
    audit.record(
        session,
        actor,
        "demo.seed_notices",
        "fund",
        fund.id,
        partnership_id=partnership.id,
        count=n,
    )
    session.flush()
    return fund.id
