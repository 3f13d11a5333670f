"""Every e-mail has Date, Message-ID and a From from the settings (issue 17, item 2)."""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import pytest

from service.adapters.mail.transport import Mail, message_id, sender, to_message

NOW = datetime(2026, 12, 5, 9, 30, tzinfo=UTC)


def test_a_message_has_date_message_id_and_the_configured_from():
    mail = Mail(to="jana@verein.example", subject="Eingang", body="Guten Tag", key="7.1")

    message = to_message(mail, "Förderwerk Musterstadt <pfd@musterstadt.example>", now=NOW)

    assert parsedate_to_datetime(message["Date"]) == NOW
    assert message["Date"].endswith("+0100")  # Berlin time
    assert message["Message-ID"] == "<foerderwerk.7.1@musterstadt.example>"
    assert message["From"] == "Förderwerk Musterstadt <pfd@musterstadt.example>"
    assert message["Reply-To"] is None


def test_a_partnerships_mail_carries_its_name_and_answers_go_to_its_office():
    mail = Mail(
        to="jana@verein.example",
        subject="Eingang",
        body="Guten Tag",
        sender_name="Partnerschaft für Demokratie Musterstadt",
        reply_to="kuf@traeger.example",
    )

    message = to_message(mail, "foerderwerk@musterstadt.example", now=NOW)

    assert message["From"].addresses[0].display_name == "Partnerschaft für Demokratie Musterstadt"
    assert message["From"].addresses[0].addr_spec == "foerderwerk@musterstadt.example"
    assert message["Reply-To"] == "kuf@traeger.example"


def test_a_line_break_in_the_senders_name_is_refused_like_one_in_the_subject():
    mail = Mail(to="a@b.example", subject="x", body="y", sender_name="Name\r\nBcc: x@y.example")
    with pytest.raises(ValueError):  # noqa: PT011 - the email package's own message
        to_message(mail, "foerderwerk@musterstadt.example", now=NOW)


def test_without_mail_from_the_sender_is_at_the_sites_host():
    assert sender({"MAIL_FROM": "pfd@stadt.example"}) == "pfd@stadt.example"
    assert sender({"BASE_URL": "https://foerderwerk.stadt.example"}) == (
        "Förderwerk <foerderwerk@foerderwerk.stadt.example>"
    )
    assert sender({}) == "Förderwerk <foerderwerk@localhost>"


def test_message_ids_are_unique_without_a_key_and_stable_with_one():
    assert message_id("a@stadt.example") != message_id("a@stadt.example")
    assert message_id("a@stadt.example", "3.x") == message_id("a@stadt.example", "3.x")
