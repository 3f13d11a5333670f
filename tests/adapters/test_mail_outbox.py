"""The outbox: a mail is written with the change it reports and sent only after the commit."""

from __future__ import annotations

from email.message import EmailMessage

import pytest
from sqlalchemy.orm import Session

from service.adapters.mail.outbox import (
    Attachment,
    Mail,
    bind_transport,
    queue_mail,
    send_pending,
)
from service.models import OutboxMail

# on PostgreSQL too (tests/conftest.py): the outbox follows commit and rollback
pytestmark = pytest.mark.db_semantics


def _mail() -> Mail:
    return Mail(
        "kontakt@elbufer.example",
        "Eingang",
        "Ihr Antrag ist eingegangen.",
        (Attachment("a.pdf", b"%PDF-1.7"),),
    )


def test_a_mail_is_sent_after_the_commit_and_marked_sent(db_session: Session):
    sent: list[EmailMessage] = []
    bind_transport(db_session, sent.append, "foerderwerk@localhost")
    queue_mail(db_session, _mail())
    db_session.flush()
    assert sent == []
    db_session.commit()
    assert [m["To"] for m in sent] == ["kontakt@elbufer.example"]
    assert [a.get_filename() for a in sent[0].iter_attachments()] == ["a.pdf"]
    row = db_session.query(OutboxMail).one()
    db_session.refresh(row)
    assert row.sent_at is not None


def test_a_rolled_back_transaction_sends_nothing_and_leaves_no_mail(db_session: Session):
    sent: list[EmailMessage] = []
    bind_transport(db_session, sent.append, "foerderwerk@localhost")
    queue_mail(db_session, _mail())
    db_session.flush()
    db_session.rollback()
    db_session.commit()
    assert sent == []
    assert db_session.query(OutboxMail).count() == 0


def test_a_failed_delivery_stays_in_the_outbox_and_is_sent_by_the_retry(db_session: Session):
    def broken(_message: EmailMessage) -> None:
        raise OSError("mail server unreachable")

    bind_transport(db_session, broken, "foerderwerk@localhost")
    queue_mail(db_session, _mail())
    db_session.commit()
    row = db_session.query(OutboxMail).one()
    db_session.refresh(row)
    assert row.sent_at is None
    assert "unreachable" in row.last_error
    sent: list[EmailMessage] = []
    assert send_pending(db_session, sent.append, "foerderwerk@localhost") == 1
    assert len(sent) == 1
    assert send_pending(db_session, sent.append, "foerderwerk@localhost") == 0
