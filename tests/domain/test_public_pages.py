"""The facts of a public body's pages (issue 17, items 7 and 8): who stands in for a missing
key, the federal conciliation body, the known barriers, the rules before the form – and the
documentation of which settings key feeds which page."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path

from service.domain import public_pages as facts
from service.domain.guideline import load_guideline
from service.domain.messages import PlainLocalizer
from service.domain.partnership_settings import KEYS_BY_NAME, validate_settings

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs" / "partnership-settings.md"
GUIDELINES = ROOT / "tests" / "fixtures"

LEAD = {
    "name": "Stadt Beispiel",
    "unit": "Federführendes Amt",
    "street": "Markt 1",
    "postal_code": "19000",
    "city": "Beispiel",
    "phone": "0300 1",
    "email": "amt@stadt.example",
}


def _settings(**sections: dict[str, str]) -> dict[str, dict[str, str]]:
    data: dict[str, dict[str, str]] = {"lead_office": dict(LEAD)}
    data.update(sections)
    return data


def test_the_lead_office_stands_in_for_each_empty_imprint_key_one_by_one():
    publisher = facts.publisher(
        _settings(imprint={"publisher": "Landkreis Beispiel", "email": "", "phone": "0300 9"})
    )

    assert publisher.name == "Landkreis Beispiel"
    assert publisher.lines == ("Markt 1", "19000 Beispiel")  # no [imprint] address
    assert publisher.email == "amt@stadt.example"
    assert publisher.phone == "0300 9"


def test_a_typed_multi_line_address_becomes_lines():
    publisher = facts.publisher(_settings(imprint={"address": "Rathaus\n\n Markt 2 \n19000 Ort"}))

    assert publisher.lines == ("Rathaus", "Markt 2", "19000 Ort")


def test_no_data_protection_key_means_no_officer():
    assert facts.data_protection_officer(_settings()) is None
    officer = facts.data_protection_officer(_settings(data_protection={"email": "ds@x.example"}))
    assert officer is not None
    assert officer.email == "ds@x.example"


def test_accessibility_feedback_goes_to_its_own_address_or_the_lead_office():
    assert facts.accessibility_contact(_settings()).email == "amt@stadt.example"
    own = facts.accessibility_contact(_settings(accessibility={"email": "bf@stadt.example"}))
    assert own.email == "bf@stadt.example"
    assert own.name == "Stadt Beispiel"


def test_the_lands_enforcement_body_replaces_the_federal_one_only_when_given():
    assert facts.enforcement_body(_settings()) is None
    land = facts.enforcement_body(
        _settings(accessibility={"enforcement_body": "Durchsetzungsstelle\nAllee 1\n19000 Ort"})
    )
    assert land == facts.Address("Durchsetzungsstelle", ("Allee 1", "19000 Ort"))
    assert facts.FEDERAL_CONCILIATION.lines == ("Mauerstraße 53", "10117 Berlin")


def test_the_known_barriers_name_the_configured_idle_time():
    rendered = [m.render(PlainLocalizer()) for m in facts.known_barriers(45)]

    assert any("45 minutes" in text for text in rendered)
    assert any("Sign Language" in text for text in rendered)


def test_the_rules_before_the_form_come_from_the_guideline():
    aif = load_guideline(GUIDELINES / "guideline-aif-2026.toml")
    youth = load_guideline(GUIDELINES / "guideline-jf-2026.toml")

    rules = facts.rules_before_the_form(aif, date(2026, 3, 10), date(2026, 2, 24))
    assert rules.max_share == "90 %"
    assert not rules.covers_all_costs
    assert rules.full_rate_up_to == Decimal("500.00")
    assert rules.offers_threshold == Decimal("1000.00")
    assert rules.offers_needed == 3
    assert rules.latest_end == date(2026, 11, 30)
    assert (rules.next_session, rules.deadline) == (date(2026, 3, 10), date(2026, 2, 24))
    assert facts.rules_before_the_form(youth, None, None).covers_all_costs


def test_every_session_has_its_deadline():
    aif = load_guideline(GUIDELINES / "guideline-aif-2026.toml")

    assert facts.session_deadlines(aif)[0] == (date(2026, 3, 10), date(2026, 2, 24))
    assert len(facts.session_deadlines(aif)) == len(aif.sessions)


def test_the_accessibility_keys_are_optional_and_checked_like_the_others():
    _settings_ok, problems = validate_settings({"accessibility": {"email": "kein Mail"}})

    assert [p.name for p in problems if p.section == "accessibility"] == ["accessibility.email"]
    assert not KEYS_BY_NAME["accessibility.enforcement_body"].required


def test_every_key_a_page_uses_exists_and_the_docs_name_it_under_that_page():
    text = DOCS.read_text(encoding="utf-8")
    headings = {
        "imprint": "### Impressum",
        "privacy": "### Datenschutzerklärung",
        "accessibility": "### Erklärung zur Barrierefreiheit",
        "conditions": "### Förderbedingungen",
    }
    for page, keys in facts.PAGE_KEYS.items():
        start = text.index(headings[page])
        following = re.search(r"\n##+ ", text[start + 4 :])
        section = text[start : start + 4 + following.start()] if following else text[start:]
        for key in keys:
            assert key in KEYS_BY_NAME, key
            assert f"`{key}`" in section, (page, key)
