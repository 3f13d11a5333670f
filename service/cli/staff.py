"""``foerderwerk staff``: create accounts, grant roles, set passwords, deactivate (each of the
last two ends every session of the account)."""

from __future__ import annotations

import sys

import click
from sqlalchemy import select

from .. import db
from ..domain.passwords import MIN_LENGTH
from ..i18n import BabelLocalizer
from ..models import Partnership, StaffRole, StaffUser
from ..operations import staff as ops
from . import cli
from .uow import current_command_uow, in_command_uow

_localizer = BabelLocalizer()
_ = _localizer.gettext

_ROLE_OPTION = click.option(
    "--role",
    "roles",
    multiple=True,
    required=True,
    type=click.Choice([r.value for r in StaffRole]),
    help=_(
        "The role: coordination (coordination office), lead (lead office), committee "
        "(committee member) or admin (administrator); repeat the option for several roles."
    ),
)
_PARTNERSHIP_OPTION = click.option(
    "--partnership", "slug", required=True, help=_("Slug of the partnership.")
)
_STDIN_OPTION = click.option(
    "--password-stdin",
    is_flag=True,
    help=_("Read the password from standard input instead of asking for it (for scripts)."),
)


@cli.group("staff", help=_("Staff accounts of the back office."))
def staff_group() -> None:
    pass


def _role_labels(roles: tuple[str, ...]) -> str:
    return ", ".join(_(StaffRole(role).label) for role in roles)


def _partnership(slug: str) -> Partnership:
    found = db.session().scalars(select(Partnership).where(Partnership.slug == slug)).one_or_none()
    if found is None:
        click.echo(_("There is no partnership “%(slug)s”.") % {"slug": slug}, err=True)
        sys.exit(2)
    return found


def _account(email: str) -> StaffUser:
    user = ops.find_user(db.session(), email)
    if user is None:
        click.echo(_("There is no account “%(email)s”.") % {"email": email}, err=True)
        sys.exit(2)
    return user


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    # asked twice by hand, not with click's confirmation_prompt: its messages are English
    first = str(
        click.prompt(
            _("Password (at least %(length)s characters)") % {"length": MIN_LENGTH},
            hide_input=True,
        )
    )
    second = str(click.prompt(_("Repeat the password"), hide_input=True))
    if first != second:
        click.echo(
            _("The two entries differ. Nothing was changed; please run the command again."),
            err=True,
        )
        sys.exit(1)
    return first


def _refuse_weak(error: ops.WeakPassword) -> None:
    for problem in error.problems:
        click.echo(problem.render(_localizer), err=True)
    sys.exit(1)


@staff_group.command("add", help=_("Create a staff account."))
@click.argument("email")
@_ROLE_OPTION
@_PARTNERSHIP_OPTION
@click.option("--name", default="", help=_("Full name shown in the back office."))
@_STDIN_OPTION
@in_command_uow
def add_command(
    email: str, roles: tuple[str, ...], slug: str, name: str, password_stdin: bool
) -> None:
    session = db.session()
    partnership = _partnership(slug)
    email = ops.staff_email(email)  # before the password is asked for
    if ops.find_user(session, email) is not None:
        # issue 14: adding kept the old password silently – whoever ran it believed they had
        # just set one
        click.echo(
            _(
                "There is already an account “%(email)s”; nothing was changed. Another role: "
                "foerderwerk staff grant %(email)s --role … --partnership …; a new password: "
                "foerderwerk staff set-password %(email)s"
            )
            % {"email": email.strip().lower()},
            err=True,
        )
        sys.exit(1)
    password = _read_password(password_stdin)
    try:
        user = ops.add_staff_user(
            current_command_uow(),
            email,
            name,
            password,
            [(partnership, StaffRole(role)) for role in roles],
        )
    except ops.WeakPassword as error:
        _refuse_weak(error)
        return
    click.echo(
        _("Account %(email)s: roles %(roles)s in %(slug)s.")
        % {"email": user.email, "roles": _role_labels(roles), "slug": slug}
    )


@staff_group.command("grant", help=_("Give an existing staff account another role."))
@click.argument("email")
@_ROLE_OPTION
@_PARTNERSHIP_OPTION
@in_command_uow
def grant_command(email: str, roles: tuple[str, ...], slug: str) -> None:
    partnership = _partnership(slug)
    user = _account(email)
    ops.grant_roles(current_command_uow(), user, [(partnership, StaffRole(role)) for role in roles])
    click.echo(
        _("Account %(email)s: roles %(roles)s in %(slug)s.")
        % {"email": user.email, "roles": _role_labels(roles), "slug": slug}
    )


@staff_group.command(
    "set-password",
    help=_("Give a staff account a new password; ends all of its sessions."),
)
@click.argument("email")
@_STDIN_OPTION
@in_command_uow
def set_password_command(email: str, password_stdin: bool) -> None:
    user = _account(email)
    password = _read_password(password_stdin)
    try:
        ops.set_password(current_command_uow(), user, password)
    except ops.WeakPassword as error:
        _refuse_weak(error)
        return
    click.echo(
        _("New password for %(email)s set; its sessions have ended.") % {"email": user.email}
    )


@staff_group.command("deactivate", help=_("Lock an account and end all of its sessions."))
@click.argument("email")
@in_command_uow
def deactivate_command(email: str) -> None:
    user = _account(email)
    ops.deactivate(current_command_uow(), user)
    click.echo(_("Account %(email)s deactivated; its sessions have ended.") % {"email": email})
