"""Driving a job to its end: with a broker configured the items go to Celery workers and
this process watches; without one, a process pool here (command line) or a thread of the
web process (staff page) works them off."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask

from .. import db
from ..domain.states import JobState
from ..operations import regeneration as ops
from . import work
from .local import HEARTBEAT_EVERY, RunSummary, run_local

log = logging.getLogger(__name__)

ProgressCallback = Callable[[ops.Progress], None]


def broker_configured(app: Flask) -> bool:
    return bool(app.config.get("CELERY_BROKER"))


def dispatch(app: Flask, job_id: int) -> int:
    """Send the job's pending items to the Celery workers; raises
    :class:`~service.batch.tasks.QueueUnavailable` when the broker is down (the job stays
    saved; sending again later is safe)."""
    from . import tasks

    tasks.configure_from(app.config)
    session = db.session()
    pending = ops.pending_items(session, job_id)
    session.commit()
    tasks.enqueue(pending)
    return len(pending)


@dataclass
class WaitSummary:
    job_id: int
    seconds: float = 0.0
    resent: int = 0
    finished: bool = False


def wait_for_workers(
    app: Flask,
    job_id: int,
    on_progress: ProgressCallback | None = None,
    *,
    poll: float = 0.5,
    timeout: float | None = None,
) -> WaitSummary:
    """Watch a distributed job until no item is pending. When nothing moved for
    CELERY_STALL_TIMEOUT seconds while the broker's queue is empty, the pending items were
    lost in flight (a worker died before Redis' visibility timeout) and are sent again –
    a duplicate is a no-op."""
    from . import tasks

    tasks.configure_from(app.config)
    stall = float(app.config["CELERY_STALL_TIMEOUT"])
    driver = work.item_uow(app.config)  # the watcher's heartbeat and the job's end
    session = driver.session
    summary = WaitSummary(job_id)
    started = last_change = time.monotonic()
    last_finished = -1
    last_beat = 0.0
    while True:
        progress = ops.job_progress(session, job_id)
        if on_progress is not None:
            on_progress(progress)
        now = time.monotonic()
        if progress.pending == 0 or progress.state is not JobState.running:
            ops.finish_job_if_complete(driver, job_id)
            driver.commit()
            summary.finished = True
            break
        if progress.finished != last_finished:
            last_finished, last_change = progress.finished, now
        elif now - last_change >= stall and tasks.queue_length() == 0:
            pending = ops.pending_items(session, job_id)
            log.warning(
                "job %s: no progress for %.0f s; sending %s items again",
                job_id,
                stall,
                len(pending),
            )
            tasks.enqueue(pending)
            summary.resent += len(pending)
            last_change = now
        if now - last_beat >= HEARTBEAT_EVERY:
            ops.beat(driver, job_id)
            last_beat = now
        driver.commit()
        if timeout is not None and now - started > timeout:
            break
        time.sleep(poll)
    summary.seconds = time.monotonic() - started
    return summary


def run_here(
    app: Flask, job_id: int, workers: int, on_progress: ProgressCallback | None = None
) -> RunSummary:
    return run_local(app, job_id, workers, on_progress)


_threads: dict[int, threading.Thread] = {}


def start_in_thread(app: Flask, job_id: int) -> threading.Thread:
    """The embedded default for the staff page: one thread of the web process renders the
    job's items one after the other with the process's warm LibreOffice. If the process
    ends, the job is resumed from the staff page or by the command."""

    def work_off() -> None:
        with app.app_context():
            driver = work.item_uow(app.config)  # the heartbeat and the job's end
            try:
                last_beat = 0.0
                for item_id in ops.pending_items(driver.session, job_id):
                    driver.commit()
                    work.process_item(
                        # one unit of work per item; the PDF port is looked up now: tests
                        # put a stand-in there
                        work.item_uow(app.config, driver.session, work.convert_pdf),
                        item_id,
                    )
                    if time.monotonic() - last_beat >= HEARTBEAT_EVERY:
                        ops.beat(driver, job_id)
                        driver.commit()
                        last_beat = time.monotonic()
                ops.finish_job_if_complete(driver, job_id)
                driver.commit()
            except Exception:
                log.exception("job %s: the web process's batch thread stopped", job_id)
                driver.rollback()
            finally:
                _threads.pop(job_id, None)

    thread = threading.Thread(target=work_off, name=f"regenerate-{job_id}", daemon=True)
    _threads[job_id] = thread
    thread.start()
    return thread


def running_here(job_id: int) -> bool:
    thread = _threads.get(job_id)
    return thread is not None and thread.is_alive()
