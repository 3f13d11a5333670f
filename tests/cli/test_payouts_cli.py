"""``foerderwerk payouts import`` (issue 19.1): a German preview that saves nothing, --apply
records the matched lines once (the same file again records nothing), a malformed file is
refused with its line numbers."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from flask import Flask
from sqlalchemy import select

from service import db
from service.cli import cli
from service.models import Payout, PayoutSource
from tests.payout_support import HEADER, approved_request

SLUG = "boizenburg-luebtheen"
GOOD = (
    HEADER
    + "AIF-2026-901-1;675,00;01.05.2026;;\r\n"
    + ";1.234,56;02.05.2026;;Zuschuss AIF-2026-902\r\n"
    + "AIF-2026-903-1;100,00;02.05.2026;;\r\n"
    + "XYZ-1;5,00;02.05.2026;;\r\n"
)


def _invoke(app: Flask, *args: str):
    return app.test_cli_runner().invoke(cli, args=list(args))


def _setup(app: Flask) -> None:
    with app.app_context():
        session = db.session()
        approved_request(session, SLUG, "AIF-2026-901", "675.00")
        approved_request(session, SLUG, "AIF-2026-902", "1234.56")
        approved_request(session, SLUG, "AIF-2026-903", "150.00")
        session.commit()


def _payouts(app: Flask) -> list[tuple[Decimal, PayoutSource]]:
    with app.app_context():
        rows = db.session().scalars(select(Payout).order_by(Payout.id)).all()
        return [(p.amount, p.source) for p in rows]


def _file(tmp_path: Path, text: str, encoding: str = "utf-8") -> str:
    path = tmp_path / "kasse.csv"
    path.write_bytes(text.encode(encoding))
    return str(path)


def test_the_preview_shows_what_matches_in_german_and_saves_nothing(demo_app, tmp_path):
    _setup(demo_app)
    before = _payouts(demo_app)

    result = _invoke(demo_app, "payouts", "import", "--partnership", SLUG, _file(tmp_path, GOOD))

    assert result.exit_code == 0, result.output
    out = result.output
    assert "Passt" in out
    assert "Betrag weicht ab" in out
    assert "Unbekanntes Kassenzeichen" in out
    assert "1.234,56" in out
    assert "Zeile 3" in out
    assert "Aktenzeichen und Betrag" in out
    assert "2 von 4 Zeilen" in out
    assert _payouts(demo_app) == before


def test_apply_records_the_matched_lines_once(demo_app, tmp_path):
    _setup(demo_app)
    before = _payouts(demo_app)
    path = _file(tmp_path, GOOD, "cp1252")

    first = _invoke(demo_app, "payouts", "import", "--partnership", SLUG, path, "--apply")
    assert first.exit_code == 0, first.output
    added = _payouts(demo_app)[len(before) :]
    assert added == [
        (Decimal("675.00"), PayoutSource.csv),
        (Decimal("1234.56"), PayoutSource.csv),
    ]
    assert "2 Auszahlungen erfasst" in first.output
    assert "Nicht erfasst" in first.output

    again = _invoke(demo_app, "payouts", "import", "--partnership", SLUG, path, "--apply")
    assert again.exit_code == 0, again.output
    assert _payouts(demo_app)[len(before) :] == added
    assert "bereits erfasst" in again.output


def test_a_malformed_file_is_refused_with_its_line_numbers(demo_app, tmp_path):
    _setup(demo_app)
    before = _payouts(demo_app)
    bad = GOOD + "AIF-2026-903-1;hundert;02.05.2026;;\r\n"
    path = _file(tmp_path, bad)

    preview = _invoke(demo_app, "payouts", "import", "--partnership", SLUG, path)
    assert preview.exit_code == 1
    assert "Zeile 6" in preview.output

    applied = _invoke(demo_app, "payouts", "import", "--partnership", SLUG, path, "--apply")
    assert applied.exit_code == 1
    assert "6" in applied.output
    assert _payouts(demo_app) == before


def test_nothing_matching_exits_1(demo_app, tmp_path):
    path = _file(tmp_path, HEADER + "XYZ-1;5,00;02.05.2026;;\r\n")
    result = _invoke(demo_app, "payouts", "import", "--partnership", SLUG, path)
    assert result.exit_code == 1
