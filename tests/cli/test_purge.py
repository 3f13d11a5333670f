"""``foerderwerk purge`` and ``foerderwerk retention hold|release|show`` on the demo partnership
(SQLite and PostgreSQL), speaking German."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from service import create_app, db
from service.cli import cli
from service.demo import STORY_DAY
from service.models import Application, AuditLog, PurgedApplication
from service.operations.demo import load_demo

# The demo loads its files today: the rejected AIF-2026-005 is kept until the end of the
# third year after this one, the two drafts until the end of next year.
FAR = "2099-01-01"


@pytest.fixture
def demo(db_url: str, tmp_path: Path) -> Iterator[Flask]:
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key-with-enough-entropy-0123456789",
            "DATABASE_URL": db_url,
            "STORAGE_PATH": str(tmp_path / "documents"),
            "UPLOAD_PATH": str(tmp_path / "uploads"),
        }
    )
    with app.app_context():
        load_demo(db.session(), STORY_DAY)
        db.session().commit()
    yield app
    with app.app_context():
        db.engine().dispose()


def invoke(app: Flask, *args: str):
    return app.test_cli_runner().invoke(cli, list(args), catch_exceptions=False)


def _count(app: Flask, model: type) -> int:
    with app.app_context():
        return int(db.session().scalar(select(func.count()).select_from(model)) or 0)


def test_a_dry_run_lists_the_due_files_and_changes_nothing(demo: Flask) -> None:
    applications = _count(demo, Application)

    result = invoke(demo, "purge", "--dry-run", "--today", FAR)

    assert result.exit_code == 0, result.output
    assert "AIF-2026-005: würde gelöscht (Abgelehnter oder zurückgezogener Antrag" in result.output
    assert "Nie eingereichter Entwurf" in result.output
    assert "Probelauf, Stand 01.01.2099 – zu löschende Akten: 3" in result.output
    assert _count(demo, Application) == applications
    assert _count(demo, PurgedApplication) == 0


def test_purge_deletes_the_due_files_once_and_a_second_run_finds_nothing(demo: Flask) -> None:
    applications = _count(demo, Application)

    first = invoke(demo, "purge", "--today", FAR)
    audit_entries = _count(demo, AuditLog)
    second = invoke(demo, "purge", "--today", FAR)

    assert first.exit_code == 0, first.output
    assert "AIF-2026-005: gelöscht" in first.output
    assert "Stand 01.01.2099 – gelöschte Akten: 3; wegen Sperrvermerk aufbewahrt: 0" in first.output
    assert _count(demo, Application) == applications - 3
    assert _count(demo, PurgedApplication) == 3
    assert second.exit_code == 0, second.output
    assert "gelöschte Akten: 0" in second.output
    assert _count(demo, AuditLog) == audit_entries
    assert _count(demo, PurgedApplication) == 3


def test_nothing_is_due_before_the_periods_end(demo: Flask) -> None:
    result = invoke(demo, "purge")

    assert result.exit_code == 0, result.output
    assert "gelöschte Akten: 0" in result.output


def test_a_legal_hold_keeps_the_file_until_it_is_released(demo: Flask) -> None:
    hold = invoke(demo, "retention", "hold", "AIF-2026-005", "--reason", "Klage 3 A 1/27")
    held_run = invoke(demo, "purge", "--today", FAR)
    show = invoke(demo, "retention", "show", "AIF-2026-005")
    release = invoke(demo, "retention", "release", "AIF-2026-005")
    release_again = invoke(demo, "retention", "release", "AIF-2026-005")
    last_run = invoke(demo, "purge", "--today", FAR)

    assert "AIF-2026-005 trägt einen Sperrvermerk und wird nicht gelöscht." in hold.output
    assert "AIF-2026-005: wegen Sperrvermerk aufbewahrt (Frist endete am 31.12." in held_run.output
    assert "gelöschte Akten: 2; wegen Sperrvermerk aufbewahrt: 1" in held_run.output
    assert "Abgelehnter oder zurückgezogener Antrag, 3 Jahre ab Ende" in show.output
    assert "Sperrvermerk seit" in show.output
    assert "Klage 3 A 1/27" in show.output
    assert "Der Sperrvermerk auf AIF-2026-005 ist aufgehoben" in release.output
    assert "AIF-2026-005 trägt keinen Sperrvermerk." in release_again.output
    assert "AIF-2026-005: gelöscht" in last_run.output
    with demo.app_context():
        actions = list(
            db.session().scalars(
                select(AuditLog.action)
                .where(AuditLog.action.like("retention.%"))
                .order_by(AuditLog.id)
            )
        )
    assert actions == ["retention.hold"] + ["retention.purge"] * 2 + [
        "retention.release",
        "retention.purge",
    ]


def test_an_open_file_shows_that_its_period_has_not_started(demo: Flask) -> None:
    result = invoke(demo, "retention", "show", "AIF-2026-001")

    assert "AIF-2026-001 ist noch nicht abgeschlossen" in result.output


def test_unknown_files_and_missing_reasons_are_refused_in_german(demo: Flask) -> None:
    unknown = invoke(demo, "retention", "hold", "AIF-1999-999", "--reason", "x")
    blank = invoke(demo, "retention", "hold", "AIF-2026-005", "--reason", "  ")

    assert unknown.exit_code == 2
    assert "Es gibt keinen Antrag „AIF-1999-999“" in unknown.output
    assert blank.exit_code == 2
    assert "Bitte geben Sie einen Grund für den Sperrvermerk an." in blank.output


def test_a_retention_period_below_the_legal_minimum_is_refused(
    demo: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(demo.config, "RETENTION_GRANTED_YEARS", 2)

    result = invoke(demo, "purge", "--today", FAR)

    assert result.exit_code == 2
    assert "Die Aufbewahrungsfristen sind nicht verwendbar" in result.output
    assert _count(demo, PurgedApplication) == 0
