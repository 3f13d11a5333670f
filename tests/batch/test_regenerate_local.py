"""``foerderwerk notices regenerate`` on one machine, as a real process with worker processes
and a warm LibreOffice each (R21: killed with SIGKILL mid-batch and restarted, every notice
is rendered exactly once and finished items are not redone)."""

from __future__ import annotations

import subprocess

import pytest
from sqlalchemy import func, select

from service.domain.states import ItemState, JobState
from service.models import BatchItem, BatchJob, Document
from service.models.migrate import upgrade
from service.operations.regeneration import DRAFT_DOCX, DRAFT_PDF

from ..conftest import require_tools
from .support import (
    FOERDERWERK,
    done_items,
    engine,
    environment,
    kill_hard,
    seed,
    start,
    wait_until,
)

pytestmark = pytest.mark.libreoffice

NOTICES = 200
KILL_AT = 57


@pytest.fixture
def instance(tmp_path):
    require_tools("soffice", "pdftotext")
    url = f"sqlite:///{tmp_path / 'foerderwerk.sqlite3'}"
    upgrade(url)
    return url, tmp_path


def _run(args, env, timeout=600):
    return subprocess.run(
        [FOERDERWERK, *args], env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


@pytest.mark.timeout(900)
def test_killed_at_item_57_and_restarted_every_notice_is_rendered_exactly_once(instance):
    url, tmp_path = instance
    env = environment(url, tmp_path / "run")
    seed(url, NOTICES, STORAGE_PATH=env["FOERDERWERK_STORAGE_PATH"])
    eng = engine(url)

    first = start(
        ["notices", "regenerate", "--fund", "MASSE-2026", "--workers", "2"],
        env,
        tmp_path / "first.log",
    )
    try:
        wait_until(lambda: done_items(eng) >= KILL_AT, 600, f"{KILL_AT} rendered items")
    finally:
        kill_hard(first)

    with eng.connect() as connection:
        before = dict(
            connection.execute(
                select(BatchItem.id, BatchItem.document_id).where(BatchItem.state == ItemState.done)
            ).all()
        )
        job_state = connection.scalar(select(BatchJob.state))
    assert KILL_AT <= len(before) < NOTICES, "the kill came too late to test anything"
    assert job_state is JobState.running

    second = _run(["notices", "regenerate", "--fund", "MASSE-2026", "--workers", "2"], env)

    assert second.returncode == 0, second.stdout + second.stderr
    assert "wird fortgesetzt" in second.stdout
    with eng.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(BatchJob)) == 1
        items = connection.execute(
            select(BatchItem.id, BatchItem.state, BatchItem.attempts, BatchItem.document_id)
        ).all()
        assert len(items) == NOTICES
        assert {item.state for item in items} == {ItemState.done}
        # none claimed twice; the items finished before the kill kept their documents
        assert {item.attempts for item in items} == {1}
        assert {i.id: i.document_id for i in items if i.id in before} == before
        for kind in (DRAFT_PDF, DRAFT_DOCX):
            rows = connection.execute(
                select(Document.number, func.count())
                .where(Document.kind == kind)
                .group_by(Document.number)
            ).all()
            assert len(rows) == NOTICES
            assert {count for _number, count in rows} == {1}
        assert connection.scalar(select(BatchJob.state)) is JobState.done

    # nothing changed: the re-run finds every record unchanged and renders nothing
    third = _run(["notices", "regenerate", "--fund", "MASSE-2026"], env, timeout=120)
    assert third.returncode == 0, third.stdout + third.stderr
    assert "Nichts zu erzeugen." in third.stdout
    assert f"{NOTICES} unverändert" in third.stdout
    eng.dispose()


def test_the_dry_run_lists_every_record_in_german_and_writes_nothing(instance):
    url, tmp_path = instance
    env = environment(url, tmp_path / "run")
    seed(url, 3)

    result = _run(["notices", "regenerate", "--all", "--dry-run"], env, timeout=120)

    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("Entwurf neu erzeugen; Vorlage – → ") == 3
    assert "Inhalt: (neu)" in result.stdout
    assert "Probelauf: Es wurde nichts gespeichert." in result.stdout
    eng = engine(url)
    with eng.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(Document)) == 0
        assert connection.scalar(select(func.count()).select_from(BatchJob)) == 0
    eng.dispose()


def test_without_a_scope_the_command_says_what_to_choose(instance):
    url, tmp_path = instance

    result = _run(["notices", "regenerate"], environment(url, tmp_path / "run"), timeout=60)

    assert result.returncode == 2
    assert "Bitte wählen Sie --fund, --session oder --all." in result.stderr
