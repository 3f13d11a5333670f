"""``foerderwerk render`` and ``foerderwerk templates check`` (interchange.md, the contract)."""

from __future__ import annotations

import io
import json
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from docx import Document

from service.cli import cli
from service.rendering.docx import docx_text
from tests.conftest import FIXTURES, require_tools
from tests.poppler import pdftotext

AIF = str(FIXTURES / "guideline-aif-2026.toml")
PARTNERSHIP = str(FIXTURES / "partnership.toml")
APPLICANT = "Kinder & Jugend <Verein> \"Elbe\" 'Süd'"
DECISION = {
    "number": "AIF-2026-007",
    "date": "2026-03-17",
    "outcome": "approved",
    "amount": "600.00",
    "start": "2026-05-01",
    "end": "2026-06-30",
    "financing_type": "fehlbedarf",
    "committee_date": "2026-03-10",
    "conditions": ["Die Plakate werden vor dem Druck mit der Koordinierungsstelle abgestimmt."],
}


@pytest.fixture(autouse=True)
def _no_instance_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The instance's real database must not decide which letterhead a test sees.
    monkeypatch.setenv("FOERDERWERK_DATABASE_URL", "sqlite:///" + str(tmp_path / "none.sqlite3"))


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def notice(tmp_path: Path, change: Callable[[dict[str, Any]], None] | None = None) -> str:
    data = json.loads((FIXTURES / "application-aif.json").read_text(encoding="utf-8"))
    data["decision"] = dict(DECISION)
    if change is not None:
        change(data)
    path = tmp_path / "notice.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return str(path)


def render_notice(tmp_path: Path, path: str, out: str = "out.docx") -> tuple[Result, Path]:
    target = tmp_path / out
    result = invoke(
        "render",
        "notice",
        path,
        "-o",
        str(target),
        "--guideline",
        AIF,
        "--partnership",
        PARTNERSHIP,
    )
    return result, target


def codes(result: Result) -> set[tuple[str, str]]:
    return {(f["code"], f["field"]) for f in json.loads(result.stdout)["findings"]}


def test_an_approval_notice_is_written_and_the_findings_printed(tmp_path: Path) -> None:
    result, target = render_notice(tmp_path, notice(tmp_path))
    assert result.exit_code == 0
    output = json.loads(result.stdout)
    assert output["ok"] is True
    assert output["output"] == str(target)
    text = docx_text(target.read_bytes())
    assert "Zuwendungsbescheid Nr. AIF-2026-007" in text
    assert "höchstens 600,00 €" in text


def test_an_approval_of_an_application_with_errors_is_refused_without_a_file(
    tmp_path: Path,
) -> None:
    def broken(data: dict[str, Any]) -> None:
        data["financing"]["requested"] = "700.00"  # the plan no longer balances

    result, target = render_notice(tmp_path, notice(tmp_path, broken))
    assert result.exit_code == 1
    assert ("plan.unbalanced", "financing") in codes(result)
    assert not target.exists()
    assert list(tmp_path.glob("*.tmp")) == []


def test_an_approval_above_the_requested_grant_is_refused(tmp_path: Path) -> None:
    def generous(data: dict[str, Any]) -> None:
        data["decision"]["amount"] = "600.01"

    result, target = render_notice(tmp_path, notice(tmp_path, generous))
    assert result.exit_code == 1
    assert ("decision.amount-above-requested", "decision.amount") in codes(result)
    assert not target.exists()


def test_an_approval_without_the_committee_date_is_refused(tmp_path: Path) -> None:
    def undated(data: dict[str, Any]) -> None:
        del data["decision"]["committee_date"]

    result, target = render_notice(tmp_path, notice(tmp_path, undated))
    assert result.exit_code == 1
    assert ("field.required", "decision.committee_date") in codes(result)
    assert not target.exists()


