"""Notices (Bescheide) of the lead office: preview as a stamped draft, issue, amend, print.

A notice is rendered from the frozen submission plus the committee's decision (the notice
interchange of spec/interchange.md) by the documents engine; the rules engine checks it
first, and an approval that would state something false is refused. Issued notices carry
the application's file number (per fund and year: AIF-2026-007), are stored as PDF/A and DOCX
with their SHA-256 in the register, and never changed: an amendment is a new version that
points to the one it replaces and says why.

Issuing and notifying (issue 17, item 9): an approval whose approved period or report deadline
is already past is issued only with a confirmation (``confirm_past``); an issued notice is
e-mailed to the applicant with its PDF from the archive (after the commit, through the outbox)
and gets the day it counts as notified; a waiver of the remedy is recorded beside it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from .. import mail_texts
from ..adapters.mail.transport import Attachment, Mail
from ..archive.register import read_document
from ..domain.check import CheckResult, check_application
from ..domain.findings import Finding
from ..domain.messages import N_, Localizer, Message
from ..domain.notice import (
    REGULAR_NOTIFICATION_DAYS,
    WAIVER_NOT_A_GRANT,
    PastDates,
    WaiverForm,
    decision_findings,
    final_from,
    notice_final,
    notification_day,
    past_dates,
    remedy_deadline,
    unconfirmed_issue,
    waiver_problems,
)
from ..domain.states import (
    ApplicationState,
    DecisionOutcome,
    NoticeKind,
    NoticeState,
    can_transition,
)
from ..errors import NotFound, Refused, StaleVersion, TransitionRefused
from ..models import (
    Application,
    Committee,
    Decision,
    Document,
    Fund,
    Meeting,
    Notice,
    NoticeWaiver,
    Partnership,
    utcnow,
)
from ..pdf.pdftools import DocumentMetadata, PrintFilePart, merge_print_file, stamp_draft
from ..rendering.context import build_approval_context, build_rejection_context
from ..rendering.docx import Metadata, TemplateSource
from ..uow import UnitOfWork
from . import audit
from .funds import COMMITTING_STATES, committed_amount
from .interchange import application_to_interchange
from .partnerships import letterhead_of
from .publish import (
    Annex,
    AuditEntry,
    Filing,
    Produced,
    Publication,
    convert,
    file_documents,
    notice_annexes,
    notice_gate,
    notice_metadata,
    render_docx,
    require_notice,
    template_for,
)
from .publish import NoticeRefused as NoticeRefused  # where the views and jobs import it

NOTICE_OUTCOMES = (DecisionOutcome.approved, DecisionOutcome.rejected)
# bookmarks of the print file: legal titles, the same in every locale
_NO_NOTICE = Message(N_("This decision already has its notice, or needs none."))
_KIND_TITLES = {
    NoticeKind.zuwendung: "Zuwendungsbescheid",
    NoticeKind.ablehnung: "Ablehnungsbescheid",
    NoticeKind.aenderung: "Änderungsbescheid",
    NoticeKind.widerruf: "Widerrufs- und Rückforderungsbescheid",
}


@dataclass(frozen=True)
class Rendered:
    template: str
    context: dict[str, Any]
    docx: bytes
    meta: Metadata
    findings: list[Finding]
    source: TemplateSource | None = None
    # an approval's Anlage 2, appended to its PDF (issue 18)
    annexes: tuple[Annex, ...] = ()


class NotIssuedYet(Refused, LookupError):
    """The session has no issued notice to print (a LookupError for older callers)."""


class StaleNotice(StaleVersion):
    """The amendment was written against a version that has been replaced meanwhile (R19)."""

    latest: Notice

    def __init__(self, latest: Notice) -> None:
        super().__init__(Message(N_("Changed in the meantime")), latest=latest)


class PastDatesNotConfirmed(Refused):
    """An approval whose approved period (and perhaps its report deadline) is past on the day
    of issue, issued without the confirmation; the message names the dates."""


# the kinds whose remedy may be waived for an early payment
GRANT_KINDS = (NoticeKind.zuwendung, NoticeKind.aenderung)
# Larger PDFs are not attached: mail servers commonly refuse messages above 10 to 25 MB, and
# the attachment grows by a third in the message. A notice is some hundred kilobytes; only
# very large annexes or templates come near this.
MAIL_ATTACHMENT_LIMIT = 10_000_000


def allocate_notice_number(session: Session, fund: Fund) -> str:
    """The next notice number of the fund; one UPDATE … RETURNING serialises concurrent
    issues, as for file numbers."""
    number = session.execute(
        update(Fund)
        .where(Fund.id == fund.id)
        .values(last_notice_number=Fund.last_notice_number + 1)
        .returning(Fund.last_notice_number)
    ).scalar_one()
    return f"{fund.key}-{number:03d}"


def _conditions(text: str) -> list[str]:
    return [line.strip(" -•\t") for line in text.splitlines() if line.strip(" -•\t")]


def _period_end(application: Application) -> date | None:
    """The end of the period an approval of ``application`` grants (its project's end, as
    :func:`notice_data` states it)."""
    data = application.submission_snapshot or application_to_interchange(application)
    end = (data.get("project") or {}).get("end")
    try:
        return date.fromisoformat(end) if isinstance(end, str) else None
    except ValueError:
        return None


def issue_warning(decision: Decision, today: date) -> PastDates | None:
    """The dates of the approval of ``decision`` that are past on ``today`` – the staff page
    warns before issuing, and issuing needs a confirmation (None: nothing is past, or a
    rejection)."""
    if decision.outcome is not DecisionOutcome.approved:
        return None
    end = _period_end(decision.application)
    return past_dates(end, decision.rules.report_due_days, today)


def notice_data(
    application: Application,
    decision: Decision,
    *,
    number: str,
    issued_on: date,
    amount: Decimal | None = None,
    reasons: str = "",
    conditions: list[str] | None = None,
) -> dict[str, Any]:
    """The notice interchange: the frozen application plus ``decision``."""
    data = dict(application.submission_snapshot or application_to_interchange(application))
    project = data.get("project") or {}
    approved = decision.outcome is DecisionOutcome.approved
    granted = amount if amount is not None else decision.amount
    entry: dict[str, Any] = {
        "number": number,
        "date": issued_on.isoformat(),
        "outcome": "approved" if approved else "rejected",
        "committee_date": decision.decided_on.isoformat(),
        "reasons": reasons or decision.reasons,
        "conditions": conditions if conditions is not None else _conditions(decision.conditions),
    }
    if approved:
        entry.update(
            amount=f"{granted:.2f}" if granted is not None else None,
            start=project.get("start"),
            end=project.get("end"),
            financing_type=decision.rules.financing_type,
        )
    data["decision"] = entry
    return data


def committed_by_others(
    committed: Decimal, application: Application, decision: Decision | None
) -> Decimal:
    """The fund's committed money without this application's own approved amount."""
    if (
        decision is not None
        and application.state in COMMITTING_STATES
        and decision.outcome is DecisionOutcome.approved
        and decision.amount is not None
    ):
        committed -= decision.amount
    return max(committed, Decimal(0))


def _committed_without(session: Session, application: Application, decision: Decision) -> Decimal:
    return committed_by_others(committed_amount(session, application.fund), application, decision)


@dataclass(frozen=True)
class PreparedNotice:
    """What a notice is rendered from: template, context and metadata – checked, not rendered.
    ``source``: the partnership's template file for ``template`` (issue 16.4)."""

    template: str
    context: dict[str, Any]
    meta: Metadata
    findings: list[Finding]
    source: TemplateSource
    annexes: tuple[Annex, ...] = ()


