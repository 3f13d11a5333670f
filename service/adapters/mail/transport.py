"""What an e-mail is and how it leaves the process: SMTP when ``MAIL_SMTP_HOST`` is configured
(environment ``FOERDERWERK_MAIL_SMTP_HOST``), else one ``.eml`` file per message in a local
folder (development); :class:`MemoryTransport` keeps them in a list (tests).

Knows nothing of the outbox or the database.
"""

from __future__ import annotations

import smtplib
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid, parseaddr
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

BERLIN = ZoneInfo("Europe/Berlin")


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    mime_type: str = "application/pdf"


@dataclass(frozen=True)
class DeferredAttachment:
    """An attachment rendered when the mail is sent: ``kind`` names the renderer (see
    :class:`service.adapters.mail.outbox.Preparers`), ``ref`` its record. ``digest_line``
    (already translated, with ``%(digest)s``) is appended to the body with the SHA-256 of the
    rendered bytes."""

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
    # resume links filled in when the mail is sent (operations.applications.fill_resume_links)
    resume: dict[str, Any] | None = None
    # who writes: the display name before the configured address (a partnership's name) and
    # where answers go (its coordination office); empty: "Förderwerk", no Reply-To
    sender_name: str = ""
    reply_to: str = ""
    # the Message-ID's left part, stable for one outbox row (a retry sends the same id)
    key: str = ""


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


class MemoryTransport:
    """Keeps every message it is given (tests, dry runs)."""

    def __init__(self) -> None:
        self.sent: list[EmailMessage] = []

    def __call__(self, message: EmailMessage) -> None:
        self.sent.append(message)


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


DEFAULT_SENDER_NAME = "Förderwerk"


def sender(config: dict[str, Any]) -> str:
    """The From of every mail: MAIL_FROM (FOERDERWERK_MAIL_FROM, "Name <address>" or an
    address); without it an address at the configured site's host (BASE_URL)."""
    configured = str(config.get("MAIL_FROM") or "").strip()
    if configured:
        return configured
    host = urlsplit(str(config.get("BASE_URL") or "")).hostname or "localhost"
    return f"{DEFAULT_SENDER_NAME} <foerderwerk@{host}>"


def message_id(from_address: str, key: str = "") -> str:
    """A Message-ID in the domain of the sender's address; ``key`` makes it the same for
    every try of one outbox row."""
    domain = parseaddr(from_address)[1].rpartition("@")[2] or "localhost"
    if not key:
        return make_msgid(domain=domain)
    return f"<foerderwerk.{key}@{domain}>"


def to_message(mail: Mail, from_address: str, *, now: datetime | None = None) -> EmailMessage:
    """The message of ``mail`` with From (the configured address, under ``mail.sender_name``
    where the mail names one), To, Subject, Date and Message-ID. A line break in a header
    raises ValueError."""
    name, address = parseaddr(from_address)
    if mail.sender_name:
        name = mail.sender_name
    message = EmailMessage()
    message["From"] = formataddr((name or DEFAULT_SENDER_NAME, address or from_address))
    message["To"] = mail.to
    if mail.reply_to:
        message["Reply-To"] = mail.reply_to
    message["Subject"] = mail.subject
    message["Date"] = format_datetime((now or datetime.now(UTC)).astimezone(BERLIN))
    message["Message-ID"] = message_id(from_address, mail.key)
    message.set_content(mail.body)
    for attachment in mail.attachments:
        maintype, _, subtype = attachment.mime_type.partition("/")
        message.add_attachment(
            attachment.content, maintype=maintype, subtype=subtype, filename=attachment.filename
        )
    return message
