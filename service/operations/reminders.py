"""Reminders after the grant (issue 19.4): plan, send, and the staff's list of what is overdue.

``send_reminders`` is what ``foerderwerk reminders send`` runs from cron. It lists every open
deadline (:data:`DEADLINE_SOURCES`), asks the domain which reminder each calls for today
(service/domain/reminders.py), leaves out those already sent, and for each of the rest first
inserts its ``sent_reminder`` row – unique per kind, subject and due day – and only when that
row is new queues the e-mail, in the same transaction. Two overlapping runs therefore never
send the same reminder twice: the second run's insert waits for the first's commit and then
does nothing (:func:`.once.insert_once`). A rollback takes the row and the mail away together.

Report deadlines: an application whose grant notice was issued (the latest issued grant or
amendment notice with an approved period) and whose report has not come in owes it
``report_due_days`` (the guideline its decision was made under) after the period's end – the
day the notice states. Refund deadlines (issue 19.4) are the due day of every issued refund
notice not yet received in full (:func:`.refunds.refund_deadlines`); their mails state the
amount still open and the Kassenzeichen.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import exists, func, select
from sqlalchemy.orm import selectinload

from .. import mail_texts
from ..adapters.mail.transport import Mail
from ..domain.notice import report_due_on
from ..domain.reminders import Deadline, Key, Reminder, ReminderKind, Subject, overdue, plan
from ..domain.states import ApplicationState, NoticeKind, NoticeState
from ..links import site_url
from ..models import (
    Application,
    Decision,
    Fund,
    FundGuideline,
    Notice,
    SentReminder,
    UsageReport,
)
from ..uow import UnitOfWork
from . import audit, refunds
from .once import insert_once

# while the report is still owed (report_submitted, revoked, withdrawn, closed: not)
REPORT_OWED = (ApplicationState.notice_issued, ApplicationState.in_payment)
GRANTS = (NoticeKind.zuwendung, NoticeKind.aenderung)
# the applications loaded at once for writing their mails
CHUNK = 500


def report_deadlines(uow: UnitOfWork, partnership_id: int | None = None) -> list[Deadline]:
    """The report deadline of every application that still owes its report (of one
    partnership, or of all)."""
    session = uow.session
    latest = (
        select(Notice.application_id, func.max(Notice.id).label("notice_id"))
        .where(
            Notice.state == NoticeState.issued,
            Notice.kind.in_(GRANTS),
            Notice.period_end.is_not(None),
        )
        .group_by(Notice.application_id)
        .subquery()
    )
    query = (
        select(Application.id, Application.fund_id, Notice.period_end, Decision.guideline_id)
        .join(latest, latest.c.application_id == Application.id)
        .join(Notice, Notice.id == latest.c.notice_id)
        .outerjoin(Decision, Decision.id == Notice.decision_id)
        .where(
            Application.state.in_(REPORT_OWED),
            ~exists().where(UsageReport.application_id == Application.id),
        )
    )
    if partnership_id is not None:
        query = query.join(Fund, Fund.id == Application.fund_id).where(
            Fund.partnership_id == partnership_id
        )
    rows = session.execute(query).all()
    due_days = _report_due_days(uow, {row.fund_id for row in rows})
    deadlines = []
    for app_id, fund_id, period_end, guideline_id in rows:
        days = due_days.get(guideline_id) if guideline_id is not None else None
        if days is None:
            days = due_days.get(("current", fund_id))
        if days is None or period_end is None:  # (the query leaves out notices without end)
            continue
        deadlines.append(Deadline(Subject.report, app_id, app_id, report_due_on(period_end, days)))
    return deadlines


def _report_due_days(uow: UnitOfWork, fund_ids: set[int]) -> dict[object, int]:
    """``report_due_days`` per guideline version id, and per ("current", fund id) for the
    fund's latest version; each guideline text is parsed once (models/fund.py caches it)."""
    if not fund_ids:
        return {}
    result: dict[object, int] = {}
    versions = uow.session.execute(
        select(FundGuideline.id, FundGuideline.fund_id, FundGuideline.toml_text)
        .where(FundGuideline.fund_id.in_(fund_ids))
        .order_by(FundGuideline.fund_id, FundGuideline.version)
    ).all()
    for version_id, fund_id, text in versions:
        days = FundGuideline(toml_text=text).rules.report_due_days
        result[version_id] = days
        result[("current", fund_id)] = days  # the last one in version order stays
    return result


# Every kind of deadline reminders are sent for: one function each (issue 19.4).
DEADLINE_SOURCES: tuple[Callable[[UnitOfWork], Sequence[Deadline]], ...] = (
    report_deadlines,
    refunds.refund_deadlines,
)


def sent_keys(uow: UnitOfWork, kinds: Iterable[ReminderKind]) -> set[Key]:
    rows = uow.session.execute(
        select(SentReminder.kind, SentReminder.subject_id, SentReminder.due_on).where(
            SentReminder.kind.in_([k.value for k in kinds])
        )
    )
    return {(kind, subject_id, due_on) for kind, subject_id, due_on in rows}


