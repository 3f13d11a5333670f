"""Helpers for things a process owns on its own: a helper process or thread started on first
use, the CPU priority of background work, and its exit.

A gunicorn worker or batch worker is forked from a parent that may already have started one;
the child must not use the parent's pipes or threads (they are not its own) and starts its
own.
"""

from __future__ import annotations

import gc
import logging
import os
import threading
from collections.abc import Callable
from typing import Any, Generic, TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")


class PerProcess(Generic[T]):
    """One instance per process, made by ``factory`` on the first :meth:`get` (with its
    arguments; later calls' arguments are ignored)."""

    def __init__(self, factory: Callable[..., T]) -> None:
        self._factory = factory
        self._instance: T | None = None
        self._pid: int | None = None
        self._lock = threading.Lock()

    def get(self, *args: Any) -> T:
        with self._lock:
            if self._instance is None or self._pid != os.getpid():
                self._instance = self._factory(*args)
                self._pid = os.getpid()
            return self._instance

    def current(self) -> T | None:
        """This process's instance, or None when it has made none (yet)."""
        return self._instance if self._pid == os.getpid() else None


def lower_priority(niceness: int) -> None:
    """Lower the calling thread's CPU priority by ``niceness`` (like ``nice``); threads and
    processes it starts afterwards inherit it. Background work – a batch worker, the mail
    sender – so that applicants' pages on the same machine come first. Best effort."""
    if niceness <= 0:
        return
    try:  # Linux: the nice value belongs to the thread
        thread = threading.get_native_id()
        current = os.getpriority(os.PRIO_PROCESS, thread)
        os.setpriority(os.PRIO_PROCESS, thread, min(19, current + niceness))
    except (OSError, AttributeError):
        log.warning("background work runs at normal priority (could not lower it)")


def skip_teardown_collection() -> None:
    """Called when a process has done its work and is about to exit (the command line, a
    batch worker): the interpreter's teardown would otherwise run the cycle collector over
    every object the service imported (about half a second, spent after the last line was
    printed). Nothing is lost: open files and connections are still closed as their modules
    are torn down."""
    gc.freeze()