def prepare_notice(
    session: Session,
    application: Application,
    decision: Decision,
    data: dict[str, Any],
    localizer: Localizer,
    *,
    committed: Decimal | None = None,
) -> PreparedNotice:
    """Check the notice and build its template context; raises :class:`NoticeRefused` where
    the notice would be false. ``committed`` (the fund's money committed by *other*
    applications) may be given by a batch that computed it once per fund."""
    # the guideline version the committee decided under, not a later one (issue 16.2)
    guideline = decision.rules
    payload = {key: value for key, value in data.items() if key != "decision"}
    if committed is None:
        committed = _committed_without(session, application, decision)
    # the notice's own date stands in for a missing submission date: a notice renders the same
    # whenever it is rendered again (regeneration compares fingerprints)
    day = date.fromisoformat(data["decision"]["date"])
    result: CheckResult = check_application(payload, guideline, committed, today=day)
    verdict = require_notice(notice_gate(data, result, decision_findings(data)))
    letterhead = letterhead_of(application.fund.partnership)
    # an approval without its Anlage 2 is refused before anything is rendered (issue 18)
    legal_form = (data.get("applicant") or {}).get("legal_form")
    annexes = notice_annexes(letterhead, verdict.template, legal_form)
    if verdict.template == "approval":
        context = build_approval_context(
            data, guideline, letterhead, result, localizer, annex_pages=annexes[0].pages
        )
    else:
        context = build_rejection_context(data, guideline, letterhead, result, localizer)
    meta = notice_metadata(
        verdict.template, data["decision"]["number"], letterhead.lead_office.name
    )
    source = template_for(session, application.fund.partnership_id, verdict.template)
    return PreparedNotice(verdict.template, context, meta, list(verdict.findings), source, annexes)


