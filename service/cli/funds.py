"""``foerderwerk funds``: a partnership's funds per year (issue 16.2) – create one from a
guideline file, add a changed guideline as a new version, open and close it for applications,
copy it for the next year as a draft, list them."""

from __future__ import annotations

from pathlib import Path

import click

from ..domain.messages import N_, Message
from ..errors import Refused
from ..i18n import BabelLocalizer
from ..operations import funds as ops
from ..operations.partnerships import find_partnership
from . import cli
from .uow import current_command_uow, in_command_uow

_localizer = BabelLocalizer()
_ = _localizer.gettext

_PARTNERSHIP = click.option(
    "--partnership", "slug", required=True, help=_("The partnership (its slug).")
)
_GUIDELINE = click.option(
    "--guideline",
    "guideline_file",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help=_("The guideline file (TOML, format: spec/rules.md, see docs/operations.md)."),
)


@cli.group("funds", help=_("The funds of a partnership, one per year."))
def funds_group() -> None:
    pass


@funds_group.command("create", help=_("Create a fund from a guideline file."))
@_PARTNERSHIP
@_GUIDELINE
@click.option("--committee", default=None, help=_("The committee that decides (its name)."))
@in_command_uow
def create_command(slug: str, guideline_file: Path, committee: str | None) -> None:
    uow = current_command_uow()
    partnership = find_partnership(uow, slug)
    fund = ops.create_fund(
        uow, partnership, ops.read_guideline_file(guideline_file), committee=committee
    )
    click.echo(
        _("Fund %(key)s created (guideline version 1), open for applications.") % {"key": fund.key}
    )
    if fund.committee is None:
        click.echo(
            _(
                "No committee decides this fund yet. Please name it: foerderwerk funds update "
                "%(key)s --partnership %(slug)s --committee NAME"
            )
            % {"key": fund.key, "slug": slug}
        )


@funds_group.command(
    "update",
    help=_(
        "Add a changed guideline file to a fund as its new version, or name the committee "
        "that decides it."
    ),
)
@click.argument("key")
@_PARTNERSHIP
@click.option(
    "--guideline",
    "guideline_file",
    default=None,
    type=click.Path(dir_okay=False, path_type=Path),
    help=_("The guideline file (TOML, format: spec/rules.md, see docs/operations.md)."),
)
@click.option(
    "--committee",
    default=None,
    help=_("The committee that decides (its name), for a fund that has none yet."),
)
@in_command_uow
def update_command(key: str, slug: str, guideline_file: Path | None, committee: str | None) -> None:
    uow = current_command_uow()
    fund = ops.find_fund(uow, find_partnership(uow, slug), key)
    if guideline_file is None and committee is None:
        raise Refused(Message(N_("Please give --guideline FILE, --committee NAME or both.")))
    if guideline_file is not None:
        version = ops.add_guideline_version(uow, fund, ops.read_guideline_file(guideline_file))
        if version is None:
            click.echo(_("The guideline of %(key)s is unchanged.") % {"key": key})
        else:
            click.echo(
                _("Guideline version %(version)s of %(key)s saved; earlier versions are kept.")
                % {"version": version.version, "key": key}
            )
    if committee is not None:
        if ops.assign_committee(uow, fund, committee):
            click.echo(
                _("%(committee)s decides the fund %(key)s now.")
                % {"committee": committee, "key": key}
            )
        else:
            click.echo(
                _("%(committee)s decides the fund %(key)s already.")
                % {"committee": committee, "key": key}
            )


@funds_group.command("open", help=_("Open a fund for applications."))
@click.argument("key")
@_PARTNERSHIP
@click.option(
    "--confirm",
    is_flag=True,
    help=_("For a draft copied for a new year: budget and session dates are checked."),
)
@in_command_uow
def open_command(key: str, slug: str, confirm: bool) -> None:
    uow = current_command_uow()
    fund = ops.find_fund(uow, find_partnership(uow, slug), key)
    if ops.open_fund(uow, fund, confirm=confirm):
        click.echo(_("The fund %(key)s is open for applications.") % {"key": key})
    else:
        click.echo(_("The fund %(key)s was open already.") % {"key": key})


@funds_group.command("close", help=_("Close a fund for new applications."))
@click.argument("key")
@_PARTNERSHIP
@in_command_uow
def close_command(key: str, slug: str) -> None:
    uow = current_command_uow()
    fund = ops.find_fund(uow, find_partnership(uow, slug), key)
    if ops.close_fund(uow, fund):
        click.echo(_("The fund %(key)s takes no new applications now.") % {"key": key})
    else:
        click.echo(_("The fund %(key)s was closed already.") % {"key": key})


@funds_group.command("copy", help=_("Copy a fund for another year as a draft."))
@click.argument("key")
@_PARTNERSHIP
@click.option("--year", type=click.IntRange(1901, 2199), required=True, help=_("The new year."))
@in_command_uow
def copy_command(key: str, slug: str, year: int) -> None:
    uow = current_command_uow()
    fund = ops.find_fund(uow, find_partnership(uow, slug), key)
    copy = ops.copy_fund(uow, fund, year)
    click.echo(
        _(
            "Draft %(key)s created from %(source)s: session dates and deadlines moved to "
            "%(year)s, budget %(budget)s taken over. Please check budget and dates, then: "
            "foerderwerk funds open %(key)s --partnership %(slug)s --confirm"
        )
        % {
            "key": copy.key,
            "source": key,
            "year": year,
            "budget": _localizer.format_money(copy.guideline.budget),
            "slug": slug,
        }
    )


@funds_group.command("list", help=_("List the funds of a partnership."))
@_PARTNERSHIP
@in_command_uow
def list_command(slug: str) -> None:
    uow = current_command_uow()
    rows = ops.fund_rows(uow, find_partnership(uow, slug))
    if not rows:
        click.echo(_("The partnership has no fund yet: foerderwerk funds create --partnership …"))
        return
    click.echo(fund_table(rows))


def _status(row: ops.FundRow) -> str:
    if row.draft:
        return _("draft (closed, budget to confirm)")
    return _("open") if row.is_open else _("closed")


def _session(session: ops.SessionRow) -> str:
    day = _localizer.format_date(session.day)
    deadline = _localizer.format_date(session.deadline)
    if session.published:
        return _("%(session)s, deadline %(deadline)s") % {"session": day, "deadline": deadline}
    return _("%(session)s, deadline %(deadline)s (lead days)") % {
        "session": day,
        "deadline": deadline,
    }


def fund_table(rows: list[ops.FundRow]) -> str:
    """The funds as a plain-text table; a fund with several sessions takes several lines."""
    header = [
        _("Key"),
        _("Name"),
        _("Year"),
        _("Budget"),
        _("Sessions and application deadlines"),
        _("Applications"),
        _("Guideline version"),
    ]
    lines: list[list[str]] = []
    for row in rows:
        sessions = [_session(s) for s in row.sessions] or [_("no session planned")]
        lines.append(
            [
                row.key,
                row.name,
                str(row.year),
                _localizer.format_money(row.budget),
                sessions[0],
                _status(row),
                str(row.version),
            ]
        )
        lines += [["", "", "", "", more, "", ""] for more in sessions[1:]]
    widths = [max(len(cells[i]) for cells in [header, *lines]) for i in range(len(header))]

    def show(cells: list[str]) -> str:
        return "  ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True))

    rule = ["-" * width for width in widths]
    return "\n".join(show(cells).rstrip() for cells in [header, rule, *lines])
