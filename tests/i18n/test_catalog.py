"""The German catalog is complete: every msgid in the code and templates has a German
translation with the same placeholders, and the compiled .mo says the same as the .po."""

from __future__ import annotations

import re
from io import BytesIO
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
KEYWORDS = {
    "_": None,
    "gettext": None,
    "N_": None,
    "_l": None,
    "lazy_gettext": None,
    "ngettext": (1, 2),
    "plural_message": (1, 2),  # service/domain/messages.py
    # the youth fund's "du" texts: catalog entries with the context "du" (service/mail_texts)
    "pgettext": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),  # service/web/applicant/informal.py
}
# the e-mail texts (.txt templates) too: they were not extracted and went out in English
METHODS = [
    ("**.py", "python"),
    ("**/templates/**.html", "jinja2"),
    ("**/templates/**.txt", "jinja2"),
]
PLACEHOLDER = re.compile(r"%\(\w+\)s|%[sd]|\{\w*\}")


def _msgids_in_code() -> set[tuple[str | None, str]]:
    """(context, msgid) of every message in the code and templates."""
    found: set[tuple[str | None, str]] = set()
    for folder in ("service", "forms"):
        for _filename, _lineno, message, _comments, context in extract_from_dir(
            ROOT / folder, METHODS, keywords=KEYWORDS
        ):
            found.add((context, message[0] if isinstance(message, tuple) else message))
    return found


def _catalog(language: str):
    with open(ROOT / "locale" / language / "LC_MESSAGES" / "messages.po", "rb") as fh:
        return read_po(fh, locale=language)


def test_every_msgid_in_the_code_has_a_german_translation():
    catalog = _catalog("de")
    missing = []
    for context, msgid in _msgids_in_code():
        message = catalog.get(msgid, context=context)
        if message is None or not all(_forms(message.string)) or message.fuzzy:
            missing.append((context or "", msgid))
    assert sorted(missing) == []


def _forms(value: str | tuple[str, ...] | list[str]) -> tuple[str, ...]:
    return tuple(value) if isinstance(value, tuple | list) else (value,)


def _placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def test_german_translations_keep_the_placeholders_of_their_msgid():
    wrong = []
    for message in _catalog("de"):
        if not message.id or not any(_forms(message.string)):
            continue
        # every plural form may leave out the number, but none may invent a placeholder
        wanted = set().union(*(_placeholders(form) for form in _forms(message.id)))
        for form in _forms(message.string):
            found = _placeholders(form)
            if found - wanted or (not isinstance(message.id, tuple) and found != wanted):
                wrong.append(message.id)
    assert wrong == []


def test_the_compiled_catalog_matches_the_po_file():
    po = _catalog("de")
    with open(ROOT / "locale" / "de" / "LC_MESSAGES" / "messages.mo", "rb") as fh:
        mo = read_mo(BytesIO(fh.read()))
    po_pairs = {
        (m.context, _forms(m.id)): _forms(m.string)
        for m in po
        if m.id and any(_forms(m.string)) and not m.fuzzy
    }
    mo_pairs = {(m.context, _forms(m.id)): _forms(m.string) for m in mo if m.id}
    assert mo_pairs == po_pairs, "run `make i18n-compile`"


def test_the_start_page_is_german_by_default_and_english_on_request(app):
    client = app.test_client()
    german = client.get("/").get_data(as_text=True)
    english = client.get("/?lang=en").get_data(as_text=True)
    assert "Zum Inhalt springen" in german
    assert "Skip to content" in english
