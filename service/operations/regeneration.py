"""Regenerating notices in batches: plan, start a job, render item by item, finish.

Templates change (a new letterhead, corrected legal text, a new signatory) and after every
session dozens of notices are due at once. A *plan* compares, for every notice in scope, the
context and template it would be rendered from today with what its latest document was
rendered from; only records where either hash differs are worth rendering.

* A decision of the committee without a notice gets a **draft** notice (numbered with the
  application's file number), rendered as a PDF stamped ENTWURF plus DOCX.
* A **draft** is simply rendered again.
* An **issued** notice is an administrative act that has been delivered: it is re-rendered
  only when a reason is given, as a new version of its documents that points to the old
  one and says why; the old bytes stay (R23). Without a reason it is reported, not touched.

The job row records what was asked, the items what happened to each record. Rendering runs
outside any transaction; an item is then *claimed and completed in one short transaction*
(``UPDATE … WHERE state = 'pending'`` is the lock on PostgreSQL and SQLite alike), so a
record is rendered into the register exactly once, however often its task is delivered
(R21). Operations here flush; the batch runners (service/batch) commit.
"""

from __future__ import annotations

import functools
import hashlib
import os
import socket
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, selectinload

from ..archive.register import (
    context_hash,
    latest_version,
    snapshot_context,
)
from ..domain.messages import N_, Localizer, Message
from ..domain.states import ApplicationState, ItemState, JobState, NoticeKind, NoticeState
from ..errors import Refused
from ..models import (
    AgendaItem,
    Application,
    BatchItem,
    BatchJob,
    Decision,
    Document,
    Fund,
    Notice,
    utcnow,
)
from ..paths import locale_dir
from ..pdf.pdftools import DRAFT_STAMP
from ..rendering.docx import Metadata, TemplateSource
from ..uow import UnitOfWork
from . import audit
from .funds import committed_amount
from .notices import (
    NOTICE_OUTCOMES,
    NoticeRefused,
    committed_by_others,
    notice_data,
    notice_filing,
    prepare_notice,
)
from .publish import (
    Annex,
    AuditEntry,
    Produced,
    Publication,
    file_documents,
    render,
    template_for,
)

BERLIN = ZoneInfo("Europe/Berlin")
JOB_KIND = "notices.regenerate"
# A driver that has not said it is alive for this long is gone; its job may be resumed.
HEARTBEAT_TIMEOUT = timedelta(seconds=60)

# document kinds in the register: drafts are kept apart from issued notices, so issuing a
# draft starts the issued notice's own version history at 1
DRAFT_PDF, DRAFT_DOCX = "notice-draft", "notice-draft-docx"
ISSUED_PDF, ISSUED_DOCX = "notice", "notice-docx"

# what a plan says about a record
CREATE = "create"  # a decision without a notice: a draft notice is created and rendered
DRAFT = "draft"  # a draft whose context or template changed: rendered again
REISSUE = "reissue"  # an issued notice that changed, with a reason: a new version
UNCHANGED = "unchanged"  # nothing to do
NEEDS_REASON = "needs_reason"  # an issued notice that changed; without a reason it stays
REFUSED = "refused"  # the rules refuse the notice as it stands (recorded as a failed item)
TO_RENDER = (CREATE, DRAFT, REISSUE)
ACTION_LABELS = {
    CREATE: N_("new draft"),
    DRAFT: N_("render draft again"),
    REISSUE: N_("new version of the issued notice"),
    UNCHANGED: N_("unchanged"),
    NEEDS_REASON: N_("issued notice changed – needs --reason"),
    REFUSED: N_("refused by the rules"),
}


class ScopeError(Refused):
    """The scope names no fund or session that exists, or nothing at all."""

    def __init__(self, message: Message) -> None:
        super().__init__(message)


