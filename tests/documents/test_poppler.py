"""The tests' pdftotext (tests/poppler.py) reads the same text at the same places as
poppler does from the file as it is – it only skips the colour set-up."""

from __future__ import annotations

import subprocess

from service.paths import doc_templates_dir
from tests.conftest import require_tools
from tests.poppler import OUTPUT_INTENTS, pdftotext, without_output_intent

# a PDF/A-2b from LibreOffice, with its output intent (tools/build_demo_annexes.py)
SAMPLE = (doc_templates_dir() / "anlagen" / "anbest-p-muster.pdf").read_bytes()


def test_the_text_and_its_positions_are_those_of_the_file_as_it_is() -> None:
    require_tools("pdftotext")
    assert OUTPUT_INTENTS in SAMPLE
    hidden = without_output_intent(SAMPLE)
    assert len(hidden) == len(SAMPLE)
    assert OUTPUT_INTENTS not in hidden

    for options in (["-bbox"], ["-layout"], ["-enc", "UTF-8"]):
        as_it_is = subprocess.run(
            ["pdftotext", *options, "-", "-"], input=SAMPLE, capture_output=True, check=True
        )
        assert as_it_is.stderr == b""
        assert pdftotext(SAMPLE, *options) == as_it_is.stdout.decode("utf-8")
    assert "(ANBest-P)" in pdftotext(SAMPLE)
