"""Regeneration on this machine: a pool of worker processes, each with its own app, database
connection and warm LibreOffice (``spawn``, so no connection or office pipe is shared with
the parent). The parent only hands out item ids, reports progress and keeps the job's
heartbeat; a worker that dies takes nothing with it – its item is still pending and the
pool is rebuilt for what is left."""

from __future__ import annotations

import logging
import multiprocessing
import signal
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Any

from flask import Flask

from .. import db
from ..config import DEFAULTS
from ..domain.states import JobState
from ..models import BatchJob
from ..operations import regeneration as ops
from .work import FAILED, ItemResult

log = logging.getLogger(__name__)

HEARTBEAT_EVERY = 2.0  # seconds
PROGRESS_EVERY = 0.25  # seconds between two progress updates (terminal, job row)
MAX_POOL_RESTARTS = 5

_worker: dict[str, Any] = {}


@dataclass
class RunSummary:
    job_id: int
    processed: int = 0
    failed: int = 0
    restarts: int = 0
    seconds: float = 0.0
    # per worker process: peak resident memory of the process and of its LibreOffice (kB)
    peaks: dict[str, tuple[int, int]] = field(default_factory=dict)
    interrupted: bool = False

    @property
    def rate(self) -> float:
        return self.processed / self.seconds if self.seconds > 0 else 0.0


def worker_config(app: Flask) -> dict[str, Any]:
    """The settings a worker process needs to build the same app (picklable)."""
    return {name: app.config.get(name) for name in DEFAULTS}


def _init_worker(config: dict[str, Any]) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's business
    from .. import create_app
    from ..process_local import lower_priority

    app = create_app(config, web=False)
    lower_priority(app.config["BACKGROUND_NICENESS"])
    context = app.app_context()
    context.push()
    _worker.update(app=app, context=context)


def _run_item(item_id: int) -> ItemResult:
    from ..documents.storage import storage_from_config
    from ..i18n import BabelLocalizer
    from .work import process_item

    app: Flask = _worker["app"]
    return process_item(
        db.session(),
        storage_from_config(app.config),
        item_id,
        BabelLocalizer(),
        measure=True,
    )


def run_local(
    app: Flask,
    job_id: int,
    workers: int,
    on_progress: Callable[[ops.Progress], None] | None = None,
) -> RunSummary:
    """Work off every pending item of the job with ``workers`` processes; returns when none
    is left, the job was cancelled, or on Ctrl-C (the job stays resumable)."""
    session = db.session()
    summary = RunSummary(job_id)
    started = time.monotonic()
    config = worker_config(app)
    context = multiprocessing.get_context("spawn")
    try:
        while True:
            pending = ops.pending_items(session, job_id)
            job = session.get(BatchJob, job_id)
            session.commit()
            if not pending or job is None or job.state is not JobState.running:
                break
            if summary.restarts > MAX_POOL_RESTARTS:
                log.error("job %s: worker pool broke %s times; giving up", job_id, summary.restarts)
                break
            broken = _one_pass(
                session, job_id, pending, workers, config, context, summary, on_progress
            )
            if broken:
                summary.restarts += 1
                continue
            # a pass that left items pending without a broken pool hit unexpected errors
            # (the database went away …); do not spin – the next run resumes
            if ops.pending_items(session, job_id):
                session.commit()
                break
    except KeyboardInterrupt:
        summary.interrupted = True
    finally:
        summary.seconds = time.monotonic() - started
        session.rollback()
    ops.finish_job_if_complete(session, job_id)
    session.commit()
    return summary


def _one_pass(
    session: Any,
    job_id: int,
    pending: list[int],
    workers: int,
    config: dict[str, Any],
    context: Any,
    summary: RunSummary,
    on_progress: Callable[[ops.Progress], None] | None,
) -> bool:
    """Submit ``pending`` to a fresh pool; True when the pool broke (a worker died)."""
    last_beat = last_progress = 0.0
    with ProcessPoolExecutor(
        max_workers=max(1, workers),
        mp_context=context,
        initializer=_init_worker,
        initargs=(config,),
    ) as pool:
        futures: set[Future[ItemResult]] = {pool.submit(_run_item, item) for item in pending}
        try:
            while futures:
                finished, futures = wait(
                    futures, timeout=HEARTBEAT_EVERY, return_when=FIRST_COMPLETED
                )
                for future in finished:
                    try:
                        result = future.result()
                    except BrokenProcessPool:
                        raise
                    except Exception:  # the item stays pending; reported, the rest goes on
                        log.exception("job %s: an item raised outside its own handling", job_id)
                        continue
                    summary.processed += 1
                    if result.outcome == FAILED:
                        summary.failed += 1
                    old = summary.peaks.get(result.worker, (0, 0))
                    summary.peaks[result.worker] = (
                        max(old[0], result.peak_kb),
                        max(old[1], result.office_peak_kb),
                    )
                now = time.monotonic()
                if now - last_beat >= HEARTBEAT_EVERY:
                    ops.beat(session, job_id)
                    last_beat = now
                # at most a few times a second (and after the last item): the progress query
                # runs on the cores the workers render on
                if on_progress is not None and (
                    not futures or now - last_progress >= PROGRESS_EVERY
                ):
                    on_progress(ops.job_progress(session, job_id))
                    last_progress = now
                session.commit()
        except BrokenProcessPool:
            log.warning("job %s: a worker process died; rebuilding the pool", job_id)
            session.rollback()
            for future in futures:
                future.cancel()
            return True
        except KeyboardInterrupt:
            for future in futures:
                future.cancel()
            pool.shutdown(wait=True, cancel_futures=True)
            raise
    return False
