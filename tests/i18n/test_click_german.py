"""click's own texts are German too (service/i18n.py, click_in_german): the catalog covers every
message of the installed click, its compiled file is up to date, and the command line says
"Aufruf:" and "Optionen" instead of "Usage:" and "Options:"."""

from __future__ import annotations

from pathlib import Path

import click
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from click.testing import CliRunner

from service.cli import cli
from service.paths import locale_dir

CATALOG = locale_dir() / "de" / "LC_MESSAGES" / "click.po"
COMPILED = locale_dir() / "de" / "LC_MESSAGES" / "click.mo"


def _click_messages() -> set[object]:
    keywords = {"_": None, "ngettext": (1, 2)}
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        Path(click.__file__).parent, keywords=keywords
    ):
        found.add(message)
    return found


def test_every_message_of_the_installed_click_has_its_german_text() -> None:
    with CATALOG.open("rb") as file:
        catalog = read_po(file, locale="de")
    translated = {
        message.id: message.string
        for message in catalog
        if message.id
        and not message.fuzzy
        and (all(message.string) if isinstance(message.string, tuple) else message.string)
    }
    missing = [m for m in _click_messages() if m not in translated]
    assert missing == [], f"add to {CATALOG.name} (pybabel extract on click, then translate)"


def test_the_compiled_catalog_is_the_catalog() -> None:
    def plain(value: object) -> object:
        return tuple(value) if isinstance(value, list | tuple) else value

    with CATALOG.open("rb") as file:
        source = {plain(m.id): plain(m.string) for m in read_po(file, locale="de") if m.id}
    with COMPILED.open("rb") as file:
        compiled = {plain(m.id): plain(m.string) for m in read_mo(file) if m.id}
    assert compiled == source


def test_the_command_line_speaks_german_also_in_clicks_own_texts() -> None:
    runner = CliRunner()

    helped = runner.invoke(cli, ["--help"], prog_name="foerderwerk")
    wrong = runner.invoke(cli, ["check", "--nope"], prog_name="foerderwerk")

    assert helped.exit_code == 0
    assert "Aufruf: foerderwerk" in helped.output
    assert "Optionen:" in helped.output
    assert "Befehle:" in helped.output
    assert "Diese Hilfe anzeigen und beenden." in helped.output
    assert "Show this message" not in helped.output
    assert "Load environment variables" not in helped.output
    assert wrong.exit_code == 2
    assert "Fehler: Die Option '--nope' gibt es nicht." in wrong.output
    assert "Hilfe: „foerderwerk check --help“" in wrong.output
