"""Retention and purge (R26): legal holds, which files are due, and the purge itself.

``purge_files`` deletes, for every file past its retention period and not on hold, the
applicant's personal data and everything written for the file – the application with its
cost plan and financing, uploads (rows and bytes), payment requests, the usage-of-funds
report, comments and the formal check, the committee's agenda items and decisions about it,
its notices and their register documents (rows and bytes) – and leaves a tombstone
(:class:`~service.models.PurgedApplication`) with no personal data. The audit log is
append-only and stays as it is; the purge adds one entry per file, with counts only.

Each file is purged in a transaction of its own (``commit`` after each), so an interrupted
purge is simply run again: purged files are gone and have their tombstone, the rest is
found due again. Bytes are deleted only when no remaining row references their address:
stores are content-addressed, and the same bytes may belong to a file that is kept.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from ..archive.storage import (
    DEFAULT_SWEEP_GRACE,
    DocumentNotFoundError,
    Storage,
    bind_storage,
)
from ..domain.messages import N_, Message
from ..domain.retention import RetentionPolicy, RetentionRule, classify, is_due, kept_until
from ..domain.states import ApplicationState, DecisionOutcome, NoticeKind, NoticeState
from ..errors import Refused
from ..models import (
    AgendaItem,
    Applicant,
    Application,
    ApplicationComment,
    BatchItem,
    Decision,
    Document,
    FormalCheck,
    LegalHold,
    Notice,
    OutboxMail,
    PaymentRequest,
    Payout,
    PurgedApplication,
    RefundReceipt,
    ReportDraft,
    ReportReview,
    SentReminder,
    StaffUser,
    Upload,
    UsageReport,
)
from ..uow import Actor, UnitOfWork
from . import audit

log = logging.getLogger(__name__)
BERLIN = ZoneInfo("Europe/Berlin")

# States in which a file can be due at all (drafts only if never submitted)
_CANDIDATE_STATES = (ApplicationState.closed, ApplicationState.withdrawn, ApplicationState.draft)
_GRANT_KINDS = (NoticeKind.zuwendung, NoticeKind.aenderung)


def policy_from_config(config: Mapping[str, Any]) -> RetentionPolicy:
    """The periods of ``RETENTION_*_YEARS``; RetentionConfigError for impossible ones."""
    return RetentionPolicy(
        granted_years=int(config.get("RETENTION_GRANTED_YEARS", 10)),
        rejected_years=int(config.get("RETENTION_REJECTED_YEARS", 3)),
        draft_years=int(config.get("RETENTION_DRAFT_YEARS", 1)),
    )


# --------------------------------------------------------------------------- legal hold


class HoldReasonMissing(Refused):
    """A legal hold needs a reason (the court file, the audit)."""

    def __init__(self) -> None:
        super().__init__(Message(N_("Please give a reason for the legal hold.")))


def place_legal_hold(uow: UnitOfWork, application: Application, reason: str) -> LegalHold:
    """Put the file under a legal hold (Sperrvermerk): it is never purged while held.

    Placing a hold on a held file replaces its reason (a second lawsuit). The audit entry
    names the file, not the reason: the reason is free text and might name people, while the
    audit log can never be cleaned (R24); the reason stays on the hold itself.
    """
    session, actor = uow.session, uow.actor
    reason = reason.strip()
    if not reason:
        raise HoldReasonMissing()
    hold = session.get(LegalHold, application.id)
    renewed = hold is not None
    if hold is None:
        hold = LegalHold(application_id=application.id, reason=reason, placed_by=str(actor)[:200])
        session.add(hold)
    else:
        hold.reason = reason
        hold.placed_by = str(actor)[:200]
        hold.placed_at = datetime.now(UTC)
    audit.record(
        session,
        actor,
        "retention.hold",
        "application",
        application.id,
        partnership_id=application.fund.partnership_id,
        reference=application.reference,
        renewed=renewed,
    )
    session.flush()
    return hold


def release_legal_hold(uow: UnitOfWork, application: Application) -> bool:
    """Lift the hold; the file's ordinary retention period applies again. False if none."""
    session, actor = uow.session, uow.actor
    hold = session.get(LegalHold, application.id)
    if hold is None:
        return False
    held_since = hold.placed_at
    session.delete(hold)
    audit.record(
        session,
        actor,
        "retention.release",
        "application",
        application.id,
        partnership_id=application.fund.partnership_id,
        reference=application.reference,
        held_since=held_since.isoformat(),
    )
    session.flush()
    return True