def render_notice(
    session: Session,
    application: Application,
    decision: Decision,
    data: dict[str, Any],
    localizer: Localizer,
) -> Rendered:
    """Check and render; raises :class:`NoticeRefused` where the notice would be false."""
    prepared = prepare_notice(session, application, decision, data, localizer)
    docx = render_docx(
        Publication(prepared.template, prepared.context, prepared.meta, source=prepared.source)
    )
    return Rendered(
        prepared.template,
        prepared.context,
        docx,
        prepared.meta,
        prepared.findings,
        prepared.source,
        prepared.annexes,
    )


def preview_notice(uow: UnitOfWork, decision: Decision) -> bytes:
    """The notice as it would be issued today, as a PDF stamped ENTWURF; nothing is stored."""
    application = decision.application
    data = notice_data(application, decision, number="ENTWURF", issued_on=uow.today())
    rendered = render_notice(uow.session, application, decision, data, uow.localizer)
    return stamp_draft(convert(uow.pdf, rendered.docx, rendered.meta, annexes=rendered.annexes))


def notice_filing(
    notice: Notice,
    *,
    kinds: tuple[str, str] = ("notice", "notice-docx"),
    issued: bool = True,
    file_stem: str | None = None,
    replacement_reason: str = "",
    source_sha256: str | None = None,
    template_sha256: str | None = None,
    context: dict[str, Any] | None = None,
) -> Filing:
    """Where a notice's PDF and DOCX go: each the next version of its kind and number."""
    return Filing(
        partnership_id=notice.fund.partnership_id,
        number=notice.number,
        stem=file_stem or f"Bescheid-{notice.number}-v{notice.version}",
        kinds=kinds,
        issued=issued,
        application_id=notice.application_id,
        notice_id=notice.id,
        replacement_reason=replacement_reason,
        source_sha256=source_sha256,
        template_sha256=template_sha256,
        context=context,
    )


def _file_notice(
    uow: UnitOfWork, notice: Notice, rendered: Rendered, pdf: bytes, entry: AuditEntry
) -> list[Document]:
    produced = Produced(
        Publication(
            rendered.template,
            rendered.context,
            rendered.meta,
            source=rendered.source,
            annexes=rendered.annexes,
        ),
        rendered.docx,
        pdf,
    )
    return file_documents(uow, produced, notice_filing(notice), entry)


