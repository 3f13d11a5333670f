"""Funds per year (issue 16.2): money committed, what the public pages show, and the
operations of the admin page and ``foerderwerk funds`` – create a fund from a guideline file,
add a guideline version, open and close it, copy it for the next year, list them.

A guideline file is read by the one guideline reader the ``check`` command uses
(service/domain/guideline.py): a missing or ill-typed key refuses the whole file, each
problem named by its key in German, and nothing is saved. A changed guideline is a new version
(``FundGuideline``), never an overwrite: every decision keeps the version it was made under.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..domain.catalogues import DECIDING_BODIES
from ..domain.check import guideline_findings
from ..domain.findings import Finding
from ..domain.fund_year import CopyError, copy_guideline_text, key_for_year
from ..domain.guideline import Guideline, GuidelineError, load_guideline_text
from ..domain.messages import N_, Localizer, Message
from ..domain.states import ApplicationState, DecisionOutcome
from ..errors import NotFound, Refused, TransitionRefused
from ..models import (
    AgendaItem,
    Application,
    Committee,
    Decision,
    Fund,
    FundGuideline,
    Partnership,
)
from ..uow import UnitOfWork
from . import audit

# States in which the committee's approval binds the fund's money. A rejection, withdrawal
# or revocation releases it; a deferral never bound any.
COMMITTING_STATES = (
    ApplicationState.approved,
    ApplicationState.notice_issued,
    ApplicationState.in_payment,
    ApplicationState.report_submitted,
    ApplicationState.closed,
)


def committed_amount(session: Session, fund: Fund) -> Decimal:
    """Money already committed in the fund: the latest approved amount per application."""
    latest = (
        select(Decision.application_id, func.max(Decision.id).label("decision_id"))
        .where(Decision.outcome == DecisionOutcome.approved)
        .group_by(Decision.application_id)
        .subquery()
    )
    total = session.scalar(
        select(func.coalesce(func.sum(Decision.amount), 0))
        .join(latest, latest.c.decision_id == Decision.id)
        .join(Application, Application.id == Decision.application_id)
        .where(Application.fund_id == fund.id, Application.state.in_(COMMITTING_STATES))
    )
    return Decimal(total or 0).quantize(Decimal("0.01"))


@dataclass(frozen=True)
class FundOverview:
    key: str
    name: str
    deciding_body: str  # English msgid of the body's German name
    grant_min: Decimal
    grant_max: Decimal
    budget: Decimal
    available: Decimal
    next_session: date | None
    submission_deadline: date | None
    # open for new applications (not closed, not a draft)
    is_open: bool = True


@dataclass(frozen=True)
class PartnershipOverview:
    slug: str
    name: str
    lead_office: str
    funds: tuple[FundOverview, ...]


def _next_session(guideline: Guideline, today: date) -> tuple[date | None, date | None]:
    """The next session an application submitted today reaches, with its deadline (the
    session's own published deadline, else session − lead days)."""
    reachable = guideline.open_sessions(today)
    return reachable[0] if reachable else (None, None)


def overview_fund(session: Session, fund: Fund, today: date) -> FundOverview:
    rules = fund.guideline
    next_session, deadline = _next_session(rules, today)
    available = max(Decimal(0), rules.budget - committed_amount(session, fund))
    return FundOverview(
        key=fund.key,
        name=rules.fund_name,
        deciding_body=DECIDING_BODIES[rules.deciding_body],
        grant_min=rules.grant_min,
        grant_max=rules.grant_max,
        budget=rules.budget,
        available=available,
        next_session=next_session,
        submission_deadline=deadline,
        is_open=fund.is_open,
    )


def list_partnerships(session: Session, today: date) -> list[PartnershipOverview]:
    """Every partnership of the instance with its funds, for the public start page."""
    result = []
    for partnership in session.scalars(select(Partnership).order_by(Partnership.name)):
        # a draft (next year's fund, copied) is not shown before an admin confirms it
        funds = tuple(
            overview
            for fund in partnership.funds
            if fund.current_guideline is not None and not fund.draft
            for overview in (overview_fund(session, fund, today),)
            # a past year's fund with no session left offers nothing (issue 16)
            if overview.next_session is not None or fund.guideline.year >= today.year
        )
        result.append(
            PartnershipOverview(
                slug=partnership.slug,
                name=partnership.name,
                lead_office=partnership.lead_office_name,
                funds=funds,
            )
        )
    return result


def find_funds_by_key(session: Session, key: str, partnership_slug: str | None) -> list[Fund]:
    query = select(Fund).join(Partnership).where(Fund.key == key)
    if partnership_slug is not None:
        query = query.where(Partnership.slug == partnership_slug)
    return list(session.scalars(query))


# -- the rules of a decided application ---------------------------------------------------------


def rules_for(application: Application) -> Guideline:
    """The rules an application's later steps (report, its documents, a check of it) go by:
    those of the guideline version its latest decision was made under; before any decision
    the fund's current guideline."""
    decided = [d for d in application.decisions if d.guideline is not None]
    if decided:
        latest = max(decided, key=lambda d: (d.decided_on, d.id or 0))
        return latest.guideline.rules
    return application.fund.guideline


# -- refusals ------------------------------------------------------------------------------------


class GuidelineRefused(Refused):
    """A guideline file with problems: nothing was saved; ``findings`` name each key."""

    def __init__(self, problem: GuidelineError) -> None:
        super().__init__(
            Message(N_("The guideline was not saved. Please correct the following:")),
            findings=guideline_findings(problem),
        )

    @property
    def problems(self) -> Sequence[Finding]:
        return self.findings

    def render(self, localizer: Localizer) -> str:
        # every problem, one a line: a person fixing a file wants them all at once
        lines = [self.message.render(localizer)]
        lines += [f"- {f.message.render(localizer)}" for f in self.findings]
        return "\n".join(lines)


MAX_GUIDELINE_BYTES = 200_000


def read_guideline_file(path: str | Path) -> str:
    """The text of a guideline file; refuses one that cannot be read (German, naming it)."""
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise GuidelineRefused(GuidelineError([("", f"{path}: {exc.strerror or exc}")])) from exc
    return guideline_text(raw, str(path))


def guideline_text(raw: bytes, name: str) -> str:
    """Uploaded or read bytes as guideline text (UTF-8, at most 200 kB)."""
    if len(raw) > MAX_GUIDELINE_BYTES:
        raise GuidelineRefused(GuidelineError([("", f"{name}: larger than 200 kB")]))
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise GuidelineRefused(GuidelineError([("", f"{name}: not UTF-8 text")])) from exc


def _read(text: str) -> Guideline:
    try:
        return load_guideline_text(text)
    except GuidelineError as exc:
        raise GuidelineRefused(exc) from exc


# -- lookups -------------------------------------------------------------------------------------


def find_fund(uow: UnitOfWork, partnership: Partnership, key: str) -> Fund:
    found = uow.session.scalars(
        select(Fund).where(Fund.partnership_id == partnership.id, Fund.key == key)
    ).one_or_none()
    if found is None:
        raise NotFound(
            Message(
                N_("The partnership has no fund “%(key)s”. The funds: foerderwerk funds list."),
                {"key": key[:40]},
            )
        )
    return found


def fund_by_id(uow: UnitOfWork, partnership: Partnership, fund_id: int) -> Fund:
    found = uow.session.get(Fund, fund_id)
    if found is None or found.partnership_id != partnership.id:
        raise NotFound(Message(N_("This fund does not exist (any more).")))
    return found


def _committee(
    uow: UnitOfWork, partnership: Partnership, name: str | None, rules: Guideline
) -> Committee | None:
    """The committee named, or the partnership's only committee of the guideline's body."""
    committees = list(
        uow.session.scalars(select(Committee).where(Committee.partnership_id == partnership.id))
    )
    if name:
        found = next((c for c in committees if c.name == name), None)
        if found is None:
            raise NotFound(
                Message(
                    N_(
                        "The partnership has no committee “%(name)s”. Please give one of: "
                        "%(names)s."
                    ),
                    {
                        "name": name[:100],
                        "names": ", ".join(c.name for c in committees) or "–",
                    },
                )
            )
        return found
    matching = [c for c in committees if c.body.value == rules.deciding_body]
    return matching[0] if len(matching) == 1 else None


# -- create, new version, open/close, copy ------------------------------------------------------


def create_fund(
    uow: UnitOfWork, partnership: Partnership, text: str, *, committee: str | None = None
) -> Fund:
    """A new fund of ``partnership`` from a guideline text (version 1); refuses a text with
    problems (every key named) and a key the partnership has already."""
    rules = _read(text)
    taken = uow.session.scalar(
        select(Fund.id).where(Fund.partnership_id == partnership.id, Fund.key == rules.fund_key)
    )
    if taken is not None:
        raise Refused(
            Message(
                N_(
                    "The fund %(key)s exists already. A changed guideline is added as a new "
                    "version with: foerderwerk funds update %(key)s --partnership %(slug)s "
                    "--guideline FILE."
                ),
                {"key": rules.fund_key, "slug": partnership.slug},
            )
        )
    fund = Fund(
        partnership=partnership,
        key=rules.fund_key,
        committee=_committee(uow, partnership, committee, rules),
    )
    fund.add_guideline(text)
    uow.session.add(fund)
    uow.session.flush()
    audit.record(
        uow.session,
        uow.actor,
        "fund.create",
        "fund",
        fund.id,
        partnership_id=partnership.id,
        key=fund.key,
        guideline_version=1,
    )
    return fund


def add_guideline_version(uow: UnitOfWork, fund: Fund, text: str) -> FundGuideline | None:
    """A changed guideline as the fund's next version (the earlier ones stay); ``None`` when
    the text is the current version's. Refuses a text with problems or of another fund."""
    rules = _read(text)
    if rules.fund_key != fund.key:
        raise GuidelineRefused(
            GuidelineError(
                [
                    (
                        "fund.key",
                        Message(
                            N_("is %(given)s, but the fund is %(key)s"),
                            {"given": rules.fund_key[:40], "key": fund.key},
                        ),
                    )
                ]
            )
        )
    before = fund.current_guideline
    version = fund.add_guideline(text)
    if version is before:
        return None
    uow.session.flush()
    audit.record(
        uow.session,
        uow.actor,
        "fund.guideline",
        "fund",
        fund.id,
        partnership_id=fund.partnership_id,
        key=fund.key,
        guideline_version=version.version,
    )
    return version


def assign_committee(uow: UnitOfWork, fund: Fund, name: str) -> bool:
    """Let the committee ``name`` of the fund's partnership decide the fund – for a fund
    created before its committee existed. Refused once an application of the fund was put on
    a session's agenda (that session's committee has taken it up). Whether it changed."""
    committee = _committee(uow, fund.partnership, name, fund.guideline)
    if committee is None or committee is fund.committee:
        return False
    on_agenda = uow.session.scalar(
        select(AgendaItem.id)
        .join(Application, Application.id == AgendaItem.application_id)
        .where(Application.fund_id == fund.id)
        .limit(1)
    )
    if on_agenda is not None:
        raise TransitionRefused(
            Message(
                N_(
                    "Applications of %(key)s are on a session's agenda already; the committee "
                    "that decides the fund cannot change any more."
                ),
                {"key": fund.key},
            )
        )
    fund.committee = committee
    uow.session.flush()
    audit.record(
        uow.session,
        uow.actor,
        "fund.committee",
        "fund",
        fund.id,
        partnership_id=fund.partnership_id,
        key=fund.key,
        committee=committee.name,
    )
    return True


def upload_problems(raw: bytes, name: str) -> tuple[str, list[Finding]]:
    """The text of an uploaded guideline file and its problems (none: it can be saved) – for
    a page that shows every problem at its field instead of refusing."""
    try:
        text = guideline_text(raw, name)
    except GuidelineRefused as refused:
        return "", list(refused.findings)
    try:
        load_guideline_text(text)
    except GuidelineError as exc:
        return text, guideline_findings(exc)
    return text, []


@dataclass(frozen=True)
class Saved:
    """What an uploaded guideline did: a new fund, a new version of one, or nothing."""

    fund: Fund
    outcome: str  # "created", "new-version", "unchanged"


def save_guideline(
    uow: UnitOfWork, partnership: Partnership, text: str, *, committee: str | None = None
) -> Saved:
    """The admin page's upload: a new fund for a new key, a new version for a known one."""
    rules = _read(text)
    existing = uow.session.scalars(
        select(Fund).where(Fund.partnership_id == partnership.id, Fund.key == rules.fund_key)
    ).one_or_none()
    if existing is None:
        return Saved(create_fund(uow, partnership, text, committee=committee), "created")
    added = add_guideline_version(uow, existing, text)
    return Saved(existing, "new-version" if added is not None else "unchanged")


DRAFT_NOT_CONFIRMED = Message(
    N_(
        "The fund %(key)s is a draft copied for a new year: its budget and session dates are "
        "not confirmed yet. Please check them and confirm them when opening the fund."
    )
)


def open_fund(uow: UnitOfWork, fund: Fund, *, confirm: bool = False) -> bool:
    """Open the fund for applications; a draft only with ``confirm`` (budget and dates
    checked), which ends the draft. Returns whether anything changed."""
    if fund.draft and not confirm:
        raise TransitionRefused(Message(DRAFT_NOT_CONFIRMED.msgid, {"key": fund.key}))
    if fund.is_open:
        return False
    was_draft = fund.draft
    fund.draft = False
    fund.accepts_applications = True
    uow.session.flush()
    audit.record(
        uow.session,
        uow.actor,
        "fund.open",
        "fund",
        fund.id,
        partnership_id=fund.partnership_id,
        key=fund.key,
        confirmed=was_draft,
    )
    return True


def close_fund(uow: UnitOfWork, fund: Fund) -> bool:
    """Close the fund for new applications (its files go on). Returns whether it changed."""
    if not fund.accepts_applications:
        return False
    fund.accepts_applications = False
    uow.session.flush()
    audit.record(
        uow.session,
        uow.actor,
        "fund.close",
        "fund",
        fund.id,
        partnership_id=fund.partnership_id,
        key=fund.key,
    )
    return True


def copy_fund(uow: UnitOfWork, fund: Fund, year: int) -> Fund:
    """Next year's fund as a draft: the current guideline with the key, the name and every
    date moved to ``year`` (service/domain/fund_year.py), the budget kept but to be
    confirmed, the same committee; closed until an admin confirms it (:func:`open_fund`)."""
    current = fund.current_guideline
    if current is None:
        raise TransitionRefused(
            Message(N_("The fund %(key)s has no guideline to copy."), {"key": fund.key})
        )
    rules = current.rules
    new_key = key_for_year(rules.fund_key, rules.year, year)
    taken = uow.session.scalar(
        select(Fund.id).where(Fund.partnership_id == fund.partnership_id, Fund.key == new_key)
    )
    if taken is not None:
        raise Refused(
            Message(N_("The fund %(key)s exists already; nothing was copied."), {"key": new_key})
        )
    try:
        text = copy_guideline_text(current.toml_text, year, source=f"Version {current.version}")
    except CopyError as exc:
        raise Refused(exc.message) from exc
    copy = Fund(
        partnership=fund.partnership,
        key=new_key,
        committee=fund.committee,
        accepts_applications=False,
        draft=True,
    )
    copy.add_guideline(text)
    uow.session.add(copy)
    uow.session.flush()
    audit.record(
        uow.session,
        uow.actor,
        "fund.copy",
        "fund",
        copy.id,
        partnership_id=fund.partnership_id,
        key=copy.key,
        source=fund.key,
        source_version=current.version,
    )
    return copy


# -- the list --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SessionRow:
    day: date
    deadline: date
    # the partnership published this deadline itself (else: session − lead days)
    published: bool


@dataclass(frozen=True)
class FundRow:
    fund: Fund
    key: str
    name: str
    year: int
    budget: Decimal
    sessions: tuple[SessionRow, ...]
    lead_days: int
    is_open: bool
    draft: bool
    version: int
    committee: str


def fund_rows(uow: UnitOfWork, partnership: Partnership) -> list[FundRow]:
    """Every fund of the partnership with what the list shows (newest year first)."""
    rows = []
    funds = uow.session.scalars(select(Fund).where(Fund.partnership_id == partnership.id))
    for fund in funds:
        current = fund.current_guideline
        if current is None:
            continue
        rules = current.rules
        rows.append(
            FundRow(
                fund=fund,
                key=fund.key,
                name=rules.fund_name,
                year=rules.year,
                budget=rules.budget,
                sessions=tuple(
                    SessionRow(day, deadline, rules.has_own_deadline(day))
                    for day, deadline in rules.session_deadlines
                ),
                lead_days=rules.submission_lead_days,
                is_open=fund.is_open,
                draft=fund.draft,
                version=current.version,
                committee=fund.committee.name if fund.committee is not None else "",
            )
        )
    return sorted(rows, key=lambda row: (-row.year, row.key))
