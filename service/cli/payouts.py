"""``foerderwerk payouts import`` (issue 19.1): the treasury's CSV of payouts – without
``--apply`` a German preview of what matches the open payment orders (nothing saved), with
``--apply`` the matched lines recorded as payouts (source csv; the same file again records
nothing twice). Exit 1 when the file cannot be read, has malformed lines or nothing matches."""

from __future__ import annotations

from pathlib import Path

import click

from ..domain.treasury_csv import MAX_BYTES, LineResult, Outcome
from ..i18n import BabelLocalizer
from ..operations import payout_import as ops
from ..operations.partnerships import find_partnership
from . import cli
from .uow import current_command_uow, in_command_uow

_localizer = BabelLocalizer()
_ = _localizer.gettext


@cli.group("payouts", help=_("Payouts of the treasury (Kasse)."))
def payouts_group() -> None:
    pass


def _table(results: list[LineResult]) -> list[str]:
    heads = (_("Line"), _("Result"), _("Cash reference"), _("Amount"), _("Booked on"))
    rows = []
    for r in results:
        entry = r.entry
        rows.append(
            (
                str(r.line),
                _(r.outcome.label),
                entry.cash_reference if entry else "",
                _localizer.format_money(entry.amount) if entry else "",
                _localizer.format_date(entry.booked_on) if entry else "",
            )
        )
    widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(heads)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(heads, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    for row, r in zip(rows, results, strict=True):
        lines.append("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
        lines.append("    " + r.message.render(_localizer))
    return lines


@payouts_group.command(
    "import",
    help=_(
        "Import the treasury's CSV of payouts: without --apply a preview of what matches the "
        "open payment orders (nothing is saved); with --apply the matching payouts are recorded."
    ),
)
@click.option("--partnership", "slug", required=True, help=_("The partnership (its slug)."))
@click.argument("csv_file", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--apply", "apply", is_flag=True, help=_("Record the matching payouts."))
@in_command_uow
def import_command(slug: str, csv_file: Path, apply: bool) -> None:
    uow = current_command_uow()
    partnership = find_partnership(uow, slug)
    with csv_file.open("rb") as handle:
        data = handle.read(MAX_BYTES + 1)
    if not apply:
        preview = ops.preview_import(uow, partnership, data)
        for line in _table(preview.results):
            click.echo(line)
        matched, total = len(preview.matched), len(preview.results)
        click.echo(
            _("%(matched)s of %(total)s lines match; nothing has been saved (preview).")
            % {"matched": matched, "total": total}
        )
        if preview.malformed:
            click.echo(
                _("The file has malformed lines; please correct them before importing."),
                err=True,
            )
            raise click.exceptions.Exit(1)
        if not matched:
            click.echo(_("No line matches an open payment order."), err=True)
            raise click.exceptions.Exit(1)
        click.echo(_("To record them: the same command with --apply."))
        return
    done = ops.import_payouts(uow, partnership, data)
    for r in done.recorded:
        click.echo(_("Recorded: %(message)s") % {"message": r.message.render(_localizer)})
    for r in done.results:
        if r.outcome is not Outcome.matched:
            click.echo(_("Not recorded: %(message)s") % {"message": r.message.render(_localizer)})
    count = len(done.recorded)
    click.echo(
        _localizer.ngettext("%(count)s payout recorded.", "%(count)s payouts recorded.", count)
        % {"count": count}
    )