def issue_notice(
    uow: UnitOfWork,
    decision: Decision,
    *,
    reasons: str = "",
    signatory: str | None = None,
    confirm_past: bool = False,
) -> Notice:
    """Number, render, convert, register and issue the notice of a committee decision, dated
    today (the unit of work's clock); it is e-mailed to the applicant after the commit and
    counts as notified on the day :func:`notification_of` gives.

    ``reasons`` (Begründung) become the decision's reasons where the committee's record has
    none yet; a rejection needs them (§ 39 VwVfG), the rules refuse it otherwise.
    ``signatory``: the lead office's signatory of the partnership unless given.
    ``confirm_past``: issue an approval even though its approved period (and perhaps its
    report deadline) is already over; without it :class:`PastDatesNotConfirmed` names them.
    """
    session, localizer, actor = uow.session, uow.localizer, uow.actor
    to_pdf, issued_on = uow.pdf, uow.today()
    if decision.outcome not in NOTICE_OUTCOMES or any(
        n.state is NoticeState.issued for n in decision.notices
    ):
        raise TransitionRefused(_NO_NOTICE)
    if reasons.strip() and not decision.reasons.strip():
        decision.reasons = reasons.strip()
    application = decision.application
    if signatory is None:
        signatory = application.fund.partnership.lead_office_signatory
    target = (
        ApplicationState.notice_issued
        if decision.outcome is DecisionOutcome.approved
        else ApplicationState.closed
    )
    if not can_transition(application.state, target):
        raise TransitionRefused(_NO_NOTICE)
    past = issue_warning(decision, issued_on)
    refusal = unconfirmed_issue(past, confirmed=confirm_past)
    if refusal is not None:
        raise PastDatesNotConfirmed(refusal)
    # The notice carries the file number (Aktenzeichen) the applicant knows from the
    # receipt – per fund and year by construction; only a file without one (paper, import)
    # draws from the fund's own notice counter.
    # A draft prepared by a regeneration run already holds the number; issuing it makes the
    # same row the administrative act.
    draft = next((n for n in decision.notices if n.state is NoticeState.draft), None)
    number = (
        draft.number
        if draft is not None
        else application.reference or allocate_notice_number(session, application.fund)
    )
    data = notice_data(application, decision, number=number, issued_on=issued_on)
    rendered = render_notice(session, application, decision, data, localizer)
    pdf = convert(to_pdf, rendered.docx, rendered.meta, annexes=rendered.annexes)
    approved = decision.outcome is DecisionOutcome.approved
    notice = draft if draft is not None else Notice(fund=application.fund, number=number)
    notice.application = application
    notice.decision = decision
    notice.kind = NoticeKind.zuwendung if approved else NoticeKind.ablehnung
    notice.state = NoticeState.issued
    notice.amount = decision.amount if approved else None
    notice.period_start = date.fromisoformat(data["decision"]["start"]) if approved else None
    notice.period_end = date.fromisoformat(data["decision"]["end"]) if approved else None
    notice.financing_type = data["decision"].get("financing_type")
    notice.conditions = data["decision"]["conditions"]
    notice.grounds = data["decision"]["reasons"]
    notice.signatory = signatory
    notice.issued_on = issued_on
    notice.issued_at = utcnow()
    _record_notification(notice, application.fund.partnership, issued_on)
    session.add(notice)
    session.flush()
    details: dict[str, Any] = {
        "number": number,
        "kind": notice.kind.value,
        "application": application.id,
        "notified_on": notice.notified_on,
    }
    if past is not None:
        # issued although the period (and perhaps the report deadline) was over: confirmed
        details["confirmed_past"] = {"period_end": past.period_end, "report_due": past.report_due}
    entry = AuditEntry(
        "notice.issue", "notice", notice.id, application.fund.partnership_id, details, actor=actor
    )
    documents = _file_notice(uow, notice, rendered, pdf, entry)
    application.move_to(target, today=issued_on)
    session.flush()
    mail_notice(uow, notice, documents[0])
    return notice


