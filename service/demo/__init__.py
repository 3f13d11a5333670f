"""The demo partnership: settings and guideline files, people and applications (fictional).

``foerderwerk demo`` (service.operations.demo.load_demo) loads them; ``make run`` calls it.
"""

from __future__ import annotations

from pathlib import Path

DEMO_DIR = Path(__file__).resolve().parent


def demo_text(name: str) -> str:
    return (DEMO_DIR / name).read_text(encoding="utf-8")
