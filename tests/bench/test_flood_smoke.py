"""bench/flood.py must keep working: a tiny run – two seconds per measurement, a client with
two connections and 100 KB bodies – against real gunicorn servers on loopback.

No timing is asserted (the machine is shared; the figures belong in docs/performance.md);
only what must hold under any load: every page answered 200, no server error, the limit
refused the flood on the limited server and did not on the control server."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.timeout(240)
def test_a_tiny_flood_run_reports_both_servers_and_the_limit_refuses_the_flood(
    tmp_path: Path,
) -> None:
    out = tmp_path / "figures.json"
    completed = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "flood.py"),
            "--seconds=2",
            "--connections=2",
            "--body-kb=100",
            "--web-workers=2",
            "--api-limit=4 per minute",
            f"--json={out}",
        ],
        capture_output=True,
        text=True,
        timeout=230,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout[-4000:] + completed.stderr[-4000:]
    figures = json.loads(out.read_text())
    limited, control = figures["limited"], figures["unlimited"]
    for server in (limited, control):
        for phase in ("baseline", "flood"):
            assert server[phase]["count"] >= 1
            assert server[phase]["statuses"] == {"200": server[phase]["count"]}
        assert server["server_error_lines"] == 0
    refused = limited["flood_client"]["answers"]
    assert refused.get("429", 0) + refused.get("refused unread", 0) >= 1
    assert "429" not in control["flood_client"]["answers"]
    assert control["flood_client"]["answers"].get("400", 0) >= 1  # 100 KB: too many cost lines
    assert "ratio flooded / none" in completed.stdout
