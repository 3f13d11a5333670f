"""Every e-mail in German and in the recipient's form of address (issue 17, item 2), with
Date, Message-ID and a From from the settings – whatever language the pages were shown in.

Each kind is queued the way the service queues it, by a browser that reads the pages in
English (``?lang=en`` keeps a cookie): the receipt of a submission, the resume link asked for
from a draft, the resume link asked for on the resume page (written by the background sender
once it knows the drafts – a youth fund's draft gets "du"), the password reset and the account
invitation; the receipt of a youth fund application is queued by the submit operation itself.
Then the outbox is sent and every mail is read back from the mail folder.
"""

from __future__ import annotations

import email
import email.policy
import os
import re
from email.message import EmailMessage
from pathlib import Path

from sqlalchemy import select

from service import db, mail_texts
from service.adapters.mail.outbox import deliver_outbox
from service.adapters.mail.sender import wait_for_background_mail
from service.adapters.mail.transport import sender, transport_from_config
from service.models import Application, OutboxMail, Partnership
from service.operations.outgoing import PREPARERS
from service.operations.receipts import ReceiptMail, queue_receipt
from tests.conftest import uow_on

from .apply_helpers import AIF_STEPS, SLUG, csrf, make_app, post_step, start, submit_application
from .staff_support import ADMIN, KUF, STAFF, log_in

MAIL_FROM = "Förderwerk Musterstadt <foerderwerk@musterstadt.example>"
# words of the English msgids of the mails; none of them is German
ENGLISH = re.compile(
    r"\b(hello|dear|your|you|the|has been|have been|application|received|please|"
    r"continue|ignore|if|account|password|sign-in|sign in|file number|project|checksum|"
    r"here is|works once|hours|minutes|attached|someone)\b",
    re.IGNORECASE,
)
ADDRESSES = re.compile(r"https?://\S+|\S+@\S+|\b[0-9a-f]{64}\b")
SIE = re.compile(r"\b(Sie|Ihr|Ihren|Ihres|Ihrem)\b")
DU = re.compile(r"\b(du|dein|deinen|deines|deinem)\b", re.IGNORECASE)


def english_words(text: str) -> list[str]:
    """The English stop words in ``text`` (links, addresses and hashes left out)."""
    return ENGLISH.findall(ADDRESSES.sub(" ", text))


def _read(folder: Path) -> list[EmailMessage]:
    messages = []
    for path in sorted(folder.glob("*.eml")):
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        messages.append(message)
    return messages


def _text(message: EmailMessage) -> str:
    body = message.get_body(preferencelist=("plain",))
    return f"{message['Subject']}\n{body.get_content() if body is not None else ''}"


def _english_client(app):
    client = app.test_client()
    assert "Skip to content" in client.get("/?lang=en").get_data(as_text=True)
    return client


