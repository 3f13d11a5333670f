"""The ``foerderwerk check`` command: JSON on stdout and the exit codes of spec/rules.md."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import service.cli
from service.cli import cli

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
AIF = str(FIXTURES / "guideline-aif-2026.toml")


def run(*args: str, stdin: str | None = None) -> tuple[int, dict[str, Any]]:
    result = CliRunner().invoke(cli, ["check", *args], input=stdin, catch_exceptions=False)
    return result.exit_code, json.loads(result.stdout)


def write_json(tmp_path: Path, name: str, change: Any = None) -> str:
    data = json.loads((FIXTURES / name).read_text(encoding="utf-8"))
    if change is not None:
        change(data)
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return str(path)


def findings(output: dict[str, Any]) -> set[tuple[str, str]]:
    return {(f["code"], f["field"]) for f in output["findings"]}


def test_the_example_application_exits_0_with_the_session() -> None:
    code, output = run("application", str(FIXTURES / "application-aif.json"), "--guideline", AIF)
    assert code == 0
    assert output == {
        "ok": True,
        "findings": [],
        "totals": {"costs": "850.00", "income": "850.00", "requested": "600.00"},
        "session": "2026-03-10",
    }


def test_the_example_report_gives_the_final_grant_and_refund() -> None:
    code, output = run("report", str(FIXTURES / "report-aif.json"), "--guideline", AIF)
    assert code == 0
    assert output["result"]["final_grant"] == "576.40"
    assert output["result"]["refund"] == "23.60"
    assert output["result"]["outstanding"] == "0.00"


def test_the_example_meeting_approves_both_items() -> None:
    code, output = run("meeting", str(FIXTURES / "meeting-bga.json"))
    assert code == 0
    assert output["quorate"] is True
    assert [(i["outcome"], i["approved_amount"]) for i in output["items"]] == [
        ("approved", "600.00"),
        ("approved", "2000.00"),
    ]


CLOSING_RESULT = {
    "refund": "120.00",
    "interest_refund": "1.93",
    "interest_late_use": "3.45",
    "interest_total": "5.38",
}


def test_the_example_closing_gives_the_contract_figures_and_exits_0() -> None:
    code, output = run("closing", str(FIXTURES / "closing-aif.json"))
    assert code == 0
    assert output["ok"] is True
    assert output["result"] == CLOSING_RESULT
    assert [(f["code"], f["field"], f["severity"]) for f in output["findings"]] == [
        ("payout.late-use", "payouts[0]", "warning"),
        ("payout.late-use", "payouts[1]", "warning"),
    ]
    first = output["findings"][0]
    assert first["source"] == "§ 49a Abs. 4 VwVfG; Nr. 8.5 ANBest-P"
    # German, money and dates as a German reads them
    assert "Von der Auszahlung über 300,00\u00a0€ am 15.04.2026" in first["message"]


def test_a_closing_refunded_before_it_takes_effect_exits_1(tmp_path: Path) -> None:
    def too_early(data: dict[str, Any]) -> None:
        data["refund_on"] = "2026-05-31"

    code, output = run("closing", write_json(tmp_path, "closing-aif.json", too_early))
    assert code == 1
    assert ("closing.dates", "refund_on") in findings(output)
    assert output["result"]["interest_total"] == "0.00"


def test_a_closing_without_a_base_rate_for_an_interest_day_exits_2(tmp_path: Path) -> None:
    def late_table(data: dict[str, Any]) -> None:
        data["base_rates"] = [{"from": "2026-05-01", "rate": "1.27"}]

    code, output = run("closing", write_json(tmp_path, "closing-aif.json", late_table))
    assert code == 2
    assert output == {
        "ok": False,
        "findings": [
            {
                "code": "input.invalid",
                "severity": "error",
                "field": "base_rates",
                "message": output["findings"][0]["message"],
                "source": None,
            }
        ],
        "result": None,
    }
    assert "15.04.2026" in output["findings"][0]["message"]


def test_a_closing_needs_no_guideline_and_an_unreadable_one_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "closing.json"
    path.write_text('{"final_grant": "480.00",', encoding="utf-8")
    code, output = run("closing", str(path))
    assert code == 2
    assert findings(output) == {("input.invalid", "")}
    assert output["result"] is None


def test_error_findings_exit_1_sorted_by_field_and_code(tmp_path: Path) -> None:
    def break_it(data: dict[str, Any]) -> None:
        data["applicant"]["iban"] = "DE00120300000000202051"
        data["declarations"]["publicity"] = False
        data["financing"]["own_funds"] = "99.00"

    code, output = run(
        "application", write_json(tmp_path, "application-aif.json", break_it), "--guideline", AIF
    )
    assert code == 1
    assert output["ok"] is False
    assert [(f["field"], f["code"]) for f in output["findings"]] == [
        ("applicant.iban", "applicant.iban-invalid"),
        ("declarations.publicity", "declaration.missing"),
        ("financing", "plan.unbalanced"),
    ]
    assert all(f["severity"] == "error" and f["message"] for f in output["findings"])


def test_warnings_alone_exit_0(tmp_path: Path) -> None:
    def start_early(data: dict[str, Any]) -> None:
        data["project"]["early_start_requested"] = True

    code, output = run(
        "application", write_json(tmp_path, "application-aif.json", start_early), "--guideline", AIF
    )
    assert code == 0
    assert output["ok"] is True
    assert findings(output) == {("period.early-start", "project.early_start_requested")}


def test_committed_money_counts_against_the_budget() -> None:
    args = ("application", str(FIXTURES / "application-aif.json"), "--guideline", AIF)
    code, output = run(*args, "--committed", "39400.01")
    assert code == 1
    assert findings(output) == {("grant.exceeds-budget", "financing.requested")}
    # German formatting of money in the message (the localizer is German)
    assert "599,99" in output["findings"][0]["message"]
    assert run(*args, "--committed", "39400.00")[0] == 0


def test_unreadable_input_exits_2_with_only_input_invalid_findings(tmp_path: Path) -> None:
    def typo(data: dict[str, Any]) -> None:
        data["costs"][0]["amout"] = "480.00"
        data["fund"] = "JF-2026"

    code, output = run(
        "application", write_json(tmp_path, "application-aif.json", typo), "--guideline", AIF
    )
    assert code == 2
    assert findings(output) == {("input.invalid", "costs[0].amout"), ("input.invalid", "fund")}
    assert output["totals"] is None


@pytest.mark.parametrize("content", ['{"fund": ', "not json", '{"a": NaN}', ""])
def test_a_file_that_is_no_json_exits_2(tmp_path: Path, content: str) -> None:
    path = tmp_path / "broken.json"
    path.write_text(content, encoding="utf-8")
    code, output = run("meeting", str(path))
    assert code == 2
    assert findings(output) == {("input.invalid", "")}


def test_a_missing_file_exits_2(tmp_path: Path) -> None:
    code, output = run("report", str(tmp_path / "nowhere.json"), "--guideline", AIF)
    assert code == 2
    assert findings(output) == {("input.invalid", "")}


def test_input_may_come_from_stdin() -> None:
    text = (FIXTURES / "meeting-bga.json").read_text(encoding="utf-8")
    assert run("meeting", "-", stdin=text)[0] == 0


def test_a_guideline_with_a_missing_key_exits_2_naming_the_key(tmp_path: Path) -> None:
    broken = tmp_path / "g.toml"
    text = Path(AIF).read_text(encoding="utf-8").replace('budget = "40000.00"\n', "")
    broken.write_text(text.replace('km_rate_max = "0.20"', 'km_rate_max = "viel"'), "utf-8")
    code, output = run(
        "application", str(FIXTURES / "application-aif.json"), "--guideline", str(broken)
    )
    assert code == 2
    assert findings(output) == {
        ("guideline.invalid", "fund.budget"),
        ("guideline.invalid", "costs.km_rate_max"),
    }


def test_an_unreadable_guideline_exits_2(tmp_path: Path) -> None:
    code, output = run(
        "report", str(FIXTURES / "report-aif.json"), "--guideline", str(tmp_path / "missing.toml")
    )
    assert code == 2
    assert {f["code"] for f in output["findings"]} == {"guideline.invalid"}


@pytest.mark.parametrize("kind", ["application", "report"])
def test_application_and_report_need_a_guideline(kind: str) -> None:
    name = "application-aif.json" if kind == "application" else "report-aif.json"
    code, output = run(kind, str(FIXTURES / name))
    assert code == 2
    assert findings(output) == {("guideline.invalid", "")}


def test_an_unusable_committed_amount_exits_2() -> None:
    code, output = run(
        "application",
        str(FIXTURES / "application-aif.json"),
        "--guideline",
        AIF,
        "--committed",
        "-5",
    )
    assert code == 2
    assert findings(output) == {("input.invalid", "committed")}


def test_the_check_command_builds_no_app_and_needs_no_database(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def no_app() -> None:
        raise AssertionError("check must not create the Flask app")

    monkeypatch.setattr(service.cli, "create_app", no_app)
    assert run("meeting", str(FIXTURES / "meeting-bga.json"))[0] == 0


def test_the_installed_command_prints_utf8_json(tmp_path: Path) -> None:
    command = Path(sys.executable).parent / "foerderwerk"
    if not command.exists():  # a venv without the console script: use PATH
        found = shutil.which("foerderwerk")
        assert found, "the foerderwerk console script is not installed"
        command = Path(found)
    completed = subprocess.run(
        [
            str(command),
            "check",
            "application",
            str(FIXTURES / "application-aif.json"),
            "--guideline",
            AIF,
            "--committed",
            "39500",
        ],
        capture_output=True,
        check=False,
        cwd=tmp_path,
    )
    assert completed.returncode == 1
    text = completed.stdout.decode("utf-8")
    assert "Fördergrundsätze Aktions- und Initiativfonds 2026" in text  # not \u00f6
    assert json.loads(text)["findings"][0]["code"] == "grant.exceeds-budget"


def test_an_input_over_the_limit_exits_2_with_a_german_message(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("FOERDERWERK_CHECK_MAX_BYTES", "5000")
    big = tmp_path / "gross.json"
    big.write_text('{"x": "' + "y" * 6000 + '"}', encoding="utf-8")
    code, output = run("application", str(big), "--guideline", AIF)
    assert code == 2
    assert [(f["code"], f["field"]) for f in output["findings"]] == [("input.invalid", "")]
    assert "größer als 0,1 MB und wird nicht gelesen" in output["findings"][0]["message"]
    # the same from standard input
    code, output = run("meeting", "-", stdin='{"x": "' + "y" * 6000 + '"}')
    assert code == 2
    assert "nicht gelesen" in output["findings"][0]["message"]
    # below the limit the file is read as usual
    code, _output = run("meeting", str(FIXTURES / "meeting-bga.json"))
    assert code == 0


def test_a_1_gb_file_is_refused_without_reading_it_into_memory(tmp_path: Path) -> None:
    """Issue 14: checking a 1 GB file took 2.1 GB of memory. A sparse file costs no disk; the
    command's peak memory stays that of a start-up."""
    huge = tmp_path / "huge.json"
    with huge.open("wb") as handle:
        handle.truncate(1024 * 1024 * 1024)
    script = (
        "import resource, sys\n"
        "from service.cli import cli\n"
        "try:\n"
        "    cli.main(['check', 'meeting', sys.argv[1]], prog_name='foerderwerk')\n"
        "except SystemExit as end:\n"
        "    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024\n"
        "    print('PEAK', peak, 'EXIT', end.code, file=sys.stderr)\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", script, str(huge)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    _label, peak, _exit, code = completed.stderr.split()[-4:]
    assert code == "2", completed.stderr[-2000:]
    assert "größer als 1 MB" in json.loads(completed.stdout)["findings"][0]["message"]
    assert int(peak) < 400, f"peak memory {peak} MB"
