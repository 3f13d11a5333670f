"""``foerderwerk render`` and ``foerderwerk templates check``.

``render notice|application|minutes|invitation|report FILE.json -o OUT.docx|OUT.pdf``
(interchange.md; the invitation's input: domain/invitation.py):
the input is checked by the rules engine first. Exit 2 when it cannot be read (as ``check``);
exit 1 without writing a file where the document would state something false (an approval whose
application has error findings or whose amount exceeds the requested grant, or a decision
lacking what the notice must cite); otherwise the document is written and exit 0. Rejections,
minutes and reports always render and show their findings in the document; an invitation
without the date, place or members of its session is refused (exit 1). stdout carries the
check's JSON object (plus ``"output"`` when a file was written); stderr one German line.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

import click

from ..clock import clock_from_environment
from ..config import setting
from ..domain.check import (
    CheckResult,
    guideline_invalid_result,
    guideline_missing_result,
    input_too_large_result,
    unreadable_input_result,
)
from ..domain.guideline import Guideline, GuidelineError, load_guideline
from ..domain.jsonio import JsonInputError
from ..domain.messages import N_, Message
from ..i18n import BabelLocalizer

# Re-exported: tests and other callers imported these from here before they moved into the
# operation.
from ..operations.documents import (
    DOCUMENTS,
    Outcome,
    build_document,
    docx_metadata,
    instance_partnership,
    render_pdf,
)
from ..rendering.docx import RenderError, load_manifest
from ..rendering.lint import lint_file
from . import cli
from .check import InputTooLarge
from .check import read_input as read_capped_input

__all__ = ["DOCUMENTS", "Outcome", "build_document", "instance_partnership"]

FORMATS = (".docx", ".pdf")


def _say(msgid: str, **params: Any) -> str:
    return Message(msgid, params).render(BabelLocalizer())


def _read_input(file: str) -> Any:
    # the same cap as ``check`` (CHECK_MAX_BYTES): never a whole large file in memory
    return read_capped_input(file, int(setting("CHECK_MAX_BYTES")))


def _write_atomically(path: Path, content: bytes) -> None:
    # A half-written document must never be mistaken for a finished one.
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _echo_result(result: CheckResult, output: Path | None) -> None:
    payload = result.to_json(BabelLocalizer())
    if output is not None:
        payload["output"] = str(output)
    click.echo(json.dumps(payload, ensure_ascii=False, indent=2))


@cli.command("render", with_appcontext=False)
@click.argument(
    "document",
    metavar="notice|application|minutes|invitation|report",
    type=click.Choice(list(DOCUMENTS)),
)
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, writable=True),
    help="Zieldatei, .docx oder .pdf (PDF/A).",
)
@click.option(
    "--guideline",
    "guideline_path",
    type=click.Path(dir_okay=False),
    help="Fördergrundsätze (TOML) des Fonds; nötig für notice, application und report.",
)
@click.option(
    "--partnership",
    "partnership_path",
    type=click.Path(dir_okay=False),
    help="Einstellungen der Partnerschaft (TOML) für Briefkopf und Unterschrift.",
)
@click.pass_context
def render_command(
    ctx: click.Context,
    document: str,
    file: str,
    output: str,
    guideline_path: str | None,
    partnership_path: str | None,
) -> None:
    """Erzeugt Bescheid, Antrag, Protokoll, Einladung oder Verwendungsnachweis als DOCX oder
    PDF/A.

    Exit 0: Dokument geschrieben. Exit 1: kein Dokument, weil es Falsches aussagen würde
    (Befunde auf stdout). Exit 2: Eingabe unlesbar.
    """
    target = Path(output)
    if target.suffix.lower() not in FORMATS:
        raise click.BadParameter(
            _say(N_("The output file must end in .docx or .pdf.")), param_hint="-o"
        )
    if not target.parent.is_dir():
        # checked before the (possibly long) PDF conversion, and without a traceback
        _refuse_output(
            ctx,
            _say(
                N_(
                    "The folder “%(folder)s” does not exist. Please create it first or name "
                    "an existing folder with -o."
                ),
                folder=str(target.parent),
            ),
        )
        return
    kind = DOCUMENTS[document]
    today = clock_from_environment().today()
    try:
        data = _read_input(file)
    except InputTooLarge:
        limit = int(setting("CHECK_MAX_BYTES"))
        _finish(ctx, Outcome(2, input_too_large_result(kind, limit)), None)
        return
    except JsonInputError as exc:
        _finish(ctx, Outcome(2, unreadable_input_result(kind, exc)), None)
        return
    except (OSError, UnicodeDecodeError) as exc:
        detail = (
            f"{file}: not UTF-8 text"
            if isinstance(exc, UnicodeDecodeError)
            else f"{file}: {getattr(exc, 'strerror', None) or exc}"
        )
        _finish(ctx, Outcome(2, unreadable_input_result(kind, detail)), None)
        return

    guideline: Guideline | None = None
    if kind != "meeting":
        if not guideline_path:
            _finish(ctx, Outcome(2, guideline_missing_result(kind)), None)
            return
        try:
            guideline = load_guideline(guideline_path)
        except GuidelineError as exc:
            payload = data
            if document == "notice" and isinstance(data, dict):
                payload = {k: v for k, v in data.items() if k != "decision"}
            _finish(
                ctx, Outcome(2, guideline_invalid_result(kind, exc, payload, today=today)), None
            )
            return

    try:
        outcome = build_document(document, data, guideline, partnership_path, today=today)
    except RenderError as exc:
        click.echo(exc.message.render(BabelLocalizer()), err=True)
        ctx.exit(1)
        return
    if outcome.document is None:
        _finish(ctx, outcome, None)
        return
    content = outcome.document
    if target.suffix.lower() == ".pdf":
        try:
            content = render_pdf(content, docx_metadata(content), annexes=outcome.annexes)
        except Exception as exc:  # the converter's errors: no file, a German line, exit 1
            for note in outcome.notes:
                click.echo(note, err=True)
            click.echo(
                _say(N_("The PDF could not be produced: %(detail)s"), detail=str(exc)[:300]),
                err=True,
            )
            ctx.exit(1)
            return
    try:
        _write_atomically(target, content)
    except OSError as exc:
        _refuse_output(
            ctx,
            _say(
                N_("The document could not be written to the folder “%(folder)s”: %(detail)s"),
                folder=str(target.parent),
                detail=str(getattr(exc, "strerror", None) or exc)[:200],
            ),
        )
        return
    _finish(ctx, outcome, target)


def _refuse_output(ctx: click.Context, line: str) -> None:
    """The output cannot be written where -o says: one German line, exit 2 (a usage problem
    like unreadable input, not a finding about the document)."""
    click.echo(line, err=True)
    ctx.exit(2)


def _finish(ctx: click.Context, outcome: Outcome, written: Path | None) -> None:
    _echo_result(outcome.result, written)
    for note in outcome.notes:
        click.echo(note, err=True)
    if written is not None:
        click.echo(_say(N_("Document written: %(path)s"), path=str(written)), err=True)
    elif outcome.exit_code == 2:
        click.echo(
            _say(N_("No document was written: the input cannot be read (see the findings).")),
            err=True,
        )
    else:
        click.echo(
            _say(
                N_(
                    "No document was written: it would state something that is not so. Please "
                    "correct the errors in the findings first."
                )
            ),
            err=True,
        )
    ctx.exit(outcome.exit_code)


@cli.group("templates")
def templates_group() -> None:
    """Dokumentvorlagen: prüfen (check), je Partnerschaft hochladen, auflisten, ansehen und
    aktivieren (upload, list, preview, activate)."""


@templates_group.command("check", with_appcontext=False)
@click.argument("file", required=False, type=click.Path(dir_okay=False, exists=True))
@click.option(
    "--kind",
    help="Dokumentart der Vorlage (approval, rejection, minutes, report, application), wenn "
    "der Dateiname nicht der einer mitgelieferten Vorlage ist.",
)
@click.pass_context
def templates_check_command(ctx: click.Context, file: str | None, kind: str | None) -> None:
    """Prüft eine Vorlage (oder alle mitgelieferten): Syntax, Platzhalter, Sicherheit.

    Exit 0 ohne Befund, 1 mit Befunden (je eine Zeile auf stdout).
    """
    localizer = BabelLocalizer()
    manifest = load_manifest()
    if kind is not None and kind not in manifest.kinds:
        raise click.BadParameter(
            _say(
                N_("Unknown kind “%(kind)s”. Known kinds: %(kinds)s."),
                kind=kind,
                kinds=", ".join(manifest.kinds),
            ),
            param_hint="--kind",
        )
    if file is None:
        targets = [(manifest.path(k), k) for k in manifest.kinds]
    else:
        detected = kind or manifest.kind_of(file)
        if detected is None:
            raise click.BadParameter(
                _say(
                    N_(
                        "Which kind of document is “%(file)s”? Please name it with --kind "
                        "(one of: %(kinds)s)."
                    ),
                    file=file,
                    kinds=", ".join(manifest.kinds),
                ),
                param_hint="--kind",
            )
        targets = [(Path(file), detected)]
    found = 0
    for path, template_kind in targets:
        for problem in lint_file(path.read_bytes(), manifest, template_kind):
            found += 1
            click.echo(f"{path.name}: {problem.render(localizer)}")
    if found:
        click.echo(
            localizer.ngettext("%(count)s problem found.", "%(count)s problems found.", found)
            % {"count": found},
            err=True,
        )
        ctx.exit(1)
    click.echo(
        localizer.ngettext(
            "No problems found in %(count)s template.",
            "No problems found in %(count)s templates.",
            len(targets),
        )
        % {"count": len(targets)},
        err=True,
    )