@dataclass(frozen=True)
class Scope:
    """Which notices a run concerns: everything, a fund (key) or a session (meeting id),
    optionally within one partnership (the staff page always sets it)."""

    partnership_id: int | None = None
    fund: str | None = None
    session: int | None = None
    everything: bool = False

    def __post_init__(self) -> None:
        if not (self.everything or self.fund or self.session):
            raise ScopeError(Message(N_("Please choose --fund, --session or --all.")))

    def to_json(self) -> dict[str, Any]:
        return {
            "partnership": self.partnership_id,
            "fund": self.fund,
            "session": self.session,
            "all": self.everything,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Scope:
        return cls(
            partnership_id=data.get("partnership"),
            fund=data.get("fund"),
            session=data.get("session"),
            everything=bool(data.get("all")),
        )


@dataclass(frozen=True)
class PlannedRecord:
    number: str
    action: str
    decision_id: int
    notice_id: int | None  # None: the draft is created when the job starts
    template: str = ""
    template_changed: bool = False
    old_template_sha256: str = ""
    new_template_sha256: str = ""
    context_changes: tuple[str, ...] = ()
    error: str = ""
    fund: str = ""
    applicant: str = ""


@dataclass
class Plan:
    scope: Scope
    reason: str
    records: list[PlannedRecord] = field(default_factory=list)

    def count(self, *actions: str) -> int:
        return sum(1 for record in self.records if record.action in actions)

    @property
    def to_render(self) -> list[PlannedRecord]:
        return [record for record in self.records if record.action in TO_RENDER]


# --------------------------------------------------------------------------- rendering input


def draft_date(notice: Notice) -> date:
    """The date a draft carries: the day it was created (Berlin). Stable, so a draft is not
    rendered again every day; issuing it puts the real date on the notice."""
    created = notice.created_at or utcnow()
    return created.astimezone(BERLIN).date()


def notice_input(notice: Notice) -> dict[str, Any]:
    """The notice interchange a notice is rendered from: for a draft, the committee's
    decision; for an issued notice, exactly what was issued (amount, conditions, reasons)."""
    decision = notice.decision
    if decision is None:
        raise ValueError(f"notice {notice.number} has no committee decision")
    if notice.state is NoticeState.draft:
        return notice_data(
            notice.application, decision, number=notice.number, issued_on=draft_date(notice)
        )
    if notice.issued_on is None:
        raise ValueError(f"issued notice {notice.number} has no date")
    return notice_data(
        notice.application,
        decision,
        number=notice.number,
        issued_on=notice.issued_on,
        amount=notice.amount,
        reasons=notice.grounds,
        conditions=list(notice.conditions or []),
    )


@functools.lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """SHA-256 over the code and catalog that turn a notice's data into its context: a
    deployment that changes them makes every record "changed" once, as it should."""
    root = Path(__file__).resolve().parent.parent
    files = sorted(
        [
            *root.joinpath("domain").glob("*.py"),
            *root.joinpath("rendering", "context").glob("*.py"),
            root / "rendering" / "partnership.py",
            root / "operations" / "notices.py",
            root / "operations" / "interchange.py",
            Path(locale_dir()) / "de" / "LC_MESSAGES" / "messages.mo",
        ]
    )
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def source_fingerprint(notice: Notice, settings_sha256: str) -> str:
    """SHA-256 of everything :func:`prepare_record` builds the context from."""
    application = notice.application
    decided = notice.decision.guideline if notice.decision is not None else None
    guideline = decided or application.fund.current_guideline
    parts = {
        "code": code_fingerprint(),
        "input": notice_input(notice),
        "guideline": guideline.sha256 if guideline is not None else None,
        "settings": settings_sha256,
    }
    return context_hash(parts)


def settings_fingerprint(notice: Notice) -> str:
    return context_hash(notice.application.fund.partnership.settings())


@dataclass(frozen=True)
class Prepared:
    source_sha256: str
    template: str
    template_sha256: str
    context: dict[str, Any]  # snapshot (JSON-ready)
    context_sha256: str
    raw_context: dict[str, Any]
    meta: Metadata
    source: TemplateSource
    # an approval's Anlage 2 (issue 18): appended to the PDF, part of the settings' fingerprint
    annexes: tuple[Annex, ...] = ()


class _Committed:
    """The money committed per fund, computed once per fund and run (not per record)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.by_fund: dict[int, Decimal] = {}

    def without(self, notice: Notice) -> Decimal:
        fund = notice.application.fund
        if fund.id not in self.by_fund:
            self.by_fund[fund.id] = committed_amount(self.session, fund)
        return committed_by_others(self.by_fund[fund.id], notice.application, notice.decision)


def prepare_record(
    session: Session,
    notice: Notice,
    localizer: Localizer,
    committed: Decimal | None = None,
) -> Prepared:
    """Template and context of ``notice`` as it would be rendered now (raises
    :class:`NoticeRefused` where the rules refuse it)."""
    decision = notice.decision
    if decision is None:
        raise ValueError(f"notice {notice.number} has no committee decision")
    prepared = prepare_notice(
        session,
        notice.application,
        decision,
        notice_input(notice),
        localizer,
        committed=committed,
    )
    snapshot = snapshot_context(prepared.context)
    return Prepared(
        source_sha256=source_fingerprint(notice, settings_fingerprint(notice)),
        template=prepared.template,
        template_sha256=prepared.source.sha256,
        context=snapshot,
        context_sha256=context_hash(snapshot),
        raw_context=prepared.context,
        meta=prepared.meta,
        source=prepared.source,
        annexes=prepared.annexes,
    )


def _kinds(notice: Notice) -> tuple[str, str]:
    return (
        (DRAFT_PDF, DRAFT_DOCX) if notice.state is NoticeState.draft else (ISSUED_PDF, ISSUED_DOCX)
    )


def context_changes(old: Any, new: Any, path: str = "") -> list[str]:
    """The dotted keys whose values differ between two context snapshots (for the dry run)."""
    if isinstance(old, Mapping) and isinstance(new, Mapping):
        changes: list[str] = []
        for key in sorted(set(old) | set(new)):
            where = f"{path}.{key}" if path else str(key)
            if key not in old or key not in new:
                changes.append(where)
            else:
                changes.extend(context_changes(old[key], new[key], where))
        return changes
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        changes = []
        for index, (a, b) in enumerate(zip(old, new, strict=True)):
            changes.extend(context_changes(a, b, f"{path}[{index}]"))
        return changes
    return [] if old == new else [path or "(context)"]


def refusal_text(exc: Exception) -> str:
    """A short, stable description of why an item failed (codes for refused notices)."""
    if isinstance(exc, NoticeRefused):
        return "NoticeRefused: " + ", ".join(f.code for f in exc.findings)
    return f"{type(exc).__name__}: {exc}"[:1000]


# --------------------------------------------------------------------------- scope


def _resolve_funds(session: Session, scope: Scope) -> list[int] | None:
    if not scope.fund:
        return None
    query = select(Fund.id).where(Fund.key == scope.fund)
    if scope.partnership_id is not None:
        query = query.where(Fund.partnership_id == scope.partnership_id)
    ids = list(session.scalars(query))
    if not ids:
        raise ScopeError(
            Message(N_("Nothing selected: %(problem)s"), {"problem": f"no fund {scope.fund}"})
        )
    return ids


def _decisions_in_scope(session: Session, scope: Scope) -> list[Decision]:
    fund_ids = _resolve_funds(session, scope)
    query = (
        select(Decision)
        .join(Application, Application.id == Decision.application_id)
        .join(Fund, Fund.id == Application.fund_id)
        .where(Decision.outcome.in_(NOTICE_OUTCOMES))
        .options(
            selectinload(Decision.notices),
            selectinload(Decision.application).selectinload(Application.fund),
        )
        .order_by(Decision.id)
    )
    if scope.partnership_id is not None:
        query = query.where(Fund.partnership_id == scope.partnership_id)
    if fund_ids is not None:
        query = query.where(Fund.id.in_(fund_ids))
    if scope.session is not None:
        query = query.join(AgendaItem, AgendaItem.id == Decision.agenda_item_id).where(
            AgendaItem.meeting_id == scope.session
        )
    return list(session.scalars(query))


def _current_notice(decision: Decision) -> Notice | None:
    """The notice a decision stands for now: the latest issued version, else its draft."""
    issued = [n for n in decision.notices if n.state is NoticeState.issued]
    if issued:
        return max(issued, key=lambda n: n.version)
    drafts = [n for n in decision.notices if n.state is NoticeState.draft]
    return drafts[0] if drafts else None


def _latest_documents(
    session: Session, notices: Iterable[Notice]
) -> dict[tuple[int, str, str], Document]:
    """The latest register entry per (partnership, kind, number) for the notices' PDFs (file
    numbers repeat across partnerships), in a few queries."""
    wanted = {(_kinds(n)[0], n.number) for n in notices}
    if not wanted:
        return {}
    numbers = sorted({number for _kind, number in wanted})
    latest: dict[tuple[int, str, str], Document] = {}
    # in chunks: one IN list per query stays far below the databases' parameter limits
    for start in range(0, len(numbers), 500):
        rows = session.scalars(
            select(Document)
            .where(
                Document.kind.in_((DRAFT_PDF, ISSUED_PDF)),
                Document.number.in_(numbers[start : start + 500]),
            )
            .order_by(Document.version)
        )
        for document in rows:
            latest[(document.partnership_id, document.kind, document.number)] = document
    return latest


def _may_create_draft(decision: Decision) -> bool:
    # only decisions still waiting for their notice; an application that went elsewhere
    # (withdrawn, closed) gets none
    return decision.application.state in (ApplicationState.approved, ApplicationState.rejected)


# --------------------------------------------------------------------------- plan


def plan_regeneration(uow: UnitOfWork, scope: Scope, *, reason: str = "") -> Plan:
    """What a run would do, record by record; writes nothing (the refusals of records the
    rules refuse are rendered in the unit of work's language)."""
    session, localizer = uow.session, uow.localizer
    reason = reason.strip()
    plan = Plan(scope, reason)
    decisions = _decisions_in_scope(session, scope)
    current = {d.id: _current_notice(d) for d in decisions}
    latest = _latest_documents(session, [n for n in current.values() if n is not None])
    committed = _Committed(session)
    settings: dict[int, str] = {}
    # the template each partnership renders each kind with now (its own or the shipped one)
    templates: dict[tuple[int, str], str] = {}
    for decision in decisions:
        notice = current[decision.id]
        application = decision.application
        common: dict[str, Any] = {
            "decision_id": decision.id,
            "fund": application.fund.key,
            "applicant": application.applicant_name or "",
        }
        if notice is None:
            if _may_create_draft(decision):
                plan.records.append(
                    PlannedRecord(
                        number=application.reference or "",
                        action=CREATE,
                        notice_id=None,
                        template="approval"
                        if decision.outcome.value == "approved"
                        else "rejection",
                        template_changed=True,
                        **common,
                    )
                )
            continue
        document = latest.get((application.fund.partnership_id, _kinds(notice)[0], notice.number))
        if document is not None and document.notice_id not in (None, notice.id):
            document = None  # the latest document belongs to an older version of the notice
        if document is not None and document.source_sha256:
            # the fast path: the same sources give the same context, no need to build it
            template = "approval" if decision.outcome.value == "approved" else "rejection"
            partnership_id = application.fund.partnership_id
            if partnership_id not in settings:
                settings[partnership_id] = settings_fingerprint(notice)
            try:
                source = source_fingerprint(notice, settings[partnership_id])
            except Exception:  # the slow path below reports what is wrong
                source = None
            if (partnership_id, template) not in templates:
                templates[partnership_id, template] = template_for(
                    session, partnership_id, template
                ).sha256
            current_template = templates[partnership_id, template]
            if source == document.source_sha256 and document.template_sha256 == current_template:
                plan.records.append(
                    PlannedRecord(
                        number=notice.number,
                        action=UNCHANGED,
                        notice_id=notice.id,
                        template=template,
                        old_template_sha256=document.template_sha256,
                        new_template_sha256=current_template,
                        **common,
                    )
                )
                continue
        try:
            prepared = prepare_record(session, notice, localizer, committed.without(notice))
        except Exception as exc:  # one bad record must not stop the plan
            plan.records.append(
                PlannedRecord(
                    number=notice.number,
                    action=REFUSED,
                    notice_id=notice.id,
                    error=refusal_text(exc),
                    **common,
                )
            )
            continue
        template_changed = document is None or document.template_sha256 != prepared.template_sha256
        changes: tuple[str, ...]
        if document is None:
            changes = ("(neu)",)
        elif document.context_sha256 == prepared.context_sha256:
            changes = ()
        else:
            changes = tuple(context_changes(document.context, prepared.context)) or ("(context)",)
        if not template_changed and not changes:
            action = UNCHANGED
        elif notice.state is NoticeState.draft:
            action = DRAFT
        else:
            action = REISSUE if reason else NEEDS_REASON
        plan.records.append(
            PlannedRecord(
                number=notice.number,
                action=action,
                notice_id=notice.id,
                template=prepared.template,
                template_changed=template_changed,
                old_template_sha256=document.template_sha256 if document else "",
                new_template_sha256=prepared.template_sha256,
                context_changes=changes,
                **common,
            )
        )
    return plan


# --------------------------------------------------------------------------- jobs


def this_process() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def create_draft_notice(uow: UnitOfWork, decision: Decision) -> Notice:
    """A draft notice for a committee decision, numbered with the application's file number."""
    from .notices import allocate_notice_number

    session = uow.session
    application = decision.application
    approved = decision.outcome.value == "approved"
    notice = Notice(
        fund=application.fund,
        application=application,
        decision=decision,
        number=application.reference or allocate_notice_number(session, application.fund),
        kind=NoticeKind.zuwendung if approved else NoticeKind.ablehnung,
        state=NoticeState.draft,
        amount=decision.amount if approved else None,
        created_at=utcnow(),
    )
    session.add(notice)
    return notice


def start_regeneration(
    uow: UnitOfWork,
    plan: Plan,
    *,
    mode: str = "local",
    workers: int = 1,
    owner: str | None = None,
) -> BatchJob:
    """Create the drafts the plan asks for and a job with one item per record to render;
    refused records become failed items, so the job shows them. The unit of work's actor
    started it (re-issued notices name that actor in their audit entries). Flushes."""
    session, actor = uow.session, uow.actor
    job = BatchJob(
        kind=JOB_KIND,
        scope=plan.scope.to_json(),
        reason=plan.reason,
        actor=str(actor),
        state=JobState.running,
        mode=mode,
        workers=workers,
        owner=owner or this_process(),
        heartbeat_at=utcnow(),
    )
    session.add(job)
    session.flush()
    position = 0
    for record in plan.records:
        if record.action not in (*TO_RENDER, REFUSED):
            continue
        if record.action == CREATE:
            decision = session.get(Decision, record.decision_id)
            if decision is None or _current_notice(decision) is not None:
                continue  # someone created it meanwhile
            notice = create_draft_notice(uow, decision)
            session.flush()
            notice_id = notice.id
        else:
            if record.notice_id is None:
                continue
            notice_id = record.notice_id
        refused = record.action == REFUSED
        session.add(
            BatchItem(
                job_id=job.id,
                position=position,
                notice_id=notice_id,
                action=DRAFT if record.action == CREATE else record.action,
                state=ItemState.failed if refused else ItemState.pending,
                error=record.error,
                finished_at=utcnow() if refused else None,
            )
        )
        position += 1
    job.total = position
    if not any(record.action in TO_RENDER for record in plan.records):
        job.state = JobState.done
        job.finished_at = utcnow()
    audit.record(
        session,
        actor,
        "notices.regenerate",
        "batch_job",
        job.id,
        partnership_id=plan.scope.partnership_id,
        scope=plan.scope.to_json(),
        reason=plan.reason,
        items=job.total,
        unchanged=plan.count(UNCHANGED),
        needs_reason=plan.count(NEEDS_REASON),
    )
    session.flush()
    return job


def find_resumable_job(
    session: Session, scope: Scope, reason: str, *, now: datetime | None = None
) -> BatchJob | None:
    """A running job for the same scope and reason whose driver is gone: a process of this
    machine that no longer exists, or any driver silent for :data:`HEARTBEAT_TIMEOUT`."""
    now = now or utcnow()
    host = socket.gethostname()
    jobs = session.scalars(
        select(BatchJob)
        .where(BatchJob.kind == JOB_KIND, BatchJob.state == JobState.running)
        .order_by(BatchJob.id)
    )
    for job in jobs:
        if job.scope != scope.to_json() or job.reason != reason.strip():
            continue
        owner_host, _, pid = job.owner.rpartition(":")
        gone = owner_host == host and pid.isdigit() and not _process_alive(int(pid))
        silent = job.heartbeat_at is None or now - job.heartbeat_at > HEARTBEAT_TIMEOUT
        if gone or silent:
            return job
    return None


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # a zombie (killed, not yet reaped by its parent) counts as gone
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return True


def adopt_job(uow: UnitOfWork, job: BatchJob, *, owner: str | None = None) -> None:
    """This process drives ``job`` from now on (a resumed job whose driver is gone)."""
    job.owner = owner or this_process()
    job.heartbeat_at = utcnow()


def beat(uow: UnitOfWork, job_id: int) -> None:
    """The job's driver is alive (see :data:`HEARTBEAT_TIMEOUT`)."""
    uow.session.execute(update(BatchJob).where(BatchJob.id == job_id).values(heartbeat_at=utcnow()))


def pending_items(session: Session, job_id: int) -> list[int]:
    return list(
        session.scalars(
            select(BatchItem.id)
            .where(BatchItem.job_id == job_id, BatchItem.state == ItemState.pending)
            .order_by(BatchItem.position)
        )
    )


@dataclass(frozen=True)
class Progress:
    job_id: int
    total: int
    done: int
    failed: int
    pending: int
    state: JobState
    created_at: datetime
    finished_at: datetime | None

    @property
    def finished(self) -> int:
        return self.done + self.failed

    def rate(self, now: datetime | None = None) -> float | None:
        """Records per second since the job was created."""
        end = self.finished_at or now or datetime.now(UTC)
        seconds = (end - self.created_at).total_seconds()
        return self.finished / seconds if seconds > 0 and self.finished else None

    def eta_seconds(self, now: datetime | None = None) -> float | None:
        rate = self.rate(now)
        return self.pending / rate if rate else None


def job_progress(session: Session, job_id: int) -> Progress:
    job = session.get(BatchJob, job_id)
    if job is None:
        raise LookupError(f"no job {job_id}")
    counts = dict(
        session.execute(
            select(BatchItem.state, func.count())
            .where(BatchItem.job_id == job_id)
            .group_by(BatchItem.state)
        ).all()
    )
    return Progress(
        job_id=job.id,
        total=job.total,
        done=counts.get(ItemState.done, 0),
        failed=counts.get(ItemState.failed, 0),
        pending=counts.get(ItemState.pending, 0),
        state=job.state,
        created_at=job.created_at,
        finished_at=job.finished_at,
    )


def finish_job_if_complete(uow: UnitOfWork, job_id: int) -> bool:
    """Mark the job done once no item is pending (whoever finishes the last item)."""
    session = uow.session
    left = session.scalar(
        select(func.count())
        .select_from(BatchItem)
        .where(BatchItem.job_id == job_id, BatchItem.state == ItemState.pending)
    )
    if left:
        return False
    result = session.execute(
        update(BatchJob)
        .where(BatchJob.id == job_id, BatchJob.state == JobState.running)
        .values(state=JobState.done, finished_at=utcnow())
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def cancel_job(uow: UnitOfWork, job_id: int) -> None:
    """Stop handing out the job's items; what is rendered stays."""
    session = uow.session
    job = session.get(BatchJob, job_id)
    if job is None or job.state is not JobState.running:
        return
    job.state = JobState.cancelled
    job.finished_at = utcnow()
    audit.record(session, uow.actor, "notices.regenerate.cancel", "batch_job", job.id)
    session.flush()


# --------------------------------------------------------------------------- one item


@dataclass(frozen=True)
class RenderedItem:
    item_id: int
    notice_id: int
    prepared: Prepared
    docx: bytes
    pdf: bytes


def render_item(uow: UnitOfWork, item_id: int) -> RenderedItem | None:
    """Render a pending item on the unit of work's PDF port (read-only; no lock held). None
    when there is nothing to do: the item is finished already or its job was cancelled."""
    session = uow.session
    item = session.get(BatchItem, item_id)
    if item is None or item.state is not ItemState.pending:
        return None
    if item.job.state is JobState.cancelled:
        return None
    notice = item.notice
    prepared = prepare_record(session, notice, uow.localizer)
    publication = Publication(
        prepared.template,
        prepared.raw_context,
        prepared.meta,
        # a draft says so on every page, drawn by the PDF export itself (no second pass)
        watermark=DRAFT_STAMP if notice.state is NoticeState.draft else None,
        source=prepared.source,
        annexes=prepared.annexes,
    )
    produced = render(uow, publication)
    return RenderedItem(item_id, notice.id, prepared, produced.docx, produced.pdf)


def complete_item(uow: UnitOfWork, rendered: RenderedItem, worker: str) -> bool:
    """Claim the item and register its documents (in the unit of work's store) in the
    current transaction; False when another delivery finished it first (the caller rolls
    back). Flushes."""
    session = uow.session
    claimed = session.execute(
        update(BatchItem)
        .where(BatchItem.id == rendered.item_id, BatchItem.state == ItemState.pending)
        .values(attempts=BatchItem.attempts + 1, worker=worker[:200])
    )
    if not claimed.rowcount:  # type: ignore[attr-defined]
        return False
    item = session.get(BatchItem, rendered.item_id)
    if item is None:  # pragma: no cover - the UPDATE above just found it
        return False
    session.refresh(item)
    notice = item.notice
    job = item.job
    issued = notice.state is NoticeState.issued
    pdf_kind, docx_kind = _kinds(notice)
    previous = latest_version(session, notice.fund.partnership_id, pdf_kind, notice.number)
    version = previous.version + 1 if previous else 1
    stem = f"{'Bescheid' if issued else 'Bescheid-Entwurf'}-{notice.number}-v{notice.version}"
    prepared = rendered.prepared
    filing = notice_filing(
        notice,
        kinds=(pdf_kind, docx_kind),
        issued=issued,
        file_stem=stem + (f"-{version}" if version > 1 else ""),
        replacement_reason=job.reason if issued else "",
        source_sha256=prepared.source_sha256,
        template_sha256=prepared.template_sha256,
        context=prepared.context,
    )
    # a draft is no administrative act: only a new version of an issued notice is audited
    entry = (
        AuditEntry(
            "notice.regenerate",
            "notice",
            notice.id,
            notice.fund.partnership_id,
            {
                "number": notice.number,
                "document_version": version,
                "reason": job.reason,
                "job": job.id,
            },
            actor=job.actor,
        )
        if issued
        else None
    )
    produced = Produced(
        Publication(prepared.template, prepared.raw_context, prepared.meta, source=prepared.source),
        rendered.docx,
        rendered.pdf,
    )
    documents = file_documents(uow, produced, filing, entry)
    item.state = ItemState.done
    item.document_id = documents[0].id
    item.error = ""
    item.finished_at = utcnow()
    session.flush()
    return True


def fail_item(uow: UnitOfWork, item_id: int, error: str, worker: str) -> bool:
    """Record why a pending item failed; the batch goes on. Flushes."""
    result = uow.session.execute(
        update(BatchItem)
        .where(BatchItem.id == item_id, BatchItem.state == ItemState.pending)
        .values(
            state=ItemState.failed,
            error=error[:1000],
            attempts=BatchItem.attempts + 1,
            worker=worker[:200],
            finished_at=utcnow(),
        )
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def failed_items(session: Session, job_id: int) -> list[BatchItem]:
    return list(
        session.scalars(
            select(BatchItem)
            .where(BatchItem.job_id == job_id, BatchItem.state == ItemState.failed)
            .options(selectinload(BatchItem.notice))
            .order_by(BatchItem.position)
        )
    )


def recent_jobs(session: Session, partnership_id: int | None, limit: int = 20) -> list[BatchJob]:
    """The latest ``limit`` jobs of the partnership (of all, for None) – filtered before the
    limit, so many jobs of other partnerships never hide one's own. The partnership is in
    the scope's JSON, read here rather than in SQL (no JSON operators shared by SQLite and
    PostgreSQL); the jobs are read newest first and in batches until enough are found."""
    found: list[BatchJob] = []
    result = session.scalars(
        select(BatchJob)
        .where(BatchJob.kind == JOB_KIND)
        .order_by(BatchJob.id.desc())
        .execution_options(yield_per=100)
    )
    try:
        for job in result:
            if partnership_id is None or job.scope.get("partnership") == partnership_id:
                found.append(job)
                if len(found) >= limit:
                    break
    finally:
        result.close()
    return found