def legal_hold(session: Session, application: Application) -> LegalHold | None:
    return session.get(LegalHold, application.id)


# --------------------------------------------------------------------------- what is due


@dataclass(frozen=True)
class Retention:
    """The retention of one file: its rule, the day the period counts from, the last day."""

    application_id: int
    reference: str | None
    rule: RetentionRule
    years: int
    anchor_on: date
    kept_until: date
    held: bool

    def due(self, today: date) -> bool:
        return not self.held and is_due(self.anchor_on, self.years, today)


def _berlin_day(moment: datetime) -> date:
    return moment.astimezone(BERLIN).date()


def _granted(session: Session, application_id: int) -> bool:
    return (
        session.scalar(
            select(func.count())
            .select_from(Notice)
            .where(
                Notice.application_id == application_id,
                Notice.state == NoticeState.issued,
                Notice.kind.in_(_GRANT_KINDS),
            )
        )
        or 0
    ) > 0


def retention_of(
    session: Session, application: Application, policy: RetentionPolicy
) -> Retention | None:
    """The file's retention, or None while it is open (the period has not started)."""
    submitted = application.submitted_on is not None or application.submitted_at is not None
    rule = classify(
        application.state,
        submitted=submitted,
        granted=submitted and _granted(session, application.id),
    )
    if rule is None:
        return None
    if application.state is ApplicationState.draft:
        # a draft never ends: its period runs from its last change
        anchor = _berlin_day(application.updated_at)
    else:
        # the day the file reached its final state (a closed grant: the day the report
        # check was closed); files ended before that was recorded: their last change
        anchor = application.ended_on or _berlin_day(application.updated_at)
    years = policy.years(rule)
    return Retention(
        application_id=application.id,
        reference=application.reference,
        rule=rule,
        years=years,
        anchor_on=anchor,
        kept_until=kept_until(anchor, years),
        held=session.get(LegalHold, application.id) is not None,
    )


def files_past_retention(
    session: Session, policy: RetentionPolicy, today: date
) -> tuple[list[Retention], list[Retention]]:
    """Files whose period ended before ``today``: (to purge, held back by a legal hold)."""
    due: list[Retention] = []
    held: list[Retention] = []
    applications = session.scalars(
        select(Application).where(Application.state.in_(_CANDIDATE_STATES)).order_by(Application.id)
    )
    for application in applications:
        retention = retention_of(session, application, policy)
        if retention is None or not is_due(retention.anchor_on, retention.years, today):
            continue
        (held if retention.held else due).append(retention)
    return due, held


# --------------------------------------------------------------------------- the purge


@dataclass
class PurgedFile:
    """One purged (or, in a dry run, purgeable) file: no personal data, only counts."""

    application_id: int
    reference: str | None
    rule: RetentionRule
    kept_until: date
    counts: dict[str, int] = field(default_factory=dict)


@dataclass
class PurgeReport:
    today: date
    dry_run: bool
    purged: list[PurgedFile] = field(default_factory=list)
    held: list[Retention] = field(default_factory=list)
    files_deleted: int = 0
    # addresses kept because a file that is not purged uses the same bytes
    files_shared: int = 0
    files_missing: int = 0
    # addresses stored again moments ago by another record: left to the orphan sweep
    files_recent: int = 0


@dataclass
class _Plan:
    application: Application
    retention: Retention
    notice_ids: list[int]
    decision_ids: list[int]
    agenda_item_ids: list[int]
    meeting_ids: list[int]
    document_ids: list[int]
    document_addresses: set[str]
    upload_addresses: set[str]
    counts: dict[str, int]


def _ids(session: Session, query: Any) -> list[int]:
    return [int(value) for value in session.scalars(query)]


def _count(session: Session, model: Any, *conditions: Any) -> int:
    return int(session.scalar(select(func.count()).select_from(model).where(*conditions)) or 0)


