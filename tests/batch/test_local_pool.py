"""The local worker pool: a worker starts its LibreOffice before the first item arrives and
stops it itself when the pool lets it go; items go out in chunks that shrink towards the
end; workers are forked only from a single-threaded process."""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from concurrent.futures import ProcessPoolExecutor

import pytest

from service import create_app
from service.batch import local
from service.batch.local import MAX_CHUNK, chunked, start_method, worker_config
from service.models.migrate import upgrade
from service.pdf import get_converter

from ..conftest import require_tools
from ..documents.test_pdf_conversion import group_alive, pid_alive


def _office_of_this_worker() -> tuple[int, int, int]:
    """(worker pid, helper pid, LibreOffice process group) once the warm-up has started it –
    without converting anything."""
    converter = get_converter()
    deadline = time.monotonic() + 60
    while converter.process_ids is None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert converter.process_ids is not None, "the worker did not start LibreOffice"
    assert converter.starts == 1
    return (os.getpid(), *converter.process_ids)


@pytest.mark.libreoffice
@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_a_worker_warms_up_its_libreoffice_and_stops_it_when_it_leaves(tmp_path, method):
    require_tools("soffice")
    url = f"sqlite:///{tmp_path / 'foerderwerk.sqlite3'}"
    upgrade(url)
    app = create_app({"DATABASE_URL": url, "STORAGE_PATH": str(tmp_path / "documents")})
    with ProcessPoolExecutor(
        max_workers=1,
        mp_context=multiprocessing.get_context(method),
        initializer=local._init_worker,
        initargs=(worker_config(app),),
    ) as pool:
        worker, helper, group = pool.submit(_office_of_this_worker).result(timeout=120)
    assert worker != os.getpid()
    # gone when the worker is: stopped by the worker on its way out, not found orphaned
    # later by the helper's watch
    assert not pid_alive(helper)
    assert not group_alive(group)


def test_chunks_cover_every_item_once_in_order_and_shrink_to_single_items():
    items = list(range(1000, 1300))
    chunks = chunked(items, 2)
    assert [item for chunk in chunks for item in chunk] == items
    sizes = [len(chunk) for chunk in chunks]
    assert max(sizes) == MAX_CHUNK
    assert sizes == sorted(sizes, reverse=True)
    assert sizes[-8:] == [1] * 8
    assert chunked([], 2) == []
    assert chunked([7], 4) == [[7]]


def test_workers_are_forked_only_while_no_other_thread_runs(monkeypatch):
    monkeypatch.setattr(threading, "active_count", lambda: 1)
    assert start_method() == "fork"
    monkeypatch.setattr(threading, "active_count", lambda: 2)
    assert start_method() == "spawn"