def test_a_rejection_renders_although_the_application_has_errors(tmp_path: Path) -> None:
    def rejected(data: dict[str, Any]) -> None:
        data["decision"] = {
            "number": "AIF-2026-009",
            "date": "2026-03-17",
            "outcome": "rejected",
            "reasons": "Der Antrag war unvollständig.",
        }
        data["declarations"]["data_correct"] = False

    result, target = render_notice(tmp_path, notice(tmp_path, rejected))
    assert result.exit_code == 0
    assert json.loads(result.stdout)["ok"] is False
    text = docx_text(target.read_bytes())
    assert "Der Antrag war unvollständig." in text
    assert "Darüber hinaus erfüllt der Antrag folgende Fördervoraussetzungen nicht:" in text
    assert (
        "Die erforderliche Erklärung „Die Angaben in diesem Antrag sind vollständig und richtig.“"
        in text
    )


def test_a_rejection_without_reasons_is_refused(tmp_path: Path) -> None:
    def reasonless(data: dict[str, Any]) -> None:
        data["decision"] = {"number": "X-1", "date": "2026-03-17", "outcome": "rejected"}

    result, target = render_notice(tmp_path, notice(tmp_path, reasonless))
    assert result.exit_code == 1
    assert ("field.required", "decision.reasons") in codes(result)
    assert not target.exists()


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("{ not json", ("input.invalid", "")),
        (None, ("input.invalid", "applicant.colour")),
        ("DECISION-TYPO", ("input.invalid", "decision.amout")),
        ("DECISION-DATE", ("input.invalid", "decision.start")),
    ],
)
def test_unreadable_input_exits_2_as_check_does(
    tmp_path: Path, content: str | None, expected: tuple[str, str]
) -> None:
    def change(data: dict[str, Any]) -> None:
        if content is None:
            data["applicant"]["colour"] = "blau"
        elif content == "DECISION-TYPO":
            data["decision"]["amout"] = "600.00"
        elif content == "DECISION-DATE":
            data["decision"]["start"] = "01.05.2026"

    path = notice(tmp_path, change)
    if content == "{ not json":
        Path(path).write_text(content, encoding="utf-8")
    result, target = render_notice(tmp_path, path)
    assert result.exit_code == 2
    assert expected in codes(result)
    assert not target.exists()


def test_notice_application_and_report_need_a_guideline(tmp_path: Path) -> None:
    target = tmp_path / "out.docx"
    result = invoke("render", "report", str(FIXTURES / "report-aif.json"), "-o", str(target))
    assert result.exit_code == 2
    assert ("guideline.invalid", "") in codes(result)
    assert not target.exists()


def test_an_unknown_output_format_is_a_usage_error(tmp_path: Path) -> None:
    result = invoke(
        "render", "minutes", str(FIXTURES / "meeting-bga.json"), "-o", str(tmp_path / "x.odt")
    )
    assert result.exit_code == 2
    assert not (tmp_path / "x.odt").exists()


def test_an_unusable_partnership_file_exits_2(tmp_path: Path) -> None:
    broken = tmp_path / "p.toml"
    broken.write_text('[partnership]\nslug = "x"\n', encoding="utf-8")
    target = tmp_path / "m.docx"
    result = invoke(
        "render",
        "minutes",
        str(FIXTURES / "meeting-bga.json"),
        "-o",
        str(target),
        "--partnership",
        str(broken),
    )
    assert result.exit_code == 2
    assert ("partnership.invalid", "") in codes(result)
    assert not target.exists()


def test_without_a_partnership_the_built_in_example_letterhead_is_used_and_said(
    tmp_path: Path,
) -> None:
    target = tmp_path / "m.docx"
    result = invoke("render", "minutes", str(FIXTURES / "meeting-bga.json"), "-o", str(target))
    assert result.exit_code == 0
    assert "partnership-beispiel.toml" in result.stderr
    assert "Stadt Boizenburg/Elbe" in docx_text(target.read_bytes())


