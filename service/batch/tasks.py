"""Distributed regeneration: Celery on Redis. The command (or the staff page) creates the job
in the database and sends one task per item; ``foerderwerk worker`` processes them on any
machine that reaches the database and the broker.

Late acknowledgement and reject-on-worker-lost: a task is acknowledged only after its item
is committed, so a worker killed mid-task leaves the message to be delivered again – and
the item step makes a second delivery a no-op (R21). Nothing passes between machines but
the database: documents go to the configured storage (the database backend on PostgreSQL).
"""

from __future__ import annotations

import logging
import os
import socket
from typing import Any

from celery import Celery
from flask import Flask
from kombu.exceptions import OperationalError as KombuOperationalError

log = logging.getLogger(__name__)

TASK_NAME = "foerderwerk.regenerate_item"
QUEUE = "foerderwerk"

celery_app = Celery("foerderwerk")


class QueueUnavailable(RuntimeError):
    """The broker cannot be reached: the job is saved and can be sent again later."""


def configure(broker: str, visibility_timeout: int) -> Celery:
    celery_app.conf.update(
        broker_url=broker,
        task_default_queue=QUEUE,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        task_ignore_result=True,
        worker_prefetch_multiplier=1,
        worker_hijack_root_logger=False,
        broker_connection_retry_on_startup=True,
        broker_connection_timeout=3,
        # Redis hands an unacknowledged message out again after this long
        broker_transport_options={"visibility_timeout": visibility_timeout},
        # fail fast when the broker is down while queueing: the job is in the database
        task_publish_retry_policy={
            "max_retries": 2,
            "interval_start": 0,
            "interval_step": 0.5,
            "interval_max": 1,
        },
    )
    return celery_app


def configure_from(config: dict[str, Any]) -> Celery:
    return configure(str(config["CELERY_BROKER"]), int(config["CELERY_VISIBILITY_TIMEOUT"]))


_apps: dict[int, Flask] = {}


def _worker_app() -> Flask:
    """The Flask app of this worker process, built once from the environment."""
    pid = os.getpid()
    if pid not in _apps:
        from ..app_factory import create_core_app

        _apps.clear()
        _apps[pid] = create_core_app()  # a worker needs no routes
    return _apps[pid]


# Celery ships no type information: its decorator is untyped
@celery_app.task(name=TASK_NAME, acks_late=True, reject_on_worker_lost=True, ignore_result=True)  # type: ignore[untyped-decorator]
def regenerate_item(item_id: int) -> str:
    from .work import item_uow, process_item

    app = _worker_app()
    with app.app_context():
        result = process_item(
            item_uow(app.config), item_id, worker=f"celery:{socket.gethostname()}:{os.getpid()}"
        )
    return result.outcome


def enqueue(item_ids: list[int]) -> None:
    """Send one task per item; raises :class:`QueueUnavailable` when the broker is down."""
    try:
        with celery_app.connection_for_write() as connection:
            connection.ensure_connection(max_retries=1, timeout=3)
            with celery_app.producer_or_acquire() as producer:
                for item_id in item_ids:
                    regenerate_item.apply_async((item_id,), producer=producer, retry=True)
    except (KombuOperationalError, OSError) as exc:
        raise QueueUnavailable(str(exc)) from exc


def queue_length() -> int | None:
    """Messages waiting in the broker's queue (Redis), None when it cannot be asked."""
    try:
        with celery_app.connection_for_read() as connection:
            client = connection.default_channel.client
            return int(client.llen(QUEUE))
    except Exception:  # the answer is advisory; the database decides what is done
        return None


def worker_argv(concurrency: int, loglevel: str = "INFO") -> list[str]:
    return [
        "worker",
        f"--concurrency={concurrency}",
        "--pool=prefork",
        f"--loglevel={loglevel}",
        f"--hostname=foerderwerk-{os.getpid()}@{socket.gethostname()}",
        f"--queues={QUEUE}",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
    ]
