"""Batch workers run below the web server's priority (BACKGROUND_NICENESS), and so does the
LibreOffice they start."""

from __future__ import annotations

import os
import subprocess
import sys


def _nice_after(niceness: int) -> int:
    code = (
        "import os; from service.process_local import lower_priority; "
        f"lower_priority({niceness}); print(os.nice(0))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return int(out.stdout)


def test_a_worker_lowers_its_priority_by_the_configured_niceness():
    base = os.nice(0)
    assert _nice_after(10) == min(base + 10, 19)
    assert _nice_after(0) == base
