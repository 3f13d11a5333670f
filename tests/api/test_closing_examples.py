"""Every closing example of the contract through `foerderwerk check closing` and
`POST /api/v1/check/closing`, with the output the contract gives (spec/rules.md, "Closing a
grant": refund 120.00, interest 1.93 + 3.45 = 5.38, late use on both payouts, exit 0).

The examples live in the contract's folder (``../shared/spec/examples`` beside the repository,
or ``FOERDERWERK_SPEC_DIR``); tests/fixtures holds byte-equal copies so that the suite also
runs where the contract's folder is absent. Where the folder is present, its closing examples
are the ones that run, and a new example without an expected output here fails.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from service.cli import cli
from tests.conftest import FIXTURES

REPO = Path(__file__).resolve().parents[2]
SPEC_DIR = Path(os.environ.get("FOERDERWERK_SPEC_DIR", REPO.parent / "shared" / "spec"))
SPEC_EXAMPLES = SPEC_DIR / "examples"

LATE_USE_SOURCE = "§ 49a Abs. 4 VwVfG; Nr. 8.5 ANBest-P"

# exit code of the command, HTTP status of the API, and the JSON both print
EXPECTED: dict[str, dict[str, Any]] = {
    "closing-aif.json": {
        "exit": 0,
        "status": 200,
        "output": {
            "ok": True,
            "findings": [
                {
                    "code": "payout.late-use",
                    "severity": "warning",
                    "field": "payouts[0]",
                    "message": "Von der Auszahlung über 300,00\xa0€ am 15.04.2026 wurden "
                    "100,00\xa0€ erst mehr als 42 Tage nach der Auszahlung verwendet (zuletzt "
                    "am 30.07.2026). Für die Zeit von der Auszahlung bis zur Verwendung werden "
                    "Zinsen verlangt.",
                    "source": LATE_USE_SOURCE,
                },
                {
                    "code": "payout.late-use",
                    "severity": "warning",
                    "field": "payouts[1]",
                    "message": "Von der Auszahlung über 300,00\xa0€ am 01.06.2026 wurden "
                    "156,00\xa0€ erst mehr als 42 Tage nach der Auszahlung verwendet (zuletzt "
                    "am 30.07.2026). Für die Zeit von der Auszahlung bis zur Verwendung werden "
                    "Zinsen verlangt.",
                    "source": LATE_USE_SOURCE,
                },
            ],
            "result": {
                "refund": "120.00",
                "interest_refund": "1.93",
                "interest_late_use": "3.45",
                "interest_total": "5.38",
            },
        },
    },
}


def _examples() -> list[Path]:
    """The contract's closing examples, else the copies in tests/fixtures."""
    folder = SPEC_EXAMPLES if SPEC_EXAMPLES.is_dir() else FIXTURES
    return sorted(folder.glob("closing-*.json"))


EXAMPLES = _examples()


def test_there_is_a_closing_example_and_each_has_its_expected_output_and_copy() -> None:
    assert EXAMPLES, "no closing example found"
    assert {path.name for path in EXAMPLES} == set(EXPECTED)
    # the copy the suite falls back on is the contract's example, byte for byte
    for path in EXAMPLES:
        assert (FIXTURES / path.name).read_bytes() == path.read_bytes(), path.name
    assert {path.name for path in FIXTURES.glob("closing-*.json")} == set(EXPECTED)


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda path: path.name)
def test_the_check_command_prints_the_contract_s_output(example: Path) -> None:
    expected = EXPECTED[example.name]
    result = CliRunner().invoke(cli, ["check", "closing", str(example)], catch_exceptions=False)
    assert result.exit_code == expected["exit"]
    assert json.loads(result.stdout) == expected["output"]


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda path: path.name)
def test_the_api_answers_the_contract_s_output(example: Path, demo_app: Any) -> None:
    expected = EXPECTED[example.name]
    client = demo_app.test_client()
    for path in ("/api/v1/check/closing", "/p/boizenburg-luebtheen/api/v1/check/closing"):
        response = client.post(path, data=example.read_bytes(), content_type="application/json")
        assert response.status_code == expected["status"], path
        assert response.get_json() == expected["output"], path


def test_the_installed_command_run_as_the_issue_says_prints_the_figures() -> None:
    """`foerderwerk check closing ../shared/spec/examples/closing-aif.json` from the
    repository (the acceptance of issue 19), in a process of its own."""
    example = next(path for path in EXAMPLES if path.name == "closing-aif.json")
    command = shutil.which("foerderwerk", path=str(Path(sys.executable).parent))
    assert command is not None
    argument = os.path.relpath(example, REPO)
    done = subprocess.run(
        [command, "check", "closing", argument],
        cwd=REPO,
        capture_output=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    assert json.loads(done.stdout.decode("utf-8")) == EXPECTED["closing-aif.json"]["output"]
