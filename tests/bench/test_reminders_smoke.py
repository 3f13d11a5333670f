"""bench/reminders.py must keep working: a small run (300 applications) seeds, plans, sends and
runs again. No timing is asserted (the machine is shared; the figures belong in
docs/performance.md); only what must hold at any speed: the first run sends the planned
reminders (less those without an address), the second run right after sends nothing."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.timeout(240)
def test_a_small_reminder_bench_sends_once_and_then_nothing(tmp_path: Path) -> None:
    out = tmp_path / "figures.json"
    completed = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "reminders.py"),
            "--applications=300",
            "--sample=50",
            f"--json={out}",
        ],
        capture_output=True,
        text=True,
        timeout=230,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert "planning ratio (a)/(b)" in completed.stdout
    figures = json.loads(out.read_text())
    assert figures["applications"] == 300
    assert figures["planned"] > 0
    assert figures["first_sent"] + figures["first_no_address"] == figures["planned"]
    assert figures["first_sent"] > 0
    assert figures["second_sent"] == 0
    assert figures["second_new_rows"] == 0
    assert figures["second_new_mails"] == 0
    # only the reminders that cannot be sent (no address) are planned again
    assert figures["second_planned"] == figures["first_no_address"]
