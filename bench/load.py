"""Benchmark: deadline-day load (R27) – applicants submitting with 5 MB uploads while a batch
regenerates notices. A benchmark, not a test: it prints figures and whether the targets were
met; tests/bench/test_load_smoke.py only keeps it from rotting.

Run:  .venv/bin/python bench/load.py [--users 100] [--duration 180] [--upload-mb 5]
                                     [--notices 300] [--web-workers N] [--web-threads 1]
                                     [--think 10]
                                     [--database-url postgresql+psycopg://…/scratch]

What it does, all on loopback and bounded in time (duration + about 2 minutes):

1. a temporary instance: SQLite, document, upload and mail folders in a temporary directory
   (``--database-url`` points it at an EMPTY scratch PostgreSQL database instead – the demo is
   loaded into it and the submissions stay there); ``foerderwerk db upgrade`` and
   ``foerderwerk demo --notices N`` (the demo plus N approved applications with draft notices
   in fund MASSE-2026); "today" pinned to 2026-02-20, when the demo's AIF-2026 fund accepts
   applications for its session of 10 March;
2. ``foerderwerk serve`` (gunicorn) on a free port of 127.0.0.1, and as soon as it answers
   ``/healthz``, the batch ``foerderwerk notices regenerate --fund MASSE-2026 --workers 1`` in a
   process of its own;
3. locust, headless, in a process of its own (gevent stays out of this one) with
   bench/locustfile.py: ``--users`` applicants, each with its own cookies, going again and again
   through the whole application – partnership page, start, five steps with CSRF tokens and
   varied valid entries, a ``--upload-mb`` PDF on the declarations step, review, submit,
   receipt – with ``--think`` seconds (mean, uniform ±50 %) between pages; after ``--duration``
   seconds no new page starts and running ones get up to 30 s to finish. The default of 10 s
   has each of the 100 applicants go through one whole application with its upload within the
   3 minutes – 100 submissions, as the deadline-day scenario says (R27); people take minutes
   per step, so this is still a crowd in a hurry. ``--think 1`` is a stress test instead: each
   client then asks for an application every 17 s, six times that load;
4. the batch and the server are stopped (also on Ctrl-C or an error: every process this script
   starts runs in a process group of its own and the whole group is ended), then the database
   is checked: every submission whose receipt a client saw exists exactly once, submitted.

Errors are: any answer other than 2xx/3xx, a connection error, a POST that does not redirect
where the wizard goes next (a step re-rendered with errors), and a submission that did not end
on its receipt. Targets: 0 errors, no lost submission, form submit POSTs p95 < 150 ms.

``--json FILE`` writes the figures as JSON as well (the smoke test reads them).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import math
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
TODAY = "2026-02-20"
SEED_FUND = "MASSE-2026"
SUBMIT_TARGET_MS = 150.0
# seconds running locust users get to finish their current application after --duration
STOP_TIMEOUT = 30


# -- the upload -----------------------------------------------------------------------------


def make_pdf(size: int) -> bytes:
    """A valid, unencrypted one-page PDF of about ``size`` bytes: the bulk is an uncompressed
    RGB image (as a scanned offer would be), which the upload check parses but does not
    decode – a 5 MB content stream of text would measure pypdf's text extraction instead."""
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject, NumberObject

    writer = PdfWriter()
    page = writer.add_blank_page(595, 842)
    width = 1024
    height = max(1, size // (width * 3))
    row = bytes((i * 7) % 256 for i in range(width * 3))
    image = DecodedStreamObject()
    image.set_data(row * height)
    image.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Image"),
            NameObject("/Width"): NumberObject(width),
            NameObject("/Height"): NumberObject(height),
            NameObject("/ColorSpace"): NameObject("/DeviceRGB"),
            NameObject("/BitsPerComponent"): NumberObject(8),
        }
    )
    resources = DictionaryObject(
        {NameObject("/XObject"): DictionaryObject({NameObject("/Im1"): writer._add_object(image)})}
    )
    page[NameObject("/Resources")] = resources
    content = DecodedStreamObject()
    content.set_data(b"q 595 0 0 842 0 0 cm /Im1 Do Q\n")
    page[NameObject("/Contents")] = writer._add_object(content)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# -- processes --------------------------------------------------------------------------------


