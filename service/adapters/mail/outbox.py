"""The e-mail outbox: delivered only after the database commit (R20).

Operations call :func:`queue_mail`: the message is a row of the outbox table in the same
transaction, and is sent when that transaction commits (a rollback takes it away), so nobody
gets a receipt for a submission that was never stored, and a mail that could not be sent
stays in the outbox for :func:`send_pending`. How it leaves the process is the
:mod:`.transport`'s business; a mail that can never be sent is set aside (``failed_at``).

An attachment that is expensive to make (the application PDF of a receipt: a LibreOffice
conversion) is queued as a :class:`DeferredAttachment` – what to render, not the bytes – and
rendered when the mail is sent, by the :class:`Preparers` the entry point hands over (the
use cases that know how; this module imports none of them). With a ``background`` hand-off on
:func:`bind_transport` (the web process's :mod:`.sender`) such mails are sent after the commit
by a thread, so the request that queued them answers without waiting for LibreOffice.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import smtplib
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, event, or_, select, update
from sqlalchemy.engine import Connection, CursorResult, Engine
from sqlalchemy.orm import Session, SessionTransaction

from ...domain.emails import EmailAddressError, parse_email_address
from ...domain.messages import N_
from ...models import OutboxMail
from .transport import Attachment, DeferredAttachment, Mail, Transport, to_message

__all__ = [
    "CLAIM_TIMEOUT",
    "Attachment",
    "DeferredAttachment",
    "Delivery",
    "Handoff",
    "Mail",
    "Preparers",
    "Transport",
    "Undeliverable",
    "bind_transport",
    "deliver_outbox",
    "pending_mails",
    "queue_mail",
    "send_pending",
]

log = logging.getLogger(__name__)

_OUTBOX = "foerderwerk.outbox"
_COMMITTED = "foerderwerk.outbox.committed"
_TRANSPORT = "foerderwerk.mail_transport"
_BACKGROUND = "foerderwerk.outbox.background"

# A sender that claimed a mail and then died (a killed worker) blocks it for this long; then
# `mail send` (cron) or another sender may try again. Longer than any rendering may take.
CLAIM_TIMEOUT = timedelta(minutes=10)


@dataclass(frozen=True)
class Preparers:
    """What the use cases do to a queued mail before it can go out, handed in by the entry
    point (service/operations/outgoing.py has the service's own): ``render(kind, session,
    ref)`` makes a deferred attachment's bytes; ``fill_resume_links(session, row)`` writes a
    resume request's links into the row, False when there is nothing to send."""

    render: Callable[[str, Session, int], bytes]
    fill_resume_links: Callable[[Session, OutboxMail], bool]


# Hands committed mails to a background sender (service/adapters/mail/sender.py):
# (bind, transport, from address, preparers, ids).
Handoff = Callable[[Engine | Connection, Transport, str, "Preparers | None", list[int]], None]


def bind_transport(
    session: Session,
    transport: Transport,
    from_address: str,
    *,
    preparers: Preparers | None = None,
    background: Handoff | None = None,
) -> None:
    """Tell the session where its queued mails go once it commits (done by the entry point).

    ``background`` (web requests): mails with deferred attachments go to this hand-off (the
    process's background sender) instead of being rendered and sent before the entry point
    can answer."""
    session.info[_TRANSPORT] = (transport, from_address, preparers, background)


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
            **({"resume": mail.resume} if mail.resume else {}),
            **(
                {"headers": {"sender_name": mail.sender_name, "reply_to": mail.reply_to}}
                if mail.sender_name or mail.reply_to
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
        OutboxMail.failed_at.is_(None),
        or_(OutboxMail.claimed_at.is_(None), OutboxMail.claimed_at < now - CLAIM_TIMEOUT),
    )


def is_deferred(row: OutboxMail) -> bool:
    """Whether the row still has attachments to render before it can be sent."""
    attachments = row.attachments or {}
    return bool(attachments.get("deferred") or attachments.get("resume"))


