"""The upload check's child process starts lean (bench/load.py, docs/performance.md): it runs
pdfcheck.py by its path, so it never imports the service package with Flask and SQLAlchemy –
with ``-m service.operations.pdfcheck`` that cost 0.4 s of CPU per upload under load."""

from __future__ import annotations

import io
import subprocess
from typing import Any

import pytest

from service.operations import uploads


def _pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_the_child_imports_pypdf_but_nothing_of_the_service(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: dict[str, Any] = {}
    real_run = subprocess.run

    def run_with_import_log(argv: list[str], **kwargs: Any) -> Any:
        # the same command, with Python's import log on stderr
        argv = [argv[0], "-X", "importtime", *argv[1:]]
        completed = real_run(argv, **kwargs)
        seen["imports"] = completed.stderr.decode()
        return completed

    monkeypatch.setattr(uploads.subprocess, "run", run_with_import_log)
    verdict = uploads.check_pdf(_pdf())
    assert verdict.pages == 1
    imported = {
        line.rsplit("|", 1)[-1].strip().split(".")[0]
        for line in seen["imports"].splitlines()
        if line.startswith("import time:")
    }
    assert "pypdf" in imported
    assert not imported & {"service", "flask", "sqlalchemy", "flask_babel", "forms"}, imported
    assert uploads.PDFCHECK.is_file()
