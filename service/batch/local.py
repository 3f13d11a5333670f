"""Regeneration on this machine: a pool of worker processes, each with its own app, database
connections and warm LibreOffice – forked from a single-threaded command line once it has
closed its connections, spawned from anything else, so no connection or office pipe is
shared with the parent (start_method). The parent only hands out item ids in small chunks,
reports progress and keeps the job's heartbeat; a worker that dies takes nothing with it –
its items are still pending and the pool is rebuilt for what is left.

Inside a worker two threads share its LibreOffice: while one thread's document is being
converted (the thread waits on a pipe and holds no GIL), the other builds the next document
or registers the previous one, so the office never waits for Python. Conversions stay one at
a time (the converter's lock)."""

from __future__ import annotations

import logging
import multiprocessing
import multiprocessing.util
import signal
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import (
    FIRST_COMPLETED,
    Future,
    ProcessPoolExecutor,
    ThreadPoolExecutor,
    wait,
)
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Any

from flask import Flask

from .. import db
from ..config import DEFAULTS
from ..domain.states import JobState
from ..models import BatchJob
from ..operations import regeneration as ops
from ..process_local import lower_priority, skip_teardown_collection
from ..uow import UnitOfWork
from .work import FAILED, ItemResult, item_uow, process_item

log = logging.getLogger(__name__)

HEARTBEAT_EVERY = 2.0  # seconds
PROGRESS_EVERY = 0.25  # seconds between two progress updates (terminal, job row)
MAX_POOL_RESTARTS = 5
# threads per worker process: one document in LibreOffice, the next one in Python
THREADS_PER_WORKER = 2
# the largest chunk of items handed to a worker at once; chunks shrink towards the end so
# that no worker is left with a long tail while the other one idles
MAX_CHUNK = 8

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


def start_method() -> str:
    """``fork`` where the parent is single-threaded (the command line): the worker starts
    with the service already imported, about a second sooner. ``spawn`` when other threads
    run (a web process): a fork copies locks other threads may hold at that moment."""
    if "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1:
        return "fork"
    return "spawn"


def _init_worker(config: dict[str, Any]) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's business
    from ..app_factory import create_core_app

    # before any thread or LibreOffice is started: they inherit the nice value
    lower_priority(int(config["BACKGROUND_NICENESS"]))
    # LibreOffice needs about a second to start; it does so while the app is built and the
    # first document is prepared instead of after
    threading.Thread(target=_warm_up, name="warm-up", daemon=True).start()
    app = create_core_app(config)
    threads = ThreadPoolExecutor(THREADS_PER_WORKER, initializer=_enter_app, initargs=(app,))
    _worker.update(app=app, threads=threads)
    # runs when the pool lets the worker go, before the interpreter's teardown
    multiprocessing.util.Finalize(None, _leave_worker, exitpriority=10)


def _leave_worker() -> None:
    from ..pdf.converter import close_process_converter

    _worker["threads"].shutdown(wait=True)
    close_process_converter()
    skip_teardown_collection()


def _warm_up() -> None:
    from ..pdf import get_converter

    try:
        get_converter().start()
    except Exception:  # the first conversion tries again and reports it per item
        log.warning("LibreOffice did not start ahead of the first document", exc_info=True)


def _enter_app(app: Flask) -> None:
    # an app context of the thread's own: its own database session (db.session lives in it)
    app.app_context().push()


def _run_items(item_ids: list[int]) -> list[ItemResult | None]:
    """The items of one chunk, on the worker's threads; None for an item that raised
    outside its own handling (it stays pending; reported here, the rest goes on)."""
    threads: ThreadPoolExecutor = _worker["threads"]
    futures = [threads.submit(_run_item, item_id) for item_id in item_ids]
    results: list[ItemResult | None] = []
    for item_id, future in zip(item_ids, futures, strict=True):
        try:
            results.append(future.result())
        except Exception:
            log.exception("batch item %s raised outside its own handling", item_id)
            results.append(None)
    return results


