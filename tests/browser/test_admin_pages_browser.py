"""Every admin page of a partnership (issue 16) in one loop: accounts, settings, funds,
committees and templates, each with its error states – zero axe-core violations (WCAG 2.1
A/AA) and operable by keyboard.

Keyboard operable means here: every visible control of the page (links, buttons, fields,
selects, file fields, at least one radio of each group) is reached with the Tab key, in the
order of the page (no positive tabindex), and shows the focus outline when it is. The pages
use native controls only, so what is reached can be used with Enter and Space; the
per-page tests (test_admin_committees_browser.py, test_funds_browser.py, the templates test in
test_staff_browser.py) drive their forms by keyboard.

Read-only like the other tests on the shared demo server: every error state comes from a
refused form, which saves nothing."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.documents.template_edits import approval_saying

from .conftest import check_page
from .test_funds_browser import BROKEN as GUIDELINE_WITHOUT_BUDGET
from .test_staff_browser import SLUG, _sign_in_with_the_keyboard

pytestmark = pytest.mark.browser

ADMIN = f"/p/{SLUG}/staff/verwaltung"
COMMITTEE = "Begleitausschuss Boizenburg/Elbe – Lübtheen"  # of the demo

# Marks every control a keyboard user must reach and logs each focus with whether its
# outline is visible.
_PREPARE = """() => {
  const visible = e => !!(e.offsetWidth || e.offsetHeight || e.getClientRects().length)
    && getComputedStyle(e).visibility !== 'hidden' && !e.closest('[hidden], [inert]');
  const controls = [...document.querySelectorAll(
    'a[href], button, input:not([type=hidden]), select, textarea, summary')]
    .filter(e => visible(e) && !e.disabled);
  const radios = new Set();
  let n = 0;
  for (const e of controls) {
    if (e.type === 'radio') {
      if (radios.has(e.name)) continue;  // one tab stop per group, arrows inside
      radios.add(e.name);
      document.querySelectorAll(`input[type=radio][name="${e.name}"]`)
        .forEach(r => r.dataset.kbGroup = String(n));
    }
    e.dataset.kb = String(n++);
  }
  window.__kb = [];
  document.addEventListener('focusin', event => {
    const e = event.target;
    const style = getComputedStyle(e);
    const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
    window.__kb.push({
      id: e.dataset.kb || e.dataset.kbGroup || null,
      outline: outline || style.boxShadow !== 'none',
      name: (e.id || e.name || e.textContent || e.tagName).trim().slice(0, 60),
    });
  });
  return {
    count: n,
    positive: [...document.querySelectorAll('[tabindex]')].filter(e => e.tabIndex > 0).length,
  };
}"""


def assert_keyboard_operable(page: Any, name: str) -> None:
    """Every control reached by Tab, with a visible focus, no positive tabindex."""
    prepared = page.evaluate(_PREPARE)
    assert prepared["positive"] == 0, f"{name}: a positive tabindex changes the order"
    wanted = {str(i) for i in range(prepared["count"])}
    seen: set[str] = set()
    for _ in range(2 * prepared["count"] + 4):  # from wherever the focus is, round once
        page.keyboard.press("Tab")
        seen.update(e["id"] for e in page.evaluate("window.__kb") if e["id"] is not None)
        if wanted <= seen:
            break
    log = page.evaluate("window.__kb")
    missing = page.evaluate(
        "ids => ids.map(i => document.querySelector(`[data-kb='${i}']`).outerHTML.slice(0, 120))",
        sorted(wanted - seen),
    )
    assert not missing, f"{name}: not reached by Tab: {missing}"
    unmarked = [e["name"] for e in log if e["id"] is not None and not e["outline"]]
    assert not unmarked, f"{name}: focus without a visible outline on {unmarked}"


def _submit(page: Any, button: str) -> None:
    page.focus(button)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def _accounts_refused(page: Any, base: str, _folder: Path) -> None:
    page.goto(f"{base}{ADMIN}/konten")
    page.fill("#new-email", "neu@stadt.example")  # but no role: refused, nothing created
    _submit(page, "form[aria-labelledby=new-account] button")
    assert "mindestens eine Rolle" in page.inner_text("main")


def _settings_refused(page: Any, base: str, folder: Path) -> None:
    page.goto(f"{base}{ADMIN}/einstellungen")
    svg = folder / "logo.svg"
    svg.write_bytes(b'<svg xmlns="http://www.w3.org/2000/svg"/>')
    page.set_input_files("#f-branding-logo", str(svg))
    _submit(page, "main form button[type=submit]")
    assert page.locator("#error-summary").count() == 1


def _fund_upload_refused(page: Any, base: str, folder: Path) -> None:
    page.goto(f"{base}{ADMIN}/foerdertoepfe")
    broken = folder / "aif-2027.toml"
    broken.write_bytes(GUIDELINE_WITHOUT_BUDGET)
    page.set_input_files("#guideline-file", str(broken))
    _submit(page, "form[aria-labelledby=upload] button[type=submit]")
    assert "„fund.budget“" in page.inner_text("#error-summary")


def _fund_copy_refused(page: Any, base: str, _folder: Path) -> None:
    page.goto(f"{base}{ADMIN}/foerdertoepfe")
    year = page.locator("input[name=year]").first
    year.fill("27")
    year.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "vierstellig" in page.inner_text("main")


def _committee_refused(page: Any, base: str, _folder: Path) -> None:
    page.goto(f"{base}{ADMIN}/gremien")
    page.fill("#committee-name", COMMITTEE)  # taken: refused, nothing created
    _submit(page, "form[aria-labelledby=new-committee] button[type=submit]")
    assert "Bitte wählen Sie einen anderen Namen" in page.inner_text("main")


def _new_member(page: Any, base: str, _folder: Path) -> None:
    page.goto(f"{base}{ADMIN}/gremien")
    page.get_by_role("link", name="Mitglied zu").first.click()
    page.wait_for_load_state()


def _new_member_refused(page: Any, base: str, folder: Path) -> None:
    _new_member(page, base, folder)
    page.fill("#f-name", "Zora Neu")
    page.fill("#f-email", "zora@stadt.example, noch@eine.example")
    _submit(page, "main form button[type=submit]")
    assert page.locator("#error-summary").count() == 1


def _member(page: Any, base: str, _folder: Path) -> None:
    page.goto(f"{base}{ADMIN}/gremien")
    page.get_by_role("link", name="Ändern oder beenden").first.click()
    page.wait_for_load_state()


def _template_refused(page: Any, base: str, folder: Path) -> None:
    page.goto(f"{base}{ADMIN}/vorlagen")
    broken = folder / "bescheid.docx"
    broken.write_bytes(approval_saying("Für {{ recipient.nmae }}."))
    page.select_option("#template-kind", "approval")
    page.set_input_files("#template-file", str(broken))
    _submit(page, "form[aria-labelledby=upload] button[type=submit]")
    assert "recipient.nmae" in page.inner_text("main")


def _shipped_template(page: Any, base: str, _folder: Path) -> None:
    page.goto(f"{base}{ADMIN}/vorlagen/approval/0")
    page.wait_for_load_state("networkidle")  # the preview of page 1


def _goto(path: str) -> Callable[[Any, str, Path], None]:
    def reach(page: Any, base: str, _folder: Path) -> None:
        page.goto(f"{base}{ADMIN}/{path}")

    return reach


# every admin page and every way it shows a refusal
STATES: list[tuple[str, Callable[[Any, str, Path], None]]] = [
    ("staff-konten", _goto("konten")),
    ("staff-konten-fehler", _accounts_refused),
    ("staff-einstellungen", _goto("einstellungen")),
    ("staff-einstellungen-fehler", _settings_refused),
    ("staff-foerdertoepfe", _goto("foerdertoepfe")),
    ("staff-foerdertoepfe-fehler", _fund_upload_refused),
    ("staff-foerdertoepfe-kopie-fehler", _fund_copy_refused),
    ("staff-gremien", _goto("gremien")),
    ("staff-gremien-fehler", _committee_refused),
    ("staff-gremium-neues-mitglied", _new_member),
    ("staff-gremium-fehler", _new_member_refused),
    ("staff-gremium-mitglied", _member),
    ("staff-vorlagen", _goto("vorlagen")),
    ("staff-vorlagen-fehler", _template_refused),
    ("staff-vorlage-vorschau", _shipped_template),
]


@pytest.mark.timeout(600)
def test_every_admin_page_and_error_state_is_accessible_and_keyboard_operable(
    live_server: Any, page: Any, tmp_path: Path
) -> None:
    base = live_server.url
    _sign_in_with_the_keyboard(page, base, "admin@demo.example")
    failures = []
    for name, reach in STATES:
        reach(page, base, tmp_path)
        assert "/verwaltung/" in page.url, f"{name}: {page.url}"
        try:
            check_page(page, name)
            assert_keyboard_operable(page, name)
        except AssertionError as failure:
            failures.append(str(failure))
    assert not failures, "\n".join(failures)
