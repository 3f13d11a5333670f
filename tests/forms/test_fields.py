"""German money and dates on the forms (R3, R4): accepted as people type them, refused in
German otherwise, the typed text kept."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from flask import Flask
from werkzeug.datastructures import MultiDict
from wtforms import Form

from forms.fields import GermanDateField, GermanDecimalField, GermanMoneyField, format_german


class _Form(Form):
    amount = GermanMoneyField()
    quantity = GermanDecimalField(places=3)
    day = GermanDateField()


@pytest.fixture
def request_context():
    app = Flask(__name__)
    from flask_babel import Babel

    Babel(app)
    with app.test_request_context():
        yield


def _parse(**values: str) -> _Form:
    form = _Form(formdata=MultiDict(values))
    form.validate()
    return form


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("1.234,56", Decimal("1234.56")),
        ("1234,56", Decimal("1234.56")),
        ("1 234,56 €", Decimal("1234.56")),
        ("480", Decimal("480")),
        ("0", Decimal("0")),
    ],
)
def test_german_amounts_are_read_as_decimal(request_context, typed, value):
    form = _parse(amount=typed)
    assert form.amount.errors == []
    assert form.amount.data == value
    assert isinstance(form.amount.data, Decimal)


@pytest.mark.parametrize(
    "typed", ["-5", "1e309", "NaN", "Infinity", "١٢٣", "1,234", "12,345", "1.23.4"]
)
def test_unreadable_amounts_are_refused_and_the_text_is_kept(request_context, typed):
    form = _parse(amount=typed)
    assert form.amount.data is None
    assert len(form.amount.errors) == 1
    assert form.amount._value() == typed


def test_a_quantity_may_have_three_decimal_places_but_not_four(request_context):
    assert _parse(quantity="2,125").quantity.data == Decimal("2.125")
    assert _parse(quantity="2,1255").quantity.errors


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("01.05.2026", date(2026, 5, 1)),
        ("1.5.2026", date(2026, 5, 1)),
        ("2026-05-01", date(2026, 5, 1)),
    ],
)
def test_german_and_iso_dates_are_read(request_context, typed, value):
    assert _parse(day=typed).day.data == value


@pytest.mark.parametrize("typed", ["31.02.2026", "01.05.0099", "1. Mai 2026", "2026-13-01"])
def test_impossible_dates_are_refused_with_the_text_kept(request_context, typed):
    form = _parse(day=typed)
    assert form.day.data is None
    assert form.day.errors
    assert form.day._value() == typed


def test_an_empty_field_is_no_error_but_missing_for_the_rules_engine(request_context):
    form = _parse(amount="", day="")
    assert form.amount.errors == []
    assert form.amount.data is None
    assert form.day.data is None


def test_amounts_are_shown_german_with_cents():
    assert format_german(Decimal("1234.5"), 2) == "1.234,50"
    assert format_german(Decimal("0.2345"), None) == "0,2345"
