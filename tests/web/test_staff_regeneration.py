"""The staff page of batch regeneration: dry run, start (a thread of the web process without
a broker), progress page, cancel and resume; only the lead office starts."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import func, select

from service import db
from service.batch import runner
from service.domain.states import JobState
from service.models import BatchJob, Document
from service.operations.regeneration import DRAFT_PDF, pending_items
from service.operations.seed import seed_notices
from tests.conftest import uow_on

from ..operations.test_regeneration import fake_pdf
from .staff_support import COMMITTEE, KUF, LEAD, STAFF, log_in, post, text

PAGE = f"{STAFF}/bescheide/neu-erzeugen"


@pytest.fixture
def seeded(demo_app, monkeypatch):
    monkeypatch.setattr("service.batch.work.convert_pdf", fake_pdf)
    with demo_app.app_context():
        seed_notices(uow_on(db.session()), 3)
        db.session().commit()
    return demo_app


def _wait_for(app, job_id, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with app.app_context():
            job = db.session().get(BatchJob, job_id)
            if job.state is not JobState.running:
                return job.state
        time.sleep(0.1)
    raise AssertionError("the job did not finish")


def test_the_dry_run_lists_the_changes_and_writes_nothing(seeded):
    lead = seeded.test_client()
    log_in(lead, LEAD)

    page = lead.get(f"{PAGE}?scope=fund&fund=MASSE-2026&reason=")

    assert page.status_code == 200
    body = text(page)
    assert "3 Bescheide ausgewählt: 0 neue Entwürfe, 3 Entwürfe neu zu erzeugen" in body
    assert body.count("Entwurf neu erzeugen") == 3
    assert "Neu erzeugen starten" in body
    with seeded.app_context():
        assert db.session().scalar(select(func.count()).select_from(BatchJob)) == 0


def test_the_lead_office_starts_a_job_and_follows_it_to_the_end(seeded):
    lead = seeded.test_client()
    log_in(lead, LEAD)

    response = post(lead, PAGE, {"scope": "fund", "fund": "MASSE-2026", "reason": ""}, PAGE)

    assert response.status_code == 302
    job_url = response.headers["Location"]
    job_id = int(job_url.rstrip("/").rsplit("/", 1)[1])
    assert _wait_for(seeded, job_id) is JobState.done
    page = lead.get(job_url)
    body = text(page)
    assert "3 von 3 erledigt, 0 davon fehlgeschlagen." in body
    assert "Kein Bescheid ist fehlgeschlagen." in body
    assert 'http-equiv="refresh"' not in page.get_data(as_text=True)  # finished: no refresh
    with seeded.app_context():
        drafts = db.session().scalar(
            select(func.count()).select_from(Document).where(Document.kind == DRAFT_PDF)
        )
        assert drafts == 3
    # nothing changed since: the page says so instead of starting an empty job
    again = lead.get(f"{PAGE}?scope=fund&fund=MASSE-2026")
    assert "Nichts zu erzeugen: Alle Bescheide sind aktuell." in text(again)


def test_a_job_whose_process_ended_is_shown_as_stalled_and_can_be_resumed(seeded, monkeypatch):
    monkeypatch.setattr(runner, "start_in_thread", lambda app, job_id: None)  # the process "dies"
    lead = seeded.test_client()
    log_in(lead, LEAD)
    response = post(lead, PAGE, {"scope": "all", "reason": ""}, PAGE)
    job_url = response.headers["Location"]
    job_id = int(job_url.rsplit("/", 1)[1])
    with seeded.app_context():
        job = db.session().get(BatchJob, job_id)
        job.owner = "elsewhere:1"
        job.heartbeat_at = None
        db.session().commit()

    page = lead.get(job_url)
    assert "Diesen Auftrag bearbeitet gerade niemand" in text(page)
    assert 'http-equiv="refresh"' not in page.get_data(as_text=True)

    monkeypatch.undo()
    monkeypatch.setattr("service.batch.work.convert_pdf", fake_pdf)
    resumed = post(lead, f"{job_url}/fortsetzen", {}, job_url)
    assert resumed.status_code == 302
    assert _wait_for(seeded, job_id) is JobState.done


def test_the_coordination_office_watches_but_does_not_start_and_the_committee_sees_nothing(
    seeded,
):
    kuf = seeded.test_client()
    log_in(kuf, KUF)
    page = kuf.get(f"{PAGE}?scope=all")
    assert page.status_code == 200
    assert "Nur das federführende Amt startet eine Neuerzeugung." in text(page)
    assert post(kuf, PAGE, {"scope": "all"}, PAGE).status_code in (403, 404)

    committee = seeded.test_client()
    log_in(committee, COMMITTEE)
    assert committee.get(PAGE).status_code in (403, 404)


def test_cancelling_stops_handing_out_items_and_keeps_what_is_rendered(seeded, monkeypatch):
    monkeypatch.setattr(runner, "start_in_thread", lambda app, job_id: None)
    lead = seeded.test_client()
    log_in(lead, LEAD)
    job_url = post(lead, PAGE, {"scope": "fund", "fund": "MASSE-2026"}, PAGE).headers["Location"]

    response = post(lead, f"{job_url}/abbrechen", {}, job_url)

    assert response.status_code == 302
    with seeded.app_context():
        (job,) = db.session().scalars(select(BatchJob)).all()
        assert job.state is JobState.cancelled
    assert "Abgebrochen" in text(lead.get(job_url))


def test_with_the_job_queue_down_the_page_says_so_and_the_job_is_kept(seeded):
    seeded.config["CELERY_BROKER"] = "redis://127.0.0.1:1/0"  # nothing listens there
    lead = seeded.test_client()
    log_in(lead, LEAD)

    response = post(lead, PAGE, {"scope": "fund", "fund": "MASSE-2026"}, PAGE)

    assert response.status_code == 302
    page = lead.get(response.headers["Location"])
    assert "Die Auftragswarteschlange ist gerade nicht erreichbar." in text(page)
    with seeded.app_context():
        (job,) = db.session().scalars(select(BatchJob)).all()
        assert job.state is JobState.running
        assert job.mode == "celery"
        assert len(pending_items(db.session(), job.id)) == 3