def render_deferred(
    session: Session, row: OutboxMail, render: Callable[[str, Session, int], bytes]
) -> None:
    """Render the row's deferred attachments into it (bytes and digest lines), so that a
    retry sends the same bytes without rendering again.

    A receipt without its PDF is better than none: an attachment whose rendering fails is
    left out (logged). An unknown kind is a programming error: ``render`` raises
    :class:`LookupError`, and so does this."""
    attachments = dict(row.attachments or {})
    items = list(attachments.get("items", []))
    body = row.body
    for spec in attachments.pop("deferred", []):
        try:
            content = render(spec["kind"], session, int(spec["ref"]))
        except LookupError:
            raise
        except Exception:  # any rendering problem must not keep the mail back
            log.exception("deferred attachment %s of e-mail %s not rendered", spec["kind"], row.id)
            continue
        items.append(
            {
                "filename": spec["filename"],
                "mime_type": spec["mime_type"],
                "content": base64.b64encode(content).decode("ascii"),
                # what it was rendered from: the office's copy of an application PDF is the
                # one the applicant received (operations/receipts.received_application_pdf)
                "kind": spec["kind"],
                "ref": int(spec["ref"]),
            }
        )
        if spec.get("digest_line"):
            line = spec["digest_line"] % {"digest": hashlib.sha256(content).hexdigest()}
            body = f"{body}\n{line}\n"
    attachments["items"] = items
    row.attachments = attachments  # a new dict: the JSON column sees the change
    row.body = body


def as_mail(row: OutboxMail) -> Mail:
    headers = (row.attachments or {}).get("headers") or {}
    created = row.created_at.strftime("%Y%m%d%H%M%S%f") if row.created_at else "0"
    return Mail(
        to=row.recipient,
        subject=row.subject,
        body=row.body,
        attachments=tuple(
            Attachment(item["filename"], base64.b64decode(item["content"]), item["mime_type"])
            for item in row.attachments.get("items", [])
        ),
        sender_name=str(headers.get("sender_name") or ""),
        reply_to=str(headers.get("reply_to") or ""),
        key=f"{row.id}.{created}",
    )


@dataclass(frozen=True)
class Undeliverable:
    """A mail set aside for good: ``reason`` is a msgid (for people), ``detail`` technical."""

    mail_id: int
    recipient: str
    reason: str
    detail: str


@dataclass
class Delivery:
    """What one run of the outbox did: sent, set aside for good, left for the next try."""

    sent: int = 0
    undeliverable: list[Undeliverable] = field(default_factory=list)
    retry: int = 0
    # resume requests for an address without drafts: nothing to send, the row is deleted
    dropped: int = 0


# why a mail is set aside for good (shown by `mail send`; English msgids)
BAD_RECIPIENT = N_("the recipient is not exactly one valid e-mail address")
BAD_HEADER = N_("the subject or an address contains characters a mail header must not have")
RECIPIENT_REFUSED = N_("the mail server refused the recipient")


def _undeliverable(row: OutboxMail) -> str | None:
    """Why ``row`` can never be sent as it is, or None. Checked before anything is rendered:
    a line break in a stored address made every later mail of the queue wait (issue 14)."""
    try:
        parse_email_address(row.recipient)
    except EmailAddressError:
        return BAD_RECIPIENT
    return None


def _no_preparers(what: str) -> LookupError:
    return LookupError(f"{what}: no preparers were handed to the outbox")