class Processes:
    """Every process started here, each the leader of its own process group; ``stop_all``
    ends the groups (SIGTERM, then SIGKILL after a grace period) – gunicorn's workers, the
    batch's pool and their LibreOffice children go with their leader's group."""

    def __init__(self) -> None:
        self.running: list[tuple[str, subprocess.Popen[bytes]]] = []

    def start(self, name: str, argv: Sequence[str], env: dict[str, str], log: Path) -> Any:
        handle = open(log, "wb")  # noqa: SIM115 – closed with the process
        process = subprocess.Popen(
            list(argv), env=env, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.running.append((name, process))
        return process

    def stop(self, process: subprocess.Popen[bytes], grace: float = 20.0) -> None:
        table = _processes()
        below = {(pid, table[pid][2]) for pid in descendants(process.pid, table) - {process.pid}}
        if process.poll() is None:
            _signal_group(process, signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(grace)
        # the leader may be gone while children of its group live on (a LibreOffice)
        _signal_group(process, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(5)
        # whatever of the tree seen before is still there (a LibreOffice in its own session
        # whose parent was killed), by its id and start time: only processes started here
        now = _processes()
        for pid, start in below:
            if pid in now and now[pid][2] == start:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)

    def stop_all(self) -> None:
        for _name, process in reversed(self.running):
            self.stop(process, grace=10.0)
        self.running.clear()


def _processes() -> dict[int, tuple[int, float, int]]:
    """Every process of the machine: pid → (parent pid, CPU seconds of it and of its reaped
    children, start time in ticks after boot), from /proc (Linux)."""
    ticks = os.sysconf("SC_CLK_TCK")
    found: dict[int, tuple[int, float, int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # gone meanwhile
        fields = stat[stat.rindex(")") + 2 :].split()
        # after the name: state ppid pgrp session tty tpgid flags minflt cminflt majflt
        # cmajflt utime stime cutime cstime priority nice threads itrealvalue starttime
        cpu = sum(int(value) for value in fields[11:15]) / ticks
        found[int(entry.name)] = (int(fields[1]), cpu, int(fields[19]))
    return found


def descendants(pid: int, table: dict[int, tuple[int, float, int]] | None = None) -> set[int]:
    """``pid`` and every process below it – also LibreOffice, which the converter starts in a
    session of its own, so the process group alone would miss it."""
    table = table if table is not None else _processes()
    children: dict[int, list[int]] = defaultdict(list)
    for child, (parent, _cpu, _start) in table.items():
        children[parent].append(child)
    found, todo = set(), [pid]
    while todo:
        current = todo.pop()
        if current in table and current not in found:
            found.add(current)
            todo.extend(children[current])
    return found


def tree_cpu(pid: int) -> float:
    """CPU seconds used so far by ``pid``'s process tree (reaped children included)."""
    table = _processes()
    return sum(table[member][1] for member in descendants(pid, table))


def machine_cpu() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot, from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    ticks = os.sysconf("SC_CLK_TCK")
    idle = values[3] + values[4]  # idle + iowait
    return (sum(values[:8]) - idle) / ticks, sum(values[:8]) / ticks


def _signal_group(process: subprocess.Popen[bytes], sig: int) -> None:
    # the group's id is the leader's pid (start_new_session)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, sig)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_healthy(url: str, server: subprocess.Popen[bytes], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("the server stopped during start-up (see serve.log)")
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=5) as answer:  # noqa: S310
                if answer.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.3)
    raise RuntimeError(f"the server did not answer /healthz within {seconds:.0f} s")


def _run(argv: Sequence[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    result = subprocess.run(list(argv), env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(argv[1:])} failed:\n{result.stdout}\n{result.stderr}")
    return time.perf_counter() - started


# -- the database: batch progress and the submissions ----------------------------------------


class Database:
    def __init__(self, url: str) -> None:
        from sqlalchemy import create_engine

        sys.path.insert(0, str(ROOT))
        self.engine = create_engine(url)

    def batch(self) -> dict[str, Any] | None:
        """The newest regeneration job: total, done, failed, state."""
        from sqlalchemy import func, select
        from sqlalchemy.orm import Session

        from service.models.batch import BatchItem, BatchJob, ItemState

        with Session(self.engine) as session:
            job = session.scalars(select(BatchJob).order_by(BatchJob.id.desc()).limit(1)).first()
            if job is None:
                return None
            counts = dict(
                session.execute(
                    select(BatchItem.state, func.count())
                    .where(BatchItem.job_id == job.id)
                    .group_by(BatchItem.state)
                ).all()
            )
            return {
                "total": job.total,
                "done": counts.get(ItemState.done, 0),
                "failed": counts.get(ItemState.failed, 0),
                "state": str(job.state.value if hasattr(job.state, "value") else job.state),
            }

    def submitted_ids(self) -> set[int]:
        from sqlalchemy import select
        from sqlalchemy.orm import Session

        from service.models import Application

        with Session(self.engine) as session:
            query = select(Application.id).where(Application.submitted_at.is_not(None))
            return set(session.scalars(query))

    def verify(self, confirmed: list[dict[str, Any]], before: set[int]) -> dict[str, Any]:
        """Every confirmed submission exactly once in the database, submitted, under the
        reference and idempotency key its receipt showed."""
        from sqlalchemy import func, select
        from sqlalchemy.orm import Session

        from service.models import Application

        problems: list[str] = []
        references = [c["reference"] for c in confirmed]
        with Session(self.engine) as session:
            rows = session.execute(
                select(
                    Application.id,
                    Application.reference,
                    Application.idempotency_key,
                    Application.submitted_at,
                ).where(Application.submitted_at.is_not(None))
            ).all()
            by_reference: dict[str, list[Any]] = defaultdict(list)
            for row in rows:
                by_reference[str(row.reference)].append(row)
            duplicate_keys = session.execute(
                select(Application.idempotency_key, func.count())
                .where(Application.idempotency_key.is_not(None))
                .group_by(Application.idempotency_key)
                .having(func.count() > 1)
            ).all()
        for seen in confirmed:
            found = by_reference.get(seen["reference"], [])
            if len(found) != 1:
                problems.append(f"{seen['reference']}: {len(found)} submitted rows")
            elif (
                found[0].id != seen["app_id"] or found[0].idempotency_key != seen["idempotency_key"]
            ):
                problems.append(f"{seen['reference']}: another application or key")
        if len(set(references)) != len(references):
            problems.append("one reference on several receipts")
        problems += [f"idempotency key {key} on {n} applications" for key, n in duplicate_keys]
        mails = self._receipt_mails(references)
        for reference in references:
            if reference not in mails:
                problems.append(f"{reference}: no receipt e-mail sent by the end of the run")
        return {
            "confirmed": len(confirmed),
            # the demo's own submitted applications do not count
            "submitted_in_database": sum(1 for row in rows if row.id not in before),
            # receipt mails sent (by the servers' background senders) and those with the PDF
            "receipts_sent": sum(1 for r in references if r in mails),
            "receipts_with_pdf": sum(1 for r in references if mails.get(r)),
            "problems": problems,
        }

    def _receipt_mails(self, references: list[str]) -> dict[str, bool]:
        """Reference → whether its sent receipt mail carries the application PDF."""
        from sqlalchemy import select
        from sqlalchemy.orm import Session

        from service.models import OutboxMail

        wanted = set(references)
        found: dict[str, bool] = {}
        with Session(self.engine) as session:
            for subject, attachments in session.execute(
                select(OutboxMail.subject, OutboxMail.attachments).where(
                    OutboxMail.sent_at.is_not(None)
                )
            ):
                for word in subject.split():
                    if word in wanted:
                        found[word] = bool((attachments or {}).get("items"))
        return found

    def close(self) -> None:
        self.engine.dispose()


# -- figures ------------------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile of ``values`` (ms)."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(share * len(ordered)))
    return ordered[rank - 1]


def _groups(samples: list[list[Any]]) -> dict[str, list[float]]:
    groups: dict[str, list[float]] = defaultdict(list)
    for name, _start, ms, _ok in samples:
        groups[name].append(ms)
        if name.startswith("POST step "):
            groups["= step POSTs (5 steps)"].append(ms)
        if name.startswith("POST step ") or name == "POST submit":
            # "form submit POSTs": every POST of a filled form – the five steps and the submit
            groups["= form submit POSTs (5 steps + submit)"].append(ms)
        if name.startswith("GET "):
            groups["= all GET pages"].append(ms)
    return groups


def _order(name: str) -> tuple[int, str]:
    order = ["GET partnership", "POST start", "antragsteller", "projekt", "kosten"]
    order += ["finanzierung", "upload", "erklaerungen", "review", "submit", "receipt", "="]
    for index, part in enumerate(order):
        if part in name:
            return index, name
    return len(order), name


def summarize(
    result: dict[str, Any], load_seconds: float, batch: dict[str, Any], verify: dict[str, Any]
) -> dict[str, Any]:
    samples = result["samples"]
    errors = sum(1 for sample in samples if not sample[3])
    groups = _groups(samples)
    pages = {
        name: {
            "count": len(values),
            "p50": percentile(values, 0.50),
            "p95": percentile(values, 0.95),
            "p99": percentile(values, 0.99),
            "max": max(values),
        }
        for name, values in sorted(groups.items(), key=lambda item: _order(item[0]))
    }
    started = [sample[1] for sample in samples]
    span = (max(started) - min(started)) if len(started) > 1 else load_seconds
    form_posts = pages.get("= form submit POSTs (5 steps + submit)", {})
    return {
        "requests": len(samples),
        "errors": errors,
        "failures": result["failures"],
        "flows": result["flows"],
        "seconds": span,
        "requests_per_second": len(samples) / span if span else math.nan,
        "pages": pages,
        "batch": batch,
        "verify": verify,
        "form_post_p95": form_posts.get("p95", math.nan),
        "submit_p95": pages.get("POST submit", {}).get("p95", math.nan),
        "step_post_p95": pages.get("= step POSTs (5 steps)", {}).get("p95", math.nan),
    }


def print_summary(figures: dict[str, Any], setup: dict[str, Any]) -> None:
    line = "-" * 78
    print(line)
    print(
        f"Deadline-day load: {setup['users']} applicants, {setup['duration']} s, "
        f"{setup['upload_mb']} MB upload, think {setup['think']} s, "
        f"{setup['web_workers']} gunicorn workers × {setup['web_threads']} threads, "
        f"{setup['database']}"
    )
    print(
        f"load average at start {setup['load_start']}, at end {setup['load_end']}; "
        f"cores {os.cpu_count()}"
    )
    print(line)
    print(f"{'page':42} {'n':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    for name, page in figures["pages"].items():
        print(
            f"{name:42} {page['count']:6d} {page['p50']:8.0f} {page['p95']:8.0f} "
            f"{page['p99']:8.0f} {page['max']:8.0f}"
        )
    print(line)
    flows = figures["flows"]
    print(
        f"requests: {figures['requests']} in {figures['seconds']:.0f} s = "
        f"{figures['requests_per_second']:.1f}/s; applications started {flows['started']}, "
        f"submitted with receipt {flows['completed']}"
    )
    print(f"errors: {figures['errors']}")
    for message, count in sorted(figures["failures"].items(), key=lambda item: -item[1])[:10]:
        print(f"  {count:5d} × {message}")
    batch = figures["batch"]
    if batch.get("total"):
        print(
            f"batch MASSE-2026: {batch['done']} of {batch['total']} notices during the load "
            f"({batch['failed']} failed, state {batch['state']}), "
            f"{batch['rate']:.2f} documents/s over {batch['seconds']:.0f} s"
        )
    else:
        print("batch MASSE-2026: no job found")
    cpu = figures["cpu"]
    print(
        f"CPU seconds over the {cpu['window']:.0f} s of load ({cpu['capacity']:.0f} available, "
        f"{cpu['busy']:.0f} used): web server {cpu['server']:.0f} (gunicorn, upload checks, "
        f"LibreOffice for the receipts' PDFs), batch {cpu['batch']:.0f}, load generator "
        f"{cpu['client']:.0f}, other processes of the machine {cpu['other']:.0f}"
    )
    verify = figures["verify"]
    print(
        f"submissions: {verify['confirmed']} confirmed to clients, "
        f"{verify['submitted_in_database']} submitted in the database (more = a submit in "
        f"flight when the load stopped); receipt e-mails sent {verify['receipts_sent']}, "
        f"{verify['receipts_with_pdf']} with the application PDF; "
        f"problems: {len(verify['problems'])}"
    )
    for problem in verify["problems"][:10]:
        print(f"  {problem}")
    print(line)
    lost = len(verify["problems"])
    errors = figures["errors"]
    print(f"errors            : {errors:8d}   target 0        {_met(errors == 0)}")
    print(f"lost submissions  : {lost:8d}   target 0        {_met(lost == 0)}")
    p95 = figures["form_post_p95"]
    print(
        f"form submit p95   : {p95:8.0f} ms target < 150 ms {_met(p95 < SUBMIT_TARGET_MS)}"
        f"   (5 step POSTs p95 {figures['step_post_p95']:.0f} ms, "
        f"final submit p95 {figures['submit_p95']:.0f} ms)"
    )


def _met(ok: bool) -> str:
    return "met" if ok else "MISSED"


def _load_average() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


# -- main ---------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--duration", type=int, default=180, help="seconds of load")
    parser.add_argument("--spawn-rate", type=float, default=10.0, help="users started per s")
    parser.add_argument("--upload-mb", type=float, default=5.0)
    parser.add_argument("--notices", type=int, default=300, help="notices for the batch")
    parser.add_argument("--web-workers", type=int, default=None, help="gunicorn workers")
    parser.add_argument("--web-threads", type=int, default=1, help="threads per worker")
    parser.add_argument("--think", type=float, default=10.0, help="mean s between pages")
    parser.add_argument("--database-url", default=None, help="an EMPTY scratch database")
    parser.add_argument("--json", dest="json_out", default=None, help="write figures here")
    args = parser.parse_args(argv)

    sys.path.insert(0, str(ROOT))
    from service.cli.serve import default_workers

    web_workers = args.web_workers or default_workers()
    processes = Processes()
    # Ctrl-C and SIGTERM both end in the finally below, which stops every process group
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    # also when started in the background by a shell, which leaves SIGINT ignored
    signal.signal(signal.SIGINT, signal.default_int_handler)
    load_start = _load_average()
    with tempfile.TemporaryDirectory(prefix="foerderwerk-load-") as folder:
        tmp = Path(folder)
        url = args.database_url or f"sqlite:///{tmp}/load.sqlite3"
        env = {k: v for k, v in os.environ.items() if not k.startswith("FOERDERWERK_")}
        env.update(
            FOERDERWERK_DATABASE_URL=url,
            FOERDERWERK_STORAGE_PATH=str(tmp / "documents"),
            FOERDERWERK_UPLOAD_PATH=str(tmp / "uploads"),
            FOERDERWERK_MAIL_FOLDER=str(tmp / "mail"),
            FOERDERWERK_TODAY=TODAY,
            FOERDERWERK_SECRET_KEY=secrets.token_urlsafe(48),
            # the applicants all come from 127.0.0.1 but stand for as many people at their
            # own addresses: the per-client limit on new drafts must not count them as one
            FOERDERWERK_RATELIMIT_DRAFTS_PER_CLIENT="1000000 per hour",
        )
        if args.database_url is None:
            env["FOERDERWERK_STORAGE"] = "folder"
        foerderwerk = str(BIN / "foerderwerk")
        database = Database(url)
        try:
            seconds = _run([foerderwerk, "db", "upgrade"], env)
            seconds += _run([foerderwerk, "demo", "--notices", str(args.notices)], env)
            print(
                f"instance in {tmp}: migrated, demo and {args.notices} notices in {seconds:.1f} s"
            )
            pdf = tmp / "upload.pdf"
            pdf.write_bytes(make_pdf(int(args.upload_mb * 1024 * 1024)))

            port = _free_port()
            host = f"http://127.0.0.1:{port}"
            server = processes.start(
                "serve",
                [
                    foerderwerk,
                    "serve",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--workers",
                    str(web_workers),
                    "--threads",
                    str(args.web_threads),
                    "--log-level",
                    "warning",
                ],
                env,
                tmp / "serve.log",
            )
            _wait_healthy(host, server, 60)
            batch_process = processes.start(
                "batch",
                [foerderwerk, "notices", "regenerate", "--fund", SEED_FUND, "--workers", "1"],
                env,
                tmp / "batch.log",
            )
            batch_started = time.monotonic()
            out = tmp / "locust.json"
            locust_env = dict(env, LOAD_PDF=str(pdf), LOAD_OUT=str(out), LOAD_THINK=str(args.think))
            print(
                f"serving {host} with {web_workers} workers; batch started; "
                f"{args.users} applicants for {args.duration} s (load average {load_start})"
            )
            submitted_before = database.submitted_ids()
            server_cpu = tree_cpu(server.pid)
            busy_before, total_before = machine_cpu()
            batch_cpu = 0.0
            load_started = time.monotonic()
            locust = processes.start(
                "locust",
                [
                    str(BIN / "locust"),
                    "-f",
                    str(ROOT / "bench" / "locustfile.py"),
                    "--headless",
                    "--only-summary",
                    "--users",
                    str(args.users),
                    "--spawn-rate",
                    str(args.spawn_rate),
                    "--run-time",
                    f"{args.duration}s",
                    "--stop-timeout",
                    str(STOP_TIMEOUT),
                    "--host",
                    host,
                    "--loglevel",
                    "WARNING",
                ],
                locust_env,
                tmp / "locust.log",
            )
            batch_done_at: float | None = None
            progress = database.batch() or {}
            while locust.poll() is None:
                if time.monotonic() - load_started > args.duration + STOP_TIMEOUT + 30:
                    processes.stop(locust)
                    raise RuntimeError("locust did not stop in time (see locust.log)")
                time.sleep(2)
                progress = database.batch() or progress
                if batch_done_at is None:
                    # its pool's processes are counted in it once it has reaped them
                    batch_cpu = tree_cpu(batch_process.pid) or batch_cpu
                    if batch_process.poll() is not None:
                        batch_done_at = time.monotonic()
            load_seconds = time.monotonic() - load_started
            busy_after, total_after = machine_cpu()
            server_cpu = tree_cpu(server.pid) - server_cpu
            if batch_done_at is None:
                batch_cpu = tree_cpu(batch_process.pid)
            batch_seconds = (batch_done_at or time.monotonic()) - batch_started
            progress = database.batch() or progress
            processes.stop(batch_process)  # resumable: an interrupted batch loses nothing
            processes.stop(server)
            load_end = _load_average()
            if not out.exists():
                raise RuntimeError(
                    "locust wrote no results:\n" + (tmp / "locust.log").read_text()[-3000:]
                )
            result = json.loads(out.read_text())
            batch = dict(progress, seconds=batch_seconds)
            batch["rate"] = batch.get("done", 0) / batch_seconds if batch_seconds else 0.0
            figures = summarize(
                result, load_seconds, batch, database.verify(result["confirmed"], submitted_before)
            )
            server_errors = [
                line
                for line in (tmp / "serve.log").read_text(errors="replace").splitlines()
                if '"level": "ERROR"' in line or "Traceback" in line
            ]
            figures["server_error_lines"] = len(server_errors)
            client_cpu = float(result.get("cpu_seconds", 0.0))
            busy = busy_after - busy_before
            figures["cpu"] = {
                "window": load_seconds,
                "capacity": total_after - total_before,
                "busy": busy,
                "server": server_cpu,
                "batch": batch_cpu,
                "client": client_cpu,
                "other": max(0.0, busy - server_cpu - batch_cpu - client_cpu),
            }
            setup = {
                "users": args.users,
                "duration": args.duration,
                "upload_mb": args.upload_mb,
                "think": args.think,
                "web_workers": web_workers,
                "web_threads": args.web_threads,
                "database": "PostgreSQL" if url.startswith("postgresql") else "SQLite",
                "load_start": load_start,
                "load_end": load_end,
            }
            print_summary(figures, setup)
            if server_errors:
                print(f"server log: {len(server_errors)} error lines, the first:")
                print("  " + server_errors[0][:400])
            if args.json_out:
                Path(args.json_out).write_text(json.dumps(dict(figures, setup=setup), indent=1))
            ok = figures["errors"] == 0 and not figures["verify"]["problems"]
            return 0 if ok else 1
        except KeyboardInterrupt:
            print("interrupted: stopping the server, the batch and locust", file=sys.stderr)
            return 130
        finally:
            processes.stop_all()
            database.close()


if __name__ == "__main__":
    sys.exit(main())
