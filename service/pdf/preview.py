"""A picture of a PDF's first page (PNG), for the preview of a template (issue 16.4).

``pdftoppm`` from poppler-utils (a system package the Makefile installs with LibreOffice)
draws it; the PDF goes in on stdin, the picture comes back through a private temporary
folder (pdftoppm writes no single PNG to stdout).
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

PDFTOPPM = "pdftoppm"


class PreviewUnavailable(RuntimeError):
    """No picture: pdftoppm is missing, failed or took too long."""


def first_page_png(pdf: bytes, *, dpi: int = 80, timeout: float = 60.0) -> bytes:
    """The first page of ``pdf`` as PNG at ``dpi`` (80: an A4 page is 661 × 935 pixels)."""
    program = shutil.which(PDFTOPPM)
    if program is None:
        raise PreviewUnavailable(f"{PDFTOPPM} is not installed (Debian: poppler-utils)")
    with tempfile.TemporaryDirectory(prefix="foerderwerk-preview-") as folder:
        target = Path(folder) / "page"
        try:
            argv = [program, "-png", "-r", str(dpi), "-f", "1", "-l", "1", "-singlefile"]
            completed = subprocess.run(  # noqa: S603 – fixed argv, the PDF goes to stdin only
                [*argv, "-", str(target)],
                input=pdf,
                capture_output=True,
                timeout=timeout,
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            raise PreviewUnavailable(f"{PDFTOPPM} took longer than {timeout:.0f} s") from exc
        picture = target.with_suffix(".png")
        if completed.returncode != 0 or not picture.is_file():
            detail = completed.stderr.decode("utf-8", "replace").strip()[:200]
            raise PreviewUnavailable(f"{PDFTOPPM} failed ({completed.returncode}): {detail}")
        return picture.read_bytes()
