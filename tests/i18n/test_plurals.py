"""German plurals (issue 17, item 1): every count goes through ngettext, and the German
catalog's plural entries have a real plural form.

What the check takes as "obviously singular": a plural entry whose two German forms are the
same, or in which no number placeholder is followed (within three words) by a noun that
changes between the forms – "%(num)d Angabe muss …" in both forms is a singular where German
has a plural. A noun German does not inflect in the plural ("1 Teilnehmer", "2 Teilnehmer")
may stand in both forms only when it is in :data:`INVARIANT_NOUNS`, each with its reason.
Lazy forms in one message ("Antrag/Anträge", "Dokument(e)") are refused everywhere.
"""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]

# nouns whose German plural is spelt like the singular (nominative) – add one only with a
# German example where the number changes and the noun does not
INVARIANT_NOUNS = {
    "Euro",  # 1 Euro, 2 Euro (a unit after a number)
    "Teilnehmer",  # 1 Teilnehmer, 2 Teilnehmer
    "Fehler",  # 1 Fehler, 2 Fehler
    "Mitarbeiter",  # 1 Mitarbeiter, 2 Mitarbeiter
}
# "(s)", "(e)", "(n)", "(en)", "(es)" after a letter – not a placeholder such as "%(n)s"
LAZY_PLURAL = re.compile(r"(?<=[A-Za-zÄÖÜäöüß])\((?:s|e|n|en|es|er)\)")
LAZY_PAIRS = ("/Anträge", "Antrag/", "/Beschlüsse", "Beschluss/", "/Dokumente", "/Dateien")
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]")
TOKEN = re.compile(r"%\(\w+\)[sd]|%[sd]|[\wÄÖÜäöüß][\w\-ÄÖÜäöüß]*")


def _catalog():
    with open(ROOT / "locale" / "de" / "LC_MESSAGES" / "messages.po", "rb") as fh:
        return read_po(fh, locale="de")


def _nouns_after_numbers(text: str) -> dict[str, str]:
    """Placeholder → the first capitalised word within the three words after it."""
    tokens = TOKEN.findall(text)
    nouns: dict[str, str] = {}
    for position, token in enumerate(tokens):
        if not PLACEHOLDER.fullmatch(token):
            continue
        for following in tokens[position + 1 : position + 4]:
            if PLACEHOLDER.fullmatch(following):
                break
            if following[0].isupper():
                nouns[token] = following
                break
    return nouns


def obviously_singular(singular: str, plural: str) -> bool:
    """Whether the German plural form ``plural`` reads as a singular (see the module)."""
    if plural == singular:
        return True
    one, many = _nouns_after_numbers(singular), _nouns_after_numbers(plural)
    if not many:
        # no noun after a number (e.g. "%(num)s minutes" as a bare unit): forms differ
        return False
    for placeholder, noun in many.items():
        if one.get(placeholder) != noun or noun in INVARIANT_NOUNS:
            return False
    return True


def test_the_german_catalog_counts_with_two_forms_by_the_number():
    catalog = _catalog()
    assert catalog.plural_forms == "nplurals=2; plural=(n != 1);"


def test_every_plural_entry_has_a_german_plural_form():
    singular_plurals = []
    for message in _catalog():
        if not message.pluralizable or not all(message.string):
            continue
        singular, plural = message.string
        if obviously_singular(singular, plural):
            singular_plurals.append((message.id[0], plural))
    assert singular_plurals == []


def test_no_message_writes_its_plural_lazily():
    lazy = []
    for message in _catalog():
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in (*ids, *strings):
            if LAZY_PLURAL.search(text) or any(pair in text for pair in LAZY_PAIRS):
                lazy.append(text)
    assert lazy == []


def test_the_check_finds_the_singular_plurals_of_issue_17():
    # the entries as they were: both forms singular, or the noun left in the singular
    assert obviously_singular(
        "Bitte korrigieren Sie %(num)d Angabe", "Bitte korrigieren Sie %(num)d Angabe"
    )
    assert obviously_singular(
        "%(num)d Angabe muss noch korrigiert werden",
        "%(num)d Angabe müssen noch korrigiert werden",
    )
    assert obviously_singular("%(num)d Seite", "%(num)d Seite.")
    assert not obviously_singular("%(num)d Seite", "%(num)d Seiten")
    assert not obviously_singular(
        "%(sent)s von %(waiting)s wartenden E-Mail gesendet.",
        "%(sent)s von %(waiting)s wartenden E-Mails gesendet.",
    )
    assert not obviously_singular("%(num)d Teilnehmer kommt", "%(num)d Teilnehmer kommen")
    assert LAZY_PLURAL.search("%(count)s Dokument(e) geprüft")
    assert LAZY_PLURAL.search("%(count)s application(s) found.")
    assert not LAZY_PLURAL.search("Ausgabe %(n)s entfernen")
