"""Fault injection for the R20/R22 tests: an exception raised at one exact point of a
transaction – before a flush (between a file write and the row), or before the commit
(after rows and files are written) – once, on one session only."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session


class InjectedFault(RuntimeError):
    """The exception the tests inject; nothing in the service catches it on purpose."""


def fail_before(session: Session, hook: str) -> None:
    """Raise :class:`InjectedFault` the next time ``session`` reaches ``hook``
    (``before_flush`` or ``before_commit``); only once."""
    assert hook in ("before_flush", "before_commit")

    def boom(*_args: Any) -> None:
        raise InjectedFault(f"injected at {hook}")

    event.listen(session, hook, boom, once=True)