def deliver_outbox(
    session: Session,
    transport: Transport,
    from_address: str,
    ids: list[int] | None = None,
    *,
    preparers: Preparers | None = None,
) -> Delivery:
    """Send the outbox's unsent mails (or those of ``ids``), committing after each one.

    Each mail is claimed first (a conditional update, committed), so that the background
    sender and `mail send` running at the same time never send the same mail twice. A mail
    that can never be sent (bad recipient, header injection, the server refused the
    recipient) is set aside with its reason (``failed_at``, ``last_error``) and the next one
    is sent; one that failed for a passing reason (server down) stays for the next try."""
    result = Delivery()
    query = (
        select(OutboxMail.id)
        .where(OutboxMail.sent_at.is_(None), OutboxMail.failed_at.is_(None))
        .order_by(OutboxMail.id)
    )
    if ids is not None:
        query = query.where(OutboxMail.id.in_(ids))
    for mail_id in list(session.scalars(query)):
        if not _claim(session, mail_id):
            continue
        row = session.get(OutboxMail, mail_id)
        if row is None:  # purged between the claim and now
            continue
        reason = _undeliverable(row)
        detail = ""
        if reason is None and (row.attachments or {}).get("resume"):
            if preparers is None:
                raise _no_preparers(f"resume request {row.id}")
            if not preparers.fill_resume_links(session, row):
                # no draft for this address: the request did the same work as for one
                # with drafts (issue 14); the address is not kept
                session.delete(row)
                result.dropped += 1
                session.commit()
                continue
        if reason is None:
            try:
                if is_deferred(row):
                    if preparers is None:
                        raise _no_preparers(f"deferred attachments of e-mail {row.id}")
                    render_deferred(session, row, preparers.render)
                message = to_message(as_mail(row), from_address)
            except ValueError as exc:  # the email package refuses CR/LF in headers
                reason, detail = BAD_HEADER, str(exc)
            else:
                try:
                    transport(message)
                except smtplib.SMTPRecipientsRefused as exc:
                    reason, detail = RECIPIENT_REFUSED, str(exc.recipients)
                except Exception as exc:  # server down, a bug: the next mail still goes out
                    # the data is committed; the mail stays in the outbox for the next try
                    row.last_error = str(exc)[:500]
                    row.claimed_at = None
                    result.retry += 1
                    log.exception("e-mail %s could not be sent; it stays in the outbox", row.id)
                    session.commit()
                    continue
        if reason is not None:
            row.failed_at = datetime.now(UTC)
            row.claimed_at = None
            row.last_error = f"{reason}: {detail}"[:500] if detail else reason
            result.undeliverable.append(Undeliverable(row.id, row.recipient, reason, detail))
            log.error(
                "e-mail %s to %r set aside, it can never be sent: %s %s",
                row.id,
                row.recipient[:80],
                reason,
                detail[:200],
            )
        else:
            row.sent_at = datetime.now(UTC)
            result.sent += 1
        session.commit()
    return result


def send_pending(
    session: Session,
    transport: Transport,
    from_address: str,
    ids: list[int] | None = None,
    *,
    preparers: Preparers | None = None,
) -> int:
    """:func:`deliver_outbox`, the number sent (the background sender, after a commit)."""
    return deliver_outbox(session, transport, from_address, ids, preparers=preparers).sent


def _claim(session: Session, mail_id: int) -> bool:
    now = datetime.now(UTC)
    claim = (
        update(OutboxMail)
        .where(OutboxMail.id == mail_id, _free_to_send(now))
        .values(claimed_at=now, attempts=OutboxMail.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    result: CursorResult[Any] = session.execute(claim)  # type: ignore[assignment]
    claimed: bool = result.rowcount == 1
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
    transport, from_address, preparers, handoff = bound
    ids = [row.id for row in rows if row.id is not None]
    if handoff is not None:
        later = [
            row.id for row in rows if row.id is not None and (is_deferred(row) or row in background)
        ]
        if later:
            handoff(session.get_bind(), transport, from_address, preparers, later)
            ids = [mail_id for mail_id in ids if mail_id not in later]
    if not ids:
        return
    # a session of its own: this one is between transactions
    with Session(bind=session.get_bind()) as sender_session:
        send_pending(sender_session, transport, from_address, ids, preparers=preparers)


@event.listens_for(Session, "after_rollback")
def _discard(session: Session) -> None:
    session.info.pop(_OUTBOX, None)
    session.info.pop(_BACKGROUND, None)
