"""``foerderwerk check KIND FILE``: the rules engine on the command line (KIND: application,
report, meeting, closing).

Prints one JSON object (spec/rules.md) and exits 0 (no error), 1 (error findings) or 2 (input
or guideline unreadable). Needs no database and no application context.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from ..clock import clock_from_environment
from ..config import setting
from ..domain.check import (
    GUIDED_KINDS,
    KINDS,
    CheckResult,
    Kind,
    check,
    guideline_invalid_result,
    guideline_missing_result,
    input_too_large_result,
    invalid_option_result,
    unreadable_input_result,
)
from ..domain.guideline import GuidelineError, load_guideline
from ..domain.jsonio import JsonInputError, load_json_text
from ..domain.messages import N_, Message
from ..domain.money import AmountError, parse_money
from ..i18n import BabelLocalizer
from . import cli


class InputTooLarge(Exception):
    """The input is longer than the limit; nothing of it was parsed."""


def read_input(file: str, limit: int) -> Any:
    """The input as JSON; raises InputTooLarge, OSError, UnicodeDecodeError or
    JsonInputError. At most ``limit`` + 1 bytes are read, whatever the file's size."""
    if file == "-":
        raw = sys.stdin.buffer.read(limit + 1)
    else:
        with Path(file).open("rb") as handle:
            raw = handle.read(limit + 1)
    if len(raw) > limit:
        raise InputTooLarge
    # utf-8-sig: a byte order mark written by Windows editors is no reason to refuse
    return load_json_text(raw.decode("utf-8-sig"))


def run_check(
    kind: Kind,
    file: str,
    guideline_path: str | None,
    committed: str,
    max_bytes: int | None = None,
) -> CheckResult:
    limit = max_bytes if max_bytes is not None else int(setting("CHECK_MAX_BYTES"))
    today = clock_from_environment().today()
    try:
        data = read_input(file, limit)
    except InputTooLarge:
        return input_too_large_result(kind, limit)
    except JsonInputError as exc:
        return unreadable_input_result(kind, exc)
    except (OSError, UnicodeDecodeError) as exc:
        return unreadable_input_result(kind, _describe(exc, file))

    if kind not in GUIDED_KINDS:
        return check(kind, data, today=today)
    if not guideline_path:
        return guideline_missing_result(kind)
    try:
        guideline = load_guideline(guideline_path)
    except GuidelineError as exc:
        return guideline_invalid_result(kind, exc, data, today=today)
    try:
        committed_amount = parse_money(committed)
    except AmountError:
        return invalid_option_result(
            kind,
            "committed",
            Message(
                N_(
                    "--committed must be an amount of 0 or more with at most two decimal "
                    'places, for example "12500.00".'
                )
            ),
        )
    return check(kind, data, guideline, committed_amount, today=today)


def _describe(exc: OSError | UnicodeDecodeError, file: str) -> str:
    if isinstance(exc, UnicodeDecodeError):
        return f"{file}: not UTF-8 text"
    return f"{file}: {exc.strerror or exc}"


@cli.command("check", with_appcontext=False)
@click.argument("kind", type=click.Choice(KINDS))
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
@click.option(
    "--guideline",
    "guideline_path",
    type=click.Path(dir_okay=False),
    help="Fördergrundsätze (TOML) des Fonds; nötig für application und report.",
)
@click.option(
    "--committed",
    default="0",
    show_default=True,
    help="Im Fonds bereits gebundene Mittel (nur application).",
)
@click.pass_context
def check_command(
    ctx: click.Context, kind: Kind, file: str, guideline_path: str | None, committed: str
) -> None:
    """Prüft einen Antrag, einen Verwendungsnachweis oder eine Sitzung nach den Fördergrundsätzen
    oder berechnet Erstattung und Zinsen beim Abschluss (closing, § 49a VwVfG).

    Ausgabe: ein JSON-Objekt. Exit 0 ohne Fehler, 1 mit Fehlern, 2 bei unlesbarer Eingabe.
    """
    result = run_check(kind, file, guideline_path, committed)
    output = result.to_json(BabelLocalizer())
    click.echo(json.dumps(output, ensure_ascii=False, indent=2))
    ctx.exit(result.exit_code)
