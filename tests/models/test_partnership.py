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

EXAMPLE = tomllib.loads((FIXTURES / "partnership.toml").read_text(encoding="utf-8"))


def test_the_settings_of_the_example_file_are_kept_completely():
    partnership = Partnership()
    partnership.apply_settings(EXAMPLE)

    assert partnership.settings() == EXAMPLE
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
