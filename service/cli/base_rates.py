"""``foerderwerk base-rates list|add`` (issue 19.3): the base rate table (Basiszinssatz,
§ 247 BGB) the refund notices' interest is computed from, as the administration page shows
it; ``add`` enters a new half-year's value with its source (checked and audited like the
page). ``check closing`` does not use this table: its input brings its own rows."""

from __future__ import annotations

from datetime import date

import click

from ..domain.base_rates import rate_text
from ..i18n import BabelLocalizer
from ..operations import base_rates as ops
from . import cli
from .uow import current_command_uow, in_command_uow

_localizer = BabelLocalizer()
_ = _localizer.gettext


@cli.group("base-rates", help=_("The base rate table (Basiszinssatz) kept by an administrator."))
def base_rates_group() -> None:
    pass


@base_rates_group.command("list", help=_("Show the base rate table with its sources."))
@in_command_uow
def list_command() -> None:
    uow = current_command_uow()
    rows = ops.rate_rows(uow)
    heads = (_("From"), _("Rate in percent"), _("Source of the value"))
    lines = [
        (
            _localizer.format_date(row.starts_on),
            rate_text(row.rate) + (" " + _("(unsure)") if row.unsure else ""),
            row.source,
        )
        for row in rows
    ]
    widths = [max(len(h), *(len(line[i]) for line in lines)) for i, h in enumerate(heads)]
    click.echo("  ".join(h.ljust(w) for h, w in zip(heads, widths, strict=True)).rstrip())
    for line in lines:
        click.echo("  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip())
    missing = ops.table_of(rows).missing_publication(uow.today())
    if missing is not None:
        click.echo(
            _("The base rate from %(day)s is missing: please add it.")
            % {"day": _localizer.format_date(missing)},
            err=True,
        )


def _day(_ctx: click.Context, _param: click.Parameter, value: str) -> date:
    for parse in (date.fromisoformat, _german_date):
        try:
            return parse(value.strip())
        except ValueError:
            continue
    raise click.BadParameter(_("Please give the day as 01.07.2026 or 2026-07-01."))


def _german_date(value: str) -> date:
    day, month, year = value.split(".")
    return date(int(year), int(month), int(day))


@base_rates_group.command(
    "add", help=_("Add the base rate of a new half-year (1 January or 1 July) with its source.")
)
@click.option(
    "--from", "starts_on", required=True, callback=_day, help=_("First day, e.g. 01.07.2026.")
)
@click.option("--rate", "rate", required=True, help=_("Rate in percent as published, e.g. 1,27."))
@click.option("--source", "source", required=True, help=_("Where the value was published."))
@in_command_uow
def add_command(starts_on: date, rate: str, source: str) -> None:
    uow = current_command_uow()
    row = ops.add_base_rate(uow, starts_on=starts_on, rate_text=rate, source=source)
    click.echo(
        _("Base rate from %(day)s: %(rate)s percent (source: %(source)s) – saved.")
        % {
            "day": _localizer.format_date(row.starts_on),
            "rate": rate_text(row.rate),
            "source": row.source,
        }
    )
