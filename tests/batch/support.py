"""Helpers for the batch tests that run ``foerderwerk`` as real processes."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import create_engine, func, pool, select
from sqlalchemy.engine import Engine

from service import create_app, db
from service.domain.states import ItemState
from service.models import BatchItem
from service.operations.seed import seed_notices
from tests.conftest import uow_on

FOERDERWERK = str(Path(sys.executable).with_name("foerderwerk"))


def environment(db_url: str, workdir: Path, **extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("FOERDERWERK_") and key not in ("TMPDIR", "HOME")
    }
    workdir.mkdir(parents=True, exist_ok=True)
    env.update(
        FOERDERWERK_DATABASE_URL=db_url,
        FOERDERWERK_STORAGE_PATH=str(workdir / "documents"),
        FOERDERWERK_UPLOAD_PATH=str(workdir / "uploads"),
        # every process gets a home and temporary folder of its own: nothing can pass
        # between them through a shared local folder
        HOME=str(workdir),
        TMPDIR=str(workdir),
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


def seed(db_url: str, count: int, **config: object) -> None:
    app = create_app({"DATABASE_URL": db_url, **config})
    with app.app_context():
        seed_notices(uow_on(db.session()), count)
        db.session().commit()
        db.engine().dispose()


def start(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """A ``foerderwerk`` process in a session of its own, so it can be killed whole."""
    with log.open("wb") as output:  # the child keeps its own copy of the descriptor
        return subprocess.Popen(
            [FOERDERWERK, *args],
            env=env,
            cwd=env["HOME"],
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def kill_hard(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL to the process and everything in its session (pool workers, LibreOffice)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    # LibreOffice runs in a process group of its own; its helper notices the dead parent
    for pid in _session_members(process.pid):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def pause(process: subprocess.Popen[bytes]) -> None:
    """SIGSTOP to everything in the process's session (its pool workers, LibreOffice)."""
    for pid in _session_members(process.pid):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGSTOP)


def resume(process: subprocess.Popen[bytes]) -> None:
    for pid in _session_members(process.pid):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGCONT)


def _session_members(sid: int) -> list[int]:
    members = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if os.getsid(int(entry.name)) == sid:
                    members.append(int(entry.name))
            except OSError:
                continue
    return members


def engine(db_url: str) -> Engine:
    return create_engine(db_url, poolclass=pool.NullPool)


def done_items(eng: Engine) -> int:
    with eng.connect() as connection:
        return int(
            connection.scalar(
                select(func.count()).select_from(BatchItem).where(BatchItem.state == ItemState.done)
            )
            or 0
        )


def wait_until(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")
