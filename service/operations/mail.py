"""E-mail through an outbox that is delivered only after the database commit (R20).

Operations call :func:`queue_mail`: the message is a row of the outbox table in the same
transaction, and is sent when that transaction commits (a rollback takes it away), so nobody
gets a receipt for a submission that was never stored, and a mail that could not be sent
stays in the outbox for :func:`send_pending`. Delivery: SMTP when ``MAIL_SMTP_HOST`` is
configured (environment ``FOERDERWERK_MAIL_SMTP_HOST``), else one ``.eml`` file per message in
a local folder (development).

An attachment that is expensive to make (the application PDF of a receipt: a LibreOffice
conversion) is queued as a :class:`DeferredAttachment` – what to render, not the bytes – and
rendered when the mail is sent. With ``background_niceness`` on :func:`bind_transport` such
mails are sent by this process's background sender (:mod:`.mail_sender`) after the commit, so the
request that queued them answers without waiting for LibreOffice.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import smtplib
import uuid
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, and_, event, or_, select, update
from sqlalchemy.orm import Session, SessionTransaction

from ..models import OutboxMail

log = logging.getLogger(__name__)

_OUTBOX = "foerderwerk.outbox"
_COMMITTED = "foerderwerk.outbox.committed"
_TRANSPORT = "foerderwerk.mail_transport"
_BACKGROUND = "foerderwerk.outbox.background"

# A sender that claimed a mail and then died (a killed worker) blocks it for this long; then
# `mail send` (cron) or another sender may try again. Longer than any rendering may take.
CLAIM_TIMEOUT = timedelta(minutes=10)


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    mime_type: str = "application/pdf"


@dataclass(frozen=True)
class DeferredAttachment:
    """An attachment rendered when the mail is sent: ``kind`` names the renderer (see
    :func:`_renderer`), ``ref`` its record. ``digest_line`` (already translated, with
    ``%(digest)s``) is appended to the body with the SHA-256 of the rendered bytes."""

    filename: str
    kind: str
    ref: int
    digest_line: str = ""
    mime_type: str = "application/pdf"


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    body: str
    attachments: tuple[Attachment, ...] = field(default_factory=tuple)
    deferred: tuple[DeferredAttachment, ...] = field(default_factory=tuple)


Transport = Callable[[EmailMessage], None]


def folder_transport(folder: str | Path) -> Transport:
    def deliver(message: EmailMessage) -> None:
        target = Path(folder)
        target.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        name = f"{stamp}-{uuid.uuid4().hex[:8]}.eml"
        partial = target / (name + ".part")
        partial.write_bytes(bytes(message))
        partial.replace(target / name)

    return deliver


def smtp_transport(host: str, port: int, user: str | None, password: str | None) -> Transport:
    def deliver(message: EmailMessage) -> None:
        with smtplib.SMTP(host, port, timeout=30) as smtp:
            if port != 25:
                smtp.starttls()
            if user:
                smtp.login(user, password or "")
            smtp.send_message(message)

    return deliver


def transport_from_config(config: dict[str, Any], instance_path: str) -> Transport:
    # The MAIL_* settings come from FOERDERWERK_MAIL_* through service.config like every other.
    host = config.get("MAIL_SMTP_HOST")
    if host:
        return smtp_transport(
            host,
            int(config.get("MAIL_SMTP_PORT") or 587),
            config.get("MAIL_SMTP_USER"),
            config.get("MAIL_SMTP_PASSWORD"),
        )
    return folder_transport(config.get("MAIL_FOLDER") or str(Path(instance_path) / "mail"))


def sender(config: dict[str, Any]) -> str:
    return str(config.get("MAIL_FROM") or "foerderwerk@localhost")


def bind_transport(
    session: Session,
    transport: Transport,
    from_address: str,
    *,
    background_niceness: int | None = None,
) -> None:
    """Tell the session where its queued mails go once it commits (done by the entry point).

    ``background_niceness`` (web requests): mails with deferred attachments go to this
    process's background sender, running at that nice value, instead of being rendered and
    sent before the entry point can answer."""
    session.info[_TRANSPORT] = (transport, from_address, background_niceness)


def queue_mail(session: Session, mail: Mail, *, background: bool = False) -> OutboxMail:
    """Write ``mail`` to the outbox in the session's transaction; it is sent after the commit
    (and never, if the transaction is rolled back).

    ``background``: sent by the background sender like a mail with deferred attachments
    (when the entry point bound one), so that the answer does not wait for the mail server –
    for answers that must take the same time whether or not a mail went out."""
    row = OutboxMail(
        recipient=mail.to,
        subject=mail.subject,
        body=mail.body,
        attachments={
            "items": [
                {
                    "filename": a.filename,
                    "mime_type": a.mime_type,
                    "content": base64.b64encode(a.content).decode("ascii"),
                }
                for a in mail.attachments
            ],
            **(
                {
                    "deferred": [
                        {
                            "filename": d.filename,
                            "mime_type": d.mime_type,
                            "kind": d.kind,
                            "ref": d.ref,
                            "digest_line": d.digest_line,
                        }
                        for d in mail.deferred
                    ]
                }
                if mail.deferred
                else {}
            ),
        },
    )
    session.add(row)
    session.info.setdefault(_OUTBOX, []).append(row)
    if background:
        session.info.setdefault(_BACKGROUND, weakref.WeakSet()).add(row)
    return row


def pending_mails(session: Session) -> list[OutboxMail]:
    """Mails of the outbox not sent yet (a failed delivery, or one cut off by a crash) that
    no sender is working on (a claim younger than :data:`CLAIM_TIMEOUT`)."""
    query = select(OutboxMail).where(_free_to_send(datetime.now(UTC))).order_by(OutboxMail.id)
    return list(session.scalars(query))


def _free_to_send(now: datetime) -> ColumnElement[bool]:
    """Not sent, and claimed by nobody – or by a sender that gave no sign for too long."""
    return and_(
        OutboxMail.sent_at.is_(None),
        or_(OutboxMail.claimed_at.is_(None), OutboxMail.claimed_at < now - CLAIM_TIMEOUT),
    )


def is_deferred(row: OutboxMail) -> bool:
    """Whether the row still has attachments to render before it can be sent."""
    return bool((row.attachments or {}).get("deferred"))


def _renderer(kind: str) -> Callable[[Session, int], bytes]:
    # Named here, not registered by import side effects: the web process, `mail send` and
    # the background sender must all know every kind.
    if kind == "application-pdf":
        from .receipts import application_pdf

        return application_pdf
    raise LookupError(f"no renderer for deferred attachment {kind!r}")


def render_deferred(session: Session, row: OutboxMail) -> None:
    """Render the row's deferred attachments into it (bytes and digest lines), so that a
    retry sends the same bytes without rendering again.

    A receipt without its PDF is better than none: an attachment whose rendering fails is
    left out (logged). An unknown kind is a programming error and raises."""
    attachments = dict(row.attachments or {})
    items = list(attachments.get("items", []))
    body = row.body
    for spec in attachments.pop("deferred", []):
        render = _renderer(spec["kind"])
        try:
            content = render(session, int(spec["ref"]))
        except Exception:  # any rendering problem must not keep the mail back
            log.exception("deferred attachment %s of e-mail %s not rendered", spec["kind"], row.id)
            continue
        items.append(
            {
                "filename": spec["filename"],
                "mime_type": spec["mime_type"],
                "content": base64.b64encode(content).decode("ascii"),
            }
        )
        if spec.get("digest_line"):
            line = spec["digest_line"] % {"digest": hashlib.sha256(content).hexdigest()}
            body = f"{body}\n{line}\n"
    attachments["items"] = items
    row.attachments = attachments  # a new dict: the JSON column sees the change
    row.body = body


def as_mail(row: OutboxMail) -> Mail:
    return Mail(
        to=row.recipient,
        subject=row.subject,
        body=row.body,
        attachments=tuple(
            Attachment(item["filename"], base64.b64decode(item["content"]), item["mime_type"])
            for item in row.attachments.get("items", [])
        ),
    )


def to_message(mail: Mail, from_address: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = from_address
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message.set_content(mail.body)
    for attachment in mail.attachments:
        maintype, _, subtype = attachment.mime_type.partition("/")
        message.add_attachment(
            attachment.content, maintype=maintype, subtype=subtype, filename=attachment.filename
        )
    return message


def send_pending(
    session: Session, transport: Transport, from_address: str, ids: list[int] | None = None
) -> int:
    """Send the outbox's unsent mails (or those of ``ids``), committing after each one; the
    number sent. Retries (a command or job) call it without ``ids``.

    Each mail is claimed first (a conditional update, committed), so that the background
    sender and `mail send` running at the same time never send the same mail twice."""
    sent = 0
    query = select(OutboxMail.id).where(OutboxMail.sent_at.is_(None)).order_by(OutboxMail.id)
    if ids is not None:
        query = query.where(OutboxMail.id.in_(ids))
    for mail_id in list(session.scalars(query)):
        if not _claim(session, mail_id):
            continue
        row = session.get(OutboxMail, mail_id)
        if row is None:  # purged between the claim and now
            continue
        try:
            if is_deferred(row):
                render_deferred(session, row)
            transport(to_message(as_mail(row), from_address))
        except (OSError, smtplib.SMTPException) as exc:
            # the data is committed; a failed mail stays in the outbox for the next try
            row.last_error = str(exc)[:500]
            row.claimed_at = None
            log.exception("e-mail %s could not be sent", row.id)
        else:
            row.sent_at = datetime.now(UTC)
            sent += 1
        session.commit()
    return sent


def _claim(session: Session, mail_id: int) -> bool:
    now = datetime.now(UTC)
    claim = (
        update(OutboxMail)
        .where(OutboxMail.id == mail_id, _free_to_send(now))
        .values(claimed_at=now, attempts=OutboxMail.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    claimed = session.execute(claim).rowcount == 1
    session.commit()
    return claimed


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    # Not sent here: inside its commit the session still holds its pooled connection, and
    # the sender needs one of its own. Twenty parallel submissions each holding one while
    # waiting for a second exhausted the pool (R22); the sending waits until the
    # transaction has ended and given its connection back.
    rows = session.info.pop(_OUTBOX, [])
    if rows:
        session.info.setdefault(_COMMITTED, []).extend(rows)


@event.listens_for(Session, "after_transaction_end")
def _deliver(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is not None:
        return  # a savepoint or subtransaction: the outermost transaction decides
    rows = session.info.pop(_COMMITTED, [])
    background = session.info.pop(_BACKGROUND, ())
    if not rows:
        return
    bound = session.info.get(_TRANSPORT)
    if bound is None:
        log.error(
            "%d e-mail(s) committed without a mail transport; they wait in the outbox", len(rows)
        )
        return
    transport, from_address, niceness = bound
    ids = [row.id for row in rows if row.id is not None]
    if niceness is not None:
        later = [
            row.id for row in rows if row.id is not None and (is_deferred(row) or row in background)
        ]
        if later:
            from .mail_sender import send_in_background

            send_in_background(session.get_bind(), transport, from_address, later, niceness)
            ids = [mail_id for mail_id in ids if mail_id not in later]
    if not ids:
        return
    # a session of its own: this one is between transactions
    with Session(bind=session.get_bind()) as sender_session:
        send_pending(sender_session, transport, from_address, ids)


@event.listens_for(Session, "after_rollback")
def _discard(session: Session) -> None:
    session.info.pop(_OUTBOX, None)
    session.info.pop(_BACKGROUND, None)
