"""Benchmark: do pages stay fast while one client floods the check API? (issue 14: with 8
parallel clients posting large bodies, other people waited 6.7 s for a page). A benchmark,
not a test: it prints figures; tests/bench/test_flood_smoke.py only keeps it from rotting.

Run:  .venv/bin/python bench/flood.py [--seconds 20] [--connections 8] [--body-kb 1000]
                                      [--web-workers N] [--no-control] [--json FILE]

All on loopback, bounded in time (about 4 × --seconds + 30 s):

1. a temporary instance (SQLite, the demo partnership, "today" pinned to 2026-02-20) and
   ``foerderwerk serve`` (gunicorn, its default workers) on a free port of 127.0.0.1, with
   the default limits (memory store: each worker counts for itself);
2. *baseline*: one visitor at 127.0.0.1 loads the partnership's start page
   (``/p/boizenburg-luebtheen/``) again and again, 0.1 s apart, for --seconds;
3. *flood*: the same, while one client at 127.0.0.2 keeps --connections connections busy
   posting --body-kb of application JSON (cost lines; just under the 1 MB input limit, so
   every request that is let through is parsed whole – the most a request may cost) to
   ``POST /api/v1/check/application`` as fast as the server takes them, ignoring
   Retry-After. The flooding process runs at nice 10 above the servers, as if its CPU were
   elsewhere (``--priority -10``, as root, runs servers and visitor at nice -10: on a machine
   shared with other work this keeps that work from dominating the figures);
4. *control* (unless --no-control): steps 1–3 again on a second server whose check API limit
   is switched off (``FOERDERWERK_RATELIMIT_CHECK_API_PER_CLIENT=""``) – what the limit
   prevents.

Printed: page latency median and p95 in each phase and their ratio to the baseline of the same
server, measured in the same run; what the flood got (answers by status, refused unread);
the server's CPU seconds. Exit 1 when a page answered other than 200 or the server answered
5xx; the latency figures themselves are reported, not judged (the machine is shared).
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import secrets
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

# the helpers of the deadline-day benchmark, beside this file
from load import (
    BIN,
    ROOT,
    TODAY,
    Processes,
    _free_port,
    _run,
    _wait_healthy,
    percentile,
    tree_cpu,
)

PAGE = "/p/boizenburg-luebtheen/"
API = "/api/v1/check/application?fund=AIF-2026"
FLOOD_SOURCE = "127.0.0.2"  # the flooding client: another address than the visitor's
PROBE_PAUSE = 0.1


# -- the flooding client (run as a process of its own: --flood-worker) --------------------------


def flood_body(kilobytes: int) -> bytes:
    """An application with as many copies of its first cost line as fit in ``kilobytes``."""
    data = json.loads((ROOT / "tests" / "fixtures" / "application-aif.json").read_text())
    line = data["costs"][0]
    data["costs"] = []
    room = kilobytes * 1024 - len(json.dumps(data))
    data["costs"] = [line] * max(1, room // (len(json.dumps(line)) + 2))
    return json.dumps(data).encode()


def _flood_connection(
    port: int, body: bytes, stop_at: float, counts: Counter[str], lock: threading.Lock
) -> None:
    while time.monotonic() < stop_at:
        connection = http.client.HTTPConnection(
            "127.0.0.1", port, timeout=30, source_address=(FLOOD_SOURCE, 0)
        )
        try:
            connection.request("POST", API, body, {"Content-Type": "application/json"})
            answer = connection.getresponse()
            answer.read()
            outcome = str(answer.status)
        except (BrokenPipeError, ConnectionResetError):
            # the server answered (429) and closed before the whole body was sent
            outcome = "refused unread"
        except (TimeoutError, OSError) as exc:
            outcome = f"error {type(exc).__name__}"
        finally:
            connection.close()
        with lock:
            counts[outcome] += 1


def flood_worker(port: int, connections: int, body_kb: int, seconds: float, out: str) -> int:
    with contextlib.suppress(OSError):
        os.nice(10)
    body = flood_body(body_kb)
    counts: Counter[str] = Counter()
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds
    started = time.monotonic()
    threads = [
        threading.Thread(target=_flood_connection, args=(port, body, stop_at, counts, lock))
        for _ in range(connections)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    cpu = sum(os.times()[:2])
    Path(out).write_text(
        json.dumps(
            {"answers": dict(counts), "seconds": elapsed, "body_bytes": len(body), "cpu": cpu}
        )
    )
    return 0


# -- the visitor ----------------------------------------------------------------------------------


def probe(port: int, seconds: float) -> dict[str, Any]:
    """Load the start page again and again for ``seconds``: latencies (ms) and statuses."""
    latencies: list[float] = []
    statuses: Counter[str] = Counter()
    stop_at = time.monotonic() + seconds
    while time.monotonic() < stop_at:
        started = time.perf_counter()
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        try:
            connection.request("GET", PAGE)
            answer = connection.getresponse()
            answer.read()
            statuses[str(answer.status)] += 1
        except OSError as exc:
            statuses[f"error {type(exc).__name__}"] += 1
        finally:
            connection.close()
        latencies.append((time.perf_counter() - started) * 1000)
        time.sleep(PROBE_PAUSE)
    return {
        "count": len(latencies),
        "p50": percentile(latencies, 0.50),
        "p95": percentile(latencies, 0.95),
        "max": max(latencies) if latencies else float("nan"),
        "statuses": dict(statuses),
    }


# -- one server: baseline, then flood -------------------------------------------------------------


def measure(
    name: str,
    env: dict[str, str],
    args: argparse.Namespace,
    processes: Processes,
    tmp: Path,
) -> dict[str, Any]:
    port = _free_port()
    server = processes.start(
        f"serve {name}",
        [
            *(["nice", "-n", str(args.priority)] if args.priority else []),
            str(BIN / "foerderwerk"),
            "serve",
            "--bind",
            f"127.0.0.1:{port}",
            *(["--workers", str(args.web_workers)] if args.web_workers else []),
            "--log-level",
            "warning",
        ],
        env,
        tmp / f"serve-{name}.log",
    )
    try:
        _wait_healthy(f"http://127.0.0.1:{port}", server, 60)
        probe(port, 2.0)  # warm up: templates compiled, connections opened in every worker
        cpu_start = tree_cpu(server.pid)
        baseline = probe(port, args.seconds)
        cpu_baseline = tree_cpu(server.pid) - cpu_start

        out = tmp / f"flood-{name}.json"
        flooder = processes.start(
            f"flood {name}",
            [
                sys.executable,
                str(Path(__file__).resolve()),
                "--flood-worker",
                str(port),
                str(args.connections),
                str(args.body_kb),
                str(args.seconds + 2.0),
                str(out),
            ],
            env,
            tmp / f"flood-{name}.log",
        )
        time.sleep(1.0)  # the flood is under way before the visitor measures
        cpu_start = tree_cpu(server.pid)
        flooded = probe(port, args.seconds)
        cpu_flood = tree_cpu(server.pid) - cpu_start
        flooder.wait(args.seconds + 60)
        if not out.exists():
            raise RuntimeError("the flooding client wrote no figures:\n" + _tail(flooder, tmp))
        flood = json.loads(out.read_text())
    finally:
        processes.stop(server)
    server_errors = [
        line
        for line in (tmp / f"serve-{name}.log").read_text(errors="replace").splitlines()
        if '"level": "ERROR"' in line or "Traceback" in line
    ]
    return {
        "baseline": baseline,
        "flood": flooded,
        "flood_client": flood,
        "server_cpu": {"baseline": cpu_baseline, "flood": cpu_flood},
        "server_error_lines": len(server_errors),
        "ratio_p50": flooded["p50"] / baseline["p50"],
        "ratio_p95": flooded["p95"] / baseline["p95"],
    }


def _tail(_process: Any, tmp: Path) -> str:
    logs = sorted(tmp.glob("flood-*.log"))
    return logs[-1].read_text(errors="replace")[-3000:] if logs else ""


def print_phase(name: str, figures: dict[str, Any], seconds: float) -> None:
    base, flood, client = figures["baseline"], figures["flood"], figures["flood_client"]
    answers = ", ".join(f"{count} × {what}" for what, count in sorted(client["answers"].items()))
    total = sum(client["answers"].values())
    print(f"{name}:")
    print(
        f"  start page, no load   : median {base['p50']:7.1f} ms  p95 {base['p95']:7.1f} ms  "
        f"max {base['max']:7.1f} ms  ({base['count']} pages)"
    )
    print(
        f"  start page, flooded   : median {flood['p50']:7.1f} ms  p95 {flood['p95']:7.1f} ms  "
        f"max {flood['max']:7.1f} ms  ({flood['count']} pages)"
    )
    print(
        f"  ratio flooded / none  : median {figures['ratio_p50']:5.2f}×   "
        f"p95 {figures['ratio_p95']:5.2f}×"
    )
    print(
        f"  flood ({client['body_bytes'] / 1024:.0f} KB bodies): {total} requests in "
        f"{client['seconds']:.0f} s ({total / client['seconds']:.0f}/s): {answers}"
    )
    cpu = figures["server_cpu"]
    print(
        f"  server CPU seconds    : {cpu['baseline']:.1f} in {seconds:.0f} s without load, "
        f"{cpu['flood']:.1f} in {seconds:.0f} s of flood; flooding client {client['cpu']:.1f}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["--flood-worker"]:
        port, connections, body_kb, seconds, out = argv[1:6]
        return flood_worker(int(port), int(connections), int(body_kb), float(seconds), out)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0, help="of each measurement")
    parser.add_argument("--connections", type=int, default=8, help="of the flooding client")
    parser.add_argument("--body-kb", type=int, default=1000, help="size of a flood request")
    parser.add_argument("--web-workers", type=int, default=None, help="gunicorn workers")
    parser.add_argument("--api-limit", default=None, help="check API limit of the server")
    parser.add_argument("--no-control", action="store_true", help="skip the unlimited server")
    parser.add_argument(
        "--priority",
        type=int,
        default=0,
        help="nice value of the servers and the visitor (negative: root only) – on a shared "
        "machine, keeps other people's work from dominating the figures",
    )
    parser.add_argument("--json", dest="json_out", default=None, help="write figures here")
    args = parser.parse_args(argv)
    if args.priority:
        os.setpriority(os.PRIO_PROCESS, 0, args.priority)

    processes = Processes()
    load_start = " ".join(f"{value:.2f}" for value in os.getloadavg())
    with tempfile.TemporaryDirectory(prefix="foerderwerk-flood-") as folder:
        tmp = Path(folder)
        env = {k: v for k, v in os.environ.items() if not k.startswith("FOERDERWERK_")}
        env.update(
            FOERDERWERK_DATABASE_URL=f"sqlite:///{tmp}/flood.sqlite3",
            FOERDERWERK_STORAGE="folder",
            FOERDERWERK_STORAGE_PATH=str(tmp / "documents"),
            FOERDERWERK_UPLOAD_PATH=str(tmp / "uploads"),
            FOERDERWERK_MAIL_FOLDER=str(tmp / "mail"),
            FOERDERWERK_TODAY=TODAY,
            FOERDERWERK_SECRET_KEY=secrets.token_urlsafe(48),
        )
        if args.api_limit is not None:
            env["FOERDERWERK_RATELIMIT_CHECK_API_PER_CLIENT"] = args.api_limit
        foerderwerk = str(BIN / "foerderwerk")
        try:
            _run([foerderwerk, "db", "upgrade"], env)
            _run([foerderwerk, "demo"], env)
            results = {"limited": measure("limited", env, args, processes, tmp)}
            if not args.no_control:
                unlimited = dict(env, FOERDERWERK_RATELIMIT_CHECK_API_PER_CLIENT="")
                results["unlimited"] = measure("unlimited", unlimited, args, processes, tmp)
        except KeyboardInterrupt:
            print("interrupted: stopping the servers and the flood", file=sys.stderr)
            return 130
        finally:
            processes.stop_all()
    load_end = " ".join(f"{value:.2f}" for value in os.getloadavg())

    print("-" * 78)
    print(
        f"Flood of the check API: {args.connections} connections of one client, "
        f"{args.body_kb} KB bodies, {args.seconds:.0f} s per measurement, "
        f"priority {args.priority}; "
        f"load average {load_start} → {load_end}, {os.cpu_count()} cores"
    )
    print("-" * 78)
    print_phase("with the default limits", results["limited"], args.seconds)
    if "unlimited" in results:
        print_phase("control: check API limit switched off", results["unlimited"], args.seconds)
    print("-" * 78)
    problems = []
    for name, figures in results.items():
        for phase in ("baseline", "flood"):
            statuses = figures[phase]["statuses"]
            if set(statuses) != {"200"}:
                problems.append(f"{name} {phase}: pages answered {statuses}")
        server_errors = [s for s in figures["flood_client"]["answers"] if s.startswith("5")]
        if server_errors or figures["server_error_lines"]:
            problems.append(f"{name}: server errors {server_errors}")
    for problem in problems:
        print("PROBLEM:", problem)
    if args.json_out:
        setup = {
            "seconds": args.seconds,
            "connections": args.connections,
            "body_kb": args.body_kb,
            "priority": args.priority,
            "load_start": load_start,
            "load_end": load_end,
        }
        Path(args.json_out).write_text(json.dumps(dict(results, setup=setup), indent=1))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
