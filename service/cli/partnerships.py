"""``foerderwerk partnerships``: create a partnership from a settings file, update it, export
its settings as TOML (re-importable), list the partnerships (issue 16)."""

from __future__ import annotations

from pathlib import Path

import click

from ..i18n import BabelLocalizer
from ..operations import partnerships as ops
from . import cli
from .uow import current_command_uow, in_command_uow

_ = BabelLocalizer().gettext

_SETTINGS_OPTION = click.option(
    "--settings",
    "settings_file",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help=_("The settings file (TOML, see docs/partnership-settings.md)."),
)


@cli.group("partnerships", help=_("Partnerships and their settings."))
def partnerships_group() -> None:
    pass


@partnerships_group.command("create", help=_("Create a partnership from a settings file."))
@_SETTINGS_OPTION
@in_command_uow
def create_command(settings_file: Path) -> None:
    uow = current_command_uow()
    partnership = ops.create_partnership(uow, ops.read_settings_file(settings_file))
    click.echo(
        _("Partnership “%(name)s” created (%(slug)s).")
        % {"name": partnership.name, "slug": partnership.slug}
    )


@partnerships_group.command(
    "update", help=_("Replace the settings of a partnership with those of a settings file.")
)
@click.argument("slug")
@_SETTINGS_OPTION
@in_command_uow
def update_command(slug: str, settings_file: Path) -> None:
    uow = current_command_uow()
    partnership = ops.find_partnership(uow, slug)
    changed = ops.update_partnership(uow, partnership, ops.read_settings_file(settings_file))
    if changed:
        click.echo(
            _("Settings of %(slug)s saved; changed: %(keys)s.")
            % {"slug": slug, "keys": ", ".join(changed)}
        )
    else:
        click.echo(_("Settings of %(slug)s unchanged.") % {"slug": slug})


@partnerships_group.command(
    "export", help=_("Write the settings of a partnership as TOML to standard output.")
)
@click.argument("slug")
@in_command_uow
def export_command(slug: str) -> None:
    uow = current_command_uow()
    click.echo(ops.export_settings(ops.find_partnership(uow, slug)), nl=False)


@partnerships_group.command("list", help=_("List the partnerships."))
@in_command_uow
def list_command() -> None:
    uow = current_command_uow()
    found = ops.list_partnerships(uow)
    if not found:
        click.echo(_("There is no partnership yet: foerderwerk partnerships create --settings …"))
    for partnership in found:
        click.echo(f"{partnership.slug}\t{partnership.name}")