def _plan(session: Session, application: Application, retention: Retention) -> _Plan:
    app_id = application.id
    notice_ids = _ids(session, select(Notice.id).where(Notice.application_id == app_id))
    decision_ids = _ids(session, select(Decision.id).where(Decision.application_id == app_id))
    agenda = session.execute(
        select(AgendaItem.id, AgendaItem.meeting_id).where(AgendaItem.application_id == app_id)
    ).all()
    belongs = [Document.application_id == app_id]
    if notice_ids:
        belongs.append(Document.notice_id.in_(notice_ids))
    documents = session.execute(
        select(Document.id, Document.file_sha256).where(or_(*belongs))
    ).all()
    uploads = list(session.scalars(select(Upload.sha256).where(Upload.application_id == app_id)))
    counts = {
        "cost_lines": len(application.cost_lines),
        "third_party": len(application.third_party),
        "uploads": len(uploads),
        "payment_requests": _count(
            session, PaymentRequest, PaymentRequest.application_id == app_id
        ),
        "usage_reports": _count(session, UsageReport, UsageReport.application_id == app_id),
        "comments": _count(
            session, ApplicationComment, ApplicationComment.application_id == app_id
        ),
        "agenda_items": len(agenda),
        "decisions": len(decision_ids),
        "notices": len(notice_ids),
        "documents": len(documents),
    }
    return _Plan(
        application=application,
        retention=retention,
        notice_ids=notice_ids,
        decision_ids=decision_ids,
        agenda_item_ids=[row[0] for row in agenda],
        meeting_ids=sorted({row[1] for row in agenda}),
        document_ids=[row[0] for row in documents],
        document_addresses={row[1] for row in documents},
        upload_addresses=set(uploads),
        counts=counts,
    )


def _amounts(session: Session, application: Application) -> dict[str, Decimal | None]:
    approved = session.scalars(
        select(Decision.amount)
        .where(
            Decision.application_id == application.id,
            Decision.outcome == DecisionOutcome.approved,
        )
        .order_by(Decision.decided_on.desc(), Decision.id.desc())
        .limit(1)
    ).first()
    granted = session.scalars(
        select(Notice.amount)
        .where(
            Notice.application_id == application.id,
            Notice.state == NoticeState.issued,
            Notice.kind.in_(_GRANT_KINDS),
        )
        .order_by(Notice.id.desc())
        .limit(1)
    ).first()
    # the paid amount is what the treasury paid (issue 19.1), not what was requested
    paid = session.scalar(
        select(func.sum(Payout.amount)).where(Payout.application_id == application.id)
    )
    return {
        "requested": application.requested,
        "approved": approved,
        "granted": granted,
        "paid": Decimal(paid) if paid is not None else None,
    }


def _tombstone(session: Session, plan: _Plan, today: date, actor: Actor) -> PurgedApplication:
    application = plan.application
    retention = plan.retention
    started = application.submitted_on or _berlin_day(application.created_at)
    return PurgedApplication(
        application_id=application.id,
        fund_id=application.fund_id,
        fund_key=application.fund.key,
        reference=application.reference,
        year=started.year,
        final_state=application.state,
        submitted_on=application.submitted_on,
        fields_of_action=list(application.fields_of_action or []),
        rule=retention.rule,
        retention_years=retention.years,
        anchor_on=retention.anchor_on,
        kept_until=retention.kept_until,
        purged_on=today,
        purged_by=str(actor)[:200],
        **_amounts(session, application),
    )


def _addresses(application: Application) -> set[str]:
    return {
        address.strip().lower()
        for address in (application.applicant_email, application.applicant_adult_contact_email)
        if address and address.strip()
    }


