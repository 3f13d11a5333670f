"""``foerderwerk staff``: create accounts, grant roles, deactivate (ends every session)."""

from __future__ import annotations

import sys

import click
from sqlalchemy import select

from .. import db
from ..i18n import BabelLocalizer
from ..models import Partnership, StaffRole
from ..operations import staff as ops
from . import cli

_ = BabelLocalizer().gettext
ACTOR = "system:cli"


@cli.group("staff", help=_("Staff accounts of the back office."))
def staff_group() -> None:
    pass


@staff_group.command("add", help=_("Create a staff account or give it another role."))
@click.argument("email")
@click.option(
    "--role",
    "roles",
    multiple=True,
    required=True,
    type=click.Choice([r.value for r in StaffRole]),
    help="coordination, lead, committee, admin",
)
@click.option("--partnership", "slug", required=True, help=_("Slug of the partnership."))
@click.option("--name", default="", help=_("Full name shown in the back office."))
@click.option(
    "--password-stdin",
    is_flag=True,
    help=_("Read the password from standard input instead of asking for it."),
)
def add_command(
    email: str, roles: tuple[str, ...], slug: str, name: str, password_stdin: bool
) -> None:
    session = db.session()
    partnership = session.scalars(select(Partnership).where(Partnership.slug == slug)).one_or_none()
    if partnership is None:
        click.echo(_("There is no partnership “%(slug)s”.") % {"slug": slug}, err=True)
        sys.exit(2)
    password = ""
    if ops.find_user(session, email) is None:
        if password_stdin:
            password = sys.stdin.readline().rstrip("\n")
        else:
            password = click.prompt(
                _("Password (at least 12 characters)"), hide_input=True, confirmation_prompt=True
            )
    try:
        user = ops.add_staff_user(
            session,
            email,
            name,
            password,
            [(partnership, StaffRole(role)) for role in roles],
            ACTOR,
        )
    except ops.PasswordTooShort:
        click.echo(_("The password must have at least 12 characters."), err=True)
        sys.exit(1)
    session.commit()
    click.echo(
        _("Account %(email)s: roles %(roles)s in %(slug)s.")
        % {"email": user.email, "roles": ", ".join(roles), "slug": slug}
    )


@staff_group.command("deactivate", help=_("Lock an account and end all of its sessions."))
@click.argument("email")
def deactivate_command(email: str) -> None:
    session = db.session()
    user = ops.find_user(session, email)
    if user is None:
        click.echo(_("There is no account “%(email)s”.") % {"email": email}, err=True)
        sys.exit(2)
    ops.deactivate(session, user, ACTOR)
    session.commit()
    click.echo(_("Account %(email)s deactivated; its sessions have ended.") % {"email": email})
