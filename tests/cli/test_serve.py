"""``foerderwerk serve``: the real command in a subprocess – gunicorn on a free loopback port,
a migrated SQLite database, /healthz and a page answered, JSON log lines, a clean exit on
SIGTERM; and a German refusal, without a traceback, of an unsafe production configuration."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from service import create_app, db
from service.cli.serve import _is_local, _warn_about_proxies, default_workers
from service.operations.staff import DEMO_PASSWORD, add_staff_user
from tests.conftest import uow_on

STRONG_KEY = "Xq7-vR2pL9sK4mN8bT1wZ6yH3cF5dJ0gA_eU"
WEAK_KEY = "geheim"


def _command() -> list[str]:
    # the console script the package installs, beside this interpreter
    script = Path(sys.executable).with_name("foerderwerk")
    found = str(script) if script.exists() else shutil.which("foerderwerk")
    assert found, "the foerderwerk command is not installed"
    return [found]


def _environment(tmp_path: Path, **settings: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("FOERDERWERK_", "FLASK_"))
    }
    env.update(
        {
            "FOERDERWERK_DATABASE_URL": f"sqlite:///{tmp_path / 'serve.sqlite3'}",
            "FOERDERWERK_STORAGE_PATH": str(tmp_path / "documents"),
            "FOERDERWERK_MAIL_FOLDER": str(tmp_path / "mail"),
            "HOME": str(tmp_path),
        }
    )
    env.update({f"FOERDERWERK_{name}": value for name, value in settings.items()})
    return env


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _get(url: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 – loopback
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.fixture
def migrated(tmp_path: Path) -> dict[str, str]:
    env = _environment(
        tmp_path,
        ENV="production",
        SECRET_KEY=STRONG_KEY,
        BASE_URL="https://foerderwerk.kommune.example",
        TRUSTED_PROXIES="1",  # behind nginx, as docs/operations.md sets it up
    )
    result = subprocess.run(
        [*_command(), "db", "upgrade"], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return env


@pytest.fixture
def server(migrated: dict[str, str], tmp_path: Path) -> Iterator[tuple[subprocess.Popen, str]]:
    port = _free_port()
    stderr = (tmp_path / "serve.log").open("w+")
    process = subprocess.Popen(
        [*_command(), "serve", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
        env=migrated,
        stdout=subprocess.DEVNULL,
        stderr=stderr,
        text=True,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90  # imports are slow on a busy two-core machine
    while True:
        assert process.poll() is None, (tmp_path / "serve.log").read_text()
        try:
            _get(base + "/healthz")
            break
        except OSError:
            if time.monotonic() > deadline:
                process.kill()
                pytest.fail("foerderwerk serve did not answer within 90 s")
            time.sleep(0.3)
    yield process, base
    if process.poll() is None:  # a failed test: do not leave gunicorn behind
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
    stderr.close()


def test_serve_answers_health_and_pages_and_stops_cleanly_on_sigterm(server, tmp_path: Path):
    process, base = server

    health_status, health_headers, health_body = _get(base + "/healthz")
    page_status, page_headers, page_body = _get(base + "/")
    token = "Tk9uZS1vZi15b3VyLWJ1c2luZXNzLTEyMzQ1Njc4"
    _get(f"{base}/p/boizenburg-luebtheen/fortsetzen/{token}?email=jana@elbufer.example")

    process.send_signal(signal.SIGTERM)
    returncode = process.wait(timeout=60)
    log = (tmp_path / "serve.log").read_text()

    assert health_status == 200, log
    assert json.loads(health_body) == {
        "status": "ok",
        "checks": {"database": "ok", "migrations": "at head", "storage": "ok"},
    }
    assert health_headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in health_headers
    assert page_status == 200
    assert 'lang="de"' in page_body.decode()
    assert "Content-Security-Policy" in page_headers
    assert returncode == 0, log
    # every line of the server's stderr is a JSON object, the requests among them
    entries = [json.loads(line) for line in log.splitlines()]
    paths = [e["path"] for e in entries if e["logger"] == "foerderwerk.request"]
    assert "/healthz" in paths
    assert "/" in paths
    assert "/p/boizenburg-luebtheen/fortsetzen/[entfernt]" in paths
    assert token not in log
    assert "elbufer.example" not in log
    assert any(e["logger"] == "gunicorn.error" for e in entries)
    assert "Traceback" not in log


def _refused_by_serve(env: dict[str, str]) -> str:
    """Run serve in production and check it refused in German and listens nowhere; its stderr."""
    port = _free_port()
    result = subprocess.run(
        [*_command(), "serve", "--bind", f"127.0.0.1:{port}"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "Förderwerk startet im Produktionsbetrieb nicht" in result.stderr
    with socket.socket() as probe:  # and nothing listens
        assert probe.connect_ex(("127.0.0.1", port)) != 0
    return result.stderr


def test_serve_refuses_an_unsafe_production_configuration_in_german(tmp_path: Path):
    env = _environment(tmp_path, ENV="production", SECRET_KEY=WEAK_KEY, TODAY="2026-02-20")

    stderr = _refused_by_serve(env)

    assert "FOERDERWERK_SECRET_KEY" in stderr
    assert "FOERDERWERK_TODAY" in stderr
    assert WEAK_KEY not in stderr  # the key itself is never shown


def test_serve_refuses_to_start_in_production_while_a_demo_account_is_active(
    migrated: dict[str, str], tmp_path: Path
):
    # issue 14: `foerderwerk demo` made the admin account whose password the README publishes
    app = create_app({"DATABASE_URL": migrated["FOERDERWERK_DATABASE_URL"]})
    with app.app_context():
        add_staff_user(
            uow_on(db.session()), "admin@demo.example", "Alex Admin (Demo)", DEMO_PASSWORD, []
        )
        db.session().commit()
        db.engine().dispose()

    stderr = _refused_by_serve(migrated)

    assert "foerderwerk staff deactivate admin@demo.example" in stderr


@pytest.mark.parametrize(
    ("bind", "local"),
    [
        ("127.0.0.1:8000", True),
        ("localhost:8000", True),
        ("[::1]:8000", True),
        ("unix:/run/foerderwerk/web.sock", True),
        ("0.0.0.0:8000", False),
        ("[::]:8000", False),
        ("10.0.0.5:8000", False),
    ],
)
def test_which_bind_addresses_only_the_machine_itself_reaches(bind, local):
    assert _is_local(bind) is local


def test_serve_warns_about_proxy_settings_that_do_not_fit(capsys):
    production = Flask(__name__)
    production.config.update(ENV="production", TRUSTED_PROXIES=0)
    _warn_about_proxies(production, ("127.0.0.1:8000",))
    assert "FOERDERWERK_TRUSTED_PROXIES ist 0" in capsys.readouterr().err

    behind_proxy = Flask(__name__)
    behind_proxy.config.update(ENV="production", TRUSTED_PROXIES=1)
    _warn_about_proxies(behind_proxy, ("127.0.0.1:8000",))
    assert capsys.readouterr().err == ""
    _warn_about_proxies(behind_proxy, ("0.0.0.0:8000",))
    assert "jede beliebige Adresse" in capsys.readouterr().err


def test_the_default_number_of_workers_suits_a_modest_server():
    assert 2 <= default_workers() <= 8