def test_without_a_partnership_the_instance_s_first_partnership_is_used(
    tmp_path: Path, db_url: str, db_session: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tomllib

    from service.models.partnership import Partnership

    settings = tomllib.loads(Path(PARTNERSHIP).read_text(encoding="utf-8"))
    settings["lead_office"]["name"] = "Gemeinde Musterdorf"
    row = Partnership(slug="musterdorf", name="Partnerschaft für Demokratie Musterdorf")
    row.apply_settings(settings)
    db_session.add(row)
    db_session.commit()
    monkeypatch.setenv("FOERDERWERK_DATABASE_URL", db_url)
    target = tmp_path / "m.docx"
    result = invoke("render", "minutes", str(FIXTURES / "meeting-bga.json"), "-o", str(target))
    assert result.exit_code == 0
    assert "partnership-beispiel.toml" not in result.stderr
    assert "Gemeinde Musterdorf" in docx_text(target.read_bytes())


def test_minutes_without_quorum_render_and_say_so(tmp_path: Path) -> None:
    data = json.loads((FIXTURES / "meeting-bga.json").read_text(encoding="utf-8"))
    data["present"] = ["m1", "m2"]
    for item in data["items"]:
        item["votes"] = {"m1": "yes", "m2": "yes"}
    source = tmp_path / "meeting.json"
    source.write_text(json.dumps(data), encoding="utf-8")
    target = tmp_path / "m.docx"
    result = invoke(
        "render", "minutes", str(source), "-o", str(target), "--partnership", PARTNERSHIP
    )
    assert result.exit_code == 0
    assert ("meeting.not-quorate", "present") in codes(result)
    assert "Die Beschlussfähigkeit ist nicht gegeben." in docx_text(target.read_bytes())


def test_the_report_renders_the_final_grant_and_refund(tmp_path: Path) -> None:
    target = tmp_path / "v.docx"
    result = invoke(
        "render",
        "report",
        str(FIXTURES / "report-aif.json"),
        "-o",
        str(target),
        "--guideline",
        AIF,
        "--partnership",
        PARTNERSHIP,
    )
    assert result.exit_code == 0
    text = docx_text(target.read_bytes())
    assert "Zuwendung nach der Vorprüfung | 576,40 €" in text
    assert "Voraussichtlich zu erstatten | 23,60 €" in text


def test_the_application_renders_for_signature(tmp_path: Path) -> None:
    target = tmp_path / "a.docx"
    result = invoke(
        "render",
        "application",
        str(FIXTURES / "application-aif.json"),
        "-o",
        str(target),
        "--guideline",
        AIF,
        "--partnership",
        PARTNERSHIP,
    )
    assert result.exit_code == 0
    assert "Rechtsverbindliche Unterschrift" in docx_text(target.read_bytes())


# -- PDF ----------------------------------------------------------------------------------


def _need_pdf_tools() -> None:
    require_tools("soffice", "pdftotext")


def pdf_text(path: Path) -> str:
    # -layout: a table row's cells stay on one line (the raw order puts a label row that
    # keeps with the total row below it before both values)
    text = pdftotext(path, "-layout", "-enc", "UTF-8")
    return " ".join(text.replace("\u00a0", " ").split())


@pytest.mark.libreoffice
def test_the_approval_notice_as_pdf_a_says_what_the_acceptance_asks(tmp_path: Path) -> None:
    _need_pdf_tools()

    def named(data: dict[str, Any]) -> None:
        data["applicant"]["name"] = APPLICANT

    result, target = render_notice(tmp_path, notice(tmp_path, named), "out.pdf")
    assert result.exit_code == 0, result.stderr
    assert target.read_bytes().startswith(b"%PDF-")
    text = pdf_text(target)
    for expected in (
        APPLICANT,
        "AIF-2026-007",
        "600,00 €",
        "1. Mai 2026 und endet am 30. Juni 2026",
        "Workshopleitung",
        "Moderationsmaterial",
        "Plakate und Flyer",
        "Die Plakate werden vor dem Druck mit der Koordinierungsstelle abgestimmt.",
        "Rechtsbehelfsbelehrung",
        "innerhalb eines Monats",
    ):
        assert expected in text, expected
    info = subprocess.run(["pdfinfo", str(target)], capture_output=True, check=True).stdout.decode(
        "utf-8"
    )
    assert "Subject:         AIF-2026-007" in info
    assert "Title:           Zuwendungsbescheid AIF-2026-007" in info
    assert b"pdfaid:part" in target.read_bytes() or b"pdfaid" in target.read_bytes()


@pytest.mark.libreoffice
def test_a_rejected_notice_as_pdf_contains_the_reasons(tmp_path: Path) -> None:
    _need_pdf_tools()

    def rejected(data: dict[str, Any]) -> None:
        data["decision"] = {
            "number": "AIF-2026-009",
            "date": "2026-03-17",
            "outcome": "rejected",
            "reasons": "Das Vorhaben richtet sich nicht an die Zielgruppen des Fonds.",
        }

    result, target = render_notice(tmp_path, notice(tmp_path, rejected), "out.pdf")
    assert result.exit_code == 0
    assert "Das Vorhaben richtet sich nicht an die Zielgruppen des Fonds." in pdf_text(target)


@pytest.mark.libreoffice
@pytest.mark.parametrize(
    ("document", "source", "expected"),
    [
        ("minutes", "meeting-bga.json", "Bewilligung beschlossen: 2.000,00 €"),
        ("report", "report-aif.json", "Voraussichtlich zu erstatten 23,60 €"),
    ],
)
def test_minutes_and_report_render_as_pdf(
    tmp_path: Path, document: str, source: str, expected: str
) -> None:
    _need_pdf_tools()
    target = tmp_path / "out.pdf"
    extra = [] if document == "minutes" else ["--guideline", AIF]
    result = invoke(
        "render",
        document,
        str(FIXTURES / source),
        "-o",
        str(target),
        "--partnership",
        PARTNERSHIP,
        *extra,
    )
    assert result.exit_code == 0
    assert expected in pdf_text(target)


# -- templates check ---------------------------------------------------------------------


def test_templates_check_passes_on_the_shipped_templates() -> None:
    result = invoke("templates", "check")
    assert result.exit_code == 0
    assert result.stdout == ""


def _bad_template(path: Path) -> None:
    document = Document()
    document.add_paragraph("{{ ''.__class__.__mro__ }} {{ recipient.nmae }}")
    buffer = io.BytesIO()
    document.save(buffer)
    path.write_bytes(buffer.getvalue())


def test_templates_check_refuses_a_staff_copy_naming_each_problem(tmp_path: Path) -> None:
    copy = tmp_path / "zuwendungsbescheid.docx"
    _bad_template(copy)
    result = invoke("templates", "check", str(copy))
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert any("''.__class__.__mro__" in line for line in lines)
    assert any("recipient.nmae" in line for line in lines)


def test_templates_check_needs_the_kind_of_an_unknown_file(tmp_path: Path) -> None:
    copy = tmp_path / "mein-bescheid.docx"
    _bad_template(copy)
    assert invoke("templates", "check", str(copy)).exit_code == 2
    assert invoke("templates", "check", str(copy), "--kind", "approval").exit_code == 1


def test_render_into_a_missing_folder_names_the_folder_and_exits_2(tmp_path: Path) -> None:
    missing = tmp_path / "MISSING" / "DIR"
    result, target = render_notice(tmp_path, notice(tmp_path), "MISSING/DIR/file.pdf")
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert str(missing) in result.stderr
    assert "existiert nicht" in result.stderr
    assert not target.exists()


def test_render_caps_its_input_as_check_does(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("FOERDERWERK_CHECK_MAX_BYTES", "5000")
    big = tmp_path / "gross.json"
    big.write_text('{"x": "' + "y" * 6000 + '"}', encoding="utf-8")
    result, target = render_notice(tmp_path, str(big))
    assert result.exit_code == 2
    assert "nicht gelesen" in json.loads(result.stdout)["findings"][0]["message"]
    assert not target.exists()


@pytest.mark.parametrize(
    "tag",
    ["{% include 'zuwendungsbescheid.docx' %}", "{{ '{0.__class__}'.format(number) }}"],
)
def test_templates_check_refuses_include_and_format_tricks(tmp_path: Path, tag: str) -> None:
    copy = tmp_path / "zuwendungsbescheid.docx"
    document = Document()
    document.add_paragraph(f"Bescheid {{{{ number }}}} {tag}")
    document.save(str(copy))
    result = invoke("templates", "check", str(copy))
    assert result.exit_code == 1
    assert tag in result.stdout
    assert "abgelehnt" in result.stdout


# -- invitation (issue 18.9) -----------------------------------------------------------------

INVITATION_FILE = FIXTURES / "invitation-bga.json"


def render_invitation(tmp_path: Path, source: Path, out: str = "e.docx") -> tuple[Result, Path]:
    target = tmp_path / out
    result = invoke(
        "render", "invitation", str(source), "-o", str(target), "--partnership", PARTNERSHIP
    )
    return result, target


def invitation_file(tmp_path: Path, change: Callable[[dict[str, Any]], None]) -> Path:
    data = json.loads(INVITATION_FILE.read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "invitation.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_the_invitation_renders_with_agenda_and_invitees(tmp_path: Path) -> None:
    result, target = render_invitation(tmp_path, INVITATION_FILE)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"ok": True, "findings": [], "output": str(target)}
    text = docx_text(target.read_bytes())
    for expected in (
        "Dienstag, 22. September 2026",
        "Rathaus Boizenburg, Kirchplatz 1",
        "Demokratiefest am Elbufer",
        "Forumtheater gegen Parolen",
        "Anna Beispiel",
        "Frank Beispiel",
        "01.09.2026",
    ):
        assert expected in text, expected


def test_a_meeting_file_without_votes_renders_as_its_invitation(tmp_path: Path) -> None:
    result, target = render_invitation(tmp_path, FIXTURES / "meeting-bga.json")
    assert result.exit_code == 0, result.output
    assert "Jugendclub Lübtheen e.V." in docx_text(target.read_bytes())


def test_the_letter_date_defaults_to_today(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("FOERDERWERK_TODAY", "2026-09-03")
    source = invitation_file(tmp_path, lambda data: data.pop("letter_date"))
    result, target = render_invitation(tmp_path, source)
    assert result.exit_code == 0, result.output
    assert "03.09.2026" in docx_text(target.read_bytes())


def test_a_written_vote_has_no_invitation(tmp_path: Path) -> None:
    source = invitation_file(tmp_path, lambda data: data.update(mode="written"))
    result, target = render_invitation(tmp_path, source)
    assert result.exit_code == 2
    assert ("input.invalid", "mode") in codes(result)
    assert not target.exists()


def test_an_invitation_without_a_date_is_refused(tmp_path: Path) -> None:
    source = invitation_file(tmp_path, lambda data: data.pop("date"))
    result, target = render_invitation(tmp_path, source)
    assert result.exit_code == 1
    assert ("field.required", "date") in codes(result)
    assert not target.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda data: data.update(letter_date="1.9.2026"), "letter_date"),
        (lambda data: data["items"][0].update(title=7), "items[0].title"),
        (lambda data: data["members"][0].update(colour="blau"), "members[0].colour"),
    ],
)
def test_unreadable_invitation_input_exits_2(
    tmp_path: Path, change: Callable[[dict[str, Any]], None], field: str
) -> None:
    result, target = render_invitation(tmp_path, invitation_file(tmp_path, change))
    assert result.exit_code == 2
    assert ("input.invalid", field) in codes(result)
    assert not target.exists()


@pytest.mark.libreoffice
def test_the_invitation_renders_as_a_german_tagged_pdf(tmp_path: Path) -> None:
    _need_pdf_tools()
    from service.pdf.accessibility import accessibility_problems

    result, target = render_invitation(tmp_path, INVITATION_FILE, "e.pdf")
    assert result.exit_code == 0, result.output
    assert "Forumtheater gegen Parolen" in pdf_text(target)
    info = subprocess.run(["pdfinfo", str(target)], capture_output=True, check=True).stdout
    assert "Title:           Einladung zur Sitzung vom 22.09.2026" in info.decode("utf-8")
    assert "Subject:         Begleitausschuss der Partnerschaft" in info.decode("utf-8")
    assert accessibility_problems(target.read_bytes()) == []
