"""A partnership's letterhead comes from a settings file with the shape of partnership.toml."""

from __future__ import annotations

import tomllib

import pytest
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from service.models import Partnership, SettingsError
from tests.conftest import FIXTURES

# on PostgreSQL too (tests/conftest.py): unique and check constraints
pytestmark = pytest.mark.db_semantics

# the older letterhead file: the fixture without the sections issue 18 added to it
EXAMPLE = {
    section: content
    for section, content in tomllib.loads(
        (FIXTURES / "partnership.toml").read_text(encoding="utf-8")
    ).items()
    if section not in ("legal", "annexes")
}


def test_the_settings_of_the_example_file_are_kept_completely():
    partnership = Partnership()
    partnership.apply_settings(EXAMPLE)

    stored = partnership.settings()
    # the older letterhead file: every key it has comes back; the newer sections stay empty
    assert {
        section: {key: stored[section][key] for key in keys} for section, keys in EXAMPLE.items()
    } == EXAMPLE
    assert stored["legal"]["notification_days"] is None
    assert partnership.slug == "boizenburg-luebtheen"
    assert partnership.lead_office_street == "Kirchplatz 1"


def test_an_unknown_or_ill_typed_key_is_refused_with_its_name():
    partnership = Partnership(name="unverändert")
    settings = {"partnership": {"name": "Neu", "motto": "x"}, "lead_office": {"phone": 38847}}

    with pytest.raises(SettingsError) as raised:
        partnership.apply_settings(settings)

    assert raised.value.problems == [
        "partnership.motto: unknown key",
        "lead_office.phone: expected a string",
    ]
    assert partnership.name == "unverändert"


def test_two_partnerships_cannot_share_a_slug(db_session: Session):
    db_session.add(Partnership(slug="musterstadt", name="A"))
    db_session.flush()

    db_session.add(Partnership(slug="musterstadt", name="B"))
    with pytest.raises(IntegrityError):
        db_session.flush()


def test_an_empty_slug_is_refused(db_session: Session):
    db_session.add(Partnership(slug="", name="ohne Adresse"))
    with pytest.raises(IntegrityError):
        db_session.flush()


def test_the_files_of_the_settings_are_kept_as_bytes_and_replaced_in_place(db_session: Session):
    partnership = Partnership(slug="musterstadt", name="PfD Musterstadt")
    partnership.set_file("annexes", "anbest_p", "anbest-p.pdf", b"%PDF-1.4 eins")
    db_session.add(partnership)
    db_session.flush()

    partnership.set_file("annexes", "anbest_p", "anbest-p-2027.pdf", b"%PDF-1.4 zwei")
    db_session.flush()

    assert [(f.kind, f.name, f.data) for f in partnership.files] == [
        ("annexes.anbest_p", "anbest-p-2027.pdf", b"%PDF-1.4 zwei")
    ]
    assert partnership.settings()["annexes"]["anbest_p"]["name"] == "anbest-p-2027.pdf"
    partnership.set_file("annexes", "anbest_p", None, None)
    db_session.flush()
    assert partnership.files == []
