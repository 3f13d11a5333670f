"""R22: PostgreSQL restarted mid-request and between requests, on a private cluster of our
own (tests/faults/pgcluster.py). During the outage the applicant gets the German 503 page
with Retry-After, never a 500 or a traceback; nothing of the interrupted request is stored;
the very next request after the restart succeeds (pool_pre_ping replaces the dead pooled
connections)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import create_engine, pool, text

from service import db
from service.models import Application
from service.models.migrate import upgrade
from service.operations import applications as application_ops

from ..web.apply_helpers import AIF_STEPS, csrf, make_app, post_step, start
from .pgcluster import PrivateCluster

pytestmark = pytest.mark.postgres

GERMAN_503 = "Der Dienst ist kurz nicht erreichbar"


@pytest.fixture(scope="module")
def cluster() -> Iterator[PrivateCluster]:
    cluster = PrivateCluster()
    try:
        cluster.init()
        cluster.start()
        admin = create_engine(
            cluster.url("postgres"), isolation_level="AUTOCOMMIT", poolclass=pool.NullPool
        )
        with admin.connect() as connection:
            connection.execute(text('CREATE DATABASE "foerderwerk"'))
        admin.dispose()
        upgrade(cluster.url("foerderwerk"))
        yield cluster
    finally:
        cluster.destroy()


@pytest.fixture
def web_app(cluster: PrivateCluster, tmp_path: Path) -> Iterator[Flask]:
    app = make_app(cluster.url("foerderwerk"), tmp_path)
    yield app
    with app.app_context():
        db.engine().dispose()


def _assert_german_503(response: Any) -> None:
    page = response.get_data(as_text=True)
    assert response.status_code == 503, page[:2000]
    assert response.headers["Retry-After"] == "120"
    assert GERMAN_503 in page
    assert "nicht gespeichert" in page  # says what happened to what was just sent
    assert "Traceback" not in page
    assert "OperationalError" not in page


def _stored(app: Flask, app_id: int) -> tuple[str | None, int]:
    with app.app_context():
        application = db.session().get(Application, app_id)
        assert application is not None
        return application.applicant_name, application.version


def test_a_restart_in_the_middle_of_saving_gives_a_503_and_loses_nothing_saved_before(
    web_app: Flask, cluster: PrivateCluster, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = web_app.test_client()
    step1 = start(client)
    app_id = int(step1.split("/")[-2])
    assert post_step(client, step1, AIF_STEPS["antragsteller"], action="save").status_code == 302
    before = _stored(web_app, app_id)
    assert before[0] == "Kulturverein Elbufer e.V."

    token = csrf(client.get(step1).get_data(as_text=True))

    # The server goes down after the request has read the draft and before it writes.
    original = application_ops.save_draft

    def restart_midway(session: Any, *args: Any, **kwargs: Any) -> Any:
        cluster.stop("fast")
        return original(session, *args, **kwargs)

    monkeypatch.setattr(application_ops, "save_draft", restart_midway)
    changed = dict(AIF_STEPS["antragsteller"], name="Geänderter Verein e.V.")
    _assert_german_503(post_step(client, step1, changed, action="save"))
    monkeypatch.setattr(application_ops, "save_draft", original)

    # While it is down, every page answers the same way; the autosave script gets JSON.
    _assert_german_503(client.get(step1))
    autosave = client.post(
        step1,
        data={**changed, "csrf_token": token, "version": "", "action": "autosave"},
        headers={"Accept": "application/json"},
    )
    assert autosave.status_code == 503
    assert autosave.headers["Retry-After"] == "120"
    assert autosave.json is not None
    assert autosave.json["saved"] is False
    assert "nicht gespeichert" in autosave.json["message"]

    cluster.start()
    # The very next request works; the interrupted one left nothing half-written.
    assert client.get(step1).status_code == 200
    assert _stored(web_app, app_id) == before
    assert post_step(client, step1, changed, action="save").status_code == 302
    assert _stored(web_app, app_id)[0] == "Geänderter Verein e.V."


def test_a_restart_between_requests_is_invisible_to_the_next_request(
    web_app: Flask, cluster: PrivateCluster
) -> None:
    client = web_app.test_client()
    step1 = start(client)
    assert client.get(step1).status_code == 200  # the pool now holds a live connection
    with web_app.app_context():
        assert db.engine().pool.checkedin() >= 1

    cluster.stop("fast")
    cluster.start()

    # Without pool_pre_ping the pooled connection (killed by the restart) would fail this
    # request; with it, the dead connection is noticed and replaced.
    response = post_step(client, step1, AIF_STEPS["antragsteller"], action="save")
    assert response.status_code == 302
    assert _stored(web_app, int(step1.split("/")[-2]))[0] == "Kulturverein Elbufer e.V."
