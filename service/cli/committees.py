"""``foerderwerk committees``: import a committees file (members with their terms, history
kept), export it again (re-importable), list the members on a day (issue 16, item 3;
the format: docs/committees.md)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import click

from ..i18n import BabelLocalizer
from ..operations import committees as ops
from ..operations import partnerships as partnership_ops
from . import cli
from .uow import current_command_uow, in_command_uow

_localizer = BabelLocalizer()
_ = _localizer.gettext

F = TypeVar("F", bound=Callable[..., Any])

_PARTNERSHIP = click.option(
    "--partnership", "slug", required=True, help=_("The partnership's slug, e.g. musterstadt.")
)


def _day_option(name: str, help_text: str) -> Callable[[F], F]:
    return click.option(name, "day", type=click.DateTime(formats=["%Y-%m-%d"]), help=help_text)


@cli.group("committees", help=_("Committees and their members with terms."))
def committees_group() -> None:
    pass


@committees_group.command(
    "import",
    help=_(
        "Apply a committees file (TOML, see docs/committees.md): new committees are created, "
        "changes become new terms, the history is kept."
    ),
)
@_PARTNERSHIP
@_day_option(
    "--effective",
    _(
        "The day from which a change to a running term applies (YYYY-MM-DD; default: today). "
        "A member left out of the file leaves the day before."
    ),
)
@click.argument("committees_file", type=click.Path(dir_okay=False, path_type=Path))
@in_command_uow
def import_command(slug: str, day: datetime | None, committees_file: Path) -> None:
    uow = current_command_uow()
    partnership = partnership_ops.find_partnership(uow, slug)
    effective = day.date() if day is not None else uow.today()
    data = ops.read_file(committees_file)
    for result in ops.import_committees(uow, partnership, data, effective=effective):
        name = result.committee.name
        if result.created:
            click.echo(
                _("Committee “%(name)s” created; members: %(count)s.")
                % {"name": name, "count": len(result.committee.members)}
            )
        elif result.changed:
            click.echo(
                _("Committee “%(name)s”: new terms from %(day)s for: %(names)s.")
                % {
                    "name": name,
                    "day": _localizer.format_date(effective),
                    "names": ", ".join(result.changed),
                }
            )
        else:
            click.echo(_("Committee “%(name)s” unchanged.") % {"name": name})
        for warning in ops.civil_majority_warnings(result.committee, effective):
            click.echo(_("Note: %(text)s") % {"text": warning.render(_localizer)}, err=True)


@committees_group.command(
    "export",
    help=_(
        "Write the committees of a partnership as a committees file (TOML) to standard "
        "output: the terms running on the day or beginning later."
    ),
)
@_PARTNERSHIP
@_day_option("--date", _("The day (YYYY-MM-DD; default: today)."))
@in_command_uow
def export_command(slug: str, day: datetime | None) -> None:
    uow = current_command_uow()
    partnership = partnership_ops.find_partnership(uow, slug)
    when = day.date() if day is not None else uow.today()
    click.echo(ops.export_committees(uow, partnership, when), nl=False)


@committees_group.command("list", help=_("List the committees and their members on a day."))
@_PARTNERSHIP
@_day_option("--date", _("The day (YYYY-MM-DD; default: today)."))
@in_command_uow
def list_command(slug: str, day: datetime | None) -> None:
    uow = current_command_uow()
    partnership = partnership_ops.find_partnership(uow, slug)
    when = day.date() if day is not None else uow.today()
    committees = ops.list_committees(uow, partnership)
    if not committees:
        click.echo(
            _("There is no committee yet: foerderwerk committees import --partnership … FILE")
        )
    for committee in committees:
        click.echo(f"{committee.name} ({_(committee.body.label)})")
        seats = committee.members_on(when)
        if not seats:
            click.echo("  " + _("no members on %(day)s") % {"day": _localizer.format_date(when)})
        for seat in seats:
            parts = [_(seat.sector.label), _("voting") if seat.voting else _("advisory")]
            if seat.chair:
                parts.append(_("chair"))
            if seat.deputy_for is not None:
                parts.append(_("deputy of %(name)s") % {"name": seat.deputy_for.name})
            term = seat.term
            since = _("from %(day)s") % {"day": _localizer.format_date(term.term_from)}
            if term.term_to is not None:
                since += " " + _("to %(day)s") % {"day": _localizer.format_date(term.term_to)}
            click.echo(f"  {seat.name} – {', '.join(parts)}; {since}")


@committees_group.command(
    "invite",
    help=_(
        "Give the committee members with an e-mail address an account with the committee role "
        "and send those who cannot sign in yet an invitation to set their password."
    ),
)
@_PARTNERSHIP
@click.option("--member", "member_name", default=None, help=_("Only this member (the name)."))
@in_command_uow
def invite_command(slug: str, member_name: str | None) -> None:
    from ..operations import members as member_ops

    uow = current_command_uow()
    partnership = partnership_ops.find_partnership(uow, slug)
    committees = ops.list_committees(uow, partnership)
    results = member_ops.invite_members(uow, partnership, committees, member_name=member_name)
    words = {
        member_ops.Invitation.invited: _("invitation sent"),
        member_ops.Invitation.linked: _("existing account, committee role given"),
        member_ops.Invitation.already: _("can sign in already"),
        member_ops.Invitation.no_email: _("no e-mail address, not invited"),
        member_ops.Invitation.inactive: _("account deactivated, not invited"),
    }
    for result in results:
        click.echo(
            f"{result.member.committee.name}: {result.member.name} – {words[result.outcome]}"
        )
