"""The background sender of a process: sends the mails whose attachments must be rendered
first (the receipt's application PDF), after the request that queued them has answered.

One daemon thread per process, started with the first mail and running at a lower CPU
priority (``BACKGROUND_NICENESS``, default 10) – an applicant waiting for the next page
comes before a PDF for the inbox. The LibreOffice it starts inherits that priority. The
mails are in the outbox before they reach the queue: whatever this thread does not finish
(the process ends, the office crashes) is sent by `foerderwerk mail send`, and the claim in
:func:`.outbox.send_pending` keeps the two from sending a mail twice.
"""

from __future__ import annotations

import atexit
import logging
import queue
import threading
import time
from dataclasses import dataclass

from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session

# Imported first so that its exit handler (closing the office) runs after ours (atexit runs
# the last registered first): mails being rendered at exit still have their LibreOffice.
from ...pdf import converter as _converter  # noqa: F401
from ...process_local import PerProcess, lower_priority
from .outbox import Handoff, Preparers, send_pending
from .transport import Transport

log = logging.getLogger(__name__)

# How long a process that ends waits for mails still being rendered (then `mail send`).
EXIT_WAIT = 30.0


@dataclass(frozen=True)
class _Batch:
    bind: Engine | Connection
    transport: Transport
    from_address: str
    preparers: Preparers | None
    ids: tuple[int, ...]


class BackgroundSender:
    def __init__(self, niceness: int) -> None:
        self.niceness = niceness
        self._queue: queue.Queue[_Batch] = queue.Queue()
        self._pending = 0
        self._idle = threading.Condition()
        self.ready = threading.Event()  # set once the thread runs at its priority
        self._thread = threading.Thread(target=self._run, name="mail-sender", daemon=True)
        self._thread.start()

    def submit(self, batch: _Batch) -> None:
        with self._idle:
            self._pending += 1
        self._queue.put(batch)

    def wait_idle(self, timeout: float) -> bool:
        """Wait until every submitted mail was handled; False after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        with self._idle:
            while self._pending:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._idle.wait(left)
        return True

    def _run(self) -> None:
        lower_priority(self.niceness)  # the LibreOffice started from here inherits it
        self.ready.set()
        while True:
            batch = self._queue.get()
            try:
                with Session(bind=batch.bind) as session:
                    send_pending(
                        session,
                        batch.transport,
                        batch.from_address,
                        list(batch.ids),
                        preparers=batch.preparers,
                    )
            except Exception:  # the mails stay in the outbox for `mail send`
                log.exception("background sending of e-mail(s) %s failed", list(batch.ids))
            finally:
                with self._idle:
                    self._pending -= 1
                    self._idle.notify_all()


# started with the niceness of the first mail handed over (the web process's setting)
_sender: PerProcess[BackgroundSender] = PerProcess(BackgroundSender)


def send_in_background(
    bind: Engine | Connection,
    transport: Transport,
    from_address: str,
    preparers: Preparers | None,
    ids: list[int],
    niceness: int,
) -> None:
    """Hand committed outbox mails to this process's background sender."""
    _sender.get(niceness).submit(_Batch(bind, transport, from_address, preparers, tuple(ids)))


def in_background(niceness: int) -> Handoff:
    """The hand-off for :func:`.outbox.bind_transport`: this process's sender at ``niceness``."""

    def handoff(
        bind: Engine | Connection,
        transport: Transport,
        from_address: str,
        preparers: Preparers | None,
        ids: list[int],
    ) -> None:
        send_in_background(bind, transport, from_address, preparers, ids, niceness)

    return handoff


def wait_for_background_mail(timeout: float = EXIT_WAIT) -> bool:
    """Wait for this process's background sender to be idle (tests, process exit)."""
    sender = _sender.current()
    return sender is None or sender.wait_idle(timeout)


@atexit.register
def _finish_on_exit() -> None:
    # A gunicorn worker that is stopped gracefully gets its receipts out first.
    if not wait_for_background_mail(EXIT_WAIT):
        log.warning("e-mails still being rendered at exit stay in the outbox for `mail send`")