def chunked(item_ids: list[int], workers: int) -> list[list[int]]:
    """Guided self-scheduling: each chunk is a quarter of what is left per worker, at most
    MAX_CHUNK and at least one item, so the last chunks are single items."""
    chunks: list[list[int]] = []
    start = 0
    while start < len(item_ids):
        left = len(item_ids) - start
        size = max(1, min(MAX_CHUNK, left // (4 * max(1, workers))))
        chunks.append(item_ids[start : start + size])
        start += size
    return chunks


def _run_item(item_id: int) -> ItemResult:
    app: Flask = _worker["app"]
    return process_item(item_uow(app.config, db.session()), item_id, measure=True)


def run_local(
    app: Flask,
    job_id: int,
    workers: int,
    on_progress: Callable[[ops.Progress], None] | None = None,
) -> RunSummary:
    """Work off every pending item of the job with ``workers`` processes; returns when none
    is left, the job was cancelled, or on Ctrl-C (the job stays resumable)."""
    driver = item_uow(app.config)  # the heartbeat and the job's end; items have their own
    session = driver.session
    summary = RunSummary(job_id)
    started = time.monotonic()
    config = worker_config(app)
    try:
        while True:
            pending = ops.pending_items(session, job_id)
            job = session.get(BatchJob, job_id)
            driver.commit()
            if not pending or job is None or job.state is not JobState.running:
                break
            if summary.restarts > MAX_POOL_RESTARTS:
                log.error("job %s: worker pool broke %s times; giving up", job_id, summary.restarts)
                break
            broken = _one_pass(driver, job_id, pending, workers, config, summary, on_progress)
            if broken:
                summary.restarts += 1
                continue
            # a pass that left items pending without a broken pool hit unexpected errors
            # (the database went away …); do not spin – the next run resumes
            if ops.pending_items(session, job_id):
                driver.commit()
                break
    except KeyboardInterrupt:
        summary.interrupted = True
    finally:
        summary.seconds = time.monotonic() - started
        driver.rollback()
    ops.finish_job_if_complete(driver, job_id)
    driver.commit()
    return summary


def _one_pass(
    driver: UnitOfWork,
    job_id: int,
    pending: list[int],
    workers: int,
    config: dict[str, Any],
    summary: RunSummary,
    on_progress: Callable[[ops.Progress], None] | None,
) -> bool:
    """Submit ``pending`` to a fresh pool; True when the pool broke (a worker died)."""
    session = driver.session
    last_beat = last_progress = 0.0
    method = start_method()
    if method == "fork":
        # nothing of this process's may be used by a forked worker: no database connection
        # (the worker opens its own; the next query here opens a fresh one) and no buffered
        # output (a worker would print it again when it exits)
        session.close()
        db.engine().dispose()
        sys.stdout.flush()
        sys.stderr.flush()
    with ProcessPoolExecutor(
        max_workers=max(1, workers),
        mp_context=multiprocessing.get_context(method),
        initializer=_init_worker,
        initargs=(config,),
    ) as pool:
        futures: set[Future[list[ItemResult | None]]] = {
            pool.submit(_run_items, chunk) for chunk in chunked(pending, workers)
        }
        try:
            while futures:
                finished, futures = wait(
                    futures, timeout=HEARTBEAT_EVERY, return_when=FIRST_COMPLETED
                )
                for result in _results(finished, job_id):
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
                    ops.beat(driver, job_id)
                    last_beat = now
                # at most a few times a second (and after the last item): the progress query
                # runs on the cores the workers render on
                if on_progress is not None and (
                    not futures or now - last_progress >= PROGRESS_EVERY
                ):
                    on_progress(ops.job_progress(session, job_id))
                    last_progress = now
                driver.commit()
        except BrokenProcessPool:
            log.warning("job %s: a worker process died; rebuilding the pool", job_id)
            driver.rollback()
            for future in futures:
                future.cancel()
            return True
        except KeyboardInterrupt:
            for future in futures:
                future.cancel()
            pool.shutdown(wait=True, cancel_futures=True)
            raise
    return False


def _results(finished: set[Future[list[ItemResult | None]]], job_id: int) -> list[ItemResult]:
    results: list[ItemResult] = []
    for future in finished:
        try:
            chunk = future.result()
        except BrokenProcessPool:
            raise
        except Exception:  # its items stay pending; reported, the rest goes on
            log.exception("job %s: a chunk of items raised outside its own handling", job_id)
            continue
        results.extend(result for result in chunk if result is not None)
    return results
