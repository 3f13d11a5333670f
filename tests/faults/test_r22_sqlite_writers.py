"""R22: SQLite under 20 parallel writers. Twenty applicants, each in a thread of its own with
its own browser (test client) on one app and one SQLite file – as a threaded server runs –
start an application, save every step of the draft and submit, released together by a
barrier at each stage so their write transactions collide. All twenty land; nobody sees
"database is locked" or any other error (WAL + busy timeout in service/db.py)."""

from __future__ import annotations

import logging
import re
import shutil
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from service import db
from service.domain.states import ApplicationState
from service.models import Application, OutboxMail

from ..web.apply_helpers import AIF_STEPS, csrf, fill_all, mails, make_app, start

WRITERS = 20


@pytest.fixture
def sqlite_app(_sqlite_template: Path, tmp_path: Path) -> Iterator[Flask]:
    path = tmp_path / "shared.sqlite3"
    shutil.copyfile(_sqlite_template, path)
    app = make_app(f"sqlite:///{path}", tmp_path)
    yield app
    with app.app_context():
        db.engine().dispose()


def _applicant(app: Flask, barrier: threading.Barrier, number: int) -> tuple[int, int]:
    client = app.test_client()
    steps = dict(AIF_STEPS)
    steps["projekt"] = dict(AIF_STEPS["projekt"], title=f"Demokratiefest {number:02d}")
    barrier.wait()
    step1 = start(client)
    review_url = fill_all(client, step1, steps)  # five draft saves, each a write
    review = client.get(review_url).get_data(as_text=True)
    found = re.search(r'name="idempotency_key" value="(\w+)"', review)
    assert found is not None, review[:2000]
    barrier.wait()
    response = client.post(
        review_url.replace("pruefen", "einreichen"),
        data={"csrf_token": csrf(review), "idempotency_key": found.group(1)},
    )
    return int(review_url.split("/")[-2]), response.status_code


def test_twenty_parallel_applicants_all_land_and_nobody_sees_a_locked_database(
    sqlite_app: Flask, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    barrier = threading.Barrier(WRITERS, timeout=120)
    with (
        caplog.at_level(logging.WARNING),
        ThreadPoolExecutor(max_workers=WRITERS) as pool,
    ):
        futures = [pool.submit(_applicant, sqlite_app, barrier, n) for n in range(WRITERS)]
        # .result() re-raises what a thread met: a 503/500 page fails the helpers' asserts
        results: list[tuple[int, Any]] = [future.result(timeout=300) for future in futures]

    assert [status for _id, status in results] == [302] * WRITERS
    assert "database is locked" not in caplog.text
    assert "database unavailable" not in caplog.text
    with sqlite_app.app_context():
        session = db.session()
        ids = [app_id for app_id, _status in results]
        submitted = session.scalars(select(Application).where(Application.id.in_(ids))).all()
        assert len(submitted) == WRITERS
        assert {a.state for a in submitted} == {ApplicationState.submitted}
        assert len({a.reference for a in submitted}) == WRITERS  # one file number each
        assert sorted(a.title for a in submitted) == [
            f"Demokratiefest {n:02d}" for n in range(WRITERS)
        ]
        outbox = session.scalars(select(OutboxMail)).all()
        assert len(outbox) == WRITERS
        assert all(row.sent_at is not None for row in outbox)
    assert len(mails(tmp_path)) == WRITERS
