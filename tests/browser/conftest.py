"""Browser tests: Debian's chromium driven by Playwright against the app on a werkzeug
server thread (127.0.0.1, random port). Never `playwright install`: the system browser is
used. Without chromium the tests skip locally and FAIL on CI."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import make_server

from service import db
from tests.conftest import ON_CI
from tests.web.apply_helpers import make_app

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--lang=de-DE",  # the browser's own words (file picker) in German too
]
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# FOERDERWERK_SCREENSHOTS=docs/samples/forms keeps a picture of every checked page state
SCREENSHOTS = os.environ.get("FOERDERWERK_SCREENSHOTS")


class LiveServer:
    def __init__(self, app: Any, mail_folder: Path) -> None:
        self.app = app
        self.mail_folder = mail_folder
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def mails(self) -> list[str]:
        from tests.web.apply_helpers import mails

        return mails(self.mail_folder.parent)


@pytest.fixture(scope="session")
def live_server(
    tmp_path_factory: pytest.TempPathFactory, _sqlite_template: Path
) -> Iterator[LiveServer]:
    folder = tmp_path_factory.mktemp("browser")
    shutil.copyfile(_sqlite_template, folder / "db.sqlite3")
    app = make_app(f"sqlite:///{folder / 'db.sqlite3'}", folder)
    locale = os.environ.get("FOERDERWERK_TEST_LOCALE_DIR")
    if locale:  # a catalog with translations not yet merged, for screenshots
        app.extensions["babel"].translation_directories = [locale]
    server = LiveServer(app, folder / "mail")
    # links in e-mails are built from BASE_URL (issue 14): the live server's own address,
    # as a real site's would be, so a test can follow the link a mail carries
    app.config["BASE_URL"] = server.url
    server.thread.start()
    yield server
    server.server.shutdown()
    with app.app_context():
        db.engine().dispose()


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        if ON_CI:
            pytest.fail(f"{CHROMIUM} is missing – on CI the browser tests must run")
        pytest.skip(f"{CHROMIUM} is missing")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium: Any) -> Iterator[Any]:
    context = chromium.new_context(locale="de-DE", viewport={"width": 1000, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10000)
    yield page
    context.close()


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """axe-core's violations of WCAG 2.1 A/AA on the page as it is now."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}}))"
        ".violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.map(n => n.target.join(' '))}))",
        AXE_TAGS,
    )
    return list(result)


def check_page(page: Any, name: str) -> None:
    """Zero axe violations; a screenshot of the state when asked for."""
    violations = axe_violations(page)
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}.png"), full_page=True)
    assert violations == [], f"{name}: {violations}"
