"""Benchmark: batch regeneration of notices (issue 6), all three figures in ONE run.

Run:  .venv/bin/python bench/regenerate.py [--notices 300] [--sample 8] [--workers 2]

A fresh embedded instance (SQLite + document folder in a temporary directory) is seeded with
N approved applications and draft notices (``foerderwerk demo --notices N``: varied names,
plans of 3–10 lines). Then:

(a) naive pipeline, on a sample of the same notices: docxtpl loading the template for every
    document, and a cold ``soffice --convert-to pdf`` per file;
(b) our batch: ``foerderwerk notices regenerate --workers 2`` – plan, job, 2 worker
    processes with a warm LibreOffice each, DOCX + PDF/A registered in the document store;
    wall time of the whole command, interpreter and pool start included;
(c) the no-op re-run: plan again with nothing changed (every record skipped), and the whole
    ``foerderwerk notices regenerate`` command for comparison (its fixed start-up included).

Prints documents/s, the ratios and the peak memory per worker. Targets: (b) ≥ 15× (a);
(c) ≥ 1,000 records/s; peak memory per worker < 400 MB.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select  # noqa: E402

from service import create_app, db  # noqa: E402
from service.batch.work import item_uow  # noqa: E402
from service.i18n import BabelLocalizer  # noqa: E402
from service.models import BatchItem, Notice  # noqa: E402
from service.models.migrate import upgrade  # noqa: E402
from service.operations import regeneration as ops  # noqa: E402
from service.operations.seed import SEED_FUND, seed_notices  # noqa: E402
from service.pdf import convert_cold  # noqa: E402
from service.rendering.docx import load_manifest, render_naive  # noqa: E402


def _naive(app, sample: int) -> tuple[float, int]:
    """Seconds per document of the naive pipeline over ``sample`` seeded notices."""
    with app.app_context():
        session = db.session()
        notices = session.scalars(select(Notice).order_by(Notice.id).limit(sample)).all()
        prepared = [ops.prepare_record(session, n, BabelLocalizer()) for n in notices]
        session.rollback()
    manifest = load_manifest()
    started = time.perf_counter()
    for record in prepared:
        docx = render_naive(manifest.path(record.template), record.raw_context, record.meta)
        pdf = convert_cold(docx, pdfa=False)
        if not pdf.startswith(b"%PDF"):
            raise RuntimeError("the naive conversion produced no PDF")
    return (time.perf_counter() - started) / len(prepared), len(prepared)


def _ours(
    app, env: dict[str, str], workers: int
) -> tuple[float, int, list[tuple[float, float]], float, float]:
    """The command an administrator runs, timed from start to exit (interpreter start,
    plan, job, worker processes with their LibreOffice, every document registered); also the
    seconds until the first document was registered and the rate from then on."""
    foerderwerk = str(Path(sys.executable).with_name("foerderwerk"))
    wall_start = datetime.now(UTC)
    started = time.perf_counter()
    result = subprocess.run(
        [foerderwerk, "notices", "regenerate", "--fund", SEED_FUND, "--workers", str(workers)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise RuntimeError(result.stdout + result.stderr)
    done = re.search(r"(\d+) (?:erzeugt|rendered), 0 (?:fehlgeschlagen|failed)", result.stdout)
    if done is None:
        raise RuntimeError(result.stdout)
    # "… peak memory per worker 118 MB (Python) + 243 MB (LibreOffice)" (German or English)
    peaks = [
        (float(python), float(office))
        for python, office in re.findall(r"(\d+) MB \(Python\) \+ (\d+) MB", result.stdout)
    ]
    with app.app_context():
        first, last = (
            db.session()
            .execute(select(func.min(BatchItem.finished_at), func.max(BatchItem.finished_at)))
            .one()
        )
    start_up = (first - wall_start).total_seconds()
    steady = (int(done.group(1)) - 1) / max((last - first).total_seconds(), 1e-9)
    return seconds, int(done.group(1)), peaks, start_up, steady


def _noop(app, env: dict[str, str]) -> tuple[float, int, float]:
    scope = ops.Scope(fund=SEED_FUND)
    with app.app_context():
        uow = item_uow(app.config)  # German documents, as the batch renders them
        ops.plan_regeneration(uow, scope)  # warm: code fingerprint
        uow.rollback()
        started = time.perf_counter()
        plan = ops.plan_regeneration(uow, scope)
        job = ops.start_regeneration(uow, plan)
        uow.commit()
        seconds = time.perf_counter() - started
        if plan.to_render or job.total:
            raise RuntimeError("the re-run found something to render")
    foerderwerk = str(Path(sys.executable).with_name("foerderwerk"))
    started = time.perf_counter()
    result = subprocess.run(
        [foerderwerk, "notices", "regenerate", "--fund", SEED_FUND],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    command = time.perf_counter() - started
    if "Nichts zu erzeugen" not in result.stdout and "Nothing to render" not in result.stdout:
        raise RuntimeError(result.stdout)
    return seconds, len(plan.records), command


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notices", type=int, default=300)
    parser.add_argument("--sample", type=int, default=8, help="notices for the naive pipeline")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="foerderwerk-bench-") as folder:
        url = f"sqlite:///{folder}/bench.sqlite3"
        config = {"DATABASE_URL": url, "STORAGE_PATH": f"{folder}/documents", "STORAGE": "folder"}
        env = {k: v for k, v in os.environ.items() if not k.startswith("FOERDERWERK_")}
        env.update(
            FOERDERWERK_DATABASE_URL=url,
            FOERDERWERK_STORAGE_PATH=config["STORAGE_PATH"],
            FOERDERWERK_STORAGE="folder",
            # the naive pipeline runs at normal priority, so ours does too (a batch is niced
            # by default to yield to web requests; alone on the machine it makes no difference
            # apart from other tenants of a shared machine)
            FOERDERWERK_BACKGROUND_NICENESS="0",
        )
        upgrade(url)
        app = create_app(config)
        with app.app_context():
            uow = item_uow(app.config)
            seed_notices(uow, args.notices)
            uow.commit()
        print(
            f"{args.notices} approved applications with draft notices seeded; "
            f"cores: {os.cpu_count()}"
        )

        naive_per_doc, sampled = _naive(app, args.sample)
        naive_rate = 1 / naive_per_doc
        print(
            f"(a) naive (docxtpl per document + cold soffice): {naive_rate:6.2f} documents/s "
            f"({naive_per_doc:.2f} s each, sample of {sampled})"
        )

        seconds, done, peaks, start_up, steady = _ours(app, env, args.workers)
        ours_rate = done / seconds
        print(
            f"(b) our batch, {args.workers} workers, DOCX + PDF/A registered: "
            f"{ours_rate:6.2f} documents/s ({done} in {seconds:.1f} s; first document after "
            f"{start_up:.1f} s, then {steady:.2f} documents/s)"
        )

        noop_seconds, records, command = _noop(app, env)
        noop_rate = records / noop_seconds
        print(
            f"(c) no-op re-run: {noop_rate:8.0f} records/s ({records} records in "
            f"{noop_seconds * 1000:.0f} ms); the whole command incl. start-up: {command:.2f} s"
        )

        ratio = ours_rate / naive_rate
        print()
        print(
            f"throughput ratio (b)/(a): {ratio:5.1f}×   target ≥ 15×   "
            f"{'met' if ratio >= 15 else 'MISSED'}"
        )
        print(
            f"no-op re-run:            {noop_rate:5.0f}/s  target ≥ 1,000/s  "
            f"{'met' if noop_rate >= 1000 else 'MISSED'}"
        )
        for python_mb, office_mb in peaks:
            total = python_mb + office_mb
            print(
                f"peak memory per worker: {python_mb:.0f} MB Python + {office_mb:.0f} MB "
                f"LibreOffice = {total:.0f} MB   target < 400 MB   "
                f"{'met' if total < 400 else 'MISSED'}"
            )
        with app.app_context():
            db.engine().dispose()


if __name__ == "__main__":
    main()
