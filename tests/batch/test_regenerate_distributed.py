"""Distributed regeneration end to end: two ``foerderwerk worker`` processes on the machine's
Redis and PostgreSQL, each in a temporary folder of its own, documents in the database
(issue 8: nothing can pass through a shared local folder). One worker is killed with SIGKILL
mid-batch and started again; every notice is rendered exactly once. And with Redis down
while queueing, the job is kept and sent later (R22)."""

from __future__ import annotations

import os
import subprocess
import uuid
from pathlib import Path

import pytest
import redis
from sqlalchemy import func, select

from service.domain.states import ItemState, JobState
from service.models import BatchItem, BatchJob, Document, DocumentBlob
from service.models.migrate import upgrade
from service.operations.regeneration import DRAFT_DOCX, DRAFT_PDF

from ..conftest import _pg_url, require_service, require_tools
from .support import (
    FOERDERWERK,
    done_items,
    engine,
    environment,
    kill_hard,
    pause,
    resume,
    seed,
    start,
    wait_until,
)

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.libreoffice]

NOTICES = 40
REDIS_DB = 13  # a database of its own on the machine's Redis, emptied by the test


@pytest.fixture
def cluster(tmp_path, _postgres_databases):
    require_service("Redis", "127.0.0.1", 6379)
    require_tools("soffice")
    name = _postgres_databases.create()
    url = _pg_url(name)
    upgrade(url)
    broker = f"redis://127.0.0.1:6379/{REDIS_DB}"
    client = redis.Redis.from_url(broker)
    client.flushdb()
    yield url, broker, tmp_path
    client.flushdb()
    client.close()
    _postgres_databases.drop(name)


def _env(url, workdir, broker, **extra):
    return environment(
        url,
        workdir,
        FOERDERWERK_STORAGE="database",
        FOERDERWERK_CELERY_BROKER=broker,
        FOERDERWERK_CELERY_VISIBILITY_TIMEOUT="8",
        FOERDERWERK_CELERY_STALL_TIMEOUT="10",
        **extra,
    )


def _worker(url, broker, workdir, log):
    return start(["worker", "--concurrency", "1"], _env(url, workdir, broker), log)


def _run(args, env, timeout=600):
    return subprocess.run(  # our own command
        [FOERDERWERK, *args], env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


def _files(folder):
    # os.walk, not rglob: the LibreOffice work folder of the killed worker may vanish while
    # we look (its helper removes it), and os.walk skips a folder that is gone
    return [Path(root) / name for root, _dirs, names in os.walk(folder) for name in names]


@pytest.mark.timeout(900)
def test_two_workers_one_killed_mid_batch_every_notice_rendered_exactly_once(cluster):
    url, broker, tmp_path = cluster
    seed(url, NOTICES, STORAGE="database")
    eng = engine(url)
    workers = {
        "a": _worker(
            url, broker, tmp_path / f"worker-a-{uuid.uuid4().hex[:6]}", tmp_path / "a.log"
        ),
        "b": _worker(
            url, broker, tmp_path / f"worker-b-{uuid.uuid4().hex[:6]}", tmp_path / "b.log"
        ),
    }
    restarted = watch = None
    try:
        send = _run(
            ["notices", "regenerate", "--fund", "MASSE-2026", "--no-wait"],
            _env(url, tmp_path / "coordinator", broker),
        )
        assert send.returncode == 0, send.stdout + send.stderr
        assert f"{NOTICES} Aufgaben an die Worker übergeben." in send.stdout

        wait_until(lambda: done_items(eng) >= 8, 600, "the first rendered items")
        kill_hard(workers["a"])
        # Worker b waits until the coordinator has adopted the job: rendering 0.1 s per
        # notice, it would otherwise finish what is left before a new coordinator has
        # started, and there would be nothing left to adopt.
        pause(workers["b"])
        killed_at = done_items(eng)
        assert killed_at < NOTICES, "the kill came too late to test anything"

        # the coordinator again: it adopts the job (its first driver is gone), sends what is
        # pending once more and watches until every item is done
        watch_log = tmp_path / "coordinator-2.log"
        watch = start(
            ["notices", "regenerate", "--fund", "MASSE-2026"],
            _env(url, tmp_path / "coordinator-2", broker),
            watch_log,
        )
        try:
            wait_until(
                lambda: (
                    "wird fortgesetzt" in watch_log.read_text(encoding="utf-8")
                    or watch.poll() is not None
                ),
                300,
                "the coordinator adopting the job",
            )
        finally:
            resume(workers["b"])
        restarted = _worker(
            url, broker, tmp_path / f"worker-a2-{uuid.uuid4().hex[:6]}", tmp_path / "a2.log"
        )
        returncode = watch.wait(timeout=600)
        output = watch_log.read_text(encoding="utf-8")
        assert returncode == 0, output
        assert "wird fortgesetzt" in output
    finally:
        for process in [*workers.values(), restarted, watch]:
            if process is not None:
                kill_hard(process)

    with eng.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(BatchJob)) == 1
        assert connection.scalar(select(BatchJob.state)) is JobState.done
        items = connection.execute(
            select(BatchItem.state, BatchItem.attempts, BatchItem.worker)
        ).all()
        assert len(items) == NOTICES
        assert {item.state for item in items} == {ItemState.done}
        assert {item.attempts for item in items} == {1}
        # both machines' workers did part of the job
        assert len({item.worker for item in items}) >= 2
        for kind in (DRAFT_PDF, DRAFT_DOCX):
            rows = connection.execute(
                select(Document.number, func.count())
                .where(Document.kind == kind)
                .group_by(Document.number)
            ).all()
            assert len(rows) == NOTICES
            assert {count for _number, count in rows} == {1}
        # every document's bytes are in the database …
        missing = connection.scalar(
            select(func.count())
            .select_from(Document)
            .where(~Document.file_sha256.in_(select(DocumentBlob.sha256)))
        )
        assert missing == 0
    eng.dispose()
    # … and none in any process's own folder
    assert not [p for p in _files(tmp_path) if "documents" in p.parts]


@pytest.mark.timeout(300)
def test_with_redis_down_while_queueing_the_job_is_kept_and_sent_when_it_is_back(cluster):
    url, broker, tmp_path = cluster
    seed(url, 3, STORAGE="database")
    down = "redis://127.0.0.1:1/0"  # nothing listens there

    failed = _run(
        ["notices", "regenerate", "--fund", "MASSE-2026"],
        _env(url, tmp_path / "first", down),
        timeout=120,
    )

    assert failed.returncode == 75, failed.stdout + failed.stderr
    assert "Die Auftragswarteschlange (Redis) ist nicht erreichbar." in failed.stderr
    eng = engine(url)
    with eng.connect() as connection:
        assert connection.scalar(select(BatchJob.state)) is JobState.running
        pending = connection.scalar(
            select(func.count()).select_from(BatchItem).where(BatchItem.state == ItemState.pending)
        )
        assert pending == 3
    eng.dispose()

    again = _run(
        ["notices", "regenerate", "--fund", "MASSE-2026", "--no-wait"],
        _env(url, tmp_path / "second", broker),
        timeout=120,
    )

    assert again.returncode == 0, again.stdout + again.stderr
    assert "wird fortgesetzt" in again.stdout
    assert "3 Aufgaben an die Worker übergeben." in again.stdout
    assert redis.Redis.from_url(broker).llen("foerderwerk") == 3
