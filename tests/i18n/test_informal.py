"""The youth fund's "du" (issue 17, item 6): catalog entries with the context "du", read first
by the informal catalog and localizer, the plain entry where there is none."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path

from babel.messages.pofile import read_po

from service.domain.labels import required
from service.domain.messages import Message, plural_message
from service.i18n import DU, BabelLocalizer, translations

ROOT = Path(__file__).resolve().parents[2]
FORMAL = re.compile(r"\b(Sie|Ihr|Ihre|Ihren|Ihrem|Ihrer|Ihres|Ihnen)\b")


def _catalog():
    with open(ROOT / "locale" / "de" / "LC_MESSAGES" / "messages.po", "rb") as fh:
        return read_po(fh, locale="de")


def _forms(value):
    return tuple(value) if isinstance(value, tuple | list) else (value,)


def test_every_du_entry_is_the_variant_of_a_plain_entry_and_says_du():
    catalog = _catalog()
    plain = {_forms(m.id)[0] for m in catalog if m.id and not m.context}
    du = [m for m in catalog if m.id and m.context == DU]
    assert len(du) > 100
    orphans = [_forms(m.id)[0] for m in du if _forms(m.id)[0] not in plain]
    assert orphans == [], "a 'du' entry whose plain text is gone: remove it from informal.py"
    formal = [form for m in du for form in _forms(m.string) if FORMAL.search(form)]
    assert formal == []


def test_the_informal_localizer_says_du_and_falls_back_to_the_plain_text():
    informal, formal = BabelLocalizer(informal=True), BabelLocalizer()
    finding = required("applicant.name")
    assert finding.message.render(formal) == "Bitte füllen Sie aus: Name des Antragstellers."
    assert finding.message.render(informal) == "Bitte fülle aus: Name des Antragstellers."
    # a text without a "du" entry (it addresses nobody) keeps its plain German
    label = Message("Cost plan")
    assert label.render(informal) == label.render(formal) == "Kostenplan"
    # money and dates as before
    assert informal.format_money(Decimal("1234.5")) == formal.format_money(Decimal("1234.5"))
    assert informal.format_date(date(2026, 5, 1)) == formal.format_date(date(2026, 5, 1))


def test_plural_forms_take_the_du_entry_too():
    text = (
        "This application already has %(num)s file, as many as possible. Please remove a file "
        "you no longer need before you add another."
    )
    plural = text.replace("%(num)s file,", "%(num)s files,")
    for num, form in ((1, "Datei"), (3, "Dateien")):
        message = plural_message(text, plural, num)
        said = message.render(BabelLocalizer(informal=True))
        assert said.startswith(f"Dein Antrag hat schon {num} {form},"), said
        assert "die du nicht mehr brauchst" in said
        assert "Sie" in message.render(BabelLocalizer())


def test_the_plain_catalog_is_not_changed_by_reading_it_informally():
    informal = translations("de", informal=True)
    formal = translations("de")
    assert informal.gettext("Your project") == "Dein Projekt"
    assert formal.gettext("Your project") == "Ihr Projekt"
    assert formal.gettext("Your application %(reference)s has been received").startswith("Ihr")


DU_WORDS = re.compile(r"\b(du|dich|dir|dein|deine|deinen|deinem|deiner|deines)\b", re.I)


def test_a_plain_entry_with_a_du_variant_does_not_say_du_itself():
    """Issue 17: the plain entries of the mails' "du" texts had been overwritten with them
    (a tool that set entries by msgid only), so the "Sie" mails said "du"."""
    catalog = _catalog()
    du = {_forms(m.id): m for m in catalog if m.id and m.context == DU}
    wrong = [
        _forms(m.id)[0]
        for m in catalog
        if m.id and not m.context and _forms(m.id) in du
        for form in _forms(m.string)
        if DU_WORDS.search(form)
    ]
    assert wrong == []