def amend_notice(
    uow: UnitOfWork,
    notice: Notice,
    *,
    reason: str,
    amount: Decimal | None,
    shown_version: int | None = None,
) -> Notice:
    """An Änderungsbescheid, dated today: a new version of the number that replaces the
    latest one.

    ``shown_version`` is the version the form showed; if another amendment came first,
    :class:`StaleNotice` is raised instead of silently amending the amendment.
    """
    session, localizer, actor = uow.session, uow.localizer, uow.actor
    to_pdf, issued_on = uow.pdf, uow.today()
    if not reason.strip():
        raise Refused(Message(N_("Please say why the notice is amended.")))
    if notice.decision is None or notice.kind is NoticeKind.ablehnung:
        raise TransitionRefused(Message(N_("Only a grant notice can be amended.")))
    latest = session.scalars(
        select(Notice)
        .where(Notice.fund_id == notice.fund_id, Notice.number == notice.number)
        .order_by(Notice.version.desc())
        .limit(1)
    ).one()
    if shown_version is not None and shown_version != latest.version:
        raise StaleNotice(latest)
    decision = notice.decision
    application = notice.application
    new_amount = amount if amount is not None else latest.amount
    data = notice_data(
        application,
        decision,
        number=notice.number,
        issued_on=issued_on,
        amount=new_amount,
        reasons=f"Änderung des Bescheids vom {latest.issued_on:%d.%m.%Y}: {reason.strip()}"
        if latest.issued_on
        else reason.strip(),
        conditions=list(latest.conditions or []),
    )
    rendered = render_notice(session, application, decision, data, localizer)
    pdf = convert(to_pdf, rendered.docx, rendered.meta, annexes=rendered.annexes)
    amended = Notice(
        fund_id=latest.fund_id,
        application=application,
        decision=decision,
        number=latest.number,
        kind=NoticeKind.aenderung,
        state=NoticeState.issued,
        version=latest.version + 1,
        replaces=latest,
        replacement_reason=reason.strip(),
        amount=new_amount,
        period_start=latest.period_start,
        period_end=latest.period_end,
        financing_type=latest.financing_type,
        conditions=list(latest.conditions or []),
        grounds=data["decision"]["reasons"],
        signatory=latest.signatory,
        issued_on=issued_on,
        issued_at=utcnow(),
    )
    _record_notification(amended, application.fund.partnership, issued_on)
    session.add(amended)
    session.flush()
    entry = AuditEntry(
        "notice.amend",
        "notice",
        amended.id,
        application.fund.partnership_id,
        {
            "number": amended.number,
            "version": amended.version,
            "replaces": latest.id,
            "reason": reason.strip(),
            "notified_on": amended.notified_on,
        },
        actor=actor,
    )
    documents = _file_notice(uow, amended, rendered, pdf, entry)
    session.flush()
    mail_notice(uow, amended, documents[0])
    return amended


# -- notifying -------------------------------------------------------------------------------


def notification_days_of(partnership: Partnership) -> int:
    """The settings' ``[legal] notification_days``; the statutory four days (§ 41 (2) VwVfG
    since 2025) for a partnership whose settings have no [legal] yet."""
    return partnership.legal_notification_days or REGULAR_NOTIFICATION_DAYS


def _record_notification(notice: Notice, partnership: Partnership, issued_on: date) -> None:
    """The notice is posted (and e-mailed) on its day of issue: it counts as notified on the
    day the partnership's settings give, moved to the next working day."""
    days = notification_days_of(partnership)
    notice.notification_days = days
    notice.notified_on = notification_day(issued_on, days)


def mail_notice(uow: UnitOfWork, notice: Notice, document: Document) -> bool:
    """Queue the e-mail of an issued notice to the applicant, with the PDF as registered in
    the archive (read back and checked against its address, so the mail carries exactly the
    issued bytes); it leaves after the commit (R20). False where the application has no
    e-mail address. German, in the applicant's form of address (service/mail_texts)."""
    application = notice.application
    address = (application.applicant_email or "").strip()
    if not address:
        return False
    pdf = read_document(uow.storage, document)
    attached = len(pdf) <= MAIL_ATTACHMENT_LIMIT
    kind = _KIND_TITLES[notice.kind]
    partnership = application.fund.partnership
    body = mail_texts.notice_body(partnership, notice, kind=kind, attached=attached)
    if attached:
        body = (
            f"{body}\n{mail_texts.notice_digest_line(notice) % {'digest': document.file_sha256}}\n"
        )
    mail = Mail(
        to=address,
        subject=mail_texts.notice_subject(notice, kind),
        body=body,
        attachments=(Attachment(document.file_name, pdf),) if attached else (),
    )
    uow.mail(mail_texts.from_partnership(mail, partnership))
    notice.mailed_at = utcnow()
    audit.record(
        uow.session,
        uow.actor,
        "notice.mail",
        "notice",
        notice.id,
        partnership_id=partnership.id,
        number=notice.number,
        version=notice.version,
        application=application.id,
        document=document.id,
        sha256=document.file_sha256,
        attached=attached,
    )
    return True


