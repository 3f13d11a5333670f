"""Files in every stage of their life for the retention tests (R26): a granted file with
notices, register documents, uploads, payments, a report, comments and a committee decision;
rejected files; drafts. Each applicant has a unique name, e-mail and IBAN, so a test can
search the whole database for them afterwards."""

from __future__ import annotations

import copy
import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import JSON, LargeBinary, String, Text, select
from sqlalchemy.orm import Session

from service.archive.register import register_document
from service.archive.storage import Storage
from service.domain.states import (
    ApplicationState,
    DecisionOutcome,
    NoticeKind,
    NoticeState,
)
from service.models import (
    AgendaItem,
    Applicant,
    Application,
    ApplicationComment,
    Base,
    Committee,
    CommitteeBody,
    CommitteeMember,
    CommitteeTerm,
    Decision,
    Document,
    FormalCheck,
    Fund,
    Meeting,
    MeetingMode,
    Notice,
    OutboxMail,
    PaymentRequest,
    Payout,
    PayoutSource,
    RefundReceipt,
    ReportReview,
    Sector,
    SentReminder,
    Upload,
    UsageReport,
    Vote,
    VoteChoice,
    allocate_reference,
)
from service.operations import audit
from service.operations.interchange import application_from_interchange, freeze_submission

FIXTURES = Path(__file__).parent.parent / "fixtures"
EXAMPLE = json.loads((FIXTURES / "application-aif.json").read_text(encoding="utf-8"))
TEMPLATE_HASH = hashlib.sha256(b"zuwendungsbescheid.docx").hexdigest()
# the same offer uploaded to two files: content addressing stores it once
SHARED_OFFER = b"%PDF-1.7\n% Angebot Buehnentechnik, von zwei Antragstellern eingereicht\n%%EOF\n"


@dataclass
class Person:
    """An applicant's identifying data; every value unique to one test person."""

    name: str
    email: str
    iban: str
    contact: str

    @property
    def needles(self) -> list[str]:
        return [self.name, self.email, self.iban, self.contact]


def person(key: str, iban: str) -> Person:
    return Person(
        name=f"Verein {key} e.V.",
        email=f"post@{key.lower()}.example",
        iban=iban,
        contact=f"Vorsitz {key}mann",
    )


def applicant_for(session: Session, fund: Fund, who: Person) -> Applicant:
    applicant = Applicant(
        partnership_id=fund.partnership_id,
        name=who.name,
        legal_form="verein",
        street="Elbstraße 4",
        postal_code="19258",
        city="Boizenburg/Elbe",
        representative=who.contact,
        contact_name=who.contact,
        email=who.email,
        iban=who.iban,
        account_holder=who.name,
    )
    session.add(applicant)
    session.flush()
    return applicant


def make_file(
    session: Session,
    fund: Fund,
    who: Person,
    *,
    title: str,
    state: ApplicationState,
    ended_on: date | None,
    submitted: bool = True,
    applicant: Applicant | None = None,
) -> Application:
    data: dict[str, Any] = copy.deepcopy(EXAMPLE)
    data["applicant"].update(
        name=who.name,
        email=who.email,
        iban=who.iban,
        representative=who.contact,
        contact_name=who.contact,
        account_holder=who.name,
    )
    data["project"]["title"] = title
    data["project"]["summary"] = f"Ein Fest, organisiert von {who.contact}."
    if not submitted:
        data.pop("submitted_on")
    partnership = fund.partnership
    applicant = applicant or applicant_for(session, fund, who)
    application = application_from_interchange(
        session, partnership, fund, data, applicant=applicant
    )
    if submitted:
        application.submitted_at = datetime(2026, 2, 20, 9, 15, tzinfo=UTC)
        application.reference = allocate_reference(session, fund)
        freeze_submission(application)
    application.state = state
    # the listener records today; the tests need a day in the past
    application.ended_on = ended_on
    session.flush()
    return application


def committee(session: Session, fund: Fund) -> tuple[Committee, CommitteeMember]:
    body = Committee(
        partnership_id=fund.partnership_id, body=CommitteeBody.begleitausschuss, name="BgA"
    )
    member = CommitteeMember(committee=body, name="Ausschuss Mitglied")
    term = CommitteeTerm(member=member, term_from=date(2026, 1, 1), sector=Sector.civil)
    session.add_all([body, member, term])
    session.flush()
    return body, member