def _purge_rows(session: Session, plan: _Plan) -> tuple[int, int]:
    """Delete the file's rows; returns (outbox mails, meeting documents) deleted. The
    addresses of deleted meeting documents are added to ``plan.document_addresses``."""
    application = plan.application
    app_id = application.id
    applicant_id = application.applicant_id
    addresses = _addresses(application)
    if application.applicant is not None:
        addresses |= {
            a.strip().lower()
            for a in (application.applicant.email, application.applicant.adult_contact_email)
            if a and a.strip()
        }

    # Issued register documents are immutable (documents/register.py refuses every UPDATE of
    # their content). Deleting them at the end of the retention period is the one legitimate
    # removal of an issued document; it happens here, explicitly, and nowhere else. Batch
    # items that rendered them go first (they reference the notice and the document).
    item_filter = []
    if plan.notice_ids:
        item_filter.append(BatchItem.notice_id.in_(plan.notice_ids))
    if plan.document_ids:
        item_filter.append(BatchItem.document_id.in_(plan.document_ids))
    if item_filter:
        session.execute(delete(BatchItem).where(or_(*item_filter)))
    if plan.document_ids:
        # one statement: versions referencing each other (replaces_id) go together, and the
        # foreign keys are checked at the end of the statement on both databases
        session.execute(delete(Document).where(Document.id.in_(plan.document_ids)))
    if plan.notice_ids:
        session.execute(delete(Notice).where(Notice.id.in_(plan.notice_ids)))
    if plan.decision_ids:
        session.execute(delete(Decision).where(Decision.id.in_(plan.decision_ids)))
    if plan.agenda_item_ids:
        # votes and conflicts of interest go with their item (ON DELETE CASCADE)
        session.execute(delete(AgendaItem).where(AgendaItem.id.in_(plan.agenda_item_ids)))
    session.execute(delete(SentReminder).where(SentReminder.application_id == app_id))
    session.execute(delete(RefundReceipt).where(RefundReceipt.application_id == app_id))
    session.execute(delete(ReportReview).where(ReportReview.application_id == app_id))
    session.execute(delete(Payout).where(Payout.application_id == app_id))
    session.execute(delete(PaymentRequest).where(PaymentRequest.application_id == app_id))
    session.execute(delete(UsageReport).where(UsageReport.application_id == app_id))
    session.execute(delete(ReportDraft).where(ReportDraft.application_id == app_id))
    session.execute(delete(Upload).where(Upload.application_id == app_id))
    session.execute(delete(ApplicationComment).where(ApplicationComment.application_id == app_id))
    session.execute(delete(FormalCheck).where(FormalCheck.application_id == app_id))
    # cost lines and third-party funding go with the application (ORM cascade); the
    # collections deleted above are reloaded (empty) rather than trusted from the session
    session.expire(application, ["agenda_items", "decisions", "notices"])
    session.delete(application)
    session.flush()

    meeting_documents = _purge_meeting_documents(session, plan.meeting_ids, plan.document_addresses)

    if applicant_id is not None:
        others = _count(session, Application, Application.applicant_id == applicant_id)
        if not others:
            # the applicant's master record has no other file left that needs it; with
            # other files not yet due it stays as it is – they need the data
            session.execute(delete(Applicant).where(Applicant.id == applicant_id))

    mails = 0
    if addresses:
        still_used = _addresses_in_use(session, addresses)
        gone = sorted(addresses - still_used)
        if gone:
            result = session.execute(
                delete(OutboxMail).where(func.lower(OutboxMail.recipient).in_(gone))
            )
            mails = int(getattr(result, "rowcount", 0) or 0)
    session.flush()
    return mails, meeting_documents


def _addresses_in_use(session: Session, addresses: set[str]) -> set[str]:
    """Those of ``addresses`` that a file or applicant record still kept uses."""
    used: set[str] = set()
    wanted = sorted(addresses)
    for column in (
        Application.applicant_email,
        Application.applicant_adult_contact_email,
        Applicant.email,
        Applicant.adult_contact_email,
        StaffUser.email,
    ):
        used |= {
            str(value).lower()
            for value in session.scalars(select(column).where(func.lower(column).in_(wanted)))
        }
    return used


def _purge_meeting_documents(
    session: Session, meeting_ids: Iterable[int], addresses: set[str]
) -> int:
    """Delete invitations and minutes of sessions none of whose applications is kept.

    They name every applicant of the session, so they are part of each file; they stay as
    long as any file decided in the session is kept, and go with the last one.
    """
    deleted = 0
    for meeting_id in meeting_ids:
        if _count(session, AgendaItem, AgendaItem.meeting_id == meeting_id):
            continue
        rows = session.execute(
            select(Document.id, Document.file_sha256).where(Document.meeting_id == meeting_id)
        ).all()
        if not rows:
            continue
        document_ids = [row[0] for row in rows]
        addresses.update(row[1] for row in rows)
        session.execute(delete(BatchItem).where(BatchItem.document_id.in_(document_ids)))
        # see _purge_rows: the one legitimate deletion of issued register documents
        session.execute(delete(Document).where(Document.id.in_(document_ids)))
        deleted += len(document_ids)
    return deleted