@dataclass(frozen=True)
class NoticeDates:
    """What the staff page says about an issued notice's notification: the day it counts as
    notified, the last day of its remedy deadline, the first day it is final (bestandskräftig)
    and whether it is on ``today``. All None for notices issued before notification days were
    recorded (unless a waiver makes them final)."""

    notified_on: date | None
    remedy_until: date | None
    final_from: date | None
    final: bool


def notice_dates(notice: Notice, today: date) -> NoticeDates:
    waived_on = notice.waiver.waived_on if notice.waiver is not None else None
    notified = notice.notified_on
    return NoticeDates(
        notified_on=notified,
        remedy_until=remedy_deadline(notified) if notified is not None else None,
        final_from=final_from(notified, waived_on),
        final=notice_final(notified, waived_on, today),
    )


def is_final(notice: Notice, today: date) -> bool:
    """Is ``notice`` final (bestandskräftig) on ``today``: its remedy waived, or its remedy
    deadline over? For the payment rules (issue 19: an early payment)."""
    return notice_dates(notice, today).final


# -- the waiver of the remedy (Rechtsbehelfsverzicht) ---------------------------------------

_WAIVER_NOT_ISSUED = Message(N_("A waiver can only be recorded for an issued notice."))
_WAIVER_RECORDED = N_(
    "A waiver of the remedy against notice %(number)s has already been recorded (declared "
    "on %(day)s); it cannot be changed."
)
_WAIVER_DAY_MISSING = N_("Please give the day the waiver was declared, e.g. 2026-12-10.")
_WAIVER_FORM_MISSING = N_("Please choose how the waiver was declared.")
_WAIVER_BY_MISSING = N_("Please name the person who declared the waiver for the recipient.")


@dataclass(frozen=True)
class WaiverProblem:
    """A problem with one field of the waiver form (``field``: ``waived_on``, ``form``,
    ``declared_by``; empty for the waiver as a whole)."""

    field: str
    message: Message


def record_waiver(
    uow: UnitOfWork,
    notice: Notice,
    *,
    waived_on: date | None,
    form: str,
    declared_by: str,
) -> list[WaiverProblem]:
    """Record that the recipient waived the remedy against ``notice`` (for an early payment):
    the day it was declared, how (``WaiverForm``: in writing, electronically) and by whom.
    Returns the problems; recorded (once, audited) only without any. A notice with a waiver
    is final from the waiver's day (not before it counts as notified)."""
    if notice.state is not NoticeState.issued:
        raise TransitionRefused(_WAIVER_NOT_ISSUED)
    if notice.waiver is not None:
        raise TransitionRefused(
            Message(_WAIVER_RECORDED, {"number": notice.number, "day": notice.waiver.waived_on})
        )
    problems: list[WaiverProblem] = []
    if waived_on is None:
        problems.append(WaiverProblem("waived_on", Message(_WAIVER_DAY_MISSING)))
    else:
        problems += [
            WaiverProblem("" if message.msgid == WAIVER_NOT_A_GRANT else "waived_on", message)
            for message in waiver_problems(
                waived_on,
                issued_on=notice.issued_on,
                today=uow.today(),
                grant=notice.kind in GRANT_KINDS,
            )
        ]
    try:
        how = WaiverForm(form)
    except ValueError:
        problems.append(WaiverProblem("form", Message(_WAIVER_FORM_MISSING)))
    name = " ".join(declared_by.split())[:200]
    if not name:
        problems.append(WaiverProblem("declared_by", Message(_WAIVER_BY_MISSING)))
    if problems or waived_on is None:
        return problems
    waiver = NoticeWaiver(
        notice=notice,
        waived_on=waived_on,
        form=how,
        declared_by=name,
        recorded_by=str(uow.actor)[:200],
    )
    uow.session.add(waiver)
    uow.session.flush()
    audit.record(
        uow.session,
        uow.actor,
        "notice.waiver",
        "notice",
        notice.id,
        partnership_id=notice.fund.partnership_id,
        number=notice.number,
        version=notice.version,
        waived_on=waived_on,
        form=how.value,
        declared_by=name,
        final_from=final_from(notice.notified_on, waived_on),
    )
    return []


