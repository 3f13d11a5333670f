"""The unit of work of a CLI command: one per command, committed when the command's body
finished, rolled back when it raised. :class:`~service.errors.Refused` becomes its German
message on stderr and exit code 1 (``_CommandLine.invoke`` in service/cli/__init__.py)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import click
from flask import current_app

from .. import db
from ..errors import Refused
from ..i18n import BabelLocalizer
from ..operations import mail
from ..uow import Actor, UnitOfWork, build_uow


@contextmanager
def command_uow(actor: Actor | None = None) -> Iterator[UnitOfWork]:
    uow = build_uow(
        db.session(),
        current_app.config,
        actor=actor or Actor.system("cli"),
        localizer=BabelLocalizer(),
    )
    mail.bind_transport(
        uow.session,
        mail.transport_from_config(current_app.config, current_app.instance_path),
        mail.sender(current_app.config),
    )
    try:
        yield uow
    except BaseException:
        uow.rollback()
        raise
    uow.commit()


def say_refusal(refusal: Refused) -> None:
    """The German message of a refusal, for a person at the terminal."""
    click.echo(refusal.render(BabelLocalizer()), err=True)