def _unreferenced(session: Session, column: Any, addresses: Iterable[str]) -> set[str]:
    wanted = set(addresses)
    if not wanted:
        return set()
    still = set(session.scalars(select(column).where(column.in_(sorted(wanted))).distinct()))
    return wanted - still


def _delete_bytes(
    storage: Storage, addresses: Iterable[str], report: PurgeReport, grace: timedelta
) -> None:
    # Bytes stored again within the sweep's grace period belong to a register row being
    # written right now (same content, another record): they stay; if that row is never
    # committed, the orphan sweep takes them later.
    put_before = datetime.now(UTC) - grace
    for address in sorted(addresses):
        try:
            if storage.last_put_at(address) >= put_before:
                report.files_recent += 1
                continue
            delete_if_unused = getattr(storage, "delete_if_put_before", None)
            if callable(delete_if_unused):
                delete_if_unused(address, put_before)
            else:
                storage.delete(address)
            report.files_deleted += 1
        except DocumentNotFoundError:
            # already gone: an earlier purge was interrupted after its commit, or the
            # orphan sweep took it
            report.files_missing += 1


def purge_files(
    uow: UnitOfWork,
    policy: RetentionPolicy,
    *,
    today: date | None = None,
    document_storage: Storage,
    upload_storage: Storage,
    dry_run: bool = False,
    commit: Callable[[], None] | None = None,
    grace: timedelta = DEFAULT_SWEEP_GRACE,
) -> PurgeReport:
    """Purge every file past its retention period that is not on hold.

    With ``commit`` each file is committed on its own, and bytes in a folder are deleted only
    after the commit that removed the last row referencing them (a failed commit never leaves
    rows without their bytes; a crash after it leaves an orphan for the sweep). Without
    ``commit`` everything is only flushed, and folder bytes are deleted right away.
    A dry run changes nothing and reports what would be purged. The periods are counted as
    on ``today``, by default the unit of work's; the unit's actor is recorded.
    """
    session, actor = uow.session, uow.actor
    today = today or uow.today()
    report = PurgeReport(today=today, dry_run=dry_run)
    due, report.held = files_past_retention(session, policy, today)
    for retention in due:
        application = session.get(Application, retention.application_id)
        if application is None:  # pragma: no cover - purged by a concurrent run
            continue
        plan = _plan(session, application, retention)
        purged = PurgedFile(
            application_id=retention.application_id,
            reference=retention.reference,
            rule=retention.rule,
            kept_until=retention.kept_until,
            counts=dict(plan.counts),
        )
        report.purged.append(purged)
        if dry_run:
            continue
        partnership_id = application.fund.partnership_id
        session.add(_tombstone(session, plan, today, actor))
        mails, meeting_documents = _purge_rows(session, plan)
        purged.counts["outbox_mails"] = mails
        purged.counts["meeting_documents"] = meeting_documents
        documents_gone = _unreferenced(session, Document.file_sha256, plan.document_addresses)
        uploads_gone = _unreferenced(session, Upload.sha256, plan.upload_addresses)
        report.files_shared += len(plan.document_addresses - documents_gone) + len(
            plan.upload_addresses - uploads_gone
        )
        # counts only: the audit log can never be cleaned, so it gets no names (R24)
        audit.record(
            session,
            actor,
            "retention.purge",
            "application",
            retention.application_id,
            partnership_id=partnership_id,
            reference=retention.reference,
            rule=retention.rule.value,
            years=retention.years,
            kept_until=retention.kept_until.isoformat(),
            counts=purged.counts,
        )
        # The database backend deletes bytes in this transaction; the folder cannot roll
        # back, so its files go after the commit.
        transactional = callable(getattr(document_storage, "bound_to", None))
        bound = bind_storage(document_storage, session)
        if transactional:
            _delete_bytes(bound, documents_gone, report, grace)
        session.flush()
        if commit is not None:
            commit()
        if not transactional:
            _delete_bytes(document_storage, documents_gone, report, grace)
        _delete_bytes(upload_storage, uploads_gone, report, grace)
        log.info(
            "purged file %s (%s, kept until %s)",
            retention.application_id,
            retention.rule.value,
            retention.kept_until.isoformat(),
        )
    return report
