"""The funds page in a real browser (issue 16.2): zero axe-core violations for the list and
for a refused upload, whose error summary takes the focus and links to the file field; all by
keyboard. A refused upload saves nothing, so the shared demo stays as it was."""

from __future__ import annotations

from typing import Any

from .conftest import check_page
from .test_staff_browser import SLUG, _sign_in_with_the_keyboard

BROKEN = b"""[fund]
key = "AIF-2027"
name = "Aktions- und Initiativfonds 2027"
kind = "aktions-und-initiativfonds"
year = "2027"
"""


def test_the_funds_page_and_a_refused_upload_are_accessible(live_server, page: Any, tmp_path):
    base = live_server.url
    _sign_in_with_the_keyboard(page, base, "admin@demo.example")
    page.goto(f"{base}/p/{SLUG}/staff/verwaltung/foerdertoepfe")
    check_page(page, "staff-foerdertoepfe")
    assert page.get_by_role("heading", name="Fördertöpfe", exact=True).count() == 1

    broken = tmp_path / "aif-2027.toml"
    broken.write_bytes(BROKEN)
    page.set_input_files("#guideline-file", str(broken))
    page.focus("#guideline-file")
    page.keyboard.press("Tab")  # the committee
    page.keyboard.press("Tab")  # the upload button
    with page.expect_navigation():
        page.keyboard.press("Enter")

    check_page(page, "staff-foerdertoepfe-fehler")
    summary = page.locator("#error-summary")
    assert summary.is_visible()
    assert page.evaluate("document.activeElement.id") == "error-summary"
    assert "„fund.budget“" in summary.inner_text()
    assert "„fund.year“" in summary.inner_text()
    summary.locator("a").first.click()
    assert page.evaluate("document.activeElement.id") == "guideline-file"
