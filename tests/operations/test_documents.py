"""The documents operation: check → context → DOCX/PDF, shared by the CLI, the web and jobs."""

from __future__ import annotations

import json
from typing import Any

from service.documents.docx import docx_text
from service.documents.partnership import load_partnership
from service.domain.guideline import load_guideline
from service.operations.documents import build_document, render_document
from tests.conftest import FIXTURES

GUIDELINE = FIXTURES / "guideline-aif-2026.toml"
PARTNERSHIP = FIXTURES / "partnership.toml"


def report() -> Any:
    return json.loads((FIXTURES / "report-aif.json").read_text(encoding="utf-8"))


def test_a_report_rendered_with_a_partnership_object_equals_the_one_rendered_from_its_file():
    guideline = load_guideline(GUIDELINE)
    by_object = render_document("report", report(), guideline, load_partnership(PARTNERSHIP))
    by_path = build_document("report", report(), guideline, str(PARTNERSHIP))
    assert by_object.exit_code == 0
    assert by_object.document == by_path.document
    assert "576,40 €" in docx_text(by_object.document or b"")


def test_unreadable_report_data_renders_nothing_and_says_the_input_is_invalid():
    outcome = render_document(
        "report", ["not", "a", "report"], load_guideline(GUIDELINE), load_partnership(PARTNERSHIP)
    )
    assert outcome.exit_code == 2
    assert outcome.document is None
    assert outcome.result.input_invalid