def plan_reminders(uow: UnitOfWork) -> list[Reminder]:
    """The reminders due today that have not been sent."""
    deadlines = [d for source in DEADLINE_SOURCES for d in source(uow)]
    return plan(deadlines, uow.today(), sent_keys(uow, ReminderKind))


@dataclass
class SendResult:
    planned: int = 0
    sent: int = 0
    # sent by an overlapping run meanwhile (its row was there when ours was inserted)
    taken: int = 0
    # the application has no e-mail address: nothing to send, the staff list shows it
    no_address: int = 0


def send_reminders(uow: UnitOfWork, *, dry_run: bool = False) -> SendResult:
    """Send today's reminders once each (see the module's docstring); ``dry_run`` only
    counts them. Flushes, never commits."""
    reminders = plan_reminders(uow)
    result = SendResult(planned=len(reminders))
    if dry_run or not reminders:
        return result
    today = uow.today()
    for start in range(0, len(reminders), CHUNK):
        chunk = reminders[start : start + CHUNK]
        applications = _applications({r.deadline.application_id for r in chunk}, uow)
        accounts = refunds.open_amounts(
            uow, {r.deadline.subject_id for r in chunk if r.deadline.subject is Subject.refund}
        )
        for reminder in chunk:
            application = applications[reminder.deadline.application_id]
            if not application.applicant_email:
                result.no_address += 1
                continue
            row_id = insert_once(
                uow.session,
                SentReminder,
                {
                    "kind": reminder.kind.value,
                    "subject_id": reminder.deadline.subject_id,
                    "due_on": reminder.deadline.due_on,
                    "application_id": application.id,
                    "sent_at": uow.clock.now(),
                },
            )
            if row_id is None:
                result.taken += 1
                continue
            if reminder.deadline.subject is Subject.refund:
                account = accounts[reminder.deadline.subject_id]
                uow.mail(_refund_mail(application, reminder, today, account.open))
            else:
                uow.mail(_mail(application, reminder, today))
            result.sent += 1
    audit.record(
        uow.session,
        uow.actor,
        "reminders.send",
        "sent_reminder",
        "",
        planned=result.planned,
        sent=result.sent,
        taken=result.taken,
        no_address=result.no_address,
    )
    return result


def _applications(ids: set[int], uow: UnitOfWork) -> dict[int, Application]:
    found = uow.session.scalars(
        select(Application)
        .where(Application.id.in_(ids))
        .options(selectinload(Application.fund).selectinload(Fund.partnership))
    )
    return {application.id: application for application in found}


def _mail(application: Application, reminder: Reminder, today: date) -> Mail:
    partnership = application.fund.partnership
    overdue_now = reminder.kind is ReminderKind.report_overdue
    mail = Mail(
        to=application.applicant_email,
        subject=mail_texts.report_reminder_subject(application, overdue=overdue_now),
        body=mail_texts.report_reminder_body(
            partnership,
            application,
            overdue=overdue_now,
            due_on=reminder.deadline.due_on,
            today=today,
            link=site_url("apply.mine", slug=partnership.slug),
        ),
    )
    return mail_texts.from_partnership(mail, partnership)


def _refund_mail(
    application: Application, reminder: Reminder, today: date, open_amount: Decimal
) -> Mail:
    partnership = application.fund.partnership
    overdue_now = reminder.kind is ReminderKind.refund_overdue
    mail = Mail(
        to=application.applicant_email,
        subject=mail_texts.refund_reminder_subject(application, overdue=overdue_now),
        body=mail_texts.refund_reminder_body(
            partnership,
            application,
            overdue=overdue_now,
            due_on=reminder.deadline.due_on,
            today=today,
            open_amount=open_amount,
            cash_reference=refunds.cash_reference(application),
            link=site_url("apply.mine", slug=partnership.slug),
        ),
    )
    return mail_texts.from_partnership(mail, partnership)


# -- the staff's list ---------------------------------------------------------------------------


@dataclass(frozen=True)
class OverdueRow:
    application: Application
    deadline: Deadline
    days_overdue: int
    # when the overdue reminder went out (None: not yet, or no e-mail address)
    reminded_at: datetime | None


def overdue_reports(uow: UnitOfWork, partnership_id: int) -> list[OverdueRow]:
    """The reports of the partnership that are overdue today, the longest overdue first,
    each with the day its reminder was sent."""
    today = uow.today()
    late = overdue(report_deadlines(uow, partnership_id), today)
    if not late:
        return []
    ids = {d.application_id for d in late}
    applications = {
        a.id: a for a in uow.session.scalars(select(Application).where(Application.id.in_(ids)))
    }
    reminded = {
        (subject_id, due_on): sent_at
        for subject_id, due_on, sent_at in uow.session.execute(
            select(SentReminder.subject_id, SentReminder.due_on, SentReminder.sent_at).where(
                SentReminder.kind == ReminderKind.report_overdue.value,
                SentReminder.subject_id.in_(ids),
            )
        )
    }
    return [
        OverdueRow(
            applications[d.application_id],
            d,
            -d.days_left(today),
            reminded.get((d.subject_id, d.due_on)),
        )
        for d in late
    ]