def test_every_mail_kind_is_german_in_the_recipients_form_of_address(db_url, tmp_path):
    app = make_app(db_url, tmp_path, MAIL_FROM=MAIL_FROM)
    folder = tmp_path / "mail"

    # the receipt of a submission
    applicant = _english_client(app)
    assert submit_application(applicant).status_code == 302
    # the resume link asked for from a draft
    draft = _english_client(app)
    step1 = start(draft)
    post_step(draft, step1, {**AIF_STEPS["antragsteller"], "email": "neu@verein.example"})
    app_id = int(step1.split("/antrag/")[1].split("/")[0])
    page = draft.get(step1).get_data(as_text=True)
    sent = draft.post(
        f"/p/{SLUG}/antrag/{app_id}/link", data={"csrf_token": csrf(page), "step": "antragsteller"}
    )
    assert sent.status_code == 302
    # the resume page: a draft of the action fund ("Sie") and one of the youth fund ("du")
    resume = _english_client(app)
    for address in ("nachbarn@bahnhofsviertel.example", "sv@schule-beispielfeld.example"):
        page = resume.get(f"/p/{SLUG}/fortsetzen").get_data(as_text=True)
        answer = resume.post(
            f"/p/{SLUG}/fortsetzen", data={"csrf_token": csrf(page), "email": address}
        )
        assert answer.status_code == 200
    # the password reset
    staff = _english_client(app)
    page = staff.get("/anmelden/passwort-vergessen").get_data(as_text=True)
    staff.post("/anmelden/passwort-vergessen", data={"csrf_token": csrf(page), "email": KUF})
    # the account invitation
    admin = _english_client(app)
    log_in(admin, ADMIN)
    accounts = f"{STAFF}/verwaltung/konten"
    page = admin.get(accounts).get_data(as_text=True)
    created = admin.post(
        f"{accounts}/neu",
        data={
            "csrf_token": csrf(page),
            "email": "nina@stadt.example",
            "name": "Nina Neu",
            "roles": ["lead"],
        },
    )
    assert created.status_code == 302
    # the receipt of a youth fund application, queued by the submit operation
    with app.test_request_context("/?lang=en"):
        session = db.session()
        graffiti = session.scalars(
            select(Application).where(Application.title.startswith("Graffiti"))
        ).one()
        partnership = session.scalars(select(Partnership)).one()
        queue_receipt(
            uow_on(session),
            graffiti,
            ReceiptMail(
                body=lambda a: mail_texts.receipt_body(partnership, a, link="http://localhost/"),
                with_pdf=False,
            ),
        )
        session.commit()

    assert wait_for_background_mail(30)
    with app.app_context():
        session = db.session()
        transport = transport_from_config(app.config, app.instance_path)
        deliver_outbox(session, transport, sender(app.config), preparers=PREPARERS)
        assert session.scalars(select(OutboxMail).where(OutboxMail.sent_at.is_(None))).all() == []
        kinds = len(session.scalars(select(OutboxMail)).all())

    messages = _read(folder)
    assert len(messages) == kinds == 7
    by_recipient = {str(m["To"]): m for m in messages}
    informal = {"sv@schule-beispielfeld.example", "tom@muster.example"}
    assert informal < set(by_recipient)
    for recipient, message in by_recipient.items():
        text = _text(message)
        assert english_words(text) == [], (recipient, text)
        assert message["Date"], recipient
        assert message["Message-ID"].endswith("@musterstadt.example>")
        assert message["From"].addresses[0].addr_spec == "foerderwerk@musterstadt.example"
        if recipient in informal:
            assert DU.search(text), text
            assert not SIE.search(text), text
        else:
            assert SIE.search(text), text
            assert not DU.search(text), text
    # the partnership writes to its applicants: its name, answers to its coordination office
    receipt = by_recipient["kontakt@elbufer.example"]
    assert receipt["From"].addresses[0].display_name.startswith("Partnerschaft für Demokratie")
    assert receipt["Reply-To"].addresses[0].addr_spec == "kuf@traeger.example"
    assert "Guten Tag" in _text(receipt)
    assert "Ihr Antrag" in _text(receipt)
    assert "Hallo" in _text(by_recipient["tom@muster.example"])
    assert "Dein Antrag" in by_recipient["tom@muster.example"]["Subject"]
    assert len({m["Message-ID"] for m in messages}) == len(messages)
    if SAMPLES:  # FOERDERWERK_MAIL_SAMPLES=docs/samples/mail keeps each mail as it arrives
        _keep_samples(messages)


SAMPLES = os.environ.get("FOERDERWERK_MAIL_SAMPLES")
HEADERS = ("Date", "From", "Reply-To", "To", "Subject", "Message-ID")
# file names as a German reader spells them without umlauts ("foerderwerk", not "f-rderwerk")
UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def _keep_samples(messages) -> None:
    folder = Path(SAMPLES or ".")
    folder.mkdir(parents=True, exist_ok=True)
    # numbered by subject and recipient: the sender thread writes them in no fixed order
    ordered = sorted(messages, key=lambda message: (str(message["Subject"]), str(message["To"])))
    for number, message in enumerate(ordered, 1):
        head = "".join(f"{name}: {message[name]}\n" for name in HEADERS if message[name])
        subject = str(message["Subject"]).lower().translate(UMLAUTS)
        subject = re.sub(r"[^a-z0-9]+", "-", subject).strip("-")
        if len(subject) > 40:  # cut at a word, not inside one
            subject = subject[:41].rsplit("-", 1)[0]
        text = _text(message).split("\n", 1)[1]
        (folder / f"{number:02d}-{subject}.txt").write_text(head + "\n" + text)


def test_the_check_finds_the_english_bodies_of_issue_17():
    assert english_words("Hello,\n\nyour application has been received.")
    assert english_words("Ihr Antrag ist eingegangen. Here is the link:")
    assert not english_words(
        "Guten Tag,\n\nhier ist der Link: http://localhost/p/x/fortsetzen/abc?your=1"
    )
