"""One item of a regeneration job, as every runner executes it.

Two transactions: a read-only one that renders (DOCX, PDF/A – the slow part, with no lock
held), and a short one that claims the item and registers its documents. A delivery that
finds the item finished does nothing, so redelivered or duplicated tasks are harmless (R21).
"""

from __future__ import annotations

import logging
import os
import resource
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from ..models import BatchItem
from ..operations import regeneration as ops
from ..uow import Actor, PdfPort, UnitOfWork, build_uow

log = logging.getLogger(__name__)

DONE, NOOP, FAILED = "done", "noop", "failed"


@dataclass(frozen=True)
class ItemResult:
    item_id: int
    outcome: str  # done, noop (finished elsewhere / cancelled), failed
    worker: str
    peak_kb: int = 0  # this worker process's peak resident memory
    office_peak_kb: int = 0  # its LibreOffice's peak resident memory


def convert_pdf(
    docx: bytes, title: str, subject: str, author: str, *, watermark: str | None = None
) -> bytes:
    """PDF/A by this process's warm LibreOffice (one per worker process)."""
    from ..pdf import get_converter

    return get_converter().convert(
        docx, pdfa=True, title=title, subject=subject, author=author, watermark=watermark
    )


def item_uow(
    config: Mapping[str, Any], session: Session | None = None, pdf: PdfPort = convert_pdf
) -> UnitOfWork:
    """The unit of work of one batch item (one per item, never shared between items); a
    job's driver gets one of its own for its bookkeeping between the items (heartbeat,
    finishing the job)."""
    from .. import db
    from ..i18n import BabelLocalizer

    return build_uow(
        session if session is not None else db.session(),
        config,
        actor=Actor.system("batch"),
        localizer=BabelLocalizer(),
        pdf=pdf,
    )


def process_item(
    uow: UnitOfWork,
    item_id: int,
    worker: str | None = None,
    *,
    measure: bool = False,
) -> ItemResult:
    """Render and register one item in ``uow`` – its own unit of work. The unit commits more
    than once: the failure record and the registration are separate transactions."""
    worker = worker or ops.this_process()
    session = uow.session
    item = session.get(BatchItem, item_id)
    if item is None:
        session.rollback()
        return ItemResult(item_id, NOOP, worker)
    job_id = item.job_id
    try:
        rendered = ops.render_item(uow, item_id)
    except Exception as exc:  # one bad record does not stop the batch
        session.rollback()
        log.warning("batch item %s failed: %s", item_id, type(exc).__name__)
        if ops.fail_item(uow, item_id, ops.refusal_text(exc), worker):
            ops.finish_job_if_complete(uow, job_id)
        uow.commit()
        return _result(item_id, FAILED, worker, measure)
    # end the read transaction: on SQLite a reader that later writes could deadlock with
    # another worker's write; on PostgreSQL the claim below re-reads under its row lock
    session.rollback()
    if rendered is None:
        return _result(item_id, NOOP, worker, measure)
    try:
        if not ops.complete_item(uow, rendered, worker):
            session.rollback()
            return _result(item_id, NOOP, worker, measure)
        uow.commit()
    except Exception as exc:
        session.rollback()
        log.warning("batch item %s could not be registered: %s", item_id, type(exc).__name__)
        if ops.fail_item(uow, item_id, ops.refusal_text(exc), worker):
            ops.finish_job_if_complete(uow, job_id)
        uow.commit()
        return _result(item_id, FAILED, worker, measure)
    ops.finish_job_if_complete(uow, job_id)
    uow.commit()
    return _result(item_id, DONE, worker, measure)


def _result(item_id: int, outcome: str, worker: str, measure: bool) -> ItemResult:
    if not measure:
        return ItemResult(item_id, outcome, worker)
    return ItemResult(item_id, outcome, worker, peak_rss_kb(), office_peak_kb())


def peak_rss_kb() -> int:
    # ru_maxrss is in kilobytes on Linux
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def office_peak_kb() -> int:
    """Peak resident memory of this process's LibreOffice (its helper and every process in
    the office's process group), from /proc; 0 when no office runs."""
    from ..pdf import converter as converter_module

    converter = converter_module._converter
    if converter is None or converter_module._converter_pid != os.getpid():
        return 0
    ids = converter.process_ids
    if ids is None:
        return 0
    helper_pid, pgid = ids
    total = _hwm_kb(helper_pid)
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == helper_pid:
            continue
        try:
            if os.getpgid(int(entry.name)) == pgid:
                total += _hwm_kb(int(entry.name))
        except OSError:
            continue
    return total


def _hwm_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


ItemProcessor = Callable[[int], ItemResult]
