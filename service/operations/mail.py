"""E-mail through an outbox that is delivered only after the database commit (R20).

Operations call :func:`queue_mail`; the message waits in the session and goes out when that
session commits (and is dropped on rollback), so nobody gets a receipt for a submission that
was never stored. Delivery: SMTP when ``MAIL_SMTP_HOST`` is configured (environment
``FOERDERWERK_MAIL_SMTP_HOST``), else one ``.eml`` file per message in a local folder
(development).
"""

from __future__ import annotations

import logging
import os
import smtplib
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

_OUTBOX = "foerderwerk.outbox"
_TRANSPORT = "foerderwerk.mail_transport"


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    mime_type: str = "application/pdf"


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    body: str
    attachments: tuple[Attachment, ...] = field(default_factory=tuple)


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
    host = config.get("MAIL_SMTP_HOST") or os.environ.get("FOERDERWERK_MAIL_SMTP_HOST")
    if host:
        port = int(
            config.get("MAIL_SMTP_PORT") or os.environ.get("FOERDERWERK_MAIL_SMTP_PORT") or 587
        )
        return smtp_transport(
            host,
            port,
            config.get("MAIL_SMTP_USER") or os.environ.get("FOERDERWERK_MAIL_SMTP_USER"),
            config.get("MAIL_SMTP_PASSWORD") or os.environ.get("FOERDERWERK_MAIL_SMTP_PASSWORD"),
        )
    folder = (
        config.get("MAIL_FOLDER")
        or os.environ.get("FOERDERWERK_MAIL_FOLDER")
        or str(Path(instance_path) / "mail")
    )
    return folder_transport(folder)


def sender(config: dict[str, Any]) -> str:
    return str(
        config.get("MAIL_FROM")
        or os.environ.get("FOERDERWERK_MAIL_FROM")
        or "foerderwerk@localhost"
    )


def bind_transport(session: Session, transport: Transport, from_address: str) -> None:
    """Tell the session where its queued mails go once it commits (done by the entry point)."""
    session.info[_TRANSPORT] = (transport, from_address)


def queue_mail(session: Session, mail: Mail) -> None:
    """Send ``mail`` after the session's next commit; nothing is sent on rollback."""
    session.info.setdefault(_OUTBOX, []).append(mail)


def pending_mails(session: Session) -> list[Mail]:
    return list(session.info.get(_OUTBOX, []))


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


@event.listens_for(Session, "after_commit")
def _deliver(session: Session) -> None:
    mails = session.info.pop(_OUTBOX, [])
    if not mails:
        return
    bound = session.info.get(_TRANSPORT)
    if bound is None:
        log.error("%d e-mail(s) committed without a mail transport; not sent", len(mails))
        return
    transport, from_address = bound
    for mail in mails:
        try:
            transport(to_message(mail, from_address))
        except (OSError, smtplib.SMTPException):
            # the data is committed; a failed mail must not turn the request into an error
            log.exception("e-mail to the applicant could not be sent")


@event.listens_for(Session, "after_rollback")
def _discard(session: Session) -> None:
    session.info.pop(_OUTBOX, None)
