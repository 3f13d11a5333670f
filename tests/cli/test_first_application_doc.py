"""docs/operations.md, "Vom leeren System zum ersten Antrag" (issue 16.7), run as written: on an
empty PostgreSQL database, in production mode, every command of the guide's marked blocks in
its order – the real ``foerderwerk`` command in a subprocess, with the guide's files – then
the service it starts answers, and an applicant files an application through the web app.

What the guide asks a person to do by hand, the test does its own way, and nothing else:
PostgreSQL's ``createuser``/``createdb`` are an empty database on the test server (its address
replaces the guide's ``FOERDERWERK_DATABASE_URL``, a temporary folder replaces
``/var/lib/foerderwerk``, a generated key is appended as the guide's ``echo`` does); the shell
of the service account is an environment with the guide's settings and the virtual
environment first on PATH; the two password prompts get their answers on standard input; the
edit in Word is the changed sentence written into the copied template; ``/opt/foerderwerk``
is this checkout; the server listens on a free port instead of 8000 (other tests may use it).

The application is filed on 15 January 2027, before the guide's first deadline, whatever the
real date: the web app of that step runs with the guide's settings but in development mode
with FOERDERWERK_TODAY (production refuses a pinned day)."""

from __future__ import annotations

import os
import re
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from service import create_app, db
from service.domain.states import ApplicationState
from service.models import Application, OutboxMail
from tests.conftest import require_tools
from tests.databases import PostgresDatabases, pg_url
from tests.documents.template_edits import approval_saying, shipped
from tests.setup_guide import NEW_SENTENCE, SLUG, anbest_p_pdf, env_settings, guide, logo_png
from tests.web.apply_helpers import AIF_STEPS, csrf, fill_all

pytestmark = pytest.mark.postgres

CHECKOUT = Path(__file__).resolve().parents[2]
PASSWORD = "Lindenblatt Fahrrad Kompass 27"
APPLIED_ON = "2027-01-15"
# what a command must say for the guide's next step to make sense
SAYS = {
    "foerderwerk db current": "auf dem neuesten Stand",
    "foerderwerk partnerships create": "Partnerschaft für Demokratie Musterstadt",
    "foerderwerk staff add": "Rollen Systemverwaltung in musterstadt",
    "foerderwerk committees import": "Mitglieder: 9",
    "foerderwerk committees list": "Ilja Vertreter",
    "foerderwerk funds create": "AIF-2027 angelegt",
    "foerderwerk funds list": "08.03.2027, Frist 26.02.2027",
    "foerderwerk templates upload": "Version 1 wird jetzt für neue Dokumente verwendet",
    "foerderwerk templates list": "verwendet: Version 1",
    "curl": '"status":"ok"',
}


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 – loopback
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@pytest.fixture
def empty_postgres(_postgres_databases: PostgresDatabases) -> Iterator[str]:
    """A new, empty PostgreSQL database – what ``createdb`` leaves."""
    name = _postgres_databases.create()
    yield pg_url(name)
    _postgres_databases.drop_later(name)


def _settings(env_file: str, database_url: str, folder: Path) -> dict[str, str]:
    """The guide's settings file with the test's database and folders and a new key."""
    assert "FOERDERWERK_DATABASE_URL=postgresql+psycopg:///foerderwerk\n" in env_file
    assert "/var/lib/foerderwerk/" in env_file
    text = env_file.replace("postgresql+psycopg:///foerderwerk", database_url)
    text = text.replace("/var/lib/foerderwerk", str(folder))
    text += f"FOERDERWERK_SECRET_KEY={secrets.token_urlsafe(48)}\n"
    return env_settings(text)


def _shell_environment(settings: dict[str, str], home: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("FOERDERWERK_", "FLASK_"))
    }
    env.update(settings)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env["HOME"] = str(home)
    return env


def _wait_for(base: str, process: subprocess.Popen[str], log: Path) -> None:
    deadline = time.monotonic() + 90  # imports are slow on a busy two-core machine
    while True:
        assert process.poll() is None, log.read_text()
        try:
            _get(base + "/healthz")
            return
        except OSError:
            if time.monotonic() > deadline:
                pytest.fail("foerderwerk serve did not answer within 90 s")
            time.sleep(0.3)


