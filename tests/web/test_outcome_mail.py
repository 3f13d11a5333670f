"""The e-mail of a closing letter or refund notice (issue 19.2): German, "Sie" or – in the
youth fund – "du", with the amount, the due day and the link to the list of applications."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest

from service import mail_texts
from service.mail_texts import Addressee

from .test_mail_language import DU, SIE, english_words

PARTNERSHIP = SimpleNamespace(name="Partnerschaft für Demokratie Beispielstadt")
APPLICATION = SimpleNamespace(title="Demokratiefest am Elbufer", reference="AIF-2026-002")


def _body(informal: bool, refund: bool) -> str:
    return mail_texts.render(
        "outcome",
        Addressee(informal=informal),
        partnership=PARTNERSHIP,
        application=APPLICATION,
        kind="Teilwiderrufs- und Erstattungsbescheid" if refund else "Abschlussmitteilung",
        refund=refund,
        total_due="80,41\u00a0€",
        due_on=date(2026, 6, 3),
        attached=True,
        link="https://foerderwerk.example/p/x/meine-antraege",
    )


@pytest.mark.parametrize("refund", [True, False])
def test_the_mail_speaks_sie_in_german(refund):
    body = _body(False, refund)

    assert english_words(body) == []
    assert SIE.search(body)
    assert not DU.search(body)
    assert ("80,41\u00a0€" in body) is refund
    assert ("03.06.2026" in body) is refund
    assert "https://foerderwerk.example/p/x/meine-antraege" in body


@pytest.mark.parametrize("refund", [True, False])
def test_the_youth_fund_mail_speaks_du(refund):
    body = _body(True, refund)

    assert english_words(body) == []
    assert DU.search(body)
    assert not SIE.search(body)
