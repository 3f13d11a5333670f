"""Deferred attachments: the receipt's PDF is rendered when the mail is sent – by the
background sender after the request answered, or by `mail send` – and no mail goes twice."""

from __future__ import annotations

import hashlib
import os
import threading
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage

import pytest
from sqlalchemy.orm import Session

from service.adapters.mail.outbox import (
    CLAIM_TIMEOUT,
    DeferredAttachment,
    Mail,
    bind_transport,
    queue_mail,
    send_pending,
)
from service.adapters.mail.sender import BackgroundSender, in_background, wait_for_background_mail
from service.models import OutboxMail
from service.operations import receipts
from service.operations.outgoing import PREPARERS

# on PostgreSQL too (tests/conftest.py): claims on outbox rows by concurrent senders
pytestmark = pytest.mark.db_semantics

FROM = "foerderwerk@localhost"


def _receipt(ref: int = 7) -> Mail:
    return Mail(
        "kontakt@elbufer.example",
        "Eingang",
        "Ihr Antrag ist eingegangen.",
        deferred=(
            DeferredAttachment(
                "Antrag-7.pdf", "application-pdf", ref, "SHA-256 der PDF-Datei: %(digest)s"
            ),
        ),
    )


def _row(session: Session) -> OutboxMail:
    row = session.query(OutboxMail).one()
    session.refresh(row)
    return row


def test_the_commit_hands_the_mail_to_the_background_and_the_pdf_is_rendered_there(
    db_session: Session, monkeypatch: pytest.MonkeyPatch
):
    release = threading.Event()
    rendered_in: list[str] = []

    def slow_pdf(_session: Session, ref: int) -> bytes:
        rendered_in.append(threading.current_thread().name)
        assert release.wait(30)
        return b"%PDF-1.7 application " + str(ref).encode()

    monkeypatch.setattr(receipts, "application_pdf", slow_pdf)
    sent: list[EmailMessage] = []
    bind_transport(db_session, sent.append, FROM, preparers=PREPARERS, background=in_background(0))
    queue_mail(db_session, _receipt())
    db_session.commit()  # returns although the rendering has not finished
    assert sent == []
    assert _row(db_session).sent_at is None
    release.set()
    assert wait_for_background_mail(30)
    assert rendered_in == ["mail-sender"]
    [message] = sent
    [attachment] = list(message.iter_attachments())
    pdf = attachment.get_content()
    assert pdf == b"%PDF-1.7 application 7"
    assert hashlib.sha256(pdf).hexdigest() in message.get_body(("plain",)).get_content()
    row = _row(db_session)
    assert row.sent_at is not None
    assert "deferred" not in row.attachments  # rendered bytes kept with the mail


def test_without_a_background_binding_the_mail_is_rendered_and_sent_at_the_commit(
    db_session: Session, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(receipts, "application_pdf", lambda _s, _ref: b"%PDF-1.7")
    sent: list[EmailMessage] = []
    bind_transport(db_session, sent.append, FROM, preparers=PREPARERS)
    queue_mail(db_session, _receipt())
    db_session.commit()
    assert len(sent) == 1
    assert [a.get_filename() for a in sent[0].iter_attachments()] == ["Antrag-7.pdf"]


def test_a_pdf_that_cannot_be_rendered_does_not_hold_back_the_receipt(
    db_session: Session, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
):
    def broken(_session: Session, _ref: int) -> bytes:
        raise RuntimeError("LibreOffice crashed")

    monkeypatch.setattr(receipts, "application_pdf", broken)
    queue_mail(db_session, _receipt())
    db_session.commit()
    sent: list[EmailMessage] = []
    assert send_pending(db_session, sent.append, FROM, preparers=PREPARERS) == 1
    assert list(sent[0].iter_attachments()) == []
    assert "not rendered" in caplog.text


def test_a_mail_claimed_by_another_sender_is_left_to_it_until_the_claim_is_stale(
    db_session: Session, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(receipts, "application_pdf", lambda _s, _ref: b"%PDF-1.7")
    queue_mail(db_session, _receipt())
    db_session.commit()
    row = _row(db_session)
    row.claimed_at = datetime.now(UTC)  # the background sender of a web process is on it
    db_session.commit()
    sent: list[EmailMessage] = []
    assert (
        send_pending(db_session, sent.append, FROM, preparers=PREPARERS) == 0
    )  # `mail send` meanwhile
    assert sent == []
    row.claimed_at = datetime.now(UTC) - CLAIM_TIMEOUT - timedelta(seconds=1)  # it died
    db_session.commit()
    assert send_pending(db_session, sent.append, FROM, preparers=PREPARERS) == 1
    assert send_pending(db_session, sent.append, FROM, preparers=PREPARERS) == 0
    assert len(sent) == 1
    assert _row(db_session).attempts == 1


def test_a_failed_delivery_releases_the_claim_and_the_retry_sends_the_same_pdf(
    db_session: Session, monkeypatch: pytest.MonkeyPatch
):
    renders: list[int] = []

    def pdf(_session: Session, ref: int) -> bytes:
        renders.append(ref)
        return b"%PDF-1.7 first rendering"

    def down(_message: EmailMessage) -> None:
        raise OSError("mail server unreachable")

    monkeypatch.setattr(receipts, "application_pdf", pdf)
    queue_mail(db_session, _receipt())
    db_session.commit()
    assert send_pending(db_session, down, FROM, preparers=PREPARERS) == 0
    row = _row(db_session)
    assert row.claimed_at is None
    assert "unreachable" in row.last_error
    sent: list[EmailMessage] = []
    assert send_pending(db_session, sent.append, FROM, preparers=PREPARERS) == 1
    assert renders == [7]  # rendered once, the retry sent the stored bytes
    [attachment] = list(sent[0].iter_attachments())
    assert attachment.get_content() == b"%PDF-1.7 first rendering"


def _nice_of_thread(native_id: int) -> int:
    return os.getpriority(os.PRIO_PROCESS, native_id)  # Linux: per thread


def test_the_background_sender_runs_at_a_lower_priority():
    sender = BackgroundSender(10)
    thread = sender._thread
    assert sender.ready.wait(5)
    assert thread.native_id is not None
    assert _nice_of_thread(thread.native_id) >= 10
    assert _nice_of_thread(threading.get_native_id()) < 10  # the request thread is not
