"""poppler's ``pdftotext`` for the tests, which read the text of our PDFs.

poppler builds colour transforms from a PDF/A file's output intent (its ICC profile) for
every page it reads: 90 % of pdftotext's time on our notices goes to lcms2
(``cmsReverseToneCurveEx``, seen with perf), 0.09 s a page, although text has no colour.
The tests give poppler a copy in which the catalogue's /OutputIntents key is renamed – the
same length, so every offset in the file stays right. The text and its positions are
byte-for-byte the same (tests/documents/test_poppler.py), 25 times faster; the DIN 5008
checks alone read some 300 PDFs of several pages.

Only for reading text: tests that check the file itself (poppler's complaints, pictures of
pages) give poppler the file as it is.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

OUTPUT_INTENTS = b"/OutputIntents"
HIDDEN = b"/OutputIntentX"  # unknown to poppler, as long as the original


def without_output_intent(pdf: bytes) -> bytes:
    return pdf.replace(OUTPUT_INTENTS, HIDDEN)


def pdftotext(pdf: bytes | Path, *options: str, timeout: float = 60) -> str:
    """The output of ``pdftotext OPTIONS`` for ``pdf`` (bytes or a file), as text."""
    data = pdf.read_bytes() if isinstance(pdf, Path) else pdf
    result = subprocess.run(
        ["pdftotext", *options, "-", "-"],
        input=without_output_intent(data),
        capture_output=True,
        check=True,
        timeout=timeout,
    )
    return result.stdout.decode("utf-8")