def pending_decisions(session: Session, partnership_id: int) -> list[Decision]:
    """Committee decisions that still wait for their notice."""
    decisions = session.scalars(
        select(Decision)
        .join(Application, Application.id == Decision.application_id)
        .join(Fund, Fund.id == Application.fund_id)
        .where(
            Fund.partnership_id == partnership_id,
            Decision.outcome.in_(NOTICE_OUTCOMES),
            Application.state.in_((ApplicationState.approved, ApplicationState.rejected)),
        )
        .order_by(Decision.decided_on, Decision.id)
    )
    return [d for d in decisions if not any(n.state is NoticeState.issued for n in d.notices)]


def pending_decision(session: Session, partnership_id: int, reference: str) -> Decision:
    """The decision waiting for its notice of the application with file number ``reference``
    (``foerderwerk notices issue``)."""
    for decision in pending_decisions(session, partnership_id):
        if decision.application.reference == reference.strip():
            return decision
    raise NotFound(
        Message(
            N_("No committee decision on the application %(reference)s waits for its notice."),
            {"reference": reference.strip()[:40]},
        )
    )


def issued_notices(session: Session, partnership_id: int) -> list[Notice]:
    return list(
        session.scalars(
            select(Notice)
            .join(Fund, Fund.id == Notice.fund_id)
            .where(Fund.partnership_id == partnership_id, Notice.state == NoticeState.issued)
            .order_by(Notice.number, Notice.version)
        )
    )


def notice_pdf(session: Session, notice: Notice) -> Document | None:
    return session.scalars(
        select(Document)
        .where(Document.notice_id == notice.id, Document.kind == "notice")
        .order_by(Document.version.desc())
        .limit(1)
    ).first()


def meeting_notices(session: Session, meeting: Meeting) -> list[Notice]:
    """The latest issued version of each notice following from the meeting's decisions."""
    latest: dict[str, Notice] = {}
    for item in meeting.items:
        if item.decision is None:
            continue
        for notice in item.decision.notices:
            if notice.state is NoticeState.issued:
                current = latest.get(notice.number)
                if current is None or notice.version > current.version:
                    latest[notice.number] = notice
    return [latest[number] for number in sorted(latest)]


def print_file(uow: UnitOfWork, meeting: Meeting) -> tuple[bytes, int]:
    """All issued notices of a session merged into one PDF for printing."""
    session, storage, actor = uow.session, uow.storage, uow.actor
    parts = []
    for notice in meeting_notices(session, meeting):
        document = notice_pdf(session, notice)
        if document is None:
            continue
        parts.append(
            PrintFilePart(
                title=f"{_KIND_TITLES[notice.kind]} {notice.number} (Version {notice.version})",
                pdf=read_document(storage, document),
            )
        )
    if not parts:
        raise NotIssuedYet(Message(N_("No notice of this session has been issued yet.")))
    committee: Committee = meeting.committee
    merged = merge_print_file(
        parts,
        DocumentMetadata(
            title=f"Bescheide der Sitzung vom {meeting.held_on:%d.%m.%Y}",
            subject=committee.name,
            author=committee.partnership.lead_office_name,
        ),
    )
    audit.record(
        session,
        actor,
        "notice.print_file",
        "meeting",
        meeting.id,
        partnership_id=committee.partnership_id,
        notices=len(parts),
    )
    return merged, len(parts)


def notices_for_applicant(session: Session, application: Application) -> list[Notice]:
    """The issued notices of an application, newest version first, for the applicant's page
    (link each to ``applicant_notices.download``)."""
    return list(
        session.scalars(
            select(Notice)
            .where(Notice.application_id == application.id, Notice.state == NoticeState.issued)
            .order_by(Notice.number, Notice.version.desc())
        )
    )