@pytest.mark.timeout(900)
def test_the_guide_sets_up_an_empty_postgresql_database_until_an_application_is_received(
    empty_postgres: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    require_tools("curl")
    written = guide()
    assert set(written.files) == {
        "foerderwerk.env",
        "musterstadt.toml",
        "gremien.toml",
        "aif-2027.toml",
    }
    work = tmp_path / "einrichtung"
    work.mkdir()
    settings = _settings(written.files.pop("foerderwerk.env"), empty_postgres, tmp_path)
    for name, content in written.files.items():
        (work / name).write_text(content, encoding="utf-8")
    (work / "logo.png").write_bytes(logo_png())
    (work / "anbest-p.pdf").write_bytes(anbest_p_pdf())
    env = _shell_environment(settings, tmp_path)
    port = _free_port()
    server: subprocess.Popen[str] | None = None
    server_log = tmp_path / "serve.log"
    server_stderr = server_log.open("w")
    said: dict[str, str] = {}

    try:
        for written_command in written.commands:
            command = written_command.replace("/opt/foerderwerk", str(CHECKOUT))
            command = command.replace("127.0.0.1:8000", f"127.0.0.1:{port}")
            if command.startswith("foerderwerk serve"):
                server = subprocess.Popen(
                    ["bash", "-c", f"exec {command}"],
                    cwd=work,
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=server_stderr,
                    text=True,
                    start_new_session=True,
                )
                _wait_for(f"http://127.0.0.1:{port}", server, server_log)
                continue
            if "templates upload" in command:
                # the office's edit in Word: one sentence of the copied template changed
                copied = work / "zuwendungsbescheid.docx"
                assert copied.read_bytes() == shipped("approval")
                copied.write_bytes(approval_saying(NEW_SENTENCE))
            answers = f"{PASSWORD}\n{PASSWORD}\n" if "staff add" in command else ""
            result = subprocess.run(
                ["bash", "-c", command],
                cwd=work,
                env=env,
                input=answers,
                capture_output=True,
                text=True,
                timeout=300,
                start_new_session=True,  # no terminal: the password prompts read stdin
            )
            assert result.returncode == 0, f"{written_command}\n{result.stdout}\n{result.stderr}"
            assert "Traceback" not in result.stderr, result.stderr
            said[written_command] = result.stdout
        assert server is not None, "the guide starts no server"

        # what the commands said
        for start, expected in SAYS.items():
            output = next(out for cmd, out in said.items() if cmd.startswith(start))
            assert expected in output, f"{start}: {output}"

        # the applicant's address the guide names answers, with the fund and its deadline
        status, page = _get(f"http://127.0.0.1:{port}/p/{SLUG}/")
        assert status == 200
        assert "Partnerschaft für Demokratie Musterstadt" in page
        assert "Aktions- und Initiativfonds 2027" in page
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=60) == 0, server_log.read_text()
    finally:
        if server is not None and server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=30)
        server_stderr.close()

    # the first application, through the web app with the guide's settings
    for name, value in settings.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("FOERDERWERK_ENV", "development")
    monkeypatch.setenv("FOERDERWERK_TODAY", APPLIED_ON)
    app = create_app({"TESTING": True, "APPLICATION_PDF_IN_MAIL": False})
    try:
        client = app.test_client()
        start_page = client.get(f"/p/{SLUG}/").get_data(as_text=True)
        assert "8. März 2027" in start_page
        started = client.post(f"/p/{SLUG}/AIF-2027/antrag", data={"csrf_token": csrf(start_page)})
        assert started.status_code == 302
        steps = {
            step: {
                name: value.replace("2026", "2027") if isinstance(value, str) else value
                for name, value in fields.items()
            }
            for step, fields in AIF_STEPS.items()
        }
        review_url = fill_all(client, started.location, steps)
        review = client.get(review_url).get_data(as_text=True)
        key = re.search(r'name="idempotency_key" value="(\w+)"', review)
        assert key, "no idempotency key on the review page"
        submitted = client.post(
            review_url.replace("pruefen", "einreichen"),
            data={"csrf_token": csrf(review), "idempotency_key": key.group(1)},
            follow_redirects=True,
        )

        assert submitted.status_code == 200
        assert "AIF-2027-001" in submitted.get_data(as_text=True)
        with app.app_context():
            session = db.session()
            application = session.scalars(select(Application)).one()
            assert application.reference == "AIF-2027-001"
            assert application.state is ApplicationState.submitted
            assert application.fund.key == "AIF-2027"
            assert application.fund.partnership.slug == SLUG
            assert application.fund.committee is not None
            assert application.fund.committee.name == "Begleitausschuss Musterstadt"
            receipt = session.scalars(
                select(OutboxMail).where(OutboxMail.recipient == "kontakt@elbufer.example")
            ).one()
            assert "AIF-2027-001" in receipt.subject
    finally:
        with app.app_context():
            db.engine().dispose()