def decide(
    session: Session,
    application: Application,
    meeting: Meeting,
    member: CommitteeMember,
    outcome: DecisionOutcome,
    amount: Decimal | None,
) -> Decision:
    item = AgendaItem(
        meeting=meeting,
        application=application,
        position=len(meeting.items),
        proposed_amount=amount,
        conditions=f"Auflage für {application.applicant_name}",
    )
    session.add(item)
    session.add(Vote(item=item, member=member, choice=VoteChoice.yes))
    decision = Decision(
        application=application,
        item=item,
        outcome=outcome,
        amount=amount,
        reasons=f"Begründung zu {application.applicant_name}",
        decided_on=meeting.held_on,
    )
    session.add(decision)
    session.flush()
    return decision


def register(
    session: Session,
    storage: Storage,
    *,
    partnership_id: int,
    kind: str,
    number: str,
    payload: bytes,
    context: dict[str, Any],
    **links: Any,
) -> None:
    register_document(
        session,
        storage,
        partnership_id=partnership_id,
        kind=kind,
        number=number,
        template_key=kind,
        template_hash=TEMPLATE_HASH,
        context=context,
        file_bytes=payload,
        file_name=f"{kind}-{number}.pdf",
        issued=True,
        **links,
    )


def grant(
    session: Session,
    document_storage: Storage,
    upload_storage: Storage,
    application: Application,
    decision: Decision,
    *,
    shared_notice_bytes: bytes | None = None,
) -> Notice:
    """Notice (two versions), documents, an upload, payments, report, comments, check."""
    fund = application.fund
    number = application.reference or "X"
    notice = Notice(
        fund=fund,
        application=application,
        decision=decision,
        number=number,
        kind=NoticeKind.zuwendung,
        state=NoticeState.issued,
        amount=Decimal("600.00"),
        grounds=f"Antrag von {application.applicant_name}",
        issued_on=date(2026, 3, 20),
        issued_at=datetime(2026, 3, 20, 10, tzinfo=UTC),
    )
    session.add(notice)
    session.flush()
    context = {
        "recipient": {"name": application.applicant_name, "iban": application.applicant_iban}
    }
    register(
        session,
        document_storage,
        partnership_id=fund.partnership_id,
        kind="notice",
        number=number,
        payload=f"%PDF-1.7 Bescheid {number} an {application.applicant_name}".encode(),
        context=context,
        application_id=application.id,
        notice_id=notice.id,
    )
    register(
        session,
        document_storage,
        partnership_id=fund.partnership_id,
        kind="notice-docx",
        number=number,
        payload=shared_notice_bytes or f"DOCX Bescheid {number}".encode(),
        context=context,
        application_id=application.id,
        notice_id=notice.id,
    )
    # a corrected second version replacing the first (versions reference each other)
    amended = Notice(
        fund=fund,
        application=application,
        decision=decision,
        number=number,
        version=2,
        replaces=notice,
        replacement_reason="Tippfehler",
        kind=NoticeKind.aenderung,
        state=NoticeState.issued,
        amount=Decimal("550.00"),
        issued_on=date(2026, 4, 1),
        issued_at=datetime(2026, 4, 1, 10, tzinfo=UTC),
    )
    session.add(amended)
    session.flush()
    first = session.scalars(
        select(Document).where(Document.number == number, Document.kind == "notice")
    ).one()
    register_document(
        session,
        document_storage,
        partnership_id=fund.partnership_id,
        kind="notice",
        number=number,
        template_key="notice",
        template_hash=TEMPLATE_HASH,
        context=context,
        file_bytes=f"%PDF-1.7 Bescheid {number} v2 an {application.applicant_name}".encode(),
        file_name="v2.pdf",
        issued=True,
        replaces=first,
        application_id=application.id,
        notice_id=amended.id,
    )
    offer = f"%PDF-1.7 Angebot für {application.applicant_name}".encode()
    for payload, name in ((offer, "angebot.pdf"), (SHARED_OFFER, "buehne.pdf")):
        session.add(
            Upload(
                application=application,
                kind="offer",
                display_name=f"{application.applicant_name} {name}",
                sha256=upload_storage.put(payload),
                size=len(payload),
                pages=1,
            )
        )
    session.add(
        PaymentRequest(
            application=application,
            amount=Decimal("300.00"),
            needed_on=date(2026, 5, 1),
            requested_on=date(2026, 4, 20),
            idempotency_key=f"pay-{application.id}",
        )
    )
    # what the treasury paid on it: the tombstone's "paid" (issue 19.1)
    session.add(
        Payout(
            application=application,
            amount=Decimal("300.00"),
            paid_on=date(2026, 4, 24),
            source=PayoutSource.hand,
            created_by="kasse@example.org",
            idempotency_key=f"payout-{application.id}",
        )
    )
    session.add(
        UsageReport(
            application=application,
            submitted_on=date(2026, 8, 1),
            data={"narrative": f"Bericht von {application.applicant_contact_name}"},
            result={"final_grant": "550.00"},
            sha256="0" * 64,
            idempotency_key=f"report-{application.id}",
        )
    )
    # the report was reminded of before it came in (issue 19.4): purged with the file
    session.flush()
    # a refund notice with a first payment on it (issue 19.4): purged with the file
    report = session.scalars(
        select(UsageReport).where(UsageReport.application_id == application.id)
    ).one()
    review = ReportReview(
        application_id=application.id,
        usage_report_id=report.id,
        issued_kind="refund_notice",
        issued_number=f"TW-{number}",
        issued_on=date(2026, 9, 1),
        refund_on=date(2026, 10, 1),
        refund_total=Decimal("52.10"),
    )
    session.add(review)
    session.flush()
    session.add(
        RefundReceipt(
            application_id=application.id,
            report_review_id=review.id,
            amount=Decimal("20.00"),
            received_on=date(2026, 9, 20),
            note=f"Überweisung {application.applicant_contact_name}",
            idempotency_key=f"refund-{application.id}",
        )
    )
    session.add(
        SentReminder(
            kind="report_due",
            subject_id=application.id,
            due_on=date(2026, 8, 11),
            application_id=application.id,
        )
    )
    session.add(
        ApplicationComment(
            application=application,
            body=f"Rückruf bei {application.applicant_contact_name} erledigt",
            visible_to_applicant=True,
        )
    )
    session.add(FormalCheck(application=application, note=f"IBAN {application.applicant_iban}"))
    session.add(
        OutboxMail(
            recipient=application.applicant_email,
            subject=f"Ihr Antrag {number}",
            body=f"Guten Tag {application.applicant_contact_name}",
        )
    )
    session.flush()
    return amended


