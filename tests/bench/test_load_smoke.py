"""bench/load.py must keep working (R27): a tiny run – 3 applicants for a few seconds with a
small upload and a 2-notice batch – through the real server, batch and locust.

No timing is asserted (the machine is shared; the figures belong in docs/performance.md);
only what must hold under any load: no error answer, every application that was started
ended on its receipt, every submission a client saw confirmed is in the database once, and
its receipt e-mail went out with the application PDF.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import require_tools

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.libreoffice
@pytest.mark.timeout(180)
def test_a_tiny_deadline_day_run_has_no_error_and_loses_no_submission(tmp_path: Path) -> None:
    # the batch and the receipt mail's application PDF both go through LibreOffice
    require_tools("soffice")
    out = tmp_path / "figures.json"
    completed = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "load.py"),
            "--users=3",
            "--spawn-rate=3",
            "--duration=6",
            "--upload-mb=0.2",
            "--notices=2",
            "--think=0.05",
            "--web-workers=2",
            f"--json={out}",
        ],
        capture_output=True,
        text=True,
        timeout=170,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout[-4000:] + completed.stderr[-4000:]
    figures = json.loads(out.read_text())
    assert figures["errors"] == 0, figures["failures"]
    assert figures["verify"]["problems"] == []
    # 0 errors must not be vacuous: whole applications went through, upload and submit included
    assert figures["verify"]["confirmed"] >= 1
    assert figures["flows"]["completed"] == figures["verify"]["confirmed"]
    # the receipts went out from the servers' background senders, each with its PDF
    assert figures["verify"]["receipts_with_pdf"] == figures["verify"]["confirmed"]
    assert figures["pages"]["POST upload"]["count"] >= 1
    assert figures["pages"]["POST submit"]["count"] >= 1
    assert figures["server_error_lines"] == 0
    assert "form submit p95" in completed.stdout
