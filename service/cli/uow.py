"""The unit of work of a CLI command: one per command, committed when the command's body
finished, rolled back when it raised. :class:`~service.errors.Refused` becomes its German
message on stderr and exit code 1 (``_CommandLine.invoke`` in service/cli/__init__.py)."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import ParamSpec, TypeVar

import click
from flask import current_app

from .. import db
from ..adapters.mail import outbox, transport
from ..errors import Refused
from ..i18n import BabelLocalizer
from ..operations.outgoing import PREPARERS
from ..uow import Actor, UnitOfWork, build_uow

P = ParamSpec("P")
R = TypeVar("R")
_current: ContextVar[UnitOfWork | None] = ContextVar("command_uow", default=None)


@contextmanager
def command_uow(actor: Actor | None = None) -> Iterator[UnitOfWork]:
    uow = build_uow(
        db.session(),
        current_app.config,
        actor=actor or Actor.system("cli"),
        localizer=BabelLocalizer(),
    )
    outbox.bind_transport(
        uow.session,
        transport.transport_from_config(current_app.config, current_app.instance_path),
        transport.sender(current_app.config),
        preparers=PREPARERS,
    )
    token = _current.set(uow)
    try:
        yield uow
    except BaseException:
        uow.rollback()
        raise
    finally:
        _current.reset(token)
    uow.commit()


def current_command_uow() -> UnitOfWork:
    """The unit of work of the running command (inside :func:`in_command_uow`)."""
    uow = _current.get()
    if uow is None:
        raise RuntimeError("no command unit of work: decorate the command with in_command_uow")
    return uow


def in_command_uow(command: Callable[P, R]) -> Callable[P, R]:
    """Run a command's body in one unit of work (put it right above ``def``): committed when
    the body finished, rolled back when it raised or exited."""

    @functools.wraps(command)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        with command_uow():
            return command(*args, **kwargs)

    return run


def say_refusal(refusal: Refused) -> None:
    """The German message of a refusal, for a person at the terminal."""
    click.echo(refusal.render(BabelLocalizer()), err=True)