def all_text(session: Session) -> str:
    """Every text, JSON and binary value of every table, as one string (for needle search)."""
    parts: list[str] = []
    for table in Base.metadata.sorted_tables:
        columns = [
            column
            for column in table.columns
            if isinstance(column.type, String | Text | JSON | LargeBinary)
        ]
        if not columns:
            continue
        for row in session.execute(select(*columns)):
            for value in row:
                if value is None:
                    continue
                if isinstance(value, bytes):
                    parts.append(value.decode("utf-8", "replace"))
                elif isinstance(value, str):
                    parts.append(value)
                else:
                    parts.append(json.dumps(value, ensure_ascii=False))
    return "\n".join(parts)


def snapshot(session: Session) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, for 'nothing changed' checks."""
    result: dict[str, list[tuple[Any, ...]]] = {}
    for table in Base.metadata.sorted_tables:
        key = [column for column in table.primary_key.columns]
        rows = session.execute(select(table).order_by(*key)).all()
        result[table.name] = [tuple(row) for row in rows]
    return result


def meeting_for(session: Session, body: Committee, held_on: date) -> Meeting:
    meeting = Meeting(committee=body, held_on=held_on, mode=MeetingMode.session, place="Rathaus")
    session.add(meeting)
    session.flush()
    return meeting


def audit_rows(session: Session) -> list[tuple[Any, ...]]:
    from service.models import AuditLog

    return [
        tuple(row)
        for row in session.execute(
            select(
                AuditLog.id,
                AuditLog.actor,
                AuditLog.action,
                AuditLog.object_type,
                AuditLog.object_id,
                AuditLog.details,
            ).order_by(AuditLog.id)
        )
    ]


def some_audit(session: Session, application: Application) -> None:
    audit.record(
        session,
        "staff:1",
        "application.move",
        "application",
        application.id,
        partnership_id=application.fund.partnership_id,
        before="report_submitted",
        after="closed",
    )
