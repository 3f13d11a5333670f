"""The documents operation: check → context → DOCX/PDF, shared by the CLI, the web and jobs."""

from __future__ import annotations

import json
from datetime import date
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from service.domain.check import check
from service.domain.guideline import load_guideline
from service.i18n import BabelLocalizer
from service.operations.documents import (
    DocumentRefused,
    build_document,
    render_document,
    render_report_summary,
)
from service.rendering import summary_form
from service.rendering.context import build_report_summary_values
from service.rendering.docx import docx_text
from service.rendering.partnership import load_partnership
from tests.conftest import FIXTURES
from tests.documents.test_pdftools import dark_pixels, field_rect, pdftotext

# any date: every fixture states its date of receipt
TODAY = date(2026, 3, 1)

GUIDELINE = FIXTURES / "guideline-aif-2026.toml"
PARTNERSHIP = FIXTURES / "partnership.toml"


def report() -> Any:
    return json.loads((FIXTURES / "report-aif.json").read_text(encoding="utf-8"))


def test_a_report_rendered_with_a_partnership_object_equals_the_one_rendered_from_its_file():
    guideline = load_guideline(GUIDELINE)
    by_object = render_document(
        "report", report(), guideline, load_partnership(PARTNERSHIP), today=TODAY
    )
    by_path = build_document("report", report(), guideline, str(PARTNERSHIP), today=TODAY)
    assert by_object.exit_code == 0
    assert by_object.document == by_path.document
    assert "576,40 €" in docx_text(by_object.document or b"")


def test_unreadable_report_data_renders_nothing_and_says_the_input_is_invalid():
    outcome = render_document(
        "report",
        ["not", "a", "report"],
        load_guideline(GUIDELINE),
        load_partnership(PARTNERSHIP),
        today=TODAY,
    )
    assert outcome.exit_code == 2
    assert outcome.document is None
    assert outcome.result.input_invalid


# --------------------------------------------------------------------------- summary sheet

NAME = "Jürgen Groß – Łódź – Zoë"


def summary(*, issued: bool, recipient: str = NAME) -> bytes:
    return render_report_summary(
        report(),
        load_guideline(GUIDELINE),
        load_partnership(PARTNERSHIP),
        issued=issued,
        recipient=recipient,
        project_title="Demokratiefest am Elbufer",
        notice_date=date(2026, 3, 17),
        today=TODAY,
    )


def report_values() -> dict[str, str]:
    guideline = load_guideline(GUIDELINE)
    result = check("report", report(), guideline, today=TODAY)
    return build_report_summary_values(
        report(),
        guideline,
        load_partnership(PARTNERSHIP),
        result,
        BabelLocalizer(),
        recipient=NAME,
    )


def test_every_field_of_the_summary_sheet_gets_a_value_from_the_report():
    values = report_values()

    assert set(values) == summary_form.FIELD_NAMES
    assert values["final_grant"] == "576,40 €"
    assert values["refund"] == "23,60 €"
    assert values["outstanding"] == "0,00 €"
    assert values["eligible_total"] == "826,40 €"
    assert values["period"] == "01.05.2026 – 30.06.2026"
    assert values["report_due"] == "11.08.2026"  # end + 42 days (the guideline)


def test_the_summary_sheet_sets_plan_against_actual_per_cost_category():
    values = report_values()

    assert (values["plan_sachausgaben"], values["actual_sachausgaben"]) == ("120,00 €", "96,40 €")
    assert values["eligible_sachausgaben"] == "96,40 €"
    assert (values["plan_total"], values["actual_total"]) == ("850,00 €", "826,40 €")
    # neither planned nor spent: a dash, not a misleading amount
    assert values["plan_personal"] == values["actual_personal"] == "–"


def test_a_draft_sheet_keeps_its_fields_is_stamped_and_shows_the_figures():
    draft = summary(issued=False)

    fields = PdfReader(BytesIO(draft)).get_fields() or {}
    assert fields["recipient"].value == NAME
    assert fields["notice_number"].value == "AIF-2026-007"
    text = pdftotext(draft)
    for expected in ("576,40 €", "23,60 €", "AIF-2026-007", NAME):
        assert expected in text
    # pdftotext breaks the diagonal stamp into pieces; pypdf follows the content stream
    assert "ENTWURF" in PdfReader(BytesIO(draft)).pages[0].extract_text()


def test_an_issued_sheet_is_flattened_and_still_reads_and_shows_every_figure(tmp_path: Path):
    issued = summary(issued=True)

    reader = PdfReader(BytesIO(issued))
    assert not reader.get_fields()
    assert b"/Widget" not in issued
    assert reader.metadata is not None
    assert reader.metadata.subject == "AIF-2026-007"
    text = pdftotext(issued)
    for expected in ("576,40 €", "23,60 €", "AIF-2026-007", NAME):
        assert expected in text
    assert "ENTWURF" not in reader.pages[0].extract_text()
    assert dark_pixels(issued, tmp_path, field_rect("recipient")) > 150


def test_an_unreadable_report_gives_no_summary_sheet():
    with pytest.raises(DocumentRefused) as refused:
        render_report_summary(
            {"notice": "nonsense"},
            load_guideline(GUIDELINE),
            load_partnership(PARTNERSHIP),
            issued=False,
            today=TODAY,
        )
    assert refused.value.findings
